"""Emptying the outbox into the LRS, batch by batch, losing nothing.

- A batch the LRS stores: its statements are sent.
- The LRS cannot be reached, times out, or refuses the request itself (wrong credentials,
  throttling): the batch stays pending with an exponential backoff with jitter, and the round
  stops; the next round tries again. A 5xx is treated the same once it answers one statement
  alone; a 5xx to a batch splits it first, so one statement the LRS chokes on cannot hold back
  the others (it waits, with its backoff, and the CMS shows the LRS's answer).
- The LRS refuses a batch because of what is in it (4xx): the batch is split in halves until each
  refused statement stands alone; a lone refused statement is failed with the LRS's reason and
  kept; the others go on. A lone 409 means the LRS already holds that id: delivered.
Statement ids were fixed when the events happened, so sending one twice never duplicates it.

What is sent is each row's JSON as the outbox holds it: tincan built and serialized the statement
when the event happened (statements.statement), and the LRS is the judge of what it receives.
A round reads each batch in one query, without decoding the JSON, marks it sent in one UPDATE,
and sends every batch over one connection (lrs_client). That database work is done while the LRS
works on the next batch: a batch's rows are marked sent only once the LRS has answered that it
stored them, after the next batch is sent. If the process dies in between, they are still
pending and are sent again: the LRS already holds their ids and stores nothing twice.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from django.db.models import F, Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from learning_records.lrs_client import Answer, LrsClient, LrsConfig, Outcome
from learning_records.models import OutboxState, OutboxStatement

BACKOFF_FIRST = datetime.timedelta(seconds=10)
BACKOFF_LONGEST = datetime.timedelta(minutes=30)


class LrsNotConfigured(Exception):
    pass


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    deferred: int = 0  # left pending, to retry after their backoff
    requests: int = 0
    unavailable: str = ""  # why the LRS could not take statements, when it could not
    failures: list[str] = field(default_factory=list)
    held_back: set = field(default_factory=set)  # deferred ids the round goes on without

    def as_dict(self) -> dict:
        return {
            "sent": self.sent,
            "failed": self.failed,
            "deferred": self.deferred,
            "requests": self.requests,
            "unavailable": self.unavailable,
        }


def backoff(attempts: int) -> datetime.timedelta:
    """Wait before retry number `attempts`: doubling from 10 s up to 30 min, then between half
    and all of that at random, so that many waiting statements do not retry in step."""
    ceiling = min(BACKOFF_LONGEST, BACKOFF_FIRST * 2 ** (max(attempts, 1) - 1))
    return ceiling * random.uniform(0.5, 1.0)  # noqa: S311 -- jitter, not a secret


def due_statements(*, now: datetime.datetime, due_only: bool = True):
    pending = OutboxStatement.objects.filter(state=OutboxState.PENDING)
    if due_only:
        pending = pending.filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    return pending.order_by("created_at", "id")


def deliver(
    *,
    client: LrsClient | None = None,
    due_only: bool = True,
    max_batches: int | None = None,
) -> DeliveryReport:
    """Send pending statements until none are left, the LRS fails, or `max_batches` are sent.
    `due_only=False` ignores the backoff: an operator asking for delivery now. A client passed
    in stays open (its owner closes it); one made here is closed when the round ends."""
    if client is None:
        config = LrsConfig.from_settings()
        if config is None:
            raise LrsNotConfigured("XAPI_LRS_ENDPOINT is not set")
        with LrsClient(config) as own_client:
            return deliver(client=own_client, due_only=due_only, max_batches=max_batches)
    report = DeliveryReport()
    size = client.config.batch_size
    rows = _batch(size, due_only=due_only, exclude=report.held_back)
    stored: list[OutboxStatement] = []  # the LRS has them; marked sent while the next is out
    batches = 0
    while rows and (max_batches is None or batches < max_batches):
        batches += 1
        client.start_batch([row.payload for row in rows])
        # While the LRS works on this batch: mark the previous one sent, read the next one.
        _mark_sent(stored)
        stored, following = [], []
        if max_batches is None or batches < max_batches:
            out = report.held_back | {row.pk for row in rows}
            following = _batch(size, due_only=due_only, exclude=out)
        answer = client.finish_batch()
        report.requests += 1
        if answer.outcome is Outcome.STORED:
            stored = rows
            report.sent += len(rows)
        else:
            _answered(client, rows, answer, report)
            if report.unavailable:
                break
        rows = following
    _mark_sent(stored)
    return report


def _batch(size: int, *, due_only: bool, exclude: set) -> list[OutboxStatement]:
    """The next `size` due rows but `exclude`, with only what delivery needs: the id, the
    attempts so far, and the statement as JSON text (`payload`), never decoded and encoded
    again."""
    due = due_statements(now=timezone.now(), due_only=due_only).exclude(pk__in=exclude)
    due = due.only("id", "attempts").annotate(payload=Cast("statement", TextField()))
    return list(due[:size])


def _deliver_rows(client: LrsClient, rows: list[OutboxStatement], report: DeliveryReport) -> None:
    if rows:
        answer = client.send_batch([row.payload for row in rows])
        report.requests += 1
        _answered(client, rows, answer, report)


def _answered(
    client: LrsClient, rows: list[OutboxStatement], answer: Answer, report: DeliveryReport
) -> None:
    """Act on the LRS's answer to `rows`: mark them sent, defer them, or split them."""
    if answer.outcome is Outcome.STORED:
        _mark_sent(rows)
        report.sent += len(rows)
    elif answer.outcome is Outcome.UNAVAILABLE and not _lrs_error(answer):
        _defer(rows, answer, report)  # unreachable, or the request itself is refused
    elif len(rows) == 1:
        if answer.outcome is Outcome.CONFLICT:
            _mark_sent(rows)  # the LRS already holds this id
            report.sent += 1
        elif answer.outcome is Outcome.REFUSED:
            _mark_failed(rows[0], answer.reason, report)
        else:
            # A 5xx to this statement alone. If others got through this round, the LRS works
            # and it is this statement: it waits with its backoff and the round goes on.
            _defer(rows, answer, report, stop=report.sent == 0)
    else:
        middle = len(rows) // 2
        _deliver_rows(client, rows[:middle], report)
        if not report.unavailable:
            _deliver_rows(client, rows[middle:], report)


