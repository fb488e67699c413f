"""Per-request database observation: counts every query (for /metrics) and logs slow ones.

Installed by config.request_ids.RequestIdMiddleware with `connection.execute_wrapper`, so it
sees each query a request makes and nothing else. The SQL is logged without its parameters:
they may hold personal data (names, email addresses, answers).
"""

from __future__ import annotations

import logging
import time

logger = logging.getLogger("recovery.slow_query")

SQL_LOG_LIMIT = 2000  # characters of SQL in a log line: enough to recognise the query


class QueryObserver:
    """An execute wrapper: `count` queries, and log those slower than `threshold_ms` (0: never)."""

    __slots__ = ("count", "threshold_seconds")

    def __init__(self, *, threshold_ms: float) -> None:
        self.count = 0
        self.threshold_seconds = threshold_ms / 1000 if threshold_ms > 0 else None

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.count += 1
            elapsed = time.perf_counter() - started
            if self.threshold_seconds is not None and elapsed >= self.threshold_seconds:
                log_slow_query(str(sql), elapsed * 1000, context["connection"].alias)


def log_slow_query(sql: str, duration_ms: float, alias: str) -> None:
    logger.warning(
        "slow query: %.1f ms on %s: %s",
        duration_ms,
        alias,
        sql[:SQL_LOG_LIMIT],
        extra={"duration_ms": round(duration_ms, 3)},
    )
