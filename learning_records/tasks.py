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


@task()
def deliver_statements() -> dict:
    try:
        if LrsConfig.from_settings() is None:
            return {"skipped": "XAPI_LRS_ENDPOINT is not set; statements wait in the outbox"}
        return deliver(due_only=True).as_dict()
    finally:
        # Booked even when this round failed, so that one bad round never ends the rounds.
        round_book(delay=settings.XAPI_DELIVERY_INTERVAL)


def round_book(*, delay: float = 0) -> bool:
    """Book a delivery round `delay` seconds from now, unless one is already waiting. Only a
    backend that can defer (the database one) runs rounds on its own."""
    backend = deliver_statements.get_backend()
    if not backend.supports_defer or round_waiting():
        return False
    run_after = timezone.now() + datetime.timedelta(seconds=delay)
    deliver_statements.using(run_after=run_after).enqueue()
    return True


def round_waiting() -> bool:
    backend = deliver_statements.get_backend()
    if not isinstance(backend, DatabaseBackend):
        return False
    return DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, task_path=deliver_statements.module_path
    ).exists()
