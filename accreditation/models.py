"""A course offered for credit: what credit, under which statements, and the learner's side of
it (disclosures acknowledged, the evaluation, the credit claimed).

Credit types and their statements belong to the provider (configured in the CMS, never in
code): we are the platform, the accredited provider is whoever runs it.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models

from wagtail.admin.panels import FieldPanel
from wagtail.models import Orderable

from modelcluster.fields import ParentalKey

HOURS_PLACEHOLDER = "{hours}"
QUARTER = Decimal("0.25")


def is_quarter_hours(value: Decimal) -> bool:
    return value % QUARTER == 0


class CreditType(models.Model):
    """A kind of credit the provider may award, with the statements its accreditor requires."""

    code = models.SlugField(max_length=60, unique=True, help_text="e.g. ancc-contact-hours")
    name = models.CharField(
        max_length=120, help_text="As learners and boards read it, e.g. 'ANCC contact hours'."
    )
    accreditor = models.CharField(
        max_length=200, blank=True, help_text="Who accredits the provider for it, e.g. ANCC."
    )
    professions = models.CharField(
        max_length=200, help_text="Whom it is for, shown to help learners choose, e.g. Nurses."
    )
    accreditation_statement = models.TextField(
        help_text="The accreditation statement in the accreditor's required wording."
    )
    designation_statement = models.TextField(
        help_text="The credit designation statement; write {hours} where the activity's "
        "maximum goes, e.g. 'designates this enduring material for a maximum of {hours} ...'."
    )
    physician_credit = models.BooleanField(
        default=False,
        help_text="Tick for AMA PRA Category 1 Credit: learners who claim it count as "
        "physicians in the PARS activity file, everyone else as other learners.",
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("code"),
        FieldPanel("accreditor"),
        FieldPanel("professions"),
        FieldPanel("accreditation_statement"),
        FieldPanel("designation_statement"),
        FieldPanel("physician_credit"),
    ]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        if HOURS_PLACEHOLDER not in (self.designation_statement or ""):
            raise ValidationError(
                {
                    "designation_statement": "Write {hours} where the maximum hours go, so each "
                    "activity's statement names its own maximum."
                }
            )

    def designation_for(self, hours: Decimal) -> str:
        return self.designation_statement.replace(HOURS_PLACEHOLDER, f"{hours.normalize():f}")


class CreditDesignation(Orderable):
    """A credit type a course is designated for, with the most hours a learner may claim."""

    course = ParentalKey(
        "courses.CoursePage", on_delete=models.CASCADE, related_name="credit_designations"
    )
    credit_type = models.ForeignKey(CreditType, on_delete=models.PROTECT, related_name="+")
    max_hours = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(QUARTER)],
        help_text="In quarter hours; at most the course's CE hours (its computed time).",
    )

    panels = [FieldPanel("credit_type"), FieldPanel("max_hours")]

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["course", "credit_type"], name="accreditation_designation_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.credit_type} ({self.max_hours} h)"

    def clean(self):
        super().clean()
        if self.max_hours is None:
            return
        if not is_quarter_hours(self.max_hours):
            raise ValidationError({"max_hours": "Designate credit in quarter hours."})
        course = getattr(self, "course", None)
        if course is not None and course.ce_hours is not None and self.max_hours > course.ce_hours:
            offered = f"{course.ce_hours.normalize():f}"
            raise ValidationError(
                {
                    "max_hours": f"At most the course's {offered} CE hours: credit cannot "
                    "exceed the time the course takes."
                }
            )

    @property
    def statement(self) -> str:
        return self.credit_type.designation_for(self.max_hours)


class DisclosureAcknowledgement(models.Model):
    """A learner read the disclosures of a course offered for credit before its first lesson."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey("courses.CoursePage", on_delete=models.CASCADE, related_name="+")
    acknowledged_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="accreditation_ack_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} acknowledged course {self.course_id} at {self.acknowledged_at}"


