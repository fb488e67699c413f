"""Supervised practice in a real browser: a peer logs practice hours, their supervisor attests
them and observes a competency, program staff approve training taken elsewhere, and the program
page counts it all. Supervisors and administrators sign in with their second factor (TOTP), as
they must. Plus accessibility of every practice page at desktop and phone widths."""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from accounts.roles import Role
from assessments import practice
from assessments.models import (
    ExternalTraining,
    Observation,
    PracticeLog,
    ProgramCompetency,
    Rating,
    ReviewStatus,
)
from courses.models import Enrolment, ProgramPage
from tests.assessments.factories import checklist, competencies
from tests.courses.factories import build_course, build_program
from tests.e2e.conftest import PHONE
from tests.e2e.test_course_pages import horizontal_overflow
from tests.e2e.test_signup_login import sign_in
from tests.factories import UserFactory, totp_code, totp_enable

COMPETENCY = "peer.role-and-boundaries"  # the factory names a competency by its code
BEHAVIOURS = ("explains-the-role", "keeps-boundaries")
PDF = b"%PDF-1.4\n% certificate of completion\n%%EOF\n"
SUPERVISED = "Supervised practice hours attested by a supervisor"
OBSERVED = "Competencies observed as competent by a supervisor"
TRAINING = "Training hours (program courses and approved training elsewhere)"
PERSON_CENTERED = "of which person-centered training hours"
DEVICES = {
    "desktop": {},
    "phone": {"viewport": PHONE, "is_mobile": True, "has_touch": True},
}


@dataclass
class People:
    learner: User
    supervisor: User
    supervisor_secret: str
    admin: User
    admin_secret: str


@pytest.fixture
def program(site, home_page) -> ProgramPage:
    """A program needing 10 training hours (5 person-centered), 6 supervised hours and one
    observed competency, with one course (as in tests/assessments/test_practice.py). Built in
    the live server's database inside the test: transactional tests flush it."""
    course = build_course("peer-101", modules=1, lessons=1, ce_hours="3")
    program = build_program(
        home_page, courses=[course], training="10", person_centered="5", supervised="6"
    )
    [competency] = competencies(COMPETENCY)
    checklist(competency, *BEHAVIOURS)
    ProgramCompetency.objects.create(program=program, competency=competency)
    return program


@pytest.fixture
def people(program) -> People:
    learner = UserFactory(first_name="Riley", last_name="Peer")
    Enrolment.objects.create(user=learner, program=program)
    supervisor = UserFactory(roles=[Role.SUPERVISOR], first_name="Sam", last_name="Supervisor")
    admin = UserFactory(roles=[Role.ADMINISTRATOR], first_name="Alex", last_name="Admin")
    return People(
        learner=learner,
        supervisor=supervisor,
        supervisor_secret=totp_enable(supervisor),
        admin=admin,
        admin_secret=totp_enable(admin),
    )


def today() -> datetime.date:
    return timezone.localdate()


