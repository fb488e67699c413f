"""Logging pieces: the request id on every record, and one JSON object per log line
(`LOG_FORMAT=json`) for log shippers that index fields.

Importable while logging is configured, before Django's apps are ready: no model imports here.

Our own twenty lines rather than python-json-logger: the fields are fixed (time, level, logger,
message, request_id, exception) and a dependency would add nothing but options we do not use.
Newlines in messages stay inside the JSON string, so a message cannot forge a second line.
"""

from __future__ import annotations

import datetime
import json
import logging
from contextvars import ContextVar

# Set by config.request_ids.RequestIdMiddleware. A ContextVar, not a thread-local: it follows the
# request into async code too.
current_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

# Extras some of our log calls pass that are worth a field of their own.
EXTRA_FIELDS = ("duration_ms",)


class RequestIdFilter(logging.Filter):
    """Adds `request_id` (None outside a request) to each record its handler emits."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = current_request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if getattr(record, "request_id", None):
            entry["request_id"] = record.request_id
        for field in EXTRA_FIELDS:
            if hasattr(record, field):
                entry[field] = getattr(record, field)
        if record.exc_info:
            entry["exception"] = record.exc_text or self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str)