class QuestionKind(models.TextChoices):
    AGREEMENT = "agreement", "Agreement (strongly disagree to strongly agree)"
    YES_NO = "yes_no", "Yes or no"
    TEXT = "text", "Free text"


AGREEMENT_SCALE = [
    ("1", "Strongly disagree"),
    ("2", "Disagree"),
    ("3", "Neither agree nor disagree"),
    ("4", "Agree"),
    ("5", "Strongly agree"),
]
YES_NO = [("yes", "Yes"), ("no", "No")]


class EvaluationQuestion(models.Model):
    """One question of the evaluation every credit claim starts with; the provider edits the
    form in the CMS. Retire a question rather than delete it: answers keep their question."""

    code = models.SlugField(
        max_length=60, unique=True, help_text="Stable id the report groups answers by."
    )
    text = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=QuestionKind.choices)
    required = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True, help_text="Untick to retire the question.")

    panels = [
        FieldPanel("text"),
        FieldPanel("code"),
        FieldPanel("kind"),
        FieldPanel("required"),
        FieldPanel("sort_order"),
        FieldPanel("active"),
    ]

    class Meta:
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return self.text


class EvaluationResponse(models.Model):
    """One learner's evaluation of one course, kept apart from who gave it: no user, only the
    day, and a random id (a sequential one would line up with the claims' order)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    course = models.ForeignKey("courses.CoursePage", on_delete=models.CASCADE, related_name="+")
    submitted_on = models.DateField()
    answers = models.JSONField(help_text="{question code: answer}")

    class Meta:
        indexes = [models.Index(fields=["course", "submitted_on"])]

    def __str__(self) -> str:
        return f"Evaluation of course {self.course_id} on {self.submitted_on}"


class CreditClaim(models.Model):
    """A learner's claim of credit for a course: the type that fits their profession and the
    time they attest they spent, at most the designation's maximum. One per learner and
    course: the same time is not credited twice under two types."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="credit_claims"
    )
    course = models.ForeignKey("courses.CoursePage", on_delete=models.PROTECT, related_name="+")
    credit_type = models.ForeignKey(CreditType, on_delete=models.PROTECT, related_name="claims")
    hours = models.DecimalField(max_digits=5, decimal_places=2)
    max_hours = models.DecimalField(
        max_digits=5, decimal_places=2, help_text="The designation's maximum when claimed."
    )
    seconds_on_task = models.PositiveIntegerField(
        help_text="The time-on-task record shown to the learner as a guide when they claimed."
    )
    claimed_at = models.DateTimeField()
    attestation = models.TextField(help_text="The words the learner confirmed.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="accreditation_claim_once"),
            models.CheckConstraint(
                condition=models.Q(hours__gt=0) & models.Q(hours__lte=models.F("max_hours")),
                name="accreditation_claim_within_maximum",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hours} {self.credit_type} for {self.course_id}"


class PracticeChange(models.TextChoices):
    YES = "yes", "Yes, I have made the change"
    PARTLY = "partly", "Partly"
    NOT_YET = "not_yet", "Not yet, but I still intend to"
    NO = "no", "No"


class FollowUp(models.Model):
    """The practice-change question sent some weeks after a claim, by a single-use link. Only
    the link's hash is kept, and the answer is stored apart (FollowUpAnswer)."""

    claim = models.OneToOneField(CreditClaim, on_delete=models.CASCADE, related_name="follow_up")
    due_on = models.DateField()
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["due_on", "sent_at"])]

    def __str__(self) -> str:
        return f"Follow-up of claim {self.claim_id}, due {self.due_on}"


class FollowUpAnswer(models.Model):
    """An answer to the follow-up question, like an evaluation: no user, only the day, a
    random id."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    course = models.ForeignKey("courses.CoursePage", on_delete=models.CASCADE, related_name="+")
    answered_on = models.DateField()
    changed = models.CharField(max_length=10, choices=PracticeChange.choices)
    comment = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"Follow-up answer for course {self.course_id} on {self.answered_on}"
