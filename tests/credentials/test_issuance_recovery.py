"""A failed issuance is never lost: the task retries with backoff while the signing key is
unavailable, the daily sweep issues what was earned and missed, and readiness reports it."""

import datetime
import random
from io import StringIO

from django.core.management import call_command
from django.db import connection

import pytest
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from credentials.models import Credential
from credentials.signing_keys import signing_key_add
from credentials.tasks import RETRY_FIRST, issue_earned_credentials, retry_delay
from tests.credentials.factories import complete_course, course_achievement
from tests.factories import UserFactory


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def missed(db, django_capture_on_commit_callbacks):
    """A learner completed a course while there was no signing key: nothing was issued."""
    achievement = course_achievement("missed")
    learner = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        complete_course(learner, achievement)
    assert not Credential.objects.exists()
    return learner, achievement


def test_the_backoff_doubles_with_jitter():
    rng = random.Random(3)
    delays = [retry_delay(tries, rng) for tries in (1, 2, 3)]
    for tries, delay in zip((1, 2, 3), delays, strict=True):
        step = RETRY_FIRST * 2 ** (tries - 1)
        assert step / 2 <= delay <= step


@pytest.mark.django_db
def test_without_a_key_the_task_books_itself_again_later(database_tasks):
    achievement = course_achievement("retry")
    learner = UserFactory()
    complete_course(learner, achievement)
    DBTaskResult.objects.all().delete()  # the task enqueued on completion; run it by hand
    before = datetime.datetime.now(datetime.UTC)
    assert issue_earned_credentials.call(learner.pk, [achievement.course_id]) == []
    [retry] = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    assert retry.args_kwargs["args"] == [learner.pk, [achievement.course_id], 2]
    assert before + RETRY_FIRST / 2 <= retry.run_after <= before + RETRY_FIRST * 2
    signing_key_add()  # the key is back: the retry issues it
    issue_earned_credentials.call(*retry.args_kwargs["args"])
    assert Credential.objects.filter(learner=learner).count() == 1


@pytest.mark.django_db
def test_the_daily_sweep_issues_what_was_earned_and_missed(missed, client):
    learner, achievement = missed
    signing_key_add()
    degraded = client.get("/healthz?ready").json()
    assert (degraded["status"], degraded["earned_not_issued"]) == ("degraded", 1)
    out = StringIO()
    call_command("credentials_sweep", stdout=out)
    assert "1 credential(s) issued" in out.getvalue()
    assert Credential.objects.get().learner == learner
    call_command("credentials_sweep", stdout=out)  # again: nothing twice
    assert Credential.objects.count() == 1
    assert client.get("/healthz?ready").json()["status"] == "ok"


@pytest.mark.django_db
def test_readiness_is_503_without_a_signing_key_and_says_what(client):
    response = client.get("/healthz?ready")
    assert response.status_code == 503
    body = response.json()
    assert (body["database"], body["signing_key"]) == ("ok", "unavailable")
    assert "credentials_key_add" not in response.content.decode()  # reasons stay in the logs


@pytest.mark.django_db
def test_the_write_probe_leaves_nothing_behind(client):
    signing_key_add()
    assert client.get("/healthz?ready").status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM django_migrations WHERE app = 'healthz'")
        assert cursor.fetchone()[0] == 0
