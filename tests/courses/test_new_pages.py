"""A page the curriculum load adds (courses.curriculum.new_pages) is written exactly as Wagtail's
own path writes it (add_child, then save_revision().publish()): the same page row, revision,
tree, signals and log entries, and the same validation."""

import json

from django.core.exceptions import ValidationError
from django.db import transaction

from wagtail.models import Page, PageLogEntry
from wagtail.rich_text import RichText
from wagtail.signals import page_published

import pytest

from courses.curriculum.new_pages import NewPages
from courses.models import LessonPage, ModulePage
from tests.courses.factories import build_course

# Fields that differ between any two pages: identity, position and time.
VOLATILE = {
    "id",
    "page_ptr",
    "path",
    "url_path",
    "translation_key",
    "latest_revision",
    "live_revision",
    "latest_revision_created_at",
    "first_published_at",
    "last_published_at",
    "pk",
}


def lesson(slug: str = "side-effects") -> LessonPage:
    return LessonPage(
        title="Side effects",
        slug=slug,
        summary="What to expect.",
        estimated_minutes=7,
        source_path="courses/x/m/side-effects.md",
        source_digest="abc123",
        body=[("text", {"text": RichText("<p>Words.</p>"), "references": []})],
    )


def without_block_ids(blocks: list[dict]) -> list[dict]:
    return [{k: v for k, v in block.items() if k != "id"} for block in blocks]


def row(page: Page) -> dict:
    values = LessonPage.objects.filter(pk=page.pk).values().get()
    values["body"] = without_block_ids(values["body"].get_prep_value())  # ids are random
    return {k: v for k, v in values.items() if k.removesuffix("_id") not in VOLATILE}


def revision_content(page: Page) -> dict:
    content = LessonPage.objects.get(pk=page.pk).latest_revision.content
    content["body"] = without_block_ids(json.loads(content["body"]))
    return {k: v for k, v in content.items() if k not in VOLATILE}


def log_entries(page: Page) -> list[tuple]:
    page = Page.objects.get(pk=page.pk)
    return [
        (e.action, e.label, e.content_type_id, e.user_id, e.content_changed, e.data)
        + (e.revision_id == page.live_revision_id if e.revision_id else None,)
        for e in PageLogEntry.objects.filter(page=page).order_by("timestamp", "pk")
    ]


@pytest.fixture
def modules(db):
    """Two empty modules of one course: one for Wagtail's path, one for ours."""
    course = build_course("parity", modules=2, lessons=0)
    return list(ModulePage.objects.child_of(course).order_by("path"))


@pytest.fixture
def published_signals():
    received = []

    def record(sender, instance, revision, **kwargs):
        received.append((sender, instance.pk, revision.pk))

    page_published.connect(record)
    yield received
    page_published.disconnect(record)


def add_as_wagtail_does(parent: Page, page: Page) -> Page:
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def add_as_the_load_does(parent: Page, *pages: Page) -> None:
    new_pages = NewPages()
    for page in pages:
        new_pages.add_published(parent, page)
    new_pages.flush()


@pytest.mark.django_db
class SameAsWagtailTests:
    def test_the_page_row_and_its_revision_are_the_ones_wagtail_writes(self, modules):
        theirs = add_as_wagtail_does(modules[0], lesson())
        ours = lesson()
        add_as_the_load_does(modules[1], ours)
        assert row(ours) == row(theirs)
        assert revision_content(ours) == revision_content(theirs)
        page = LessonPage.objects.get(pk=ours.pk)
        assert page.live and not page.has_unpublished_changes
        assert page.latest_revision_id == page.live_revision_id is not None
        assert page.url_path == f"{modules[1].url_path}side-effects/"

    def test_the_log_entries_are_the_ones_wagtail_writes(self, modules):
        theirs = add_as_wagtail_does(modules[0], lesson())
        ours = lesson()
        add_as_the_load_does(modules[1], ours)
        assert [entry[0] for entry in log_entries(ours)] == ["wagtail.create", "wagtail.publish"]
        assert log_entries(ours) == log_entries(theirs)

    def test_the_same_published_signal_is_sent_with_the_revision(self, modules, published_signals):
        ours = lesson()
        add_as_the_load_does(modules[1], ours)
        assert published_signals == [(LessonPage, ours.pk, ours.live_revision_id)]

    def test_children_follow_existing_ones_and_the_tree_stays_consistent(self, modules):
        first = add_as_wagtail_does(modules[0], lesson("first"))
        second, third = lesson("second"), lesson("third")
        add_as_the_load_does(modules[0], second, third)
        children = list(Page.objects.child_of(modules[0]).order_by("path"))
        assert [page.slug for page in children] == ["first", "second", "third"]
        assert second.path == first._inc_path()
        assert Page.objects.get(pk=modules[0].pk).numchild == 3
        assert Page.find_problems() == ([], [], [], [], [])


@pytest.mark.django_db
class ValidationTests:
    def test_a_slug_taken_by_a_sibling_is_refused_as_wagtail_refuses_it(self, modules):
        add_as_wagtail_does(modules[0], lesson("taken"))
        with pytest.raises(ValidationError) as refused, transaction.atomic():
            add_as_the_load_does(modules[0], lesson("taken"))
        assert "slug" in refused.value.message_dict
        assert LessonPage.objects.filter(slug="taken").count() == 1

    def test_a_live_page_is_validated_in_full(self, modules):
        page = lesson()
        page.estimated_minutes = -1
        with pytest.raises(ValidationError) as refused, transaction.atomic():
            add_as_the_load_does(modules[1], page)
        assert "estimated_minutes" in refused.value.message_dict
        assert not LessonPage.objects.filter(slug="side-effects").exists()
