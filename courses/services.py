"""Writes on learner progress. Views, tasks and commands call these; rules live here only.

Every function is idempotent: enrolling twice, viewing again or completing twice changes nothing
that was already true, and sends no second event. Functions that others call inside their own
transaction join it without a savepoint: a lesson visit is on every lesson page's hot path.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from wagtail.models import Page

from accounts.models import User
from courses import events
from courses.models import (
    CoursePage,
    Enrolment,
    LessonPage,
    LessonProgress,
    ModuleCompletion,
    ModulePage,
    ProgramPage,
    StudyClock,
)
from courses.visits import lesson_visit_read

# A single beacon may not claim more time than this; it guards against clocks and tampering.
MAX_SECONDS_PER_REPORT = 60 * 30
# Reopening the lesson one was just on, within this time, is the same launch (a reload).
LAUNCH_GAP = datetime.timedelta(minutes=30)
# How fresh an enrolment's last activity must be for a reload to skip recording it.
ACTIVITY_RESOLUTION = datetime.timedelta(minutes=1)


def _get_or_create(model, **lookup):
    """get_or_create that survives a concurrent insert of the same unique row, and costs one
    query when the row exists (the common case: every visit after the first)."""
    existing = model.objects.filter(**lookup).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return model.objects.create(**lookup), True
    except IntegrityError:
        return model.objects.get(**lookup), False


@transaction.atomic(savepoint=False)
def _enrol(*, user: User, **target) -> Enrolment:
    enrolment, created = _get_or_create(Enrolment, user=user, **target)
    if created:
        events.enrolled.send(sender=Enrolment, enrolment=enrolment)
    return enrolment


def program_enrol(*, user: User, program: ProgramPage) -> Enrolment:
    return _enrol(user=user, program_id=program.pk)


def lesson_view(*, user: User, lesson: LessonPage, course: Page, visit=None) -> Enrolment:
    """Record that the person opened the lesson; enrols them in its course on the first visit.
    `course` may be the base Page of the course (only its id is used); `visit` is what
    courses.visits.lesson_visit_read found, when the caller has read it. Returns the enrolment,
    with `last_lesson` set to this lesson.

    A reload of the lesson last opened, within ACTIVITY_RESOLUTION of the activity recorded,
    writes nothing: a write per view would serialize readers (SQLite locks the database for
    it). So `last_activity_at` is exact to ACTIVITY_RESOLUTION, and a return after LAUNCH_GAP
    is still always a launch."""
    if visit is None:
        visit = lesson_visit_read(user=user, lesson=lesson, course=course)
    enrolment, now = visit.enrolment, timezone.now()
    if (
        enrolment is not None
        and visit.opened_before
        and enrolment.last_lesson_id == lesson.pk
        and enrolment.last_activity_at >= now - ACTIVITY_RESOLUTION
    ):
        return enrolment
    return _lesson_visit_record(user=user, lesson=lesson, course=course, now=now)


@transaction.atomic(savepoint=False)
def _lesson_visit_record(*, user: User, lesson: LessonPage, course: Page, now) -> Enrolment:
    enrolment = _enrol(user=user, course_id=course.pk)
    progress, _ = _get_or_create(LessonProgress, user=user, lesson=lesson, course_id=course.pk)
    progress.user, progress.lesson = user, lesson  # in hand: the launch statement reads them
    launched = (
        enrolment.last_lesson_id != lesson.pk or enrolment.last_activity_at < now - LAUNCH_GAP
    )
    Enrolment.objects.filter(pk=enrolment.pk).update(last_lesson=lesson, last_activity_at=now)
    enrolment.last_lesson, enrolment.last_activity_at = lesson, now
    if launched:
        events.lesson_launched.send(sender=LessonProgress, progress=progress, at=now)
    return enrolment


class CompletionRefused(Exception):
    """A completion the rules do not allow yet; `str()` says what is left to do."""


@transaction.atomic
def lesson_time_add(*, user: User, lesson: LessonPage, seconds: int, now=None) -> int:
    """Credit time the browser reports the lesson was on screen; returns the lesson's total.

    The browser's figure is a claim: the server credits at most the time that really passed
    since this person's time was last credited (or since they opened the lesson), so neither a
    forged beacon nor many lessons open at once can add up to more than the clock allows."""
    if seconds < 1:
        raise ValueError("seconds must be a positive whole number")
    now = now or timezone.now()
    progress = LessonProgress.objects.select_for_update().filter(user=user, lesson=lesson).first()
    if progress is None:
        raise LookupError("open the lesson before reporting time on it")
    clock = StudyClock.objects.select_for_update().filter(user=user).first()
    since = progress.first_viewed_at
    if clock is not None and clock.credited_until > since:
        since = clock.credited_until
    elapsed = max(0, int((now - since).total_seconds()))
    credited = min(seconds, MAX_SECONDS_PER_REPORT, elapsed)
    if credited == 0:
        return progress.seconds_on_page
    StudyClock.objects.update_or_create(user=user, defaults={"credited_until": now})
    progress.seconds_on_page += credited
    progress.save(update_fields=["seconds_on_page"])
    events.lesson_experienced.send(sender=LessonProgress, progress=progress, seconds=credited)
    return progress.seconds_on_page


def seconds_required(lesson: LessonPage) -> int:
    """Time on the lesson before it may be marked complete: a share of its estimated time."""
    return math.ceil(lesson.estimated_minutes * 60 * settings.LESSON_MIN_TIME_SHARE)


def _time_left_message(seconds_left: int) -> str:
    minutes = math.ceil(seconds_left / 60)
    left = "about a minute" if minutes <= 1 else f"about {minutes} more minutes"
    return (
        f"Spend {left} on this lesson before marking it complete: it is credited as time you "
        "have had it open and visible."
    )


# What a module asks beyond its lessons. Apps above courses register a check here (assessments:
# "the module's knowledge check is passed") instead of courses importing them.
module_requirement_checks: list[Callable[..., bool]] = []


def module_requirements_met(*, user: User, module: ModulePage) -> bool:
    return all(check(user=user, module=module) for check in module_requirement_checks)


# What a course asks beyond its modules (assessments: "its exam is passed", when the course
# requires it), registered the same way.
course_requirement_checks: list[Callable[..., bool]] = []


@transaction.atomic
def lesson_complete(*, user: User, lesson: LessonPage, course: CoursePage) -> LessonProgress:
    """Mark the lesson complete (enrolling first if needed), then complete the module and the
    course when everything in them is done."""
    lesson_view(user=user, lesson=lesson, course=course)
    progress = LessonProgress.objects.select_for_update().get(user=user, lesson=lesson)
    if progress.completed_at is not None:
        return progress
    left = seconds_required(lesson) - progress.seconds_on_page
    if left > 0:
        raise CompletionRefused(_time_left_message(left))
    progress.completed_at = timezone.now()
    progress.save(update_fields=["completed_at"])
    events.lesson_completed.send(sender=LessonProgress, progress=progress)

    module_progress_refresh(user=user, module=lesson.get_parent().specific, course=course)
    return progress


@transaction.atomic
def module_progress_refresh(
    *, user: User, module: ModulePage, course: CoursePage | None = None
) -> None:
    """Complete the module, then the course, if everything they ask is now done. Called after a
    lesson is completed, and by other apps when a module requirement becomes met."""
    if not _module_done(user=user, module=module):
        return
    completion, created = _get_or_create(ModuleCompletion, user=user, module=module)
    if created:
        events.module_completed.send(sender=ModuleCompletion, completion=completion)
    course_progress_refresh(user=user, course=course or module.get_parent().specific)


@transaction.atomic
def course_progress_refresh(*, user: User, course: CoursePage) -> None:
    """Complete the course if everything it asks is done: after a module completes, and when
    another app's course requirement (its exam) becomes met."""
    if _course_done(user=user, course=course):
        enrolment = Enrolment.objects.select_for_update().filter(user=user, course=course).first()
        if enrolment is not None and enrolment.completed_at is None:
            enrolment.completed_at = timezone.now()
            enrolment.save(update_fields=["completed_at"])
            events.course_completed.send(sender=Enrolment, enrolment=enrolment)


def _module_done(*, user: User, module: ModulePage) -> bool:
    lessons = LessonPage.objects.live().child_of(module)
    done = LessonProgress.objects.filter(
        user=user, lesson__in=lessons, completed_at__isnull=False
    ).count()
    return done == lessons.count() and module_requirements_met(user=user, module=module)


def _course_done(*, user: User, course: CoursePage) -> bool:
    modules = ModulePage.objects.live().child_of(course)
    done = ModuleCompletion.objects.filter(user=user, module__in=modules).count()
    return done == modules.count() and all(
        check(user=user, course=course) for check in course_requirement_checks
    )
