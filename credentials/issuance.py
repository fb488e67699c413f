"""Issuing credentials: when a learner meets an achievement's rules (evaluated by the one
requirement evaluation, assessments.requirements), or by an administrator.

Exactly one credential per learner, achievement and validity period: issuance locks the
learner's row, returns the credential that already covers the period, and the database's unique
constraint settles anything that still races.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from accreditation.selectors import claim_of, credit_requirement
from assessments.requirements import Status, course_status, program_status
from courses.models import Enrolment
from credentials import events
from credentials.audit import audit_record
from credentials.data_integrity import proof_create
from credentials.issuer import verification_method
from credentials.jsonld_documents import document_loader
from credentials.models import Achievement, AchievementKind, Credential, StatusPurpose
from credentials.open_badges import (
    control_character_problem,
    open_badge_credential,
    timestamp,
)
from credentials.renewals import next_period, renewal_status
from credentials.signing_keys import current_signing_key
from credentials.status_lists import free_status_index, status_entries, status_set
from credentials.verification import document_digest


class IssuanceRefused(Exception):
    """Why no credential was issued, in words the learner or administrator can act on."""


def unsignable(document: dict) -> str:
    """Why the document must not be signed, in words for whoever can correct it; "" if fine."""
    problem = control_character_problem(document)
    if not problem:
        return ""
    return (
        f"Not signed: {problem}, which other verifiers canonicalize differently, so the "
        "signature would fail for them. Correct the text (the holder's name in their profile, "
        "or the achievement or competency in the CMS) and issue again."
    )


def achievement_status(*, user: User, achievement: Achievement) -> Status:
    if achievement.kind == AchievementKind.COURSE:
        status = course_status(user=user, course=achievement.course)
        # A course offered for credit is credited only as claimed, after its evaluation.
        claimed = credit_requirement(user=user, course=achievement.course)
        if claimed is not None:
            status.requirements.append(claimed)
        return status
    return program_status(user=user, program=achievement.program)


def claimed_credit(*, learner: User, achievement: Achievement) -> tuple[Decimal, str]:
    """The hours and credit type a course credential states: as the learner claimed them for a
    course offered for credit; otherwise the course's CE hours, with no credit type."""
    if achievement.kind == AchievementKind.COURSE:
        claim = claim_of(user=learner, course=achievement.course)
        if claim is not None:
            return claim.hours, claim.credit_type.name
    return achievement.ce_hours, ""


def covering_credential(*, user: User, achievement: Achievement, now: datetime):
    """The learner's credential for this achievement that is valid now (or never expires)."""
    return (
        Credential.objects.filter(learner=user, achievement=achievement, revoked_at__isnull=True)
        .exclude(valid_until__lte=now)
        .order_by("-valid_from")
        .first()
    )


def _in_period(learner: User, achievement: Achievement, key: str) -> Credential | None:
    return Credential.objects.filter(
        learner=learner, achievement=achievement, period=key, revoked_at__isnull=True
    ).first()


@dataclass
class Issued:
    credential: Credential
    created: bool


