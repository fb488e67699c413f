"""Shared fixtures: a learner's whole journey through the real services."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

import pytest

from accounts.roles import Role
from assessments.practice import practice_log_decide, practice_log_record
from assessments.services import attempt_start, attempt_submit
from courses.services import lesson_complete, lesson_time_add, lesson_view
from credentials.issuance import credential_issue
from credentials.signing_keys import signing_key_add
from tests.assessments.factories import build_item, exam, knowledge_check, option
from tests.courses.factories import lessons_of
from tests.credentials.factories import course_achievement
from tests.factories import UserFactory, staff_user


@pytest.fixture
def journey(db):
    """A learner enrols, completes a course with a knowledge check (failing once), passes the
    exam, earns the credential, and has supervised practice attested."""
    signing_key_add()
    achievement = course_achievement("xapi", ce_hours="2")
    course = achievement.course
    module = course.get_children().first().specific
    items = [build_item(course, code=f"x-{n}", module=module) for n in range(2)]
    exam_items = [build_item(course, code=f"x-exam-{n}") for n in range(2)]
    check, final = knowledge_check(course, module), exam(course, form_length=2)
    learner = UserFactory()
    lessons = lessons_of(course)
    lesson_view(user=learner, lesson=lessons[0], course=course)
    ninety_seconds_later = timezone.now() + timedelta(seconds=90)
    lesson_time_add(user=learner, lesson=lessons[0], seconds=90, now=ninety_seconds_later)
    for lesson in lessons:
        lesson_complete(user=learner, lesson=lesson, course=course)
    wrong = {str(i.current_version_id): [option(i, "B")] for i in items}
    right = {str(i.current_version_id): [option(i, "A")] for i in items}
    attempt_submit(attempt=attempt_start(user=learner, assessment=check), answers=wrong)
    attempt_submit(attempt=attempt_start(user=learner, assessment=check), answers=right)
    keys = {str(i.current_version_id): [option(i, "A")] for i in exam_items}
    attempt_submit(attempt=attempt_start(user=learner, assessment=final), answers=keys)
    credential_issue(learner=learner, achievement=achievement)
    supervisor = staff_user(Role.SUPERVISOR)
    log = practice_log_record(
        learner=learner,
        supervisor_email=supervisor.email,
        date=timezone.localdate(),
        hours=Decimal("3.5"),
        setting="Respite",
        activities="Support",
    )
    practice_log_decide(log=log, supervisor=supervisor, attest=True)
    return learner


@pytest.fixture
def database_tasks(settings):
    """Tasks kept in the database, as in production, for tests that run the worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
