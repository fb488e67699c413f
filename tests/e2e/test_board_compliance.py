"""The board's question, answered in a real browser: a board defines its CE rule, a licensee
shares their licence's CE with it, the board sees "Not yet", the licensee completes a course,
the board sees "Compliant"; then the board draws an audit of the cycle and exports it. Every
page is checked with axe."""

import csv
import io

from django.utils import timezone

import pytest
from playwright.sync_api import expect

from accounts.models import Licence
from accounts.roles import Role
from boards import services
from credentials.issuance import credential_issue
from credentials.signing_keys import signing_key_add
from tests.credentials.factories import complete_course, course_achievement
from tests.e2e.test_practice import sign_in_with_totp
from tests.e2e.test_signup_login import sign_in
from tests.factories import UserFactory, totp_enable

BOARD = "Empire State Medical Board"


@pytest.fixture
def people(site):
    signing_key_add()
    board = services.board_create(name=BOARD, jurisdiction="US-NY")
    member = UserFactory(first_name="Blair", last_name="Board", roles=[Role.BOARD_VERIFIER])
    secret = totp_enable(member)
    services.board_member_add(board=board, user=member)
    licensee = UserFactory(first_name="Riley", last_name="Resident")
    Licence.objects.create(
        user=licensee,
        jurisdiction="US-NY",
        licence_type="MD",
        number="NY-204060",
        verified_at=timezone.now(),
    )
    return member, secret, licensee


def licensee_row(page):
    return page.get_by_role("row").filter(has_text="Riley Resident")


def test_a_board_sees_a_licensee_go_from_not_yet_to_compliant_and_audits_the_cycle(
    new_page, axe, people
):
    member, secret, licensee = people
    year = timezone.localdate().year

    # The board defines its rule: 2 hours a calendar year.
    board = new_page()
    sign_in_with_totp(board, member, secret)
    board.goto("/board/")
    board.get_by_role("link", name="See how licensees who share their CE").click()
    board.get_by_role("link", name="Rules and subject areas").click()
    axe(board)
    board.get_by_label("Licence type").select_option("MD")
    board.get_by_label("Takes effect on").fill(f"{year - 1}-01-01")
    board.get_by_label("Fixed dates: every licensee renews on the same dates").check()
    board.get_by_label("Cycle length in months").fill("12")
    board.get_by_label("First day of one cycle (fixed cycles only)").fill(f"{year}-01-01")
    board.get_by_label("Total CE hours per cycle").fill("2")
    board.get_by_role("button", name="Add the version").click()
    expect(board.get_by_role("main")).to_contain_text("2 hours")
    axe(board)

    # The licensee shares the licence's CE with the board.
    learner = new_page()
    sign_in(learner, licensee.email)
    learner.goto("/accounts/profile/")
    learner.get_by_role("link", name="Your licences and CE requirements").click()
    expect(learner.get_by_role("heading", level=1)).to_have_text(
        "Your licences and CE requirements"
    )
    axe(learner)
    learner.get_by_role("button", name=f"Share this licence's CE with {BOARD}").click()
    expect(learner.get_by_text("Status: Not yet.").first).to_be_visible()
    expect(learner.get_by_text("You need 2 more hours in total by 31 December")).to_be_visible()
    axe(learner)

    # The board sees them, not yet compliant.
    board.get_by_role("link", name="Licensees").click()
    expect(licensee_row(board)).to_contain_text("Not yet")
    axe(board)

    # The licensee completes a 3-hour course (through the services a learner's clicks use;
    # tests/e2e/test_course_pages.py drives lessons in the browser) and holds its credential.
    achievement = course_achievement("shared-decisions", ce_hours="3")
    complete_course(licensee, achievement)
    credential_issue(learner=licensee, achievement=achievement)

    board.reload()
    expect(licensee_row(board)).to_contain_text("Compliant")
    licensee_row(board).get_by_role("link", name="Riley Resident").click()
    expect(board.get_by_role("main")).to_contain_text("Course shared-decisions")
    axe(board)
    learner.reload()
    expect(learner.get_by_text("Status: Compliant.").first).to_be_visible()
    axe(learner)

    # An audit of the current cycle: everyone (1 licensee) drawn with a recorded seed.
    board.get_by_role("link", name="Audits").click()
    board.get_by_label("Licence type").select_option("MD")
    board.get_by_label("Current cycle").check()
    board.get_by_label("Share of licensees to audit (%)").fill("100")
    board.get_by_label("Seed (optional)").fill("renewal-2026")
    board.get_by_role("button", name="Draw the sample").click()
    expect(board.get_by_role("main")).to_contain_text("renewal-2026")
    expect(board.get_by_role("main")).to_contain_text("NY-204060")
    axe(board)
    with board.expect_download() as download:
        board.get_by_role("link", name="CSV, one row per CE item").click()
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text(encoding="utf-8"))))
    assert len(rows) == 1
    assert rows[0]["licence_number"] == "NY-204060"
    assert rows[0]["status"] == "Compliant"
    assert rows[0]["verification_status"] == "valid"
    with board.expect_download() as download:
        board.get_by_role("link", name="PDF summary").click()
    assert download.value.path().read_bytes().startswith(b"%PDF")
