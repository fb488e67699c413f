"""Licensing boards and their CE renewal rules, licensees' consent to be seen, late renewals,
CE evidence taken elsewhere, and audits.

A board is an organisation (its staff are board-verifier accounts). It governs licence types in
one jurisdiction; for each it keeps one renewal rule whose terms are versioned: a version is never
edited once made, and a licensee is judged by the version in force for their cycle
(boards.rules.version_for)."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from accounts.models import Licence, jurisdiction_validator
from assessments.models import private_storage

HOURS = {"max_digits": 6, "decimal_places": 2, "validators": [MinValueValidator(0)]}


class Board(models.Model):
    name = models.CharField(max_length=200, unique=True)
    jurisdiction = models.CharField(
        max_length=6,
        validators=[jurisdiction_validator],
        help_text="ISO 3166 code of the jurisdiction whose licences it renews, e.g. US-NY.",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="BoardMember", related_name="+"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class BoardMember(models.Model):
    """A board-verifier account acting for a board; a person acts for one board."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="memberships")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="board_membership"
    )

    def __str__(self) -> str:
        return f"{self.user} at {self.board}"


class SubjectArea(models.Model):
    """One of a board's own CE categories (e.g. "Ethics and medication safety"), matched by the
    course topics and competency domains it maps to."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="subject_areas")
    name = models.CharField(max_length=120)
    topics = models.ManyToManyField("courses.Topic", blank=True, related_name="+")
    domains = models.ManyToManyField("assessments.CompetencyDomain", blank=True, related_name="+")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["board", "name"], name="boards_area_name_once")
        ]

    def __str__(self) -> str:
        return self.name


class RenewalRule(models.Model):
    """A board's CE requirement for one licence type; its terms live in its versions."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="rules")
    licence_type = models.CharField(max_length=16, choices=Licence.LicenceType.choices)

    class Meta:
        ordering = ["board", "licence_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["board", "licence_type"], name="boards_one_rule_per_licence_type"
            )
        ]

    def __str__(self) -> str:
        return f"{self.board}: {self.get_licence_type_display()}"


class CycleKind(models.TextChoices):
    FIXED = "fixed", "Fixed dates: every licensee renews on the same dates"
    ANCHORED = "anchored", "Anchored on each licensee's renewal date"


class Delivery(models.TextChoices):
    SELF_STUDY = "self_study", "Self-study (on demand, online or print)"
    LIVE_ONLINE = "live_online", "Live online (webinar)"
    LIVE = "live", "Live, in person"


class RuleVersion(models.Model):
    """The terms of a rule from `effective_from`: immutable once made (a change is a new
    version), so a past judgement can always be recomputed under the terms that made it."""

    rule = models.ForeignKey(RenewalRule, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    effective_from = models.DateField(
        help_text="It governs cycles that start on or after this day (and a cycle in progress "
        "when no earlier version does)."
    )
    cycle_kind = models.CharField(max_length=10, choices=CycleKind.choices)
    cycle_months = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text="How long a cycle is, e.g. 12 or 24 months.",
    )
    fixed_start = models.DateField(
        null=True,
        blank=True,
        help_text="Fixed cycles: the first day of any one cycle, e.g. 1 July 2025.",
    )
    total_hours = models.DecimalField(**HOURS)
    credit_types = models.ManyToManyField(
        "accreditation.CreditType",
        blank=True,
        related_name="+",
        help_text="Leave empty to accept every credit type.",
    )
    carry_over_hours = models.DecimalField(
        default=0,
        help_text="Hours earned beyond the previous cycle's total that count in the next; 0: "
        "only CE earned within the cycle counts.",
        **HOURS,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["rule", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "number"], name="boards_version_number_once"),
            models.UniqueConstraint(
                fields=["rule", "effective_from"], name="boards_one_version_per_effective_date"
            ),
            models.CheckConstraint(
                condition=models.Q(cycle_kind="anchored", fixed_start__isnull=True)
                | models.Q(cycle_kind="fixed", fixed_start__isnull=False),
                name="boards_fixed_cycles_have_a_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule} v{self.number}"


class SubjectMinimum(models.Model):
    version = models.ForeignKey(RuleVersion, on_delete=models.CASCADE, related_name="minimums")
    area = models.ForeignKey(SubjectArea, on_delete=models.PROTECT, related_name="+")
    hours = models.DecimalField(**HOURS)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "area"], name="boards_minimum_once")
        ]

    def __str__(self) -> str:
        return f"at least {self.hours} h of {self.area}"


