"""Slow queries are logged with their SQL but never their parameters, and only when enabled."""

import logging

from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory

import pytest

from accounts.models import User
from config.logging_json import RequestIdFilter
from config.request_ids import RequestIdMiddleware
from config.slow_queries import SQL_LOG_LIMIT, QueryObserver

SECRET_EMAIL = "private.person@example.org"


def lookup_view(request):
    User.objects.filter(email=SECRET_EMAIL).exists()
    return HttpResponse()


def run_request(**headers):
    return RequestIdMiddleware(lookup_view)(RequestFactory().get("/", **headers))


@pytest.mark.django_db
class SlowQueryLogTests:
    def test_a_slow_query_is_logged_without_its_parameters(self, settings, caplog):
        settings.SLOW_QUERY_MS = 0.0001  # every query is "slow"
        with caplog.at_level(logging.WARNING, logger="recovery.slow_query"):
            run_request(HTTP_X_REQUEST_ID="slow-1")
        [entry] = [r for r in caplog.records if r.name == "recovery.slow_query"]
        assert entry.levelno == logging.WARNING
        message = entry.getMessage()
        assert "accounts_user" in message and "ms on default" in message
        assert SECRET_EMAIL not in message
        assert entry.duration_ms > 0

    def test_nothing_is_logged_when_disabled(self, settings, caplog):
        settings.SLOW_QUERY_MS = 0
        with caplog.at_level(logging.DEBUG, logger="recovery.slow_query"):
            run_request()
        assert not [r for r in caplog.records if r.name == "recovery.slow_query"]

    def test_nothing_is_logged_under_the_threshold(self, settings, caplog):
        settings.SLOW_QUERY_MS = 60_000
        with caplog.at_level(logging.DEBUG, logger="recovery.slow_query"):
            run_request()
        assert not [r for r in caplog.records if r.name == "recovery.slow_query"]

    def test_the_slow_query_record_carries_the_request_id(self, settings):
        settings.SLOW_QUERY_MS = 0.0001
        records = []
        handler = logging.Handler()
        handler.addFilter(RequestIdFilter())
        handler.emit = records.append
        logger = logging.getLogger("recovery.slow_query")
        logger.addHandler(handler)
        try:
            run_request(HTTP_X_REQUEST_ID="slow-2")
        finally:
            logger.removeHandler(handler)
        assert records and {r.request_id for r in records} == {"slow-2"}


@pytest.mark.django_db
def test_long_sql_is_truncated(caplog):
    observer = QueryObserver(threshold_ms=0.0001)
    long_sql = "SELECT 1 WHERE 1 IN (" + ", ".join(["1"] * 2000) + ")"
    with (
        caplog.at_level(logging.WARNING, logger="recovery.slow_query"),
        connection.execute_wrapper(observer),
        connection.cursor() as cursor,
    ):
        cursor.execute(long_sql)
    [entry] = caplog.records
    assert entry.args[-1] == long_sql[:SQL_LOG_LIMIT]
    assert observer.count == 1
