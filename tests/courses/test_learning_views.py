from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

import pytest

from content.services import site_ensure_home
from courses import services
from courses.models import Enrolment, LessonProgress
from tests.courses.factories import build_course, build_program, bulk_build_curriculum, lessons_of
from tests.factories import UserFactory


@pytest.fixture
def course(db):
    return build_course("sdm", modules=1, lessons=2)


def complete_url(lesson) -> str:
    return reverse("courses:lesson_complete", args=[lesson.pk])


@pytest.mark.django_db
class LessonCompleteViewTests:
    def test_marks_complete_and_offers_the_next_lesson(self, client, learner, course):
        first, second = lessons_of(course)
        client.force_login(learner)
        response = client.post(complete_url(first))
        assert response.status_code == 302
        assert response["Location"] == second.url
        assert LessonProgress.objects.get(user=learner, lesson=first).completed_at

    def test_last_lesson_returns_to_the_course(self, client, learner, course):
        client.force_login(learner)
        for lesson in lessons_of(course):
            response = client.post(complete_url(lesson))
        assert response["Location"] == course.url
        assert Enrolment.objects.get(user=learner, course=course).completed_at

    def test_needs_post_and_sign_in(self, client, learner, course):
        lesson = lessons_of(course)[0]
        assert client.post(complete_url(lesson))["Location"].startswith(reverse("account_login"))
        client.force_login(learner)
        assert client.get(complete_url(lesson)).status_code == 405
        assert not LessonProgress.objects.exists()

    def test_unknown_or_draft_lesson_is_404(self, client, learner, course):
        draft = lessons_of(course)[0]
        draft.unpublish()
        client.force_login(learner)
        assert client.post(complete_url(draft)).status_code == 404
        assert client.post(reverse("courses:lesson_complete", args=[999999])).status_code == 404

    def test_unmet_prerequisite_is_refused_with_a_message(self, client, learner, course):
        advanced = build_course("advanced", modules=1, lessons=1)
        advanced.prerequisites.add(course)
        advanced.save()
        client.force_login(learner)
        response = client.post(complete_url(lessons_of(advanced)[0]), follow=True)
        assert "Complete the prerequisite courses first." in response.content.decode()
        assert not LessonProgress.objects.filter(completed_at__isnull=False).exists()


@pytest.mark.django_db
class LessonTimeViewTests:
    def test_records_time_after_a_visit(self, client, learner, course):
        lesson = lessons_of(course)[0]
        client.force_login(learner)
        client.post(complete_url(lesson))  # a visit happens on the way
        # The visit was a minute ago: the server credits no more time than has passed.
        LessonProgress.objects.update(first_viewed_at=timezone.now() - timedelta(minutes=1))
        response = client.post(reverse("courses:lesson_time", args=[lesson.pk]), {"seconds": 42})
        assert response.status_code == 200
        assert response.json() == {"seconds_on_page": 42}

    @pytest.mark.parametrize(
        ("payload", "status", "reason"),
        [
            ({"seconds": "abc"}, 400, "whole number"),
            ({}, 400, "whole number"),
            ({"seconds": "-3"}, 400, "positive"),
        ],
    )
    def test_bad_input_is_a_400_with_a_reason(
        self, client, learner, course, payload, status, reason
    ):
        lesson = lessons_of(course)[0]
        client.force_login(learner)
        client.post(complete_url(lesson))
        response = client.post(reverse("courses:lesson_time", args=[lesson.pk]), payload)
        assert response.status_code == status
        assert reason in response.json()["error"]

    def test_time_for_a_lesson_never_opened_is_a_409(self, client, learner, course):
        client.force_login(learner)
        response = client.post(
            reverse("courses:lesson_time", args=[lessons_of(course)[0].pk]), {"seconds": 5}
        )
        assert response.status_code == 409


@pytest.mark.django_db
class DashboardViewTests:
    def test_shows_courses_with_progress_ce_hours_and_next_step(self, client, learner, course):
        first, second = lessons_of(course)
        client.force_login(learner)
        client.post(complete_url(first))
        body = client.get(reverse("courses:dashboard")).content.decode()
        assert "Course sdm" in body
        assert '<progress id="progress-' in body and 'value="1" max="2"' in body
        assert "Continue where you left off" in body
        assert second.url in body
        assert "CE hours earned so far: <strong>0</strong>" in body

    def test_empty_dashboard_points_to_the_catalogue(self, client, learner):
        client.force_login(learner)
        assert "Browse the catalogue" in client.get(reverse("courses:dashboard")).content.decode()

    def test_requires_sign_in(self, client):
        assert client.get(reverse("courses:dashboard")).status_code == 302

    def test_query_count_does_not_grow_with_the_curriculum_or_the_enrolments(
        self, client, django_assert_num_queries
    ):
        # 50 courses x 5 modules x 4 lessons; the learner, enrolled in a program of three of
        # them and with one course completed, is active in 2, then in all 50.
        courses = bulk_build_curriculum(courses=50, modules=5, lessons=4)
        learner = UserFactory()
        program = build_program(site_ensure_home(), courses=courses[-3:])
        services.program_enrol(user=learner, program=program)
        client.force_login(learner)

        def take(course):
            for lesson in lessons_of(course)[:3]:
                services.lesson_complete(user=learner, lesson=lesson, course=course)

        for course in courses[:2]:
            take(course)
        Enrolment.objects.filter(course=courses[0]).update(completed_at=timezone.now())
        client.get(reverse("courses:dashboard"))
        # session, user with access status (2); enrolments with their programs (1); the
        # programs' courses (1); the learner's completions (1); corrections to the completed
        # courses (1). The courses' live lessons are kept between requests.
        with django_assert_num_queries(6):
            client.get(reverse("courses:dashboard"))
        for course in courses[2:]:
            take(course)
        # 48 courses whose lessons are not kept yet: one more query reads them all.
        with django_assert_num_queries(7):
            client.get(reverse("courses:dashboard"))
        with django_assert_num_queries(6):
            response = client.get(reverse("courses:dashboard"))
        body = response.content.decode()
        assert body.count("<progress") == 50 + 1  # each course, and the program
        assert "Completed on" in body and "3 of 20 lessons" in body
