"""Curriculum trees of any size, built straight into the page tree (no files, no revisions)."""

import uuid
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType

from wagtail.models import Locale, Page
from wagtail.rich_text import RichText

from content.services import site_ensure_home
from courses.models import (
    CourseIndexPage,
    CoursePage,
    LessonPage,
    ModulePage,
    ProgramCourse,
    ProgramIndexPage,
    ProgramPage,
)


def course_index() -> CourseIndexPage:
    home = site_ensure_home()
    index = CourseIndexPage.objects.child_of(home).first()
    return index or home.add_child(instance=CourseIndexPage(title="Courses", slug="courses"))


def build_course(slug: str, *, modules: int, lessons: int, ce_hours: str = "1.0") -> CoursePage:
    course = course_index().add_child(
        instance=CoursePage(
            title=f"Course {slug}",
            slug=slug,
            summary=f"Summary of {slug}.",
            estimated_minutes=modules * lessons * 10,
            ce_hours=Decimal(ce_hours),
        )
    )
    for m in range(modules):
        module = course.add_child(instance=ModulePage(title=f"Module {m + 1}", slug=f"m{m + 1}"))
        for n in range(lessons):
            module.add_child(
                instance=LessonPage(
                    title=f"Lesson {m + 1}.{n + 1}",
                    slug=f"l{n + 1}",
                    body=[("text", {"text": RichText("<p>Lesson text.</p>"), "references": []})],
                )
            )
    return course


def build_program(
    home_page,
    *,
    courses=(),
    credential_name: str = "Peer certificate",
    training: str = "0",
    person_centered: str = "0",
    supervised: str = "0",
) -> ProgramPage:
    """The "Peer certification" program under /programs/, with these courses and hour rules."""
    index = ProgramIndexPage.objects.child_of(home_page).first() or home_page.add_child(
        instance=ProgramIndexPage(title="Programs", slug="programs")
    )
    program = index.add_child(
        instance=ProgramPage(
            title="Peer certification",
            slug="peer-cert",
            summary="For peers.",
            audience="Peers",
            credential_name=credential_name,
            training_hours_required=Decimal(training),
            person_centered_hours_required=Decimal(person_centered),
            supervised_hours_required=Decimal(supervised),
        )
    )
    for order, course in enumerate(courses):
        ProgramCourse.objects.create(program=program, course=course, sort_order=order)
    return program


def lessons_of(course: CoursePage) -> list[LessonPage]:
    return list(LessonPage.objects.descendant_of(course).order_by("path"))


def bulk_build_curriculum(*, courses: int, modules: int, lessons: int) -> list[CoursePage]:
    """Many courses like build_course's, written in bulk: tens of times faster, for tests that
    need a large curriculum (query counts that must not grow with its size).

    It writes treebeard paths and Wagtail's base rows itself, then each page type's own row;
    pages are live, have no revisions, and are valid for reading, serving and progress."""
    index = course_index()
    locale = Locale.get_default()
    types = ContentType.objects.get_for_models(CoursePage, ModulePage, LessonPage)
    start = index.numchild
    base_rows: list[tuple[Page, object]] = []

    def page(
        model,
        parent_path: str,
        parent_url: str,
        depth: int,
        position: int,
        slug: str,
        title: str,
        numchild: int,
        **specific,
    ):
        path = Page._get_path(parent_path, depth, position)
        row = Page(
            path=path,
            depth=depth,
            numchild=numchild,
            title=title,
            draft_title=title,
            slug=slug,
            url_path=f"{parent_url}{slug}/",
            content_type=types[model],
            live=True,
            locale=locale,
            translation_key=uuid.uuid4(),
        )
        base_rows.append((row, model(title=title, slug=slug, **specific)))
        return path, row.url_path

    for c in range(courses):
        slug = f"bulk{start + c + 1}"
        course_path, course_url = page(
            CoursePage,
            index.path,
            index.url_path,
            index.depth + 1,
            start + c + 1,
            slug,
            f"Course {slug}",
            modules,
            summary=f"Summary of {slug}.",
            estimated_minutes=modules * lessons * 10,
            ce_hours=Decimal("1.0"),
        )
        for m in range(modules):
            module_path, module_url = page(
                ModulePage,
                course_path,
                course_url,
                index.depth + 2,
                m + 1,
                f"m{m + 1}",
                f"Module {m + 1}",
                lessons,
            )
            for n in range(lessons):
                page(
                    LessonPage,
                    module_path,
                    module_url,
                    index.depth + 3,
                    n + 1,
                    f"l{n + 1}",
                    f"Lesson {m + 1}.{n + 1}",
                    0,
                    body=[("text", {"text": RichText("<p>Lesson text.</p>"), "references": []})],
                )
    Page.objects.bulk_create([row for row, _ in base_rows])
    for row, specific in base_rows:
        specific.page_ptr_id = row.pk
        specific.pk = row.pk
        specific.save_base(raw=True)  # only the page type's own table; the base row exists
    Page.objects.filter(pk=index.pk).update(numchild=start + courses)
    return list(CoursePage.objects.filter(slug__startswith="bulk").order_by("path"))
