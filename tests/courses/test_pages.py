"""What visitors and learners see on the curriculum pages, and what each page costs in queries."""

import re
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from django.utils.safestring import mark_safe

from wagtail.models import PageViewRestriction
from wagtail.rich_text import RichText

import pytest

from content.models import Reference
from content.services import site_ensure_home
from content.templatetags.content_tags import with_marks
from courses.models import (
    Audience,
    CourseDisclosure,
    CourseIndexPage,
    CoursePage,
    Enrolment,
    LessonPage,
    ModulePage,
    Topic,
)
from courses.templatetags.courses_tags import duration, hours

CURRICULUM = Path(__file__).parent / "curriculum"


@pytest.fixture(scope="module")
def loaded_curriculum(django_db_setup, django_db_blocker, tmp_path_factory):
    """The test curriculum, loaded once for this module inside a transaction that is rolled
    back at its end; each test runs in a savepoint within it, so its own changes vanish too.
    Loading it per test cost a second a test."""
    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"))
    with media, django_db_blocker.unblock(), transaction.atomic():
        site_ensure_home()
        call_command("load_curricula", str(CURRICULUM), stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def curriculum(loaded_curriculum, db):
    """Courses basics and meds (meds needs basics first), program peer-cert, and one
    medication lesson left as a draft awaiting clinical review."""


def page_text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def text_block(text: str, references=()) -> tuple:
    return ("text", {"text": RichText(f"<p>{text}</p>"), "references": list(references)})


def add_course(
    slug: str,
    *,
    ce_hours: str = "1",
    audience: str = "resident",
    topic: str = "shared-decision-making",
    modules: int = 1,
    lessons: int = 1,
) -> CoursePage:
    """A live course under the catalogue with `modules` modules of `lessons` lessons each."""
    course = CoursePage(
        title=f"Course {slug}",
        slug=slug,
        summary=f"Summary of {slug}: one lesson at a time.",
        estimated_minutes=45,
        ce_hours=Decimal(ce_hours),
        disclosures=[CourseDisclosure(name=f"Author of {slug}", role="author")],
    )
    CourseIndexPage.objects.get().add_child(instance=course)
    course.audiences.set(Audience.objects.filter(slug=audience))
    course.topics.set(Topic.objects.filter(slug=topic))
    course.save()
    for m in range(1, modules + 1):
        module = course.add_child(instance=ModulePage(title=f"Module {m}", slug=f"module-{m}"))
        for n in range(1, lessons + 1):
            module.add_child(
                instance=LessonPage(
                    title=f"{slug} lesson {m}.{n}",
                    slug=f"lesson-{n}",
                    body=[text_block(f"Lesson {m}.{n} of {slug}.")],
                )
            )
    return course


def published(course: CoursePage) -> CoursePage:
    """The course and its modules published with a revision, as an editor or load_curricula
    leaves them: what course and module pages keep between requests is keyed on it."""
    for page in [course, *ModulePage.objects.child_of(course)]:
        page.save_revision().publish()
    return course


def add_courses(count: int) -> None:
    for n in range(count):
        add_course(f"extra-{n}", lessons=2)


@pytest.mark.django_db
class CataloguePageTests:
    def test_lists_live_courses_with_hours_time_audiences_and_topics(self, client, curriculum):
        body = page_text(client.get("/courses/"))
        assert 'href="/courses/basics/"' in body and 'href="/courses/meds/"' in body
        assert "<strong>0.25</strong> CE hours" in body
        assert "About 22 min" in body
        assert "For: Peer specialists, Residents" in body
        assert "Psychiatric medications" in body
        assert "2 courses." in body

    def test_filter_form_is_a_get_form_with_a_label_for_every_field(self, client, curriculum):
        body = page_text(client.get("/courses/"))
        form = re.search(r"<form[^>]*>.*?</form>", body, re.S).group(0)
        assert 'method="get"' in form and 'action="/courses/"' in form
        for name in ("q", "audience", "topic", "ce_min", "ce_max"):
            assert f'<label for="id_{name}">' in form
            assert f'name="{name}"' in form
        assert 'type="search"' in form

    @pytest.mark.parametrize(
        ("query", "shown", "hidden"),
        [
            ("audience=peer", ["basics"], ["meds"]),
            ("topic=medications", ["meds"], ["basics"]),
            ("ce_min=0.25", ["basics"], ["meds"]),
            ("ce_max=0", ["meds"], ["basics"]),
            ("ce_min=0&ce_max=0.25", ["basics", "meds"], []),
            ("audience=resident&topic=shared-decision-making", ["basics"], ["meds"]),
        ],
    )
    def test_filters(self, client, curriculum, query, shown, hidden):
        body = page_text(client.get(f"/courses/?{query}"))
        for slug in shown:
            assert f'href="/courses/{slug}/"' in body
        for slug in hidden:
            assert f'href="/courses/{slug}/"' not in body
        assert "could not be used" not in body

    def test_selected_filters_stay_in_the_form(self, client, curriculum):
        body = page_text(client.get("/courses/?audience=peer&ce_min=0.25&q=idea"))
        assert '<option value="peer" selected>' in body
        assert 'name="ce_min" value="0.25"' in body
        assert 'name="q" value="idea"' in body
        assert 'href="/courses/">Clear filters</a>' in body

    def test_search_finds_courses_by_title_and_summary_and_lessons_by_body(
        self, client, curriculum
    ):
        body = page_text(client.get("/courses/?q=sharing"))  # in basics' summary only
        assert 'href="/courses/basics/"' in body and 'href="/courses/meds/"' not in body
        body = page_text(client.get("/courses/?q=withdrawal"))  # in a lesson's body
        assert "Lessons matching “withdrawal”" in body
        assert 'href="/courses/meds/effects/reviewed/">Reviewed lesson</a>' in body
        assert "in Medication effects › Effects" in body
        # The draft lesson says "described, never prescribed"; drafts are never found.
        body = page_text(client.get("/courses/?q=prescribed"))
        assert "unreviewed" not in body
        assert "No lesson matches “prescribed”." in body

    def test_search_keeps_to_the_courses_the_filters_leave(self, client, curriculum):
        body = page_text(client.get("/courses/?q=withdrawal&audience=peer"))
        assert "/courses/meds/effects/reviewed/" not in body

    @pytest.mark.parametrize(
        ("query", "message"),
        [
            ("audience=nobody", "There is no audience “nobody”, so every audience is shown."),
            ("topic=astrology", "There is no topic “astrology”, so every topic is shown."),
            ("ce_min=abc", "The minimum CE hours must be a number such as 1 or 1.5"),
            ("ce_max=NaN", "The maximum CE hours must be a number such as 1 or 1.5"),
            ("ce_min=-2", "The minimum CE hours cannot be below 0"),
            ("ce_max=1e9", "The maximum CE hours is too large"),
            (
                "ce_min=3&ce_max=1",
                "The minimum CE hours (3) is more than the maximum (1), so the CE hours "
                "filter was ignored.",
            ),
            ("q=" + "x" * 201, "The search is over 200 characters; ignored."),
        ],
    )
    def test_bad_filter_input_gives_a_message_and_is_ignored(
        self, client, curriculum, query, message
    ):
        body = page_text(client.get(f"/courses/?{query}"))
        assert "Some of your filters could not be used" in body
        assert message in body
        # The bad filter is dropped, the page still lists every course.
        assert 'href="/courses/basics/"' in body and 'href="/courses/meds/"' in body

    def test_a_bad_filter_does_not_drop_the_good_ones(self, client, curriculum):
        body = page_text(client.get("/courses/?audience=peer&ce_min=abc"))
        assert "must be a number" in body
        assert 'href="/courses/basics/"' in body and 'href="/courses/meds/"' not in body

    def test_the_invalid_field_is_marked_for_assistive_technology(self, client, curriculum):
        body = page_text(client.get("/courses/?ce_min=abc"))
        assert 'aria-invalid="true" aria-describedby="id_ce_min_error"' in body
        assert 'id="id_ce_min_error"' in body

    def test_no_match_says_so(self, client, curriculum):
        body = page_text(client.get("/courses/?ce_min=50"))
        assert "0 courses match your filters." in body
        assert "No course matches these filters." in body

    def test_draft_and_unpublished_courses_are_not_listed(self, client, curriculum):
        CoursePage.objects.get(slug="meds").unpublish()
        body = page_text(client.get("/courses/"))
        assert 'href="/courses/meds/"' not in body

    def test_restricted_courses_are_not_listed_but_a_restricted_lesson_hides_no_course(
        self, client, curriculum
    ):
        PageViewRestriction.objects.create(page=CoursePage.objects.get(slug="meds"))
        PageViewRestriction.objects.create(page=LessonPage.objects.live().first())
        body = page_text(client.get("/courses/"))
        assert 'href="/courses/basics/"' in body and 'href="/courses/meds/"' not in body

    def test_under_a_restricted_index_no_course_is_listed_as_public(
        self, client, curriculum, learner
    ):
        # As PageQuerySet.public(): courses under a restricted page are not public, even for
        # someone who may see the page.
        PageViewRestriction.objects.create(page=CourseIndexPage.objects.get())
        client.force_login(learner)
        assert "0 courses." in page_text(client.get("/courses/"))

    @pytest.mark.parametrize("extra_courses", [0, 10])
    @pytest.mark.parametrize("signed_in", [False, True])
    def test_query_count_does_not_grow_with_the_number_of_courses(
        self, client, curriculum, learner, django_assert_num_queries, extra_courses, signed_in
    ):
        add_courses(extra_courses)
        if signed_in:
            client.force_login(learner)
        client.get("/courses/")  # warm Wagtail's site-root cache, as any running server has it
        # Serving: the page by its URL path as its own type, it and its ancestors marked where
        # restricted (2; content.serving, content.pages); every audience and topic with the
        # courses carrying each (1); the listed courses (1), none read when the catalogue is
        # under a restriction. Signed in, 2 more: session, user with access status.
        with django_assert_num_queries(4 + 2 * signed_in):
            body = page_text(client.get("/courses/"))
        assert body.count('class="course-card"') == 2 + extra_courses

    @pytest.mark.parametrize("extra_courses", [0, 10])
    def test_query_count_of_a_search_does_not_grow_with_the_number_of_courses(
        self, client, curriculum, django_assert_num_queries, extra_courses
    ):
        add_courses(extra_courses)
        client.get("/courses/")
        # the 4 above; view restrictions and search for courses (2), the same for lessons
        # (2), the lessons' modules (1)
        with django_assert_num_queries(9):
            body = page_text(client.get("/courses/?q=lesson"))
        assert body.count('class="course-card"') == extra_courses
        assert body.count('<span class="muted">in ') == 1 + 2 * extra_courses


@pytest.mark.django_db
class ProgramPagesTests:
    def test_program_index_lists_programs_with_their_credential(self, client, curriculum):
        body = page_text(client.get("/programs/"))
        assert 'href="/programs/peer-cert/"' in body
        assert "A program for peers." in body
        assert "Leads to: <strong>Test Peer Certificate</strong>" in body

    def test_program_page_shows_audience_credential_and_hour_requirements(self, client, curriculum):
        body = page_text(client.get("/programs/peer-cert/"))
        assert "<h1>Peer certification</h1>" in body
        assert "A program for peers." in body
        assert "<dt>For</dt><dd>Peer specialists</dd>" in body
        assert "<dt>Leads to</dt><dd>Test Peer Certificate</dd>" in body
        tiles = re.sub(r"\s+", " ", body)
        assert (
            '<dt>Training</dt> <dd><span class="tile-number">40</span> hours, '
            "of which 20 in person-centered training</dd>"
        ) in tiles
        assert '<span class="tile-number">500</span> hours, attested by a supervisor' in tiles
        assert '<span class="tile-number">20</span> CE hours each year' in tiles
        assert "Complete <b>both</b> courses." in body

    def test_program_page_lists_its_courses_in_order_with_hours_and_minutes(
        self, client, curriculum
    ):
        body = page_text(client.get("/programs/peer-cert/"))
        assert body.index('href="/courses/basics/"') < body.index('href="/courses/meds/"')
        assert "0.25 CE hours · about 22 min" in body
        assert "0 CE hours · about 5 min" in body
        assert "0.25 CE hours, about 27 min in all" in body

    def test_query_count_of_the_program_page(self, client, curriculum, django_assert_num_queries):
        client.get("/programs/peer-cert/")
        # serving, with the breadcrumb (2); the program's live courses are kept between requests
        with django_assert_num_queries(2):
            page_text(client.get("/programs/peer-cert/"))


@pytest.mark.django_db
class CoursePageTests:
    def test_shows_summary_objectives_audiences_topics_time_and_ce_hours(self, client, curriculum):
        body = page_text(client.get("/courses/basics/"))
        assert "<h1>Basics of shared decisions</h1>" in body
        assert "What sharing a decision means." in body
        assert "<li>Describe shared decision-making.</li>" in body
        assert "<dt>CE hours</dt><dd>0.25</dd>" in body
        assert "<dt>Estimated time</dt><dd>About 22 min</dd>" in body
        assert "<dt>For</dt><dd>Peer specialists, Residents</dd>" in body
        assert "<dt>Topics</dt><dd>Shared decision-making</dd>" in body
        assert 'Part of <a href="/programs/peer-cert/">Peer certification</a>' in body

    def test_links_prerequisites(self, client, curriculum):
        body = page_text(client.get("/courses/meds/"))
        assert "Before you start" in body
        assert '<a href="/courses/basics/">Basics of shared decisions</a>' in body

    def test_disclosures_come_before_the_first_lesson_link(self, client, curriculum):
        body = page_text(client.get("/courses/meds/"))
        disclosures = body.index('<h2 id="disclosures-title">Disclosures</h2>')
        first_lesson = body.index('href="/courses/meds/effects/reviewed/"')
        assert disclosures < first_lesson
        people = re.sub(r"\s+", " ", body[disclosures:first_lesson])
        assert "<strong>Editorial team</strong>, author" in people
        assert "<strong>Clinical reviewer</strong>, reviewer" in people
        assert people.count("<dt>Financial relationships</dt><dd>None</dd>") == 2

    def test_disclosure_mitigation_is_shown_when_there_is_one(self, client, curriculum):
        course = add_course("conflicted")
        course.disclosures = [
            CourseDisclosure(
                name="Dr Example",
                role="planner",
                relationships="Speaker fees, Acme Pharma",
                mitigation="Content reviewed by an independent planner.",
            )
        ]
        course.save()
        body = re.sub(r"\s+", " ", page_text(client.get("/courses/conflicted/")))
        assert "<strong>Dr Example</strong>, planner" in body
        assert "<dt>Financial relationships</dt><dd>Speaker fees, Acme Pharma</dd>" in body
        assert "<dt>Mitigation</dt><dd>Content reviewed by an independent planner.</dd>" in body

    def test_lists_modules_and_live_lessons_in_order(self, client, curriculum):
        add_course("long", modules=2, lessons=3)
        body = page_text(client.get("/courses/long/"))
        titles = re.findall(r">(long lesson \d\.\d)</a>", body)
        assert titles == [f"long lesson {m}.{n}" for m in (1, 2) for n in (1, 2, 3)]
        assert body.index("Module 1") < body.index("Module 2")
        body = page_text(client.get("/courses/meds/"))
        assert "/courses/meds/effects/unreviewed/" not in body  # a draft

    def test_invites_visitors_to_sign_in_and_learners_to_start(self, client, curriculum, learner):
        body = page_text(client.get("/courses/basics/"))
        assert "Sign in to start" in body
        assert "/accounts/login/?next=/courses/basics/intro/what-it-is/" in body
        client.force_login(learner)
        body = page_text(client.get("/courses/basics/"))
        assert '<a role="button" href="/courses/basics/intro/what-it-is/">' in body

    @pytest.mark.parametrize(("modules", "lessons"), [(1, 1), (4, 5)])
    def test_query_count_does_not_grow_with_modules_and_lessons(
        self, client, curriculum, django_assert_num_queries, modules, lessons
    ):
        published(add_course("sized", modules=modules, lessons=lessons))
        client.get("/courses/sized/")
        # serving: the page by its URL path as its own type, it and its ancestors marked where
        # restricted (2); its live lessons (1). The site, which page is at the path, and what
        # every reader sees alike (modules, disclosures, audiences, topics, prerequisites,
        # programs, corrections, exam, credit designations) are kept between requests
        # (content.sites, content.serving, selectors.course_facts).
        with django_assert_num_queries(3):
            body = page_text(client.get("/courses/sized/"))
        assert body.count("sized lesson") == modules * lessons
        assert "Author of sized" in body

    @pytest.mark.parametrize(("modules", "lessons"), [(1, 1), (4, 5)])
    def test_query_count_for_a_learner_does_not_grow_with_modules_and_lessons(
        self, client, curriculum, learner, django_assert_num_queries, modules, lessons
    ):
        course = published(add_course("sized", modules=modules, lessons=lessons))
        client.force_login(learner)
        client.get(LessonPage.objects.descendant_of(course).first().url)  # enrols
        client.get("/courses/sized/")
        # session, user with access status (2); serving (2); the live lessons with the
        # learner's completions (1); the enrolment, for the progress bar (1)
        with django_assert_num_queries(6):
            body = page_text(client.get("/courses/sized/"))
        assert f"0 of {modules * lessons} lesson" in body


@pytest.mark.django_db
class ModulePageTests:
    def test_lists_its_live_lessons_in_order(self, client, curriculum):
        add_course("mod", lessons=3)
        body = page_text(client.get("/courses/mod/module-1/"))
        assert re.findall(r">(mod lesson 1\.\d)</a>", body) == [
            "mod lesson 1.1",
            "mod lesson 1.2",
            "mod lesson 1.3",
        ]
        assert '<a href="/courses/mod/">Course mod</a>' in body
        crumbs = re.search(r'<nav class="breadcrumb".*?</nav>', body, re.S).group(0)
        assert re.findall(r'<a href="([^"]+)">', crumbs) == ["/courses/", "/courses/mod/"]
        body = page_text(client.get("/courses/meds/effects/"))
        assert "Reviewed lesson" in body and "Unreviewed lesson" not in body

    @pytest.mark.parametrize("lessons", [1, 8])
    def test_query_count_does_not_grow_with_lessons(
        self, client, curriculum, django_assert_num_queries, lessons
    ):
        published(add_course("sized", lessons=lessons))
        client.get("/courses/sized/module-1/")
        # serving, with the breadcrumb (2); the module's lessons (1); its knowledge check, if
        # any, is kept between requests
        with django_assert_num_queries(3):
            body = page_text(client.get("/courses/sized/module-1/"))
        assert body.count("sized lesson") == lessons


@pytest.mark.django_db
class LessonAccessTests:
    def test_anonymous_visitor_is_sent_to_sign_in_and_back(self, client, curriculum):
        response = client.get("/courses/basics/intro/what-it-is/")
        assert response.status_code == 302
        assert response["Location"] == "/accounts/login/?next=/courses/basics/intro/what-it-is/"

    def test_course_module_and_program_pages_stay_public(self, client, curriculum):
        for path in ("/courses/", "/courses/basics/", "/courses/basics/intro/", "/programs/"):
            assert client.get(path).status_code == 200, path

    def test_signed_in_learner_reads_the_lesson(self, client, curriculum, learner):
        client.force_login(learner)
        body = page_text(client.get("/courses/basics/intro/what-it-is/"))
        assert "<h1>What it is</h1>" in body

    def test_draft_lesson_is_not_found_even_for_a_signed_in_learner(
        self, client, curriculum, learner
    ):
        client.force_login(learner)
        assert client.get("/courses/meds/effects/unreviewed/").status_code == 404

    def test_unpublished_lesson_is_not_found(self, client, curriculum, learner):
        LessonPage.objects.get(slug="reviewed").unpublish()
        client.force_login(learner)
        assert client.get("/courses/meds/effects/reviewed/").status_code == 404


@pytest.fixture
def reader(client, learner):
    client.force_login(learner)
    return client


@pytest.mark.django_db
class LessonPageTests:
    def test_breadcrumb_title_time_and_educational_note(self, reader, curriculum):
        body = page_text(reader.get("/courses/basics/intro/what-it-is/"))
        crumbs = re.search(r'<nav class="breadcrumb".*?</nav>', body, re.S).group(0)
        assert re.findall(r'<a href="([^"]+)">([^<]+)</a>', crumbs) == [
            ("/courses/", "Courses"),
            ("/courses/basics/", "Basics of shared decisions"),
            ("/courses/basics/intro/", "Introduction"),
        ]
        assert '<span aria-current="page">What it is</span>' in crumbs
        assert "Lesson 1 of 1 · About 8 min" in body
        assert "Education, not medical advice." in body

    def test_renders_every_block(self, reader, curriculum):
        body = page_text(reader.get("/courses/basics/intro/what-it-is/"))
        assert "<h2>The idea</h2>" in body
        assert "<ul><li>Team talk</li><li>Option talk</li></ul>" in body
        # callout
        assert '<div class="callout callout-key_point" role="note">' in body
        assert '<p class="block-label">Key point</p>' in body
        # figure: the block's alt text, an SVG rendition kept as SVG, and a caption
        figure = re.search(r'<figure class="figure">.*?</figure>', body, re.S).group(0)
        assert re.search(r'<img alt="Three steps in a row\." [^>]*src="[^"]+\.svg"', figure)
        assert "<figcaption>The steps.</figcaption>" in figure
        # table: caption from the block, column headers with scope
        table = re.search(r"<table>.*?</table>", body, re.S).group(0)
        assert re.search(r'<caption id="caption-[^"]+">Options compared</caption>', table)
        assert '<th scope="col">Option</th><th scope="col">Involves</th>' in table
        assert "<td>Wait</td><td>Watching together</td>" in table
        # video: a link, never an embed, and the transcript behind a <details>
        assert (
            '<a href="https://www.youtube.com/watch?v=fixture-talk" rel="noopener noreferrer">'
            in body
        )
        assert "<iframe" not in body
        assert re.search(
            r"<details class=\"transcript\">\s*<summary>Read the transcript</summary>\s*"
            r"<p>Everything said in the video.</p>",
            body,
        )
        assert "When did you last share a decision?" in body
        assert "<li>Share the decision.</li><li>Use evidence.</li>" in body

    def test_a_worked_case_puts_its_model_answer_behind_a_disclosure(
        self, reader, curriculum, learner
    ):
        basics = CoursePage.objects.get(slug="basics")  # the prerequisite of the case's course
        Enrolment.objects.create(user=learner, course=basics, completed_at=timezone.now())
        body = page_text(reader.get("/courses/meds/effects/reviewed/"))
        case = re.search(r'<section class="worked-case".*?</section>', body, re.S).group(0)
        assert 'aria-label="Worked case: Dizzy after a reduction"' in case
        assert "<h2>Dizzy after a reduction</h2>" in case
        assert "<strong>Your turn:</strong> Withdrawal or relapse, and what would you ask?" in case
        # The answer is closed until the learner opens it, and cites like any paragraph: the
        # mark links to the lesson's numbered reference list.
        answer = re.search(r'<details class="model-answer">(.*?)</details>', case, re.S).group(1)
        assert "<summary>Compare with a model answer</summary>" in answer
        assert "towards <b>withdrawal</b>" in answer
        assert '<sup class="citations"><a href="#ref-1">[1]</a></sup></p>' in answer
        assert 'id="ref-1"' in body

    def test_references_are_numbered_in_order_of_first_citation(self, reader, curriculum):
        elwyn, horowitz = (
            Reference.objects.get(key="elwyn-2012"),
            Reference.objects.get(key="horowitz-taylor-2019"),
        )
        third = Reference.objects.create(
            key="third",
            authors="Third A",
            year=2020,
            title="Third",
            source="J",
            url="https://x.org",
        )
        lesson = LessonPage.objects.get(slug="what-it-is")
        lesson.body = [
            text_block("First.", [horowitz]),
            (
                "callout",
                {"kind": "caution", "text": RichText("<p>Careful.</p>"), "references": [third]},
            ),
            text_block("Second.", [elwyn, horowitz]),
        ]
        lesson.save()
        body = page_text(reader.get(lesson.url))
        sup = '<sup class="citations">{}</sup>'
        assert "<p>First." + sup.format('<a href="#ref-1">[1]</a>') + "</p>" in body
        assert "<p>Careful." + sup.format('<a href="#ref-2">[2]</a>') + "</p>" in body
        both = '<a href="#ref-1">[1]</a><a href="#ref-3">[3]</a>'
        assert "<p>Second." + sup.format(both) + "</p>" in body
        kind_and_authors = (
            r'<li id="ref-(\d)">\s*<span class="reference-kind">([^<]+)\.</span>\s*([^(]+) \('
        )
        assert re.findall(kind_and_authors, body) == [
            ("1", "Narrative review or commentary", "Horowitz MA, Taylor D"),
            ("2", "Report or web page (grey literature)", "Third A"),
            ("3", "Narrative review or commentary", elwyn.authors),
        ]
        assert 'href="https://doi.org/10.1016/S2215-0366(19)30032-X"' in body
        assert '<a href="https://x.org">https://x.org</a>' in body

    def test_clinical_review_line(self, reader, curriculum):
        body = page_text(reader.get("/courses/basics/intro/what-it-is/"))
        assert "Clinically reviewed" not in body  # no review recorded
        # The imported medication lesson's review, on a lesson without prerequisites to meet.
        LessonPage.objects.filter(slug="what-it-is").update(
            clinically_reviewed_on=date(2026, 10, 1), clinical_reviewer="Casey Reviewer, MD"
        )
        body = page_text(reader.get("/courses/basics/intro/what-it-is/"))
        line = re.sub(r"\s+", " ", re.search(r'<p class="review-line">.*?</p>', body, re.S)[0])
        assert "Clinically reviewed on" in line
        assert '<time datetime="2026-10-01">1 October 2026</time>' in line
        assert "by Casey Reviewer, MD; next review due" in line
        assert '<time datetime="2027-10-01">1 October 2027</time>' in line
        assert "overdue" not in line

    def test_an_overdue_review_says_so(self, reader, curriculum):
        LessonPage.objects.filter(slug="what-it-is").update(
            clinically_reviewed_on=date(2025, 1, 15), clinical_reviewer="Casey Reviewer, MD"
        )
        body = page_text(reader.get("/courses/basics/intro/what-it-is/"))
        assert '<p class="review-line review-overdue">' in body
        assert "<strong>This review is overdue.</strong>" in body

    def test_previous_and_next_lesson_cross_modules_within_the_course(self, reader, curriculum):
        add_course("walk", modules=2, lessons=2)
        body = page_text(reader.get("/courses/walk/module-1/lesson-2/"))
        assert "Lesson 2 of 4" in body
        assert re.search(r'rel="prev" href="/courses/walk/module-1/lesson-1/">', body)
        assert re.search(r'rel="next" href="/courses/walk/module-2/lesson-1/">', body)
        first = page_text(reader.get("/courses/walk/module-1/lesson-1/"))
        assert 'rel="prev"' not in first and 'rel="next"' in first
        last = page_text(reader.get("/courses/walk/module-2/lesson-2/"))
        assert 'rel="prev"' in last and 'rel="next"' not in last

    @pytest.mark.parametrize(("modules", "lessons"), [(1, 1), (3, 4)])
    def test_query_count_does_not_grow_with_the_course(
        self, reader, curriculum, django_assert_num_queries, modules, lessons
    ):
        add_course("big", modules=modules, lessons=lessons)
        module = ModulePage.objects.get(slug="module-1", url_path__contains="/big/")
        lesson = LessonPage.objects.child_of(module).first()
        lesson.body = LessonPage.objects.get(slug="what-it-is").body  # every block type
        lesson.save()
        reader.get(lesson.url)  # also makes the figure's rendition
        # Session, user with access status (2); serving: the page by its URL path as its own
        # type, it and its ancestors for the breadcrumb, marked where restricted (2);
        # the course's lessons for position, previous/next and the progress bar, with the
        # learner's completions (1); the visit: the enrolment with whether this lesson was
        # opened before, a prerequisite is missing or a gate (disclosures acknowledged) is
        # closed (1), and no write for a reload. The site, which page is at the path, the body
        # and its references come from the cache.
        with django_assert_num_queries(6):
            page_text(reader.get(lesson.url))


class TemplateFilterTests:
    @pytest.mark.parametrize(
        ("minutes", "text"), [(None, ""), (45, "45 min"), (60, "1 h"), (90, "1 h 30 min")]
    )
    def test_duration(self, minutes, text):
        assert duration(minutes) == text

    @pytest.mark.parametrize(
        ("value", "text"),
        [(Decimal("40.00"), "40"), (Decimal("1.50"), "1.5"), (Decimal("0.25"), "0.25")],
    )
    def test_hours(self, value, text):
        assert hours(value) == text

    def test_marks_go_inside_the_last_paragraph_or_list_item(self):
        marks = mark_safe('<sup class="citations"><a href="#ref-1">[1]</a></sup>')
        assert with_marks(mark_safe("<p>A.</p><p>B.</p>"), marks) == f"<p>A.</p><p>B.{marks}</p>"
        assert with_marks(mark_safe("<ul><li>A</li></ul>"), marks) == f"<ul><li>A{marks}</li></ul>"
        assert with_marks(mark_safe("<p>A.</p>"), "") == "<p>A.</p>"
        assert with_marks("<b>unsafe</b>", "") == "&lt;b&gt;unsafe&lt;/b&gt;"
