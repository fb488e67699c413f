"""The curriculum tree: programs and courses, modules and lessons.

    Home ─ Courses (CourseIndexPage) ─ CoursePage ─ ModulePage ─ LessonPage
         └ Programs (ProgramIndexPage) ─ ProgramPage ··· links to CoursePages

A course lives once, under the course index, so it can stand alone or belong to several programs.
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import SimpleLazyObject, cached_property

from wagtail import blocks
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from modelcluster.fields import ParentalKey, ParentalManyToManyField

from content import fragments
from content.pages import ViewRestrictionsInOneQuery
from courses import catalogue, selectors
from courses.blocks import LessonStreamBlock
from courses.disclosures import no_relationships
from courses.forms import CatalogueFilterForm, CoursePageForm, LessonPageForm
from courses.review import ClinicalContentTester, clinical_review_workflow, next_review_due
from courses.sections import sections_for

HOURS = {"max_digits": 5, "decimal_places": 2, "validators": [MinValueValidator(Decimal(0))]}
# Courses with this topic hold medication content: it needs a clinical reviewer's approval.
MEDICATION_TOPIC = "medications"


def within_any(pages) -> models.Q:
    """Matches pages in the subtree of any of `pages` (their tree paths are prefixes)."""
    condition = models.Q(pk__in=[])
    for page in pages:
        condition |= models.Q(path__startswith=page.path)
    return condition


class TaxonomyTerm(models.Model):
    """A tag courses carry and the catalogue filters by; files refer to it by slug."""

    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=80)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Audience(TaxonomyTerm):
    pass


class Topic(TaxonomyTerm):
    pass


class FileSourced(models.Model):
    """Where a page came from in content/curricula/, and a digest of that source as last loaded,
    so `load_curricula` can tell an unchanged file from a changed one without diffing pages."""

    source_path = models.CharField(max_length=300, blank=True, editable=False, db_index=True)
    source_digest = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        abstract = True


class ClinicalReviewGate:
    """For pages of a medication course: the Clinical review workflow, and no direct publishing
    (courses/review.py explains the whole gate)."""

    def course(self) -> "CoursePage | None":
        if isinstance(self, CoursePage):
            return self
        return CoursePage.objects.ancestor_of(self).first() if self.pk else None

    def is_medication_content(self) -> bool:
        course = self.course()
        return course is not None and course.topics.filter(slug=MEDICATION_TOPIC).exists()

    def get_workflow(self):
        if self.is_medication_content():
            return clinical_review_workflow() or super().get_workflow()
        return super().get_workflow()

    def permissions_for_user(self, user):
        if self.is_medication_content():
            return ClinicalContentTester(user, self)
        return super().permissions_for_user(user)


class CourseIndexPage(ViewRestrictionsInOneQuery, Page):
    intro = RichTextField(features=["bold", "italic", "link"], blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["content.HomePage"]
    subpage_types = ["courses.CoursePage"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        """The catalogue: courses filtered by the GET form; a bad value is reported, not fatal."""
        context = super().get_context(request, *args, **kwargs)
        terms = catalogue.taxonomy()  # with the courses that carry each term
        form = CatalogueFilterForm(request.GET, audiences=terms.audiences, topics=terms.topics)
        form.is_valid()  # invalid fields are simply absent from cleaned_data
        filters = form.cleaned_data
        context["form"] = form
        context["query"] = filters.get("q", "").strip()
        context["filtered"] = any(filters.get(name) not in (None, "") for name in form.fields)
        context["catalogue"] = catalogue.catalogue_courses(
            index=self,
            request=request,
            terms=terms,
            audience=filters.get("audience", ""),
            topic=filters.get("topic", ""),
            ce_min=filters.get("ce_min"),
            ce_max=filters.get("ce_max"),
            query=context["query"],
        )
        return context


class ProgramIndexPage(ViewRestrictionsInOneQuery, Page):
    intro = RichTextField(features=["bold", "italic", "link"], blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["content.HomePage"]
    subpage_types = ["courses.ProgramPage"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["programs"] = selectors.programs_listing(index=self)
        return context


class ProgramPage(ViewRestrictionsInOneQuery, Page, FileSourced):
    """A certification or CE program: the courses it takes and the hours it asks for."""

    summary = models.TextField()
    audience = models.CharField(max_length=200, help_text="Who the program is for.")
    credential_name = models.CharField(
        max_length=200, help_text="The credential a person earns on completing the program."
    )
    training_hours_required = models.DecimalField(default=Decimal(0), **HOURS)
    person_centered_hours_required = models.DecimalField(
        default=Decimal(0),
        help_text="Of the training hours, how many must be person-centered training.",
        **HOURS,
    )
    supervised_hours_required = models.DecimalField(default=Decimal(0), **HOURS)
    renewal_ce_hours_per_year = models.DecimalField(default=Decimal(0), **HOURS)
    requirements = RichTextField(
        features=["bold", "italic", "link", "ul", "ol"],
        blank=True,
        help_text="Anything else a candidate must do, in plain words, with its source.",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("audience"),
        FieldPanel("credential_name"),
        MultiFieldPanel(
            [
                FieldPanel("training_hours_required"),
                FieldPanel("person_centered_hours_required"),
                FieldPanel("supervised_hours_required"),
                FieldPanel("renewal_ce_hours_per_year"),
                FieldPanel("requirements"),
            ],
            heading="Requirements",
        ),
        InlinePanel("program_courses", label="Courses", min_num=1),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary")]
    parent_page_types = ["courses.ProgramIndexPage"]
    subpage_types: list[str] = []

    def clean(self):
        super().clean()
        if (self.person_centered_hours_required or 0) > (self.training_hours_required or 0):
            raise ValidationError(
                {
                    "person_centered_hours_required": (
                        "Person-centered hours are part of the training hours, so they cannot "
                        "be more than the training hours required."
                    )
                }
            )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        courses = selectors.program_courses(program=self, request=request)
        context["crumbs"] = selectors.breadcrumb(page=self)
        context["courses"] = courses
        context["sections"] = sections_for(request=request, page=self)
        context["total_ce_hours"] = sum((course.ce_hours for course in courses), Decimal(0))
        context["total_minutes"] = sum(course.estimated_minutes for course in courses)
        return context


class ProgramCourse(Orderable):
    program = ParentalKey(ProgramPage, on_delete=models.CASCADE, related_name="program_courses")
    course = models.ForeignKey(
        "courses.CoursePage", on_delete=models.PROTECT, related_name="program_links"
    )

    panels = [FieldPanel("course")]

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["program", "course"], name="courses_program_course_once"
            )
        ]


class CoursePage(ClinicalReviewGate, ViewRestrictionsInOneQuery, Page, FileSourced):
    summary = models.TextField()
    objectives = StreamField(
        [("objective", blocks.CharBlock(max_length=300))],
        blank=True,
        help_text="One learning objective per item, each completing 'By the end you can…'.",
    )
    audiences = ParentalManyToManyField(Audience, related_name="courses")
    topics = ParentalManyToManyField(Topic, related_name="courses")
    estimated_minutes = models.PositiveIntegerField(
        help_text="Computed from the lessons' words and media and the assessments' length."
    )
    ce_hours = models.DecimalField("CE hours offered", **HOURS)
    exam_required = models.BooleanField(
        default=True,
        help_text="Completing the course (and earning its CE hours) needs its exam passed, "
        "when the course has one.",
    )
    prerequisites = ParentalManyToManyField(
        "self", symmetrical=False, blank=True, related_name="required_by"
    )
    # The planning record an accredited provider keeps for an activity (ACCME Standards for
    # Integrity and Independence; PARS): why it exists, for whom, what it should change.
    practice_gap = models.TextField(
        blank=True, help_text="The gap between current and best practice this course answers."
    )
    learning_needs = models.TextField(
        blank=True,
        help_text="What learners need (knowledge, competence, performance) and how "
        "the need was identified.",
    )
    commercial_support = models.CharField(
        max_length=300,
        default="None",
        help_text="Commercial support received: 'None', or its source and amount.",
    )
    released_on = models.DateField(null=True, blank=True, help_text="When it was released.")
    activity_reviewed_on = models.DateField(
        "last reviewed on", null=True, blank=True, help_text="The planners' last full review."
    )
    credit_expires_on = models.DateField(
        null=True,
        blank=True,
        help_text="The last day credit may be claimed; none is awarded after it.",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("objectives"),
        FieldPanel("audiences"),
        FieldPanel("topics"),
        FieldPanel("estimated_minutes", read_only=True),
        FieldPanel("ce_hours"),
        FieldPanel("exam_required"),
        FieldPanel("prerequisites"),
        InlinePanel("disclosures", label="Disclosures", min_num=1),
        MultiFieldPanel(
            [
                FieldPanel("practice_gap"),
                FieldPanel("learning_needs"),
                InlinePanel("outcomes", label="Desired outcomes"),
                FieldPanel("commercial_support"),
                FieldPanel("released_on"),
                FieldPanel("activity_reviewed_on"),
                FieldPanel("credit_expires_on"),
                InlinePanel("credit_designations", label="Credit designations"),
            ],
            heading="Planning record and credit (CE accreditation)",
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary")]
    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.ModulePage"]
    base_form_class = CoursePageForm

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["crumbs"] = selectors.breadcrumb(page=self)
        learner = request.user if request.user.is_authenticated else None
        # Read once for the outline and the progress bar, with the learner's completions.
        lessons = selectors.course_lessons(course=self, learner=learner)
        context["facts"] = facts = selectors.course_facts(course=self, request=request)
        context["outline"] = selectors.course_outline(
            course=self, lessons=lessons, modules=facts.modules
        )
        context["course_lessons"] = lessons
        context["completed_ids"] = (
            None if learner is None else {x.pk for x in lessons if x.completed}
        )
        context["sections"] = sections_for(request=request, page=self)
        return context


class CourseDisclosure(Orderable):
    """Who controlled the content and their financial relationships of the past 24 months,
    as CE accreditation requires; learners see these before the first lesson."""

    class Role(models.TextChoices):
        AUTHOR = "author", "Author"
        PLANNER = "planner", "Planner"
        REVIEWER = "reviewer", "Reviewer"

    course = ParentalKey(CoursePage, on_delete=models.CASCADE, related_name="disclosures")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=20, choices=Role.choices)
    relationships = models.TextField(
        default="None",
        help_text="Relevant financial relationships in the past 24 months, or 'None'.",
    )
    mitigation = models.TextField(
        blank=True, help_text="How any conflict was mitigated; blank when there was none."
    )
    mitigated_by = models.CharField(
        max_length=200, blank=True, help_text="Who reviewed the content to mitigate it."
    )
    mitigated_on = models.DateField(null=True, blank=True, help_text="When they did.")

    panels = [
        FieldPanel("name"),
        FieldPanel("role"),
        FieldPanel("relationships"),
        FieldPanel("mitigation"),
        FieldPanel("mitigated_by"),
        FieldPanel("mitigated_on"),
    ]

    @property
    def has_relationships(self) -> bool:
        return not no_relationships(self.relationships)

    def clean(self):
        super().clean()
        if self.has_relationships:
            missing = {
                name: "A relevant financial relationship needs how, by whom and when it was "
                "mitigated before the content is used."
                for name in ("mitigation", "mitigated_by", "mitigated_on")
                if not getattr(self, name)
            }
            if missing:
                raise ValidationError(missing)


class CourseOutcome(Orderable):
    """A desired outcome of the course, mapped to the lesson objectives that serve it."""

    course = ParentalKey(CoursePage, on_delete=models.CASCADE, related_name="outcomes")
    text = models.CharField(max_length=400)
    objective_codes = models.CharField(
        max_length=500, help_text="The lesson objective ids it maps to, separated by commas."
    )

    panels = [FieldPanel("text"), FieldPanel("objective_codes")]

    @property
    def objective_list(self) -> list[str]:
        return [code.strip() for code in self.objective_codes.split(",") if code.strip()]

    def __str__(self) -> str:
        return self.text


class ModulePage(ClinicalReviewGate, ViewRestrictionsInOneQuery, Page, FileSourced):
    summary = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("summary")]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = ["courses.LessonPage"]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["crumbs"] = crumbs = selectors.breadcrumb(page=self)
        context["course"] = crumbs[-1]
        context["lessons"] = selectors.module_lessons(module=self)
        context["sections"] = sections_for(request=request, page=self)
        return context


class LessonPage(ClinicalReviewGate, ViewRestrictionsInOneQuery, Page, FileSourced):
    summary = models.TextField(blank=True)
    estimated_minutes = models.PositiveIntegerField(
        default=10,
        help_text="Computed from the lesson's words (200 a minute) and media when its file is "
        "loaded. 'Mark as complete' needs a share of it spent on the lesson.",
    )
    body = StreamField(LessonStreamBlock())
    clinically_reviewed_on = models.DateField(null=True, blank=True, editable=False)
    clinical_reviewer = models.CharField(max_length=200, blank=True, editable=False)

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("estimated_minutes", read_only=True),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("material_correction"), FieldPanel("correction_summary")],
            heading="Material correction",
        ),
    ]
    base_form_class = LessonPageForm
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["courses.ModulePage"]
    subpage_types: list[str] = []

    @property
    def next_review_due(self) -> date | None:
        if self.clinically_reviewed_on is None:
            return None
        return next_review_due(self.clinically_reviewed_on)

    @cached_property
    def trail(self):
        """Course, module and neighbours; read once per request by the visit hook and the page."""
        return selectors.lesson_trail(lesson=self)

    def serve(self, request, *args, **kwargs):
        # Lessons are for signed-in learners; the course, module and program pages stay public.
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Read only when the body is rendered, not when it comes from the fragment cache.
        context["references"] = SimpleLazyObject(self.numbered_references)
        # {reference pk: number}: the block templates' citation marks read it.
        context["reference_numbers"] = SimpleLazyObject(
            lambda: {ref.pk: n for n, ref in enumerate(context["references"], 1)}
        )
        context["fragment_cache_seconds"] = settings.FRAGMENT_CACHE_SECONDS
        context["body_cache_key"] = (
            None
            if getattr(request, "is_preview", False)
            else f"{self.pk}.{self.live_revision_id}.{fragments.content_version()}"
        )
        context["trail"] = trail = self.trail
        context["crumbs"] = [trail.courses_index, trail.course, trail.module]
        context["review_overdue"] = (
            self.next_review_due is not None and self.next_review_due < timezone.localdate()
        )
        return context

    def numbered_references(self) -> list:
        """References cited in the body, numbered in order of first citation."""
        seen: dict[int, object] = {}
        for block in self.body:
            if block.block_type in LessonStreamBlock.CITING_BLOCKS:
                for reference in block.value["references"]:
                    if reference is not None:
                        seen.setdefault(reference.pk, reference)
        return list(seen.values())


# --- Learner progress -------------------------------------------------------------------------


class Enrolment(models.Model):
    """A person taking a course, or following a program. Exactly one of the two is set."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments"
    )
    course = models.ForeignKey(
        CoursePage, null=True, blank=True, on_delete=models.CASCADE, related_name="enrolments"
    )
    program = models.ForeignKey(
        ProgramPage, null=True, blank=True, on_delete=models.CASCADE, related_name="enrolments"
    )
    enrolled_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    last_lesson = models.ForeignKey(
        LessonPage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_activity_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(course__isnull=False, program__isnull=True)
                | models.Q(course__isnull=True, program__isnull=False),
                name="courses_enrolment_course_xor_program",
            ),
            models.UniqueConstraint(
                fields=["user", "course"],
                condition=models.Q(course__isnull=False),
                name="courses_enrolment_once_per_course",
            ),
            models.UniqueConstraint(
                fields=["user", "program"],
                condition=models.Q(program__isnull=False),
                name="courses_enrolment_once_per_program",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.course or self.program}"


