"""A real LRS for the tests: Ralph (ralph-malph from PyPI), served from .venv-ralph on loopback by
scripts/ralph/serve.py, with its statements in a folder of the test's own."""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RALPH_PYTHON = ROOT / ".venv-ralph" / "bin" / "python"
SERVE = ROOT / "scripts" / "ralph" / "serve.py"
USERNAME, PASSWORD = "platform", "lrs-test-password"
# CI installs Ralph (make test does); there the LRS tests must run, never skip.
REQUIRED = os.environ.get("CI") == "true"

needs_ralph = pytest.mark.skipif(
    not REQUIRED and not RALPH_PYTHON.exists(),
    reason="Ralph is not installed: `make test` installs it in .venv-ralph",
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RalphServer:
    def __init__(self, data_dir: Path, port: int | None = None):
        self.data_dir = data_dir
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/xAPI/"

    def start(self) -> RalphServer:
        assert RALPH_PYTHON.exists(), "Ralph is not installed: run `make test` (or make lrs)"
        self.process = subprocess.Popen(  # noqa: S603 -- our own script, fixed arguments
            [
                str(RALPH_PYTHON),
                str(SERVE),
                f"--port={self.port}",
                f"--data={self.data_dir}",
                f"--username={USERNAME}",
                f"--password={PASSWORD}",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Ralph exited: {self.process.stderr.read().decode()}")
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{self.port}/__heartbeat__", timeout=1
                ):
                    return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("Ralph did not answer within 30 seconds")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        if self.process is not None and self.process.stderr:
            self.process.stderr.close()
        self.process = None

    def _get(self, url: str) -> dict:
        token = base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()
        request = urllib.request.Request(  # noqa: S310 -- loopback
            url,
            headers={"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return json.load(response)

    def statements(self) -> list[dict]:
        """Every statement the LRS stores, read back through its xAPI API (all pages)."""
        found, url = [], self.endpoint + "statements?limit=500"
        while url:
            page = self._get(url)
            found.extend(page["statements"])
            more = page.get("more")
            url = f"http://127.0.0.1:{self.port}{more}" if more else None
        return found

    def stored_lines(self) -> list[dict]:
        """The backend's file itself: every write, duplicates included."""
        path = self.data_dir / "fs_lrs.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
