"""Knowledge checks and course exams in a real browser: a learner's journey through attempts,
autosaved answers, feedback policies and the cool-down, accessibility at desktop and phone
widths, and the answer key staying on the server until an attempt is graded."""

import re
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone
from django.utils.formats import date_format

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from assessments.models import (
    Assessment,
    Attempt,
    Item,
    ItemKind,
    ItemPool,
    ItemVersion,
    Vignette,
)
from courses.models import CoursePage, LessonPage, ModuleCompletion, ModulePage
from tests.assessments.factories import build_item, exam, knowledge_check
from tests.courses.factories import build_course, lessons_of
from tests.e2e.conftest import PHONE
from tests.e2e.test_course_pages import horizontal_overflow
from tests.e2e.test_signup_login import sign_in
from tests.factories import UserFactory

SAVED = "Your answers are saved."
# The options to choose, by question code: build_item makes A correct (A and B when several are).
RIGHT = {"kc-0": "A", "kc-1": "A", "kc-2": "AB"}
ONE_WRONG = {**RIGHT, "kc-0": "B"}  # 2 of 3 correct: 66.67%, under the 80% pass mark
DEVICES = {
    "desktop": {},
    "phone": {"viewport": PHONE, "is_mobile": True, "has_touch": True},
}


@dataclass
class Bank:
    course: CoursePage
    module: ModulePage
    lessons: list[LessonPage]
    items: list[Item]

    @property
    def rationales(self) -> list[str]:
        return [o["rationale"] for item in self.items for o in item.current_version.options]


@pytest.fixture
def bank(site) -> Bank:
    """One course, one module of one lesson, and a question bank of three items: two single
    choice and one multiple response, the last two sharing a case. Built in the live server's
    database inside the test: transactional tests flush it."""
    course = build_course("kc", modules=1, lessons=1)
    module = course.get_children().first().specific
    items = [
        build_item(course, code="kc-0", module=module),
        build_item(course, code="kc-1", module=module),
        build_item(course, code="kc-2", module=module, kind=ItemKind.MULTIPLE_RESPONSE),
    ]
    case = Vignette.objects.create(
        code="kc-case",
        course=course,
        title="A first visit",
        text="Sam asks whether the new medication can wait until after the holidays.",
    )
    Item.objects.filter(code__in=["kc-1", "kc-2"]).update(vignette=case)
    # What learners see is the case as each item version froze it.
    ItemVersion.objects.filter(item__code__in=["kc-1", "kc-2"]).update(
        vignette_title=case.title, vignette_text=case.text
    )
    return Bank(course=course, module=module, lessons=lessons_of(course), items=items)


@pytest.fixture
def check(bank) -> Assessment:
    """The module's knowledge check: full feedback, options in their written order."""
    return knowledge_check(bank.course, bank.module)


