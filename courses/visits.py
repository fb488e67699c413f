"""What the lesson page must know about the learner before showing a lesson, in one query: their
enrolment in the course, whether they opened this lesson before, whether a prerequisite is
missing and which gates (courses.gates) are closed. The visit then writes only when something
changed (courses.services.lesson_view)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef

from accounts.models import User
from config.prepared import PreparedQuery
from courses.gates import closed_gates, gate_annotations
from courses.models import CoursePage, Enrolment, LessonPage, LessonProgress


@dataclass
class LessonVisit:
    enrolment: Enrolment | None
    opened_before: bool  # the learner has a progress row for this lesson
    prerequisites_missing: bool
    closed_gates: list[str] = field(default_factory=list)


def _prerequisite_missing(*, user: User, course):
    completed = Enrolment.objects.filter(
        user=user, course__isnull=False, completed_at__isnull=False
    ).values("course_id")
    return Exists(
        CoursePage.prerequisites.through.objects.filter(from_coursepage_id=course).exclude(
            to_coursepage_id__in=completed
        )
    )


def _enrolment_with_conditions(user_id: int, lesson_id: int, course_id: int):
    course = OuterRef("course_id")
    return (
        Enrolment.objects.filter(user_id=user_id, course_id=course_id)
        .annotate(
            opened_before=Exists(
                LessonProgress.objects.filter(user_id=user_id, lesson_id=lesson_id)
            ),
            prerequisite_missing=_prerequisite_missing(user=user_id, course=course),
            **gate_annotations(user=user_id, course=course),
        )
        .order_by("pk")[:1]
    )


# Run on every lesson view: compiled once (config.prepared), after the gates have registered.
enrolment_with_conditions = PreparedQuery(_enrolment_with_conditions)


def lesson_visit_read(*, user: User, lesson: LessonPage, course) -> LessonVisit:
    """One query for a learner enrolled in the course (every visit after the first); two on
    the first visit, which reads the course's conditions without an enrolment."""
    found = enrolment_with_conditions(user_id=user.pk, lesson_id=lesson.pk, course_id=course.pk)
    enrolment = found[0] if found else None
    if enrolment is not None:
        return LessonVisit(
            enrolment=enrolment,
            opened_before=enrolment.opened_before,
            prerequisites_missing=enrolment.prerequisite_missing,
            closed_gates=closed_gates(enrolment),
        )
    course_id = OuterRef("pk")
    conditions = (
        CoursePage.objects.filter(pk=course.pk)
        .annotate(
            prerequisite_missing=_prerequisite_missing(user=user, course=course_id),
            **gate_annotations(user=user, course=course_id),
        )
        .only("pk")
        .get()
    )
    return LessonVisit(
        enrolment=None,
        opened_before=False,
        prerequisites_missing=conditions.prerequisite_missing,
        closed_gates=closed_gates(conditions),
    )
