"""What makes a repeated load cheap: unchanged files write nothing, a changed file writes one
revision, and search and reference indexing happen once, in one task, after the pages are written.
"""

import re
from collections import Counter

from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.models import Page, ReferenceIndex, Revision

import pytest
from django_tasks.signals import task_enqueued

from content.models import Reference
from courses.models import LessonPage
from tests.courses.test_load_curricula import copy_curriculum, lesson, load

# Writes to pages, their revisions, log and search/reference indexes, objectives and taxonomy.
PAGE_WRITE = re.compile(
    r'^\s*(INSERT INTO|UPDATE|DELETE FROM) "(wagtailcore_(page|revision|pagelogentry|'
    r'referenceindex)|modelsearch_\w+|courses_\w+)"',
    re.IGNORECASE,
)


@pytest.fixture
def curriculum(tmp_path):
    return copy_curriculum(tmp_path)


class EnqueuedTasks(list):
    def __init__(self):
        super().__init__()
        self.args: list = []


@pytest.fixture
def enqueued():
    """Names of the tasks enqueued while the test runs (tests run them inline as well), with
    their arguments in `names.args`."""
    names = EnqueuedTasks()

    def record(sender, task_result, **kwargs):
        names.append(task_result.task.name)
        names.args.append(task_result.args)

    task_enqueued.connect(record)
    yield names
    task_enqueued.disconnect(record)


@pytest.mark.django_db
class UnchangedLoadTests:
    def test_a_second_load_of_unchanged_files_writes_no_page(self, curriculum, enqueued):
        load(curriculum)
        enqueued.args.clear()
        latest = dict(Page.objects.values_list("pk", "latest_revision_id"))
        revisions = Revision.objects.count()
        enqueued.clear()
        with CaptureQueriesContext(connection) as queries:
            output = load(curriculum)
        assert "0 created, 0 updated, 8 unchanged" in output
        writes = [q["sql"] for q in queries.captured_queries if PAGE_WRITE.match(q["sql"])]
        assert writes == [], "\n".join(w[:160] for w in writes)
        assert Revision.objects.count() == revisions
        assert dict(Page.objects.values_list("pk", "latest_revision_id")) == latest
        indexed = [
            obj
            for name, args in zip(enqueued, enqueued.args, strict=True)
            if name == "index_saved_objects"
            for obj in args[0]
        ]
        assert [obj for obj in indexed if obj[0] in ("wagtailcore", "courses")] == []

    def test_changing_one_lesson_file_makes_exactly_one_revision_of_that_lesson(self, curriculum):
        load(curriculum)
        before = Counter(Revision.objects.values_list("object_id", flat=True))
        file = curriculum / "courses/basics/intro/what-it-is.md"
        file.write_text(file.read_text().replace("brings evidence", "joins evidence"))
        load(curriculum)
        after = Counter(Revision.objects.values_list("object_id", flat=True))
        assert after - before == Counter({str(lesson("what-it-is").pk): 1})
        assert lesson("what-it-is").live_revision_id == lesson("what-it-is").latest_revision_id


@pytest.mark.django_db
class DeferredIndexingTests:
    def test_a_load_enqueues_one_index_task_instead_of_one_per_save(self, curriculum, enqueued):
        load(curriculum)
        assert enqueued.count("index_saved_objects") == 1
        assert "insert_or_update_object_task" not in enqueued
        assert "update_reference_index_task" not in enqueued

    def test_after_the_task_search_finds_a_lesson_by_a_word_of_its_body(self, curriculum):
        load(curriculum)
        found = LessonPage.objects.live().search("preferences")
        assert [page.slug for page in found] == ["what-it-is"]

    def test_after_the_task_the_reference_index_lists_a_lessons_citations(self, curriculum):
        load(curriculum)
        cited = Reference.objects.get(key="elwyn-2012")
        usage = ReferenceIndex.get_references_to(cited).group_by_source_object()
        assert lesson("what-it-is") in [source.specific for source, _ in usage]

    def test_saves_after_the_load_are_indexed_as_usual(self, curriculum, enqueued):
        load(curriculum)
        enqueued.clear()
        page = lesson("what-it-is")
        page.title = "Gardening"
        page.save_revision().publish()
        assert "insert_or_update_object_task" in enqueued
        assert "update_reference_index_task" in enqueued
        assert [p.slug for p in LessonPage.objects.live().search("gardening")] == ["what-it-is"]
