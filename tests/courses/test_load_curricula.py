import shutil
from collections import Counter
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

from django.core.management import CommandError, call_command

from wagtail.images import get_image_model
from wagtail.models import Collection, Page, Revision

import pytest

from content.models import Reference
from courses.curriculum.audit import audit_table, curriculum_audit
from courses.curriculum.plan import read_curricula
from courses.models import CoursePage, LessonObjective, LessonPage, ModulePage, ProgramPage

FIXTURE = Path(__file__).parent / "curriculum"
FRAMEWORK = Path(__file__).parent / "competencies.yaml"


def copy_curriculum(folder: Path) -> Path:
    """A private copy of the test curriculum, and its competency framework, to edit."""
    shutil.copy(FRAMEWORK, folder / "competencies.yaml")
    return Path(shutil.copytree(FIXTURE, folder / "curriculum"))


@pytest.fixture
def curriculum(tmp_path) -> Path:
    return copy_curriculum(tmp_path)


def load(path: Path) -> str:
    out = StringIO()
    call_command("load_curricula", str(path), stdout=out, stderr=StringIO())
    return out.getvalue()


def lesson(slug: str) -> LessonPage:
    return LessonPage.objects.get(slug=slug)


@pytest.mark.django_db
class LoadCurriculaTests:
    def test_builds_programs_courses_modules_and_lessons(self, curriculum):
        output = load(curriculum)
        # 13 pages and references; 1 competency domain, 3 competencies and 2 behaviours; 4
        # question-bank items; 1 exam, its pre-test and 1 knowledge check; 3 achievements (2
        # courses, 1 program)
        assert "29 created, 0 updated, 0 unchanged" in output
        assert "Created: pre-test of basics" in output
        assert "Created: achievement program-peer-cert" in output
        assert "Created: competency sdm.elicit-goals" in output
        assert "Created: item basics-first-step" in output
        basics = CoursePage.objects.get(slug="basics")
        assert basics.url_path.endswith("/courses/basics/")
        # 8 minutes for the lesson (59 words, a 3-minute video, a figure, a table and a
        # reflection), 2 for the knowledge check's two items, 12 for an exam of 8 items
        assert basics.ce_hours == Decimal("0.25") and basics.estimated_minutes == 22
        assert lesson("what-it-is").estimated_minutes == 8
        assert list(LessonObjective.objects.filter(course=basics).values_list("code", "text")) == [
            ("basics-describe", "Describe shared decision-making."),
            ("basics-three-steps", "Name its three steps."),
        ]
        assert [o.value for o in basics.objectives] == ["Describe shared decision-making."]
        assert {a.slug for a in basics.audiences.all()} == {"resident", "peer"}
        assert [(d.name, d.role, d.relationships) for d in basics.disclosures.all()] == [
            ("Editorial team", "author", "None")
        ]
        meds = CoursePage.objects.get(slug="meds")
        assert list(meds.prerequisites.all()) == [basics]
        program = ProgramPage.objects.get(slug="peer-cert")
        assert [link.course for link in program.program_courses.all()] == [basics, meds]
        assert program.supervised_hours_required == 500
        assert program.person_centered_hours_required == 20
        assert "<b>both</b>" in program.requirements
        assert ModulePage.objects.get(slug="intro").get_parent().specific == basics

    def test_lesson_body_has_every_block_type_and_numbered_references(self, curriculum):
        load(curriculum)
        page = lesson("what-it-is")
        assert [block.block_type for block in page.body] == [
            "objectives",
            "heading",
            "text",
            "text",
            "callout",
            "figure",
            "table",
            "video",
            "reflection",
            "takeaways",
        ]
        assert [r.key for r in page.numbered_references()] == ["elwyn-2012"]
        assert list(page.body[0].value["points"]) == [
            "Describe shared decision-making.",
            "Name its three steps.",
        ]
        text = page.body[2].value
        assert "[@" not in text["text"].source
        assert [r.key for r in text["references"]] == ["elwyn-2012"]
        figure = page.body[5].value
        assert figure["alt_text"] == "Three steps in a row."
        assert figure["image"].title == "images/steps.svg"
        table = page.body[6].value
        assert table["caption"] == "Options compared"
        assert table["table"]["data"][0] == ["Option", "Involves"]
        assert "Everything said in the video." in page.body[7].value["transcript"].source
        assert list(page.body[9].value["points"]) == ["Share the decision.", "Use evidence."]

    def test_second_run_with_unchanged_files_changes_nothing(self, curriculum):
        load(curriculum)
        revisions = Revision.objects.count()
        output = load(curriculum)
        assert "0 created, 0 updated, 8 unchanged" in output
        assert Revision.objects.count() == revisions
        assert get_image_model().objects.count() == 1

    def test_a_changed_lesson_file_makes_one_revision_of_that_page_only(self, curriculum):
        load(curriculum)
        before = Counter(Revision.objects.values_list("object_id", flat=True))
        file = curriculum / "courses/basics/intro/what-it-is.md"
        file.write_text(file.read_text().replace("brings evidence", "joins evidence"))
        output = load(curriculum)
        assert "Updated: /courses/basics/intro/what-it-is/" in output
        assert "0 created, 1 updated, 7 unchanged" in output
        after = Counter(Revision.objects.values_list("object_id", flat=True))
        changed = {pk for pk in after if after[pk] != before.get(pk)}
        assert changed == {str(lesson("what-it-is").pk)}
        assert "joins evidence" in lesson("what-it-is").body[2].value["text"].source

    def test_medication_lessons_without_a_recorded_review_stay_drafts(self, curriculum):
        output = load(curriculum)
        assert "Awaiting clinical review (saved as drafts): /courses/meds/effects/unreviewed/" in (
            output
        )
        reviewed, unreviewed = lesson("reviewed"), lesson("unreviewed")
        assert reviewed.live and not unreviewed.live
        assert str(reviewed.clinically_reviewed_on) == "2026-10-01"
        assert reviewed.clinical_reviewer == "Casey Reviewer, MD"
        assert str(reviewed.next_review_due) == "2027-10-01"

    def test_a_draft_is_left_alone_on_the_next_run(self, curriculum):
        load(curriculum)
        revisions = lesson("unreviewed").revisions.count()
        load(curriculum)
        assert lesson("unreviewed").revisions.count() == revisions

    def test_lessons_outside_medication_courses_publish_without_review(self, curriculum):
        load(curriculum)
        assert lesson("what-it-is").live
        assert lesson("what-it-is").clinically_reviewed_on is None

    def test_a_page_removed_from_the_files_is_reported_and_kept(self, curriculum):
        load(curriculum)
        module = curriculum / "courses/meds/effects"
        (module / "unreviewed.md").unlink()
        (module / "module.yaml").write_text("title: Effects\nlessons: [reviewed]\n")
        output = load(curriculum)
        assert "No longer in the files (left in place): /courses/meds/effects/unreviewed/" in (
            output
        )
        assert LessonPage.objects.filter(slug="unreviewed").exists()

    def test_raw_html_in_markdown_is_escaped(self, curriculum):
        file = curriculum / "courses/basics/intro/what-it-is.md"
        file.write_text(file.read_text() + "\n<script>alert(1)</script>\n")
        load(curriculum)
        html = "".join(
            str(b.value["text"].source) for b in lesson("what-it-is").body if b.block_type == "text"
        )
        assert "<script>" not in html
        assert "&lt;script&gt;" in html

    def test_a_changed_reference_updates_the_snippet_not_the_lessons(self, curriculum):
        load(curriculum)
        revisions = Revision.objects.count()
        refs = curriculum / "references.yaml"
        refs.write_text(refs.read_text().replace("year: 2019", "year: 2020"))
        output = load(curriculum)
        assert "Updated: reference horowitz-taylor-2019" in output
        assert Reference.objects.get(key="horowitz-taylor-2019").year == 2020
        assert Revision.objects.count() == revisions


