"""Content-Security-Policy in a real browser. Every e2e test already fails on any violation its
pages report (tests/e2e/conftest.py); these tests prove that the detector sees one, that the
policy stops an injected script, and that the CMS works under its own allowances: editor,
live preview, snippets and the Django admin, with no violation."""

import re

from playwright.sync_api import Page, expect

from accounts.roles import Role
from assessments.models import Competency
from courses.models import LessonPage
from courses.review import review_setup
from tests import cms
from tests.assessments.factories import competencies
from tests.courses.factories import build_course
from tests.e2e.test_practice import sign_in_with_totp
from tests.factories import UserFactory, totp_enable

INJECT_SCRIPT = """() => {
  const script = document.createElement("script");
  script.textContent = "window.injectedScriptRan = true";
  document.body.append(script);
}"""


class DetectorTests:
    def test_an_injected_inline_script_is_blocked_and_reported(self, page: Page, csp_violations):
        page.goto("/")
        page.evaluate(INJECT_SCRIPT)
        page.wait_for_timeout(200)  # the violation event is dispatched asynchronously
        assert page.evaluate("() => window.injectedScriptRan") is None
        assert [(v["directive"], v["blocked"]) for v in csp_violations] == [
            ("script-src-elem", "inline")
        ]
        csp_violations.clear()  # seen and expected: the teardown check must not fail on it

    def test_an_inline_style_attribute_is_blocked_and_reported(self, page: Page, csp_violations):
        page.goto("/")
        page.evaluate(
            """() => {
              const banner = document.createElement("p");
              banner.setAttribute("style", "display: none");
              banner.id = "styled";
              document.body.append(banner);
            }"""
        )
        page.wait_for_timeout(200)
        expect(page.locator("#styled")).to_be_attached()  # the element, without its style
        assert page.evaluate("() => getComputedStyle(styled).display") != "none"
        assert [v["directive"] for v in csp_violations] == ["style-src-attr"]
        csp_violations.clear()


class CmsTests:
    def test_an_administrator_edits_and_previews_a_lesson_with_no_violation(
        self, new_page, site, home_page
    ):
        review_setup(root=home_page)  # the roles' page permissions, as load_demo sets them
        course = build_course("csp-cms", modules=1, lessons=1)
        lesson = LessonPage.objects.descendant_of(course).get()
        admin = UserFactory(roles=[Role.ADMINISTRATOR], is_staff=True)
        secret = totp_enable(admin)
        page = new_page()
        sign_in_with_totp(page, admin, secret)

        page.goto("/cms/")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        page.goto(f"/cms/pages/{course.pk}/")
        expect(page.get_by_role("main")).to_contain_text(lesson.get_parent().title)

        page.goto(f"/cms/pages/{lesson.pk}/edit/")
        expect(page.get_by_role("heading", level=1)).to_contain_text(lesson.title)
        page.locator('[data-side-panel-toggle="preview"]').click()
        preview = page.frame_locator("#w-preview-iframe")
        expect(preview.get_by_role("heading", level=1)).to_have_text(lesson.title)

        # A snippet editor: its chooser widget is one of Wagtail's inline scripts.
        [competency] = competencies("peer.csp-check")
        page.goto(cms.url(Competency, "edit", competency.pk))
        expect(page.get_by_role("navigation", name="Breadcrumb")).to_contain_text(competency.code)
        domain = page.get_by_role("region", name="Domain*")
        domain.get_by_role("button", name="Actions").click()
        domain.get_by_role("button", name=re.compile("Choose another")).click()
        expect(page.get_by_role("dialog")).to_contain_text(competency.domain.name)
        page.goto("/django-admin/")
        expect(page.get_by_role("heading", level=1)).to_contain_text("administration")
