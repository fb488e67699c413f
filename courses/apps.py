from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = "Courses"

    def ready(self):
        from content import fragments
        from courses import receivers  # noqa: F401  (connects the signal receivers)
        from courses.models import (
            Audience,
            CourseDisclosure,
            LessonCorrection,
            ProgramCourse,
            Topic,
        )

        # What course and program pages keep between requests (selectors.course_facts,
        # selectors.program_courses) shows these.
        fragments.connect([Audience, Topic, CourseDisclosure, LessonCorrection, ProgramCourse])
