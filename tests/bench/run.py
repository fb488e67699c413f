"""Page benchmarks: `make bench`. Writes tests/bench/reports/pages.md and pages.json.

Runs the real settings module (DEBUG off, real password hashing) against a fresh SQLite file
(or DATABASE_URL if set), in one process with Django's test client, so the numbers measure our
code and the framework, not a network. Each page is requested WARMUP times, then N times; the
report gives median and 95th-percentile milliseconds and the number of queries per request.
"""

import json
import os
import platform
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REPORTS = Path(__file__).parent / "reports"
N = int(os.environ.get("BENCH_N", "300"))
WARMUP = 20


def configure() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="rl-bench-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp / 'bench.sqlite3'}")
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "0",
            "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_COOKIES": "0",
            "ALLOWED_HOSTS": "testserver",
            "EMAIL_URL": "dummymail://",
            "LOG_LEVEL": "WARNING",
        }
    )
    sys.path.insert(0, str(ROOT))
    # No collectstatic here, so WhiteNoise finds no STATIC_ROOT; static files are not measured.
    warnings.filterwarnings("ignore", message="No directory at", module="django.core.handlers")
    import django

    django.setup()


def measure(client, path: str) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARMUP):
        client.get(path)
    timings = []
    with CaptureQueriesContext(connection) as queries:
        for _ in range(N):
            start = time.perf_counter()
            response = client.get(path)
            timings.append((time.perf_counter() - start) * 1000)
    assert response.status_code == 200, (path, response.status_code)
    timings.sort()
    return {
        "path": path,
        "median_ms": round(statistics.median(timings), 2),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 2),
        "queries": len(queries.captured_queries) // N,
    }


def main() -> None:
    configure()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client, override_settings

    from accounts.models import User

    call_command("migrate", verbosity=0)
    call_command("load_demo", "--allow-without-debug", stdout=open(os.devnull, "w"))  # noqa: SIM115

    # Hashed static names need collectstatic; the benchmark measures pages, not static files.
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    results = []
    with override_settings(STORAGES=storages):
        anonymous = Client()
        for path in ["/healthz", "/", "/accounts/login/", "/accounts/signup/"]:
            results.append({"who": "anonymous", **measure(anonymous, path)})
        learner = Client()
        learner.force_login(User.objects.get(email="learner@example.org"))
        for path in ["/", "/accounts/profile/"]:
            results.append({"who": "learner", **measure(learner, path)})

    REPORTS.mkdir(exist_ok=True)
    meta = {
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "database": os.environ["DATABASE_URL"].split(":", 1)[0],
        "requests_per_page": N,
    }
    (REPORTS / "pages.json").write_text(json.dumps({"meta": meta, "results": results}, indent=2))
    lines = [
        "# Page benchmark",
        "",
        f"{meta['requests_per_page']} requests per page after {WARMUP} warm-up requests; "
        f"Python {meta['python']}, {meta['machine']}, {meta['database']}. "
        "In-process (Django test client), DEBUG off.",
        "",
        "| who | path | median ms | p95 ms | queries |",
        "|---|---|---|---|---|",
        *[
            f"| {r['who']} | `{r['path']}` | {r['median_ms']} | {r['p95_ms']} | {r['queries']} |"
            for r in results
        ],
        "",
    ]
    (REPORTS / "pages.md").write_text("\n".join(lines))
    sys.stdout.write("\n".join(lines))


if __name__ == "__main__":
    main()