@transaction.atomic
def credential_issue(
    *, learner: User, achievement: Achievement, issued_by: User | None = None, now=None
) -> Issued:
    """Issue the credential, or return the one that already covers this period.

    Without `issued_by` the achievement's rules must be met; an administrator (with the
    credentials.add_credential permission) may issue regardless, and is recorded."""
    now = now or timezone.now()
    User.objects.select_for_update().filter(pk=learner.pk).first()  # one issuance at a time
    period = next_period(user=learner, achievement=achievement, now=now)
    existing = (
        covering_credential(user=learner, achievement=achievement, now=now)
        if period is None
        else _in_period(learner, achievement, period.key)
    )
    if existing is not None:
        return Issued(existing, created=False)
    if issued_by is not None:
        if not issued_by.has_perm("credentials.add_credential"):
            raise IssuanceRefused("Only administrators may issue credentials by hand.")
        if issued_by.pk == learner.pk:
            raise IssuanceRefused(
                "Nobody issues a credential to themselves: ask another administrator."
            )
    else:
        status = (
            renewal_status(user=learner, achievement=achievement, now=now)
            if period.renewal
            else achievement_status(user=learner, achievement=achievement)
        )
        if not status.met:
            left = [r.label for r in status.requirements if not r.met]
            raise IssuanceRefused(f"Not earned yet. Still to do: {'; '.join(left)}.")
    valid_until = period.valid_until
    credential_id = uuid.uuid4()
    index = free_status_index()
    licences = [
        f"{licence.jurisdiction} {licence.licence_type} {licence.number}"
        for licence in learner.licences.filter(verified_at__isnull=False)  # claims stay out
    ]
    holder_name = learner.get_full_name() or learner.email
    credits, credit_type = claimed_credit(learner=learner, achievement=achievement)
    document = open_badge_credential(
        credential_id=str(credential_id),
        achievement=achievement,
        competencies=list(achievement.competencies.all()),
        email=learner.email,
        holder_name=holder_name,
        licence_numbers=licences,
        credits=credits,
        valid_from=now,
        valid_until=valid_until,
        status=status_entries(index),
        by_hand=issued_by is not None,
        credit_type=credit_type,
    )
    refused = unsignable(document)
    if refused:
        raise IssuanceRefused(refused)
    key, private = current_signing_key()
    signed = proof_create(
        document,
        private_key=private,
        verification_method=verification_method(key),
        created=timestamp(now),
        loader=document_loader(),
    )
    try:
        with transaction.atomic():
            credential = Credential.objects.create(
                id=credential_id,
                achievement=achievement,
                learner=learner,
                period=period.key,
                holder_name=holder_name,
                credits=credits,
                credit_type=credit_type,
                valid_from=now,
                valid_until=valid_until,
                status_index=index,
                document=signed,
                document_digest=document_digest(signed),
                issued_by=issued_by,
            )
    except IntegrityError:
        existing = _in_period(learner, achievement, period.key)
        if existing is None:
            raise
        return Issued(existing, created=False)
    audit_record(
        action="credential issued",
        subject=f"credential {credential.pk}",
        actor=issued_by,
        details={
            "achievement": achievement.slug,
            "learner": str(learner.public_id),
            "by hand": issued_by is not None,
            "status index": index,
        },
    )
    events.credential_issued.send(sender=Credential, credential=credential)
    return Issued(credential, created=True)


def credentials_issue_earned(*, user: User, courses=(), programs=True) -> list[Credential]:
    """Issue what the learner has now earned: the achievements of `courses`, and (when
    `programs`) those of the programs they are enrolled in. Rules not met are not an error."""
    achievements = list(
        Achievement.objects.filter(kind=AchievementKind.COURSE, course__in=list(courses))
    )
    if programs:
        enrolled = Enrolment.objects.filter(user=user, program__isnull=False).values("program")
        achievements += list(
            Achievement.objects.filter(kind=AchievementKind.CERTIFICATION, program__in=enrolled)
        )
    issued = []
    for achievement in achievements:
        try:
            result = credential_issue(learner=user, achievement=achievement)
        except IssuanceRefused:
            continue
        if result.created:
            issued.append(result.credential)
    return issued


@transaction.atomic
def credential_revoke(*, credential: Credential, by: User, reason: str) -> Credential:
    if not by.has_perm("credentials.change_credential"):
        raise IssuanceRefused("Only administrators may revoke credentials.")
    if not reason.strip():
        raise IssuanceRefused("Give the reason for revoking: it is kept in the record.")
    credential = Credential.objects.select_for_update().get(pk=credential.pk)
    if credential.revoked_at is not None:
        raise IssuanceRefused("This credential is already revoked.")
    credential.revoked_at = timezone.now()
    credential.revocation_reason = reason.strip()
    credential.save(update_fields=["revoked_at", "revocation_reason"])
    status_set(purpose=StatusPurpose.REVOCATION, index=credential.status_index, value=True)
    audit_record(
        action="credential revoked",
        subject=f"credential {credential.pk}",
        actor=by,
        details={"reason": credential.revocation_reason},
    )
    events.credential_revoked.send(sender=Credential, credential=credential, reason=reason)
    return credential


@transaction.atomic
def credential_suspend(*, credential: Credential, by: User, suspend: bool) -> Credential:
    """Suspend (e.g. while a complaint is investigated) or lift a suspension."""
    if not by.has_perm("credentials.change_credential"):
        raise IssuanceRefused("Only administrators may suspend credentials.")
    credential = Credential.objects.select_for_update().get(pk=credential.pk)
    if credential.revoked_at is not None:
        raise IssuanceRefused("A revoked credential cannot be suspended or reinstated.")
    if suspend == (credential.suspended_at is not None):
        state = "suspended" if suspend else "not suspended"
        raise IssuanceRefused(f"This credential is already {state}.")
    credential.suspended_at = timezone.now() if suspend else None
    credential.save(update_fields=["suspended_at"])
    status_set(purpose=StatusPurpose.SUSPENSION, index=credential.status_index, value=suspend)
    audit_record(
        action="credential suspended" if suspend else "credential reinstated",
        subject=f"credential {credential.pk}",
        actor=by,
    )
    return credential
