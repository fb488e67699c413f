"""A board with 10,000 consenting licensees: `make bench`. Writes
tests/bench/reports/board_compliance.md and .json (one section per database it has run on).

Builds load_demo (its board: 12-month fixed cycles, 5 hours, 1 hour of a subject area, at most 4
self-study), then bulk-creates licensees with verified MD licences, consents to the demo board
and three credentials each (half also an accepted live session). judge_consents reads the
credentials' columns, never their signed documents, so these rows carry a minimal unsigned
document and are made with bulk_create (signing 30,000 credentials would measure issuance, which
tests/bench/credentials.py does).

Measured: judge_consents for every consenting licensee (median of 3), its query count with 10
and with 10,000 licensees (which must be equal), the compliance API for one licensee, and the
board's overview page (/board/ce/) when it answers. A cProfile of one judge_consents run is
summarised (the target is at most 3 s).

Same conditions as run.py: real settings, DEBUG off, in-process, SQLite in a temporary folder
unless DATABASE_URL says otherwise.
"""

import cProfile
import datetime
import io
import json
import os
import platform
import pstats
import statistics
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.run import REPORTS, configure

LICENSEES = int(os.environ.get("BENCH_LICENSEES", "10000"))
SMALL = 10  # the board's consenting licensees when queries are first counted
RUNS = 3
API_RUNS = 50
SLOW_SECONDS = 3
# (course, credits, cycle: 0 current / -1 previous, days after that cycle's start); a licensee
# gets the variant i % 4. Self-study counts for at most 4 of the 5 hours, so variants 0 and 2
# also have a live session the board accepted (EVIDENCE), in the current or previous cycle.
VARIANTS = [
    [
        ("shared-decision-making", "2", 0, 10),
        ("antidepressants", "2", 0, 40),
        ("recovery-foundations", "1.5", 0, 70),
    ],  # fmt: skip
    [
        ("shared-decision-making", "1", 0, 30),
        ("antidepressants", "1", 0, 60),
        ("recovery-foundations", "1", -1, 90),
    ],  # fmt: skip
    [
        ("shared-decision-making", "2", -1, 20),
        ("antidepressants", "2", -1, 120),
        ("recovery-foundations", "2", -1, 200),
    ],  # fmt: skip
    [
        ("shared-decision-making", "0.5", -1, 15),
        ("antidepressants", "1", 0, 15),
        ("recovery-foundations", "3", 0, 45),
    ],  # fmt: skip
]
EVIDENCE = {0: (0, 90), 2: (-1, 250)}  # variant: (cycle, days after its start), 1.5 hours


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def licensees_add(board, start: int, stop: int, *, cycle_start: datetime.date) -> None:
    """Licensees number start..stop-1: users, verified licences, consents, credentials."""
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import Licence, User
    from boards.cycles import add_months
    from boards.models import CeEvidence, Delivery, EvidenceStatus, LicenceConsent
    from credentials.models import Achievement, Credential

    achievements = {
        a.course.slug: a
        for a in Achievement.objects.filter(
            course__slug__in=[slug for slug, *_ in VARIANTS[0]]
        ).select_related("course")
    }
    used = set(Credential.objects.values_list("status_index", flat=True))
    free = (index for index in range(10**6) if index not in used)
    now = timezone.now()
    with transaction.atomic():
        users = User.objects.bulk_create(
            User(
                email=f"bench-licensee-{i}@example.org",
                first_name="Bench",
                last_name=f"Licensee {i}",
                password="!",  # unusable: nobody signs in as them
            )
            for i in range(start, stop)
        )
        assert users[0].pk is not None  # SQLite 3.35+ and PostgreSQL return the new ids
        licences = Licence.objects.bulk_create(
            Licence(
                user=user,
                jurisdiction=board.jurisdiction,
                licence_type="MD",
                number=f"BENCH-{i:05d}",
                verified_at=now,
            )
            for i, user in zip(range(start, stop), users, strict=True)
        )
        LicenceConsent.objects.bulk_create(
            LicenceConsent(licence=licence, board=board) for licence in licences
        )
        rows = []
        for i, user in zip(range(start, stop), users, strict=True):
            for slug, credits, cycle, days in VARIANTS[i % len(VARIANTS)]:
                day = add_months(cycle_start, 12 * cycle) + datetime.timedelta(days=days)
                moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
                credential_id = uuid.uuid4()
                rows.append(
                    Credential(
                        id=credential_id,
                        achievement=achievements[slug],
                        learner=user,
                        holder_name=user.get_full_name(),
                        credits=Decimal(credits),
                        valid_from=min(moment, now),
                        status_index=next(free),
                        # Not signed: judge_consents reads the columns, never the document.
                        document={
                            "id": f"urn:uuid:{credential_id}",
                            "type": ["VerifiableCredential", "OpenBadgeCredential"],
                            "description": "Benchmark row, not a signed credential.",
                        },
                    )
                )
        Credential.objects.bulk_create(rows, batch_size=2000)
        evidence = []
        for i, licence in zip(range(start, stop), licences, strict=True):
            if i % len(VARIANTS) in EVIDENCE:
                cycle, days = EVIDENCE[i % len(VARIANTS)]
                evidence.append(
                    CeEvidence(
                        board=board,
                        licence=licence,
                        title="Grand rounds",
                        provider="Bench Hospital",
                        completed_on=min(
                            add_months(cycle_start, 12 * cycle) + datetime.timedelta(days=days),
                            now.date(),
                        ),
                        hours=Decimal("1.5"),
                        delivery=Delivery.LIVE,
                        file="board-evidence/bench.pdf",  # never opened here
                        status=EvidenceStatus.ACCEPTED,
                    )
                )
        CeEvidence.objects.bulk_create(evidence, batch_size=2000)


