"""Store the competency framework and the question banks read by `load_curricula`.

Runs inside the import's transaction (on `courses.events.curriculum_written`). Idempotent: an
unchanged item is not touched; a changed item that nobody has answered is edited in place; a
changed item that has been answered gets a new version, so graded attempts keep what they saw.
"""

from __future__ import annotations

import hashlib
import json

from django.utils import timezone

from assessments.item_versions import item_wording_write, option_stored
from assessments.models import (
    Assessment,
    AssessmentKind,
    Behaviour,
    Competency,
    CompetencyDomain,
    CourseCompetency,
    FeedbackPolicy,
    Item,
    ItemPool,
    ProgramCompetency,
    Response,
    Vignette,
)
from courses.curriculum.competencies import Framework
from courses.curriculum.items import ItemSpec, QuestionBank
from courses.curriculum.plan import CourseSpec, CurriculumPlan
from courses.models import CoursePage, LessonObjective, ModulePage, ProgramPage

# Items a course pre-test draws from the exam pool: a starting point, short enough to be optional.
PRETEST_LENGTH = 5


def curriculum_assessments_write(*, plan: CurriculumPlan, courses: dict, report) -> None:
    if plan.framework is not None:
        framework_write(plan.framework, report)
    competencies = {c.code: c for c in Competency.objects.all()}
    for spec in plan.courses:
        course = courses[spec.slug]
        CourseCompetency.objects.filter(course=course).exclude(
            competency__code__in=spec.competencies
        ).delete()
        for code in spec.competencies:
            CourseCompetency.objects.get_or_create(course=course, competency=competencies[code])
        if spec.bank is not None:
            BankWriter(course, spec, competencies, report).write()
    programs = {
        p.slug: p for p in ProgramPage.objects.filter(slug__in=[s.slug for s in plan.programs])
    }
    for spec in plan.programs:
        program = programs[spec.slug]
        ProgramCompetency.objects.filter(program=program).exclude(
            competency__code__in=spec.observed_competencies
        ).delete()
        for code in spec.observed_competencies:
            ProgramCompetency.objects.get_or_create(program=program, competency=competencies[code])


def digest_of(values: dict) -> str:
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()


def upsert_from_files(model, lookup: dict, values: dict, report, label: str):
    """Create the row, or update it only when the files changed these values since the last
    load: an edit made in the CMS stands until then."""
    digest = digest_of(values)
    row = model.objects.filter(**lookup).first()
    if row is None:
        row = model.objects.create(**lookup, **values, source_digest=digest)
        report.created.append(label)
    elif row.source_digest != digest:
        for name, value in values.items():
            setattr(row, name, value)
        row.source_digest = digest
        row.save()
        report.updated.append(label)
    return row


def framework_write(framework: Framework, report) -> None:
    domains = {}
    for order, (code, fields) in enumerate(framework.domains.items()):
        domains[code] = upsert_from_files(
            CompetencyDomain,
            {"code": code},
            {"name": fields["name"], "description": fields["description"], "sort_order": order},
            report,
            f"competency domain {code}",
        )
    behaviours = {(b.competency_id, b.code): b for b in Behaviour.objects.all()}
    for order, spec in enumerate(framework.competencies.values()):
        competency = upsert_from_files(
            Competency,
            {"code": spec.id},
            {
                "domain": domains[spec.domain],
                "name": spec.name,
                "description": spec.description,
                "retired": spec.retired,
                "sort_order": order,
            },
            report,
            f"competency {spec.id}",
        )
        behaviours_write(competency, spec, behaviours, report)


def behaviours_write(competency: Competency, spec, existing: dict, report) -> None:
    """The checklist as the file lists it; a behaviour the file drops is retired, so the ratings
    already given keep their wording."""
    listed = set()
    for order, (code, text) in enumerate(spec.behaviours):
        listed.add(code)
        values = {"text": text, "sort_order": order, "retired": False}
        row = existing.get((competency.pk, code))
        if row is None:
            Behaviour.objects.create(competency=competency, code=code, **values)
            report.created.append(f"behaviour {spec.id}/{code}")
        elif any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            row.save()
            report.updated.append(f"behaviour {spec.id}/{code}")
    for (competency_id, code), row in existing.items():
        if competency_id == competency.pk and code not in listed and not row.retired:
            row.retired = True
            row.save(update_fields=["retired"])
            report.not_in_files.append(f"behaviour {spec.id}/{code} (retired)")


