"""Read a curricula folder into a plan, validating every file and every cross-reference first."""

from __future__ import annotations

import datetime
import hashlib
import math
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from content.links import text_link_problems
from courses.curriculum.competencies import Framework, framework_path, read_framework
from courses.curriculum.items import QuestionBank, read_bank
from courses.curriculum.lesson_reads import KnownReads, lesson_from_known, lesson_read_digest
from courses.curriculum.lessons import LessonSpec, lesson_data, read_lesson
from courses.curriculum.references import reference_problems
from courses.curriculum.sources import (
    SLUG,
    CurriculumInvalid,
    SourceError,
    YamlDoc,
    load_yaml,
)
from courses.disclosures import no_relationships

DISCLOSURE_ROLES = {"author", "planner", "reviewer"}
# What the CMS fields hold (CourseOutcome.text, CoursePage.commercial_support).
OUTCOME_MAX = 400
COMMERCIAL_SUPPORT_MAX = 300
PLANNING_KEYS = (
    "practice_gap",
    "learning_needs",
    "outcomes",
    "commercial_support",
    "released_on",
    "last_reviewed_on",
    "credit_expires_on",
)
# A course's time, computed: its lessons' reading time plus its assessments. CE hours may not
# claim more than this, in quarter hours.
MINUTES_PER_FORMATIVE_ITEM = Decimal(1)
MINUTES_PER_EXAM_ITEM = Decimal("1.5")
CE_HOUR_STEP = Decimal("0.25")
# From this many lesson files to parse, they are parsed in worker processes (_parse_ahead).
PARSE_AHEAD_FROM = 100
REFERENCE_KEYS = {"key", "authors", "year", "title", "source", "doi", "url", "type", "unpublished"}


def digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


@dataclass
class ModuleSpec:
    slug: str
    path: str
    title: str
    summary: str
    digest: str
    lessons: list[LessonSpec] = field(default_factory=list)


