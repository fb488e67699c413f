"""Throughput under gunicorn, measured with wrk: `make bench` (or run alone). Writes
tests/bench/reports/throughput.md and .json.

A fresh SQLite site (migrate, load_demo, collectstatic) in a temporary folder, served by gunicorn
with the production settings (DEBUG off) on loopback, WORKERS processes; wrk (Debian's package)
drives CONNECTIONS connections for SECONDS per page: the lesson page signed in as the demo
learner, a course page anonymous and a credential's public verify page.

`--app DIR` measures another checkout of the project (e.g. a `git worktree` of an older commit,
sharing this virtual environment) the same way, for a before-and-after comparison.
"""

import argparse
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REPORTS = Path(__file__).parent / "reports"
PYTHON = ROOT / ".venv" / "bin" / "python"
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
PORT = int(os.environ.get("BENCH_PORT", "8931"))

# Run inside the served project: what the benchmark requests, and a signed-in session.
SETUP = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from accounts.models import User
from courses.models import CoursePage, LessonPage
from credentials.models import Credential
import json
user = User.objects.get(email="learner@example.org")
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "accounts.backends.AccessAwareAuthenticationBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
course = CoursePage.objects.live().order_by("path").first()
lesson = LessonPage.objects.live().descendant_of(course).order_by("path")[1]
credential = Credential.objects.order_by("valid_from").first()
print(json.dumps({"session": session.session_key, "lesson": lesson.url, "course": course.url,
                  "verify": f"/verify/{credential.pk}/"}))
"""


def environment(tmp: Path) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "STATIC_ROOT": str(tmp / "static"),
        "CREDENTIALS_KEY_DIR": str(tmp / "keys"),
        "EMAIL_URL": "dummymail://",
        "LOG_LEVEL": "WARNING",
        "RATE_LIMIT_VERIFY": "100000000",
    }


def manage(app: Path, env: dict, *args: str) -> str:
    result = subprocess.run(  # noqa: S603 (our interpreter, our arguments)
        [str(PYTHON), "manage.py", *args], cwd=app, env=env, capture_output=True, text=True
    )
    if result.returncode:
        raise RuntimeError(f"manage.py {args[0]} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def wait_until_up(url: str) -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=1)  # noqa: S310 (loopback, our own server)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not come up at {url}")


def wrk(url: str, *headers: str) -> dict:
    args = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency", url]
    for header in headers:
        args[1:1] = ["-H", header]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout  # noqa: S603
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non_2xx:
        raise RuntimeError(f"{url}: {non_2xx[1]} responses were not 2xx/3xx\n{out}")

    def latency(percent: str) -> str:
        found = re.search(rf"^\s+{percent}%\s+(\S+)", out, re.M)
        return found[1] if found else "?"

    return {
        "requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]),
        "p50": latency("50"),
        "p99": latency("99"),
    }


def measure(app: Path) -> dict:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian package wrk; .ci/run installs it)")
    tmp = Path(tempfile.mkdtemp(prefix="rl-throughput-"))
    env = environment(tmp)
    manage(app, env, "migrate", "--noinput")
    manage(app, env, "credentials_key_add", "--if-none")
    manage(app, env, "load_demo", "--allow-without-debug")
    manage(app, env, "collectstatic", "--noinput")
    targets = json.loads(manage(app, env, "shell", "-c", SETUP).strip().splitlines()[-1])
    server = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
        [
            str(PYTHON),
            "-m",
            "gunicorn",
            "config.wsgi",
            f"--workers={WORKERS}",
            f"--bind=127.0.0.1:{PORT}",
            "--log-level=warning",
        ],
        cwd=app,
        env=env,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{PORT}"
    try:
        wait_until_up(f"{base}/healthz")
        cookie = f"Cookie: sessionid={targets['session']}"
        rows = {}
        url = base + targets["lesson"]
        lesson = urllib.request.Request(url, headers={"Cookie": cookie[8:]})  # noqa: S310
        with urllib.request.urlopen(lesson, timeout=10) as response:  # noqa: S310 (loopback)
            # A session that did not sign in would be sent to the login page (a 3xx wrk counts).
            if response.url != base + targets["lesson"] or b"lesson-body" not in response.read():
                raise RuntimeError("the benchmark's session does not open the lesson")
        for name, path, headers in [
            ("lesson page, signed in", targets["lesson"], (cookie,)),
            ("course page, anonymous", targets["course"], ()),
            ("verify page, anonymous", targets["verify"], ()),
        ]:
            wrk(base + path, *headers)  # warm: templates, caches, connections
            rows[name] = {"path": path, **wrk(base + path, *headers)}
        return rows
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--app", type=Path, default=ROOT, help="checkout to serve")
    parser.add_argument("--label", default="now")
    args = parser.parse_args()
    rows = measure(args.app.resolve())
    REPORTS.mkdir(exist_ok=True)
    path = REPORTS / "throughput.json"
    report = json.loads(path.read_text()) if path.exists() else {}
    report[args.label] = {
        "meta": {
            "python": platform.python_version(),
            "machine": f"{platform.machine()}, {os.cpu_count()} cores",
            "workers": WORKERS,
            "connections": CONNECTIONS,
            "seconds": SECONDS,
        },
        "results": rows,
    }
    path.write_text(json.dumps(report, indent=2))
    lines = [
        "# Throughput benchmark",
        "",
        f"gunicorn ({WORKERS} sync workers, production settings, DEBUG off, SQLite, the demo "
        f"site) on loopback; wrk with {CONNECTIONS} connections for {SECONDS} s per page after "
        "a warm-up run of the same length. Every response was 2xx or 3xx. "
        f"{platform.machine()}, {os.cpu_count()} cores (wrk shares them with the server).",
        "",
        "| run | page | path | requests/s | p50 | p99 |",
        "|---|---|---|---|---|---|",
    ]
    for label, run in report.items():
        for name, row in run["results"].items():
            lines.append(
                f"| {label} | {name} | `{row['path']}` | {row['requests_per_second']:.1f} | "
                f"{row['p50']} | {row['p99']} |"
            )
    (REPORTS / "throughput.md").write_text("\n".join(lines) + "\n")
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
