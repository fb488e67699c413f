"""Reads behind the curriculum pages. Each runs a fixed number of queries, however many
courses, modules or lessons there are; tests/courses/test_pages.py holds them to it.

Listings that reach across the site (catalogue, search, programs) leave out pages under a view
restriction; reads inside one course do not, since a restriction on the course covers them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef

from wagtail.models import Page

# courses.models calls these from its pages' get_context, so this imports the module, not its
# names: the two can then import each other, and names are looked up when a selector runs.
from courses import models as pages

LESSON_HITS = 50
# What a list of lessons shows (title, link, minutes): building page objects with only these is
# a good part faster than with every field of a page.
LESSON_LISTING_FIELDS = (
    "id",
    "title",
    "slug",
    "path",
    "depth",
    "url_path",
    "live",
    "estimated_minutes",
)


@dataclass
class LessonHit:
    lesson: pages.LessonPage
    course: pages.CoursePage
    module: Page | None


@dataclass
class Catalogue:
    courses: list[pages.CoursePage]
    lessons: list[LessonHit] = field(default_factory=list)


def catalogue_courses(
    *,
    index: Page,
    audience: str = "",
    topic: str = "",
    ce_min: Decimal | None = None,
    ce_max: Decimal | None = None,
    query: str = "",
) -> Catalogue:
    """Live, public courses under `index` that match every given filter, with their audiences
    and topics prefetched. With a `query`, only courses whose title or summary match, plus up to
    LESSON_HITS matching lessons from the courses the filters leave in."""
    courses = (
        pages.CoursePage.objects.child_of(index)
        .live()
        .public()
        .prefetch_related("audiences", "topics")
        .order_by("path")
    )
    if audience:
        courses = courses.filter(audiences__slug=audience)
    if topic:
        courses = courses.filter(topics__slug=topic)
    if ce_min is not None:
        courses = courses.filter(ce_hours__gte=ce_min)
    if ce_max is not None:
        courses = courses.filter(ce_hours__lte=ce_max)
    in_filters = list(courses.distinct())
    if not query:
        return Catalogue(courses=in_filters)

    found = {course.pk for course in pages.CoursePage.objects.live().public().search(query)}
    narrowed = bool(audience or topic) or ce_min is not None or ce_max is not None
    return Catalogue(
        courses=[course for course in in_filters if course.pk in found],
        lessons=_lesson_hits(query, in_filters, narrowed=narrowed),
    )


def _lesson_hits(query: str, courses: list[pages.CoursePage], *, narrowed: bool) -> list[LessonHit]:
    if not courses:
        return []
    lessons = pages.LessonPage.objects.live().public()
    if narrowed:  # search only inside the courses the filters leave
        lessons = lessons.filter(pages.within_any(courses))
    # Courses are siblings, so their paths have one length: a lesson's course is its path's
    # prefix of that length, and its module the next step down. A lesson under a course that
    # is not listed (unpublished above it) is left out.
    course_by_path = {course.path: course for course in courses}
    course_len = len(courses[0].path)
    module_len = course_len + Page.steplen
    hits = []
    for lesson in lessons.search(query)[:LESSON_HITS]:
        course = course_by_path.get(lesson.path[:course_len])
        if course is not None:
            hits.append(LessonHit(lesson=lesson, course=course, module=None))
    modules = Page.objects.in_bulk(
        {hit.lesson.path[:module_len] for hit in hits}, field_name="path"
    )
    for hit in hits:
        hit.module = modules.get(hit.lesson.path[:module_len])
    return hits


@dataclass
class ModuleOutline:
    module: pages.ModulePage
    lessons: list[pages.LessonPage]


def course_outline(*, course: pages.CoursePage, lessons=None) -> list[ModuleOutline]:
    """The course's live modules, each with its live lessons, in the editor's order; `lessons`
    are the course's, when the caller has read them (`course_lessons`)."""
    modules = list(pages.ModulePage.objects.child_of(course).live().order_by("path"))
    lessons = _course_lessons(course) if lessons is None else lessons
    return [
        ModuleOutline(
            module=module,
            lessons=[lesson for lesson in lessons if lesson.path.startswith(module.path)],
        )
        for module in modules
    ]


