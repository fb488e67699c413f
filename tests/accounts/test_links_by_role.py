"""Pages link only to what the viewer may open: every role's pages are crawled one link deep,
and no link answers 403."""

import re

from django.test import Client

import pytest

from accounts.roles import Role
from tests.courses.factories import build_course
from tests.factories import UserFactory, staff_user

START = [
    "/dashboard/",
    "/practice/",
    "/practice/competencies/",
    "/credentials/",
    "/credentials/transcript/",
    "/learning-record/",
    "/accounts/profile/",
    "/courses/",
]
LINK = re.compile(r'<a [^>]*href="(/[^"#?]*)"')
# Links that do something other than show a page to this person.
SKIP = ("/accounts/logout/", "/static/", "/media/", "/cms/", "/django-admin/")


def crawl(client: Client) -> dict[str, int]:
    seen: dict[str, int] = {}
    for start in START:
        response = client.get(start)
        seen[start] = response.status_code
        if response.status_code != 200:
            continue
        for href in LINK.findall(response.content.decode()):
            if href not in seen and not href.startswith(SKIP):
                seen[href] = client.get(href).status_code
    return seen


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", [None, Role.SUPERVISOR, Role.ADMINISTRATOR, Role.AUTHOR, Role.BOARD_VERIFIER]
)
def test_no_page_links_a_role_to_a_page_it_may_not_open(client, home_page, role):
    build_course("links", modules=1, lessons=1)
    client.force_login(UserFactory() if role is None else staff_user(role))
    forbidden = {href: status for href, status in crawl(client).items() if status == 403}
    assert forbidden == {}


@pytest.mark.django_db
def test_the_supervision_queue_is_linked_for_supervisors_only(client, home_page):
    client.force_login(UserFactory())
    assert "/practice/supervision/" not in client.get("/practice/").content.decode()
    client.force_login(staff_user(Role.SUPERVISOR))
    assert "/practice/supervision/" in client.get("/practice/").content.decode()