@dataclass
class CourseSpec:
    slug: str
    path: str
    title: str
    summary: str
    objectives: list[str]
    audiences: list[str]
    topics: list[str]
    ce_hours: Decimal
    prerequisites: list[str]
    exam_required: bool
    disclosures: list[dict]
    digest: str
    competencies: list[str] = field(default_factory=list)
    planning: dict = field(default_factory=dict)  # the CE planning record, see _planning()
    modules: list[ModuleSpec] = field(default_factory=list)
    bank: QuestionBank | None = None

    @property
    def lessons(self) -> list[LessonSpec]:
        return [lesson for module in self.modules for lesson in module.lessons]

    @property
    def estimated_minutes(self) -> int:
        """Reading every lesson, taking every knowledge check once and the exam once."""
        minutes = Decimal(sum(lesson.estimated_minutes for lesson in self.lessons))
        if self.bank is not None:
            formative = sum(1 for item in self.bank.items if item.pool == "formative")
            minutes += formative * MINUTES_PER_FORMATIVE_ITEM
            minutes += self.bank.exam["form_length"] * MINUTES_PER_EXAM_ITEM
        return math.ceil(minutes)

    @property
    def ce_hours_supported(self) -> Decimal:
        """The most CE hours the course's time supports, rounded down to a quarter hour."""
        hours = Decimal(self.estimated_minutes) / 60
        return (hours // CE_HOUR_STEP) * CE_HOUR_STEP

    @property
    def objective_ids(self) -> dict[str, LessonSpec]:
        return {o.id: lesson for lesson in self.lessons for o in lesson.objectives}


@dataclass
class ProgramSpec:
    slug: str
    path: str
    title: str
    summary: str
    audience: str
    credential_name: str
    training_hours_required: Decimal
    person_centered_hours_required: Decimal
    supervised_hours_required: Decimal
    renewal_ce_hours_per_year: Decimal
    requirements: str
    courses: list[str]
    digest: str
    observed_competencies: list[str] = field(default_factory=list)


@dataclass
class CurriculumPlan:
    root: Path
    audiences: dict[str, str] = field(default_factory=dict)
    topics: dict[str, str] = field(default_factory=dict)
    references: dict[str, dict] = field(default_factory=dict)
    courses: list[CourseSpec] = field(default_factory=list)
    programs: list[ProgramSpec] = field(default_factory=list)
    images: set[str] = field(default_factory=set)
    framework: Framework | None = None
    # The lesson files parsed (not known from an earlier load), for the writer to remember.
    lesson_reads: KnownReads = field(default_factory=dict)


class PlanReader:
    def __init__(self, root: Path, known: KnownReads | None = None):
        self.root = root
        self.absolute_root = root.resolve()
        self.known = known  # None: parse every lesson file, and remember none
        # Lesson files parsed in worker processes: file -> (its text, (spec, errors)).
        self.parsed_ahead: dict[Path, tuple[str, tuple[LessonSpec, list[SourceError]]]] = {}
        self.plan = CurriculumPlan(root=root)
        self.errors: list[SourceError] = []
        self.docs: dict[str, YamlDoc] = {}  # course and program files, for line numbers

    def read(self) -> CurriculumPlan:
        if not self.root.is_dir():
            raise CurriculumInvalid([SourceError(str(self.root), None, "is not a folder")])
        self._taxonomy()
        self._references()
        self.plan.framework = read_framework(framework_path(self.root), self.errors)
        courses_dir = self.root / "courses"
        if courses_dir.is_dir():
            self._parse_ahead()
        for folder in (
            sorted(p for p in courses_dir.iterdir() if p.is_dir()) if courses_dir.is_dir() else []
        ):
            self._course(folder)
        programs_dir = self.root / "programs"
        for file in sorted(programs_dir.glob("*.yaml")) if programs_dir.is_dir() else []:
            self._program(file)
        self._cross_references()
        if self.errors:
            raise CurriculumInvalid(self.errors, plan=self.plan)
        self.plan.courses = order_by_prerequisites(self.plan.courses)
        return self.plan

    def _doc(self, file: Path, expect: type = dict) -> YamlDoc | None:
        if not file.is_file():
            self.errors.append(SourceError(str(file.relative_to(self.root)), None, "is missing"))
            return None
        doc = load_yaml(file, self.root, expect=expect)
        self.errors.extend(doc.errors)
        doc.errors = self.errors  # later field errors go straight into the shared list
        return doc

    # --- taxonomy and references ----------------------------------------------------------

    def _taxonomy(self) -> None:
        doc = self._doc(self.root / "taxonomy.yaml")
        if doc is None or doc.data is None:
            return
        for kind in ("audiences", "topics"):
            target = getattr(self.plan, kind)
            items = doc.data.get(kind)
            if not isinstance(items, list):
                doc.error(f"'{kind}' must be a list of {{slug, name}}", kind)
                continue
            for index, item in enumerate(items):
                if not isinstance(item, dict):
                    doc.error(f"{kind} item must be {{slug, name}}", kind, index)
                    continue
                slug = doc.text(item, "slug", kind, index)
                name = doc.text(item, "name", kind, index)
                if slug and not SLUG.match(slug):
                    doc.error(f"'{slug}' is not a slug (a-z, 0-9, -)", kind, index, "slug")
                elif slug in target:
                    doc.error(f"duplicate slug '{slug}' in {kind}", kind, index, "slug")
                elif slug and name:
                    target[slug] = name

    def _references(self) -> None:
        doc = self._doc(self.root / "references.yaml", expect=list)
        if doc is None or doc.data is None:
            return
        for index, item in enumerate(doc.data):
            if not isinstance(item, dict):
                doc.error("each reference must be a mapping of keys", index)
                continue
            doc.unknown_keys(item, REFERENCE_KEYS, index)
            key = doc.text(item, "key", index)
            fields = {
                "authors": doc.text(item, "authors", index),
                "title": doc.text(item, "title", index),
                "source": doc.text(item, "source", index),
                "doi": doc.text(item, "doi", index, required=False),
                "url": doc.text(item, "url", index, required=False),
                "kind": doc.text(item, "type", index),
                "unpublished": doc.text(item, "unpublished", index, required=False),
            }
            year = item.get("year")
            if not isinstance(year, int) or not 1800 <= year <= 2100:
                doc.error(f"'year' must be a year like 2019, not {year!r}", index, "year")
            for problem in reference_problems(key, fields):
                doc.error(problem, index)
            if key and not SLUG.match(key):
                doc.error(f"reference key '{key}' is not a slug (a-z, 0-9, -)", index, "key")
            elif key in self.plan.references:
                doc.error(f"duplicate reference key '{key}'", index, "key")
            elif key:
                self.plan.references[key] = {"key": key, "year": year, **fields}

    # --- courses, modules, lessons --------------------------------------------------------

    def _course(self, folder: Path) -> None:
        file = folder / "course.yaml"
        doc = self._doc(file)
        if doc is None or doc.data is None:
            return
        data = doc.data
        allowed = {
            "title",
            "summary",
            "objectives",
            "audiences",
            "topics",
            "estimated_minutes",  # refused below with a reason: it is computed
            "ce_hours",
            "exam_required",
            "prerequisites",
            "competencies",
            "disclosures",
            "planning",
            "modules",
        }
        doc.unknown_keys(data, allowed)
        if not SLUG.match(folder.name):
            doc.error(f"course folder name '{folder.name}' is not a slug (a-z, 0-9, -)")
        objectives = data.get("objectives") or []
        if not isinstance(objectives, list) or not all(isinstance(o, str) for o in objectives):
            doc.error("'objectives' must be a list of sentences", "objectives")
            objectives = []
        if "estimated_minutes" in data:
            doc.error(
                "'estimated_minutes' is computed from the lessons and assessments; remove it",
                "estimated_minutes",
            )
        course = CourseSpec(
            slug=folder.name,
            path=doc.path,
            title=doc.text(data, "title"),
            summary=doc.text(data, "summary"),
            objectives=[o.strip() for o in objectives],
            audiences=doc.slugs(data, "audiences"),
            topics=doc.slugs(data, "topics"),
            ce_hours=doc.number(data, "ce_hours"),
            exam_required=self._flag(doc, data, "exam_required", default=True),
            prerequisites=doc.slugs(data, "prerequisites", required=False),
            disclosures=self._disclosures(doc, data.get("disclosures")),
            digest=digest(file.read_text(encoding="utf-8")),
            competencies=self._competency_ids(doc, data),
            planning=self._planning(doc, data.get("planning")),
        )
        for kind, known in (("audiences", self.plan.audiences), ("topics", self.plan.topics)):
            for index, slug in enumerate(getattr(course, kind)):
                if slug not in known:
                    doc.error(f"unknown {kind[:-1]} '{slug}' (not in taxonomy.yaml)", kind, index)
        self._listed_children(
            doc, folder, "modules", {p.name for p in folder.iterdir() if p.is_dir()}
        )
        for index, module_slug in enumerate(doc.slugs(data, "modules")):
            module_dir = folder / module_slug
            if module_dir.is_dir():
                module = self._module(module_dir)
                if module:
                    course.modules.append(module)
            else:
                doc.error(f"module '{module_slug}' has no folder {module_slug}/", "modules", index)
        if (folder / "items.yaml").is_file():
            course.bank = read_bank(folder / "items.yaml", self.root, self.errors)
        # The page shows the computed time, which changes with its lessons and bank too.
        course.digest = digest(course.digest, str(course.estimated_minutes))
        self.plan.courses.append(course)
        self.docs[doc.path] = doc

    def _flag(self, doc: YamlDoc, data: dict, key: str, *, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            doc.error(f"'{key}' must be true or false, not {value!r}", key)
            return default
        return value

    def _competency_ids(self, doc: YamlDoc, data: dict, key: str = "competencies") -> list[str]:
        value = data.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            doc.error(f"'{key}' must be a list of competency ids", key)
            return []
        return value

    def _disclosures(self, doc: YamlDoc, items) -> list[dict]:
        if not isinstance(items, list) or not items:
            doc.error(
                "'disclosures' must list everyone who controlled the content "
                "(name, role, relationships)",
                "disclosures",
            )
            return []
        result = []
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                doc.error(
                    "each disclosure needs name, role and relationships", "disclosures", index
                )
                continue
            role = doc.text(item, "role", "disclosures", index)
            if role and role not in DISCLOSURE_ROLES:
                doc.error(
                    f"disclosure role must be one of {sorted(DISCLOSURE_ROLES)}, not '{role}'",
                    "disclosures",
                    index,
                    "role",
                )
            result.append(
                {
                    "name": doc.text(item, "name", "disclosures", index),
                    "role": role,
                    "relationships": doc.text(item, "relationships", "disclosures", index),
                    **self._mitigation(doc, item, index),
                }
            )
        return result

    def _mitigation(self, doc: YamlDoc, item: dict, index: int) -> dict:
        """A relevant financial relationship is mitigated before the content is used: how, by
        whom and when (ACCME Standard 3); "None" needs none of it."""
        at = ("disclosures", index)
        fields = {
            "mitigation": doc.text(item, "mitigation", *at, required=False),
            "mitigated_by": doc.text(item, "mitigated_by", *at, required=False),
            "mitigated_on": self._date(doc, item, "mitigated_on", *at),
        }
        if not no_relationships(str(item.get("relationships") or "")):
            for key, value in fields.items():
                if not value:
                    doc.error(
                        f"a disclosed relationship needs '{key}' (how, by whom and when it was "
                        "mitigated)",
                        *at,
                        "relationships",
                    )
        return fields

    def _date(self, doc: YamlDoc, data: dict, key: str, *at) -> datetime.date | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
            doc.error(f"'{key}' must be a date like 2026-10-01, not {value!r}", *at, key)
            return None
        return value

    def _planning(self, doc: YamlDoc, data) -> dict:
        """The planning record an accredited provider keeps for the activity."""
        if data is None:
            return {}
        if not isinstance(data, dict):
            doc.error("'planning' needs 'key: value' lines", "planning")
            return {}
        doc.unknown_keys(data, set(PLANNING_KEYS), "planning")
        commercial = doc.text(data, "commercial_support", "planning")
        if len(commercial) > COMMERCIAL_SUPPORT_MAX:
            doc.error(
                f"'commercial_support' is {len(commercial)} characters (at most "
                f"{COMMERCIAL_SUPPORT_MAX})",
                "planning",
                "commercial_support",
            )
        planning = {
            "practice_gap": doc.text(data, "practice_gap", "planning"),
            "learning_needs": doc.text(data, "learning_needs", "planning"),
            "commercial_support": commercial,
            "released_on": self._date(doc, data, "released_on", "planning"),
            "activity_reviewed_on": self._date(doc, data, "last_reviewed_on", "planning"),
            "credit_expires_on": self._date(doc, data, "credit_expires_on", "planning"),
            "outcomes": [],
        }
        released, reviewed, expires = (
            planning[k] for k in ("released_on", "activity_reviewed_on", "credit_expires_on")
        )
        if released and reviewed and reviewed < released:
            doc.error("'last_reviewed_on' is before 'released_on'", "planning", "last_reviewed_on")
        if released and expires and expires <= released:
            doc.error(
                "'credit_expires_on' must come after 'released_on'", "planning", "credit_expires_on"
            )
        outcomes = data.get("outcomes")
        if not isinstance(outcomes, list) or not outcomes:
            doc.error(
                "'outcomes' must list the desired outcomes, each with the objective ids it maps to",
                "planning",
                "outcomes",
            )
            return planning
        for index, outcome in enumerate(outcomes):
            at = ("planning", "outcomes", index)
            if not isinstance(outcome, dict):
                doc.error("an outcome needs 'text' and 'objectives'", *at)
                continue
            doc.unknown_keys(outcome, {"text", "objectives"}, *at)
            text = doc.text(outcome, "text", *at)
            if len(text) > OUTCOME_MAX:
                doc.error(f"an outcome is {len(text)} characters (at most {OUTCOME_MAX})", *at)
            planning["outcomes"].append(
                {
                    "text": text,
                    "objectives": doc.slugs(outcome, "objectives", *at),
                }
            )
        return planning

    def _listed_children(self, doc: YamlDoc, folder: Path, key: str, present: set[str]) -> None:
        listed = doc.data.get(key) if isinstance(doc.data.get(key), list) else []
        seen: set[str] = set()
        for index, slug in enumerate(listed):
            if slug in seen:
                doc.error(f"duplicate slug '{slug}' in '{key}'", key, index)
            seen.add(slug)
        for name in sorted(present - seen):
            doc.error(
                f"'{name}' is in {folder.relative_to(self.root)}/ but not listed in '{key}'", key
            )

    def _module(self, folder: Path) -> ModuleSpec | None:
        file = folder / "module.yaml"
        doc = self._doc(file)
        if doc is None or doc.data is None:
            return None
        data = doc.data
        doc.unknown_keys(data, {"title", "summary", "lessons"})
        module = ModuleSpec(
            slug=folder.name,
            path=doc.path,
            title=doc.text(data, "title"),
            summary=doc.text(data, "summary", required=False),
            digest=digest(file.read_text(encoding="utf-8")),
        )
        self._listed_children(doc, folder, "lessons", {p.stem for p in folder.glob("*.md")})
        for index, lesson_slug in enumerate(doc.slugs(data, "lessons")):
            lesson_file = folder / f"{lesson_slug}.md"
            if not lesson_file.is_file():
                doc.error(f"lesson '{lesson_slug}' has no file {lesson_slug}.md", "lessons", index)
                continue
            lesson = self._lesson(lesson_file)
            module.lessons.append(lesson)
            for block in lesson.blocks:
                self.plan.images.update(block.images)
        return module

    def _lesson(self, file: Path) -> LessonSpec:
        """The lesson file parsed, or as an earlier load parsed it if it has not changed."""
        text = file.read_text(encoding="utf-8")
        path = str(file.relative_to(self.root))
        key = str(self.absolute_root / path)
        lesson = self._known_lesson(key, path, text)
        if lesson is None:
            ahead = self.parsed_ahead.pop(file, None)
            if ahead is not None and ahead[0] == text:
                lesson, errors = ahead[1]
            else:
                lesson, errors = read_lesson(file, self.root, text)
            self.errors.extend(errors)
            if self.known is not None and not errors:
                stamp = lesson_read_digest(path, text)
                self.plan.lesson_reads[key] = (stamp, lesson_data(lesson))
        lesson.digest = digest(text)
        return lesson

    def _known_lesson(self, key: str, path: str, text: str) -> LessonSpec | None:
        if not self._known_unchanged(key, path, text):
            return None
        return lesson_from_known(self.known[key][1], self.root)

    def _known_unchanged(self, key: str, path: str, text: str) -> bool:
        known = self.known.get(key) if self.known is not None else None
        return known is not None and known[0] == lesson_read_digest(path, text)

    def _parse_ahead(self) -> None:
        """Parse the lesson files an earlier load did not, in one worker process per CPU, when
        there are many: parsing is pure and most of what reading costs. Their specs and errors
        are then taken in reading order, exactly as if each were parsed when reached."""
        workers = min(os.cpu_count() or 1, 4)
        if workers < 2:
            return
        todo = []
        for file in sorted((self.root / "courses").glob("*/*/*.md")):
            text = file.read_text(encoding="utf-8")
            path = str(file.relative_to(self.root))
            if not self._known_unchanged(str(self.absolute_root / path), path, text):
                todo.append((file, self.root, text))
        if len(todo) < PARSE_AHEAD_FROM:
            return
        context = multiprocessing.get_context("fork")  # the workers need no Django set-up
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            chunk = math.ceil(len(todo) / (workers * 8))
            results = pool.map(_read_lesson, todo, chunksize=chunk)
            self.parsed_ahead = {
                file: (text, result) for (file, _, text), result in zip(todo, results, strict=True)
            }

    # --- programs -------------------------------------------------------------------------

    def _program(self, file: Path) -> None:
        doc = self._doc(file)
        if doc is None or doc.data is None:
            return
        data = doc.data
        allowed = {
            "title",
            "summary",
            "audience",
            "credential_name",
            "training_hours_required",
            "person_centered_hours_required",
            "supervised_hours_required",
            "renewal_ce_hours_per_year",
            "requirements",
            "courses",
            "observed_competencies",
        }
        doc.unknown_keys(data, allowed)
        if not SLUG.match(file.stem):
            doc.error(f"program file name '{file.stem}' is not a slug (a-z, 0-9, -)")
        courses = doc.slugs(data, "courses")
        if not courses:
            doc.error("a program must list at least one course", "courses")
        requirements = doc.text(data, "requirements", required=False)
        for problem in text_link_problems(requirements):
            doc.error(f"requirements: {problem}", "requirements")
        self.plan.programs.append(
            ProgramSpec(
                slug=file.stem,
                path=doc.path,
                title=doc.text(data, "title"),
                summary=doc.text(data, "summary"),
                audience=doc.text(data, "audience"),
                credential_name=doc.text(data, "credential_name"),
                training_hours_required=doc.number(data, "training_hours_required", default=0),
                person_centered_hours_required=doc.number(
                    data, "person_centered_hours_required", default=0
                ),
                supervised_hours_required=doc.number(data, "supervised_hours_required", default=0),
                renewal_ce_hours_per_year=doc.number(data, "renewal_ce_hours_per_year", default=0),
                requirements=requirements,
                courses=courses,
                digest=digest(file.read_text(encoding="utf-8")),
                observed_competencies=self._competency_ids(doc, data, "observed_competencies"),
            )
        )
        self.docs[doc.path] = doc

    # --- across files ---------------------------------------------------------------------

    def _cross_references(self) -> None:
        slugs = {course.slug for course in self.plan.courses}
        for course in self.plan.courses:
            doc = self.docs[course.path]
            for index, outcome in enumerate(course.planning.get("outcomes", [])):
                for objective in outcome["objectives"]:
                    if objective not in course.objective_ids:
                        doc.error(
                            f"outcome maps to objective '{objective}', which no lesson of the "
                            "course has",
                            "planning",
                            "outcomes",
                            index,
                            "objectives",
                        )
            for index, slug in enumerate(course.prerequisites):
                if slug not in slugs:
                    doc.error(f"unknown prerequisite '{slug}'", "prerequisites", index)
                elif slug == course.slug:
                    doc.error("a course cannot be its own prerequisite", "prerequisites", index)
            for module in course.modules:
                for lesson in module.lessons:
                    for key, line in lesson.citations:
                        if key not in self.plan.references:
                            self.errors.append(
                                SourceError(
                                    lesson.path,
                                    line,
                                    f"unknown reference key '{key}' (not in references.yaml)",
                                )
                            )
        self._competency_references()
        # Objectives and computed times are only known once every file has been read cleanly.
        if not self.errors:
            for course in self.plan.courses:
                self._objective_references(course)
                self._ce_hours_supported(course)
        for program in self.plan.programs:
            doc = self.docs[program.path]
            if program.person_centered_hours_required > program.training_hours_required:
                doc.error(
                    "'person_centered_hours_required' cannot exceed 'training_hours_required'",
                    "person_centered_hours_required",
                )
            for index, slug in enumerate(program.courses):
                if slug not in slugs:
                    doc.error(f"unknown course '{slug}'", "courses", index)
        try:
            order_by_prerequisites(self.plan.courses)
        except ValueError as exc:
            self.errors.append(SourceError("courses/", None, str(exc)))

    def _objective_references(self, course: CourseSpec) -> None:
        """Objective ids are unique in their course, and items cover objectives that exist."""
        seen: dict[str, str] = {}
        for lesson in course.lessons:
            for objective in lesson.objectives:
                if objective.id in seen:
                    self.errors.append(
                        SourceError(
                            lesson.path,
                            objective.line,
                            f"objective id '{objective.id}' is already used in "
                            f"{seen[objective.id]}",
                        )
                    )
                seen.setdefault(objective.id, lesson.path)
        if course.bank is None:
            return
        for index, item in enumerate(course.bank.items):
            for position, objective_id in enumerate(item.objectives):
                if objective_id not in seen:
                    course.bank.doc.error(
                        f"unknown objective '{objective_id}' (no lesson of this course has it)",
                        "items",
                        index,
                        "objectives",
                        position,
                    )

    def _ce_hours_supported(self, course: CourseSpec) -> None:
        """CE hours are a claim a board relies on: no more than the course's computed time."""
        doc = self.docs[course.path]
        if course.ce_hours is not None and course.ce_hours > course.ce_hours_supported:
            doc.error(
                f"'ce_hours' {course.ce_hours} is more than the course's computed time supports "
                f"({course.estimated_minutes} minutes: at most {course.ce_hours_supported})",
                "ce_hours",
            )

    def _competency_references(self) -> None:
        """Courses and items name competencies the framework defines; item ids are global."""
        framework = self.plan.framework
        known = framework.competencies if framework else {}
        missing = "" if framework else " (there is no competencies.yaml next to this folder)"

        def check(doc: YamlDoc, ids: list[str], *at) -> None:
            for index, competency_id in enumerate(ids):
                if competency_id not in known:
                    doc.error(f"unknown competency '{competency_id}'{missing}", *at, index)
                elif known[competency_id].retired:
                    doc.error(f"competency '{competency_id}' is retired", *at, index)

        for program in self.plan.programs:
            doc = self.docs[program.path]
            check(doc, program.observed_competencies, "observed_competencies")
            for index, competency_id in enumerate(program.observed_competencies):
                if competency_id in known and not known[competency_id].behaviours:
                    doc.error(
                        f"competency '{competency_id}' is observed but lists no behaviours to "
                        "observe (add 'behaviours' to it in competencies.yaml)",
                        "observed_competencies",
                        index,
                    )
        owners: dict[str, str] = {}  # item or vignette id -> file that defines it
        for course in self.plan.courses:
            check(self.docs[course.path], course.competencies, "competencies")
            bank = course.bank
            if bank is None:
                continue
            modules = {module.slug for module in course.modules}
            for index, item in enumerate(bank.items):
                at = ("items", index)
                check(bank.doc, item.competencies, *at, "competencies")
                if item.module and item.module not in modules:
                    bank.doc.error(
                        f"unknown module '{item.module}' (not in this course)", *at, "module"
                    )
            for kind, ids in (("item", [i.id for i in bank.items]), ("vignette", bank.vignettes)):
                for some_id in ids:
                    if some_id and owners.setdefault(f"{kind}:{some_id}", bank.path) != bank.path:
                        bank.doc.error(
                            f"{kind} id '{some_id}' is already used in "
                            f"{owners[f'{kind}:{some_id}']}"
                        )


def order_by_prerequisites(courses: list[CourseSpec]) -> list[CourseSpec]:
    """Prerequisites first, so every prerequisite page exists when its dependant is written."""
    by_slug = {course.slug: course for course in courses}
    ordered: list[CourseSpec] = []
    state: dict[str, str] = {}

    def visit(course: CourseSpec, trail: list[str]) -> None:
        if state.get(course.slug) == "done":
            return
        if state.get(course.slug) == "visiting":
            raise ValueError("prerequisites form a cycle: " + " -> ".join([*trail, course.slug]))
        state[course.slug] = "visiting"
        for slug in course.prerequisites:
            if slug in by_slug and slug != course.slug:
                visit(by_slug[slug], [*trail, course.slug])
        state[course.slug] = "done"
        ordered.append(course)

    for course in courses:
        visit(course, [])
    return ordered


def _read_lesson(args: tuple[Path, Path, str]) -> tuple[LessonSpec, list[SourceError]]:
    return read_lesson(*args)


def read_curricula(root: Path, *, known: KnownReads | None = None) -> CurriculumPlan:
    """Parse and validate the whole folder; raise CurriculumInvalid listing every error.
    A lesson file `known` from an earlier load (lesson_reads_known) with the same digest is not
    parsed again; the plan then lists the lesson files it did parse."""
    return PlanReader(root, known).read()
