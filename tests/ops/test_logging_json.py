"""LOG_FORMAT=json: one parseable JSON object per record, with the fields a shipper indexes."""

import json
import logging
import os
import subprocess
import sys

from config.logging_json import JsonFormatter, current_request_id
from tests.subprocesses import ROOT


def record(message="hello %s", args=("world",), exc_info=None, **extra):
    made = logging.LogRecord("recovery.test", logging.WARNING, __file__, 1, message, args, exc_info)
    made.__dict__.update(extra)
    return made


class JsonFormatterTests:
    def test_a_record_is_one_json_line_with_the_fields(self):
        line = JsonFormatter().format(record(request_id="req-1"))
        assert "\n" not in line
        entry = json.loads(line)
        assert entry["level"] == "WARNING"
        assert entry["logger"] == "recovery.test"
        assert entry["message"] == "hello world"
        assert entry["request_id"] == "req-1"
        assert entry["time"].endswith("+00:00")
        assert "exception" not in entry

    def test_outside_a_request_there_is_no_request_id(self):
        assert "request_id" not in json.loads(JsonFormatter().format(record(request_id=None)))

    def test_the_exception_text_is_included(self):
        try:
            raise ValueError("broken")
        except ValueError:
            line = JsonFormatter().format(record(exc_info=sys.exc_info()))
        entry = json.loads(line)
        assert "Traceback" in entry["exception"]
        assert "ValueError: broken" in entry["exception"]

    def test_a_newline_in_a_message_cannot_forge_a_line(self):
        line = JsonFormatter().format(record("user said %s", ('x\n{"level": "ERROR"}',)))
        assert "\n" not in line
        assert json.loads(line)["message"] == 'user said x\n{"level": "ERROR"}'


def console_line(log_format: str | None) -> str:
    """The last line a fresh process's configured console handler writes for one warning."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.test_settings"}
    env.pop("LOG_FORMAT", None)
    env.pop("LOG_LEVEL", None)
    if log_format:
        env["LOG_FORMAT"] = log_format
    script = "import django, logging; django.setup(); logging.getLogger('recovery.t').warning('hi')"
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stderr.strip().splitlines()[-1]


def test_the_console_stays_plain_by_default_and_logs_json_when_asked():
    assert console_line(None) == "hi"
    entry = json.loads(console_line("json"))
    assert (entry["logger"], entry["message"], entry["level"]) == ("recovery.t", "hi", "WARNING")


def test_the_request_id_var_is_unset_by_default():
    assert current_request_id.get() is None
