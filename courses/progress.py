"""Reads on learner progress, in a fixed number of queries however big the curriculum is."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import F
from django.db.models.functions import Substr

from accounts.models import User
from content import fragments
from courses import selectors
from courses.links import page_url, url_below
from courses.models import (
    CoursePage,
    Enrolment,
    LessonPage,
    LessonProgress,
    ProgramCourse,
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
class PageLink:
    """A page as the dashboard links it."""

    pk: int
    title: str
    url: str | None


@dataclass
class CourseLink:
    """A course as the dashboard shows it: its link and CE hours."""

    pk: int
    title: str
    path: str
    url_path: str
    ce_hours: Decimal
    url: str | None = None


COURSE_COLUMNS = ("title", "path", "url_path", "ce_hours")  # CourseLink's, after pk
PROGRAM_FIELDS = ("title", "url_path")  # what the link to a program needs


@dataclass
class CourseSummary:
    """Progress in a course as counts and the lesson to continue with (`course_summaries`); it
    reads as a CourseProgress does, without the course's lessons."""

    course: CourseLink
    enrolment: Enrolment | None = None
    total: int = 0
    done: int = 0
    next_lesson: PageLink | None = None
    first_open: int | None = None  # the first live lesson not completed

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def completed(self) -> bool:
        return bool(self.enrolment and self.enrolment.completed_at)


@dataclass
class ProgramProgress:
    enrolment: Enrolment
    courses: list[CourseProgress] | list[CourseSummary]

    @property
    def percent(self) -> int:
        total = sum(c.total for c in self.courses)
        return round(100 * sum(c.done for c in self.courses) / total) if total else 0


@dataclass
class Dashboard:
    courses: list[CourseSummary]
    programs: list[ProgramProgress]

    @property
    def ce_hours_earned(self) -> Decimal:
        return sum((c.course.ce_hours for c in self.courses if c.completed), Decimal(0))

    @property
    def completed_on(self) -> dict[int, datetime]:
        """When each completed course was completed, by course id."""
        return {c.course.pk: c.enrolment.completed_at for c in self.courses if c.completed}

    @property
    def next_step(self) -> CourseSummary | None:
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
        for course_id, found in selectors.live_lessons_by_course(courses).items():
            result[course_id].lessons = found
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


def dashboard(*, user: User) -> Dashboard:
    """The learner's courses (most recently active first) and programs, with progress, in three
    queries however many enrolments and lessons (two without a program). It builds no course or
    lesson page: it built some 200 for ten courses, a third of its time (issue 17)."""
    enrolments = list(
        Enrolment.objects.filter(user=user)
        .select_related("program")
        .only(
            "course_id",
            "program_id",
            "completed_at",
            "last_lesson_id",
            "last_activity_at",
            *(f"program__{name}" for name in PROGRAM_FIELDS),
        )
        .annotate(**{f"course_{name}": F(f"course__{name}") for name in COURSE_COLUMNS})
        .order_by("-last_activity_at")
    )
    courses = {
        e.course_id: CourseLink(e.course_id, *(getattr(e, f"course_{n}") for n in COURSE_COLUMNS))
        for e in enrolments
        if e.course_id
    }
    program_enrolments = [e for e in enrolments if e.program_id]
    links = list(
        ProgramCourse.objects.filter(program__in=[e.program_id for e in program_enrolments])
        .order_by("program_id", "sort_order")
        .values_list("program_id", "course_id", *(f"course__{name}" for name in COURSE_COLUMNS))
    )
    for _, course_id, *columns in links:
        courses.setdefault(course_id, CourseLink(course_id, *columns))
    progress = course_summaries(
        user=user,
        courses=list(courses.values()),
        enrolments={e.course_id: e for e in enrolments if e.course_id},
    )
    by_program = defaultdict(list)
    for program_id, course_id, *_ in links:
        by_program[program_id].append(progress[course_id])
    return Dashboard(
        courses=[progress[e.course_id] for e in enrolments if e.course_id],
        programs=[ProgramProgress(e, by_program[e.program_id]) for e in program_enrolments],
    )


def course_summaries(
    *, user: User, courses: list[CourseLink], enrolments: dict[int, Enrolment]
) -> dict[int, CourseSummary]:
    """Progress of `user` in each of `courses` (siblings, as every course is), by course id: the
    courses' live lessons come from `course_outlines` (kept between requests), the learner's
    completions from one query; a completion counts only in the course it was recorded in, as
    in CourseProgress. Sets each course's `url`."""
    result = {c.pk: CourseSummary(course=c, enrolment=enrolments.get(c.pk)) for c in courses}
    if not courses:
        return result
    parent_urls: dict[str, str | None] = {}
    for course in courses:
        parent = course.url_path[: course.url_path.rstrip("/").rfind("/") + 1]
        if parent not in parent_urls:
            parent_urls[parent] = page_url(parent)
        course.url = url_below(parent_urls[parent], parent, course.url_path)
    completed: dict[int, set[int]] = defaultdict(set)
    for course_id, lesson_id in LessonProgress.objects.filter(
        user=user, course_id__in=list(result), completed_at__isnull=False
    ).values_list("course_id", "lesson_id"):
        completed[course_id].add(lesson_id)
    outlines = course_outlines(courses)
    for course in courses:
        summary, done_ids = result[course.pk], completed[course.pk]
        open_lessons = [lesson for lesson in outlines[course.pk] if lesson[0] not in done_ids]
        summary.total = len(outlines[course.pk])
        summary.done = summary.total - len(open_lessons)
        if open_lessons:
            # Where to continue: the lesson last opened if unfinished, else the first unfinished.
            summary.first_open = open_lessons[0][0]
            last = summary.enrolment.last_lesson_id if summary.enrolment else None
            pk, title, url_path = next((x for x in open_lessons if x[0] == last), open_lessons[0])
            summary.next_lesson = PageLink(
                pk, title, url_below(course.url, course.url_path, url_path)
            )
    return result


OUTLINE_KEY = "course-outline:{pk}:{version}"


def course_outlines(courses: list[CourseLink]) -> dict[int, list[tuple[int, str, str]]]:
    """Each course's live lessons in reading order, as (pk, title, url_path), by course id.

    What every learner sees alike, so it is kept in the cache per course under the content
    version, which any page save, publish, unpublish, move or delete bumps
    (content.fragments); the courses not kept are read in one query."""
    version = fragments.content_version()
    keys = {OUTLINE_KEY.format(pk=c.pk, version=version): c for c in courses}
    kept = cache.get_many(list(keys))
    found = {keys[key].pk: outline for key, outline in kept.items()}
    missing = [course for key, course in keys.items() if key not in kept]
    if missing:
        prefix = len(missing[0].path)  # a lesson's course is this much of its path
        by_path: dict[str, list] = {course.path: [] for course in missing}
        rows = (
            LessonPage.objects.live()
            .annotate(course_path=Substr("path", 1, prefix))
            .filter(course_path__in=list(by_path))
            .order_by("path")
            .values_list("pk", "path", "title", "url_path")
        )
        for pk, path, title, url_path in rows:
            by_path[path[:prefix]].append((pk, title, url_path))
        fresh = {course.pk: by_path[course.path] for course in missing}
        cache.set_many(
            {OUTLINE_KEY.format(pk=pk, version=version): v for pk, v in fresh.items()},
            settings.FRAGMENT_CACHE_SECONDS,
        )
        found.update(fresh)
    return found


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
