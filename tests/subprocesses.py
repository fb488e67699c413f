"""Run the project in a separate process with exactly the environment a test chooses."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Variables config/settings.py reads, and Django's async-safety switch (the e2e browser fixture
# sets it for this process); the test process itself may have set any of them.
SETTINGS_VARIABLES = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "SITE_URL",
    "DATABASE_URL",
    "CACHE_URL",
    "EMAIL_URL",
    "SECURE_SSL_REDIRECT",
    "SECURE_COOKIES",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_PRELOAD",
    "DJANGO_SETTINGS_MODULE",
    "TASKS_BACKEND",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def run_python(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    return subprocess.run(  # noqa: S603 -- our own interpreter and arguments
        [sys.executable, *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
