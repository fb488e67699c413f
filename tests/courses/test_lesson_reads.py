"""An unchanged lesson file is not parsed again (courses.curriculum.lesson_reads), yet a load
reports and writes exactly what parsing every file would: an edited lesson, a reference removed
or changed, an image gone, an objective id used twice across files."""

import contextlib
import json
import os
from io import StringIO
from pathlib import Path

from django.core.management import CommandError, call_command

import pytest

from content.models import Reference
from courses.curriculum import lesson_reads, plan
from courses.curriculum.lessons import lesson_data, lesson_from_data
from courses.curriculum.plan import read_curricula
from courses.curriculum.sources import CurriculumInvalid
from courses.models import LessonFileRead
from tests.courses.test_load_curricula import copy_curriculum, edit, errors_of, lesson, load

CONTENT = Path(__file__).resolve().parents[2] / "content" / "curricula"
WHAT_IT_IS = "courses/basics/intro/what-it-is.md"
LESSON_FILES = [
    WHAT_IT_IS,
    "courses/meds/effects/reviewed.md",
    "courses/meds/effects/unreviewed.md",
]


@pytest.fixture
def curriculum(tmp_path):
    return copy_curriculum(tmp_path)


@pytest.fixture
def parsed(monkeypatch):
    """The lesson files each load parses, relative to the curricula folder, in order."""
    files: list[str] = []
    read_lesson = plan.read_lesson

    def spy(file, root, text=None):
        files.append(str(file.relative_to(root)))
        return read_lesson(file, root, text)

    monkeypatch.setattr(plan, "read_lesson", spy)
    return files


def fresh_errors(curriculum: Path) -> list[str]:
    """The errors of the folder when every file is parsed."""
    with pytest.raises(CurriculumInvalid) as invalid:
        read_curricula(curriculum)
    return [str(error) for error in invalid.value.errors]


