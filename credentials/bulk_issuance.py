"""Issuing one achievement by hand to many learners at once: a cohort trained in person, or
learners brought over from another platform (`manage.py credentials_issue_bulk`).

The rules are credential_issue's by hand: only an administrator, never to oneself, one
credential per learner and period (a learner who holds one for the period keeps it). Each
credential is signed, audited (actor: the administrator) and announced (`credential_issued`) as
one issued singly. What differs is the cost: per batch, one lock of the batch's learners, one
query each for what they hold and their licences, the signing key opened once, the status
indexes drawn from one read, and one insert of the credentials and one of their audit entries.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import Licence, User
from accreditation.models import CreditClaim
from credentials import events
from credentials.audit import audit_record_many
from credentials.data_integrity import proof_create
from credentials.issuance import IssuanceRefused, unsignable
from credentials.issuer import verification_method
from credentials.jsonld_documents import document_loader
from credentials.models import Achievement, AchievementKind, Credential
from credentials.open_badges import open_badge_credential, timestamp
from credentials.renewals import next_period
from credentials.signing_keys import current_signing_key
from credentials.status_lists import LIST_SIZE, status_entries
from credentials.verification import document_digest

BATCH = 500


@dataclass
class BulkIssued:
    issued: list[Credential] = field(default_factory=list)
    held: list[User] = field(default_factory=list)  # already hold one for the period
    refused: list[tuple[User, str]] = field(default_factory=list)  # not signable, and why


class _StatusIndexes:
    """Free random indexes, drawn from one read of those in use (the unique constraint still
    settles a race with a credential issued meanwhile)."""

    def __init__(self):
        self.used = set(Credential.objects.values_list("status_index", flat=True))

    def take(self) -> int:
        if len(self.used) >= LIST_SIZE:
            raise IssuanceRefused("The status lists are full: add a second list first.")
        while True:
            index = secrets.randbelow(LIST_SIZE)
            if index not in self.used:
                self.used.add(index)
                return index


def credentials_issue_bulk(
    *,
    achievement: Achievement,
    learners: Iterable[User],
    issued_by: User,
    now: datetime | None = None,
) -> BulkIssued:
    """Issue `achievement` to each learner by hand, in transactions of BATCH learners: should one
    fail, the batches before it stay issued, and running it again issues the rest."""
    if not issued_by.has_perm("credentials.add_credential"):
        raise IssuanceRefused("Only administrators may issue credentials by hand.")
    learners = list({learner.pk: learner for learner in learners}.values())  # each once
    if any(learner.pk == issued_by.pk for learner in learners):
        raise IssuanceRefused(
            "Nobody issues a credential to themselves: ask another administrator."
        )
    now = now or timezone.now()
    key, private = current_signing_key()
    signer = {
        "private_key": private,
        "verification_method": verification_method(key),
        "created": timestamp(now),
        "loader": document_loader(),
    }
    # Prefetched: each credential_issued receiver reads them from this same instance.
    achievement = Achievement.objects.prefetch_related("competencies").get(pk=achievement.pk)
    competencies = list(achievement.competencies.all())
    indexes = _StatusIndexes()
    result = BulkIssued()
    for start in range(0, len(learners), BATCH):
        _issue_batch(
            achievement,
            learners[start : start + BATCH],
            issued_by,
            now,
            signer,
            competencies,
            indexes,
            result,
        )
    return result


def _claims(achievement: Achievement, learner_ids: list[int]) -> dict[int, CreditClaim]:
    """claimed_credit's claims for a batch: a course offered for credit states the hours and
    credit type each learner claimed (one claim per learner and course)."""
    if achievement.kind != AchievementKind.COURSE:
        return {}
    found = CreditClaim.objects.filter(user_id__in=learner_ids, course_id=achievement.course_id)
    return {claim.user_id: claim for claim in found.select_related("credit_type")}


@transaction.atomic
def _issue_batch(achievement, batch, issued_by, now, signer, competencies, indexes, result):
    ids = [learner.pk for learner in batch]
    list(User.objects.select_for_update().filter(pk__in=ids).values_list("pk"))  # as singly
    held = {}
    for learner_id, period in Credential.objects.filter(
        learner_id__in=ids, achievement=achievement, revoked_at__isnull=True
    ).values_list("learner_id", "period"):
        held.setdefault(learner_id, set()).add(period)
    licences = {}
    for licence in Licence.objects.filter(user_id__in=ids, verified_at__isnull=False):
        licences.setdefault(licence.user_id, []).append(
            f"{licence.jurisdiction} {licence.licence_type} {licence.number}"
        )
    claims = _claims(achievement, ids)
    credentials = []
    for learner in batch:
        period = next_period(user=learner, achievement=achievement, now=now)
        # credential_issue returns the credential covering now (no period) or in the period.
        if period is None or period.key in held.get(learner.pk, ()):
            result.held.append(learner)
            continue
        credential_id = uuid.uuid4()
        index = indexes.take()
        holder_name = learner.get_full_name() or learner.email
        claim = claims.get(learner.pk)
        credits, credit_type = (
            (claim.hours, claim.credit_type.name) if claim else (achievement.ce_hours, "")
        )
        document = open_badge_credential(
            credential_id=str(credential_id),
            achievement=achievement,
            competencies=competencies,
            email=learner.email,
            holder_name=holder_name,
            licence_numbers=licences.get(learner.pk, []),
            credits=credits,
            valid_from=now,
            valid_until=period.valid_until,
            status=status_entries(index),
            by_hand=True,
            credit_type=credit_type,
        )
        refused = unsignable(document)
        if refused:
            indexes.used.discard(index)
            result.refused.append((learner, refused))
            continue
        signed = proof_create(document, **signer)
        credentials.append(
            Credential(
                id=credential_id,
                achievement=achievement,
                learner=learner,
                period=period.key,
                holder_name=holder_name,
                credits=credits,
                credit_type=credit_type,
                valid_from=now,
                valid_until=period.valid_until,
                status_index=index,
                document=signed,
                document_digest=document_digest(signed),
                issued_by=issued_by,
            )
        )
    Credential.objects.bulk_create(credentials)
    audit_record_many(
        action="credential issued",
        actor=issued_by,
        entries=[
            (
                f"credential {credential.pk}",
                {
                    "achievement": achievement.slug,
                    "learner": str(credential.learner.public_id),
                    "by hand": True,
                    "status index": credential.status_index,
                },
            )
            for credential in credentials
        ],
    )
    for credential in credentials:
        events.credential_issued.send(sender=Credential, credential=credential)
    result.issued += credentials