def sign_in_learner(page: Page, learner: User) -> None:
    sign_in(page, learner.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your profile")


def sign_in_with_totp(page: Page, user: User, secret: str) -> None:
    """Password, then the authenticator code on allauth's second step, as a person would."""
    sign_in(page, user.email)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
    expect(page.locator(".site-header").get_by_role("button", name="Sign out")).to_have_count(0)
    page.get_by_label("Code").fill(totp_code(secret))
    page.get_by_role("main").get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your profile")


def log_section(page: Page):
    return page.get_by_role("region", name="Record supervised practice")


def training_section(page: Page):
    return page.get_by_role("region", name="Record training taken elsewhere")


def fill_practice_log(page: Page, supervisor: User, *, day: datetime.date, hours: str) -> None:
    form = log_section(page)
    form.get_by_label("Your supervisor's email address").fill(supervisor.email)
    form.get_by_label("Date").fill(day.isoformat())
    form.get_by_label("Hours").fill(hours)
    form.get_by_label("Setting").fill("Peer-run respite centre")
    form.get_by_label("Activities").fill("Co-facilitated a WRAP group.")
    form.get_by_label(COMPETENCY).check()


def record_practice(page: Page) -> None:
    log_section(page).get_by_role("button", name="Record practice").click()


def requirement(page: Page, label: str):
    """A requirement's progress bar, by the start of its label."""
    return page.get_by_role("progressbar", name=re.compile("^" + re.escape(label)))


class PracticeJourneyTests:
    def test_peer_logs_hours_supervisor_attests_and_observes_and_the_program_counts_them(
        self, new_page, program, people
    ):
        learner, supervisor = people.learner, people.supervisor
        page = new_page()
        sign_in_learner(page, learner)
        page.goto("/practice/")
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Supervised practice and training"
        )
        expect(page.get_by_text("No practice recorded yet.")).to_be_visible()

        # 25 hours: the message sits by the field, the form keeps what was typed, nothing saved.
        fill_practice_log(page, supervisor, day=today(), hours="25")
        record_practice(page)
        form = log_section(page)
        expect(form.get_by_text("Ensure this value is less than or equal to 24.")).to_be_visible()
        expect(form.get_by_label("Hours")).to_have_attribute("aria-invalid", "true")
        expect(form.get_by_label("Setting")).to_have_value("Peer-run respite centre")
        expect(form.get_by_label(COMPETENCY)).to_be_checked()
        assert not PracticeLog.objects.exists()

        # A day still to come: refused too.
        form.get_by_label("Hours").fill("4")
        form.get_by_label("Date").fill((today() + datetime.timedelta(days=1)).isoformat())
        record_practice(page)
        expect(log_section(page).get_by_text("The date is in the future.")).to_be_visible()
        expect(log_section(page).get_by_label("Date")).to_have_attribute("aria-invalid", "true")
        assert not PracticeLog.objects.exists()

        log_section(page).get_by_label("Date").fill(today().isoformat())
        record_practice(page)
        expect(page).to_have_url(re.compile(r"/practice/$"))
        expect(
            page.get_by_text("Your practice is recorded and sent to your supervisor.")
        ).to_be_visible()
        logs = page.get_by_role("table", name="Your practice logs, newest first")
        row = logs.get_by_role("row").filter(has_text="Peer-run respite centre")
        expect(row).to_contain_text("4")
        expect(row).to_contain_text("Sam Supervisor")
        expect(row).to_contain_text("Waiting for review")
        expect(page.locator(".hour-tiles")).to_contain_text("0 hours, 4 waiting")
        log = PracticeLog.objects.get()
        assert (log.learner, log.supervisor, log.hours) == (learner, supervisor, 4)
        assert [c.code for c in log.competencies.all()] == [COMPETENCY]

        # Waiting hours do not count yet.
        page.goto(program.url)
        expect(requirement(page, SUPERVISED)).to_have_accessible_name(
            f"{SUPERVISED}: 0 of 6 hours · 6 left"
        )

        # The supervisor: password, then the authenticator code.
        boss = new_page()
        sign_in_with_totp(boss, supervisor, people.supervisor_secret)
        boss.goto("/practice/supervision/")
        expect(boss.get_by_role("heading", level=1)).to_have_text("Supervision")
        entry = boss.locator("article.practice-log").filter(
            has=boss.get_by_role("heading", name="Riley Peer: 4 hours on")
        )
        expect(entry).to_contain_text("Co-facilitated a WRAP group.")
        expect(entry).to_contain_text(f"Competencies practised: {COMPETENCY}")
        entry.get_by_role("button", name="Attest").click()
        when = f"{today():%d %B %Y}"
        expect(boss.get_by_text(f"The log of {when} is updated.")).to_be_visible()
        expect(entry.get_by_role("button", name="Attest")).to_have_count(0)
        expect(entry).to_contain_text("Approved on")

        observe = boss.get_by_role("region", name="Record an observed competency")
        observe.get_by_label("Person observed").select_option(label="Riley Peer")
        observe.get_by_label("Competency").select_option(COMPETENCY)
        observe.get_by_role("button", name="Open the checklist").click()
        expect(boss.get_by_role("heading", level=1)).to_have_text(f"Observe: {COMPETENCY}")
        for code in BEHAVIOURS:
            behaviour = boss.get_by_role("group", name=f"Does {code} where it can be seen.")
            behaviour.get_by_label("Competent").check()
        boss.get_by_label("Observed on").fill(today().isoformat())
        boss.get_by_label("Comment").fill("Explained their role and kept to its boundaries.")
        boss.get_by_role("button", name="Record observation").click()
        expect(boss.get_by_text("The observation is recorded.")).to_be_visible()
        observation = Observation.objects.get()
        assert (observation.learner, observation.supervisor, observation.rating) == (
            learner,
            supervisor,
            Rating.COMPETENT,
        )
        assert observation.ratings.count() == len(BEHAVIOURS)

        # Back to the learner: the program counts the attested hours and the observation.
        page.goto(program.url)
        progress = page.get_by_role("region", name="Your progress toward the requirements")
        expect(requirement(page, SUPERVISED)).to_have_accessible_name(
            f"{SUPERVISED}: 4 of 6 hours · 2 left"
        )
        expect(requirement(page, OBSERVED)).to_have_accessible_name(
            f"{OBSERVED}: 1 of 1 competencies · met"
        )
        done = re.compile(rf"^\s*Done: {re.escape(COMPETENCY)}\s*$")
        expect(progress.get_by_role("listitem").filter(has_text=done)).to_have_count(1)

        page.goto("/practice/")
        expect(page.locator(".hour-tiles")).to_contain_text("4 hours")
        expect(page.get_by_role("row").filter(has_text="Peer-run respite centre")).to_contain_text(
            "Approved"
        )
        page.get_by_role("link", name="All the evidence for each competency").click()
        expect(page).to_have_url(re.compile(r"/practice/competencies/$"))
        row = page.get_by_role("row").filter(
            has=page.get_by_role("rowheader", name=COMPETENCY, exact=True)
        )
        expect(row.get_by_role("cell").nth(2)).to_have_text(f"Competent ({today():%-d %b %Y})")
        expect(row.get_by_role("cell").nth(3)).to_have_text("4 h")

    def test_training_taken_elsewhere_is_approved_by_staff_and_counts(
        self, new_page, program, people, tmp_path
    ):
        certificate = tmp_path / "certificate.pdf"
        certificate.write_bytes(PDF)
        page = new_page()
        sign_in_learner(page, people.learner)
        page.goto("/practice/")
        form = training_section(page)
        form.get_by_label("Title").fill("Intentional Peer Support core training")
        form.get_by_label("Provider").fill("A peer training provider")
        form.get_by_label("Completed on").fill(today().isoformat())
        form.get_by_label("Hours").fill("6")
        form.get_by_label("This was training in person-centered services").check()
        form.get_by_label("Evidence").set_input_files(certificate)
        form.get_by_role("button", name="Send for approval").click()

        expect(page).to_have_url(re.compile(r"/practice/$"))
        expect(page.get_by_text("Your training is recorded and sent for approval.")).to_be_visible()
        row = (
            page.get_by_role("table", name="Training you recorded")
            .get_by_role("row")
            .filter(has_text="Intentional Peer Support core training")
        )
        expect(row).to_contain_text("6, person-centered")
        expect(row).to_contain_text("Waiting for review")
        training = ExternalTraining.objects.get()
        assert training.status == ReviewStatus.SUBMITTED
        assert training.evidence.read() == PDF
        page.goto(program.url)
        expect(requirement(page, TRAINING)).to_have_accessible_name(
            f"{TRAINING}: 0 of 10 hours · 10 left"
        )

        staff = new_page()
        sign_in_with_totp(staff, people.admin, people.admin_secret)
        staff.goto("/practice/training/review/")
        record = staff.locator("article.practice-log").filter(
            has=staff.get_by_role(
                "heading", name="Riley Peer: Intentional Peer Support core training"
            )
        )
        expect(record).to_contain_text("6 hours, person-centered")
        with staff.expect_download() as download:
            record.get_by_role("link", name="evidence file").click()
        assert download.value.path().read_bytes() == PDF
        record.get_by_role("button", name="Approve").click()
        expect(
            staff.get_by_text("“Intentional Peer Support core training” is updated.")
        ).to_be_visible()
        expect(record).to_contain_text("Approved by Alex Admin")
        training.refresh_from_db()
        assert (training.status, training.reviewer) == (ReviewStatus.APPROVED, people.admin)

        page.goto(program.url)
        expect(requirement(page, TRAINING)).to_have_accessible_name(
            f"{TRAINING}: 6 of 10 hours · 4 left"
        )
        expect(requirement(page, PERSON_CENTERED)).to_have_accessible_name(
            f"{PERSON_CENTERED}: 6 of 5 hours · met"
        )
        page.goto("/practice/")
        expect(page.locator(".hour-tiles")).to_contain_text("6 hours, 6 person-centered")
        expect(row).to_contain_text("Approved")