def judged(board):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from boards.selectors import judge_consents, live_consents

    with CaptureQueriesContext(connection) as queries:
        rows = judge_consents(board, live_consents(board))
    return rows, len(queries)


def timed(function, runs: int) -> list[float]:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        timings.append(time.perf_counter() - start)
    return timings


def profile_summary(board) -> str:
    from boards.selectors import judge_consents, live_consents

    profiler = cProfile.Profile()
    profiler.enable()
    judge_consents(board, live_consents(board))
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(15)
    text = out.getvalue().replace(str(Path(__file__).resolve().parents[2]) + "/", "")
    return text.replace(sys.prefix + "/", "").strip()


def measure_api(client, token: str, number: str) -> dict:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    query = {"jurisdiction": "US-NY", "licence_type": "MD", "licence_number": number}
    headers = {"Authorization": f"Bearer {token}"}
    cache.clear()  # a fresh rate-limit allowance
    for _ in range(5):
        client.get("/api/v1/licensees/compliance", query, headers=headers)
    timings = []
    with CaptureQueriesContext(connection) as queries:
        for _ in range(API_RUNS):
            start = time.perf_counter()
            response = client.get("/api/v1/licensees/compliance", query, headers=headers)
            timings.append((time.perf_counter() - start) * 1000)
    assert response.status_code == 200, response.content
    return {
        "median_ms": round(statistics.median(timings), 2),
        "queries": len(queries) // API_RUNS,
        "status": response.json()["status"],
    }


