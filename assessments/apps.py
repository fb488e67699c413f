from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "Assessments"

    def ready(self):
        from assessments import receivers  # noqa: F401  (connects the signal receivers)
        from assessments.models import Assessment, Competency, ProgramCompetency
        from assessments.sections import (
            assessment_section,
            pretest_section,
            program_requirements_section,
        )
        from assessments.services import exam_passed_if_required, knowledge_check_passed
        from content import fragments
        from courses import sections as course_sections
        from courses import services as course_services

        if knowledge_check_passed not in course_services.module_requirement_checks:
            course_services.module_requirement_checks.append(knowledge_check_passed)
        if exam_passed_if_required not in course_services.course_requirement_checks:
            course_services.course_requirement_checks.append(exam_passed_if_required)
        for provider in (pretest_section, assessment_section, program_requirements_section):
            if provider not in course_sections.page_sections:
                course_sections.page_sections.append(provider)
        # Course, module and program pages keep their assessments, and a program the
        # competencies it asks for, between requests (content.fragments).
        fragments.connect([Assessment, Competency, ProgramCompetency])