def errors_of(path: Path) -> list[str]:
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("load_curricula", str(path), stdout=StringIO(), stderr=err)
    return err.getvalue().splitlines()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


@pytest.mark.django_db
class LoadCurriculaValidationTests:
    """Every error names the file and line, and nothing at all is written."""

    @pytest.fixture(autouse=True)
    def _nothing_written(self, db):
        pages, references = Page.objects.count(), Reference.objects.count()
        yield
        assert Page.objects.count() == pages
        assert Reference.objects.count() == references

    def test_bad_front_matter(self, curriculum):
        edit(
            curriculum / "courses/basics/intro/what-it-is.md",
            "summary: The idea in one page.",
            "summary: [The idea in one page.",
        )
        [error] = errors_of(curriculum)
        assert error.startswith("courses/basics/intro/what-it-is.md:3: invalid YAML")

    def test_front_matter_without_closing_line(self, curriculum):
        file = curriculum / "courses/basics/intro/what-it-is.md"
        file.write_text(file.read_text().replace("---\n\n:::objectives", "\n:::objectives"))
        assert errors_of(curriculum) == [
            "courses/basics/intro/what-it-is.md:1: bad front matter: no closing '---' line"
        ]

    def test_unknown_reference_key(self, curriculum):
        edit(
            curriculum / "courses/basics/intro/what-it-is.md",
            "preferences together [@elwyn-2012]",
            "preferences together [@elwyn-2013]",
        )
        assert errors_of(curriculum) == [
            "courses/basics/intro/what-it-is.md:13: unknown reference key 'elwyn-2013' "
            "(not in references.yaml)"
        ]

    def test_missing_alt_text(self, curriculum):
        edit(curriculum / "courses/basics/intro/what-it-is.md", "alt: Three steps in a row.\n", "")
        assert errors_of(curriculum) == [
            "courses/basics/intro/what-it-is.md:23: figure is missing alt text "
            "('alt: what the image shows')"
        ]

    def test_duplicate_slug(self, curriculum):
        edit(
            curriculum / "courses/meds/effects/module.yaml",
            "[reviewed, unreviewed]",
            "[reviewed, unreviewed, reviewed]",
        )
        assert "courses/meds/effects/module.yaml:2: duplicate slug 'reviewed' in 'lessons'" in (
            errors_of(curriculum)
        )

    def test_duplicate_reference_key(self, curriculum):
        edit(curriculum / "references.yaml", "key: horowitz-taylor-2019", "key: elwyn-2012")
        assert "references.yaml:8: duplicate reference key 'elwyn-2012'" in errors_of(curriculum)

    def test_unknown_prerequisite(self, curriculum):
        edit(
            curriculum / "courses/meds/course.yaml",
            "prerequisites: [basics]",
            "prerequisites: [basic]",
        )
        assert errors_of(curriculum) == ["courses/meds/course.yaml:8: unknown prerequisite 'basic'"]

    def test_prerequisite_cycle(self, curriculum):
        edit(
            curriculum / "courses/basics/course.yaml", "prerequisites: []", "prerequisites: [meds]"
        )
        [error] = errors_of(curriculum)
        assert "prerequisites form a cycle" in error

    def test_unknown_taxonomy_slug_and_missing_fields(self, curriculum):
        edit(
            curriculum / "courses/basics/course.yaml",
            "topics: [shared-decision-making]",
            "topics: [astrology]",
        )
        edit(curriculum / "courses/basics/course.yaml", "ce_hours: 0.25", "ce_hours: lots")
        errors = errors_of(curriculum)
        assert "courses/basics/course.yaml:6: unknown topic 'astrology' (not in taxonomy.yaml)" in (
            errors
        )
        assert any(
            e.startswith("courses/basics/course.yaml:7: 'ce_hours' must be a number")
            for e in errors
        )

    def test_unlisted_lesson_file(self, curriculum):
        (curriculum / "courses/basics/intro/stray.md").write_text("---\ntitle: x\n---\ntext\n")
        assert errors_of(curriculum) == [
            "courses/basics/intro/module.yaml:3: 'stray' is in courses/basics/intro/ but not "
            "listed in 'lessons'"
        ]

    def test_unclosed_and_unknown_blocks(self, curriculum):
        file = curriculum / "courses/basics/intro/what-it-is.md"
        file.write_text(file.read_text() + "\n:::sidebar\nx\n:::\n\n:::callout caution\nopen\n")
        errors = errors_of(curriculum)
        assert any("unknown block ':::sidebar'" in e for e in errors)
        assert any("':::callout' is never closed" in e for e in errors)

    def test_table_without_caption_and_video_without_transcript(self, curriculum):
        file = curriculum / "courses/basics/intro/what-it-is.md"
        edit(file, "Table: Options compared\n", "")
        edit(file, "transcript: |\n  Everything said in the video.\n", "")
        errors = errors_of(curriculum)
        assert any("a table needs a caption" in e for e in errors)
        assert any("video is missing its transcript" in e for e in errors)

    def test_every_error_is_reported_at_once(self, curriculum):
        edit(
            curriculum / "courses/meds/course.yaml",
            "prerequisites: [basics]",
            "prerequisites: [basic]",
        )
        edit(curriculum / "courses/basics/intro/what-it-is.md", "alt: Three steps in a row.\n", "")
        assert len(errors_of(curriculum)) == 2

    def test_missing_folder(self, tmp_path):
        with pytest.raises(CommandError):
            call_command(
                "load_curricula", str(tmp_path / "nope"), stdout=StringIO(), stderr=StringIO()
            )


