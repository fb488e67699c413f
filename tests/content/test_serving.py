"""Serving pages by URL path with view restrictions read in one query (content.serving,
content.pages) keeps Wagtail's rules: restrictions on ancestors and on an alias's source apply,
drafts and unknown paths are 404s."""

from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.models import PageViewRestriction

import pytest

from accounts.roles import Role
from courses.models import CoursePage, LessonPage
from tests.courses.factories import build_course, course_index, lessons_of


@pytest.fixture
def course(db):
    return build_course("served", modules=1, lessons=1)


def restrict(page, kind, **extra):
    restriction = PageViewRestriction.objects.create(page=page, restriction_type=kind, **extra)
    return restriction


@pytest.mark.django_db
class ServingTests:
    def test_a_page_is_found_by_its_path(self, client, course):
        response = client.get("/courses/served/")
        assert response.status_code == 200
        assert response.context["page"].specific_class is CoursePage

    def test_an_unknown_path_and_a_draft_are_not_found(self, client, course):
        assert client.get("/courses/no-such-course/").status_code == 404
        CoursePage.objects.filter(pk=course.pk).update(live=False)
        assert client.get("/courses/served/").status_code == 404

    def test_a_restriction_on_the_course_covers_its_lessons(self, client, learner, course):
        lesson = lessons_of(course)[0]
        restrict(course, PageViewRestriction.PASSWORD, password="s3cret")
        client.force_login(learner)
        response = client.get(lesson.url)
        assert response.status_code == 200
        assert "password" in response.content.decode().lower()
        assert "Lesson text." not in response.content.decode()

    def test_a_groups_restriction_admits_only_the_group(self, client, learner, course):
        lesson = lessons_of(course)[0]
        client.force_login(learner)
        others = Group.objects.create(name="Residents of another programme")
        restriction = restrict(course, PageViewRestriction.GROUPS)
        restriction.groups.add(others)
        assert "Lesson text." not in client.get(lesson.url).content.decode()
        restriction.groups.set([Group.objects.get(name=Role.LEARNER)])  # the learner's role
        assert learner.groups.filter(name=Role.LEARNER).exists()
        assert "Lesson text." in client.get(lesson.url).content.decode()

    def test_a_login_restriction_sends_visitors_to_sign_in(self, client, course):
        restrict(course_index(), PageViewRestriction.LOGIN)
        response = client.get("/courses/served/")
        assert response.status_code == 302 and "login" in response["Location"]

    def test_an_alias_has_the_restrictions_of_its_source(self, client, learner, course):
        restrict(course, PageViewRestriction.PASSWORD, password="s3cret")
        alias = course.create_alias(parent=course_index(), update_slug="served-alias")
        assert alias.alias_of_id == course.pk
        response = client.get("/courses/served-alias/")
        assert response.status_code == 200
        assert "password" in response.content.decode().lower()
        assert "Summary of served." not in response.content.decode()

    def test_lessons_of_an_unrestricted_course_are_served(self, client, learner, course):
        client.force_login(learner)
        lesson = LessonPage.objects.get(pk=lessons_of(course)[0].pk)
        assert "Lesson text." in client.get(lesson.url).content.decode()

    def test_a_restriction_added_after_a_view_applies_at_once(self, client, course):
        assert "Summary of served." in client.get("/courses/served/").content.decode()
        restrict(course, PageViewRestriction.PASSWORD, password="s3cret")
        body = client.get("/courses/served/").content.decode()
        assert "password" in body.lower() and "Summary of served." not in body


@pytest.mark.django_db
class RoutingHintTests:
    """Which page and type were at a URL path is kept as a hint (content.serving): one query
    finds the page next time, and a hint gone stale is never believed."""

    def page_queries(self, captured) -> int:
        return sum('FROM "wagtailcore_page"' in q["sql"] for q in captured)

    def test_a_second_request_finds_the_page_in_one_query(self, client, course):
        with CaptureQueriesContext(connection) as first:
            client.get("/courses/served/")
        with CaptureQueriesContext(connection) as second:
            response = client.get("/courses/served/")
        assert response.status_code == 200
        routing = [q["sql"] for q in second.captured_queries if '"url_path" = ' in q["sql"]]
        assert len(routing) == 1 and '"courses_coursepage"' in routing[0]
        assert self.page_queries(second.captured_queries) < self.page_queries(
            first.captured_queries
        )

    def test_a_page_moved_away_leaves_its_old_path_to_whatever_is_there_now(self, client, course):
        assert client.get("/courses/served/").status_code == 200
        course.slug = "served-elsewhere"
        course.save_revision().publish()
        assert client.get("/courses/served/").status_code == 404
        assert client.get("/courses/served-elsewhere/").status_code == 200
        newcomer = build_course("served", modules=1, lessons=1)
        response = client.get("/courses/served/")
        assert response.status_code == 200 and response.context["page"].pk == newcomer.pk

    def test_a_deleted_page_is_not_found(self, client, course):
        assert client.get("/courses/served/").status_code == 200
        CoursePage.objects.get(pk=course.pk).delete()
        assert client.get("/courses/served/").status_code == 404
