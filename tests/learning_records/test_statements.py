"""Every learning event becomes one valid xAPI statement in the outbox, in the event's own
transaction: a learner's journey through the real services, checked against the xAPI rules."""

import datetime
import json

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest

from courses.models import Enrolment
from courses.services import LAUNCH_GAP, lesson_complete, lesson_view
from learning_records.models import OutboxState, OutboxStatement
from tests.courses.factories import lessons_of
from tests.credentials.factories import course_achievement
from tests.factories import UserFactory
from tests.learning_records.xapi_rules import xapi_problems

TABLE = OutboxStatement._meta.db_table


def inserts(captured) -> int:
    return sum(
        1 for q in captured.captured_queries if q["sql"].startswith(f'INSERT INTO "{TABLE}"')
    )


@pytest.mark.django_db
class JourneyTests:
    def test_each_event_is_one_statement_in_order(self, journey):
        verbs = list(OutboxStatement.objects.values_list("verb", flat=True))
        assert verbs == [
            "registered",
            "launched",  # lesson 1
            "experienced",  # 90 seconds on screen
            "completed",  # lesson 1 (completing it from the lesson is not another launch)
            "launched",  # lesson 2
            "completed",
            "attempted",
            "failed",
            "attempted",
            "passed",
            "completed",  # the module, once its check is passed
            "attempted",
            "passed",  # the exam
            "completed",  # the course
            "earned",
            "attested",
        ]
        assert set(OutboxStatement.objects.values_list("state", flat=True)) == {OutboxState.PENDING}

    def test_every_statement_meets_the_xapi_rules(self, journey):
        for row in OutboxStatement.objects.all():
            assert xapi_problems(row.statement) == [], (row.verb, row.statement)
            assert str(row.id) == row.statement["id"]  # fixed when the event happened

    def test_the_actor_is_the_public_id_never_the_email(self, journey):
        for row in OutboxStatement.objects.all():
            assert row.statement["actor"]["account"]["name"] == str(journey.public_id)
            assert journey.email not in json.dumps(row.statement)

    def test_results_context_and_extensions(self, journey):
        failed = OutboxStatement.objects.get(verb="failed").statement
        assert failed["result"]["score"] == {"scaled": 0.0, "raw": 0.0, "min": 0.0, "max": 100.0}
        assert failed["result"]["success"] is False
        assert failed["result"]["duration"].startswith("P")
        course_done = OutboxStatement.objects.filter(verb="completed").last().statement
        assert course_done["object"]["definition"]["type"].endswith("/activities/course")
        extensions = course_done["context"]["extensions"]
        assert next(v for k, v in extensions.items() if k.endswith("/ce-hours")) == 2.0
        lesson = OutboxStatement.objects.filter(verb="completed").first().statement
        assert lesson["context"]["contextActivities"]["parent"][0]["definition"]["type"].endswith(
            "/module"
        )
        experienced = OutboxStatement.objects.get(verb="experienced").statement
        assert experienced["result"] == {"duration": "PT01M30S"}
        assert experienced["object"]["definition"]["type"].endswith("/activities/lesson")
        registrations = {
            r.statement["context"].get("registration")
            for r in OutboxStatement.objects.exclude(verb__in=["earned", "attested"])
        }
        assert len(registrations) == 1  # one enrolment, one registration


@pytest.mark.django_db
class OutboxTransactionTests:
    def test_an_event_adds_exactly_one_insert(self, db):
        achievement = course_achievement("one-insert")
        learner = UserFactory()
        lessons = lessons_of(achievement.course)
        lesson_view(user=learner, lesson=lessons[0], course=achievement.course)
        with CaptureQueriesContext(connection) as captured:
            lesson_complete(user=learner, lesson=lessons[0], course=achievement.course)
        assert inserts(captured) == 1
        # ...and nothing else is written for it (no reference index, no task).
        every_insert = [q["sql"] for q in captured.captured_queries if "INSERT" in q["sql"]]
        assert len(every_insert) == 1, every_insert

    def test_a_rolled_back_event_leaves_no_statement(self, db):
        achievement = course_achievement("rolled-back")
        learner = UserFactory()
        lesson = lessons_of(achievement.course)[0]
        with pytest.raises(RuntimeError), transaction.atomic():
            lesson_complete(user=learner, lesson=lesson, course=achievement.course)
            raise RuntimeError("the request failed after the event")
        assert not OutboxStatement.objects.exists()


@pytest.mark.django_db
class MyRecordTests:
    def test_a_learner_sees_and_downloads_only_their_own_statements(self, client, journey):
        client.force_login(journey)
        page = client.get("/learning-record/").content.decode()
        assert "Download all 16 statements" in page
        assert "Course xapi" in page and "Attested" in page
        assert page.count("Waiting to be sent") == 16  # nothing delivered yet
        download = client.get("/learning-record/statements.jsonl")
        lines = [json.loads(line) for line in download.content.decode().splitlines()]
        assert [line["verb"]["display"]["en-US"] for line in lines][:2] == [
            "registered",
            "launched",
        ]
        assert len(lines) == 16
        client.force_login(UserFactory())
        assert "Nothing recorded yet." in client.get("/learning-record/").content.decode()

    def test_it_needs_sign_in(self, client, db):
        assert client.get("/learning-record/").status_code == 302


@pytest.mark.django_db
def test_xapi_status_counts_by_state(journey):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("xapi_status", stdout=out)
    assert "Waiting to be sent: 16" in out.getvalue()
    assert "Stored by the LRS: 0" in out.getvalue()


@pytest.mark.django_db
class LessonLaunchTests:
    def test_a_reload_is_not_a_launch_but_a_return_or_another_lesson_is(self, db):
        achievement = course_achievement("launches")
        course, learner = achievement.course, UserFactory()
        first, second = lessons_of(course)[:2]

        def launches() -> int:
            return OutboxStatement.objects.filter(verb="launched").count()

        lesson_view(user=learner, lesson=first, course=course)
        lesson_view(user=learner, lesson=first, course=course)  # a reload
        assert launches() == 1
        lesson_view(user=learner, lesson=second, course=course)
        lesson_view(user=learner, lesson=first, course=course)
        assert launches() == 3
        Enrolment.objects.filter(user=learner).update(
            last_activity_at=timezone.now() - LAUNCH_GAP - datetime.timedelta(seconds=1)
        )
        lesson_view(user=learner, lesson=first, course=course)  # back after a break
        assert launches() == 4
