"""Delivery to a real LRS: Ralph, started on loopback for each test. What arrives is read back
through the LRS's own xAPI API and compared with what the platform recorded."""

from io import StringIO

from django.core.management import CommandError, call_command
from django.utils import timezone

import pytest

from accounts.roles import Role
from assessments import demo as assessments_demo
from courses import demo as courses_demo
from credentials import demo as credentials_demo
from learning_records.delivery import deliver
from learning_records.lrs_client import LrsClient, LrsConfig
from learning_records.models import OutboxState, OutboxStatement
from learning_records.tasks import round_book
from tests.cms import ok, url
from tests.courses.test_load_curricula import copy_curriculum
from tests.factories import staff_user
from tests.learning_records.ralph import PASSWORD, USERNAME, RalphServer, needs_ralph

pytestmark = [pytest.mark.django_db, needs_ralph]

# Added by the LRS on arrival (xAPI 1.0.3, 2.4.8 and 2.4.9); everything else must be ours.
LRS_PROPERTIES = {"stored", "authority"}


@pytest.fixture
def ralph(tmp_path):
    server = RalphServer(tmp_path / "lrs").start()
    yield server
    server.stop()


@pytest.fixture
def lrs(settings, ralph):
    settings.XAPI_LRS_ENDPOINT = ralph.endpoint
    settings.XAPI_LRS_USERNAME = USERNAME
    settings.XAPI_LRS_PASSWORD = PASSWORD
    settings.XAPI_BATCH_SIZE = 4
    return ralph


def as_recorded(stored: dict) -> dict:
    return {key: value for key, value in stored.items() if key not in LRS_PROPERTIES}


def outbox_states() -> set[str]:
    return set(OutboxStatement.objects.values_list("state", flat=True))


def test_a_whole_journey_arrives_and_reads_back_equal(journey, lrs):
    recorded = {str(row.pk): row.statement for row in OutboxStatement.objects.all()}
    assert len(recorded) >= 13

    out = StringIO()
    call_command("xapi_deliver", stdout=out)

    assert f"Sent {len(recorded)}, refused by the LRS 0" in out.getvalue()
    assert outbox_states() == {OutboxState.SENT}
    stored = {statement["id"]: as_recorded(statement) for statement in lrs.statements()}
    assert stored == recorded
    assert all(
        row.sent_at is not None and row.attempts == 1 for row in OutboxStatement.objects.all()
    )


def test_the_lrs_stopping_midway_loses_nothing(journey, lrs):
    total = OutboxStatement.objects.count()
    first = deliver(max_batches=1)
    assert first.sent == 4

    lrs.stop()
    down = deliver()
    assert down.sent == 0 and "ConnectionRefusedError" in down.unavailable
    waiting = OutboxStatement.objects.filter(state=OutboxState.PENDING)
    assert waiting.count() == total - 4
    retried = waiting.exclude(attempts=0)
    assert retried.count() == 4  # the batch that was tried, now backing off
    assert all(row.next_attempt_at > timezone.now() for row in retried)
    with pytest.raises(CommandError, match=f"{total - 4} statement\\(s\\) wait in the outbox"):
        call_command("xapi_deliver", stdout=StringIO())

    lrs.start()  # same port, same data
    after = deliver(due_only=False)
    assert after.sent == total - 4 and not after.unavailable
    assert outbox_states() == {OutboxState.SENT}
    stored_ids = [statement["id"] for statement in lrs.statements()]
    assert sorted(stored_ids) == sorted(
        str(pk) for pk in OutboxStatement.objects.values_list("pk", flat=True)
    )


def test_delivering_twice_stores_each_statement_once(journey, lrs):
    assert deliver().sent == OutboxStatement.objects.count()
    # As if the first answer was lost on the way back: everything is sent again.
    OutboxStatement.objects.update(state=OutboxState.PENDING)

    again = deliver()

    assert again.sent == OutboxStatement.objects.count() and again.failed == 0
    assert outbox_states() == {OutboxState.SENT}
    assert len(lrs.statements()) == OutboxStatement.objects.count()
    assert len(lrs.stored_lines()) == OutboxStatement.objects.count()  # not written twice


