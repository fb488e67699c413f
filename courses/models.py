"""The curriculum tree: programs and courses, modules and lessons.

    Home ─ Courses (CourseIndexPage) ─ CoursePage ─ ModulePage ─ LessonPage
         └ Programs (ProgramIndexPage) ─ ProgramPage ··· links to CoursePages

A course lives once, under the course index, so it can stand alone or belong to several programs.
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from wagtail import blocks
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from modelcluster.fields import ParentalKey, ParentalManyToManyField

from courses.blocks import LessonStreamBlock

HOURS = {"max_digits": 5, "decimal_places": 2, "validators": [MinValueValidator(Decimal(0))]}
# Courses with this topic hold medication content: it needs a clinical reviewer's approval.
MEDICATION_TOPIC = "medications"


class Audience(models.Model):
    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=80)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Topic(models.Model):
    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=80)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class FileSourced(models.Model):
    """Where a page came from in content/curricula/, and a digest of that source as last loaded,
    so `load_curricula` can tell an unchanged file from a changed one without diffing pages."""

    source_path = models.CharField(max_length=300, blank=True, editable=False, db_index=True)
    source_digest = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        abstract = True


class CourseIndexPage(Page):
    intro = RichTextField(features=["bold", "italic", "link"], blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["content.HomePage"]
    subpage_types = ["courses.CoursePage"]
    max_count = 1


class ProgramIndexPage(Page):
    intro = RichTextField(features=["bold", "italic", "link"], blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["content.HomePage"]
    subpage_types = ["courses.ProgramPage"]
    max_count = 1


class ProgramPage(Page, FileSourced):
    """A certification or CE program: the courses it takes and the hours it asks for."""

    summary = models.TextField()
    audience = models.CharField(max_length=200, help_text="Who the program is for.")
    credential_name = models.CharField(
        max_length=200, help_text="The credential a person earns on completing the program."
    )
    training_hours_required = models.DecimalField(default=Decimal(0), **HOURS)
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


class CoursePage(Page, FileSourced):
    summary = models.TextField()
    objectives = StreamField(
        [("objective", blocks.CharBlock(max_length=300))],
        blank=True,
        help_text="One learning objective per item, each completing 'By the end you can…'.",
    )
    audiences = ParentalManyToManyField(Audience, related_name="courses")
    topics = ParentalManyToManyField(Topic, related_name="courses")
    estimated_minutes = models.PositiveIntegerField()
    ce_hours = models.DecimalField("CE hours offered", **HOURS)
    prerequisites = ParentalManyToManyField(
        "self", symmetrical=False, blank=True, related_name="required_by"
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("objectives"),
        FieldPanel("audiences"),
        FieldPanel("topics"),
        FieldPanel("estimated_minutes"),
        FieldPanel("ce_hours"),
        FieldPanel("prerequisites"),
        InlinePanel("disclosures", label="Disclosures", min_num=1),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary")]
    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.ModulePage"]

    @property
    def needs_clinical_review(self) -> bool:
        return self.topics.filter(slug=MEDICATION_TOPIC).exists()


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

    panels = [
        FieldPanel("name"),
        FieldPanel("role"),
        FieldPanel("relationships"),
        FieldPanel("mitigation"),
    ]


class ModulePage(Page, FileSourced):
    summary = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("summary")]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = ["courses.LessonPage"]


class LessonPage(Page, FileSourced):
    summary = models.TextField(blank=True)
    estimated_minutes = models.PositiveIntegerField(default=10)
    body = StreamField(LessonStreamBlock())
    clinically_reviewed_on = models.DateField(null=True, blank=True, editable=False)
    clinical_reviewer = models.CharField(max_length=200, blank=True, editable=False)

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("estimated_minutes"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["courses.ModulePage"]
    subpage_types: list[str] = []

    @property
    def next_review_due(self) -> date | None:
        if self.clinically_reviewed_on is None:
            return None
        months = settings.CLINICAL_REVIEW_INTERVAL_MONTHS
        year, month = divmod(self.clinically_reviewed_on.month - 1 + months, 12)
        day = min(self.clinically_reviewed_on.day, 28)
        return date(self.clinically_reviewed_on.year + year, month + 1, day)

    def numbered_references(self) -> list:
        """References cited in the body, numbered in order of first citation."""
        seen: dict[int, object] = {}
        for block in self.body:
            if block.block_type in LessonStreamBlock.CITING_BLOCKS:
                for reference in block.value["references"]:
                    if reference is not None:
                        seen.setdefault(reference.pk, reference)
        return list(seen.values())