@pytest.mark.django_db
class MarkdownRenderingTests:
    def test_a_soft_line_break_is_a_space(self, curriculum):
        file = curriculum / "courses/basics/intro/what-it-is.md"
        file.write_text(file.read_text() + "\nA sentence that wraps\nonto a second line.\n")
        load(curriculum)
        html = lesson("what-it-is").body[-1].value["text"].source
        assert html == "<p>A sentence that wraps onto a second line.</p>"

    def test_loads_into_a_database_without_wagtails_root_collection(self, curriculum):
        Collection.objects.all().delete()
        load(curriculum)
        assert lesson("what-it-is").body[5].value["image"].collection.name == "Curricula"

    def test_table_cells_keep_the_words_of_inline_markdown(self, curriculum):
        edit(
            curriculum / "courses/basics/intro/what-it-is.md",
            "| Wait | Watching together |",
            "| **Wait** | Watching [together](https://www.nice.org.uk) |",
        )
        load(curriculum)
        assert lesson("what-it-is").body[6].value["table"]["data"][1] == [
            "Wait",
            "Watching together",
        ]


@pytest.mark.django_db
class WholeNumberValidationTests:
    @pytest.mark.parametrize("value", ["true", "0", "2.5"])
    def test_video_minutes_must_be_a_whole_number(self, curriculum, value):
        edit(
            curriculum / "courses/basics/intro/what-it-is.md",
            "duration_minutes: 3",
            f"duration_minutes: {value}",
        )
        [error] = errors_of(curriculum)
        assert error.startswith("courses/basics/intro/what-it-is.md:")
        assert "'duration_minutes' must be a whole number >= 1" in error
        assert not Page.objects.filter(slug="what-it-is").exists()

    def test_minutes_are_computed_never_written_by_hand(self, curriculum):
        edit(
            curriculum / "courses/basics/course.yaml",
            "ce_hours:",
            "estimated_minutes: 90\nce_hours:",
        )
        edit(
            curriculum / "courses/basics/intro/what-it-is.md",
            "summary: The idea in one page.",
            "summary: The idea in one page.\nestimated_minutes: 25",
        )
        assert errors_of(curriculum) == [
            "courses/basics/course.yaml:7: 'estimated_minutes' is computed from the lessons and "
            "assessments; remove it",
            "courses/basics/intro/what-it-is.md:4: bad front matter: 'estimated_minutes' is "
            "computed from the lesson's words and media; remove it",
        ]

    def test_ce_hours_may_not_claim_more_than_the_computed_time(self, curriculum):
        edit(curriculum / "courses/basics/course.yaml", "ce_hours: 0.25", "ce_hours: 0.5")
        assert errors_of(curriculum) == [
            "courses/basics/course.yaml:7: 'ce_hours' 0.5 is more than the course's computed "
            "time supports (22 minutes: at most 0.25)"
        ]

    def test_objectives_need_unique_ids_and_items_cover_real_ones(self, curriculum):
        lesson_file = curriculum / "courses/basics/intro/what-it-is.md"
        edit(lesson_file, "- [basics-describe] Describe", "- Describe")
        assert errors_of(curriculum) == [
            "courses/basics/intro/what-it-is.md:7: an objective is one line "
            "'- [objective-id] Describe ...'"
        ]
        edit(lesson_file, "- Describe", "- [basics-describe] Describe")
        edit(lesson_file, "- [basics-three-steps] Name", "- [basics-describe] Name")
        assert errors_of(curriculum) == [
            "courses/basics/intro/what-it-is.md:8: duplicate objective id 'basics-describe'"
        ]
        edit(lesson_file, "- [basics-describe] Name", "- [basics-three-steps] Name")
        edit(
            curriculum / "courses/basics/items.yaml",
            "objectives: [basics-three-steps]",
            "objectives: [no-such]",
        )
        assert errors_of(curriculum) == [
            "courses/basics/items.yaml:41: unknown objective 'no-such' (no lesson of this "
            "course has it)",
        ]