def item_digest(spec: ItemSpec, vignette: dict | None) -> str:
    data = {
        "case": [vignette["title"], vignette["text"]] if vignette else None,
        "type": spec.type,
        "stem": spec.stem,
        "difficulty": spec.difficulty,
        "competencies": spec.competencies,
        "module": spec.module,
        "vignette": spec.vignette,
        "options": [(o.text, o.correct, o.rationale, o.fixed) for o in spec.options],
        "pool": spec.pool,
        "objectives": spec.objectives,
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


class BankWriter:
    def __init__(self, course: CoursePage, spec: CourseSpec, competencies: dict, report):
        self.course, self.spec, self.bank = course, spec, spec.bank
        self.competencies = competencies
        self.report = report
        self.modules = {m.slug: m for m in ModulePage.objects.child_of(course)}
        self.objectives = {o.code: o for o in LessonObjective.objects.filter(course=course)}

    def write(self) -> None:
        bank: QuestionBank = self.bank
        vignettes = {}
        for code, fields in bank.vignettes.items():
            vignettes[code], _ = Vignette.objects.update_or_create(
                code=code,
                defaults={"course": self.course, "title": fields["title"], "text": fields["text"]},
            )
        existing = {
            item.code: item
            for item in Item.objects.filter(code__in=[i.id for i in bank.items]).select_related(
                "current_version"
            )
        }
        for order, spec in enumerate(bank.items):
            self._item(spec, order, existing.get(spec.id), vignettes)
        gone = Item.objects.filter(course=self.course, retired=False).exclude(
            code__in=[i.id for i in bank.items]
        )
        for code in gone.values_list("code", flat=True):
            self.report.not_in_files.append(f"item {code} (retired)")
        gone.update(retired=True)
        self._assessments()

    def _item(self, spec: ItemSpec, order: int, item: Item | None, vignettes: dict) -> None:
        digest = item_digest(spec, self.bank.vignettes.get(spec.vignette))
        if item is not None and item.source_digest == digest and item.sort_order == order:
            return
        options = [option_stored(spec.id, o) for o in spec.options]
        created = item is None
        if item is not None and item.pool != spec.pool == ItemPool.SUMMATIVE:
            self._expose_if_shown(item)
        item = item or Item(code=spec.id)
        item.pool = spec.pool
        item.course = self.course
        item.module = self.modules.get(spec.module) if spec.module else None
        item.vignette = vignettes.get(spec.vignette) if spec.vignette else None
        item.kind = spec.type
        item.difficulty = spec.difficulty
        item.sort_order = order
        item.retired = False
        item.source_digest = digest
        item.save()
        item.competencies.set([self.competencies[code] for code in spec.competencies])
        item.objectives.set([self.objectives[code] for code in spec.objectives])
        case = self.bank.vignettes.get(spec.vignette) if spec.vignette else None
        shown = {
            "stem": spec.stem,
            "options": options,
            "vignette_title": case["title"] if case else "",
            "vignette_text": case["text"] if case else "",
        }
        item_wording_write(item, shown)
        (self.report.created if created else self.report.updated).append(f"item {spec.id}")

    def _expose_if_shown(self, item: Item) -> None:
        """An item moving into the exam pool whose key a knowledge check has already shown is
        exposed from the start: it stays in the bank but is never drawn for an exam."""
        shown = Response.objects.filter(
            item_version__item=item, attempt__assessment__kind=AssessmentKind.KNOWLEDGE_CHECK
        ).exists()
        if shown and item.exposed_at is None:
            item.exposed_at = timezone.now()
            item.exposed_note = "Moved to the exam pool after a knowledge check showed its key."
            self.report.updated.append(f"item {item.code} (exposed: its key was shown)")

    def _assessments(self) -> None:
        rules = self.bank.exam
        upsert_from_files(
            Assessment,
            {"course": self.course, "kind": AssessmentKind.EXAM},
            {
                "title": f"Course exam: {self.course.title}",
                "passing_score": rules["passing_score"],
                "form_length": rules["form_length"],
                "max_attempts": rules["max_attempts"],
                "cooldown_minutes": rules["cooldown_minutes"],
                "time_limit_minutes": rules["time_limit_minutes"],
                "feedback": rules["feedback"],
                "shuffle_options": True,
            },
            self.report,
            f"exam of {self.course.slug}",
        )
        upsert_from_files(
            Assessment,
            {"course": self.course, "kind": AssessmentKind.PRETEST},
            {
                "title": f"Pre-test: {self.course.title}",
                "passing_score": 100,  # unused: a pre-test is neither passed nor failed
                "form_length": min(PRETEST_LENGTH, rules["form_length"]),
                "max_attempts": 1,
                "cooldown_minutes": 0,
                "time_limit_minutes": None,
                "feedback": FeedbackPolicy.SCORE_ONLY,
                "shuffle_options": True,
            },
            self.report,
            f"pre-test of {self.course.slug}",
        )
        formative = {item.module for item in self.bank.items if item.pool == ItemPool.FORMATIVE}
        for slug in sorted(formative):
            module = self.modules[slug]
            upsert_from_files(
                Assessment,
                {"module": module},
                {
                    "kind": AssessmentKind.KNOWLEDGE_CHECK,
                    "course": self.course,
                    "title": f"Knowledge check: {module.title}",
                    "passing_score": 80,
                    "form_length": None,
                    "max_attempts": None,
                    "cooldown_minutes": 0,
                    "time_limit_minutes": None,
                    "feedback": FeedbackPolicy.FULL,
                    "shuffle_options": True,
                },
                self.report,
                f"knowledge check of {self.course.slug}/{slug}",
            )
