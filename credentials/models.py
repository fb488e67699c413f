"""Credentials: the issuer's signing keys, achievements, the credentials issued, and the status
lists that revoke or suspend them.

Only public keys are stored here. A private key lives outside the database and the repository
(credentials.signing_keys), so a database dump cannot sign anything.
"""

import uuid

from django.conf import settings
from django.db import models


class SigningKey(models.Model):
    """An Ed25519 key of the issuer's did:web document, published as a Multikey.

    One key is current: new credentials are signed with it. Older keys stay in the DID document
    so what they signed still verifies; a key marked revoked (compromised) leaves the document's
    assertionMethod, and what it signed stops verifying."""

    key_id = models.SlugField(max_length=60, unique=True, help_text="The DID URL fragment.")
    public_key_multibase = models.CharField(max_length=100, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    is_current = models.BooleanField(default=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"],
                condition=models.Q(is_current=True),
                name="one_current_signing_key",
            ),
            models.CheckConstraint(
                condition=~models.Q(is_current=True, revoked_at__isnull=False),
                name="current_signing_key_not_revoked",
            ),
        ]

    def __str__(self) -> str:
        return self.key_id


class AchievementKind(models.TextChoices):
    COURSE = "course", "Course completion with CE credit"
    CERTIFICATION = "certification", "Certification"


class Achievement(models.Model):
    """What a credential certifies. Made from a course or a program of the curriculum files
    (their rules are the criteria, evaluated by assessments.requirements); administrators may
    reword it in the CMS, and that stands until the files change."""

    slug = models.SlugField(max_length=120, unique=True)
    kind = models.CharField(max_length=20, choices=AchievementKind.choices)
    name = models.CharField(max_length=200)
    description = models.TextField()
    criteria = models.TextField(help_text="What a holder did to earn it, in plain words.")
    course = models.OneToOneField(
        "courses.CoursePage", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    program = models.OneToOneField(
        "courses.ProgramPage", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ce_hours = models.DecimalField(max_digits=6, decimal_places=2, default=0)
    validity_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Empty: the credential does not expire."
    )
    renewal_ce_hours = models.DecimalField(
        max_digits=6, decimal_places=2, null=True, blank=True, help_text="CE hours a year to renew."
    )
    competencies = models.ManyToManyField("assessments.Competency", blank=True, related_name="+")
    tracking_number = models.CharField(
        max_length=60,
        blank=True,
        help_text="The course's number at a CE tracker or accreditor (CE Broker course number, "
        "ACCME activity id), for their completion reports.",
    )
    source_digest = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="course", course__isnull=False, program__isnull=True)
                | models.Q(kind="certification", program__isnull=False, course__isnull=True),
                name="achievement_certifies_its_course_or_program",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Credential(models.Model):
    """One signed credential: exactly one per learner, achievement and validity period.

    `document` is the signed Open Badges 3.0 credential exactly as issued; the holder's name and
    licence numbers are captured in it at issuance. Revocation and suspension live in the
    status lists at `status_index`, not in the document."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    achievement = models.ForeignKey(Achievement, on_delete=models.PROTECT, related_name="+")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="credentials"
    )
    # "" for a credential that never expires; else the ISO date its validity period starts.
    period = models.CharField(max_length=10, blank=True)
    holder_name = models.CharField(max_length=300)
    credits = models.DecimalField(max_digits=6, decimal_places=2, default=0)
    credit_type = models.CharField(
        max_length=120,
        blank=True,
        help_text="The credit the learner claimed, e.g. 'ANCC contact hours'; blank for a "
        "course not offered for credit, whose hours are its CE hours.",
    )
    valid_from = models.DateTimeField()
    valid_until = models.DateTimeField(null=True, blank=True)
    status_index = models.PositiveIntegerField(unique=True)
    document = models.JSONField()
    # sha256 of the document as signed: while it matches, verifying skips canonicalization.
    document_digest = models.CharField(max_length=64, blank=True, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The administrator who issued it by hand; empty when the rules were met.",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.TextField(blank=True)
    suspended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-valid_from"]
        constraints = [
            # Revoked credentials leave the period free for a corrected one.
            models.UniqueConstraint(
                fields=["learner", "achievement", "period"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_credential_per_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.achievement} for {self.holder_name}"

    @property
    def credit_label(self) -> str:
        """The hours as boards read them: "1.5 ANCC contact hours", or "1.5 CE hours"."""
        return f"{self.credits.normalize():f} {self.credit_type or 'CE hours'}"


class StatusPurpose(models.TextChoices):
    REVOCATION = "revocation", "Revocation"
    SUSPENSION = "suspension", "Suspension"


class StatusList(models.Model):
    """A Bitstring Status List: bit i is set when the credential at status_index i is revoked
    (or suspended). `document` is its signed BitstringStatusListCredential, signed again
    whenever a bit changes."""

    purpose = models.CharField(max_length=20, choices=StatusPurpose.choices, unique=True)
    bits = models.BinaryField()
    document = models.JSONField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.purpose} status list"


class AuditChainHead(models.Model):
    """The single row locked while an entry is appended, so two appends never fork the chain."""

    last_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return self.last_hash


class AuditAnchor(models.Model):
    """The audit chain's head at a moment, signed with the issuer key (credentials.audit_anchors):
    a chain rewritten whole, hashes and all, no longer holds the anchored hash."""

    entry_id = models.PositiveBigIntegerField(help_text="The last entry when it was signed.")
    entry_hash = models.CharField(max_length=64)
    signed_at = models.CharField(max_length=40, help_text="ISO time, as signed.")
    key_id = models.SlugField(max_length=60)
    signature = models.CharField(max_length=100)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"anchor of entry {self.entry_id} ({self.signed_at})"


class AuditEntry(models.Model):
    """One append-only, hash-chained record: `entry_hash` = sha256(previous hash + this entry's
    fields), so changing or removing an entry breaks every hash after it
    (`manage.py audit_verify` finds where)."""

    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=300, help_text="Who, as recorded at the time.")
    action = models.CharField(max_length=40)
    subject = models.CharField(max_length=200, help_text="The credential, key or share.")
    details = models.JSONField(default=dict)
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["pk"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.subject}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit entries are append-only.")


class TranscriptShare(models.Model):
    """A learner lets a licensing board (a board-verifier account), or anyone with a link, read
    their CE transcript for one period, until they withdraw it. A link's token is stored only
    as a hash: the learner sees the link once, when they make it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="transcript_shares"
    )
    board = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="transcripts_shared_with_me",
    )
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    period_start = models.DateField()
    period_end = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(board__isnull=False, token_hash__isnull=True)
                | models.Q(board__isnull=True, token_hash__isnull=False),
                name="share_with_a_board_or_by_link",
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="share_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.learner} {self.period_start}..{self.period_end}"

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None


