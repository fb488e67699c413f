"""The learner's side of a course offered for credit: acknowledge the disclosures before the
first lesson; at the end, evaluate the course and claim credit.

A claim is what makes the hours true: the learner chooses the credit type for their profession
and attests the time they really spent, up to the designation's maximum. The credential is
issued only then, with those hours and that type in its signed document.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from accreditation import events, selectors
from accreditation.follow_ups import follow_up_schedule
from accreditation.models import (
    CreditClaim,
    CreditDesignation,
    DisclosureAcknowledgement,
    EvaluationResponse,
    is_quarter_hours,
)
from assessments.requirements import course_status
from credentials.audit import audit_record

ATTESTATION = (
    "I attest that I spent {hours} hours on this activity, that the time is my own, and that I "
    "claim it once, as {credit}."
)


class ClaimRefused(Exception):
    """Why credit cannot be claimed, in words the learner can act on."""


def disclosures_acknowledge(*, user, course, now=None) -> DisclosureAcknowledgement:
    acknowledgement, _ = DisclosureAcknowledgement.objects.get_or_create(
        user=user, course_id=course.pk, defaults={"acknowledged_at": now or timezone.now()}
    )
    return acknowledgement


def claim_blockers(*, user, course, today) -> list[str]:
    """What stands between the learner and claiming credit now (empty when nothing does)."""
    if not selectors.offered_for_credit(course=course):
        return ["This course is not offered for CE credit."]
    existing = selectors.claim_of(user=user, course=course)
    if existing is not None:
        return [
            f"You have already claimed credit for this course: {existing.hours.normalize():f} "
            f"{existing.credit_type.name} on {existing.claimed_at:%d %B %Y}."
        ]
    if not selectors.credit_period_open(course=course, today=today):
        return [
            f"Credit for this course could be claimed until {course.credit_expires_on:%d %B %Y}; "
            "the activity's credit period has ended."
        ]
    blockers = []
    if selectors.acknowledged_at(user=user, course=course) is None:
        blockers.append("Read and acknowledge the course's disclosures.")
    status = course_status(user=user, course=course)
    blockers += [f"{r.label}: not yet." for r in status.requirements if not r.met]
    return blockers


@dataclass
class ClaimRequest:
    designation: CreditDesignation
    hours: Decimal
    answers: dict  # {question code: answer}, already checked by the form


@transaction.atomic
def credit_claim(*, user, course, request: ClaimRequest, now=None) -> CreditClaim:
    now = now or timezone.now()
    blockers = claim_blockers(user=user, course=course, today=timezone.localdate(now))
    if blockers:
        raise ClaimRefused(" ".join(blockers))
    designation = request.designation
    if designation.course_id != course.pk:
        raise ClaimRefused("That credit type is not designated for this course.")
    hours = request.hours
    if hours <= 0 or not is_quarter_hours(hours):
        raise ClaimRefused("Claim your time in quarter hours (0.25, 0.5, 0.75 ...).")
    if hours > designation.max_hours:
        raise ClaimRefused(
            f"This course is designated for at most {designation.max_hours.normalize():f} "
            f"{designation.credit_type.name}; claim no more than that."
        )
    unanswered = [
        q.text
        for q in selectors.evaluation_questions()
        if q.required and not str(request.answers.get(q.code, "")).strip()
    ]
    if unanswered:
        raise ClaimRefused(f"Complete the evaluation first: {'; '.join(unanswered)}")
    credit = designation.credit_type
    try:
        with transaction.atomic():
            claim = CreditClaim.objects.create(
                user=user,
                course_id=course.pk,
                credit_type=credit,
                hours=hours,
                max_hours=designation.max_hours,
                seconds_on_task=selectors.seconds_on_task(user=user, course=course),
                claimed_at=now,
                attestation=ATTESTATION.format(hours=hours, credit=credit.name),
            )
    except IntegrityError:
        raise ClaimRefused("You have already claimed credit for this course.") from None
    # Kept apart from the claim: no user, only the day.
    EvaluationResponse.objects.create(
        course_id=course.pk, submitted_on=timezone.localdate(now), answers=request.answers
    )
    follow_up_schedule(claim=claim)
    audit_record(
        action="credit claimed",
        subject=f"course {course.pk}",
        actor=user,
        details={"credit type": credit.code, "hours": str(hours)},
    )
    events.credit_claimed.send(sender=CreditClaim, claim=claim)
    return claim
