"""Reads behind the curriculum pages. Each runs a fixed number of queries, however many
courses, modules or lessons there are; tests/courses/test_pages.py holds them to it.

Listings that reach across the site (catalogue, search, programs) leave out pages under a view
restriction; reads inside one course do not, since a restriction on the course covers them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from django.db.models import Exists, OuterRef, Q

from wagtail.models import Page

from content.fragments import page_data

# courses.models calls these from its pages' get_context, so this imports the module, not its
# names: the two can then import each other, and names are looked up when a selector runs.
from courses import models as pages

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
# What a link to a page needs (its title and URL).
PAGE_LINK_FIELDS = ("id", "title", "slug", "path", "depth", "url_path", "live")


@dataclass
class ModuleOutline:
    module: pages.ModulePage
    lessons: list[pages.LessonPage]


@dataclass
class CourseFacts:
    """What a course page shows that is the same for every reader."""

    modules: list[pages.ModulePage]  # live, in the editor's order
    audiences: list[pages.Audience]
    topics: list[pages.Topic]
    disclosures: list[pages.CourseDisclosure]
    prerequisites: list[pages.CoursePage]
    programs: list[pages.ProgramPage]  # live programs the course is part of
    corrections: list[pages.LessonCorrection]  # published, newest first


def course_facts(*, course: pages.CoursePage, request=None) -> CourseFacts:
    """The course's facts: kept between requests for its live revision (content.fragments says
    what else invalidates them), and on the course object for the rest of the request."""
    if not hasattr(course, "_facts"):
        read = partial(_course_facts, course)
        course._facts = read() if request is None else page_data(request, course, "facts", read)
    return course._facts


def _course_facts(course: pages.CoursePage) -> CourseFacts:
    return CourseFacts(
        modules=list(
            pages.ModulePage.objects.child_of(course)
            .live()
            .only("id", "title", "slug", "path", "depth", "url_path", "live", "summary")
            .order_by("path")
        ),
        # Through the page, so that a preview shows its draft's own (modelcluster) values.
        audiences=list(course.audiences.all()),
        topics=list(course.topics.all()),
        disclosures=list(course.disclosures.all()),
        prerequisites=list(
            pages.CoursePage.objects.live()
            .filter(pk__in=_ids(course.prerequisites.all()))
            .only(*PAGE_LINK_FIELDS)
            .order_by("title")
        ),
        programs=course_programs(course=course),
        corrections=list(
            pages.LessonCorrection.objects.filter(course=course, published_at__isnull=False)
            .select_related("lesson")
            .only("summary", "published_at", "lesson__title", "lesson__url_path")
        ),
    )


def _ids(related):
    """Primary keys of a relation's objects: a subquery when they are in the database, the
    values themselves when they are a draft's, in memory (modelcluster's FakeQuerySet)."""
    return related.values("pk") if hasattr(related, "query") else [obj.pk for obj in related]


def course_outline(*, course: pages.CoursePage, lessons=None, modules=None) -> list[ModuleOutline]:
    """The course's live modules, each with its live lessons, in the editor's order; `lessons`
    and `modules` are the course's, when the caller has read them (`course_lessons`,
    `course_facts`)."""
    if modules is None:
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
    if hasattr(page, "ancestry"):  # every page type of the site (content.pages)
        return [p for p in page.ancestry() if home_depth < p.depth < page.depth]
    return list(Page.objects.ancestor_of(page).filter(depth__gt=home_depth).order_by("path"))


def module_lessons(*, module: pages.ModulePage) -> list[pages.LessonPage]:
    """The module's live lessons in order, without their bodies."""
    return list(pages.LessonPage.objects.child_of(module).live().defer("body").order_by("path"))


def course_programs(*, course: pages.CoursePage) -> list[pages.ProgramPage]:
    """Live programs that include the course, for the course page's 'part of' line."""
    return list(
        pages.ProgramPage.objects.live()
        .filter(program_courses__course=course)
        .only(*PAGE_LINK_FIELDS)
        .order_by("path")
    )


def program_courses(*, program: pages.ProgramPage, request=None) -> list[pages.CoursePage]:
    """The program's live courses in the program's order; for a `request`, kept between
    requests (content.fragments) and on the program for the rest of the request."""
    if request is None:
        return _program_courses(program)
    if not hasattr(program, "_courses"):
        read = partial(_program_courses, program)
        program._courses = page_data(request, program, "courses", read)
    return program._courses


def _program_courses(program: pages.ProgramPage) -> list[pages.CoursePage]:
    links = (
        program.program_courses.filter(course__live=True)
        .select_related("course")
        .order_by("sort_order")
    )
    return [link.course for link in links]


def program_lessons(*, program: pages.ProgramPage, request) -> dict[int, list[pages.LessonPage]]:
    """{course pk: its live lessons in reading order} for the program's courses, kept like
    `program_courses`."""
    if not hasattr(program, "_lessons"):
        courses = program_courses(program=program, request=request)
        program._lessons = page_data(
            request, program, "lessons", partial(live_lessons_by_course, courses)
        )
    return program._lessons


def live_lessons_by_course(
    courses: list[pages.CoursePage],
) -> dict[int, list[pages.LessonPage]]:
    """{course pk: its live lessons in reading order}, in one query, for sibling courses."""
    found: dict[int, list[pages.LessonPage]] = {course.pk: [] for course in courses}
    if not courses:
        return found
    by_path = {course.path: found[course.pk] for course in courses}
    prefix = len(courses[0].path)  # courses are siblings, so their paths are equally long
    lessons = (
        pages.LessonPage.objects.live()
        .filter(pages.within_any(courses))
        .only(*LESSON_LISTING_FIELDS)
        .order_by("path")
    )
    for lesson in lessons:
        by_path[lesson.path[:prefix]].append(lesson)
    return found


@dataclass
class ProgramEnrolments:
    program: pages.Enrolment | None  # None: not enrolled in the program
    courses: dict[int, pages.Enrolment]  # by course pk, for the program's courses


def program_enrolments(*, user, program: pages.ProgramPage, courses) -> ProgramEnrolments:
    """The person's enrolment in the program and in each of its `courses`, in one query, kept
    on the program for the rest of the request (the page, its progress bar and its
    requirements section all ask)."""
    kept = getattr(program, "_enrolments", None)
    if kept is None or kept[0] != user.pk:
        rows = pages.Enrolment.objects.filter(user=user).filter(
            Q(program_id=program.pk) | Q(course_id__in=[course.pk for course in courses])
        )
        found = ProgramEnrolments(program=None, courses={})
        for enrolment in rows:
            if enrolment.program_id == program.pk:
                found.program = enrolment
            else:
                found.courses[enrolment.course_id] = enrolment
        program._enrolments = kept = (user.pk, found)
    return kept[1]


def programs_listing(*, index: Page) -> list[pages.ProgramPage]:
    """Live, public programs under `index`, in the editor's order."""
    return list(pages.ProgramPage.objects.child_of(index).live().public().order_by("path"))
