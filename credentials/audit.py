"""The audit log of credentials: issuance, revocation, suspension, key changes (and, as they
arrive, shares and board verifications). Append-only and hash-chained."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from credentials.models import AuditChainHead, AuditEntry

GENESIS = "0" * 64


def entry_hash(
    previous_hash: str, *, at, actor_label: str, action: str, subject: str, details
) -> str:
    body = json.dumps(
        {
            "at": at.isoformat(),
            "actor": actor_label,
            "action": action,
            "subject": subject,
            "details": details,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256((previous_hash + body).encode()).hexdigest()


def _actor_label(actor) -> str:
    return "system" if actor is None else f"{actor.get_full_name() or actor.email} <{actor.email}>"


@transaction.atomic
def audit_record(
    *, action: str, subject: str, actor=None, details: dict | None = None
) -> AuditEntry:
    """Append an entry, in the caller's transaction: it exists exactly when the change does."""
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
    at = timezone.now()
    label = _actor_label(actor)
    details = details or {}
    digest = entry_hash(
        head.last_hash, at=at, actor_label=label, action=action, subject=subject, details=details
    )
    entry = AuditEntry.objects.create(
        at=at,
        actor=actor,
        actor_label=label,
        action=action,
        subject=subject,
        details=details,
        previous_hash=head.last_hash,
        entry_hash=digest,
    )
    head.last_hash = digest
    head.save(update_fields=["last_hash"])
    return entry


@transaction.atomic
def audit_record_many(*, action: str, actor, entries: list[tuple[str, dict]]) -> None:
    """Append one entry per (subject, details), chained in order, in one insert: bulk
    issuance's audit_record."""
    if not entries:
        return
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
    at = timezone.now()
    label = _actor_label(actor)
    rows, previous = [], head.last_hash
    for subject, details in entries:
        digest = entry_hash(
            previous, at=at, actor_label=label, action=action, subject=subject, details=details
        )
        rows.append(
            AuditEntry(
                at=at,
                actor=actor,
                actor_label=label,
                action=action,
                subject=subject,
                details=details,
                previous_hash=previous,
                entry_hash=digest,
            )
        )
        previous = digest
    AuditEntry.objects.bulk_create(rows)
    head.last_hash = previous
    head.save(update_fields=["last_hash"])


@dataclass
class ChainBreak:
    entry_id: int
    reason: str


def audit_chain_check() -> tuple[int, ChainBreak | None]:
    """Walk the chain from the start: (entries checked, the first break or None)."""
    previous = GENESIS
    count = 0
    for entry in AuditEntry.objects.order_by("pk").iterator():
        count += 1
        if entry.previous_hash != previous:
            return count, ChainBreak(entry.pk, "it does not follow the entry before it")
        expected = entry_hash(
            previous,
            at=entry.at,
            actor_label=entry.actor_label,
            action=entry.action,
            subject=entry.subject,
            details=entry.details,
        )
        if entry.entry_hash != expected:
            return count, ChainBreak(entry.pk, "its content was changed after it was written")
        previous = entry.entry_hash
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_hash != previous:
        return count, ChainBreak(0, "entries were removed from the end of the log")
    return count, None
