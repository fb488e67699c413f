"""The editorial standard of the curricula, measured: lessons per course, words and references
per lesson, question-bank size and competency mapping, the exam pool (twice the exam's length,
every lesson objective assessed) and answer cues (courses.curriculum.cues).

Validation (plan.py) decides whether files can be imported at all; this audit decides whether
they meet the bar the platform publishes against. `load_curricula --check` prints it and the
test suite holds the repository's curricula to it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from courses.curriculum.cues import CueReport, bank_cues
from courses.curriculum.plan import CourseSpec, CurriculumPlan
from courses.models import MEDICATION_TOPIC

LESSONS_PER_COURSE = (2, 4)
# Reading words, a worked case included (it adds about 250).
WORDS_PER_LESSON = (700, 1750)
MIN_REFERENCES_PER_LESSON = 3
MIN_ITEMS_PER_COURSE = 10
# An exam's pool holds this many times the items one attempt draws, so a retake sees a new form.
SUMMATIVE_POOL_FACTOR = 2
REQUIRED_LESSON_BLOCKS = ("objectives", "takeaways", "reflection")
# Each lesson of a medication course can be read on its own, so each carries its own caution
# (stopping abruptly, who to contact); the reference list must say what kind of work each is.
SAFETY_CALLOUT_KIND = "caution"
# In a medication lesson for peers, the caution also states the peer's scope: peers support
# choice; they do not advise on doses.
PEER_AUDIENCE = "peer"
PEER_SCOPE = re.compile(r"\b(?:do not|don't|not to|never)\s+advise\s+on\s+dos", re.IGNORECASE)
# Each module ends its teaching with at least one case worked through to a model answer.
WORKED_CASE_BLOCK = "worked_case"


@dataclass
class LessonRow:
    path: str
    words: int
    references: int
    minutes: int


@dataclass
class CourseRow:
    slug: str
    lessons: list[LessonRow]
    items: int
    competencies: int
    formative: int = 0
    summative: int = 0
    form_length: int = 0
    objectives: int = 0
    uncovered: list[str] = field(default_factory=list)
    minutes: int = 0
    ce_hours: object = None
    cues: CueReport | None = None


@dataclass
class AuditReport:
    courses: list[CourseRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    programs: int = 0
    references: int = 0  # distinct references cited by at least one lesson
    reference_kinds: Counter = field(default_factory=Counter)  # of the cited references
    medication_lessons: int = 0
    medication_lessons_with_caution: int = 0
    modules: int = 0
    modules_with_worked_case: int = 0
    worked_cases: int = 0

    @property
    def lessons(self) -> int:
        return sum(len(course.lessons) for course in self.courses)

    @property
    def words(self) -> int:
        return sum(row.words for course in self.courses for row in course.lessons)

    @property
    def items(self) -> int:
        return sum(course.items for course in self.courses)


def curriculum_audit(plan: CurriculumPlan) -> AuditReport:
    report = AuditReport(programs=len(plan.programs))
    cited: set[str] = set()
    for course in sorted(plan.courses, key=lambda c: c.slug):
        report.courses.append(_course(course, report.problems, cited))
        _worked_cases(course, report)
        if MEDICATION_TOPIC in course.topics:
            _safety_callouts(course, report)
    report.references = len(cited)
    report.reference_kinds = Counter(
        plan.references[key]["kind"] for key in cited if key in plan.references
    )
    return report


def _safety_callouts(course: CourseSpec, report: AuditReport) -> None:
    for_peers = PEER_AUDIENCE in course.audiences
    for lesson in (lesson for module in course.modules for lesson in module.lessons):
        report.medication_lessons += 1
        cautions = [
            block.value["text"]
            for block in lesson.blocks
            if block.type == "callout" and block.value["kind"] == SAFETY_CALLOUT_KIND
        ]
        if not cautions:
            report.problems.append(
                f"{lesson.path}: a medication lesson without a :::callout {SAFETY_CALLOUT_KIND} "
                "(stopping abruptly, who to contact)"
            )
        elif for_peers and not any(PEER_SCOPE.search(text) for text in cautions):
            report.problems.append(
                f"{lesson.path}: the caution of a medication lesson for peers does not state the "
                "peer's scope (for example 'you do not advise on doses or schedules')"
            )
        else:
            report.medication_lessons_with_caution += 1


def _planning(course: CourseSpec, problems: list[str]) -> None:
    """Every course is ready to be offered for credit: it has a planning record whose desired
    outcomes account for every lesson objective."""
    if not course.planning:
        problems.append(f"{course.path}: no planning record ('planning:' with the practice gap)")
        return
    mapped = {o for outcome in course.planning["outcomes"] for o in outcome["objectives"]}
    unmapped = [o for o in course.objective_ids if o not in mapped]
    if unmapped:
        problems.append(
            f"{course.path}: objectives no desired outcome maps to: {', '.join(unmapped)}"
        )


def _worked_cases(course: CourseSpec, report: AuditReport) -> None:
    for module in course.modules:
        report.modules += 1
        cases = sum(
            block.type == WORKED_CASE_BLOCK for lesson in module.lessons for block in lesson.blocks
        )
        report.worked_cases += cases
        if cases:
            report.modules_with_worked_case += 1
        else:
            report.problems.append(
                f"{module.path}: no lesson of the module has a :::{WORKED_CASE_BLOCK} "
                "(one case with a model answer per module)"
            )


def _course(course: CourseSpec, problems: list[str], cited: set[str]) -> CourseRow:
    where = f"courses/{course.slug}"
    lessons = [lesson for module in course.modules for lesson in module.lessons]
    low, high = LESSONS_PER_COURSE
    if not low <= len(lessons) <= high:
        problems.append(f"{where}: {len(lessons)} lessons (a course has {low} to {high})")
    if not course.competencies:
        problems.append(f"{where}: course.yaml maps to no competency")
    _planning(course, problems)
    rows = []
    for lesson in lessons:
        keys = {key for key, _ in lesson.citations}
        cited.update(keys)
        rows.append(LessonRow(lesson.path, lesson.words, len(keys), lesson.estimated_minutes))
        low, high = WORDS_PER_LESSON
        if not low <= lesson.words <= high:
            problems.append(f"{lesson.path}: {lesson.words} words (a lesson has {low} to {high})")
        if len(keys) < MIN_REFERENCES_PER_LESSON:
            problems.append(
                f"{lesson.path}: cites {len(keys)} references "
                f"(at least {MIN_REFERENCES_PER_LESSON})"
            )
        present = {block.type for block in lesson.blocks}
        for block in REQUIRED_LESSON_BLOCKS:
            if block not in present:
                problems.append(f"{lesson.path}: has no :::{block} block")
    items = len(course.bank.items) if course.bank else 0
    if items < MIN_ITEMS_PER_COURSE:
        problems.append(
            f"{where}: {items} question-bank items (at least {MIN_ITEMS_PER_COURSE}, in items.yaml)"
        )
    row = CourseRow(
        course.slug,
        rows,
        items,
        len(course.competencies),
        objectives=len(course.objective_ids),
        minutes=course.estimated_minutes,
        ce_hours=course.ce_hours,
    )
    if course.bank is not None:
        _exam_pool(course, row, problems)
        row.cues = bank_cues(course.slug, course.bank.items)
        problems.extend(row.cues.problems())
    return row


def _exam_pool(course: CourseSpec, row: CourseRow, problems: list[str]) -> None:
    where = f"courses/{course.slug}/items.yaml"
    summative = [item for item in course.bank.items if item.pool == "summative"]
    row.summative = len(summative)
    row.formative = len(course.bank.items) - row.summative
    row.form_length = course.bank.exam["form_length"]
    if course.exam_required and row.summative < SUMMATIVE_POOL_FACTOR * row.form_length:
        problems.append(
            f"{where}: {row.summative} summative items for an exam of {row.form_length} "
            f"(at least {SUMMATIVE_POOL_FACTOR * row.form_length}, so two attempts differ)"
        )
    covered = {objective for item in summative for objective in item.objectives}
    row.uncovered = [o for o in course.objective_ids if o not in covered]
    for objective in row.uncovered:
        problems.append(
            f"{course.objective_ids[objective].path}: objective '{objective}' is assessed by no "
            "summative item"
        )


def audit_table(report: AuditReport) -> str:
    lines = []
    for course in report.courses:
        lines.append(
            f"{course.slug}: {len(course.lessons)} lessons, {course.items} items "
            f"({course.formative} formative, {course.summative} summative for an exam of "
            f"{course.form_length}), {course.competencies} competencies, "
            f"{course.objectives - len(course.uncovered)}/{course.objectives} objectives "
            f"assessed, {course.minutes} min for {course.ce_hours} CE hours"
        )
        if course.cues is not None:
            lines.append(f"  cues: {course.cues.summary()}")
        for row in course.lessons:
            lines.append(
                f"  {row.path}: {row.words} words, {row.references} references, {row.minutes} min"
            )
    lines.append(
        f"Totals: {report.programs} programs, {len(report.courses)} courses, "
        f"{report.lessons} lessons, {report.words} words, {report.references} references cited, "
        f"{report.items} items"
    )
    kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(report.reference_kinds.items()))
    lines.append(f"References cited, by type: {kinds}")
    lines.append(
        f"Safety: {report.medication_lessons_with_caution}/{report.medication_lessons} medication "
        "lessons carry a caution callout"
    )
    lines.append(
        f"Worked cases: {report.worked_cases}, in {report.modules_with_worked_case}/"
        f"{report.modules} modules"
    )
    return "\n".join(lines)
