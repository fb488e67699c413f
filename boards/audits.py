"""Audits: a reproducible random sample of a board's consenting licensees, each judged from
their signed credentials (every document verified with the issuer's key and status lists, not
read from our columns), and the result exported.

The sample is reproducible by anyone, in any language: each licence number is ranked by
sha256("<seed>:<licence number>") as hexadecimal, and the lowest ranks are drawn. The audit keeps
the seed and the sorted population, so a board's auditor can redraw it from the export."""

from __future__ import annotations

import datetime
import hashlib
import math
import secrets
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.models import Licence, User
from boards.compliance import Judgement, judge
from boards.models import Audit, AuditCycle, AuditSelection, Board, LicenceConsent
from boards.selectors import LicenseeCompliance, judge_consents, live_consents
from boards.services import BoardsRefused, board_read_record
from credentials.audit import audit_record
from credentials.models import Credential
from credentials.verification import Verification, Verifier

ONE_DAY = datetime.timedelta(days=1)


def rank(seed: str, licence_number: str) -> str:
    return hashlib.sha256(f"{seed}:{licence_number}".encode()).hexdigest()


def sample_size(population: int, percent: Decimal) -> int:
    """At least one licensee from a population that is not empty."""
    if population == 0:
        return 0
    return max(1, math.ceil(population * percent / 100))


def sample(numbers: list[str], percent: Decimal, seed: str) -> list[str]:
    """The licence numbers drawn, in the order of their rank."""
    ranked = sorted(numbers, key=lambda number: (rank(seed, number), number))
    return ranked[: sample_size(len(numbers), percent)]


def population_digest(numbers: list[str]) -> str:
    return hashlib.sha256("\n".join(sorted(numbers)).encode()).hexdigest()


@transaction.atomic
def audit_draw(
    *,
    board: Board,
    by: User,
    licence_type: str,
    cycle: str,
    percent: Decimal,
    seed: str = "",
    as_of: datetime.date | None = None,
) -> Audit:
    if cycle not in AuditCycle.values:
        raise BoardsRefused("Audit the current or the previous cycle.")
    try:
        percent = Decimal(percent)
    except (InvalidOperation, TypeError) as error:
        raise BoardsRefused("The share to audit is a percentage, e.g. 5.") from error
    if not Decimal("0.01") <= percent <= 100:
        raise BoardsRefused("The share to audit is from 0.01% to 100%.")
    seed = seed.strip() or secrets.token_hex(16)
    if len(seed) > 64:
        raise BoardsRefused("The seed is at most 64 characters.")
    licences = dict(live_consents(board, licence_type).values_list("licence__number", "licence_id"))
    if not licences:
        raise BoardsRefused("No licensee of that licence type shares their CE with you.")
    numbers = sorted(licences)
    audit = Audit.objects.create(
        board=board,
        licence_type=licence_type,
        cycle=cycle,
        as_of=as_of or timezone.localdate(),
        percent=percent,
        seed=seed,
        population=numbers,
        population_digest=population_digest(numbers),
        drawn_by=by,
    )
    AuditSelection.objects.bulk_create(
        AuditSelection(audit=audit, licence_id=licences[number], position=position)
        for position, number in enumerate(sample(numbers, percent, seed), start=1)
    )
    audit_record(
        action="board drew an audit sample",
        subject=f"audit {audit.pk}",
        actor=by,
        details={
            "board": board.name,
            "licence_type": licence_type,
            "cycle": cycle,
            "percent": str(percent),
            "seed": seed,
            "population": len(numbers),
            "population_digest": audit.population_digest,
        },
    )
    return audit


@dataclass(frozen=True)
class AuditedLicensee:
    position: int
    licence: Licence
    compliance: Judgement | None  # None: the licensee withdrew consent since the draw
    verifications: dict[str, Verification]  # credential id -> full verification


def _from_document(item, credential: Credential, verification: Verification):
    """The item as the signed document states it; withheld when the document does not verify
    or says something else than our record."""
    if not verification.valid:
        failed = "; ".join(c.detail for c in verification.checks if not c.passed)
        return replace(item, withheld=f"its verification failed ({failed})")
    subject = credential.document.get("credentialSubject", {})
    try:
        hours = Decimal(str(subject.get("creditsEarned", 0)))
    except InvalidOperation:
        hours = Decimal(-1)
    issued = parse_datetime(credential.document.get("validFrom", ""))
    if issued is None or hours != item.hours:
        return replace(item, withheld="the signed document disagrees with our record")
    issued_on = issued.astimezone(timezone.get_current_timezone()).date()
    return replace(item, hours=hours, completed_on=issued_on)


def audit_results(audit: Audit, *, by: User) -> list[AuditedLicensee]:
    """Each selected licensee's compliance for the audited cycle, from verified documents."""
    board = audit.board
    selections = list(audit.selections.select_related("licence__user"))
    consents = LicenceConsent.objects.filter(
        board=board,
        withdrawn_at__isnull=True,
        licence_id__in=[s.licence_id for s in selections],
    ).select_related("licence__user")
    judged: dict[int, LicenseeCompliance] = {
        row.consent.licence_id: row for row in judge_consents(board, consents, today=audit.as_of)
    }
    credential_ids = {
        outcome.item.key
        for row in judged.values()
        for outcome in _judgement(row, audit).outcomes
        if outcome.item.source == "credential"
    }
    credentials = {
        str(pk): credential
        for pk, credential in Credential.objects.in_bulk(list(credential_ids)).items()
    }
    verifications = _verified(credentials)
    out = []
    for selection in selections:
        row = judged.get(selection.licence_id)
        if row is None:
            out.append(AuditedLicensee(selection.position, selection.licence, None, {}))
            continue
        out.append(
            AuditedLicensee(
                selection.position,
                selection.licence,
                _rejudge(row, audit, credentials, verifications),
                {k: v for k, v in verifications.items() if k in _keys(row, audit)},
            )
        )
    board_read_record(
        board=board, by=by, what=f"audit {audit.pk}", count=len(out), cycle=audit.cycle
    )
    return out


def _verified(credentials: dict[str, Credential]) -> dict[str, Verification]:
    """The full check of each document, canonicalization included (not the shortcut for
    unchanged stored records). Its dates are checked as of when the CE was earned, so a
    certification that has expired since still shows the CE it certified; signature, keys
    and status lists are checked as they stand today."""
    verifier, now = Verifier(), timezone.now()
    out = {}
    for pk, credential in credentials.items():
        issued = parse_datetime(str(credential.document.get("validFrom", "")))
        verifier.now = now if issued is None else min(issued, now)
        out[pk] = verifier.verify(credential.document)
    return out


def _judgement(row: LicenseeCompliance, audit: Audit) -> Judgement:
    return row.current if audit.cycle == AuditCycle.CURRENT else row.previous


def _keys(row: LicenseeCompliance, audit: Audit) -> set[str]:
    return {o.item.key for o in _judgement(row, audit).outcomes}


def _rejudge(row, audit, credentials, verifications) -> Judgement:
    """Judge again with each credential replaced by what its verified document says."""
    judgement = _judgement(row, audit)
    if judgement.terms is None:
        return judgement
    items = []
    for outcome in judgement.outcomes:
        item = outcome.item
        if item.source == "credential":
            item = _from_document(item, credentials[item.key], verifications[item.key])
        items.append(item)
    return judge(
        terms=judgement.terms,
        cycle=judgement.cycle,
        window=judgement.window,
        items=items,
        today=audit.as_of,
        carried_in=judgement.carried_in,
    )
