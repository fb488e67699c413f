"""xAPI delivery throughput: `make bench`. Writes tests/bench/reports/xapi_delivery.md and .json.

The same outbox of statements (built by the platform's own statement builder) is delivered to a
real LRS (Ralph 5.1.0, filesystem backend, on loopback) by the platform's delivery code, in
batches of several sizes, the default (`XAPI_BATCH_SIZE`) among them, and one by one (batches
of one). Beside each, "Ralph alone": the same batches' JSON posted straight to Ralph over one
kept-alive connection with nothing else to do, the most any sequential client could deliver.

Each run starts a fresh Ralph, because its filesystem backend reads its whole file to check each
request's ids: the cost of a request grows with what the LRS already holds. The LRS is read once
before the clock starts (a running LRS has loaded its code; a freshly started one spends about
0.1 s on its first request). Each figure is the median of several runs, delivery and Ralph alone
taking turns, since other work on the machine makes single runs noisy.
"""

import base64
import datetime
import http.client
import json
import os
import statistics
import sys
import tempfile
import time
import types
import uuid
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.run import REPORTS, configure

N = int(os.environ.get("BENCH_XAPI_N", "1000"))
RUNS = int(os.environ.get("BENCH_XAPI_RUNS", "5"))
OTHER_BATCH_SIZES = [1, 10, 500]
DATABASES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def outbox_fill(count: int) -> None:
    """`count` statements of the shapes the platform records: attempts with scores and
    context, by 50 learners."""
    from learning_records.models import OutboxStatement
    from learning_records.statements import activity, registration, score_result, statement

    learners = [types.SimpleNamespace(public_id=uuid.uuid4()) for _ in range(50)]
    module = activity("https://learn.example.org/courses/c/m/", name="Module", kind="module")
    rows = []
    start = datetime.datetime.now(datetime.UTC)
    for n in range(count):
        obj = activity(
            f"https://learn.example.org/assessments/{n % 40}/", name=f"Check {n}", kind="assessment"
        )
        data = statement(
            user=learners[n % 50],
            verb="passed",
            obj=obj,
            when=start + datetime.timedelta(seconds=n),
            registration_id=registration(user_id=n % 50, course_id=1),
            parents=[module],
            result=score_result(
                score=Decimal(80), passed=True, duration=datetime.timedelta(minutes=4)
            ),
        )
        rows.append(OutboxStatement(id=data["id"], statement=data, verb="passed"))
    OutboxStatement.objects.all().delete()
    OutboxStatement.objects.bulk_create(rows, batch_size=500)


def fresh_lrs():
    from tests.learning_records.ralph import RalphServer

    server = RalphServer(Path(tempfile.mkdtemp(prefix="rl-bench-lrs-"))).start()
    server.statements()  # warm: authentication and the backend have served a request
    return server


def deliver_once(batch_size: int) -> dict:
    """The platform's delivery of the whole outbox; seconds and requests."""
    from learning_records.delivery import deliver
    from learning_records.lrs_client import LrsClient, LrsConfig
    from tests.learning_records.ralph import PASSWORD, USERNAME

    outbox_fill(N)
    server = fresh_lrs()
    try:
        with LrsClient(LrsConfig(server.endpoint, USERNAME, PASSWORD, batch_size, 60)) as client:
            start = time.perf_counter()
            report = deliver(client=client)
            seconds = time.perf_counter() - start
        stored = len(server.statements())
    finally:
        server.stop()
    assert report.sent == N and stored == N, (report, stored)
    return {"seconds": seconds, "requests": report.requests}


