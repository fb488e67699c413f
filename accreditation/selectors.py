"""Reads for courses offered for credit: designations, the learner's acknowledgement and claim,
and the time-on-task record a claim is attested against."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Sum

from accreditation.models import (
    QUARTER,
    CreditClaim,
    CreditDesignation,
    DisclosureAcknowledgement,
    EvaluationQuestion,
)
from assessments.models import Assessment, Attempt
from assessments.requirements import Requirement
from courses.models import CoursePage, LessonProgress

# An attempt left open for hours is not hours of study: each counts for at most this long.
MAX_ATTEMPT_SECONDS = 2 * 60 * 60


def designations(*, course) -> list[CreditDesignation]:
    return list(
        CreditDesignation.objects.filter(course_id=course.pk)
        .select_related("credit_type")
        .order_by("sort_order", "pk")
    )


def offered_for_credit(*, course) -> bool:
    return CreditDesignation.objects.filter(course_id=course.pk).exists()


def credit_period_open(*, course: CoursePage, today: datetime.date) -> bool:
    return course.credit_expires_on is None or today <= course.credit_expires_on


def acknowledged_at(*, user, course) -> datetime.datetime | None:
    return (
        DisclosureAcknowledgement.objects.filter(user=user, course_id=course.pk)
        .values_list("acknowledged_at", flat=True)
        .first()
    )


def claim_of(*, user, course) -> CreditClaim | None:
    return (
        CreditClaim.objects.filter(user=user, course_id=course.pk)
        .select_related("credit_type")
        .first()
    )


def evaluation_questions() -> list[EvaluationQuestion]:
    return list(EvaluationQuestion.objects.filter(active=True))


def seconds_on_task(*, user, course: CoursePage) -> int:
    """Time on the course's lessons (as the study clock credited it) plus time in its knowledge
    checks and exam attempts, each attempt capped: the guide a learner attests against."""
    reading = (
        LessonProgress.objects.filter(user=user, course_id=course.pk).aggregate(
            total=Sum("seconds_on_page")
        )["total"]
        or 0
    )
    assessments = Assessment.objects.filter(course_id=course.pk).values("pk")
    attempts = Attempt.objects.filter(
        user=user, assessment__in=assessments, submitted_at__isnull=False
    ).values_list("started_at", "submitted_at")
    answering = sum(
        min(MAX_ATTEMPT_SECONDS, max(0, int((submitted - started).total_seconds())))
        for started, submitted in attempts
    )
    return reading + answering


def claimable_hours(maximum: Decimal) -> list[Decimal]:
    """Quarter hours from a quarter up to the designation's maximum."""
    steps = int(maximum / QUARTER)
    return [QUARTER * n for n in range(1, steps + 1)]


def credit_requirement(*, user, course) -> Requirement | None:
    """For a course offered for credit, the step its credential waits for: the evaluation done
    and credit claimed. None when the course is not offered for credit."""
    if not offered_for_credit(course=course):
        return None
    claimed = CreditClaim.objects.filter(user=user, course_id=course.pk).exists()
    return Requirement(
        "credit_claimed",
        "Evaluation completed and CE credit claimed",
        Decimal(1),
        Decimal(int(claimed)),
        "claims",
    )