@pytest.mark.django_db
class ReferenceStandardTests:
    """A reference is findable and says what kind of work it is; a placeholder link is no link."""

    def refs(self, curriculum) -> Path:
        return curriculum / "references.yaml"

    def test_every_reference_says_its_type(self, curriculum):
        edit(self.refs(curriculum), "  type: narrative-review\n", "")
        assert "references.yaml:1: 'type' is required" in errors_of(curriculum)

    def test_a_type_outside_the_vocabulary_is_named(self, curriculum):
        edit(self.refs(curriculum), "type: narrative-review", "type: blog")
        [error] = errors_of(curriculum)
        assert error.startswith("references.yaml:1: reference 'elwyn-2012' type 'blog' is not one")
        assert "systematic-review" in error and "advocacy" in error

    @pytest.mark.parametrize("url", ["http://www.example.net/paper", "ftp://host.org/paper"])
    def test_a_link_that_is_not_https_is_refused(self, curriculum, url):
        edit(self.refs(curriculum), "  doi: 10.1007/s11606-012-2077-6\n", f"  url: {url}\n")
        assert errors_of(curriculum) == [
            "references.yaml:1: reference 'elwyn-2012' url must start with https://"
        ]

    @pytest.mark.parametrize(
        "url",
        [
            "https://recovery-learning.example.org/sources/000.txt",
            "https://example.com/paper",
            "https://localhost/paper",
            "https://papers.test/1",
        ],
    )
    def test_a_placeholder_url_is_refused(self, curriculum, url):
        edit(self.refs(curriculum), "  doi: 10.1007/s11606-012-2077-6\n", f"  url: {url}\n")
        assert errors_of(curriculum) == [
            f"references.yaml:1: reference 'elwyn-2012' url {url} is a placeholder, not where "
            "the work is"
        ]

    def test_a_reference_needs_a_doi_a_url_or_an_honest_unpublished_note(self, curriculum):
        edit(self.refs(curriculum), "  doi: 10.1007/s11606-012-2077-6\n", "")
        [error] = errors_of(curriculum)
        assert "reference 'elwyn-2012' needs a doi or a url (or, for a source" in error

    def test_research_cannot_be_unpublished(self, curriculum):
        edit(
            self.refs(curriculum),
            "  doi: 10.1007/s11606-012-2077-6\n",
            "  unpublished: A draft we were sent.\n",
        )
        [error] = errors_of(curriculum)
        assert "is a narrative-review: research must be findable" in error

    def test_an_unpublished_source_has_no_link_to_pretend(self, curriculum):
        edit(
            self.refs(curriculum),
            "  type: narrative-review\n",
            "  type: advocacy\n  unpublished: An advocacy statement with no public origin.\n",
        )
        [error] = errors_of(curriculum)
        assert "has a doi or url, so it is not 'unpublished'" in error

    def test_an_unpublished_advocacy_statement_loads_and_learners_see_what_it_is(
        self, curriculum, client, learner
    ):
        edit(
            self.refs(curriculum),
            "  doi: 10.1007/s11606-012-2077-6\n  type: narrative-review\n",
            "  type: advocacy\n  unpublished: An advocacy statement without named authors.\n",
        )
        load(curriculum)
        reference = Reference.objects.get(key="elwyn-2012")
        assert (reference.kind, reference.doi, reference.url) == ("advocacy", "", "")
        client.force_login(learner)
        page = client.get(lesson("what-it-is").url).content.decode()
        assert "Advocacy or position statement." in page
        assert "Unpublished: An advocacy statement without named authors." in page
        assert "Narrative review or commentary." not in page  # what-it-is cites only elwyn-2012

    def test_a_field_longer_than_the_cms_holds_is_refused_before_anything_is_written(
        self, curriculum
    ):
        edit(self.refs(curriculum), "source: J Gen Intern Med", f"source: {'x' * 300} J Gen")
        [error] = errors_of(curriculum)
        assert error.endswith("reference 'elwyn-2012' source is 323 characters (at most 300)")


