"""The catalogue's reads: every listed course as a card, in two queries however many courses
there are (a search adds five).

A card shows a course's title, summary, CE hours, time, audiences and topics, and links to it.
Building a CoursePage for each course and prefetching its ParentalManyToMany fields cost more
than the rest of the page together (issue 17), so courses are read as rows, and the audiences
and topics together with the courses that carry them, in one query the filter form needs anyway.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Aggregate, CharField, OuterRef, Subquery, Value

from wagtail.models import Page

# courses.models calls these from CourseIndexPage.get_context, so this imports the module, not
# its names (as courses.selectors does).
from courses import models as pages
from courses.links import url_below

LESSON_HITS = 50
AUDIENCE, TOPIC = "audience", "topic"


@dataclass
class CourseCard:
    """What the catalogue shows of a course (the template reads it as it would the page)."""

    pk: int
    title: str
    summary: str
    ce_hours: Decimal
    estimated_minutes: int
    path: str
    url: str | None
    audiences: list[pages.Audience]  # by name, as the page's own manager orders them
    topics: list[pages.Topic]


@dataclass
class Taxonomy:
    """Every audience and topic by name, and the ones each course (by id) carries."""

    audiences: list[pages.Audience]
    topics: list[pages.Topic]
    audiences_of: dict[int, list[pages.Audience]]
    topics_of: dict[int, list[pages.Topic]]


@dataclass
class LessonHit:
    lesson: pages.LessonPage
    course: CourseCard
    module: Page | None


@dataclass
class Catalogue:
    courses: list[CourseCard]
    lessons: list[LessonHit] = field(default_factory=list)


class IdList(Aggregate):
    """The ids aggregated, comma-separated: GROUP_CONCAT on SQLite, STRING_AGG on PostgreSQL."""

    function = "GROUP_CONCAT"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            function="STRING_AGG",
            template="%(function)s(%(expressions)s::text, ',')",
            **extra_context,
        )


@functools.cache
def _taxonomy_sql() -> tuple[str, tuple]:
    """Every audience and topic with the ids of the courses that carry it, a row per term. The
    SQL is the same on every request, and building it through the ORM took four times as long
    as running it, so it is built once per process (it holds no data)."""
    rows = []
    for model, kind in ((pages.Audience, AUDIENCE), (pages.Topic, TOPIC)):
        term = f"{model._meta.model_name}_id"
        links = model.courses.through.objects.filter(**{term: OuterRef("pk")}).order_by()
        carried = links.values(term).annotate(ids=IdList("coursepage_id")).values("ids")
        rows.append(
            model.objects.order_by()
            .annotate(kind=Value(kind), course_ids=Subquery(carried))
            .values_list("pk", "slug", "name", "kind", "course_ids")
        )
    return rows[0].union(rows[1], all=True).query.sql_with_params()


def taxonomy() -> Taxonomy:
    """Audiences and topics by name, and the ones each course carries, in one query."""
    sql, params = _taxonomy_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = sorted(cursor.fetchall(), key=lambda row: (row[2], row[0]))  # by name, as Meta
    result = Taxonomy(audiences=[], topics=[], audiences_of={}, topics_of={})
    for pk, slug, name, kind, course_ids in rows:
        if kind == AUDIENCE:
            term, terms, of = (
                pages.Audience(pk=pk, slug=slug, name=name),
                result.audiences,
                result.audiences_of,
            )
        else:
            term, terms, of = (
                pages.Topic(pk=pk, slug=slug, name=name),
                result.topics,
                result.topics_of,
            )
        terms.append(term)
        for course_id in map(int, course_ids.split(",")) if course_ids else ():
            of.setdefault(course_id, []).append(term)
    return result


def catalogue_courses(
    *,
    index: pages.CourseIndexPage,
    request,
    terms: Taxonomy,
    audience: str = "",
    topic: str = "",
    ce_min: Decimal | None = None,
    ce_max: Decimal | None = None,
    query: str = "",
) -> Catalogue:
    """Live, public courses under `index` that match every given filter, as cards, in one
    query. With a `query`, only courses whose title or summary match, plus up to LESSON_HITS
    matching lessons from the courses the filters leave in."""
    # What PageQuerySet.public() leaves out, without its query of every restriction: a course
    # under a restricted page (the index or an ancestor, whose restrictions serving has read:
    # content.pages), or restricted itself. (Those also count an alias's source's restrictions,
    # which public() does not; neither the index nor the home page is an alias.)
    if index.get_view_restrictions().exists():
        return Catalogue(courses=[])
    courses = pages.CoursePage.objects.filter(
        path__startswith=index.path, depth=index.depth + 1, live=True, view_restrictions=None
    )
    if ce_min is not None:
        courses = courses.filter(ce_hours__gte=ce_min)
    if ce_max is not None:
        courses = courses.filter(ce_hours__lte=ce_max)
    rows = courses.order_by("path").values_list(
        "pk", "title", "summary", "ce_hours", "estimated_minutes", "path", "url_path"
    )
    index_url, index_url_path = index.get_url(request), index.url_path
    cards = [
        CourseCard(
            pk=pk,
            title=title,
            summary=summary,
            ce_hours=ce_hours,
            estimated_minutes=minutes,
            path=path,
            url=url_below(index_url, index_url_path, url_path),
            audiences=terms.audiences_of.get(pk, []),
            topics=terms.topics_of.get(pk, []),
        )
        for pk, title, summary, ce_hours, minutes, path, url_path in rows
    ]
    if audience:
        cards = [card for card in cards if any(a.slug == audience for a in card.audiences)]
    if topic:
        cards = [card for card in cards if any(t.slug == topic for t in card.topics)]
    if not query:
        return Catalogue(courses=cards)

    found = {course.pk for course in pages.CoursePage.objects.live().public().search(query)}
    narrowed = bool(audience or topic) or ce_min is not None or ce_max is not None
    return Catalogue(
        courses=[card for card in cards if card.pk in found],
        lessons=_lesson_hits(query, cards, narrowed=narrowed),
    )


def _lesson_hits(query: str, courses: list[CourseCard], *, narrowed: bool) -> list[LessonHit]:
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