@pytest.fixture
def practice_records(people) -> People:
    """Something on every practice page: an attested log with an observation, a log still to
    attest, and training taken elsewhere waiting for approval and approved."""
    learner, supervisor = people.learner, people.supervisor
    attested, _waiting = [
        practice.practice_log_record(
            learner=learner,
            supervisor_email=supervisor.email,
            date=day,
            hours=Decimal(hours),
            setting="Peer-run respite centre",
            activities="Co-facilitated a WRAP group.",
            competency_codes=[COMPETENCY],
        )
        for day, hours in ((today() - datetime.timedelta(days=1), "4"), (today(), "2.5"))
    ]
    practice.practice_log_decide(log=attested, supervisor=supervisor, attest=True)
    practice.observation_record(
        supervisor=supervisor,
        learner=learner,
        competency_code=COMPETENCY,
        observed_on=today(),
        ratings=dict.fromkeys(BEHAVIOURS, Rating.COMPETENT),
        comment="Explained their role and kept to its boundaries.",
    )
    approved, _waiting = [
        practice.external_training_record(
            learner=learner,
            title=title,
            provider="A peer training provider",
            completed_on=today(),
            hours=Decimal(6),
            person_centered=True,
            evidence=SimpleUploadedFile("certificate.pdf", PDF, "application/pdf"),
        )
        for title in ("Intentional Peer Support core training", "Motivational interviewing")
    ]
    practice.external_training_decide(training=approved, reviewer=people.admin, approve=True)
    return people