def sign_in_learner(page: Page) -> User:
    user = UserFactory()
    sign_in(page, user.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your profile")
    return user


def start_attempt(page: Page) -> None:
    """Start, and wait for the attempt page's load event: its autosave script is deferred, so a
    choice made as soon as the questions show could come before the script listens for it."""
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Start", exact=True).click()


def autosave_status(page: Page):
    return page.locator(".autosave-status")


def is_autosave(response) -> bool:
    return response.request.method == "POST" and response.url.endswith("/answers/")


def answer(page: Page, choices: dict[str, str]) -> None:
    """Choose the options, one at a time, each waiting for its autosave to come back: the
    script sends every answer on each change without ordering them, so when two saves overlap
    the older one can arrive last and undo the newer answer."""
    for code, letters in choices.items():
        for letter in letters:
            with page.expect_response(is_autosave) as saved:
                page.get_by_label(f"Option {letter} of {code}", exact=True).check()
            assert saved.value.ok, saved.value.text()
            expect(autosave_status(page)).to_have_text(SAVED)


def expect_chosen(page: Page, choices: dict[str, str]) -> None:
    for code, letters in choices.items():
        for letter in "ABC":
            option = page.get_by_label(f"Option {letter} of {code}", exact=True)
            if letter in letters:
                expect(option).to_be_checked()
            else:
                expect(option).not_to_be_checked()


def submit(page: Page) -> None:
    page.get_by_role("button", name="Submit for grading").click()
    expect(page).to_have_url(re.compile(r"/assessments/attempts/[0-9a-f-]+/result/$"))


def start_buttons(page: Page):
    return page.get_by_role("main").get_by_role(
        "button", name=re.compile(r"^(Start|Start a new attempt|Try again)$")
    )


def assert_no_answer_key(page: Page, bank: Bank) -> None:
    """Nothing in the page as the browser holds it now gives the key away."""
    html = page.evaluate("() => document.documentElement.outerHTML")
    assert "Option A of kc-0" in html  # the questions are there: the check is of a real page
    for secret in [*bank.rationales, '"correct"', "is-correct", "rationale"]:
        assert secret not in html, f"{secret!r} is in the page before grading: {page.url}"


def assert_fits(page: Page) -> None:
    width = page.viewport_size["width"]
    overflow = horizontal_overflow(page)
    assert overflow <= 0, f"{page.url} is {overflow}px wider than a {width}px screen"


class KnowledgeCheckJourneyTests:
    def test_autosave_fail_with_feedback_try_again_pass_and_complete_the_course(
        self, page, bank, check
    ):
        user = sign_in_learner(page)
        # The lessons first: with the knowledge check still to pass, the course stays open.
        page.goto(bank.lessons[0].url)
        page.get_by_role("button", name="Mark as complete").click()
        expect(page.get_by_text("You have completed every lesson")).to_be_visible()
        expect(page.get_by_text("1 of 1 lesson (100%)")).to_be_visible()
        expect(page.get_by_text("You completed this course on")).to_have_count(0)
        assert not ModuleCompletion.objects.filter(user=user).exists()

        page.goto(bank.module.url)
        page.get_by_role("button", name="Take the knowledge check").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Knowledge check: Module 1")
        start_attempt(page)
        expect(page.get_by_text("Module knowledge check · attempt 1")).to_be_visible()
        expect(page.get_by_text("(choose all that apply)")).to_be_visible()
        answer(page, ONE_WRONG)

        # Saved as chosen: a reload (or a closed tab) keeps every answer.
        page.reload()
        expect_chosen(page, ONE_WRONG)
        expect(autosave_status(page)).to_be_empty()
        submit(page)
        expect(page.get_by_role("heading", level=1)).to_have_text("Not passed yet: 66.67%")
        # Full feedback: which answers were right, and why, for every option.
        expect(page.get_by_role("heading", name="Question 1: not correct")).to_be_visible()
        expect(page.get_by_role("heading", name="Question 2: correct")).to_be_visible()
        expect(page.get_by_role("heading", name="Question 3: correct")).to_be_visible()
        feedback = page.get_by_role("region", name="Your answers, with why")
        for rationale in bank.rationales:
            expect(feedback.get_by_text(rationale, exact=True)).to_be_visible()
        expect(
            feedback.get_by_role("listitem").filter(has_text="Option B of kc-0 · your answer")
        ).to_have_count(1)

        page.get_by_role("button", name="Try again").click()
        expect(page.get_by_text("Module knowledge check · attempt 2")).to_be_visible()
        expect_chosen(page, dict.fromkeys(RIGHT, ""))  # a new attempt starts blank
        answer(page, RIGHT)
        submit(page)
        expect(page.get_by_role("heading", level=1)).to_have_text("Passed: 100%")
        expect(page.get_by_text("this completes the module “Module 1”")).to_be_visible()
        expect(page.get_by_role("button", name="Try again")).to_have_count(0)

        # Lessons done and the check passed: the module, then the one-module course, complete.
        assert ModuleCompletion.objects.filter(user=user, module=bank.module).exists()
        page.goto(bank.module.url)
        section = page.get_by_role("region", name="Check your understanding")
        expect(section.get_by_text("Passed.")).to_be_visible()
        expect(section.get_by_role("link", name="See your attempts")).to_be_visible()
        page.goto(bank.course.url)
        expect(page.get_by_text("You completed this course on")).to_be_visible()
        page.goto("/dashboard/")
        expect(page.get_by_text("CE hours earned so far: 1")).to_be_visible()
        expect(page.get_by_text("Completed on")).to_be_visible()


def exam_of(bank: Bank, **rules) -> Assessment:
    """The course exam, drawing the bank's three items as its (summative) pool."""
    Item.objects.filter(course=bank.course).update(pool=ItemPool.SUMMATIVE, module=None)
    return exam(bank.course, form_length=3, **rules)


class ExamTests:
    def test_score_only_until_passed_then_every_rationale(self, page, bank):
        exam_of(bank, cooldown_minutes=0)  # feedback: score, then everything once passed
        sign_in_learner(page)
        page.goto(bank.course.url)
        page.get_by_role("button", name="Go to the exam").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Course exam: Course kc")
        start_attempt(page)
        expect(page.get_by_text("Course exam · attempt 1")).to_be_visible()
        assert_no_answer_key(page, bank)
        answer(page, ONE_WRONG)
        submit(page)

        expect(page.get_by_role("heading", level=1)).to_have_text("Not passed yet: 66.67%")
        expect(page.get_by_text("shown once you pass")).to_be_visible()
        html = page.content()
        for secret in [*bank.rationales, "is-correct", "is-wrong", "Your answers, with why"]:
            assert secret not in html, f"{secret!r} is on the result of a failed exam"

        page.get_by_role("button", name="Try again").click()  # no cool-down: straight away
        expect(page.get_by_text("Course exam · attempt 2")).to_be_visible()
        answer(page, RIGHT)
        submit(page)
        expect(page.get_by_role("heading", level=1)).to_have_text("Passed: 100%")
        feedback = page.get_by_role("region", name="Your answers, with why")
        for rationale in bank.rationales:
            expect(feedback.get_by_text(rationale, exact=True)).to_be_visible()

        # A passed exam is not taken again.
        page.get_by_role("link", name="All your attempts").click()
        expect(page.get_by_text("You have passed this exam.")).to_be_visible()
        expect(page.get_by_role("link", name="100% · passed")).to_be_visible()
        expect(start_buttons(page)).to_have_count(0)

    def test_after_a_failed_attempt_the_cool_down_says_when_to_come_back(self, page, bank):
        exam_of(bank, cooldown_minutes=120)
        user = sign_in_learner(page)
        page.goto(bank.course.url)
        page.get_by_role("button", name="Go to the exam").click()
        expect(page.get_by_text("with a wait of 120 minutes between attempts")).to_be_visible()
        start_attempt(page)
        submit(page)  # nothing answered
        expect(page.get_by_role("heading", level=1)).to_have_text("Not passed yet: 0%")

        submitted = Attempt.objects.get(user=user).submitted_at
        when = date_format(timezone.localtime(submitted + timedelta(minutes=120)), "j F Y, H:i T")
        notice = f"You can try again from {when}."
        expect(page.get_by_text(notice, exact=True)).to_be_visible()
        expect(start_buttons(page)).to_have_count(0)

        page.get_by_role("link", name="All your attempts").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Course exam: Course kc")
        expect(page.get_by_text(notice, exact=True)).to_be_visible()
        expect(page.get_by_role("link", name="0% · not passed")).to_be_visible()
        expect(start_buttons(page)).to_have_count(0)
        expect(page.get_by_role("link", name="Continue your attempt")).to_have_count(0)
        assert Attempt.objects.filter(user=user).count() == 1


class AssessmentAccessibilityTests:
    """axe-core finds roughly a third of WCAG failures; zero here is a floor, not a proof."""

    @pytest.mark.parametrize("device", DEVICES)
    def test_overview_attempt_and_result_pages(self, new_page, axe, bank, check, device):
        page = new_page(**DEVICES[device])
        sign_in_learner(page)
        page.goto(bank.module.url)
        page.get_by_role("button", name="Take the knowledge check").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Knowledge check: Module 1")
        axe(page)
        assert_fits(page)

        start_attempt(page)
        expect(page.get_by_text("Module knowledge check · attempt 1")).to_be_visible()
        answer(page, ONE_WRONG)  # with the case, a checkbox question and the saved status
        axe(page)
        assert_fits(page)

        submit(page)
        expect(page.get_by_role("heading", name="Your answers, with why")).to_be_visible()
        axe(page)  # right and wrong answers, every rationale, the Try again form
        assert_fits(page)

        page.get_by_role("link", name="All your attempts").click()
        expect(page.get_by_role("table")).to_be_visible()
        axe(page)  # now with the table of attempts
        assert_fits(page)


class AnswerKeyTests:
    def test_attempt_page_and_autosave_response_hold_no_key(self, page, bank, check):
        sign_in_learner(page)
        page.goto(f"/assessments/{check.pk}/")
        start_attempt(page)
        expect(page.get_by_text("Module knowledge check · attempt 1")).to_be_visible()
        assert_no_answer_key(page, bank)

        with page.expect_response(is_autosave) as saved:
            page.get_by_label("Option B of kc-0", exact=True).check()
        response = saved.value
        assert response.status == 200
        assert response.json() == {"saved": len(bank.items)}  # every question, even unanswered
        body = response.text()
        for secret in [*bank.rationales, "correct"]:
            assert secret not in body
        sent = response.request.post_data_json
        versions = {str(item.current_version_id) for item in bank.items}
        assert set(sent) == {"answers"} and set(sent["answers"]) == versions
        expect(autosave_status(page)).to_have_text(SAVED)
        assert_no_answer_key(page, bank)  # still none once the script has run and saved
