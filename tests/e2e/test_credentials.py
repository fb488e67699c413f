"""Credential pages in a real browser: a board member opens the verification page (desktop and
phone, as from a QR code), the learner finds their credential; accessible at both widths."""

import json
import re

from django.utils import timezone

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from credentials.signing_keys import signing_key_add
from credentials.transcripts import share_with_board
from tests.credentials.factories import issued_credential
from tests.e2e.conftest import PHONE
from tests.e2e.test_course_pages import horizontal_overflow
from tests.e2e.test_practice import sign_in_with_totp
from tests.e2e.test_signup_login import sign_in
from tests.factories import UserFactory, totp_enable

DEVICES = {"desktop": {}, "phone": {"viewport": PHONE, "is_mobile": True, "has_touch": True}}


@pytest.fixture
def credential(site):
    signing_key_add()
    return issued_credential()


class CredentialPagesTests:
    @pytest.mark.parametrize("device", DEVICES)
    def test_the_verification_page_is_clear_and_accessible(self, new_page, axe, credential, device):
        page = new_page(**DEVICES[device])
        page.goto(f"/verify/{credential.pk}/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Course sdm")
        expect(page.get_by_role("status")).to_contain_text("Valid.")
        expect(page.get_by_text("Riley Resident")).to_be_visible()
        assert horizontal_overflow(page) <= 0
        axe(page)
        page.get_by_role("link", name="The signed credential (JSON)").click()
        assert f"urn:uuid:{credential.pk}" in page.content()

    def test_the_learner_finds_it_from_the_dashboard(self, page, axe, credential):
        sign_in(page, credential.learner.email)
        page.goto("/dashboard/")
        page.get_by_role("link", name="Your credentials").click()
        expect(page.get_by_role("heading", level=2, name="Course sdm")).to_be_visible()
        axe(page)
        page.get_by_role("link", name="Verification page").click()
        expect(page.get_by_role("status")).to_contain_text("Valid.")
        page.goto("/dashboard/")
        page.get_by_role("link", name="My learning record").click()
        expect(page.get_by_role("cell", name="Earned")).to_be_visible()
        axe(page)

    @pytest.mark.parametrize("device", DEVICES)
    def test_the_learner_offers_it_to_a_wallet_and_to_linkedin(
        self, new_page, axe, credential, device
    ):
        page = new_page(**DEVICES[device])
        sign_in(page, credential.learner.email)
        page.goto("/credentials/")
        linkedin = page.get_by_role("link", name=re.compile("Add to LinkedIn profile"))
        assert linkedin.get_attribute("href").startswith("https://www.linkedin.com/profile/add?")
        page.get_by_role("button", name=re.compile("Add to a digital wallet")).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("to a wallet")
        expect(
            page.get_by_role("img", name=re.compile("QR code of the wallet offer"))
        ).to_be_visible()
        offer = page.get_by_role("link", name="open the offer in your wallet")
        assert offer.get_attribute("href").startswith("openid-credential-offer://?")
        assert horizontal_overflow(page) <= 0
        axe(page)

    @pytest.mark.parametrize("device", DEVICES)
    def test_checking_a_file_is_accessible_with_a_result_and_with_errors(
        self, new_page, axe, credential, device, tmp_path
    ):
        page = new_page(**DEVICES[device])
        page.goto(f"/verify/{credential.pk}/")
        page.get_by_role("link", name="Check the file itself").click()
        page.get_by_role("button", name="Verify").click()
        expect(page.get_by_role("alert")).to_contain_text("Choose a credential file")
        axe(page)  # the form with its error
        file = tmp_path / "credential.json"
        file.write_text(json.dumps(credential.document))
        page.get_by_label("Credential file (JSON)").set_input_files(str(file))
        page.get_by_role("button", name="Verify").click()
        expect(page.get_by_role("status")).to_contain_text("Valid.")
        assert horizontal_overflow(page) <= 0
        axe(page)  # the result

    @pytest.mark.parametrize("device", DEVICES)
    def test_the_transcript_and_sharing_are_accessible(self, new_page, axe, credential, device):
        page = new_page(**DEVICES[device])
        sign_in(page, credential.learner.email)
        page.goto("/credentials/transcript/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Your CE transcript")
        expect(page.get_by_role("cell", name="Course sdm")).to_be_visible()
        axe(page)
        page.get_by_label("Share with").select_option(value="link")
        page.get_by_role("button", name=re.compile("^Share ")).click()
        expect(page.get_by_text("Copy this link now")).to_be_visible()
        expect(page.get_by_role("button", name="Withdraw")).to_be_visible()
        assert horizontal_overflow(page) <= 0
        axe(page)


class BoardPortalTests:
    @pytest.mark.parametrize("device", DEVICES)
    def test_a_board_verifies_a_csv_and_reads_a_shared_transcript(
        self, new_page, axe, credential, device, tmp_path
    ):
        board = UserFactory(roles=[Role.BOARD_VERIFIER], first_name="State", last_name="Board")
        secret = totp_enable(board)
        share_with_board(
            learner=credential.learner,
            board=board,
            start=timezone.localdate(),
            end=timezone.localdate(),
        )
        page = new_page(**DEVICES[device])
        sign_in_with_totp(page, board, secret)
        page.get_by_role("link", name="Board portal").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Board portal")
        assert horizontal_overflow(page) <= 0
        axe(page)
        ids = tmp_path / "ids.csv"
        ids.write_text(f"credential_id\n{credential.pk}\nnot-an-id\n")
        page.get_by_label("CSV of credential ids").set_input_files(str(ids))
        with page.expect_download() as download:
            page.get_by_role("button", name="Verify and download results").click()
        results = download.value.path().read_text()
        assert f"{credential.pk},valid,Riley Resident" in results
        assert "not-an-id,unknown" in results
        page.get_by_role("link", name="Riley Resident").click()
        expect(page.get_by_role("cell", name="Course sdm")).to_be_visible()
        axe(page)
