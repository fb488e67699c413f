"""The catalogue, program, course and lesson pages in a real browser: accessibility, phones,
and the few things only a browser shows (the transcript opening, a citation's jump)."""

import re
from datetime import date
from io import StringIO
from pathlib import Path

from django.core.management import call_command

import pytest
from playwright.sync_api import Page, expect

from courses.models import LessonPage
from tests.e2e.test_signup_login import sign_in
from tests.factories import UserFactory

CURRICULUM = Path(__file__).parent.parent / "courses" / "curriculum"
LESSON = "/courses/basics/intro/what-it-is/"  # has every kind of block


@pytest.fixture
def curriculum(site, settings, tmp_path):
    """Loaded into the live server's database inside the test: transactional tests flush it."""
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_curricula", str(CURRICULUM), stdout=StringIO())


def sign_in_learner(page: Page) -> None:
    sign_in(page, UserFactory().email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your profile")


def horizontal_overflow(page: Page) -> int:
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


class CoursePagesAccessibilityTests:
    """axe-core finds roughly a third of WCAG failures; zero here is a floor, not a proof."""

    # One test walks every public page: each test costs a database flush and a curriculum load.
    PUBLIC_PAGES = [
        "/courses/",
        "/courses/?q=withdrawal",
        "/courses/?audience=nobody&ce_min=abc&ce_max=-1",
        "/courses/?ce_min=3&ce_max=1",
        "/courses/meds/",
        "/courses/basics/intro/",
        "/programs/",
        "/programs/peer-cert/",
    ]

    def test_public_pages_have_no_violations(self, page, axe, curriculum):
        for path in self.PUBLIC_PAGES:
            page.goto(path)
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            axe(page)  # the failure message names the page's URL

    def test_lesson_with_every_block_has_no_violations_closed_and_open(self, page, axe, curriculum):
        sign_in_learner(page)
        page.goto(LESSON)
        expect(page.get_by_role("heading", level=1)).to_have_text("What it is")
        axe(page)
        page.get_by_text("Read the transcript").click()
        expect(page.get_by_text("Everything said in the video.")).to_be_visible()
        axe(page)

    def test_lesson_with_a_clinical_review_line_has_no_violations(self, page, axe, curriculum):
        LessonPage.objects.filter(slug="what-it-is").update(
            clinically_reviewed_on=date(2025, 1, 15), clinical_reviewer="Casey Reviewer, MD"
        )
        sign_in_learner(page)
        page.goto(LESSON)
        expect(page.get_by_text("This review is overdue.")).to_be_visible()
        axe(page)

    def test_lesson_behind_unmet_prerequisites_has_no_violations(self, page, axe, curriculum):
        sign_in_learner(page)
        page.goto("/courses/meds/effects/reviewed/")  # meds needs basics first
        expect(page.get_by_role("link", name="Basics of shared decisions").first).to_be_visible()
        axe(page)


class CoursePagesBehaviourTests:
    def test_filter_form_narrows_the_catalogue(self, page, curriculum):
        page.goto("/courses/")
        page.get_by_label("Audience").select_option(label="Peer specialists")
        page.get_by_role("button", name="Show courses").click()
        expect(page).to_have_url(re.compile(r"/courses/\?.*audience=peer"))
        results = page.locator(".catalogue-results")
        expect(results.get_by_role("link", name="Basics of shared decisions")).to_be_visible()
        expect(results.get_by_role("link", name="Medication effects")).to_have_count(0)

    def test_lesson_sends_a_visitor_to_sign_in_and_back(self, page, curriculum):
        page.goto("/courses/basics/")
        page.get_by_role("button", name="Sign in to start").click()
        page.get_by_label("Email").fill(UserFactory().email)
        page.get_by_label("Password").fill("a-strong-test-passphrase-42")
        page.get_by_role("main").get_by_role("button", name="Sign in").click()
        expect(page).to_have_url(re.compile(re.escape(LESSON) + "$"))
        expect(page.get_by_role("heading", level=1)).to_have_text("What it is")

    def test_citation_jumps_to_its_reference(self, page, curriculum):
        sign_in_learner(page)
        page.goto(LESSON)
        page.locator(".lesson-body").get_by_role("link", name="[1]").first.click()
        expect(page).to_have_url(re.compile("#ref-1$"))
        expect(page.locator("#ref-1")).to_be_in_viewport()

    def test_transcript_opens_from_the_keyboard(self, page, curriculum):
        sign_in_learner(page)
        page.goto(LESSON)
        summary = page.get_by_text("Read the transcript")
        summary.focus()
        page.keyboard.press("Enter")
        expect(page.get_by_text("Everything said in the video.")).to_be_visible()


class CoursePagesPhoneLayoutTests:
    @pytest.mark.parametrize("width", [390, 320])
    def test_lesson_has_no_horizontal_scroll_at_phone_width(self, new_page, curriculum, width):
        page = new_page(viewport={"width": width, "height": 844}, is_mobile=True, has_touch=True)
        sign_in_learner(page)
        page.goto(LESSON)
        expect(page.get_by_role("heading", level=1)).to_have_text("What it is")
        overflow = horizontal_overflow(page)
        assert overflow <= 0, f"{LESSON} is {overflow}px wider than a {width}px screen"

    def test_public_pages_have_no_horizontal_scroll_at_320px(self, new_page, curriculum):
        page = new_page(viewport={"width": 320, "height": 844}, is_mobile=True, has_touch=True)
        for path in ["/courses/", "/courses/meds/", "/programs/peer-cert/"]:
            page.goto(path)
            overflow = horizontal_overflow(page)
            assert overflow <= 0, f"{path} is {overflow}px wider than a 320px screen"


class LearnerJourneyTests:
    def test_find_a_course_complete_it_see_progress_and_resume_the_next(
        self, page, axe, curriculum, settings
    ):
        # The lesson's estimated 8 minutes, scaled down so that 3 seconds on it are enough.
        settings.LESSON_MIN_TIME_SHARE = 2.5 / (8 * 60)
        sign_in_learner(page)
        page.goto("/courses/")
        page.locator(".catalogue-results").get_by_role(
            "link", name="Basics of shared decisions"
        ).click()
        page.get_by_role("button", name="Start the first lesson").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("What it is")
        expect(page.get_by_text("0 of 1 lesson (0%)")).to_be_visible()
        axe(page)  # with the progress bar and the completion form

        # Too soon: refused, saying how long is left; the time on the page so far still counts.
        page.get_by_role("button", name="Mark as complete").click()
        expect(page.get_by_text("Spend about a minute on this lesson")).to_be_visible()
        page.wait_for_timeout(4000)  # reading, with the page visible
        page.get_by_role("button", name="Mark as complete").click()
        expect(page.get_by_text("You have completed every lesson")).to_be_visible()
        # The module also has a knowledge check: the course completes once it is passed.
        expect(page.get_by_text("You completed this course on")).to_have_count(0)
        page.goto("/courses/basics/intro/")
        page.get_by_role("button", name="Take the knowledge check").click()
        page.get_by_role("button", name="Start").click()
        page.get_by_label("Ask what matters most to them").check()
        page.get_by_label("Treatments with their benefits and harms").check()
        page.get_by_label("Waiting and reviewing later").check()
        page.get_by_role("button", name="Submit for grading").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Passed: 100%")
        page.goto("/courses/basics/")
        expect(page.get_by_text("You completed this course on")).to_be_visible()

        # The follow-on course needed this one; its lesson now opens.
        page.goto("/courses/meds/effects/reviewed/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Reviewed lesson")
        page.goto("/dashboard/")
        expect(page.get_by_text("CE hours earned so far: 0.25")).to_be_visible()
        axe(page)
        page.get_by_role("link", name="Reviewed lesson").first.click()
        expect(page).to_have_url(re.compile("/courses/meds/effects/reviewed/$"))