def measure_overview(client) -> dict | None:
    """The board portal's overview of every licensee, if this tree has it (another part of
    issue 18); None when it does not answer 200."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    try:
        first = client.get("/board/ce/")
    except Exception as error:  # a page still being built is reported, not fatal
        return {"error": f"{type(error).__name__}: {error}"[:200]}
    if first.status_code != 200:
        return {"error": f"answered {first.status_code}"}
    with CaptureQueriesContext(connection) as queries:
        timings = timed(lambda: client.get("/board/ce/"), RUNS)
    return {
        "median_ms": round(statistics.median(timings) * 1000, 1),
        "queries": len(queries) // RUNS,
        "bytes": len(first.content),
    }


def main() -> None:
    os.environ.setdefault("CREDENTIALS_KEY_DIR", tempfile.mkdtemp(prefix="rl-bench-keys-"))
    os.environ.setdefault("PRIVATE_MEDIA_ROOT", tempfile.mkdtemp(prefix="rl-bench-private-"))
    configure()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client, override_settings

    from accounts.demo import demo_account
    from accounts.models import User
    from accounts.roles import Role
    from boards import demo
    from boards.compliance import Status
    from boards.cycles import add_months
    from boards.models import Board, LicenceConsent, RuleVersion
    from credentials.boards import api_token_create

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    if not Board.objects.filter(name=demo.BOARD).exists():
        call_command("load_demo", "--allow-without-debug", stdout=open(os.devnull, "w"))  # noqa: SIM115
    board = Board.objects.get(name=demo.BOARD)
    if User.objects.filter(email__startswith="bench-licensee-").exists():
        sys.exit("This database has the benchmark's licensees already: start from an empty one.")
    version = RuleVersion.objects.get(rule__board=board, rule__licence_type="MD")
    cycle_start = add_months(version.fixed_start, 12)
    demo_consents = LicenceConsent.objects.filter(board=board).count()
    setup_seconds = {"migrate and load_demo": round(time.perf_counter() - started, 1)}

    # Queries with 10 consenting licensees, then with LICENSEES.
    started = time.perf_counter()
    licensees_add(board, 0, SMALL - demo_consents, cycle_start=cycle_start)
    small_rows, small_queries = judged(board)
    assert len(small_rows) == SMALL, len(small_rows)
    licensees_add(board, SMALL - demo_consents, LICENSEES - demo_consents, cycle_start=cycle_start)
    if connection.vendor == "postgresql":
        # As autovacuum would after such a load: without statistics the planner takes the
        # freshly filled tables for empty ones and picks slow plans.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    setup_seconds[f"bulk-create {LICENSEES - SMALL:,} licensees"] = round(
        time.perf_counter() - started, 1
    )
    rows, queries = judged(board)
    assert len(rows) == LICENSEES, len(rows)
    assert queries == small_queries, (queries, small_queries)

    timings = timed(lambda: judged(board), RUNS)
    median = statistics.median(timings)
    statuses = {}
    for row in rows:
        statuses[row.current.status.value] = statuses.get(row.current.status.value, 0) + 1
    previous_not_compliant = sum(1 for r in rows if r.previous.status == Status.NOT_COMPLIANT)
    profile = profile_summary(board)

    member = demo_account(Role.BOARD_VERIFIER)
    _row, token = api_token_create(board=member, name="benchmark")
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        api = measure_api(Client(), token, "BENCH-00100")
        portal = Client()
        portal.force_login(member)
        overview = measure_overview(portal)

    database = os.environ["DATABASE_URL"].split(":", 1)[0]
    result = {
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {cpu_model()}",
        "licensees": LICENSEES,
        "credentials_per_licensee": 3,
        "setup_seconds": setup_seconds,
        "judge_consents_seconds": [round(t, 3) for t in timings],
        "judge_consents_median_seconds": round(median, 3),
        "queries_with_10": small_queries,
        "queries_with_all": queries,
        "current_statuses": statuses,
        "previous_not_compliant": previous_not_compliant,
        "api": api,
        "overview": overview,
        "profile": profile,
    }
    REPORTS.mkdir(exist_ok=True)
    path = REPORTS / "board_compliance.json"
    everything = json.loads(path.read_text()) if path.exists() else {}
    everything[database] = result
    path.write_text(json.dumps(everything, indent=2))
    (REPORTS / "board_compliance.md").write_text(report(everything))
    sys.stdout.write(report(everything))


def report(everything: dict) -> str:
    lines = [
        "# A board's CE compliance for 10,000 licensees",
        "",
        "`tests/bench/board_compliance.py`: load_demo's board (12-month fixed cycles, 5 hours, "
        "at least 1 hour of its subject area, at most 4 hours of self-study), with bulk-created "
        "licensees, each with a verified MD licence, a live consent to the board and 3 "
        "credentials in the current or previous cycle (half of them also an accepted live "
        "session of 1.5 hours). The credentials are bulk-created rows "
        "with a minimal unsigned document: judge_consents reads their columns (hours, credit "
        "type, date, status) and never the document. In-process, DEBUG off.",
        "",
        "judge_consents judges the current and the previous cycle of every consenting licensee; "
        "its query count must not grow with the licensees (asserted: the same with 10 as with "
        "10,000). The API reads one licensee among them; the overview is the board portal's "
        "list at /board/ce/.",
        "",
    ]
    for database, r in everything.items():
        api, overview = r["api"], r["overview"]
        if overview is None or "error" in overview:
            why = (overview or {}).get("error", "no answer")
            overview_row = f"| overview `/board/ce/` | not measured: {why} | |"
        else:
            overview_row = (
                f"| overview `/board/ce/` ({overview['bytes']:,} bytes) | "
                f"{overview['median_ms'] / 1000:.2f} s | {overview['queries']} |"
            )
        lines += [
            f"## {database}",
            "",
            f"Python {r['python']}, {r['machine']}.",
            "",
            "| what | median | queries |",
            "|---|---|---|",
            f"| judge_consents, {r['licensees']:,} licensees (runs: "
            f"{', '.join(f'{t:.2f}' for t in r['judge_consents_seconds'])} s) "
            f"| {r['judge_consents_median_seconds']:.2f} s | {r['queries_with_all']} "
            f"(with 10: {r['queries_with_10']}) |",
            f"| API `GET /api/v1/licensees/compliance`, one licensee of {r['licensees']:,} "
            f"| {api['median_ms']} ms | {api['queries']} |",
            overview_row,
            "",
            "Current cycle: "
            + ", ".join(f"{status} {count:,}" for status, count in r["current_statuses"].items())
            + f"; previous cycle not compliant: {r['previous_not_compliant']:,}.",
            "",
            "Set-up: "
            + "; ".join(f"{what} {seconds} s" for what, seconds in r["setup_seconds"].items())
            + ".",
            "",
        ]
        slow = r["judge_consents_median_seconds"] > SLOW_SECONDS
        lines += [
            f"Where the time goes{' (slower than 3 s!)' if slow else ''}: cProfile of one "
            "judge_consents run (profiling makes it slower), by time in each function itself:",
            "",
            "```",
            r["profile"],
            "```",
            "",
        ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