# The outermost elements that reach past the right edge of the screen, a table by its caption.
WIDE_ELEMENTS = """() => {
    const edge = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll("body *")].filter(
        (el) => el.getBoundingClientRect().right > edge + 0.5
    );
    return wide
        .filter((el) => !wide.includes(el.parentElement))
        .map((el) => {
            const caption = el.querySelector(":scope > caption");
            const tag = el.tagName.toLowerCase();
            const name = caption ? `${tag} "${caption.textContent.trim()}"` : tag;
            return `${name} (${Math.round(el.getBoundingClientRect().width)}px)`;
        });
}"""
DUPLICATE_IDS = """() => {
    const ids = [...document.querySelectorAll("[id]")].map((el) => el.id);
    return [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
}"""


def overflow_problem(page: Page) -> str | None:
    """What reaches past the right edge of the screen, or None when the page fits."""
    overflow = horizontal_overflow(page)
    if overflow <= 0:
        return None
    return (
        f"{page.url} is {overflow}px wider than a {page.viewport_size['width']}px screen; "
        f"too wide: {', '.join(page.evaluate(WIDE_ELEMENTS))}"
    )


class PracticeAccessibilityTests:
    """axe-core finds roughly a third of WCAG failures; zero here is a floor, not a proof.

    Every page is checked before the test fails, so one run lists every problem."""

    @pytest.mark.parametrize("device", DEVICES)
    def test_practice_pages_have_no_violations_and_fit_the_screen(
        self, new_page, axe, program, practice_records, device
    ):
        people = practice_records
        problems: list[str] = []

        def check(page: Page) -> None:
            try:
                axe(page)
            except AssertionError as violations:
                problems.append(str(violations).split("\nassert ")[0])
            if problem := overflow_problem(page):
                problems.append(problem)
            if duplicates := page.evaluate(DUPLICATE_IDS):
                problems.append(f"{page.url} has more than one element with the id {duplicates}")

        page = new_page(**DEVICES[device])
        sign_in_learner(page, people.learner)
        page.goto("/practice/")
        expect(page.get_by_role("table", name="Training you recorded")).to_be_visible()
        check(page)  # the tiles, both forms, both tables and the observations
        # Each form's hours field is named by its own label. axe does not catch a label whose
        # `for` names an id that an earlier element also has: the browser labels that one.
        for section in (log_section, training_section):
            if section(page).get_by_label(re.compile(r"^Hours:?$")).count() != 1:
                problems.append(
                    f"{page.url}: the hours field in {section.__name__}() is not named "
                    "'Hours' by its own label"
                )

        log_section(page).get_by_label("Hours").fill("25")
        record_practice(page)
        expect(log_section(page).locator(".errorlist").first).to_be_visible()
        check(page)  # with the practice form's errors
        training_section(page).get_by_role("button", name="Send for approval").click()
        expect(training_section(page).locator(".errorlist").first).to_be_visible()
        check(page)  # with the training form's errors

        page.goto("/practice/competencies/")
        expect(page.get_by_role("cell", name=re.compile("^Competent"))).to_be_visible()
        check(page)

        page.goto(program.url)
        expect(requirement(page, SUPERVISED)).to_be_visible()
        check(page)  # the program page with the learner's requirements

        boss = new_page(**DEVICES[device])
        sign_in_with_totp(boss, people.supervisor, people.supervisor_secret)
        boss.goto("/practice/supervision/")
        expect(boss.get_by_role("button", name="Attest")).to_be_visible()
        check(boss)  # a log to attest, an attested one, and the start of an observation
        observe = boss.get_by_role("region", name="Record an observed competency")
        observe.get_by_role("button", name="Open the checklist").click()
        expect(boss.locator(".errorlist").first).to_be_visible()
        check(boss)  # the start form with its errors
        boss.go_back()
        observe.get_by_label("Person observed").select_option(label="Riley Peer")
        observe.get_by_label("Competency").select_option(COMPETENCY)
        observe.get_by_role("button", name="Open the checklist").click()
        check(boss)  # the checklist
        boss.get_by_role("button", name="Record observation").click()
        expect(boss.locator(".errorlist").first).to_be_visible()
        check(boss)  # the checklist with its errors

        staff = new_page(**DEVICES[device])
        sign_in_with_totp(staff, people.admin, people.admin_secret)
        staff.goto("/practice/training/review/")
        expect(staff.get_by_role("button", name="Approve")).to_be_visible()
        check(staff)  # one record to decide, one approved

        assert not problems, "\n\n".join(problems)