def ralph_alone_once(batch_size: int) -> float:
    """Seconds Ralph takes to store the same statements posted straight to it in batches of
    `batch_size`, over one kept-alive connection, the bodies ready beforehand."""
    from django.db.models import TextField
    from django.db.models.functions import Cast

    from learning_records.models import OutboxStatement
    from tests.learning_records.ralph import PASSWORD, USERNAME

    outbox_fill(N)
    texts = list(
        OutboxStatement.objects.order_by("created_at", "id").values_list(
            Cast("statement", TextField()), flat=True
        )
    )
    bodies = [
        ("[" + ",".join(texts[i : i + batch_size]) + "]").encode() for i in range(0, N, batch_size)
    ]
    token = base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()
    headers = {
        "Authorization": f"Basic {token}",
        "X-Experience-API-Version": "1.0.3",
        "Content-Type": "application/json",
    }
    server = fresh_lrs()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        start = time.perf_counter()
        for body in bodies:
            connection.request("POST", "/xAPI/statements", body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            assert response.status == 200, response.status
        seconds = time.perf_counter() - start
        connection.close()
        stored = len(server.statements())
    finally:
        server.stop()
    assert stored == N, stored
    return seconds


def measure(batch_size: int, runs: int) -> dict:
    delivery, alone, requests = [], [], 0
    for _ in range(runs):
        run = deliver_once(batch_size)
        delivery.append(N / run["seconds"])
        requests = run["requests"]
        alone.append(N / ralph_alone_once(batch_size))
    return {
        "batch_size": batch_size,
        "statements": N,
        "requests": requests,
        "runs": runs,
        "statements_per_second": round(statistics.median(delivery)),
        "statements_per_second_min": round(min(delivery)),
        "statements_per_second_max": round(max(delivery)),
        "ralph_alone_statements_per_second": round(statistics.median(alone)),
    }


def main() -> None:
    configure()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    default = settings.XAPI_BATCH_SIZE
    sizes = sorted({default, *OTHER_BATCH_SIZES})
    # Batches of one take a thousand requests a run: fewer runs of them.
    results = [measure(size, RUNS if size != 1 else max(1, RUNS // 2)) for size in sizes]
    one_by_one = next(r for r in results if r["batch_size"] == 1)["statements_per_second"]
    at_default = next(r for r in results if r["batch_size"] == default)

    REPORTS.mkdir(exist_ok=True)
    (REPORTS / "xapi_delivery.json").write_text(
        json.dumps({"default_batch_size": default, "results": results}, indent=2)
    )

    def row(r: dict) -> str:
        size = f"**{r['batch_size']} (default)**" if r is at_default else str(r["batch_size"])
        return (
            f"| {size} | {r['requests']} | {r['statements_per_second']} "
            f"({r['statements_per_second_min']}–{r['statements_per_second_max']}) | "
            f"{r['ralph_alone_statements_per_second']} | "
            f"{r['statements_per_second'] / r['ralph_alone_statements_per_second']:.0%} | "
            f"{r['statements_per_second'] / one_by_one:.1f}× |"
        )

    lines = [
        "# xAPI delivery benchmark",
        "",
        f"**At the default batch size ({default} statements per request, `XAPI_BATCH_SIZE`): "
        f"{at_default['statements_per_second']} statements/second delivered** (median of "
        f"{at_default['runs']} runs; Ralph alone, the same batches posted straight to it: "
        f"{at_default['ralph_alone_statements_per_second']}/second).",
        "",
        f"{N} statements from the outbox to Ralph 5.1.0 (filesystem backend) on loopback, by "
        "learning_records.delivery (the outbox's JSON as tincan built it, one POST per batch, "
        "one kept-alive connection per round, the database work done while the LRS works on "
        f"the batch in flight), {DATABASES[connection.vendor]} outbox. A fresh LRS for each "
        "run, read "
        "once before the clock starts. Statements/second: median (lowest–highest) of the runs; "
        "'Ralph alone': the same batches' JSON posted straight to Ralph over one connection, "
        "nothing else done, the most a sequential client could reach.",
        "",
        "| batch size | requests | statements/second | Ralph alone | of Ralph alone "
        "| vs one by one |",
        "|---|---|---|---|---|---|",
        *[row(r) for r in results],
        "",
    ]
    (REPORTS / "xapi_delivery.md").write_text("\n".join(lines))
    sys.stdout.write("\n".join(lines))


if __name__ == "__main__":
    main()
