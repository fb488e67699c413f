"""Material corrections: an editor ticks "material correction" with a summary on a published
lesson; once the corrected lesson is live, it is on the course's public corrections log, and
learners who completed the course within CORRECTIONS_NOTIFY_MONTHS are emailed and see it on
their dashboard."""

from datetime import timedelta
from io import StringIO
from pathlib import Path

from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

import pytest

from accounts.roles import Role
from courses.models import CoursePage, Enrolment, LessonCorrection, LessonPage
from tests.courses.test_clinical_review import lesson_form
from tests.factories import UserFactory, staff_user

FIXTURE = Path(__file__).parent / "curriculum"
SUMMARY = "The withdrawal figure now gives absolute numbers from the 2024 meta-analysis."

pytestmark = pytest.mark.django_db


@pytest.fixture
def lesson(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_curricula", str(FIXTURE), stdout=StringIO())
    return LessonPage.objects.get(slug="what-it-is")


def completer(course, *, days_ago: int):
    user = UserFactory()
    Enrolment.objects.create(
        user=user, course=course, completed_at=timezone.now() - timedelta(days=days_ago)
    )
    return user


def edit(client, lesson, *, publish: bool, **correction):
    data = lesson_form(lesson.title, lesson.slug) | correction
    if publish:
        data["action-publish"] = "action-publish"
    return client.post(reverse("wagtailadmin_pages:edit", args=[lesson.pk]), data)


class MaterialCorrectionTests:
    def test_published_correction_is_logged_emailed_and_on_the_dashboard(
        self, client, settings, lesson, django_capture_on_commit_callbacks
    ):
        settings.CORRECTIONS_NOTIFY_MONTHS = 24
        course = CoursePage.objects.get(slug="basics")
        recent, long_ago = completer(course, days_ago=30), completer(course, days_ago=800)
        UserFactory()  # never enrolled: not told
        client.force_login(staff_user(Role.ADMINISTRATOR))
        with django_capture_on_commit_callbacks(execute=True):
            response = edit(
                client,
                lesson,
                publish=True,
                material_correction="on",
                correction_summary=SUMMARY,
            )
        assert response.status_code == 302
        correction = LessonCorrection.objects.get()
        assert (correction.lesson_id, correction.course_id) == (lesson.pk, course.pk)
        assert correction.published_at is not None and correction.notified == 1
        [message] = mail.outbox
        assert message.to == [recent.email]
        assert SUMMARY in message.body and "/courses/basics/intro/what-it-is/" in message.body

        page = client.get(course.url).content.decode()
        assert 'id="corrections"' in page and SUMMARY in page
        client.force_login(recent)
        assert SUMMARY in client.get(reverse("courses:dashboard")).content.decode()
        client.force_login(long_ago)
        assert SUMMARY not in client.get(reverse("courses:dashboard")).content.decode()

    def test_a_draft_correction_waits_for_the_lesson_to_go_live(
        self, client, lesson, django_capture_on_commit_callbacks
    ):
        completer(CoursePage.objects.get(slug="basics"), days_ago=10)
        client.force_login(staff_user(Role.ADMINISTRATOR))
        edit(client, lesson, publish=False, material_correction="on", correction_summary=SUMMARY)
        correction = LessonCorrection.objects.get()
        assert correction.published_at is None
        assert SUMMARY not in client.get("/courses/basics/").content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            LessonPage.objects.get(pk=lesson.pk).get_latest_revision().publish()
        correction.refresh_from_db()
        assert correction.published_at is not None
        assert len(mail.outbox) == 1

    def test_a_tick_without_a_summary_is_refused_and_nothing_recorded(self, client, lesson):
        client.force_login(staff_user(Role.ADMINISTRATOR))
        response = edit(client, lesson, publish=True, material_correction="on")
        assert response.status_code == 200
        assert "Say what changed: learners read this summary." in response.content.decode()
        assert not LessonCorrection.objects.exists()

    def test_an_ordinary_edit_records_no_correction(self, client, lesson):
        client.force_login(staff_user(Role.ADMINISTRATOR))
        assert edit(client, lesson, publish=True).status_code == 302
        assert not LessonCorrection.objects.exists()
        assert "No material corrections since" in client.get("/courses/basics/").content.decode()