def test_an_invalid_statement_is_reported_kept_and_does_not_block(journey, lrs, client):
    rows = list(OutboxStatement.objects.all())
    broken = rows[5]
    del broken.statement["verb"]  # as a bug might write it
    broken.save(update_fields=["statement"])

    report = deliver()

    assert report.failed == 1 and report.sent == len(rows) - 1
    broken.refresh_from_db()
    assert broken.state == OutboxState.FAILED
    assert broken.last_error == "HTTP 422: verb: Field required"  # the LRS's own reason
    stored = {statement["id"] for statement in lrs.statements()}
    assert str(broken.pk) not in stored and len(stored) == len(rows) - 1
    # Program staff see it in the CMS, with the reason, and can send it again once fixed.
    client.force_login(staff_user(Role.ADMINISTRATOR))
    page = ok(client.get(url(OutboxStatement, "list") + "?state=failed"))
    assert str(broken.pk) in page and "verb: Field required" in page


def test_a_statement_the_lrs_chokes_on_waits_alone(journey, lrs):
    rows = list(OutboxStatement.objects.all())
    poison = rows[6]
    # Ralph 5.1.0 answers 500 to an account homePage that is not a URL.
    poison.statement["actor"]["account"]["homePage"] = "not a URL"
    poison.save(update_fields=["statement"])

    out = StringIO()
    call_command("xapi_deliver", stdout=out)  # ignores backoff, so it must not retry for ever

    assert f"Sent {len(rows) - 1}, refused by the LRS 0" in out.getvalue()
    assert "1 statement(s) the LRS failed on (5xx) even when sent alone wait" in out.getvalue()
    poison.refresh_from_db()
    assert poison.state == OutboxState.PENDING and poison.attempts == 1
    assert poison.last_error == "HTTP 500: Internal Server Error"
    assert poison.next_attempt_at > timezone.now()


def test_a_stored_id_the_lrs_reports_as_conflict_counts_as_delivered(journey, lrs):
    row = OutboxStatement.objects.first()
    assert deliver().failed == 0
    row.statement["verb"]["display"]["en-US"] = "registered again"
    row.state = OutboxState.PENDING
    row.save(update_fields=["statement", "state"])

    report = deliver()

    row.refresh_from_db()
    assert (report.sent, report.failed, row.state) == (1, 0, OutboxState.SENT)
    assert len(lrs.statements()) == OutboxStatement.objects.count()


@pytest.fixture
def small_demo_curriculum(settings, monkeypatch, tmp_path):
    settings.DEBUG = True
    monkeypatch.setattr(courses_demo, "CURRICULA", copy_curriculum(tmp_path))
    monkeypatch.setattr(credentials_demo, "DEMO_COURSE", "basics")
    monkeypatch.setattr(assessments_demo, "PEER_PROGRAM", "peer-cert")


def test_the_demo_journey_arrives_in_the_lrs(small_demo_curriculum, lrs):
    call_command("load_demo", stdout=StringIO())
    recorded = {str(row.pk): row.statement for row in OutboxStatement.objects.all()}
    verbs = set(OutboxStatement.objects.values_list("verb", flat=True))
    assert {"registered", "launched", "completed", "passed", "earned"} <= verbs
    enrolled_in = [
        row.statement["object"]["id"] for row in OutboxStatement.objects.filter(verb="registered")
    ]
    assert any(iri.endswith("/peer-cert/") for iri in enrolled_in)  # the program, too

    call_command("xapi_deliver", stdout=StringIO())

    stored = {statement["id"]: as_recorded(statement) for statement in lrs.statements()}
    assert stored == recorded


