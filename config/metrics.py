"""`GET /metrics` for Prometheus: request counts and latency by view and status
(django-prometheus's middleware), database queries per view (config.request_ids), and a few
gauges of our own worth alerting on, read from the database at scrape time.

Hidden unless the scraper sends `Authorization: Bearer <METRICS_TOKEN>` or comes from an
address in METRICS_ALLOWED_IPS: anyone else gets the site's ordinary 404.

We use django-prometheus for its request middleware only. Its database metrics need its own
database engines in DATABASES, which would wrap the engine env.db_url chooses (and our
PostgreSQL options); queries are counted by the execute wrapper we install anyway for the
slow-query log. With PROMETHEUS_MULTIPROC_DIR set (gunicorn workers), a scrape sums every
worker's counters from that directory; without it, it sees the one worker that answered.
"""

from __future__ import annotations

import functools
import hmac
import ipaddress
import os

from django.conf import settings
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.utils import timezone
from django.views.decorators.cache import never_cache

from prometheus_client import (
    CONTENT_TYPE_PLAIN_0_0_4,
    REGISTRY,
    CollectorRegistry,
    Counter,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from config.health import FAILED_WINDOW, STALE_TASK
from config.rate_limits import client_ip

DB_QUERIES = Counter(
    "recovery_db_queries",
    "Database queries made while serving requests, by view.",
    ["view"],
)


def count_request_queries(request, count: int) -> None:
    match = getattr(request, "resolver_match", None)
    view = (match.view_name if match else None) or "<unresolved>"
    DB_QUERIES.labels(view=view).inc(count)


# --- Access -------------------------------------------------------------------------------


@functools.cache
def _networks(
    allowed: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in allowed)


def _bearer_token_matches(request) -> bool:
    expected = settings.METRICS_TOKEN
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if not expected or scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), expected.encode())


def _address_allowed(request) -> bool:
    if not settings.METRICS_ALLOWED_IPS:
        return False
    try:
        address = ipaddress.ip_address(client_ip(request))
    except ValueError:  # "unknown", or a malformed forwarded address
        return False
    return any(address in network for network in _networks(tuple(settings.METRICS_ALLOWED_IPS)))


def scrape_allowed(request) -> bool:
    return _bearer_token_matches(request) or _address_allowed(request)


# --- Gauges read at scrape time -------------------------------------------------------------


class ApplicationStateCollector:
    """Work waiting or failed, counted when Prometheus asks (two queries per scrape)."""

    def collect(self):
        yield from self._tasks()
        from credentials.sweep import course_completions_not_issued

        yield GaugeMetricFamily(
            "recovery_credentials_earned_not_issued",
            "Completed courses whose credential has not been issued.",
            value=course_completions_not_issued().count(),
        )

    def _tasks(self):
        if settings.TASKS["default"]["BACKEND"] != "django_tasks_db.DatabaseBackend":
            return  # tasks are not rows we can count
        from django_tasks.base import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        now = timezone.now()
        ready = Q(status=TaskResultStatus.READY)
        counts = DBTaskResult.objects.aggregate(
            waiting=Count("pk", filter=ready),
            overdue=Count("pk", filter=ready & Q(run_after__lte=now - STALE_TASK)),
            failed=Count(
                "pk",
                filter=Q(status=TaskResultStatus.FAILED, finished_at__gte=now - FAILED_WINDOW),
            ),
        )
        yield GaugeMetricFamily(
            "recovery_tasks_waiting",
            "Background tasks queued, not started.",
            value=counts["waiting"],
        )
        yield GaugeMetricFamily(
            "recovery_tasks_overdue",
            f"Background tasks due more than {STALE_TASK} ago and not started (workers down?).",
            value=counts["overdue"],
        )
        yield GaugeMetricFamily(
            "recovery_tasks_failed_last_day",
            "Background tasks that failed in the last day.",
            value=counts["failed"],
        )


def _process_metrics() -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(REGISTRY)


def _application_metrics() -> bytes:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(ApplicationStateCollector())
    return generate_latest(registry)


@never_cache
def metrics(request):
    if not scrape_allowed(request):
        raise Http404
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return HttpResponse(
        _process_metrics() + _application_metrics(), content_type=CONTENT_TYPE_PLAIN_0_0_4
    )