class BoardApiToken(models.Model):
    """A licensing board's key to the API: only its hash is kept; the board sees it once."""

    board = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="board_api_tokens"
    )
    name = models.CharField(max_length=100, help_text="What it is for, e.g. 'renewal system'.")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.board}: {self.name}"


class RenewalReminder(models.Model):
    """A reminder sent for a certification nearing its end: one per credential and threshold."""

    credential = models.ForeignKey(Credential, on_delete=models.CASCADE, related_name="+")
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["credential", "days_before"], name="one_reminder_per_threshold"
            )
        ]

    def __str__(self) -> str:
        return f"{self.credential_id} {self.days_before} days before"


class WalletOffer(models.Model):
    """A credential offered to the learner's wallet (OpenID for Verifiable Credential Issuance,
    pre-authorized code flow; credentials.oid4vci). The code in the QR code is exchanged once
    for an access token, and the token delivers the credential once, each within minutes. Only
    digests of the code and the token are kept."""

    credential = models.ForeignKey(
        Credential, on_delete=models.CASCADE, related_name="wallet_offers"
    )
    code_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    token_digest = models.CharField(max_length=64, unique=True, null=True, blank=True)
    token_expires_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    holder = models.CharField(
        max_length=500, blank=True, help_text="The DID the delivered copy is bound to."
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Wallet offer of {self.credential_id}"