def course_lessons(*, course: Page, learner=None) -> list[pages.LessonPage]:
    """The course's live lessons in reading order; for a signed-in `learner`, each with
    `completed`."""
    return _course_lessons(course, completed_by=learner)


def _course_lessons(course: Page, *, completed_by=None) -> list[pages.LessonPage]:
    """Live lessons of a course in reading order, without their bodies; with `completed_by`,
    each carries `completed`: whether that person completed it (in the same query)."""
    lessons = (
        pages.LessonPage.objects.descendant_of(course)
        .live()
        .only(*LESSON_LISTING_FIELDS)
        .order_by("path")
    )
    if completed_by is not None:
        done = pages.LessonProgress.objects.filter(
            user=completed_by, lesson_id=OuterRef("pk"), completed_at__isnull=False
        )
        lessons = lessons.annotate(completed=Exists(done))
    return list(lessons)


@dataclass
class LessonTrail:
    """Where a lesson sits: its course and module for the breadcrumb, and its neighbours."""

    courses_index: Page
    course: Page
    module: Page
    previous: Page | None
    next: Page | None
    position: int  # 1-based; 0 for a draft seen in preview
    count: int
    lessons: list  # the course's live lessons in reading order (progress reuses them)
    completed_ids: set[int] | None = None  # the learner's completed lessons, when read for one


def lesson_trail(*, lesson: pages.LessonPage, learner=None) -> LessonTrail:
    """The lesson's trail; for a signed-in `learner`, with the lessons they completed."""
    courses_index, course, module = breadcrumb(page=lesson)
    lessons = _course_lessons(course, completed_by=learner)
    at = next((n for n, page in enumerate(lessons) if page.pk == lesson.pk), None)
    if at is None:  # a draft in preview: not in the live sequence, so no neighbours
        previous = following = None
    else:
        previous = lessons[at - 1] if at > 0 else None
        following = lessons[at + 1] if at + 1 < len(lessons) else None
    return LessonTrail(
        courses_index=courses_index,
        course=course,
        module=module,
        previous=previous,
        next=following,
        position=0 if at is None else at + 1,
        count=len(lessons),
        lessons=lessons,
        completed_ids=None if learner is None else {x.pk for x in lessons if x.completed},
    )


def breadcrumb(*, page: Page) -> list[Page]:
    """The pages between the home page and `page`, top down, as plain pages, in one query
    whichever way the page was reached (a parent fetched while routing may not be cached)."""
    home_depth = 2  # the home page is the root's child (HomePage.parent_page_types)
    return list(Page.objects.ancestor_of(page).filter(depth__gt=home_depth).order_by("path"))


def module_lessons(*, module: pages.ModulePage) -> list[pages.LessonPage]:
    """The module's live lessons in order, without their bodies."""
    return list(pages.LessonPage.objects.child_of(module).live().defer("body").order_by("path"))


def course_programs(*, course: pages.CoursePage) -> list[pages.ProgramPage]:
    """Live programs that include the course, for the course page's 'part of' line."""
    return list(
        pages.ProgramPage.objects.live().filter(program_courses__course=course).order_by("path")
    )


def program_courses(*, program: pages.ProgramPage) -> list[pages.CoursePage]:
    """The program's live courses in the program's order."""
    links = (
        program.program_courses.filter(course__live=True)
        .select_related("course")
        .order_by("sort_order")
    )
    return [link.course for link in links]


def programs_listing(*, index: Page) -> list[pages.ProgramPage]:
    """Live, public programs under `index`, in the editor's order."""
    return list(pages.ProgramPage.objects.child_of(index).live().public().order_by("path"))
