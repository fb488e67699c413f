"""People and their professional licences.

The user signs in with an email address. `public_id` is the pseudonymous identifier used wherever
someone outside the platform sees a person (xAPI actor, credential subject, share links), so the
database key and the email never leave the system.
"""

import functools
import re
import uuid
import zoneinfo

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if not (extra_fields["is_staff"] and extra_fields["is_superuser"]):
            raise ValueError("A superuser must have is_staff=True and is_superuser=True.")
        return self._create_user(email, password, **extra_fields)


def time_zone_validator(name: str) -> None:
    if name not in time_zone_names():
        raise ValidationError(f"“{name}” is not a time zone name such as America/New_York.")


@functools.cache
def time_zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


class User(AbstractUser):
    """first_name/last_name are the legal name printed on credentials; display_name is how the
    platform addresses the person. Wagtail's user admin relies on first_name and last_name."""

    username = None
    email = models.EmailField("email address", unique=True)
    display_name = models.CharField(
        max_length=80,
        blank=True,
        help_text="How we address you on the site. Leave blank to use your first name.",
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Some regulators' completion reports (ACCME PARS) ask for month and day of birth; optional.
    birth_month = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    birth_day = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        validators=[time_zone_validator],
        help_text="Times on the site (deadlines, attempts) are shown in this zone.",
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    @property
    def name_to_show(self) -> str:
        return self.display_name or self.first_name or self.email.split("@")[0]


# C0 controls other than tab, line feed and carriage return, and DEL: invisible, and text with
# them cannot be signed so that every verifier agrees (credentials.open_badges).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
no_control_characters = RegexValidator(
    regex=CONTROL_CHARACTERS,
    inverse_match=True,
    message="Remove the invisible control character (pasted text often carries one).",
)

jurisdiction_validator = RegexValidator(
    regex=r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$",
    message=(
        "Use an ISO 3166 code: a country such as GB, or a country and subdivision such as "
        "US-NY or CA-ON."
    ),
)
licence_number_validator = RegexValidator(
    regex=r"^[A-Za-z0-9][A-Za-z0-9 ./-]{0,39}$",
    message="Use letters, digits, spaces, dots, slashes or hyphens (up to 40 characters).",
)


class Licence(models.Model):
    """A professional licence or certification a person holds, as a board would look it up."""

    class LicenceType(models.TextChoices):
        MD = "MD", "Physician (MD)"
        DO = "DO", "Physician (DO)"
        NP = "NP", "Nurse practitioner"
        PA = "PA", "Physician assistant"
        RN = "RN", "Registered nurse"
        PHARMD = "PHARMD", "Pharmacist"
        PSYCHOLOGIST = "PSYCHOLOGIST", "Psychologist"
        LCSW = "LCSW", "Licensed clinical social worker"
        LPC = "LPC", "Licensed professional counselor"
        CPS = "CPS", "Certified peer specialist"
        OTHER = "OTHER", "Other"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="licences")
    jurisdiction = models.CharField(
        max_length=6,
        validators=[jurisdiction_validator],
        help_text="ISO 3166 code of the licensing jurisdiction, e.g. US-NY, CA-ON or GB.",
    )
    licence_type = models.CharField(max_length=16, choices=LicenceType.choices)
    number = models.CharField(max_length=40, validators=[licence_number_validator])
    created_at = models.DateTimeField(auto_now_add=True)
    # A licence is only claimed until program staff or the board that issued it confirm it;
    # only verified licences go into credentials, regulator exports and board lookups.
    verified_at = models.DateTimeField(null=True, blank=True, editable=False)
    verified_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        ordering = ["jurisdiction", "licence_type", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "jurisdiction", "licence_type", "number"],
                name="accounts_licence_unique_per_user",
            ),
            models.UniqueConstraint(
                fields=["jurisdiction", "licence_type", "number"],
                condition=models.Q(verified_at__isnull=False),
                name="accounts_licence_verified_for_one_holder",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_licence_type_display()} {self.number} ({self.jurisdiction})"

    @property
    def verified(self) -> bool:
        return self.verified_at is not None
