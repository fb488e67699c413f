"""Achievements from the curriculum files: one per course (completion with its CE hours) and
one per program (the certification). Written on `courses.events.curriculum_written`, inside the
import's transaction; wording edited in the CMS stands until the files change it."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings

from assessments.bank_import import upsert_from_files
from assessments.models import Competency
from courses.curriculum.plan import CourseSpec, CurriculumPlan, ProgramSpec
from courses.models import ProgramPage
from credentials.models import Achievement, AchievementKind

CERTIFICATION_VALID_MONTHS = 12


def _hours(value: Decimal) -> str:
    return f"{value.normalize():f}"


def course_criteria(spec: CourseSpec) -> str:
    """What the credential certifies, in words that stay true: the rules it was earned under."""
    exam = spec.exam_required and spec.bank is not None
    share = round(settings.LESSON_MIN_TIME_SHARE * 100)
    text = f"Completed every lesson of the course “{spec.title}”"
    if share:
        text += f", each after spending at least {share}% of its estimated reading time on it"
    if spec.bank is not None:
        # Knowledge checks are practice: they show their answers, so they certify little alone.
        text += ", and each module's knowledge check (practice questions with feedback)"
    if exam:
        rules = spec.bank.exam
        summative = sum(1 for item in spec.bank.items if item.pool == "summative")
        text += (
            f"; passed the course exam ({rules['form_length']} questions drawn at random from "
            f"{summative} that assess every lesson objective, pass mark "
            f"{rules['passing_score']}%)"
        )
    return text + f". {_hours(spec.ce_hours)} CE hour{'' if spec.ce_hours == 1 else 's'}."


def program_criteria(spec: ProgramSpec) -> str:
    parts = [f"Completed the {len(spec.courses)} courses of the program “{spec.title}”"]
    if spec.training_hours_required:
        parts.append(
            f"{_hours(spec.training_hours_required)} training hours, of which "
            f"{_hours(spec.person_centered_hours_required)} person-centered"
        )
    if spec.supervised_hours_required:
        parts.append(f"{_hours(spec.supervised_hours_required)} supervised practice hours")
    if spec.observed_competencies:
        parts.append(
            f"{len(spec.observed_competencies)} competencies observed as competent by a supervisor"
        )
    renewal = (
        f" Renewed each year with {_hours(spec.renewal_ce_hours_per_year)} CE hours."
        if spec.renewal_ce_hours_per_year
        else ""
    )
    return "; ".join(parts) + "." + renewal


def curriculum_achievements_write(*, plan: CurriculumPlan, courses: dict, report) -> None:
    competencies = {c.code: c for c in Competency.objects.all()}

    def write(slug: str, fields: dict, competency_codes) -> None:
        achievement = upsert_from_files(
            Achievement, {"slug": slug}, fields, report, f"achievement {slug}"
        )
        achievement.competencies.set([competencies[code] for code in competency_codes])

    for spec in plan.courses:
        fields = {
            "kind": AchievementKind.COURSE,
            "course": courses[spec.slug],
            "name": spec.title,
            "description": spec.summary,
            "criteria": course_criteria(spec),
            "ce_hours": spec.ce_hours,
        }
        write(f"course-{spec.slug}", fields, spec.competencies)
    programs = {
        p.slug: p for p in ProgramPage.objects.filter(slug__in=[s.slug for s in plan.programs])
    }
    for spec in plan.programs:
        fields = {
            "kind": AchievementKind.CERTIFICATION,
            "program": programs[spec.slug],
            "name": spec.credential_name,
            "description": spec.summary,
            "criteria": program_criteria(spec),
            "validity_months": CERTIFICATION_VALID_MONTHS,
            "renewal_ce_hours": spec.renewal_ce_hours_per_year or None,
        }
        write(f"program-{spec.slug}", fields, spec.observed_competencies)
