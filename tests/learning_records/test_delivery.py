"""Delivery without an LRS, or with one that is unreachable; the commands; the delivery rounds.
(What a real LRS does with the statements is in test_delivery_to_ralph.py.)"""

import datetime
import json
import socket
import threading
from io import StringIO

from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest
from django_tasks import TaskResultStatus, default_task_backend
from django_tasks_db.models import DBTaskResult

from learning_records.delivery import LrsNotConfigured, _batch, backoff, deliver
from learning_records.lrs_client import LrsClient, LrsConfig, Outcome, _answer
from learning_records.models import OutboxState, OutboxStatement
from learning_records.tasks import deliver_statements, round_book
from tests.learning_records.ralph import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def unreachable_lrs(settings):
    """An LRS address where nothing listens: every connection is refused at once."""
    settings.XAPI_LRS_ENDPOINT = f"http://127.0.0.1:{free_port()}/xAPI/"
    settings.XAPI_BATCH_SIZE = 5


class NoLrsConfiguredTests:
    def test_statements_wait_and_the_command_says_so(self, journey, settings):
        settings.XAPI_LRS_ENDPOINT = ""
        total = OutboxStatement.objects.count()
        with pytest.raises(LrsNotConfigured):
            deliver()
        with pytest.raises(CommandError, match=f"XAPI_LRS_ENDPOINT is not set.*{total} statement"):
            call_command("xapi_deliver")
        assert deliver_statements.call() == {
            "skipped": "XAPI_LRS_ENDPOINT is not set; statements wait in the outbox"
        }
        assert OutboxStatement.objects.filter(state=OutboxState.PENDING).count() == total


class UnreachableLrsTests:
    def test_the_batch_backs_off_and_the_round_stops(self, journey, unreachable_lrs):
        before = timezone.now()
        report = deliver()

        assert (report.sent, report.failed, report.deferred, report.requests) == (0, 0, 5, 1)
        assert report.unavailable.startswith("ConnectionRefusedError")
        tried = OutboxStatement.objects.exclude(attempts=0)
        assert tried.count() == 5
        for row in tried:
            assert row.state == OutboxState.PENDING
            assert before + datetime.timedelta(seconds=5) <= row.next_attempt_at
            assert row.next_attempt_at <= timezone.now() + datetime.timedelta(seconds=10)
            assert row.last_error.startswith("ConnectionRefusedError")

    def test_a_round_skips_statements_still_backing_off(self, journey, unreachable_lrs):
        deliver()
        deliver()  # tries the next five: the first five are not due yet
        assert OutboxStatement.objects.filter(attempts=1).count() == 10

    def test_the_command_exits_non_zero_and_keeps_everything(self, journey, unreachable_lrs):
        total = OutboxStatement.objects.count()
        with pytest.raises(CommandError) as raised:
            call_command("xapi_deliver", stdout=StringIO())
        assert "The LRS could not take statements (ConnectionRefusedError" in str(raised.value)
        assert f"{total} statement(s) wait in the outbox" in str(raised.value)


@pytest.fixture
def silent_lrs():
    """An address that accepts connections and reads requests but never answers; yields the
    endpoint and the list of connections it accepted."""
    accepted = []
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                accepted_connection, _ = listener.accept()
            except TimeoutError:
                continue
            accepted.append(accepted_connection)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/xAPI/", accepted
    stop.set()
    thread.join()
    for accepted_connection in accepted:
        accepted_connection.close()
    listener.close()


class SilentLrsTests:
    def test_a_request_times_out_once_and_its_connection_is_dropped(self, journey, silent_lrs):
        endpoint, accepted = silent_lrs
        with LrsClient(LrsConfig(endpoint, "", "", 5, timeout=0.3)) as client:
            report = deliver(client=client)
            assert client._connection is None  # a late answer can never be read as the next

        assert (report.sent, report.deferred, report.requests) == (0, 5, 1)
        assert report.unavailable.startswith("TimeoutError")
        assert len(accepted) == 1  # a timeout is not retried like a connection the LRS closed
        assert OutboxStatement.objects.filter(attempts=1).count() == 5


class BatchQueryTests:
    def test_the_oldest_due_rows_but_those_excluded_with_their_json_text(self, journey):
        rows = list(OutboxStatement.objects.order_by("created_at", "id"))
        rows[1].next_attempt_at = timezone.now() + datetime.timedelta(minutes=5)  # backing off
        rows[1].save(update_fields=["next_attempt_at"])

        batch = _batch(3, due_only=True, exclude={rows[0].pk})

        assert [row.pk for row in batch] == [rows[2].pk, rows[3].pk, rows[4].pk]
        assert json.loads(batch[0].payload) == rows[2].statement
        assert [row.pk for row in _batch(2, due_only=False, exclude=set())] == [
            rows[0].pk,
            rows[1].pk,
        ]

    @pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
    def test_a_batch_is_read_in_index_order_without_sorting_the_pending_rows(self, journey):
        with CaptureQueriesContext(connection) as captured:
            _batch(100, due_only=True, exclude={OutboxStatement.objects.first().pk})
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + captured.captured_queries[-1]["sql"])
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
        assert "outbox_pending_order" in plan and "TEMP B-TREE" not in plan, plan


class BackoffTests:
    def test_doubles_from_ten_seconds_with_jitter_up_to_thirty_minutes(self):
        for attempts, ceiling in [(1, 10), (2, 20), (3, 40), (8, 1280), (9, 1800), (40, 1800)]:
            waits = {backoff(attempts).total_seconds() for _ in range(50)}
            assert all(ceiling / 2 <= wait <= ceiling for wait in waits), (attempts, waits)
            assert len(waits) > 1  # jitter: not all in step