class SafetyCalloutAuditTests:
    """Every lesson of a medication course carries its own caution; other courses need none."""

    def problems(self, curriculum) -> list[str]:
        return curriculum_audit(read_curricula(curriculum)).problems

    def test_a_medication_lesson_without_a_caution_is_a_problem(self, curriculum):
        missing = [p for p in self.problems(curriculum) if "without a :::callout caution" in p]
        assert missing == [
            "courses/meds/effects/reviewed.md: a medication lesson without a :::callout caution "
            "(stopping abruptly, who to contact)",
            "courses/meds/effects/unreviewed.md: a medication lesson without a :::callout caution "
            "(stopping abruptly, who to contact)",
        ]

    def test_a_caution_callout_satisfies_it_and_the_totals_count_it(self, curriculum):
        for name in ("reviewed", "unreviewed"):
            file = curriculum / f"courses/meds/effects/{name}.md"
            file.write_text(
                file.read_text()
                + "\n:::callout caution\nStopping suddenly can cause withdrawal; plan any change "
                "with the prescriber [@horowitz-taylor-2019].\n:::\n"
            )
        report = curriculum_audit(read_curricula(curriculum))
        assert not [p for p in report.problems if "callout caution" in p]
        assert "Safety: 2/2 medication lessons carry a caution callout" in audit_table(report)
        assert "References cited, by type: narrative-review 2" in audit_table(report)

    def test_a_medication_lesson_for_peers_states_the_peer_scope_in_its_caution(self, curriculum):
        edit(curriculum / "courses/meds/course.yaml", "audiences: [resident]", "audiences: [peer]")
        caution = "\n:::callout caution\nStopping suddenly can cause withdrawal{}.\n:::\n"
        for name, scope in (("reviewed", ""), ("unreviewed", "; you do not advise on doses")):
            file = curriculum / f"courses/meds/effects/{name}.md"
            file.write_text(file.read_text() + caution.format(scope))
        report = curriculum_audit(read_curricula(curriculum))
        assert [p for p in report.problems if "callout" in p or "caution" in p] == [
            "courses/meds/effects/reviewed.md: the caution of a medication lesson for peers does "
            "not state the peer's scope (for example 'you do not advise on doses or schedules')"
        ]
        assert "Safety: 1/2 medication lessons carry a caution callout" in audit_table(report)


