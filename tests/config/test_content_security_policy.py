"""The Content-Security-Policy header: strict on every page we write, with the CMS's allowances
under /cms/ only, and a Wagtail preview framed under the CMS's policy, not the public page's.
The browser tests (tests/e2e) fail on any violation a real page reports."""

import pytest

from accounts.roles import Role
from courses.models import LessonPage
from tests.courses.factories import build_course
from tests.factories import staff_user


def directives(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    parts = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return dict(parts)


STRICT = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-src": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


@pytest.fixture
def cms_client(client):
    client.force_login(staff_user(Role.ADMINISTRATOR, is_staff=True))
    return client


@pytest.mark.django_db
class PolicyTests:
    @pytest.mark.parametrize(
        "path", ["/", "/accounts/login/", "/courses/", "/verify/", "/django-admin/login/"]
    )
    def test_public_and_admin_pages_get_the_strict_policy(self, client, home_page, path):
        policy = directives(client.get(path))
        assert {name: policy.get(name) for name in STRICT} == STRICT

    def test_no_inline_script_anywhere_outside_the_cms(self, client, home_page):
        for path in ("/", "/accounts/login/", "/accounts/signup/", "/verify/"):
            assert "unsafe" not in client.get(path)["Content-Security-Policy"], path

    def test_the_cms_gets_its_allowances_and_keeps_the_rest(self, cms_client, home_page):
        response = cms_client.get("/cms/")
        assert response.status_code == 200
        policy = directives(response)
        # Wagtail's widgets write inline scripts and its editor sets inline styles.
        assert policy["script-src"] == "'self' 'unsafe-inline'"
        assert policy["style-src"] == "'self' 'unsafe-inline'"
        assert policy["frame-src"] == "'self'"  # the live preview
        assert policy["frame-ancestors"] == "'self'"
        assert policy["object-src"] == "'none'"
        assert policy["base-uri"] == "'none'"
        assert "unsafe-eval" not in response["Content-Security-Policy"]

    def test_a_path_that_only_looks_like_the_cms_is_strict(self, client, home_page):
        assert directives(client.get("/cmsx/"))["script-src"] == "'self'"

    def test_a_preview_leaves_the_policy_to_the_cms_request_that_frames_it(self, home_page):
        # Wagtail renders a preview by sending a dummy request for the page's public URL through
        # the middleware. Were the public policy set there (frame-ancestors 'none'), the CMS
        # request could not replace it and the editor's preview frame would stay blank.
        course = build_course("csp-preview", modules=1, lessons=1)
        lesson = LessonPage.objects.descendant_of(course).get()
        response = lesson.make_preview_request()
        assert response.status_code == 200
        assert "Content-Security-Policy" not in response
