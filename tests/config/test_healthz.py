import json

import pytest

from tests.subprocesses import run_python

PROBE = """
import django, json
django.setup()
from django.test import Client
response = Client().get("/healthz")
print(json.dumps({"status": response.status_code, "body": json.loads(response.content)}))
"""


@pytest.mark.django_db
class HealthzTests:
    def test_answers_200_with_json_when_the_database_answers(self, client):
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "database": "ok"}
        assert "no-cache" in response["Cache-Control"]

    def test_only_get(self, client):
        assert client.post("/healthz").status_code == 405

    def test_plain_http_probes_are_answered_not_redirected(self, settings):
        from django.test import Client

        settings.SECURE_SSL_REDIRECT = True
        client = Client()  # its middleware is built with the setting on
        assert client.get("/healthz").status_code == 200
        assert client.get("/accounts/login/").status_code == 301  # everything else redirects


class HealthzUnreachableDatabaseTests:
    def test_answers_503_with_json_when_the_database_is_unreachable(self):
        # A real process pointed at a PostgreSQL port where nothing listens.
        env = {
            "DJANGO_SETTINGS_MODULE": "config.test_settings",
            "DATABASE_URL": "postgres://nobody@127.0.0.1:9/none",
            "ALLOWED_HOSTS": "testserver",
        }
        out = run_python(["-c", PROBE], env)
        assert out.returncode == 0, out.stderr
        result = json.loads(out.stdout.strip().splitlines()[-1])
        assert result["status"] == 503
        assert result["body"]["status"] == "unavailable"
        assert result["body"]["database"] == "unreachable"
