"""A lesson visit writes only when something changed (issue 17): a reload reads, never writes."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest

from courses import services
from courses.models import Enrolment, LessonProgress
from courses.services import ACTIVITY_RESOLUTION, LAUNCH_GAP
from learning_records.models import OutboxStatement
from tests.courses.factories import build_course, lessons_of


def writes(captured) -> list[str]:
    return [
        q["sql"]
        for q in captured
        if q["sql"].split(" ", 1)[0] in {"INSERT", "UPDATE", "DELETE", "BEGIN"}
    ]


def launches(user) -> int:
    return OutboxStatement.objects.filter(verb="launched", learner=user).count()


@pytest.fixture
def lessons(db):
    course = build_course("visits", modules=1, lessons=2)
    return course, lessons_of(course)


@pytest.mark.django_db
class LessonVisitWriteTests:
    def test_a_reload_within_the_resolution_writes_nothing(self, client, learner, lessons):
        _, (first, _second) = lessons
        client.force_login(learner)
        client.get(first.url)
        before = Enrolment.objects.get(user=learner)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(first.url).status_code == 200
        assert writes(captured) == []
        assert Enrolment.objects.get(user=learner).last_activity_at == before.last_activity_at
        assert launches(learner) == 1

    def test_another_lesson_is_recorded_and_launched(self, client, learner, lessons):
        _, (first, second) = lessons
        client.force_login(learner)
        client.get(first.url)
        with CaptureQueriesContext(connection) as captured:
            client.get(second.url)
        assert writes(captured), "opening another lesson records it"
        enrolment = Enrolment.objects.get(user=learner)
        assert enrolment.last_lesson_id == second.pk
        assert LessonProgress.objects.filter(user=learner, lesson=second).exists()
        assert launches(learner) == 2

    def test_a_reload_after_the_resolution_records_activity_but_is_no_launch(
        self, client, learner, lessons
    ):
        _, (first, _second) = lessons
        client.force_login(learner)
        client.get(first.url)
        stale = timezone.now() - ACTIVITY_RESOLUTION - datetime.timedelta(seconds=5)
        Enrolment.objects.filter(user=learner).update(last_activity_at=stale)
        client.get(first.url)
        assert Enrolment.objects.get(user=learner).last_activity_at > stale
        assert launches(learner) == 1

    def test_a_return_after_the_launch_gap_is_a_launch(self, client, learner, lessons):
        _, (first, _second) = lessons
        client.force_login(learner)
        client.get(first.url)
        away = timezone.now() - LAUNCH_GAP - datetime.timedelta(seconds=1)
        Enrolment.objects.filter(user=learner).update(last_activity_at=away)
        client.get(first.url)
        assert launches(learner) == 2

    def test_a_lesson_first_opened_through_another_path_is_still_recorded(self, learner, lessons):
        # The enrolment says this lesson was last opened, but its progress row is gone (a
        # reset): the visit must not skip the write.
        course, (first, _second) = lessons
        services.lesson_view(user=learner, lesson=first, course=course)
        LessonProgress.objects.filter(user=learner).delete()
        services.lesson_view(user=learner, lesson=first, course=course)
        assert LessonProgress.objects.filter(user=learner, lesson=first).exists()