@pytest.mark.django_db
class LessonReadsTests:
    def test_a_second_load_parses_no_unchanged_lesson_file(self, curriculum, parsed):
        load(curriculum)
        assert parsed == LESSON_FILES
        assert LessonFileRead.objects.count() == 3
        parsed.clear()
        assert "0 created, 0 updated, 8 unchanged" in load(curriculum)
        assert parsed == []

    def test_an_edited_lesson_is_parsed_again_and_its_page_updated(self, curriculum, parsed):
        load(curriculum)
        before = LessonFileRead.objects.get(path__endswith=WHAT_IT_IS).digest
        edit(curriculum / WHAT_IT_IS, "brings evidence", "joins evidence")
        parsed.clear()
        output = load(curriculum)
        assert parsed == [WHAT_IT_IS]
        assert "Updated: /courses/basics/intro/what-it-is/" in output
        assert "0 created, 1 updated, 7 unchanged" in output
        assert "joins evidence" in str(lesson("what-it-is").body)
        assert LessonFileRead.objects.get(path__endswith=WHAT_IT_IS).digest != before
        parsed.clear()
        assert "0 created, 0 updated, 8 unchanged" in load(curriculum)
        assert parsed == []

    def test_a_removed_reference_is_reported_for_an_unchanged_lesson(self, curriculum, parsed):
        load(curriculum)
        edit(curriculum / "references.yaml", "- key: elwyn-2012", "- key: elwyn-2013")
        parsed.clear()
        errors = errors_of(curriculum)
        assert parsed == []
        assert errors == [
            f"{WHAT_IT_IS}:13: unknown reference key 'elwyn-2012' (not in references.yaml)",
            f"{WHAT_IT_IS}:19: unknown reference key 'elwyn-2012' (not in references.yaml)",
        ]
        assert errors == fresh_errors(curriculum)

    def test_a_changed_reference_is_updated_and_its_lessons_stay(self, curriculum, parsed):
        load(curriculum)
        edit(curriculum / "references.yaml", "Shared decision making:", "Shared decisions:")
        parsed.clear()
        output = load(curriculum)
        assert parsed == []
        assert "Updated: reference elwyn-2012" in output
        assert "0 created, 1 updated, 8 unchanged" in output
        title = "Shared decisions: a model for clinical practice"
        assert Reference.objects.get(key="elwyn-2012").title == title

    def test_a_removed_image_is_reported_for_an_unchanged_lesson(self, curriculum, parsed):
        load(curriculum)
        (curriculum / "images/steps.svg").unlink()
        parsed.clear()
        errors = errors_of(curriculum)
        assert parsed == [WHAT_IT_IS]  # the only lesson with a figure
        assert errors == [
            f"{WHAT_IT_IS}:23: figure image 'images/steps.svg' does not exist under the "
            "curricula folder"
        ]
        assert errors == fresh_errors(curriculum)

    def test_an_objective_id_taken_by_an_unchanged_lesson_is_reported(self, curriculum, parsed):
        effects = curriculum / "courses/meds/effects"
        objectives = ":::objectives\n- [meds-withdrawal] Recognise withdrawal.\n:::\n\n"
        edit(effects / "reviewed.md", "Withdrawal effects", objectives + "Withdrawal effects")
        load(curriculum)
        edit(effects / "unreviewed.md", "Reduction is", objectives + "Reduction is")
        parsed.clear()
        errors = errors_of(curriculum)
        assert parsed == ["courses/meds/effects/unreviewed.md"]
        assert errors == [
            "courses/meds/effects/unreviewed.md:10: objective id 'meds-withdrawal' is already "
            "used in courses/meds/effects/reviewed.md"
        ]
        assert errors == fresh_errors(curriculum)

    def test_a_change_to_the_reader_parses_every_lesson_again(
        self, curriculum, parsed, monkeypatch
    ):
        load(curriculum)
        monkeypatch.setattr(lesson_reads, "reader_version", lambda: "another reader")
        parsed.clear()
        assert "0 created, 0 updated, 8 unchanged" in load(curriculum)
        assert parsed == LESSON_FILES

    def test_an_invalid_load_remembers_nothing(self, curriculum):
        edit(curriculum / "references.yaml", "- key: elwyn-2012", "- key: elwyn-2013")
        errors_of(curriculum)
        assert LessonFileRead.objects.count() == 0

    def test_a_check_remembers_nothing(self, curriculum):
        with contextlib.suppress(CommandError):  # the fixture falls short of the standard
            call_command(
                "load_curricula", str(curriculum), "--check", stdout=StringIO(), stderr=StringIO()
            )
        assert LessonFileRead.objects.count() == 0

    def test_the_same_files_in_another_folder_are_parsed_there(self, tmp_path, parsed):
        one, two = tmp_path / "one", tmp_path / "two"
        one.mkdir()
        two.mkdir()
        load(copy_curriculum(one))
        parsed.clear()
        assert "0 created, 0 updated, 8 unchanged" in load(copy_curriculum(two))
        assert parsed == LESSON_FILES
        assert LessonFileRead.objects.count() == 6


def test_a_kept_spec_is_the_spec_parsed():
    """Every shipped lesson survives being kept as JSON unchanged."""
    specs = [lesson for course in read_curricula(CONTENT).courses for lesson in course.lessons]
    assert len(specs) == 46
    for spec in specs:
        spec.digest = ""
        assert lesson_from_data(json.loads(json.dumps(lesson_data(spec)))) == spec


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="parsing ahead needs two CPUs")
class ParseAheadTests:
    """Many lesson files to parse are parsed in worker processes, with the same result."""

    @pytest.fixture(autouse=True)
    def always(self, monkeypatch):
        monkeypatch.setattr(plan, "PARSE_AHEAD_FROM", 1)

    def test_the_plan_is_the_plan_read_in_one_process(self, parsed, monkeypatch):
        ahead = read_curricula(CONTENT)
        assert parsed == []  # none parsed in this process
        monkeypatch.setattr(plan, "PARSE_AHEAD_FROM", 10_000)
        assert read_curricula(CONTENT) == ahead
        assert len(parsed) == 46

    def test_the_errors_are_the_errors_found_in_one_process(self, curriculum, parsed, monkeypatch):
        edit(curriculum / WHAT_IT_IS, "## The idea", "# The idea")
        edit(curriculum / "courses/meds/effects/reviewed.md", ":::worked_case", ":::case")
        ahead = fresh_errors(curriculum)
        assert parsed == []
        monkeypatch.setattr(plan, "PARSE_AHEAD_FROM", 10_000)
        assert fresh_errors(curriculum) == ahead
        assert len(ahead) == 2 and parsed == LESSON_FILES