def _lrs_error(answer: Answer) -> bool:
    """A 5xx may be one statement the LRS chokes on: a batch is halved until it stands alone
    (about log2(batch) requests when the LRS fails for everything), letting the others through."""
    return answer.status is not None and answer.status >= 500


def _mark_sent(rows: list[OutboxStatement]) -> None:
    """One UPDATE; only ever for rows the LRS answered as stored."""
    if rows:
        OutboxStatement.objects.filter(pk__in=[row.pk for row in rows]).update(
            state=OutboxState.SENT,
            sent_at=timezone.now(),
            attempts=F("attempts") + 1,
            next_attempt_at=None,
            last_error="",
        )


def _mark_failed(row: OutboxStatement, reason: str, report: DeliveryReport) -> None:
    OutboxStatement.objects.filter(pk=row.pk).update(
        state=OutboxState.FAILED,
        attempts=F("attempts") + 1,
        next_attempt_at=None,
        last_error=reason,
    )
    report.failed += 1
    report.failures.append(f"{row.pk}: {reason}")


def _defer(
    rows: list[OutboxStatement], answer: Answer, report: DeliveryReport, *, stop: bool = True
) -> None:
    now = timezone.now()
    for row in rows:
        row.attempts += 1
        row.next_attempt_at = now + backoff(row.attempts)
        row.last_error = answer.reason
    OutboxStatement.objects.bulk_update(rows, ["attempts", "next_attempt_at", "last_error"])
    report.deferred += len(rows)
    if stop:
        report.unavailable = answer.reason or "the LRS did not answer"
    else:
        report.held_back.update(row.pk for row in rows)


def requeue_failed(ids=None) -> int:
    """Send failed statements again (after the cause was fixed at the LRS); returns how many."""
    failed = OutboxStatement.objects.filter(state=OutboxState.FAILED)
    if ids is not None:
        failed = failed.filter(pk__in=ids)
    return failed.update(state=OutboxState.PENDING, next_attempt_at=None)
