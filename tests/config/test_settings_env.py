"""Settings come from the environment; production settings must refuse unsafe starts."""

from tests.subprocesses import run_python

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "a-production-like-secret-key-that-is-long-enough-0123456789-abcdefghij",
    "ALLOWED_HOSTS": "learning.example.org",
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "CREDENTIALS_KEY_ENCRYPTION_KEY": "vY8pNlE3c0dE9m2c4Kp1xWq7sT6uR5oA3bH2jG1fD0k",  # a test KEK
}


def manage(*args: str, env: dict[str, str]):
    return run_python(["manage.py", *args], env)


class ProductionSettingsTests:
    def test_missing_secret_key_refuses_to_start_and_names_the_variable(self):
        env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
        result = manage("check", env=env)
        assert result.returncode != 0
        assert "SECRET_KEY environment variable is required" in result.stderr

    def test_deploy_check_is_clean_at_warning_level(self):
        result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "no issues" in result.stdout

    def test_deploy_check_warns_while_the_signing_key_is_unencrypted_at_rest(self):
        env = {k: v for k, v in PRODUCTION_ENV.items() if k != "CREDENTIALS_KEY_ENCRYPTION_KEY"}
        result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
        assert result.returncode != 0
        assert "credentials.W001" in result.stderr + result.stdout

    def test_debug_runs_without_a_secret_key(self):
        result = manage("check", env={"DEBUG": "1", "DJANGO_SETTINGS_MODULE": "config.settings"})
        assert result.returncode == 0, result.stderr


class SettingsFromEnvironmentTests:
    def test_database_cache_and_email_come_from_urls(self):
        code = (
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME'], "
            "s.CACHES['default']['BACKEND'], s.EMAIL_BACKEND, s.EMAIL_HOST, s.SITE_URL, "
            "s.SESSION_COOKIE_SECURE, s.SECURE_SSL_REDIRECT)"
        )
        env = {
            **PRODUCTION_ENV,
            "DATABASE_URL": "postgres://app@db.internal:5432/learning",
            "CACHE_URL": "redis://cache.internal:6379/1",
            "EMAIL_URL": "smtp://mailer:pw@smtp.internal:587",
            "SITE_URL": "https://learning.example.org/",
        }
        out = run_python(["-c", code], env)
        assert out.returncode == 0, out.stderr
        assert out.stdout.split() == [
            "django.db.backends.postgresql",
            "learning",
            "django.core.cache.backends.redis.RedisCache",
            "django.core.mail.backends.smtp.EmailBackend",
            "smtp.internal",
            "https://learning.example.org",
            "True",
            "True",
        ]


def test_the_trusted_proxy_settings_reach_allauth_and_our_rate_limits():
    code = (
        "import django; django.setup(); from allauth import app_settings as a; "
        "print(a.TRUSTED_PROXY_COUNT, a.TRUSTED_CLIENT_IP_HEADER)"
    )
    env = {"DEBUG": "1", "DJANGO_SETTINGS_MODULE": "config.settings"}
    default = run_python(["-c", code], env)
    assert default.stdout.split() == ["0", "None"], default.stderr
    behind = run_python(
        ["-c", code], {**env, "TRUSTED_PROXY_COUNT": "1", "TRUSTED_CLIENT_IP_HEADER": "X-Real-IP"}
    )
    assert behind.stdout.split() == ["1", "X-Real-IP"], behind.stderr