REVIEWED = "courses/meds/effects/reviewed.md"


@pytest.mark.django_db
class WorkedCaseTests:
    """A case, its question and a model answer: one per module, cited and timed like text."""

    def test_a_worked_case_loads_with_its_references_and_its_thinking_time(self, curriculum):
        load(curriculum)
        page = lesson("reviewed")
        [case] = [block.value for block in page.body if block.block_type == "worked_case"]
        assert case["title"] == "Dizzy after a reduction"
        assert case["question"] == "Withdrawal or relapse, and what would you ask?"
        assert "<b>withdrawal</b>" in case["model_answer"].source
        assert "[@" not in case["model_answer"].source
        assert [r.key for r in case["references"]] == ["horowitz-taylor-2019"]
        assert [r.key for r in page.numbered_references()] == ["horowitz-taylor-2019"]
        # 5 words of text and 44 of the case (its field names are not read): 49 words are a
        # quarter of a minute, plus 3 minutes to think the case through.
        spec = read_curricula(curriculum).courses[1].modules[0].lessons[0]
        assert spec.words == 49
        assert page.estimated_minutes == 4

    @pytest.mark.parametrize(
        "old, new, message",
        [
            ("model_answer: |", "answer: |", "'model_answer' is required"),
            ("question: |", "prompt: |", "unknown worked_case field 'prompt'"),
            (
                "Withdrawal or relapse,",
                "Withdrawal [@horowitz-taylor-2019] or relapse,",
                "a worked case cites its sources in the case or the model answer",
            ),
            ("[@horowitz-taylor-2019]. Ask", "[@nobody-2020]. Ask", "unknown reference"),
        ],
    )
    def test_an_incomplete_or_miscited_case_is_refused(self, curriculum, old, new, message):
        edit(curriculum / REVIEWED, old, new)
        errors = errors_of(curriculum)
        assert any(e.startswith(REVIEWED) and message in e for e in errors), errors

    def test_a_module_without_a_worked_case_is_a_problem_and_the_totals_count_them(
        self, curriculum
    ):
        report = curriculum_audit(read_curricula(curriculum))
        assert [p for p in report.problems if "worked_case" in p] == [
            "courses/basics/intro/module.yaml: no lesson of the module has a :::worked_case "
            "(one case with a model answer per module)"
        ]
        assert "Worked cases: 1, in 1/2 modules" in audit_table(report)


