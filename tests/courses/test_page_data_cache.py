"""Course and program pages keep what every reader sees alike (a course's modules, disclosures,
topics, prerequisites, programs and corrections; a program's courses and requirements) between
requests (content.fragments.page_data), and the request's site (content.sites). Each test warms
the cache, changes one thing the way an editor or the system does, and sees it at once."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wagtail.models import Site
from wagtail.rich_text import RichText

import pytest

from assessments.models import Assessment, AssessmentKind, ProgramCompetency
from courses.models import (
    CourseDisclosure,
    CoursePage,
    Enrolment,
    LessonCorrection,
    ModulePage,
    ProgramPage,
    Topic,
)
from tests.assessments.factories import competencies
from tests.courses.factories import build_course, build_program, lessons_of


def published(page):
    """The page as served: with a live revision, which the cache keys hold."""
    page.save_revision().publish()
    return type(page).objects.get(pk=page.pk)


def queries_reading(captured, table: str) -> int:
    return sum(f'FROM "{table}"' in query["sql"] for query in captured)


@pytest.fixture
def course(db, home_page):
    course = build_course("kept", modules=2, lessons=2)
    CourseDisclosure.objects.create(course=course, name="Dr First Author", role="author")
    course.topics.add(Topic.objects.create(slug="sleep", name="Sleep"))
    return published(course)


def page_text(client, page) -> str:
    response = client.get(page.url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
class CourseFactsTests:
    def test_a_second_view_reads_no_facts_again(self, client, learner, course):
        client.force_login(learner)
        with CaptureQueriesContext(connection) as first:
            page_text(client, course)
        with CaptureQueriesContext(connection) as second:
            body = page_text(client, course)
        for table in ("courses_coursedisclosure", "courses_topic", "courses_modulepage"):
            assert queries_reading(first.captured_queries, table) == 1, table
            assert queries_reading(second.captured_queries, table) == 0, table
        assert "Dr First Author" in body and "Sleep" in body and "Module 2" in body

    def test_a_disclosure_published_with_the_course_shows_at_once(self, client, course):
        page_text(client, course)
        course.disclosures.add(CourseDisclosure(name="Ms Second Planner", role="planner"))
        course.save_revision().publish()
        assert "Ms Second Planner" in page_text(client, course)

    def test_a_renamed_topic_shows_its_new_name(self, client, course):
        page_text(client, course)
        Topic.objects.filter(slug="sleep").update(name="unused")  # no signal: proves the next
        topic = Topic.objects.get(slug="sleep")  # line's save is what invalidates
        topic.name = "Sleep and rest"
        topic.save()
        body = page_text(client, course)
        assert "Sleep and rest" in body

    def test_a_prerequisite_retitled_elsewhere_shows_its_new_title(self, client, course):
        first = published(build_course("first-steps", modules=1, lessons=1))
        course.prerequisites.add(first)
        course = published(course)
        assert "Course first-steps" in page_text(client, course)
        first.title = "Foundations of recovery"
        first.save_revision().publish()
        body = page_text(client, course)
        assert "Foundations of recovery" in body and "Course first-steps" not in body

    def test_a_program_taking_the_course_is_listed_once_published(self, client, course, home_page):
        assert "Part of" not in page_text(client, course)
        program = build_program(home_page, courses=[course])
        program.save_revision().publish()
        assert "Part of" in page_text(client, course)

    def test_an_unpublished_module_leaves_the_outline(self, client, course):
        assert "Module 2" in page_text(client, course)
        ModulePage.objects.child_of(course).get(slug="m2").unpublish()
        assert "Module 2" not in page_text(client, course)

    def test_a_published_correction_joins_the_log(self, client, course):
        page_text(client, course)
        LessonCorrection.objects.create(
            lesson=lessons_of(course)[0],
            course=course,
            summary="A dose range was corrected.",
            published_at=timezone.now(),
        )
        assert "A dose range was corrected." in page_text(client, course)

    def test_an_exam_added_to_the_course_shows_its_section(self, client, learner, course):
        client.force_login(learner)
        assert "Course exam" not in page_text(client, course)
        Assessment.objects.create(course=course, kind=AssessmentKind.EXAM, title="Course exam")
        assert "Course exam" in page_text(client, course)

    def test_a_draft_never_comes_from_or_goes_into_the_cache(self, client, course):
        page_text(client, course)
        course.disclosures.add(CourseDisclosure(name="Mr Draft Reviewer", role="reviewer"))
        course.save_revision()  # saved, not published
        preview = course.get_latest_revision_as_object().make_preview_request()
        assert "Mr Draft Reviewer" in preview.render().content.decode()
        assert "Mr Draft Reviewer" not in page_text(client, course)


@pytest.mark.django_db
class ProgramFactsTests:
    @pytest.fixture
    def program(self, course, home_page, learner):
        program = published(build_program(home_page, courses=[course]))
        Enrolment.objects.create(user=learner, program=program)
        return program

    def test_a_competency_required_later_shows_in_the_requirements(self, client, learner, program):
        client.force_login(learner)
        assert "Competencies observed" not in page_text(client, program)
        ProgramCompetency.objects.create(program=program, competency=competencies("pss.1")[0])
        assert "Competencies observed" in page_text(client, program)

    def test_a_course_added_to_the_program_is_listed(self, client, learner, program):
        client.force_login(learner)
        page_text(client, program)
        added = published(build_course("added-later", modules=1, lessons=1))
        program = ProgramPage.objects.get(pk=program.pk)
        program.program_courses.add(program.program_courses.model(course=added, sort_order=9))
        program.save_revision().publish()
        assert "Course added-later" in page_text(client, program)

    def test_a_second_view_reads_no_courses_again(self, client, learner, program):
        client.force_login(learner)
        page_text(client, program)
        with CaptureQueriesContext(connection) as second:
            page_text(client, program)
        assert queries_reading(second.captured_queries, "courses_programcourse") == 0
        assert queries_reading(second.captured_queries, "assessments_programcompetency") == 0


@pytest.mark.django_db
class SiteCacheTests:
    def test_the_site_is_read_once_for_many_requests(self, client, course):
        page_text(client, course)
        with CaptureQueriesContext(connection) as again:
            page_text(client, course)
        assert queries_reading(again.captured_queries, "wagtailcore_site") == 0

    def test_a_site_moved_to_another_host_stops_serving_this_one(self, client, course):
        page_text(client, course)
        site = Site.objects.get(is_default_site=True)
        site.hostname, site.is_default_site = "elsewhere.example", False
        site.save()
        assert client.get(course.url).status_code == 404
        assert CoursePage.objects.filter(pk=course.pk).exists()


@pytest.mark.django_db
class CourseOutlineTests:
    """The dashboard keeps each course's live lessons (courses.progress.course_outlines)."""

    def dashboard_line(self, client) -> str:
        body = client.get("/dashboard/").content.decode()
        return next(line for line in body.splitlines() if " lessons" in line and " of " in line)

    def test_a_lesson_unpublished_or_added_shows_at_once(self, client, learner, course):
        from courses import services

        lessons = lessons_of(course)
        services.lesson_view(user=learner, lesson=lessons[1], course=course)  # enrols
        client.force_login(learner)
        assert "0 of 4 lessons" in self.dashboard_line(client)
        with CaptureQueriesContext(connection) as kept:
            self.dashboard_line(client)
        assert queries_reading(kept, "courses_lessonpage") == 0
        first = lessons[0]
        first.unpublish()
        assert "0 of 3 lessons" in self.dashboard_line(client)
        module = ModulePage.objects.child_of(course).first()
        module.add_child(
            instance=type(first)(
                title="New lesson",
                slug="new",
                body=[("text", {"text": RichText("<p>More.</p>"), "references": []})],
            )
        )
        new = module.get_children().get(slug="new").specific
        new.save_revision().publish()
        assert "0 of 4 lessons" in self.dashboard_line(client)
