"""The assessment section of course pages (the exam) and module pages (the knowledge check)."""

from functools import partial

from assessments.models import Assessment, AssessmentKind, Attempt
from assessments.requirements import program_facts, program_status
from content.fragments import page_data
from courses import selectors as course_selectors
from courses.models import CoursePage, ModulePage, ProgramPage


def program_requirements_section(*, request, page) -> dict | None:
    """On a program page, for an enrolled learner: every requirement, what is done and left."""
    if not isinstance(page, ProgramPage) or not request.user.is_authenticated:
        return None
    courses = course_selectors.program_courses(program=page, request=request)
    enrolments = course_selectors.program_enrolments(
        user=request.user, program=page, courses=courses
    )
    if enrolments.program is None:
        return None
    status = program_status(
        user=request.user,
        program=page,
        courses=courses,
        course_enrolments=enrolments.courses,
        facts=page_data(request, page, "requirement-facts", partial(program_facts, page, courses)),
    )
    return {"template": "assessments/includes/program_requirements.html", "status": status}


def page_assessments(request, page) -> dict[str, Assessment]:
    """A course's pre-test and exam by kind, or a module's knowledge check (under MODULE): one
    read, kept between requests (content.fragments) and for the rest of this one. Should there
    be two of a kind, the one with the lowest pk, as `.first()` would."""
    if not hasattr(page, "_assessments"):
        page._assessments = page_data(request, page, "assessments", partial(_assessments, page))
    return page._assessments


MODULE = "module"


def _assessments(page) -> dict[str, Assessment]:
    if isinstance(page, ModulePage):
        first = Assessment.objects.filter(module=page).order_by("pk").first()
        return {} if first is None else {MODULE: first}
    kinds = [AssessmentKind.PRETEST, AssessmentKind.EXAM]
    by_kind = {}
    for assessment in Assessment.objects.filter(course=page, kind__in=kinds).order_by("-pk"):
        by_kind[assessment.kind] = assessment  # the lowest pk comes last, and stays
    return by_kind


def pretest_section(*, request, page) -> dict | None:
    """On a course page, for a signed-in learner: the optional pre-test, before the course (not
    once they have started the exam), or the score they started from."""
    if not isinstance(page, CoursePage) or not request.user.is_authenticated:
        return None
    pretest = page_assessments(request, page).get(AssessmentKind.PRETEST)
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
        assessment = page_assessments(request, page).get(MODULE)
    elif isinstance(page, CoursePage):
        assessment = page_assessments(request, page).get(AssessmentKind.EXAM)
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
