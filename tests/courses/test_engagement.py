"""Engagement before completion: time on a lesson is credited by the server's clock, never more
than really passed, and "Mark as complete" needs a share of the lesson's estimated time."""

import datetime

from django.urls import reverse

import pytest

from courses import services
from courses.models import LessonProgress, StudyClock
from tests.courses.factories import build_course, lessons_of

SHARE = 0.5


@pytest.fixture(autouse=True)
def real_share(settings):
    settings.LESSON_MIN_TIME_SHARE = SHARE


@pytest.fixture
def course(db):
    course = build_course("engage", modules=1, lessons=2)
    for lesson in lessons_of(course):
        lesson.estimated_minutes = 10  # 5 minutes on it before it may be completed
        lesson.save_revision().publish()
    return course


def opened(learner, course, lesson, minutes_ago: int = 0):
    """The learner opened the lesson `minutes_ago` minutes ago."""
    services.lesson_view(user=learner, lesson=lesson, course=course)
    progress = LessonProgress.objects.get(user=learner, lesson=lesson)
    progress.first_viewed_at -= datetime.timedelta(minutes=minutes_ago)
    progress.save(update_fields=["first_viewed_at"])
    return progress.first_viewed_at


def later(moment, seconds: int):
    return moment + datetime.timedelta(seconds=seconds)


@pytest.mark.django_db
class CreditedTimeTests:
    def test_a_claim_beyond_the_time_that_passed_is_credited_only_up_to_it(self, learner, course):
        lesson = lessons_of(course)[0]
        start = opened(learner, course, lesson)
        total = services.lesson_time_add(
            user=learner, lesson=lesson, seconds=600, now=later(start, 20)
        )
        assert total == 20

    def test_lessons_open_side_by_side_share_one_clock(self, learner, course):
        first, second = lessons_of(course)
        start = opened(learner, course, first)
        opened(learner, course, second)
        LessonProgress.objects.update(first_viewed_at=start)
        minute = later(start, 60)
        assert services.lesson_time_add(user=learner, lesson=first, seconds=60, now=minute) == 60
        # The same minute claimed again for the other lesson earns nothing.
        assert services.lesson_time_add(user=learner, lesson=second, seconds=60, now=minute) == 0
        assert StudyClock.objects.get(user=learner).credited_until == minute
        assert (
            services.lesson_time_add(user=learner, lesson=second, seconds=60, now=later(start, 90))
            == 30
        )

    def test_estimated_minutes_come_from_the_words(self):
        from courses.curriculum.lessons import LessonSpec, estimated_minutes_of

        assert estimated_minutes_of(LessonSpec(slug="x", path="x", words=1000)) == 5
        assert estimated_minutes_of(LessonSpec(slug="x", path="x", words=1001)) == 6
        assert estimated_minutes_of(LessonSpec(slug="x", path="x", words=0)) == 1


@pytest.mark.django_db
class CompletionTests:
    def test_completing_too_early_is_refused_and_says_how_long_is_left(self, learner, course):
        lesson = lessons_of(course)[0]
        start = opened(learner, course, lesson, minutes_ago=2)
        services.lesson_time_add(user=learner, lesson=lesson, seconds=120, now=later(start, 120))
        with pytest.raises(services.CompletionRefused, match="about 3 more minutes"):
            services.lesson_complete(user=learner, lesson=lesson, course=course)
        assert LessonProgress.objects.get(lesson=lesson).completed_at is None

    def test_completing_after_enough_time_succeeds(self, learner, course):
        lesson = lessons_of(course)[0]
        start = opened(learner, course, lesson, minutes_ago=6)
        services.lesson_time_add(user=learner, lesson=lesson, seconds=300, now=later(start, 300))
        progress = services.lesson_complete(user=learner, lesson=lesson, course=course)
        assert progress.completed_at is not None

    def test_the_button_refuses_with_a_message_and_counts_time_it_carries(
        self, client, learner, course
    ):
        lesson = lessons_of(course)[0]
        client.force_login(learner)
        client.get(lesson.url)
        url = reverse("courses:lesson_complete", args=[lesson.pk])
        # A forged claim of a whole lesson's time, a second after opening it: refused.
        response = client.post(url, {"seconds": "600"}, follow=True)
        page = response.content.decode()
        assert "before marking it complete" in page
        assert LessonProgress.objects.get(lesson=lesson).completed_at is None
        # Five minutes really pass; the form carries the time the page had not yet reported.
        LessonProgress.objects.update(
            first_viewed_at=LessonProgress.objects.get().first_viewed_at
            - datetime.timedelta(minutes=5, seconds=5)
        )
        StudyClock.objects.all().delete()
        response = client.post(url, {"seconds": "300"})
        assert response.status_code == 302
        assert LessonProgress.objects.get(lesson=lesson).completed_at is not None

    def test_the_lesson_page_says_how_long_to_spend_before_completing(
        self, client, learner, course
    ):
        client.force_login(learner)
        page = " ".join(client.get(lessons_of(course)[0].url).content.decode().split())
        assert "once you have spent about 5 minutes on it" in page
