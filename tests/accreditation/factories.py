"""A course offered for credit under two credit types, and a learner part-way through it."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accreditation.models import CreditDesignation, CreditType
from credentials.models import Achievement
from tests.credentials.factories import course_achievement


def credit_type(code: str, name: str, professions: str) -> CreditType:
    return CreditType.objects.create(
        code=code,
        name=name,
        accreditor="Test accreditor",
        professions=professions,
        accreditation_statement=f"Test Provider is accredited to award {name}.",
        designation_statement=f"Test Provider designates this activity for up to {{hours}} {name}.",
    )


def course_for_credit(slug: str = "ce", *, hours: str = "2") -> Achievement:
    """A two-lesson course of `hours` CE hours, designated for ANCC contact hours and a
    certificate of participation, each up to `hours`; credit open for a year."""
    achievement = course_achievement(slug, ce_hours=hours)
    course = achievement.course
    course.credit_expires_on = timezone.localdate() + timedelta(days=365)
    course.save(update_fields=["credit_expires_on"])
    for n, (code, name, professions) in enumerate(
        [
            ("ancc-contact-hours", "ANCC contact hours", "Nurses"),
            ("participation", "Certificate of participation hours", "Everyone else"),
        ]
    ):
        kind = CreditType.objects.filter(code=code).first() or credit_type(code, name, professions)
        CreditDesignation.objects.create(
            course=course, credit_type=kind, max_hours=Decimal(hours), sort_order=n
        )
    return achievement


def designation(achievement, code: str = "ancc-contact-hours") -> CreditDesignation:
    return CreditDesignation.objects.get(course=achievement.course, credit_type__code=code)


# The standard evaluation's required questions answered, as the service wants them.
EVALUATION = {"objectives-met": "4", "relevant": "4", "will-change": "yes", "free-of-bias": "5"}

STANDARD_ANSWERS = {
    "q-objectives-met": "5",
    "q-relevant": "4",
    "q-will-change": "yes",
    "q-commitment": "Ask about withdrawal at every review.",
    "q-free-of-bias": "5",
}