class LessonProgress(models.Model):
    """One row per person and lesson they opened: time spent, and when they completed it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress"
    )
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="progress")
    # The course is stored too, so a course's progress is one indexed count.
    course = models.ForeignKey(CoursePage, on_delete=models.CASCADE, related_name="+")
    first_viewed_at = models.DateTimeField(auto_now_add=True)
    seconds_on_page = models.PositiveIntegerField(default=0)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="courses_progress_once"),
        ]
        indexes = [models.Index(fields=["user", "course"], name="courses_progress_user_course")]

    def __str__(self) -> str:
        return f"{self.user} / {self.lesson_id}"


class StudyClock(models.Model):
    """Up to when a person's time on lessons has been credited. Time is credited once: however
    many lessons are open at once, the seconds credited across all of them never exceed the
    time that really passed (courses.services.lesson_time_add)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    credited_until = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.user_id} credited until {self.credited_until}"


class LessonObjective(models.Model):
    """A lesson's learning objective, with the id its file gives it: exam items say which
    objectives they assess, so a course can show that every objective is assessed."""

    course = models.ForeignKey(CoursePage, on_delete=models.CASCADE, related_name="+")
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="+")
    code = models.SlugField(max_length=120)
    text = models.CharField(max_length=400)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["course_id", "sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["course", "code"], name="courses_objective_code_once")
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.text}"


