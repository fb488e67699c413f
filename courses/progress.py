"""Reads on learner progress, in a fixed number of queries however big the curriculum is."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from accounts.models import User
from courses.models import (
    CoursePage,
    Enrolment,
    LessonPage,
    LessonProgress,
    ProgramCourse,
    within_any,
)


@dataclass
class CourseProgress:
    course: CoursePage
    lessons: list[LessonPage] = field(default_factory=list)  # live lessons, in course order
    completed_ids: set[int] = field(default_factory=set)
    enrolment: Enrolment | None = None

    @property
    def total(self) -> int:
        return len(self.lessons)

    @property
    def done(self) -> int:
        return sum(1 for lesson in self.lessons if lesson.pk in self.completed_ids)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def completed(self) -> bool:
        return bool(self.enrolment and self.enrolment.completed_at)

    @property
    def next_lesson(self) -> LessonPage | None:
        """Where to continue: the lesson last opened if unfinished, else the first unfinished."""
        last = self.enrolment.last_lesson_id if self.enrolment else None
        if last and last not in self.completed_ids:
            for lesson in self.lessons:
                if lesson.pk == last:
                    return lesson
        return next((x for x in self.lessons if x.pk not in self.completed_ids), None)


@dataclass
class ProgramProgress:
    enrolment: Enrolment
    courses: list[CourseProgress]

    @property
    def percent(self) -> int:
        total = sum(c.total for c in self.courses)
        return round(100 * sum(c.done for c in self.courses) / total) if total else 0


@dataclass
class Dashboard:
    courses: list[CourseProgress]
    programs: list[ProgramProgress]

    @property
    def ce_hours_earned(self) -> Decimal:
        return sum((c.course.ce_hours for c in self.courses if c.completed), Decimal(0))

    @property
    def next_step(self) -> CourseProgress | None:
        """The most recently active unfinished course."""
        unfinished = [c for c in self.courses if not c.completed and c.next_lesson]
        return unfinished[0] if unfinished else None


def courses_progress(
    *,
    user: User,
    courses: list[CoursePage],
    enrolments: dict[int, Enrolment] | None = None,
    lessons: dict[int, list[LessonPage]] | None = None,
    completed: dict[int, set[int]] | None = None,
) -> dict[int, CourseProgress]:
    """Progress of `user` in each course: two queries (lessons, completions), none for what
    the caller already has: each course's live lessons in reading order, the completed ones."""
    result = {
        c.pk: CourseProgress(course=c, enrolment=(enrolments or {}).get(c.pk)) for c in courses
    }
    if not courses:
        return result
    if lessons is not None:
        for course_id, known in lessons.items():
            result[course_id].lessons = list(known)
    else:
        _fill_lessons(courses, result)
    if completed is not None:
        for course_id, lesson_ids in completed.items():
            result[course_id].completed_ids = set(lesson_ids)
        return result
    rows = LessonProgress.objects.filter(
        user=user, course_id__in=[c.pk for c in courses], completed_at__isnull=False
    ).values_list("course_id", "lesson_id")
    for course_id, lesson_id in rows:
        result[course_id].completed_ids.add(lesson_id)
    return result


def _fill_lessons(courses: list, result: dict[int, CourseProgress]) -> None:
    by_path = {c.path: result[c.pk] for c in courses}
    prefix = len(courses[0].path)  # courses are siblings, so their paths are equally long
    lessons = (
        LessonPage.objects.live()
        .filter(within_any(courses))
        .only("id", "title", "path", "url_path", "depth")
        .order_by("path")
    )
    for lesson in lessons:
        by_path[lesson.path[:prefix]].lessons.append(lesson)


def dashboard(*, user: User) -> Dashboard:
    enrolments = list(
        Enrolment.objects.filter(user=user)
        .select_related("course", "program")
        .order_by("-last_activity_at")
    )
    course_enrolments = {e.course_id: e for e in enrolments if e.course_id}
    program_enrolments = [e for e in enrolments if e.program_id]
    links = list(
        ProgramCourse.objects.filter(program__in=[e.program_id for e in program_enrolments])
        .select_related("course")
        .order_by("program_id", "sort_order")
    )
    courses = {e.course.pk: e.course for e in enrolments if e.course_id}
    courses.update({link.course.pk: link.course for link in links})
    progress = courses_progress(
        user=user, courses=list(courses.values()), enrolments=course_enrolments
    )
    by_program = defaultdict(list)
    for link in links:
        by_program[link.program_id].append(progress[link.course_id])
    return Dashboard(
        courses=[progress[e.course_id] for e in enrolments if e.course_id],
        programs=[ProgramProgress(e, by_program[e.program_id]) for e in program_enrolments],
    )


def prerequisites_missing(*, user: User, course) -> list[CoursePage]:
    """Prerequisite courses of `course` (a CoursePage or its base Page) the person has not
    completed yet, in one query."""
    completed = Enrolment.objects.filter(
        user=user, course__isnull=False, completed_at__isnull=False
    ).values("course_id")
    return list(
        CoursePage.objects.filter(required_by__pk=course.pk)
        .exclude(pk__in=completed)
        .order_by("title")
    )
