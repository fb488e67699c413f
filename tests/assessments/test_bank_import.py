"""load_curricula stores the competency framework and question banks: idempotently, and with a
new item version whenever an item someone has answered changes."""

from io import StringIO

from django.core.management import call_command

import pytest

from accounts.roles import Role
from assessments.item_versions import item_revise
from assessments.models import (
    Assessment,
    AssessmentKind,
    Attempt,
    Competency,
    Item,
    ItemVersion,
    ProgramCompetency,
    Vignette,
)
from assessments.selectors import attempt_items
from assessments.services import attempt_answers_save, attempt_start, attempt_submit
from tests.courses.test_load_curricula import copy_curriculum, edit, errors_of
from tests.factories import staff_user

BANK = "courses/basics/items.yaml"


@pytest.fixture
def curriculum(tmp_path):
    return copy_curriculum(tmp_path)


def load(path) -> str:
    out = StringIO()
    call_command("load_curricula", str(path), stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.django_db
class BankImportTests:
    def test_stores_framework_items_vignettes_and_assessments(self, curriculum):
        load(curriculum)
        assert list(Competency.objects.values_list("code", "retired")) == [
            ("sdm.elicit-goals", False),
            ("sdm.present-options", False),
            ("sdm.old-way", True),
        ]
        first = Item.objects.get(code="basics-first-step")
        assert (first.kind, first.difficulty, first.module.slug) == (
            "single_choice",
            "medium",
            "intro",
        )
        assert [c.code for c in first.competencies.all()] == ["sdm.elicit-goals"]
        version = first.current_version
        assert (version.number, version.stem) == (1, "What is the best first step?")
        assert [(o["text"], o["correct"]) for o in version.options] == [
            ("Ask what matters most to them", True),
            ("Recommend the newest treatment", False),
        ]
        assert Vignette.objects.get().text == (
            "A person is unsure whether to start a new treatment and asks what the options are."
        )
        check = Assessment.objects.get(kind=AssessmentKind.KNOWLEDGE_CHECK)
        assert (check.module.slug, check.max_attempts, check.feedback) == ("intro", None, "full")
        exam = Assessment.objects.get(kind=AssessmentKind.EXAM)
        assert (exam.course.slug, exam.passing_score, exam.max_attempts, exam.cooldown_minutes) == (
            "basics",
            80,
            3,
            1440,
        )

    def test_stores_each_competency_checklist_and_retires_dropped_behaviours(self, curriculum):
        load(curriculum)
        goals = Competency.objects.get(code="sdm.elicit-goals")
        assert [(b.code, b.retired) for b in goals.behaviours.all()] == [
            ("asks-what-matters", False),
            ("reflects-back", False),
        ]
        assert list(ProgramCompetency.objects.values_list("competency__code", flat=True)) == [
            "sdm.elicit-goals"
        ]
        framework = curriculum.parent / "competencies.yaml"
        edit(framework, "          - id: reflects-back\n", "")
        edit(
            framework,
            "            text: Summarises the person's goals and checks the summary with them.\n",
            "",
        )
        edit(framework, "Asks what matters most", "Asks first what matters most")
        output = load(curriculum)
        assert "behaviour sdm.elicit-goals/reflects-back (retired)" in output
        assert [(b.code, b.text, b.retired) for b in goals.behaviours.all()] == [
            (
                "asks-what-matters",
                "Asks first what matters most to the person before offering options.",
                False,
            ),
            (
                "reflects-back",
                "Summarises the person's goals and checks the summary with them.",
                True,
            ),
        ]

    def test_an_item_edited_in_the_cms_stands_until_the_file_changes_it(self, curriculum):
        load(curriculum)
        item = Item.objects.get(code="basics-first-step")
        options = [
            {"text": o["text"], "correct": o["correct"], "rationale": o["rationale"]}
            for o in item.current_version.options
        ]
        item_revise(
            item=item,
            editor=staff_user(Role.AUTHOR),
            stem="What comes first?",
            difficulty="easy",
            competency_codes=["sdm.elicit-goals"],
            options=options,
        )
        load(curriculum)
        item.refresh_from_db()
        assert (item.current_version.stem, item.difficulty) == ("What comes first?", "easy")
        edit(curriculum / BANK, "stem: What is the best first step?", "stem: What is step one?")
        load(curriculum)
        item.refresh_from_db()
        assert (item.current_version.stem, item.difficulty) == ("What is step one?", "medium")

    def test_a_second_load_changes_nothing(self, curriculum):
        load(curriculum)
        versions = list(ItemVersion.objects.values_list("pk", "stem"))
        output = load(curriculum)
        assert "item " not in output
        assert "behaviour " not in output
        assert list(ItemVersion.objects.values_list("pk", "stem")) == versions

    def test_an_unanswered_item_is_edited_in_place(self, curriculum):
        load(curriculum)
        edit(curriculum / BANK, "What is the best first step?", "What comes first?")
        assert "Updated: item basics-first-step" in load(curriculum)
        item = Item.objects.get(code="basics-first-step")
        assert (item.versions.count(), item.current_version.stem) == (1, "What comes first?")

    def test_an_answered_item_gets_a_new_version_and_old_attempts_keep_theirs(
        self, curriculum, learner
    ):
        load(curriculum)
        check = Assessment.objects.get(kind=AssessmentKind.KNOWLEDGE_CHECK)
        attempt = attempt_start(user=learner, assessment=check)
        item = Item.objects.get(code="basics-first-step")
        old = item.current_version
        attempt_answers_save(attempt=attempt, answers={str(old.pk): [old.options[0]["id"]]})
        attempt_submit(attempt=attempt)
        edit(curriculum / BANK, "What is the best first step?", "What comes first?")
        load(curriculum)
        item.refresh_from_db()
        assert (item.current_version.number, item.current_version.stem) == (2, "What comes first?")
        assert old.pk in Attempt.objects.get().version_ids
        shown = attempt_items(attempt=Attempt.objects.get(), with_feedback=True)
        assert shown[0].stem == "What is the best first step?"
        assert shown[0].correct is True

    def test_an_item_removed_from_the_file_is_retired_and_never_drawn(self, curriculum, learner):
        load(curriculum)
        text = (curriculum / BANK).read_text()
        start = text.index("  - id: basics-shared")
        (curriculum / BANK).write_text(text[:start])
        assert "No longer in the files (left in place): item basics-shared (retired)" in load(
            curriculum
        )
        assert Item.objects.get(code="basics-shared").retired
        exam = Assessment.objects.get(kind=AssessmentKind.EXAM)
        retired = Item.objects.get(code="basics-shared").current_version_id
        for _ in range(3):
            attempt = attempt_start(user=learner, assessment=exam)
            assert retired not in attempt.version_ids
            Attempt.objects.filter(pk=attempt.pk).delete()

    def test_the_exam_block_sets_the_exam_rules(self, curriculum):
        (curriculum / BANK).write_text(
            "exam:\n  passing_score: 70\n  max_attempts: null\n  cooldown_minutes: 0\n"
            "  time_limit_minutes: 20\n  feedback: score_only\n  form_length: 12\n"
            + (curriculum / BANK).read_text()
        )
        load(curriculum)
        exam = Assessment.objects.get(kind=AssessmentKind.EXAM)
        assert (
            exam.passing_score,
            exam.max_attempts,
            exam.cooldown_minutes,
            exam.time_limit_minutes,
            exam.feedback,
            exam.form_length,
        ) == (70, None, 0, 20, "score_only", 12)

    def test_bad_exam_rules_are_reported_and_nothing_is_written(self, curriculum):
        (curriculum / BANK).write_text(
            "exam:\n  passing_score: 120\n  cooldown_minutes: -5\n  feedback: never\n"
            "  retakes: 2\n  form_length: 0\n" + (curriculum / BANK).read_text()
        )
        errors = errors_of(curriculum)
        assert errors == [
            f"{BANK}:2: 'passing_score' must be a percent from 1 to 100, not 120",
            f"{BANK}:3: 'cooldown_minutes' must be a whole number >= 0, not -5",
            f"{BANK}:4: 'feedback' must be one of ['full', 'score_only', "
            "'score_then_full_on_pass'], not 'never'",
            f"{BANK}:5: unknown key 'retakes' (allowed: cooldown_minutes, feedback, "
            "form_length, max_attempts, passing_score, time_limit_minutes)",
            f"{BANK}:6: 'form_length' must be a whole number >= 1, not 0",
        ]
        assert not Item.objects.exists()


@pytest.mark.django_db
class CmsEditsAndCasesTests:
    def test_a_rule_edited_in_the_cms_stands_until_the_files_change_it(self, curriculum):
        load(curriculum)
        Assessment.objects.filter(kind=AssessmentKind.EXAM).update(passing_score=90)
        Competency.objects.filter(code="sdm.elicit-goals").update(name="Edited in the CMS")
        load(curriculum)
        assert Assessment.objects.get(kind=AssessmentKind.EXAM).passing_score == 90
        assert Competency.objects.get(code="sdm.elicit-goals").name == "Edited in the CMS"
        (curriculum / BANK).write_text(
            "exam:\n  passing_score: 75\n" + (curriculum / BANK).read_text()
        )
        load(curriculum)
        assert Assessment.objects.get(kind=AssessmentKind.EXAM).passing_score == 75

    def test_an_edited_case_makes_answered_items_a_new_version(self, curriculum, learner):
        load(curriculum)
        check = Assessment.objects.get(kind=AssessmentKind.KNOWLEDGE_CHECK)
        attempt = attempt_start(user=learner, assessment=check)
        attempt_submit(attempt=attempt)
        edit(curriculum / BANK, "asks what the options are.", "asks about the options.")
        load(curriculum)
        item = Item.objects.get(code="basics-first-step")
        assert item.current_version.number == 2
        assert item.current_version.vignette_text.endswith("asks about the options.")
        shown = attempt_items(attempt=Attempt.objects.get(), with_feedback=True)
        assert shown[0].vignette_text.endswith("asks what the options are.")
