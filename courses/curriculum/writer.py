"""Write a validated curriculum plan to the page tree, touching only what changed."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.files import File
from django.db import transaction

from wagtail.images import get_image_model
from wagtail.models import Collection, Page, Revision
from wagtail.utils.file import hash_filelike

from content.models import Reference
from content.services import site_ensure_home
from courses import events, tasks
from courses.curriculum.indexing import indexing_deferred
from courses.curriculum.lesson_reads import lesson_reads_remember
from courses.curriculum.lessons import LessonSpec
from courses.curriculum.new_pages import NewPages
from courses.curriculum.plan import CourseSpec, CurriculumPlan, ModuleSpec, ProgramSpec
from courses.curriculum.render import markdown_to_richtext
from courses.models import (
    MEDICATION_TOPIC,
    Audience,
    CourseDisclosure,
    CourseIndexPage,
    CourseOutcome,
    CoursePage,
    LessonObjective,
    LessonPage,
    ModulePage,
    ProgramCourse,
    ProgramIndexPage,
    ProgramPage,
    Topic,
)
from courses.review import review_setup

Image = get_image_model()
IMAGE_COLLECTION = "Curricula"


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    awaiting_review: list[str] = field(default_factory=list)
    not_in_files: list[str] = field(default_factory=list)


def block_id(*parts: object) -> str:
    """Stable block ids: the same file gives the same StreamField data on every load."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "/".join(str(p) for p in parts)))


