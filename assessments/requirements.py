"""What is met and what is left: the one evaluation of a program's (or a course's) requirements.

The rules are data on the program page (hours, courses) and on the course (its modules and
exam); credentials will issue on `program_status(...).met` and `course_status(...).met`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from accounts.models import User
from assessments.models import (
    Assessment,
    AssessmentKind,
    Attempt,
    Observation,
    ProgramCompetency,
    Rating,
)
from assessments.selectors import practice_totals
from courses import selectors as course_selectors
from courses.models import CoursePage, Enrolment, ModuleCompletion, ModulePage, ProgramPage


@dataclass
class Check:
    label: str
    met: bool
    page: object = None  # the course or module to link to


@dataclass
class Requirement:
    key: str
    label: str
    required: Decimal
    done: Decimal
    unit: str  # "hours", "courses", "exams", "competencies", "modules"
    checks: list[Check] = field(default_factory=list)

    @property
    def met(self) -> bool:
        return self.done >= self.required

    @property
    def left(self) -> Decimal:
        return max(self.required - self.done, Decimal(0))

    @property
    def percent(self) -> int:
        if not self.required:
            return 100
        return min(100, int(self.done * 100 / self.required))


@dataclass
class Status:
    requirements: list[Requirement]

    @property
    def met(self) -> bool:
        return all(requirement.met for requirement in self.requirements)


def _course_exams(courses: list[CoursePage]) -> dict[int, Assessment]:
    return {
        a.course_id: a
        for a in Assessment.objects.filter(kind=AssessmentKind.EXAM, course__in=courses)
    }


def _passed_exams(
    user: User, courses: list[CoursePage], exams: dict[int, Assessment] | None = None
) -> tuple[dict[int, Assessment], set]:
    exams = _course_exams(courses) if exams is None else exams
    passed = set(
        Attempt.objects.filter(user=user, assessment__in=exams.values(), passed=True)
        .values_list("assessment__course_id", flat=True)
        .distinct()
    )
    return exams, passed


def course_status(*, user: User, course: CoursePage) -> Status:
    modules = list(ModulePage.objects.live().child_of(course))
    completed = set(
        ModuleCompletion.objects.filter(user=user, module__in=modules).values_list(
            "module_id", flat=True
        )
    )
    requirements = [
        Requirement(
            "modules",
            "Modules completed (lessons, and the knowledge check where there is one)",
            Decimal(len(modules)),
            Decimal(len(completed)),
            "modules",
            [Check(m.title, m.pk in completed, m) for m in modules],
        )
    ]
    exams, passed = _passed_exams(user, [course])
    if course.pk in exams and course.exam_required:
        requirements.append(
            Requirement(
                "exam",
                "Course exam passed",
                Decimal(1),
                Decimal(int(course.pk in passed)),
                "exams",
            )
        )
    return Status(requirements)


@dataclass
class ProgramFacts:
    """What a program's requirements are judged on that is the same for every learner."""

    exams: dict[int, Assessment]  # by course pk
    observed: list[ProgramCompetency]  # competencies a supervisor must observe, in order


def program_facts(program: ProgramPage, courses: list[CoursePage]) -> ProgramFacts:
    return ProgramFacts(
        exams=_course_exams(courses),
        observed=list(
            ProgramCompetency.objects.filter(program=program)
            .select_related("competency")
            .order_by("competency__domain__sort_order", "competency__sort_order")
        ),
    )


def program_status(
    *,
    user: User,
    program: ProgramPage,
    courses: list[CoursePage] | None = None,
    course_enrolments: dict[int, Enrolment] | None = None,
    facts: ProgramFacts | None = None,
) -> Status:
    """The person's status against the program's requirements. A page passes what it has read
    already (the program's live courses, the person's enrolments in them, the program's facts);
    anything not passed is read here."""
    if courses is None:
        courses = course_selectors.program_courses(program=program)
    if course_enrolments is None:
        course_enrolments = {
            e.course_id: e for e in Enrolment.objects.filter(user=user, course__in=courses)
        }
    completed = {
        course_id for course_id, e in course_enrolments.items() if e.completed_at is not None
    }
    facts = program_facts(program, courses) if facts is None else facts
    exams, passed = _passed_exams(user, courses, facts.exams)
    course_hours = sum((c.ce_hours for c in courses if c.pk in completed), Decimal(0))
    hours = practice_totals(user=user)  # attested practice, approved training elsewhere

    requirements = [
        Requirement(
            "courses",
            "Courses completed",
            Decimal(len(courses)),
            Decimal(len(completed)),
            "courses",
            [Check(c.title, c.pk in completed, c) for c in courses],
        )
    ]
    if exams:
        requirements.append(
            Requirement(
                "exams",
                "Course exams passed",
                Decimal(len(exams)),
                Decimal(len(passed & set(exams))),
                "exams",
                [Check(c.title, c.pk in passed, c) for c in courses if c.pk in exams],
            )
        )
    for key, label, required, done in (
        (
            "training_hours",
            "Training hours (program courses and approved training elsewhere)",
            program.training_hours_required,
            course_hours + hours["approved"],
        ),
        (
            "person_centered_hours",
            "of which person-centered training hours",
            program.person_centered_hours_required,
            course_hours + hours["person_centered"],
        ),
        (
            "supervised_hours",
            "Supervised practice hours attested by a supervisor",
            program.supervised_hours_required,
            hours["attested"],
        ),
    ):
        if required:
            requirements.append(Requirement(key, label, required, done, "hours"))
    observed = facts.observed
    if observed:
        competent = set(
            Observation.objects.filter(
                learner=user,
                rating=Rating.COMPETENT,
                competency__in=[link.competency for link in observed],
            ).values_list("competency_id", flat=True)
        )
        requirements.append(
            Requirement(
                "observed_competencies",
                "Competencies observed as competent by a supervisor",
                Decimal(len(observed)),
                Decimal(len(competent)),
                "competencies",
                [Check(link.competency.name, link.competency_id in competent) for link in observed],
            )
        )
    return Status(requirements)