@pytest.mark.django_db(transaction=True)  # the worker commits as it goes
def test_the_task_worker_delivers_in_its_rounds(database_tasks, lrs, journey):
    assert round_book()

    call_command("db_worker", batch=True, queue_name="*", interval=0, verbosity=0)

    assert outbox_states() == {OutboxState.SENT}
    assert len(lrs.statements()) == OutboxStatement.objects.count()


def lrs_client(lrs, batch_size: int = 4) -> LrsClient:
    return LrsClient(LrsConfig(lrs.endpoint, USERNAME, PASSWORD, batch_size, 10))


def test_a_round_sends_every_batch_over_one_connection(journey, lrs):
    with lrs_client(lrs) as client:
        assert deliver(client=client, max_batches=1).sent == 4
        first = client._connection.sock.getsockname()
        second = deliver(client=client, max_batches=2)
        assert second.sent == 8 and second.requests == 2
        assert client._connection.sock.getsockname() == first  # the same TCP connection
    assert client._connection is None  # closed with the round
    stored = {statement["id"] for statement in lrs.statements()}
    assert len(stored) == 12
    sent = OutboxStatement.objects.filter(state=OutboxState.SENT).values_list("pk", flat=True)
    assert stored == {str(pk) for pk in sent}


def test_a_connection_the_lrs_closed_is_replaced_and_nothing_is_sent_twice(journey, lrs):
    total = OutboxStatement.objects.count()
    with lrs_client(lrs) as client:
        assert deliver(client=client, max_batches=1).sent == 4
        lrs.stop()  # the kept-alive connection dies with it
        lrs.start()  # same port, same data

        report = deliver(client=client)

    assert (report.sent, report.deferred, report.unavailable) == (total - 4, 0, "")
    assert outbox_states() == {OutboxState.SENT}
    assert len(lrs.stored_lines()) == total  # every statement written once


def test_a_round_reads_and_marks_each_batch_in_one_query(journey, lrs, django_assert_num_queries):
    total = OutboxStatement.objects.count()
    batches = -(-total // 4)
    with lrs_client(lrs) as client, django_assert_num_queries(2 * batches + 1):
        # per batch: one SELECT of the due rows, one UPDATE marking them sent; then the empty
        # SELECT that ends the round
        assert deliver(client=client).sent == total
    assert outbox_states() == {OutboxState.SENT}


def test_a_statement_is_sent_as_the_outbox_holds_it(journey, lrs):
    row = OutboxStatement.objects.get(verb="earned")
    # A name outside ASCII, as a credential's may be: it must arrive unchanged.
    row.statement["object"]["definition"]["name"]["en-US"] = "Pair support — niveau 2, 学习"
    row.save(update_fields=["statement"])

    assert deliver().failed == 0

    stored = {statement["id"]: as_recorded(statement) for statement in lrs.statements()}
    assert stored[str(row.pk)] == row.statement


def test_the_lrs_stopping_within_a_round_keeps_what_it_stored_and_nothing_else(journey, lrs):
    class StopsAfterTwoAnswers(LrsClient):
        answers = 0

        def finish_batch(self):
            answer = super().finish_batch()
            self.answers += 1
            if self.answers == 2:
                lrs.stop()  # the third batch is sent to an LRS that is gone
            return answer

    total = OutboxStatement.objects.count()
    with StopsAfterTwoAnswers(LrsConfig(lrs.endpoint, USERNAME, PASSWORD, 4, 10)) as client:
        report = deliver(client=client)

    assert (report.sent, report.deferred, report.requests) == (8, 4, 3)
    sent = OutboxStatement.objects.filter(state=OutboxState.SENT)
    assert sent.count() == 8
    assert OutboxStatement.objects.filter(state=OutboxState.PENDING).count() == total - 8
    assert OutboxStatement.objects.filter(state=OutboxState.PENDING, attempts=1).count() == 4
    lrs.start()
    stored = {statement["id"] for statement in lrs.statements()}
    assert stored == {str(pk) for pk in sent.values_list("pk", flat=True)}