class CurriculumWriter:
    def __init__(self, plan: CurriculumPlan):
        self.plan = plan
        self.report = ImportReport()
        self.references: dict[str, int] = {}
        self.images: dict[str, int] = {}
        self.taxonomy: dict[type, dict[str, Audience | Topic]] = {}
        # The pages of each type the files make, by (parent's tree path, slug).
        self.existing: dict[type, dict[tuple[str, str], Page]] = {}
        self.draft_digests: dict[int, str] = {}  # revision id -> source digest, of drafts
        self.new_pages = NewPages()

    @transaction.atomic
    def write(self) -> ImportReport:
        with indexing_deferred() as saved:
            self._write()
        if saved:
            # Inside the transaction: the database backend stores the task with the pages, so
            # the worker never indexes a load that rolled back (tests index inline).
            tasks.index_saved_objects.enqueue(sorted(saved))
        return self.report

    def _write(self) -> None:
        self.home = home = site_ensure_home()
        self.course_index = self._index(home, CourseIndexPage, "Courses", "courses")
        self.program_index = self._index(home, ProgramIndexPage, "Programs", "programs")
        review_setup(root=home)
        self._taxonomy()
        self._references()
        self._images()
        self._load_existing()
        courses: dict[str, CoursePage] = {}
        for spec in self.plan.courses:  # prerequisites come first
            courses[spec.slug] = self._course(spec, courses)
        for spec in self.plan.programs:
            self._program(spec, courses)
        self.new_pages.flush()
        self._find_pages_no_longer_in_files()
        lesson_reads_remember(self.plan.lesson_reads)
        events.curriculum_written.send(
            sender=CurriculumWriter, plan=self.plan, courses=courses, report=self.report
        )

    # --- shared data ----------------------------------------------------------------------

    def _index(self, home, model, title: str, slug: str):
        existing = model.objects.child_of(home).first()
        if existing:
            return existing
        index = home.add_child(instance=model(title=title, slug=slug))
        index.save_revision().publish()
        self.report.created.append(self._url(index))
        return index

    def _taxonomy(self) -> None:
        for model, items in ((Audience, self.plan.audiences), (Topic, self.plan.topics)):
            terms = {row.slug: row for row in model.objects.all()}
            for slug, name in items.items():
                term = terms.get(slug)
                if term is None:
                    terms[slug] = model.objects.create(slug=slug, name=name)
                elif term.name != name:
                    term.name = name
                    term.save(update_fields=["name"])
            self.taxonomy[model] = terms

    def _references(self) -> None:
        existing = {r.key: r for r in Reference.objects.filter(key__in=self.plan.references)}
        for key, fields in self.plan.references.items():
            reference = existing.get(key) or Reference(key=key)
            values = {
                name: fields[name]
                for name in ("authors", "year", "title", "source", "doi", "url", "kind")
            }
            values["unpublished"] = fields["unpublished"] or ""
            if reference.pk is None or any(getattr(reference, k) != v for k, v in values.items()):
                for name, value in values.items():
                    setattr(reference, name, value)
                reference.full_clean()
                reference.save()
                (self.report.updated if key in existing else self.report.created).append(
                    f"reference {key}"
                )
            self.references[key] = reference.pk

    def _images(self) -> None:
        collection = Collection.get_first_root_node()  # review_setup made sure it exists
        curricula = collection.get_children().filter(name=IMAGE_COLLECTION).first()
        if curricula is None:
            curricula = collection.add_child(instance=Collection(name=IMAGE_COLLECTION))
        for src in sorted(self.plan.images):
            path = self.plan.root / src
            with path.open("rb") as handle:
                file_hash = hash_filelike(handle)
                image = Image.objects.filter(collection=curricula, title=src).first()
                if image and image.file_hash == file_hash:
                    self.images[src] = image.pk
                    continue
                if image is None:
                    image = Image(title=src, collection=curricula)
                    self.report.created.append(f"image {src}")
                else:
                    self.report.updated.append(f"image {src}")
                handle.seek(0)
                image.file = File(handle, name=path.name)
                # The admin's upload form records these; saving from code must do it too.
                image.file_hash = file_hash
                image.file_size = path.stat().st_size
                image.save()
            self.images[src] = image.pk

    # --- pages ----------------------------------------------------------------------------

    def _load_existing(self) -> None:
        """Every page of the types the files make, so that an unchanged one costs no query."""
        drafts = []
        for model in (CoursePage, ModulePage, LessonPage, ProgramPage):
            pages = model.objects.descendant_of(self.home)
            if model is LessonPage:  # a changed lesson gets a new body; others never need it
                pages = pages.defer("body")
            pages = list(pages)
            self.existing[model] = {(p.path[: -p.steplen], p.slug): p for p in pages}
            drafts.extend(p.latest_revision_id for p in pages if p.has_unpublished_changes)
        # A draft's newest source lives in its latest revision, not in the live row.
        for revision in Revision.objects.filter(pk__in=drafts).only("content"):
            self.draft_digests[revision.pk] = revision.content.get("source_digest", "")

    def _upsert(
        self, parent: Page, model, spec, fields: Callable[[], dict], *, publish: bool = True
    ):
        """Create the page, or give it a new revision if its source changed; else leave it.
        `fields` is called only when the page is written."""
        url = f"{self._url(parent)}{spec.slug}/"
        page = self.existing.get(model, {}).get((parent.path, spec.slug))
        if page and self._loaded_digest(page) == spec.digest:
            self.report.unchanged.append(url)
            return page
        creating = page is None
        if creating:
            page = model(slug=spec.slug, live=False)
        for name, value in fields().items():
            setattr(page, name, value)
        page.source_path = spec.path
        page.source_digest = spec.digest
        if creating and publish and page.go_live_at is None:
            self.new_pages.add_published(parent, page)  # validated in full, as Wagtail does
        else:
            if creating:
                self.new_pages.add_draft(parent, page)
            if publish:
                page.save_revision().publish()
            else:
                page.save_revision(clean=not creating)
                self.report.awaiting_review.append(url)
        (self.report.created if creating else self.report.updated).append(url)
        return page

    def _loaded_digest(self, page: Page) -> str:
        if page.has_unpublished_changes:
            return self.draft_digests.get(page.latest_revision_id, "")
        return page.source_digest

    def _url(self, page: Page) -> str:
        return "/" + page.url_path.removeprefix(self.home.url_path)

    def _course(self, spec: CourseSpec, courses: dict[str, CoursePage]) -> CoursePage:
        def fields() -> dict:
            return {
                "title": spec.title,
                "summary": spec.summary,
                "objectives": [("objective", text) for text in spec.objectives],
                "estimated_minutes": spec.estimated_minutes,
                "ce_hours": spec.ce_hours,
                "exam_required": spec.exam_required,
                "audiences": self._terms(Audience, spec.audiences),
                "topics": self._terms(Topic, spec.topics),
                "prerequisites": [courses[slug] for slug in spec.prerequisites],
                "disclosures": [CourseDisclosure(**item) for item in spec.disclosures],
                **self._planning(spec),
            }

        course = self._upsert(self.course_index, CoursePage, spec, fields)
        needs_review = MEDICATION_TOPIC in spec.topics
        lessons = {}
        for module_spec in spec.modules:
            lessons.update(self._module(course, module_spec, needs_review))
        self._objectives(course, spec, lessons)
        return course

    def _terms(self, model, slugs: list[str]) -> list:
        terms = {self.taxonomy[model][slug] for slug in slugs}
        return sorted(terms, key=lambda term: term.name)  # the model's ordering

    @staticmethod
    def _planning(spec: CourseSpec) -> dict:
        """The planning record's fields, when the file has one (else the CMS's stay)."""
        if not spec.planning:
            return {}
        planning = {k: v for k, v in spec.planning.items() if k != "outcomes"}
        planning["outcomes"] = [
            CourseOutcome(text=o["text"], objective_codes=", ".join(o["objectives"]))
            for o in spec.planning["outcomes"]
        ]
        return planning

    def _module(self, course: CoursePage, spec: ModuleSpec, needs_review: bool) -> dict:
        fields = {"title": spec.title, "summary": spec.summary}
        module = self._upsert(course, ModulePage, spec, lambda: fields)
        return {
            lesson_spec.path: self._lesson(module, lesson_spec, needs_review)
            for lesson_spec in spec.lessons
        }

    def _objectives(self, course: CoursePage, spec: CourseSpec, lessons: dict) -> None:
        """The lessons' objectives with their ids, which exam items cover; an objective the
        files no longer have is removed (items then no longer claim to assess it)."""
        existing = {o.code: o for o in LessonObjective.objects.filter(course=course)}
        new: list[LessonObjective] = []
        order = 0
        for lesson_spec in spec.lessons:
            for objective in lesson_spec.objectives:
                values = {
                    "lesson_id": lessons[lesson_spec.path].pk,
                    "text": objective.text,
                    "sort_order": order,
                }
                order += 1
                row = existing.pop(objective.id, None)
                if row is None:
                    new.append(LessonObjective(course=course, code=objective.id, **values))
                elif any(getattr(row, name) != value for name, value in values.items()):
                    for name, value in values.items():
                        setattr(row, name, value)
                    row.save()
        LessonObjective.objects.bulk_create(new)
        for code in existing:
            self.report.not_in_files.append(f"objective {spec.slug}/{code} (removed)")
        LessonObjective.objects.filter(pk__in=[row.pk for row in existing.values()]).delete()

    def _lesson(self, module: ModulePage, spec: LessonSpec, needs_review: bool) -> LessonPage:
        reviewed = spec.reviewed_on is not None

        def fields() -> dict:
            return {
                "title": spec.title,
                "summary": spec.summary,
                "estimated_minutes": spec.estimated_minutes,
                "body": self._stream(spec),
                "clinically_reviewed_on": spec.reviewed_on,
                "clinical_reviewer": spec.reviewer,
            }

        # Medication lessons go live only with a recorded clinical review; otherwise they wait
        # as drafts for the Clinical review workflow.
        return self._upsert(module, LessonPage, spec, fields, publish=reviewed or not needs_review)

    def _stream(self, spec: LessonSpec) -> list[dict]:
        stream = []
        for index, block in enumerate(spec.blocks):
            value = dict(block.value)
            if block.type in {"text", "callout", "worked_case"}:
                value["references"] = [
                    {
                        "type": "item",
                        "value": self.references[key],
                        "id": block_id(spec.path, index, "ref", n),
                    }
                    for n, key in enumerate(dict.fromkeys(block.references))
                ]
            if block.type == "figure":
                value["image"] = self.images[value["image"]]
            if block.type == "takeaways":
                value["points"] = [
                    {"type": "item", "value": point, "id": block_id(spec.path, index, "pt", n)}
                    for n, point in enumerate(value["points"])
                ]
            stream.append({"type": block.type, "value": value, "id": block_id(spec.path, index)})
        return stream

    def _program(self, spec: ProgramSpec, courses: dict[str, CoursePage]) -> None:
        def fields() -> dict:
            requirements = spec.requirements
            return {
                "title": spec.title,
                "summary": spec.summary,
                "audience": spec.audience,
                "credential_name": spec.credential_name,
                "training_hours_required": spec.training_hours_required,
                "person_centered_hours_required": spec.person_centered_hours_required,
                "supervised_hours_required": spec.supervised_hours_required,
                "renewal_ce_hours_per_year": spec.renewal_ce_hours_per_year,
                "requirements": markdown_to_richtext(requirements) if requirements else "",
                "program_courses": [
                    ProgramCourse(course=courses[slug], sort_order=n)
                    for n, slug in enumerate(spec.courses)
                ],
            }

        self._upsert(self.program_index, ProgramPage, spec, fields)

    def _find_pages_no_longer_in_files(self) -> None:
        in_files = {c.path for c in self.plan.courses} | {p.path for p in self.plan.programs}
        for course in self.plan.courses:
            for module in course.modules:
                in_files.add(module.path)
                in_files.update(lesson.path for lesson in module.lessons)
        for model in (ProgramPage, CoursePage, ModulePage, LessonPage):
            stale = model.objects.exclude(source_path="").exclude(source_path__in=in_files)
            self.report.not_in_files.extend(self._url(page) for page in stale)


def curriculum_write(*, plan: CurriculumPlan) -> ImportReport:
    return CurriculumWriter(plan).write()
