"""The assessment section of course pages (the exam) and module pages (the knowledge check)."""

from assessments.models import Assessment, AssessmentKind, Attempt
from assessments.requirements import program_status
from courses.models import CoursePage, Enrolment, ModulePage, ProgramPage


def program_requirements_section(*, request, page) -> dict | None:
    """On a program page, for an enrolled learner: every requirement, what is done and left."""
    if not isinstance(page, ProgramPage) or not request.user.is_authenticated:
        return None
    if not Enrolment.objects.filter(user=request.user, program=page).exists():
        return None
    return {
        "template": "assessments/includes/program_requirements.html",
        "status": program_status(user=request.user, program=page),
    }


def pretest_section(*, request, page) -> dict | None:
    """On a course page, for a signed-in learner: the optional pre-test, before the course (not
    once they have started the exam), or the score they started from."""
    if not isinstance(page, CoursePage) or not request.user.is_authenticated:
        return None
    pretest = Assessment.objects.filter(course=page, kind=AssessmentKind.PRETEST).first()
    if pretest is None:
        return None
    taken = (
        Attempt.objects.filter(assessment=pretest, user=request.user, submitted_at__isnull=False)
        .only("score")
        .first()
    )
    if (
        taken is None
        and Attempt.objects.filter(
            assessment__course_id=page.pk, assessment__kind=AssessmentKind.EXAM, user=request.user
        ).exists()
    ):
        return None
    return {
        "template": "assessments/includes/pretest_section.html",
        "place": "after_disclosures",
        "pretest": pretest,
        "taken": taken,
    }


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
