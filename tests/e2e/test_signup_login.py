"""Sign-up, email verification, sign-out and sign-in in a real browser, plus accessibility."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from accounts.roles import Role
from tests.factories import PASSWORD, UserFactory

VERIFICATION_URL = re.compile(r"https?://\S+/accounts/confirm-email/[^/\s]+/")
NEW_EMAIL = "casey.rivera@example.org"
VERIFY_HEADING = re.compile("verify your email", re.IGNORECASE)
HOME_URL = re.compile(r"^https?://[^/]+/$")


def sign_up(page: Page, *, email: str = NEW_EMAIL, password2: str = PASSWORD) -> None:
    page.goto("/accounts/signup/")
    page.get_by_label("First name").fill("Casey")
    page.get_by_label("Last name").fill("Rivera")
    page.get_by_label("Email").fill(email)
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(password2)
    page.get_by_role("main").get_by_role("button", name="Sign up").click()


def sign_in(page: Page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()


def expect_verify_page(page: Page) -> None:
    # Also makes sure the sign-up request has finished, so its email is in the outbox.
    expect(page.get_by_role("heading", level=1)).to_have_text(VERIFY_HEADING)


def expect_signed_out(page: Page) -> None:
    header = page.locator(".site-header")
    expect(header.get_by_role("link", name="Sign in")).to_be_visible()
    expect(header.get_by_role("button", name="Sign out")).to_have_count(0)


def verification_link(mailoutbox) -> str:
    assert len(mailoutbox) == 1, [message.subject for message in mailoutbox]
    match = VERIFICATION_URL.search(mailoutbox[0].body)
    assert match, f"No confirmation link in the email:\n{mailoutbox[0].body}"
    return match.group(0)


class SignupLoginTests:
    def test_signup_asks_to_verify_email_and_sign_in_waits_for_it(self, page, mailoutbox):
        sign_up(page)

        expect_verify_page(page)
        user = User.objects.get(email=NEW_EMAIL)
        assert (user.first_name, user.last_name) == ("Casey", "Rivera")
        assert list(user.groups.values_list("name", flat=True)) == [Role.LEARNER.value]
        assert mailoutbox[0].to == [NEW_EMAIL]

        # A new visit: allauth no longer holds the sign-up in this browser's session.
        page.context.clear_cookies()
        sign_in(page, NEW_EMAIL)
        # Mandatory verification: the right password still only leads back to "verify".
        expect_verify_page(page)
        expect_signed_out(page)
        page.goto("/accounts/profile/")
        expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/accounts/profile/$"))

    def test_verification_link_confirms_and_signs_the_person_in(self, page, mailoutbox):
        sign_up(page)
        expect_verify_page(page)
        page.goto(verification_link(mailoutbox))
        # A GET only shows the question (mail scanners follow links); the button confirms.
        page.get_by_role("button", name="Confirm").click()

        expect(page).to_have_url(re.compile(r"/accounts/profile/$"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Your profile")
        expect(page.get_by_role("main")).to_contain_text(NEW_EMAIL)
        assert User.objects.get(email=NEW_EMAIL).emailaddress_set.get().verified

    def test_sign_out_from_header_then_sign_in_again_shows_profile(self, page):
        learner = UserFactory()
        sign_in(page, learner.email)
        expect(page).to_have_url(re.compile(r"/accounts/profile/$"))

        page.locator(".site-header").get_by_role("button", name="Sign out").click()
        expect(page).to_have_url(HOME_URL)
        expect_signed_out(page)

        sign_in(page, learner.email)
        expect(page).to_have_url(re.compile(r"/accounts/profile/$"))
        expect(page.get_by_role("main")).to_contain_text(learner.email)


class AccessibilityTests:
    """axe-core finds roughly a third of WCAG failures; zero here is a floor, not a proof."""

    @pytest.mark.parametrize(
        "path",
        ["/", "/accounts/signup/", "/accounts/login/", "/accounts/password/reset/", "/missing/"],
    )
    def test_public_page_has_no_violations(self, page, axe, path):
        page.goto(path)
        axe(page)

    def test_signup_with_form_errors_has_no_violations(self, page, axe):
        sign_up(page, password2="a-different-passphrase-99")
        expect(page.locator(".errorlist").first).to_be_visible()
        axe(page)

    def test_verification_pages_have_no_violations(self, page, axe, mailoutbox):
        sign_up(page)
        expect_verify_page(page)
        axe(page)
        page.goto(verification_link(mailoutbox))
        expect(page.get_by_role("button", name="Confirm")).to_be_visible()
        axe(page)

    def test_profile_of_signed_in_learner_has_no_violations(self, new_page, axe):
        page = new_page(timezone_id="America/Chicago")
        sign_in(page, UserFactory().email)
        expect(page.get_by_role("heading", level=1)).to_have_text("Your profile")
        expect(page.get_by_role("button", name=re.compile("device's time zone"))).to_be_visible()
        axe(page)  # with the offer of the device's time zone


class LinkButtonTests:
    def test_a_link_drawn_as_a_button_answers_the_space_key(self, page):
        page.goto("/")
        sign_up = page.locator(".site-header").get_by_role("button", name="Sign up")
        sign_up.focus()
        page.keyboard.press("Space")
        expect(page).to_have_url(re.compile(r"/accounts/signup/$"))


class TimeZoneTests:
    def test_the_profile_offers_the_devices_time_zone(self, new_page):
        learner = UserFactory()
        page = new_page(timezone_id="America/Chicago")
        sign_in(page, learner.email)
        page.get_by_role("button", name="Use this device's time zone (America/Chicago)").click()
        expect(page.get_by_role("combobox", name="Time zone")).to_have_value("America/Chicago")
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.get_by_text("Your profile has been saved.")).to_be_visible()
        learner.refresh_from_db()
        assert learner.time_zone == "America/Chicago"
        expect(page.get_by_role("button", name=re.compile("device's time zone"))).to_have_count(0)


class PhoneLayoutTests:
    # 390px is a common phone; 320px is where WCAG 1.4.10 (reflow) draws the line.
    @pytest.mark.parametrize("width", [390, 320])
    @pytest.mark.parametrize("path", ["/", "/accounts/signup/", "/accounts/login/"])
    def test_page_has_no_horizontal_scroll_at_phone_width(self, new_page, path, width):
        page = new_page(viewport={"width": width, "height": 844}, is_mobile=True, has_touch=True)
        page.goto(path)
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} is {overflow}px wider than a {width}px screen"

    def test_skip_link_is_first_focusable_and_moves_focus_to_main(self, phone_page):
        phone_page.goto("/")
        phone_page.keyboard.press("Tab")
        skip_link = phone_page.get_by_role("link", name="Skip to main content")
        expect(skip_link).to_be_focused()
        expect(skip_link).to_be_in_viewport()

        phone_page.keyboard.press("Enter")
        expect(phone_page.locator("main#main")).to_be_focused()
