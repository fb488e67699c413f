"""Request ids: one id per request, in the `X-Request-ID` response header and on every log
record made while the request runs, so a user's report, the proxy's access log and our logs
can be joined. The id reaches log records through config.logging_json.RequestIdFilter.

A proxy or load balancer may send its own id; we keep it only if it is short and plain
(letters, digits, `.`, `_`, `-`), since it lands in log lines and a response header. Anything
else (newlines, 500 characters) is replaced by a fresh one.
"""

from __future__ import annotations

import re
import uuid
from contextlib import ExitStack

from django.conf import settings
from django.db import connections

from config.logging_json import current_request_id
from config.metrics import count_request_queries
from config.slow_queries import QueryObserver

HEADER = "X-Request-ID"
_SAFE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def request_id_from(incoming: str | None) -> str:
    """The incoming id if it is safe to log and echo, else a new one."""
    if incoming and _SAFE_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Gives the request its id and, while it runs, observes its queries (counted for /metrics,
    the slow ones logged). Adds no query of its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # META, not request.headers: building that mapping costs ~10 us a request.
        request.request_id = request_id_from(request.META.get("HTTP_X_REQUEST_ID"))
        token = current_request_id.set(request.request_id)
        observer = QueryObserver(threshold_ms=settings.SLOW_QUERY_MS)
        try:
            with ExitStack() as wrappers:
                for alias in connections:  # wrapping does not open a connection
                    wrappers.enter_context(connections[alias].execute_wrapper(observer))
                response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response[HEADER] = request.request_id
        count_request_queries(request, observer.count)
        return response
