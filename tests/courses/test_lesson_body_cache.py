"""The lesson body is rendered once and served from the fragment cache until its lesson is
published again or something it shows (a reference, an image) changes (content.fragments)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.rich_text import RichText

import pytest

from content.models import Reference, ReferenceKind
from courses.models import LessonPage
from tests.courses.factories import build_course, lessons_of


def reference_queries(captured) -> int:
    return sum('FROM "content_reference"' in q["sql"] for q in captured)


@pytest.fixture
def cited(db):
    reference = Reference.objects.create(
        key="cache-ref",
        authors="Author A",
        year=2020,
        title="A first title",
        source="A Journal",
        doi="10.1000/cache",
        kind=ReferenceKind.TRIAL,
    )
    course = build_course("cached", modules=1, lessons=1)
    lesson = lessons_of(course)[0]
    lesson.body = [
        ("text", {"text": RichText("<p>Original words.</p>"), "references": [reference]})
    ]
    lesson.save_revision().publish()
    return LessonPage.objects.get(pk=lesson.pk), reference


@pytest.mark.django_db
class LessonBodyCacheTests:
    def test_a_second_view_does_not_read_the_references_again(self, client, learner, cited):
        lesson, _ = cited
        client.force_login(learner)
        with CaptureQueriesContext(connection) as first:
            body = client.get(lesson.url).content.decode()
        assert "Original words." in body and "A first title" in body
        with CaptureQueriesContext(connection) as second:
            again = client.get(lesson.url).content.decode()
        assert reference_queries(first) == 1 and reference_queries(second) == 0
        assert "Original words." in again and "A first title" in again
        assert '<a href="#ref-1"' in again or "ref-1" in again

    def test_publishing_the_lesson_shows_the_new_text_at_once(self, client, learner, cited):
        lesson, reference = cited
        client.force_login(learner)
        client.get(lesson.url)
        lesson.body = [
            ("text", {"text": RichText("<p>Corrected words.</p>"), "references": [reference]})
        ]
        lesson.save_revision().publish()
        body = client.get(lesson.url).content.decode()
        assert "Corrected words." in body and "Original words." not in body

    def test_editing_a_cited_reference_shows_the_new_title(self, client, learner, cited):
        lesson, reference = cited
        client.force_login(learner)
        client.get(lesson.url)
        reference.title = "A corrected title"
        reference.save()
        body = client.get(lesson.url).content.decode()
        assert "A corrected title" in body and "A first title" not in body

    def test_a_draft_is_never_served_from_or_into_the_cache(self, client, learner, cited):
        lesson, reference = cited
        client.force_login(learner)
        client.get(lesson.url)
        lesson.body = [
            ("text", {"text": RichText("<p>Draft words.</p>"), "references": [reference]})
        ]
        lesson.save_revision()  # saved, not published
        body = client.get(lesson.url).content.decode()
        assert "Original words." in body and "Draft words." not in body
