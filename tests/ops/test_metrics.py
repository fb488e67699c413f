"""/metrics: hidden from everyone but the scraper, and its gauges count the right things."""

import datetime
import re

from django.test import Client
from django.utils import timezone

import pytest
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from credentials.models import Credential
from tests.credentials.factories import complete_course, course_achievement
from tests.factories import UserFactory
from tests.subprocesses import run_python

TOKEN = "scrape-token-0123456789"


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_IPS = []
    return TOKEN


def scrape(client, **headers):
    return client.get("/metrics", **headers)


def gauge(body: str, name: str) -> float:
    match = re.search(rf"^{name} (\S+)$", body, re.MULTILINE)
    assert match, f"{name} missing from:\n{body}"
    return float(match.group(1))


@pytest.mark.django_db
class MetricsAccessTests:
    def test_hidden_when_nothing_is_configured_even_with_a_token(self, client, settings):
        settings.METRICS_TOKEN = ""
        settings.METRICS_ALLOWED_IPS = []
        assert scrape(client).status_code == 404
        assert scrape(client, HTTP_AUTHORIZATION="Bearer ").status_code == 404

    def test_hidden_without_credentials(self, client, token):
        assert scrape(client).status_code == 404

    def test_hidden_with_a_wrong_token_or_scheme(self, client, token):
        assert scrape(client, HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
        assert scrape(client, HTTP_AUTHORIZATION=f"Basic {TOKEN}").status_code == 404
        assert scrape(client, HTTP_AUTHORIZATION=f"Bearer {TOKEN}x").status_code == 404

    def test_its_404_is_the_site_s_ordinary_404(self, client, token, home_page):
        hidden = scrape(client)
        missing = client.get("/no-such-page/")
        assert hidden.status_code == missing.status_code == 404
        assert hidden.content.replace(b"/metrics", b"/no-such-page/") == missing.content

    def test_a_post_without_credentials_is_404_not_405(self, client, token):
        assert client.post("/metrics").status_code == 404

    def test_served_with_the_token_in_prometheus_text_format(self, client, token):
        client.get("/healthz")
        response = scrape(client, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/plain; version=0.0.4")
        assert "no-cache" in response["Cache-Control"]
        body = response.content.decode()
        assert re.search(
            r"^django_http_requests_total_by_view_transport_method_total\{"
            r'method="GET",transport="http",view="healthz"\} [1-9]',
            body,
            re.MULTILINE,
        )
        assert re.search(r"^django_http_responses_total_by_status_view_method_total\{", body, re.M)
        assert re.search(r'^recovery_db_queries_total\{view="healthz"\} [1-9]', body, re.M)

    def test_served_to_an_allowed_address_or_network(self, settings):
        settings.METRICS_TOKEN = ""
        settings.METRICS_ALLOWED_IPS = ["192.0.2.7", "10.0.0.0/8"]
        assert Client(REMOTE_ADDR="192.0.2.7").get("/metrics").status_code == 200
        assert Client(REMOTE_ADDR="10.1.2.3").get("/metrics").status_code == 200
        assert Client(REMOTE_ADDR="192.0.2.8").get("/metrics").status_code == 404

    def test_a_forged_forwarded_address_does_not_open_it(self, settings):
        settings.METRICS_ALLOWED_IPS = ["10.0.0.1"]
        settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0  # the header is the client's to forge
        client = Client(REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="10.0.0.1")
        assert client.get("/metrics").status_code == 404


@pytest.mark.django_db
def test_gauges_count_waiting_overdue_failed_tasks_and_unissued_credentials(
    client, token, settings
):
    # A learner completed a course while there was no signing key: earned, not issued.
    complete_course(UserFactory(), course_achievement("unissued"))
    assert not Credential.objects.exists()
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    DBTaskResult.objects.all().delete()
    now = timezone.now()

    def task(status, *, run_after=now, finished_at=None):
        DBTaskResult.objects.create(
            status=status,
            run_after=run_after,
            finished_at=finished_at,
            args_kwargs={"args": [], "kwargs": {}},
            task_path="credentials.tasks.issue_earned_credentials",
            backend_name="default",
        )

    task(TaskResultStatus.READY)  # due now: waiting, not overdue
    task(TaskResultStatus.READY, run_after=now - datetime.timedelta(hours=1))  # overdue
    task(TaskResultStatus.READY, run_after=now + datetime.timedelta(hours=1))  # later
    task(TaskResultStatus.FAILED, finished_at=now - datetime.timedelta(hours=2))
    task(TaskResultStatus.FAILED, finished_at=now - datetime.timedelta(days=2))  # too old
    task(TaskResultStatus.SUCCESSFUL, finished_at=now)

    body = scrape(client, HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()
    assert gauge(body, "recovery_tasks_waiting") == 3
    assert gauge(body, "recovery_tasks_overdue") == 1
    assert gauge(body, "recovery_tasks_failed_last_day") == 1
    assert gauge(body, "recovery_credentials_earned_not_issued") == 1


@pytest.mark.django_db
def test_task_gauges_are_left_out_when_tasks_are_not_database_rows(client, token):
    body = scrape(client, HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()
    assert "recovery_tasks_waiting" not in body
    assert gauge(body, "recovery_credentials_earned_not_issued") == 0


MULTIPROCESS_PROBE = """
import django
django.setup()
from django.test import Client
from config.metrics import _process_metrics
Client().get("/healthz")
Client().get("/healthz")
print(_process_metrics().decode())
"""


def test_with_a_multiprocess_directory_a_scrape_reads_the_workers_files(tmp_path):
    env = {
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
        "ALLOWED_HOSTS": "testserver",
    }
    first = run_python(["-c", MULTIPROCESS_PROBE], env)
    assert first.returncode == 0, first.stderr
    second = run_python(["-c", MULTIPROCESS_PROBE], env)  # another "worker", since exited
    assert second.returncode == 0, second.stderr
    assert list(tmp_path.glob("counter_*.db"))
    # The second process's scrape sums both processes' requests.
    assert re.search(
        r"^django_http_requests_total_by_view_transport_method_total\{"
        r'method="GET",transport="http",view="healthz"\} 4\.0$',
        second.stdout,
        re.MULTILINE,
    ), second.stdout
