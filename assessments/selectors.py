"""Reads for the assessment pages. What goes to the browser before grading is built here, from
the frozen attempt, and holds no answer key: option ids and texts only."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DecimalField, OuterRef, Subquery, Sum

from accounts.models import User
from assessments.models import (
    Attempt,
    AttemptStatus,
    Competency,
    CompetencyDomain,
    CompetencyEvidence,
    ExternalTraining,
    ItemVersion,
    Observation,
    PracticeLog,
    Response,
    ReviewStatus,
)
from config.prepared import PreparedQuery


@dataclass
class ShownOption:
    id: str
    text: str
    selected: bool
    correct: bool | None = None  # only after grading, when feedback is shown
    rationale: str = ""


@dataclass
class ShownItem:
    number: int
    version_id: int
    kind: str
    stem: str
    vignette_title: str
    vignette_text: str
    options: list[ShownOption] = field(default_factory=list)
    correct: bool | None = None
    answered: bool = False

    @property
    def multiple(self) -> bool:
        return self.kind == "multiple_response"

    @property
    def needs_choose_all_hint(self) -> bool:
        return self.multiple and "all that apply" not in self.stem.lower()


def attempt_items(*, attempt: Attempt, with_feedback: bool = False) -> list[ShownItem]:
    """The attempt's questions in their frozen order, with the learner's saved answers. The key
    and rationales are added only when `with_feedback` and the attempt has been graded, and only
    for questions the learner answered: a blank submission must not be a way to read the key."""
    reveal = with_feedback and attempt.status == AttemptStatus.SUBMITTED
    versions = {
        v.pk: v
        for v in ItemVersion.objects.filter(pk__in=attempt.version_ids).select_related("item")
    }
    responses = {r.item_version_id: r for r in Response.objects.filter(attempt=attempt)}
    shown = []
    for number, entry in enumerate(attempt.drawn, 1):
        version = versions[entry["version"]]
        options = {option["id"]: option for option in version.options}
        response = responses.get(version.pk)
        selected = set(response.selected) if response else set()
        item_reveal = reveal and bool(selected)
        item = ShownItem(
            number=number,
            version_id=version.pk,
            kind=version.item.kind,
            stem=version.stem,
            vignette_title=version.vignette_title,
            vignette_text=version.vignette_text,
            correct=response.correct if item_reveal else None,
            answered=bool(selected),
        )
        for option_id in entry["options"]:
            option = options[option_id]
            item.options.append(
                ShownOption(
                    id=option_id,
                    text=option["text"],
                    selected=option_id in selected,
                    correct=option["correct"] if item_reveal else None,
                    rationale=option["rationale"] if item_reveal else "",
                )
            )
        shown.append(item)
    return shown


def attempts_of(*, user, assessment) -> list[Attempt]:
    return list(Attempt.objects.filter(user=user, assessment=assessment).order_by("number"))


PRACTICE_TOTALS = ("attested", "waiting", "approved", "person_centered")


def _hours_total(model, **condition) -> Subquery:
    rows = model.objects.filter(learner_id=OuterRef("pk"), **condition).values("learner_id")
    hours = rows.annotate(total=Sum("hours")).values("total")
    field = model._meta.get_field("hours")
    output = DecimalField(max_digits=field.max_digits, decimal_places=field.decimal_places)
    return Subquery(hours, output_field=output)


def _with_practice_totals(user_id: int):
    approved, submitted = ReviewStatus.APPROVED, ReviewStatus.SUBMITTED
    return (
        User.objects.filter(pk=user_id)
        .only("pk")
        .annotate(
            attested=_hours_total(PracticeLog, status=approved),
            waiting=_hours_total(PracticeLog, status=submitted),
            approved=_hours_total(ExternalTraining, status=approved),
            person_centered=_hours_total(ExternalTraining, status=approved, person_centered=True),
        )
    )


# Every program page asks (its requirements section): compiled to SQL once (config.prepared).
with_practice_totals = PreparedQuery(_with_practice_totals)


def practice_totals(*, user) -> dict[str, Decimal]:
    """Supervised practice hours attested and waiting, and approved training elsewhere (all
    of it, and the person-centered part), in one query."""
    (row,) = with_practice_totals(user_id=user.pk)
    return {name: getattr(row, name) or Decimal(0) for name in PRACTICE_TOTALS}


@dataclass
class CompetencyRow:
    competency: Competency
    items_answered: int = 0
    items_correct: int = 0
    exams_passed: int = 0
    observations: list = field(default_factory=list)
    practice_hours: Decimal = Decimal(0)


def competency_evidence(*, user) -> list[tuple[CompetencyDomain, list[CompetencyRow]]]:
    """Per competency: items answered and correct, exams passed that assessed it, supervisors'
    observations, and attested practice hours that practised it. A fixed number of queries."""
    rows = {
        c.pk: CompetencyRow(c)
        for c in Competency.objects.filter(retired=False).select_related("domain")
    }
    answered = (
        CompetencyEvidence.objects.filter(user=user)
        .values("competency_id")
        .annotate(answered=Sum("answered"), correct=Sum("correct"))
    )
    for entry in answered:
        if entry["competency_id"] in rows:
            row = rows[entry["competency_id"]]
            row.items_answered, row.items_correct = entry["answered"], entry["correct"]
    exams = (
        CompetencyEvidence.objects.filter(
            user=user, attempt__passed=True, attempt__assessment__kind="exam"
        )
        .values("competency_id")
        .annotate(n=Count("attempt", distinct=True))
    )
    for entry in exams:
        if entry["competency_id"] in rows:
            rows[entry["competency_id"]].exams_passed = entry["n"]
    for observation in Observation.objects.filter(learner=user).select_related("supervisor"):
        if observation.competency_id in rows:
            rows[observation.competency_id].observations.append(observation)
    practised = (
        PracticeLog.competencies.through.objects.filter(
            practicelog__learner=user, practicelog__status=ReviewStatus.APPROVED
        )
        .values("competency_id")
        .annotate(hours=Sum("practicelog__hours"))
    )
    for entry in practised:
        if entry["competency_id"] in rows:
            rows[entry["competency_id"]].practice_hours = entry["hours"]
    domains: dict[int, tuple[CompetencyDomain, list[CompetencyRow]]] = {}
    for row in rows.values():
        domain = row.competency.domain
        domains.setdefault(domain.pk, (domain, []))[1].append(row)
    return list(domains.values())
