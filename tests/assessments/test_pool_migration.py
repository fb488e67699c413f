"""The migration to item pools keeps what learners already did: an attempt graded before it
reads the same afterwards, and the rows it finds are put into the right pools and rules."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

import pytest

from assessments.models import Assessment, Attempt, Item, ItemPool
from assessments.selectors import attempt_items
from assessments.services import attempt_start, attempt_submit
from tests.assessments.factories import build_item, exam, knowledge_check, option
from tests.courses.factories import build_course

BEFORE = [("assessments", "0004_observation_checklists"), ("courses", "0003_course_exam_required")]


def migrate(targets) -> object:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_items_attempts_and_rules_survive_the_move_to_pools(learner):
    course = build_course("legacy", modules=1, lessons=1)
    module = course.get_children().first().specific
    in_module = build_item(course, code="legacy-kc", module=module)
    exam_only = build_item(course, code="legacy-exam")
    check = knowledge_check(course, module)
    final = exam(course)
    graded = attempt_submit(
        attempt=attempt_start(user=learner, assessment=check),
        answers={str(in_module.current_version_id): [option(in_module, "A")]},
    )
    shown_before = attempt_items(attempt=graded, with_feedback=True)

    old = migrate(BEFORE)
    old_assessment = old.get_model("assessments", "Assessment")
    old_assessment.objects.filter(pk=final.pk).update(items_per_competency=2, feedback="full")
    old_assessment.objects.filter(pk=check.pk).update(shuffle_options=False)
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    migrate(latest)

    assert Item.objects.get(pk=in_module.pk).pool == ItemPool.FORMATIVE
    assert Item.objects.get(pk=exam_only.pk).pool == ItemPool.SUMMATIVE
    final = Assessment.objects.get(pk=final.pk)
    assert (final.form_length, final.feedback) == (8, "score_then_full_on_pass")
    assert Assessment.objects.get(pk=check.pk).shuffle_options
    after = Attempt.objects.get(pk=graded.pk)
    assert (after.drawn, after.score, after.passed) == (graded.drawn, graded.score, True)
    assert attempt_items(attempt=after, with_feedback=True) == shown_before