class LrsAnswerTests:
    """How an LRS's HTTP answer is read (the rest of each flow runs against Ralph)."""

    @pytest.mark.parametrize(
        ("status", "outcome"),
        [
            (200, Outcome.STORED),
            (204, Outcome.STORED),
            (409, Outcome.CONFLICT),
            (400, Outcome.REFUSED),
            (413, Outcome.REFUSED),
            (422, Outcome.REFUSED),
            (401, Outcome.UNAVAILABLE),  # our credentials: nothing wrong with the statements
            (403, Outcome.UNAVAILABLE),
            (404, Outcome.UNAVAILABLE),  # a wrong endpoint
            (429, Outcome.UNAVAILABLE),
            (500, Outcome.UNAVAILABLE),
            (503, Outcome.UNAVAILABLE),
        ],
    )
    def test_status(self, status, outcome):
        assert _answer(status, b"").outcome is outcome

    def test_the_lrs_reason_is_kept_in_its_words(self):
        assert _answer(400, b'{"message": "Invalid verb"}').reason == "HTTP 400: Invalid verb"
        assert _answer(400, "plain words").reason == "HTTP 400: plain words"
        assert _answer(400, b"").reason == "HTTP 400: (no explanation given)"
        pydantic = json.dumps(
            {"detail": [{"loc": ["body", 0, "result", "score"], "msg": "too high"}]}
        )
        assert _answer(422, pydantic).reason == "HTTP 422: result.score: too high"


class CommandTests:
    def test_export_writes_json_lines_filtered_by_state(self, journey, tmp_path):
        OutboxStatement.objects.filter(verb="failed").update(state=OutboxState.FAILED)
        target = tmp_path / "refused.jsonl"
        err = StringIO()
        call_command("xapi_export", state="failed", output=str(target), stderr=err)
        lines = [json.loads(line) for line in target.read_text().splitlines()]
        assert [line["verb"]["display"]["en-US"] for line in lines] == ["failed"]
        assert lines[0] == OutboxStatement.objects.get(verb="failed").statement
        assert "1 statement(s) written to" in err.getvalue()

    def test_export_to_stdout_and_an_unwritable_file(self, journey, tmp_path):
        out = StringIO()
        call_command("xapi_export", learner=journey.email, stdout=out, stderr=StringIO())
        assert len(out.getvalue().splitlines()) == OutboxStatement.objects.count()
        with pytest.raises(CommandError, match="Cannot write"):
            call_command("xapi_export", output=str(tmp_path / "missing" / "x.jsonl"))

    def test_requeue_all_or_some_and_a_bad_id(self, journey):
        refused = list(OutboxStatement.objects.all()[:3])
        OutboxStatement.objects.filter(pk__in=[r.pk for r in refused]).update(
            state=OutboxState.FAILED
        )
        out = StringIO()
        call_command("xapi_requeue", str(refused[0].pk), stdout=out)
        assert "1 statement(s) waiting" in out.getvalue()
        call_command("xapi_requeue", stdout=out)
        assert "2 statement(s) waiting" in out.getvalue()
        assert not OutboxStatement.objects.filter(state=OutboxState.FAILED).exists()
        with pytest.raises(CommandError, match="Not a statement id"):
            call_command("xapi_requeue", "not-a-uuid")


class DeliveryRoundTests:
    def test_booking_is_idempotent(self, database_tasks, unreachable_lrs):
        assert default_task_backend.supports_defer
        assert round_book() is True
        assert round_book() is False
        rounds = DBTaskResult.objects.filter(task_path=deliver_statements.module_path)
        assert rounds.count() == 1
        out = StringIO()
        call_command("xapi_deliver", schedule=True, stdout=out)
        assert "already booked" in out.getvalue()

    # The worker commits as it goes (and closes a connection left inside a transaction).
    @pytest.mark.django_db(transaction=True)
    def test_the_worker_runs_a_round_which_books_the_next(
        self, database_tasks, journey, unreachable_lrs, settings
    ):
        settings.XAPI_DELIVERY_INTERVAL = 15
        round_book()
        call_command("db_worker", batch=True, queue_name="*", interval=0, verbosity=0)

        rounds = DBTaskResult.objects.filter(task_path=deliver_statements.module_path)
        done = rounds.get(status=TaskResultStatus.SUCCESSFUL)
        assert done.return_value["deferred"] == 5  # it tried, and the LRS was down
        waiting = rounds.get(status=TaskResultStatus.READY)
        delay = waiting.run_after - done.finished_at
        assert datetime.timedelta(seconds=14) < delay <= datetime.timedelta(seconds=15)

        # An hour later, the next round deletes the finished one.
        rounds.filter(pk=done.pk).update(finished_at=timezone.now() - datetime.timedelta(hours=2))
        rounds.filter(pk=waiting.pk).update(run_after=timezone.now())
        call_command("db_worker", batch=True, queue_name="*", interval=0, verbosity=0)
        assert not rounds.filter(pk=done.pk).exists()
        assert rounds.get(pk=waiting.pk).status == TaskResultStatus.SUCCESSFUL
        assert rounds.filter(status=TaskResultStatus.READY).count() == 1

    def test_no_rounds_without_an_lrs(self, database_tasks, settings):
        settings.XAPI_LRS_ENDPOINT = ""
        out = StringIO()
        call_command("xapi_deliver", schedule=True, stdout=out)
        assert "No LRS is configured" in out.getvalue()
        assert not DBTaskResult.objects.filter(task_path=deliver_statements.module_path).exists()

    def test_rounds_are_not_booked_on_a_backend_that_cannot_wait(self, unreachable_lrs):
        # The tests' immediate backend would run the next round at once, for ever.
        assert round_book() is False
