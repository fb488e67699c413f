"""From a domain event to an outbox row: one INSERT in the event's transaction, no network.

Each function takes what the event carries and records the statement of it."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tincan import Result

from learning_records.models import OutboxStatement
from learning_records.statements import (
    activity,
    extensions,
    page_activity,
    registration,
    score_result,
    statement,
)


def record(*, user, verb: str, **parts) -> OutboxStatement:
    """Build the statement of `user` doing `verb` (parts: see statements.statement) and write
    it to the outbox."""
    data = statement(user=user, verb=verb, **parts)
    return OutboxStatement.objects.create(id=data["id"], statement=data, verb=verb, learner=user)


def enrolled(enrolment) -> None:
    target = enrolment.course or enrolment.program
    kind = "course" if enrolment.course_id else "program"
    record(
        user=enrolment.user,
        verb="registered",
        obj=page_activity(target, kind),
        when=enrolment.enrolled_at or timezone.now(),
        registration_id=registration(
            user_id=enrolment.user_id,
            course_id=enrolment.course_id,
            program_id=enrolment.program_id,
        ),
    )


def _lesson(progress, verb: str, when, result=None) -> None:
    lesson, course = progress.lesson, progress.course
    module = lesson.get_parent()
    record(
        user=progress.user,
        verb=verb,
        obj=page_activity(lesson, "lesson"),
        when=when,
        registration_id=registration(user_id=progress.user_id, course_id=course.pk),
        parents=[page_activity(module, "module")],
        grouping=[page_activity(course, "course")],
        result=result,
    )


def lesson_launched(progress, at) -> None:
    _lesson(progress, "launched", at)


def lesson_experienced(progress, seconds: int) -> None:
    """Time on screen the browser reported, as the result's duration."""
    _lesson(
        progress,
        "experienced",
        timezone.now(),
        result=Result(duration=datetime.timedelta(seconds=seconds)),
    )


def lesson_completed(progress) -> None:
    _lesson(progress, "completed", progress.completed_at)


def module_completed(completion) -> None:
    module = completion.module
    course = module.get_parent()
    record(
        user=completion.user,
        verb="completed",
        obj=page_activity(module, "module"),
        when=completion.completed_at,
        registration_id=registration(user_id=completion.user_id, course_id=course.pk),
        parents=[page_activity(course, "course")],
    )


def course_completed(enrolment) -> None:
    course = enrolment.course
    record(
        user=enrolment.user,
        verb="completed",
        obj=page_activity(course, "course"),
        when=enrolment.completed_at,
        registration_id=registration(user_id=enrolment.user_id, course_id=course.pk),
        context_extensions=extensions(ce_hours=course.ce_hours),
    )


def _assessment_activity(assessment):
    iri = settings.SITE_URL + reverse("assessments:detail", args=[assessment.pk])
    return activity(iri, name=assessment.title, kind="assessment")


def attempt(attempt, verb: str) -> None:
    """attempted (started), passed or failed (graded, with the score), or completed (a
    pre-test: scored, with no success either way)."""
    assessment = attempt.assessment
    course = assessment.course
    result = None
    when = attempt.started_at
    if verb != "attempted":
        when = attempt.submitted_at or timezone.now()
        result = score_result(
            score=attempt.score,
            passed=None if attempt.passed is None else bool(attempt.passed),
            duration=when - attempt.started_at,
        )
    parents = [page_activity(assessment.module, "module")] if assessment.module_id else []
    record(
        user=attempt.user,
        verb=verb,
        obj=_assessment_activity(assessment),
        when=when,
        registration_id=registration(user_id=attempt.user_id, course_id=course.pk),
        parents=parents,
        grouping=[page_activity(course, "course")],
        result=result,
    )


def practice_attested(log) -> None:
    iri = settings.SITE_URL + reverse("practice:home") + f"#log-{log.pk}"
    record(
        user=log.learner,
        verb="attested",
        obj=activity(iri, name=f"Supervised practice, {log.date:%Y-%m-%d}", kind="practice"),
        when=log.decided_at or timezone.now(),
        context_extensions=extensions(
            practice_hours=log.hours, competencies=[c.code for c in log.competencies.all()]
        ),
    )


def credential_earned(credential) -> None:
    achievement = credential.achievement
    iri = credential.document["credentialSubject"]["achievement"]["id"]
    record(
        user=credential.learner,
        verb="earned",
        obj=activity(
            iri,
            name=achievement.name,
            kind="credential",
            description=achievement.description,
        ),
        when=credential.valid_from,
        context_extensions=extensions(
            ce_hours=credential.credits or None,
            competencies=[c.code for c in achievement.competencies.all()],
        ),
    )