@pytest.mark.django_db
class LinkTests:
    """A link in a lesson or a program leads somewhere real, over https, like a reference."""

    LESSON = "courses/basics/intro/what-it-is.md"

    @pytest.mark.parametrize(
        "link, message",
        [
            ("[guide](https://example.org/guide)", "is a placeholder, not a real page"),
            ("<https://www.nice.test/page>", "is a placeholder, not a real page"),
            ("see http://www.nice.org.uk/ng222", "must be an https:// address"),
            ("[guide](javascript:alert(1))", "must be an https:// address"),
        ],
    )
    def test_a_placeholder_or_insecure_link_in_a_lesson_is_refused_with_its_line(
        self, curriculum, link, message
    ):
        edit(curriculum / self.LESSON, "## The idea\n", f"## The idea\n\nRead {link} first.\n")
        [error] = errors_of(curriculum)
        assert error.startswith(f"{self.LESSON}:13: link ") and error.endswith(message)

    def test_site_pages_anchors_email_and_phone_links_are_fine(self, curriculum):
        links = "[a](/courses/), [b](#ref-1), [c](mailto:help@nhs.net), [d](tel:988)"
        edit(curriculum / self.LESSON, "## The idea\n", f"## The idea\n\nSee {links}.\n")
        assert "created" in load(curriculum)

    def test_a_placeholder_video_link_is_refused(self, curriculum):
        edit(
            curriculum / self.LESSON,
            "https://www.youtube.com/watch?v=fixture-talk",
            "https://example.com/video",
        )
        [error] = errors_of(curriculum)
        assert error.endswith(
            "video link https://example.com/video is a placeholder, not a real page"
        )

    def test_a_placeholder_link_in_program_requirements_is_refused(self, curriculum):
        edit(
            curriculum / "programs/peer-cert.yaml",
            "Complete **both** courses.",
            "Complete **both** courses ([rules](https://localhost/rules)).",
        )
        [error] = errors_of(curriculum)
        assert error.startswith("programs/peer-cert.yaml:")
        assert error.endswith(
            "requirements: link https://localhost/rules is a placeholder, not a real page"
        )


PLANNING = """planning:
  practice_gap: Clinicians rarely discuss stopping.
  learning_needs: Identified from the guidance the course cites.
  outcomes:
    - text: Discuss stopping as an option at reviews.
      objectives: [basics-describe, basics-three-steps]
  commercial_support: None
  released_on: 2026-10-01
  last_reviewed_on: 2026-12-01
  credit_expires_on: 2029-09-30
modules:"""


