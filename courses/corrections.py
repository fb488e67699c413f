"""Material corrections to published lessons: recorded when an editor ticks "material
correction" with a summary, published when the corrected lesson goes live (at once, or when its
review workflow publishes it), then on the course's public corrections log, on the dashboards of
learners who completed the course in the CORRECTIONS_NOTIFY_MONTHS before, and emailed to them.
"""

from __future__ import annotations

import datetime
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from courses.models import Enrolment, LessonCorrection, LessonPage
from courses.review import add_months


def correction_record(*, lesson: LessonPage, summary: str, user) -> LessonCorrection:
    """A correction waiting for its revision to go live (published now if it already is)."""
    course = lesson.get_parent().get_parent().specific
    correction = LessonCorrection.objects.create(
        lesson=lesson,
        course=course,
        summary=summary.strip(),
        revision=lesson.latest_revision,
        recorded_by=user,
    )
    corrections_publish_live(lesson=lesson)
    return correction


@transaction.atomic
def corrections_publish_live(*, lesson: LessonPage) -> list[LessonCorrection]:
    """Publish the lesson's pending corrections whose revision is now live (or older)."""
    lesson.refresh_from_db(fields=["live_revision", "live"])
    if not lesson.live or lesson.live_revision_id is None:
        return []
    pending = list(
        LessonCorrection.objects.select_for_update().filter(
            lesson=lesson, published_at__isnull=True, revision_id__lte=lesson.live_revision_id
        )
    )
    now = timezone.now()
    for correction in pending:
        correction.published_at = now
        correction.save(update_fields=["published_at"])
        transaction.on_commit(partial(_notify_later, correction.pk))
    return pending


def _notify_later(correction_id: int) -> None:
    from courses.tasks import notify_correction

    notify_correction.enqueue(correction_id)


def _window_start(published_at: datetime.datetime) -> datetime.datetime:
    """The start of the notice window: CORRECTIONS_NOTIFY_MONTHS before the correction."""
    day = add_months(timezone.localdate(published_at), -settings.CORRECTIONS_NOTIFY_MONTHS)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def learners_to_tell(correction: LessonCorrection):
    """Who completed the course before the correction, within the notice window."""
    since = _window_start(correction.published_at)
    return Enrolment.objects.filter(
        course_id=correction.course_id,
        completed_at__gte=since,
        completed_at__lte=correction.published_at,
    ).select_related("user")


def corrections_for(
    *, user, completed: dict[int, datetime.datetime] | None = None
) -> list[LessonCorrection]:
    """Published corrections to courses this learner completed before them, within the window:
    what their dashboard tells them. `completed` is when they completed each course they did
    (by course id), when the caller has read it, as the dashboard has."""
    if completed is None:
        completed = {
            e.course_id: e.completed_at
            for e in Enrolment.objects.filter(
                user=user, course__isnull=False, completed_at__isnull=False
            )
        }
    if not completed:
        return []
    found = []
    for correction in LessonCorrection.objects.filter(
        course_id__in=list(completed), published_at__isnull=False
    ).select_related("lesson", "course"):
        done = completed[correction.course_id]
        if _window_start(correction.published_at) <= done <= correction.published_at:
            found.append(correction)
    return found
