"""Progress where learners see it: lesson, course and program pages."""

from django.urls import reverse

import pytest

from content.services import site_ensure_home
from courses import services
from courses.models import Enrolment, LessonProgress, ProgramCourse, ProgramIndexPage, ProgramPage
from tests.courses.factories import build_course, bulk_build_curriculum, lessons_of


@pytest.fixture
def course(db):
    return build_course("sdm", modules=1, lessons=2)


@pytest.mark.django_db
class LessonVisitTests:
    def test_first_visit_enrols_and_records_the_visit(self, client, learner, course):
        lesson = lessons_of(course)[0]
        client.force_login(learner)
        response = client.get(lesson.url)
        assert response.status_code == 200
        assert Enrolment.objects.filter(user=learner, course=course).exists()
        assert LessonProgress.objects.filter(user=learner, lesson=lesson).exists()
        body = response.content.decode()
        assert "Mark as complete" in body
        assert 'id="lesson-time"' in body
        assert "0 of 2 lessons" in body

    def test_completed_lesson_says_so(self, client, learner, course):
        lesson = lessons_of(course)[0]
        services.lesson_complete(user=learner, lesson=lesson, course=course)
        client.force_login(learner)
        body = client.get(lesson.url).content.decode()
        assert "You have completed this lesson." in body
        assert "Mark as complete" not in body

    def test_unmet_prerequisite_shows_what_is_missing_instead_of_the_lesson(
        self, client, learner, course
    ):
        advanced = build_course("advanced", modules=1, lessons=1)
        advanced.prerequisites.add(course)
        advanced.save()
        client.force_login(learner)
        response = client.get(lessons_of(advanced)[0].url)
        assert response.status_code == 403
        body = response.content.decode()
        assert "Course sdm" in body and "Lesson text." not in body
        assert not Enrolment.objects.filter(course=advanced).exists()

    @pytest.mark.parametrize("courses", [2, 50])
    def test_query_count_of_a_lesson_does_not_grow_with_the_curriculum(
        self, client, learner, django_assert_num_queries, courses
    ):
        # Up to 50 courses x 5 modules x 4 lessons; the learner is part-way through one course.
        target = bulk_build_curriculum(courses=courses, modules=5, lessons=4)[courses // 2]
        lessons = lessons_of(target)
        for lesson in lessons[:5]:
            services.lesson_complete(user=learner, lesson=lesson, course=target)
        client.force_login(learner)
        client.get(lessons[6].url)
        # 2 session, user with access status; 2 serving (the page by its URL path as its own
        # type, it and its ancestors marked where restricted, for the breadcrumb too); 1 lesson
        # sequence with the learner's completions (shared with the progress bar); 1 the visit
        # (enrolment, lesson opened before, prerequisites, gates); nothing written for a
        # reload. The site and which page is at the path come from the cache.
        with django_assert_num_queries(6):
            response = client.get(lessons[6].url)
        assert "5 of 20 lessons" in response.content.decode()


@pytest.mark.django_db
class CourseAndProgramProgressTests:
    def test_course_page_shows_progress_and_where_to_continue(self, client, learner, course):
        first, second = lessons_of(course)
        services.lesson_complete(user=learner, lesson=first, course=course)
        client.force_login(learner)
        body = client.get(course.url).content.decode()
        assert "1 of 2 lessons (50%)" in body
        assert f'href="{second.url}"' in body and "Continue:" in body

    def test_program_page_offers_enrolment_then_shows_progress(self, client, learner, course):
        home = site_ensure_home()
        index = home.add_child(instance=ProgramIndexPage(title="Programs", slug="programs"))
        program = index.add_child(
            instance=ProgramPage(
                title="Peer program",
                slug="peer",
                summary="s",
                audience="Peers",
                credential_name="Peer credential",
                program_courses=[ProgramCourse(course=course)],
            )
        )
        client.force_login(learner)
        assert "Enrol in this program" in client.get(program.url).content.decode()
        response = client.post(reverse("courses:program_enrol", args=[program.pk]))
        assert response["Location"] == program.url
        assert Enrolment.objects.filter(user=learner, program=program).exists()
        assert "Your training across these courses: 0%" in client.get(program.url).content.decode()
