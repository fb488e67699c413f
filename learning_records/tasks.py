"""The delivery round: the task worker empties the outbox into the LRS, then books the next
round. Requests never enqueue anything (recording an event stays one INSERT); the rounds run
on their own, `XAPI_DELIVERY_INTERVAL` seconds apart, once `xapi_deliver --schedule` (run by
`make run`, and once per deployment) has booked the first."""

import datetime

from django.conf import settings
from django.utils import timezone

from django_tasks import TaskResultStatus, task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from learning_records.delivery import deliver
from learning_records.lrs_client import LrsConfig

# Finished rounds are kept this long (for the CMS's task views and debugging), then deleted:
# at one round every 15 seconds they would otherwise pile up by thousands a day.
ROUNDS_KEPT = datetime.timedelta(hours=1)


@task()
def deliver_statements() -> dict:
    rounds_prune()
    try:
        if LrsConfig.from_settings() is None:
            return {"skipped": "XAPI_LRS_ENDPOINT is not set; statements wait in the outbox"}
        return deliver(due_only=True).as_dict()
    finally:
        # Booked even when this round failed, so that one bad round never ends the rounds.
        round_book(delay=settings.XAPI_DELIVERY_INTERVAL)


def round_book(*, delay: float = 0) -> bool:
    """Book a delivery round `delay` seconds from now, unless one is already waiting or no LRS
    is configured. Only a backend that can defer (the database one) runs rounds on its own."""
    backend = deliver_statements.get_backend()
    if LrsConfig.from_settings() is None or not backend.supports_defer or round_waiting():
        return False
    run_after = timezone.now() + datetime.timedelta(seconds=delay)
    deliver_statements.using(run_after=run_after).enqueue()
    return True


def _rounds():
    """The delivery rounds in the task table, when tasks are kept in the database."""
    if not isinstance(deliver_statements.get_backend(), DatabaseBackend):
        return DBTaskResult.objects.none()
    return DBTaskResult.objects.filter(task_path=deliver_statements.module_path)


def round_waiting() -> bool:
    return _rounds().filter(status=TaskResultStatus.READY).exists()


def rounds_prune() -> int:
    """Delete finished delivery rounds older than ROUNDS_KEPT; returns how many."""
    old = _rounds().finished().filter(finished_at__lt=timezone.now() - ROUNDS_KEPT)
    return old.delete()[0]
