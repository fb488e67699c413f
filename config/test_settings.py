"""Test overlay: cheap hashing, inline tasks, plain static files, plain-HTTP cookies.

Everything else is config/settings.py unchanged, so tests exercise the real configuration.
"""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-any-deployment")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECURE_COOKIES", "0")

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Serve static files straight from the app folders, as DEBUG does; no collectstatic in tests.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# Uploaded evidence files go to a throw-away folder, never into the checkout.
PRIVATE_MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="recovery-learning-private-"))
CREDENTIALS_KEY_DIR = Path(tempfile.mkdtemp(prefix="recovery-learning-keys-"))
CREDENTIALS_SIGNING_KEY = ""
