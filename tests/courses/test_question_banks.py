"""Question banks (items.yaml) and the competency framework are validated with the curricula:
every problem names its file and line, and nothing is written."""

from pathlib import Path

import pytest

from courses.curriculum.plan import read_curricula
from tests.courses.test_load_curricula import copy_curriculum, edit, errors_of

BANK = "courses/basics/items.yaml"


@pytest.fixture
def curriculum(tmp_path) -> Path:
    return copy_curriculum(tmp_path)


def framework(curriculum: Path) -> Path:
    return curriculum.parent / "competencies.yaml"


class QuestionBankReadingTests:
    def test_items_vignettes_and_competencies_are_read(self, curriculum):
        plan = read_curricula(curriculum)
        basics = next(course for course in plan.courses if course.slug == "basics")
        assert basics.competencies == ["sdm.elicit-goals", "sdm.present-options"]
        assert [item.id for item in basics.bank.items] == [
            "basics-first-step",
            "basics-options-include",
            "basics-x-steps",
            "basics-shared",
        ]
        first = basics.bank.items[0]
        assert (first.type, first.module, first.vignette, first.difficulty) == (
            "single_choice",
            "intro",
            "basics-case-choice",
            "medium",
        )
        assert [(o.correct, o.rationale) for o in first.options] == [
            (True, "Goals come before options."),
            (False, "That skips the person's preferences."),
        ]
        assert basics.bank.vignettes["basics-case-choice"]["title"] == "A choice about treatment"
        assert set(plan.framework.competencies) == {
            "sdm.elicit-goals",
            "sdm.present-options",
            "sdm.old-way",
        }

    def test_a_course_without_a_bank_is_valid(self, curriculum):
        meds = next(c for c in read_curricula(curriculum).courses if c.slug == "meds")
        assert meds.bank is None


@pytest.mark.django_db
class QuestionBankValidationTests:
    def test_answer_key_must_fit_the_item_type(self, curriculum):
        bank = curriculum / BANK
        edit(
            bank,
            "        rationale: That skips",
            "        correct: true\n        rationale: That skips",
        )
        edit(bank, '      - text: "False"\n        correct: true', '      - text: "Maybe"')
        assert errors_of(curriculum) == [
            f"{BANK}:7: a single_choice item needs exactly one correct option (2 found)",
            f"{BANK}:54: a true_false item has exactly the options True and False, "
            "one of them correct",
        ]

    def test_every_option_needs_a_rationale_and_a_boolean_key(self, curriculum):
        bank = curriculum / BANK
        edit(bank, "        rationale: Goals come before options.\n", "")
        edit(
            bank,
            "correct: true\n        rationale: Every",
            "correct: sometimes\n        rationale: Every",
        )
        assert errors_of(curriculum) == [
            f"{BANK}:16: 'rationale' is required",
            f"{BANK}:30: 'correct' must be true or false, not 'sometimes'",
        ]

    def test_unknown_type_difficulty_vignette_and_module(self, curriculum):
        bank = curriculum / BANK
        edit(bank, "type: single_choice", "type: essay")
        edit(bank, "difficulty: hard", "difficulty: tricky")
        edit(
            bank,
            "    vignette: basics-case-choice\n    competencies: [sdm.elicit",
            "    vignette: no-such-case\n    competencies: [sdm.elicit",
        )
        edit(
            bank,
            "    module: intro\n    vignette: basics-case-choice\n    competencies: [sdm.present",
            "    module: effects\n    vignette: basics-case-choice\n    competencies: [sdm.present",
        )
        errors = errors_of(curriculum)
        types = "['multiple_response', 'single_choice', 'true_false']"
        assert f"{BANK}:9: type must be one of {types}, not 'essay'" in errors
        assert (
            f"{BANK}:27: difficulty must be one of ['easy', 'hard', 'medium'], not 'tricky'"
            in errors
        )
        assert f"{BANK}:11: unknown vignette 'no-such-case' (not in 'vignettes')" in errors
        assert f"{BANK}:24: unknown module 'effects' (not in this course)" in errors
        assert len(errors) == 4

    def test_competencies_must_exist_and_not_be_retired(self, curriculum):
        edit(curriculum / BANK, "competencies: [sdm.elicit-goals]", "competencies: [sdm.old-way]")
        edit(
            curriculum / "courses/basics/course.yaml",
            "competencies: [sdm.elicit-goals, sdm.present-options]",
            "competencies: [sdm.elicit-goals, sdm.listening]",
        )
        assert errors_of(curriculum) == [
            "courses/basics/course.yaml:10: unknown competency 'sdm.listening'",
            f"{BANK}:12: competency 'sdm.old-way' is retired",
        ]

    def test_without_a_framework_every_competency_is_unknown(self, curriculum):
        framework(curriculum).unlink()
        errors = errors_of(curriculum)
        assert errors[0] == (
            "courses/basics/course.yaml:10: unknown competency 'sdm.elicit-goals' "
            "(there is no competencies.yaml next to this folder)"
        )
        assert len(errors) == 7  # two on the course, four on the items, one on the program

    def test_item_ids_are_unique_across_courses(self, curriculum):
        (curriculum / "courses/meds/items.yaml").write_text(
            (curriculum / BANK).read_text().replace("module: intro", "module: effects")
        )
        errors = errors_of(curriculum)
        assert (
            "courses/meds/items.yaml: item id 'basics-first-step' is already used in "
            f"{BANK}" in errors
        )
        assert (
            "courses/meds/items.yaml: vignette id 'basics-case-choice' is already used in "
            f"{BANK}" in errors
        )

    def test_bank_file_must_hold_items(self, curriculum):
        (curriculum / BANK).write_text("questions: []\n")
        assert errors_of(curriculum) == [
            f"{BANK}: 'items' must be a list of at least one item",
            f"{BANK}:1: unknown key 'questions' (allowed: exam, items, vignettes)",
        ]


@pytest.mark.django_db
class FrameworkValidationTests:
    def test_ids_are_prefixed_by_their_domain_and_unique(self, curriculum):
        file = framework(curriculum)
        edit(file, "id: sdm.present-options", "id: rights.present-options")
        edit(file, "id: sdm.old-way", "id: sdm.elicit-goals")
        errors = errors_of(curriculum)
        assert (
            "competencies.yaml:16: competency id 'rights.present-options' must be "
            "'sdm.<slug>'" in errors
        )
        assert "competencies.yaml:19: duplicate competency id 'sdm.elicit-goals'" in errors

    def test_behaviour_ids_are_slugs_unique_within_their_competency(self, curriculum):
        file = framework(curriculum)
        edit(file, "id: reflects-back", "id: asks-what-matters")
        edit(
            file,
            "id: sdm.present-options",
            "id: sdm.present-options\n        behaviours: [{id: Bad Id, text: Names options.}]",
        )
        errors = errors_of(curriculum)
        assert "competencies.yaml:14: duplicate behaviour id 'asks-what-matters'" in errors
        assert "competencies.yaml:17: behaviour id 'Bad Id' is not a slug (a-z, 0-9, -)" in errors

    def test_an_observed_competency_needs_behaviours_to_observe(self, curriculum):
        edit(
            curriculum / "programs/peer-cert.yaml",
            "observed_competencies: [sdm.elicit-goals]",
            "observed_competencies: [sdm.elicit-goals, sdm.present-options]",
        )
        assert errors_of(curriculum) == [
            "programs/peer-cert.yaml:11: competency 'sdm.present-options' is observed but lists "
            "no behaviours to observe (add 'behaviours' to it in competencies.yaml)"
        ]