class DeliveryMaximum(models.Model):
    version = models.ForeignKey(RuleVersion, on_delete=models.CASCADE, related_name="maximums")
    delivery = models.CharField(max_length=20, choices=Delivery.choices)
    hours = models.DecimalField(**HOURS)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "delivery"], name="boards_maximum_once")
        ]

    def __str__(self) -> str:
        return f"at most {self.hours} h {self.get_delivery_display()}"


class LicenceConsent(models.Model):
    """A licensee lets a board see the CE of one licence, ongoing until they withdraw it. The
    renewal date is as the licensee stated it until the board confirms it from its register."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    licence = models.ForeignKey(Licence, on_delete=models.CASCADE, related_name="board_consents")
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="consents")
    renews_on = models.DateField(
        null=True,
        blank=True,
        help_text="The licence's next renewal date, as on the licence.",
    )
    renews_on_confirmed_at = models.DateTimeField(null=True, blank=True)
    granted_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-granted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["licence", "board"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="boards_one_live_consent",
            )
        ]

    def __str__(self) -> str:
        return f"{self.licence} with {self.board}"


class LateRenewal(models.Model):
    """A licensee renewed after their cycle ended: CE from the day after the cycle's end to
    the renewal counts for that cycle, and not again for the next (boards.cycles)."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="+")
    licence = models.ForeignKey(Licence, on_delete=models.CASCADE, related_name="+")
    cycle_end = models.DateField()
    renewed_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["board", "licence", "cycle_end"], name="boards_late_renewal_once"
            ),
            models.CheckConstraint(
                condition=models.Q(renewed_on__gt=models.F("cycle_end")),
                name="boards_late_renewal_after_cycle",
            ),
        ]

    def __str__(self) -> str:
        return f"cycle ending {self.cycle_end} renewed on {self.renewed_on}"


class EvidenceStatus(models.TextChoices):
    SUBMITTED = "submitted", "Waiting for the board"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


class CeEvidence(models.Model):
    """CE taken elsewhere, uploaded by a licensee for a board: it counts once the board
    accepts it, in the subject area the board accepted it for."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="+")
    licence = models.ForeignKey(Licence, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=300)
    provider = models.CharField(max_length=300)
    completed_on = models.DateField()
    hours = models.DecimalField(
        max_digits=6, decimal_places=2, validators=[MinValueValidator(0.25)]
    )
    delivery = models.CharField(max_length=20, choices=Delivery.choices)
    area = models.ForeignKey(
        SubjectArea, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    credit_type = models.CharField(max_length=120, blank=True)
    file = models.FileField(upload_to="board-evidence/%Y/%m/", storage=private_storage)
    status = models.CharField(
        max_length=20, choices=EvidenceStatus.choices, default=EvidenceStatus.SUBMITTED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-completed_on"]
        constraints = [
            models.CheckConstraint(condition=models.Q(hours__gt=0), name="boards_evidence_hours")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.hours} h)"


class AuditCycle(models.TextChoices):
    CURRENT = "current", "Current cycle"
    PREVIOUS = "previous", "Previous cycle"


class Audit(models.Model):
    """A random sample of a board's consenting licensees of one licence type, drawn for a cycle
    with a recorded seed: anyone holding the seed and the population list draws the same
    sample (boards.audits.sample)."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="audits")
    licence_type = models.CharField(max_length=16, choices=Licence.LicenceType.choices)
    cycle = models.CharField(max_length=10, choices=AuditCycle.choices)
    as_of = models.DateField(help_text="The day the cycles are counted from.")
    percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0.01), MaxValueValidator(100)],
    )
    seed = models.CharField(max_length=64)
    population = models.JSONField(help_text="Licence ids of the consenting licensees, sorted.")
    population_digest = models.CharField(max_length=64)
    drawn_at = models.DateTimeField(auto_now_add=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-drawn_at"]

    def __str__(self) -> str:
        return f"{self.board} audit of {self.get_licence_type_display()} ({self.as_of})"


class AuditSelection(models.Model):
    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="selections")
    licence = models.ForeignKey(Licence, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["audit", "position"]
        constraints = [
            models.UniqueConstraint(fields=["audit", "licence"], name="boards_selected_once")
        ]

    def __str__(self) -> str:
        return f"{self.audit} #{self.position}"


class ComplianceReminder(models.Model):
    """A reminder sent to a licensee not yet compliant: one per consent, cycle and threshold."""

    consent = models.ForeignKey(LicenceConsent, on_delete=models.CASCADE, related_name="+")
    cycle_end = models.DateField()
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["consent", "cycle_end", "days_before"], name="boards_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.days_before} days before {self.cycle_end}"
