from django.core.exceptions import ValidationError
from django.db import models

from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from content.blocks import BaseStreamBlock
from content.links import DOI, link_problem
from content.pages import ViewRestrictionsInOneQuery


class HomePage(ViewRestrictionsInOneQuery, Page):
    """The site root: what the platform is for and where each kind of user starts."""

    intro = RichTextField(features=["bold", "italic", "link"], blank=True)
    body = StreamField(BaseStreamBlock(), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = "home page"


class StandardPage(ViewRestrictionsInOneQuery, Page):
    """A plain page for policies, about and help text."""

    introduction = models.TextField(blank=True)
    body = StreamField(BaseStreamBlock(), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("introduction"), FieldPanel("body")]
    search_fields = [*Page.search_fields]

    class Meta:
        verbose_name = "standard page"


class ReferenceKind(models.TextChoices):
    """What kind of work a source is, shown to learners beside it: a meta-analysis and an
    advocacy statement are both worth reading, for different things."""

    SYSTEMATIC_REVIEW = "systematic-review", "Systematic review or meta-analysis"
    TRIAL = "trial", "Randomised or controlled trial"
    COHORT = "cohort", "Cohort or registry study"
    OBSERVATIONAL = "observational", "Other observational study"
    QUALITATIVE = "qualitative", "Qualitative study"
    NARRATIVE_REVIEW = "narrative-review", "Narrative review or commentary"
    GUIDELINE = "guideline", "Clinical guideline"
    REGULATOR = "regulator", "Regulator warning or label"
    LAW = "law", "Law, treaty or legal guidance"
    LIVED_EXPERIENCE = "lived-experience", "Lived-experience account"
    ADVOCACY = "advocacy", "Advocacy or position statement"
    GREY_LITERATURE = "grey-literature", "Report or web page (grey literature)"
    BOOK = "book", "Book or chapter"


# Only these may stand without a DOI or URL, saying why in `unpublished`: research must be findable.
UNPUBLISHED_KINDS = (
    ReferenceKind.ADVOCACY,
    ReferenceKind.GREY_LITERATURE,
    ReferenceKind.LIVED_EXPERIENCE,
)


class Reference(models.Model):
    """A source that lessons cite. `key` is the stable handle curriculum files use ([@key])."""

    key = models.SlugField(
        max_length=80, unique=True, help_text="Short handle used in files, e.g. moncrieff-2023."
    )
    authors = models.CharField(max_length=500, help_text="As cited, e.g. Moncrieff J, Cooper RE.")
    year = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=500)
    source = models.CharField(
        max_length=300, help_text="Journal, publisher or organisation, with volume and pages."
    )
    doi = models.CharField("DOI", max_length=200, blank=True, help_text="e.g. 10.1038/xyz")
    url = models.URLField("URL", max_length=500, blank=True)
    kind = models.CharField(
        "type", max_length=20, choices=ReferenceKind.choices, default=ReferenceKind.GREY_LITERATURE
    )
    unpublished = models.CharField(
        max_length=300,
        blank=True,
        help_text="For a source with no public origin: what it is and where it is held. Shown to "
        "learners in place of a link.",
    )

    panels = [
        FieldPanel("key"),
        FieldPanel("authors"),
        FieldPanel("year"),
        FieldPanel("title"),
        FieldPanel("source"),
        FieldPanel("doi"),
        FieldPanel("url"),
        FieldPanel("kind"),
        FieldPanel("unpublished"),
    ]

    class Meta:
        ordering = ["authors", "year"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(doi="", url="", unpublished="")
                & (
                    models.Q(unpublished="")
                    | models.Q(doi="", url="", kind__in=[k.value for k in UNPUBLISHED_KINDS])
                ),
                name="content_reference_findable",
                violation_error_message="A reference needs a DOI or a URL so readers can find it; "
                "only an advocacy statement, grey literature or a lived-experience account without "
                "a public origin may say so instead, and then has neither.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.authors} ({self.year}). {self.title}"

    def clean(self):
        # The same rule as references.yaml, for references made in the CMS.
        super().clean()
        errors = {}
        if self.url and (problem := link_problem(self.url)):
            errors["url"] = f"The {problem}."
        if self.doi and not DOI.match(self.doi):
            errors["doi"] = f"'{self.doi}' is not a DOI: it starts with 10. and a slash follows."
        if errors:
            raise ValidationError(errors)

    @property
    def link(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else self.url
