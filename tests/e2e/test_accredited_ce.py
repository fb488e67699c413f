"""A course offered for credit in a real browser, with axe at every step: acknowledge the
disclosures, learn, pass the exam, evaluate, claim 1.5 of 2.0 ANCC contact hours, and find a
credential whose signed document says so; claiming again is refused with a clear message."""

import re

import pytest
from playwright.sync_api import expect

from accreditation.models import CreditClaim
from accreditation.standard_evaluation import standard_evaluation_ensure
from credentials.models import Credential
from credentials.signing_keys import signing_key_add
from tests.accreditation.factories import course_for_credit
from tests.assessments.factories import build_item, exam
from tests.courses.factories import lessons_of
from tests.e2e.conftest import PHONE
from tests.e2e.test_assessments import answer, start_attempt, submit
from tests.e2e.test_course_pages import horizontal_overflow
from tests.e2e.test_signup_login import sign_in
from tests.factories import UserFactory

DEVICES = {"desktop": {}, "phone": {"viewport": PHONE, "is_mobile": True, "has_touch": True}}


@pytest.fixture
def activity(site, settings):
    settings.LESSON_MIN_TIME_SHARE = 0  # the journey, not the reading time, is under test
    standard_evaluation_ensure()  # installed by a migration; a transactional test flushes it
    signing_key_add()
    achievement = course_for_credit("ce", hours="2")
    for n in range(3):
        build_item(achievement.course, code=f"ce-{n}")  # summative: the exam's pool
    exam(achievement.course, form_length=3, shuffle_options=False)
    return achievement


@pytest.mark.parametrize("device", DEVICES)
def test_acknowledge_learn_pass_evaluate_and_claim(new_page, axe, activity, device):
    learner = UserFactory(first_name="Nia", last_name="Nurse")
    page = new_page(**DEVICES[device])
    sign_in(page, learner.email)
    course = activity.course

    page.goto(course.url)
    credit = page.get_by_role("region", name="Continuing education credit")
    expect(credit.get_by_text("up to 2", exact=False).first).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Start the first lesson").click()
    # The lesson waits for the disclosures, and says why.
    expect(page.get_by_text("please read and acknowledge the disclosures")).to_be_visible()
    page.get_by_role("button", name="I have read the disclosures").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lesson 1.1")

    for lesson in lessons_of(course):
        page.goto(lesson.url)
        page.get_by_role("button", name="Mark as complete").click()
    page.goto(course.url)
    page.get_by_role("button", name="Go to the exam").click()
    start_attempt(page)
    answer(page, {f"ce-{n}": "A" for n in range(3)})
    submit(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Passed: 100%")
    assert not Credential.objects.exists()  # not before the claim

    page.goto(course.url)
    page.get_by_role("button", name="Evaluate the course and claim credit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Claim credit: Course ce")
    expect(page.get_by_text("Our record shows about")).to_be_visible()
    axe(page)
    assert horizontal_overflow(page) <= 0

    # Submitted without the required answers: each field says what is missing.
    page.get_by_role("button", name="Submit the evaluation and claim credit").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    axe(page)

    def choose(question: str, answer: str) -> None:
        page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()

    choose("The course met its stated learning objectives.", "Agree")
    choose("The content was relevant to my practice.", "Strongly agree")
    choose("I intend to change something in my practice because of it.", "Yes")
    page.get_by_label(re.compile("^What, specifically, will you do differently")).fill(
        "Offer a review of long-term medicines at every annual visit."
    )
    choose("The content was free of commercial bias.", "Strongly agree")
    page.get_by_role("group", name=re.compile("^Credit type")).get_by_label(
        "ANCC contact hours"
    ).check()
    page.get_by_label(re.compile("^Hours you spent")).select_option("1.5")
    page.get_by_label("I attest that this is the time I spent").check()
    page.get_by_role("button", name="Submit the evaluation and claim credit").click()

    expect(page.get_by_text("Credit claimed: 1.5 ANCC contact hours.")).to_be_visible()
    expect(page.get_by_text("1.5 ANCC contact hours").last).to_be_visible()
    axe(page)
    credential = Credential.objects.get(learner=learner)
    assert credential.document["credentialSubject"]["creditsEarned"] == 1.5
    page.goto(f"/verify/{credential.pk}/")
    expect(page.get_by_role("status")).to_contain_text("Valid.")
    expect(page.get_by_text("ANCC contact hours")).to_be_visible()

    # Claiming again is refused, with what was claimed.
    page.goto(f"/credit/{course.pk}/claim/")
    expect(page.get_by_role("alert")).to_contain_text(
        "You have already claimed credit for this course: 1.5 ANCC contact hours"
    )
    axe(page)
    assert CreditClaim.objects.count() == 1