class ModuleCompletion(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="module_completions"
    )
    module = models.ForeignKey(ModulePage, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "module"], name="courses_module_done_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} completed {self.module_id}"


class LessonCorrection(models.Model):
    """A material correction to a published lesson, in plain words. Once the corrected lesson
    is live it is on the course's public corrections log, and learners who completed the course
    in the CORRECTIONS_NOTIFY_MONTHS before are told (email and dashboard)."""

    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="corrections")
    course = models.ForeignKey(CoursePage, on_delete=models.CASCADE, related_name="corrections")
    summary = models.TextField(help_text="What changed and why, for learners.")
    revision = models.ForeignKey(
        "wagtailcore.Revision", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(
        null=True, blank=True, help_text="When the corrected lesson went live."
    )
    notified = models.PositiveIntegerField(default=0, help_text="Learners emailed.")

    class Meta:
        ordering = ["-published_at", "-pk"]

    def __str__(self) -> str:
        return f"Correction to {self.lesson_id}: {self.summary[:60]}"


class LessonFileRead(models.Model):
    """A lesson file as load_curricula last read it, so that an unchanged file is not parsed
    again (courses.curriculum.lesson_reads). Written only by a load that wrote its pages."""

    path = models.CharField(max_length=1000, unique=True, help_text="The file's absolute path.")
    digest = models.CharField(max_length=64, help_text="Of the reader's code and the file.")
    spec = models.JSONField(help_text="What reading the file gave (a LessonSpec).")

    def __str__(self) -> str:
        return self.path
