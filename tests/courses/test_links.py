"""Page URLs worked out from an ancestor's (courses.links) are what Wagtail gives each page."""

import pytest

from courses.links import page_url, url_below
from tests.courses.factories import build_course, course_index, lessons_of


@pytest.mark.django_db
class UrlBelowTests:
    def test_a_course_and_its_lessons_get_their_own_get_url(self, rf):
        index = course_index()
        course = build_course("grundlagen-über-entscheidungen", modules=1, lessons=2)
        request = rf.get("/")
        index_url = index.get_url(request)
        assert url_below(index_url, index.url_path, course.url_path) == course.get_url(request)
        course_url = course.get_url(request)
        for lesson in lessons_of(course):
            assert url_below(course_url, course.url_path, lesson.url_path) == lesson.url
        assert "%C3%BC" in course_url  # quoted as reverse() quotes it

    def test_no_url_below_a_page_without_one(self):
        assert url_below(None, "/home/courses/", "/home/courses/basics/") is None

    def test_page_url_from_the_path_alone(self, rf):
        index = course_index()
        course = build_course("basics", modules=1, lessons=1)
        assert page_url(index.url_path) == index.url == "/courses/"
        assert page_url(course.url_path, rf.get("/")) == course.get_url(rf.get("/"))
