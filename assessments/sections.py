"""The assessment section of course pages (the exam) and module pages (the knowledge check)."""

from assessments.models import Assessment, AssessmentKind, Attempt
from courses.models import CoursePage, ModulePage


def assessment_section(*, request, page) -> dict | None:
    if isinstance(page, ModulePage):
        assessment = Assessment.objects.filter(module=page).first()
    elif isinstance(page, CoursePage):
        assessment = Assessment.objects.filter(course=page, kind=AssessmentKind.EXAM).first()
    else:
        return None
    if assessment is None:
        return None
    passed = False
    if request.user.is_authenticated:
        passed = Attempt.objects.filter(
            assessment=assessment, user=request.user, passed=True
        ).exists()
    return {
        "template": "assessments/includes/section.html",
        "assessment": assessment,
        "passed": passed,
    }
