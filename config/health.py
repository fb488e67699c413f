"""Liveness (`/healthz`) and readiness (`/healthz?ready`) probes, for load balancers and
`make run` users alike.

Readiness answers 503 when this instance cannot do its work (the database refuses writes, or no
usable signing key), and reports work that is waiting or failed without taking the instance out
of rotation: a stuck task queue or failed issuances are for an operator, not a load balancer.
"""

import datetime

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

STALE_TASK = datetime.timedelta(minutes=5)  # a task due this long ago should have run
FAILED_WINDOW = datetime.timedelta(days=1)


class _ProbeRollback(Exception):
    pass


def _database_writable() -> str:
    """'ok', or why not: a write that is always rolled back."""
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO django_migrations (app, name, applied) VALUES (%s, %s, %s)",
                    ["healthz", "write-probe", timezone.now()],
                )
            raise _ProbeRollback
    except _ProbeRollback:
        return "ok"
    except DatabaseError as error:
        return f"refuses writes ({type(error).__name__})"


def _signing_key() -> str:
    from credentials.signing_keys import SigningKeyUnavailable, current_signing_key

    try:
        current_signing_key()
    except SigningKeyUnavailable:
        return "unavailable"  # the reason (a file path, say) is for the operator's logs
    return "ok"


def _tasks() -> dict:
    if settings.TASKS["default"]["BACKEND"] != "django_tasks_db.DatabaseBackend":
        return {"queue": "not a database queue"}
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    overdue = DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, run_after__lte=now - STALE_TASK
    ).count()
    failed = DBTaskResult.objects.filter(
        status=TaskResultStatus.FAILED,
        task_path__startswith="credentials.",
        finished_at__gte=now - FAILED_WINDOW,
    ).count()
    return {"overdue": overdue, "failed_issuances_last_day": failed}


def readiness() -> tuple[int, dict]:
    from credentials.sweep import course_completions_not_issued

    report = {"database": _database_writable(), "signing_key": _signing_key()}
    if report["database"] != "ok":
        return 503, {"status": "unavailable", **report}
    report["tasks"] = _tasks()
    report["earned_not_issued"] = course_completions_not_issued().count()
    waiting = (
        report["tasks"].get("overdue")
        or report["tasks"].get("failed_issuances_last_day")
        or report["earned_not_issued"]
    )
    if report["signing_key"] != "ok":
        return 503, {"status": "unavailable", **report}
    return 200, {"status": "degraded" if waiting else "ok", **report}


@never_cache
@require_GET
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return JsonResponse(
            {"status": "unavailable", "database": "unreachable", "reason": type(exc).__name__},
            status=503,
        )
    if "ready" in request.GET:
        status, report = readiness()
        return JsonResponse(report, status=status)
    return JsonResponse({"status": "ok", "database": "ok"})
