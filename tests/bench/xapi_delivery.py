"""xAPI delivery throughput: `make bench`. Writes tests/bench/reports/xapi_delivery.md and .json.

The same outbox of statements (built by the platform's own statement builder) is delivered to a
real LRS (Ralph 5.1.0, filesystem backend, on loopback) by the platform's delivery code, in
batches of several sizes and one by one (batches of one). Each run starts from a fresh LRS,
because Ralph's filesystem backend reads its whole file to check each request's ids: the cost
of a request grows with what the LRS already holds.
"""

import datetime
import json
import os
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
BATCH_SIZES = [1, 10, 100, 500]


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


def run(batch_size: int) -> dict:
    from learning_records.delivery import deliver
    from learning_records.lrs_client import LrsClient, LrsConfig
    from tests.learning_records.ralph import PASSWORD, USERNAME, RalphServer

    outbox_fill(N)
    with tempfile.TemporaryDirectory(prefix="rl-bench-lrs-") as data:
        server = RalphServer(Path(data)).start()
        try:
            client = LrsClient(LrsConfig(server.endpoint, USERNAME, PASSWORD, batch_size, 60))
            start = time.perf_counter()
            report = deliver(client=client)
            seconds = time.perf_counter() - start
            stored = len(server.statements())
        finally:
            server.stop()
    assert report.sent == N and stored == N, (report, stored)
    return {
        "batch_size": batch_size,
        "statements": N,
        "requests": report.requests,
        "seconds": round(seconds, 2),
        "statements_per_second": round(N / seconds, 1),
    }


def main() -> None:
    configure()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    results = [run(size) for size in BATCH_SIZES]
    one_by_one = results[0]["statements_per_second"]

    REPORTS.mkdir(exist_ok=True)
    (REPORTS / "xapi_delivery.json").write_text(json.dumps({"results": results}, indent=2))
    lines = [
        "# xAPI delivery benchmark",
        "",
        f"{N} statements from the outbox to Ralph 5.1.0 (filesystem backend) on loopback, by "
        "learning_records.delivery (tincan's RemoteLRS, one POST per batch), SQLite outbox. "
        "A fresh LRS for each row.",
        "",
        "| batch size | requests | seconds | statements/second | vs one by one |",
        "|---|---|---|---|---|",
        *[
            f"| {r['batch_size']} | {r['requests']} | {r['seconds']} | "
            f"{r['statements_per_second']} | {r['statements_per_second'] / one_by_one:.1f}× |"
            for r in results
        ],
        "",
    ]
    (REPORTS / "xapi_delivery.md").write_text("\n".join(lines))
    sys.stdout.write("\n".join(lines))


if __name__ == "__main__":
    main()