@pytest.mark.django_db
class PlanningRecordTests:
    """The planning record an accredited CE provider keeps for a course, loaded from course.yaml,
    with the disclosures' mitigation (who reviewed, when)."""

    COURSE = "courses/basics/course.yaml"

    def with_planning(self, curriculum, text: str = PLANNING) -> None:
        edit(curriculum / self.COURSE, "modules:", text)

    def test_the_planning_record_loads_onto_the_course(self, curriculum):
        self.with_planning(curriculum)
        load(curriculum)
        course = CoursePage.objects.get(slug="basics")
        assert course.practice_gap == "Clinicians rarely discuss stopping."
        assert course.commercial_support == "None"
        assert (course.released_on, course.activity_reviewed_on, course.credit_expires_on) == (
            date(2026, 10, 1),
            date(2026, 12, 1),
            date(2029, 9, 30),
        )
        [outcome] = course.outcomes.all()
        assert outcome.objective_list == ["basics-describe", "basics-three-steps"]
        report = curriculum_audit(read_curricula(curriculum))
        assert not [p for p in report.problems if p.startswith(self.COURSE)]

    def test_an_outcome_mapped_to_an_objective_the_course_lacks_is_refused(self, curriculum):
        self.with_planning(curriculum, PLANNING.replace("basics-three-steps]", "no-such-id]"))
        [error] = errors_of(curriculum)
        assert error == (
            f"{self.COURSE}:20: outcome maps to objective 'no-such-id', which no lesson of the "
            "course has"
        )

    def test_an_outcome_longer_than_the_cms_holds_is_refused(self, curriculum):
        long = "Discuss stopping " + "and more " * 50
        self.with_planning(
            curriculum, PLANNING.replace("Discuss stopping as an option at reviews.", long)
        )
        [error] = errors_of(curriculum)
        assert (
            error == f"{self.COURSE}:19: an outcome is {len(long.strip())} characters (at most 400)"
        )

    def test_dates_out_of_order_or_not_dates_are_refused(self, curriculum):
        self.with_planning(
            curriculum,
            PLANNING.replace("2029-09-30", "2026-09-30").replace("2026-12-01", "soon"),
        )
        errors = errors_of(curriculum)
        assert any(
            "'last_reviewed_on' must be a date like 2026-10-01, not 'soon'" in e for e in errors
        )
        assert any("'credit_expires_on' must come after 'released_on'" in e for e in errors)

    def test_a_course_without_a_planning_record_or_with_unmapped_objectives_is_a_problem(
        self, curriculum
    ):
        report = curriculum_audit(read_curricula(curriculum))
        assert f"{self.COURSE}: no planning record ('planning:' with the practice gap)" in (
            report.problems
        )
        self.with_planning(curriculum, PLANNING.replace(", basics-three-steps]", "]"))
        report = curriculum_audit(read_curricula(curriculum))
        assert f"{self.COURSE}: objectives no desired outcome maps to: basics-three-steps" in (
            report.problems
        )

    def test_a_disclosed_relationship_needs_its_mitigation_who_and_when(self, curriculum):
        edit(
            curriculum / self.COURSE,
            "relationships: None",
            "relationships: Consultant, Acme Pharma (ended 2025)",
        )
        errors = errors_of(curriculum)
        for key in ("mitigation", "mitigated_by", "mitigated_on"):
            assert any(f"a disclosed relationship needs '{key}'" in e for e in errors), errors
        edit(
            curriculum / self.COURSE,
            "(ended 2025)",
            "(ended 2025)\n    mitigation: Content peer reviewed for bias\n"
            "    mitigated_by: Casey Reviewer, MD\n    mitigated_on: 2026-09-15",
        )
        load(curriculum)
        [disclosure] = CoursePage.objects.get(slug="basics").disclosures.all()
        assert (disclosure.mitigated_by, disclosure.mitigated_on) == (
            "Casey Reviewer, MD",
            date(2026, 9, 15),
        )
