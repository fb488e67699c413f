"""Writing board data: boards and their staff, subject areas, rule versions, licensees'
consent, renewal dates, late renewals and CE evidence. Each write a board or licensee makes is
in the audit log, and so is every read a board makes of a licensee's CE (boards.selectors
callers record reads through `board_read_record`)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Licence, User
from accounts.roles import Role, user_roles
from assessments.practice import PracticeRefused, evidence_check
from boards.models import (
    Board,
    BoardMember,
    CeEvidence,
    CycleKind,
    Delivery,
    DeliveryMaximum,
    EvidenceStatus,
    LateRenewal,
    LicenceConsent,
    RenewalRule,
    RuleVersion,
    SubjectArea,
    SubjectMinimum,
)
from boards.rules import governed_licence_types
from credentials.audit import audit_record

MAX_HOURS = Decimal(1000)


class BoardsRefused(Exception):
    """What the rules do not allow; `str()` says why, in words for the person who asked."""


def _labelled(board: Board) -> dict:
    return {"board": board.name}


@transaction.atomic
def board_create(*, name: str, jurisdiction: str) -> Board:
    board = Board(name=name.strip(), jurisdiction=jurisdiction.strip().upper())
    board.full_clean()
    board.save()
    return board


@transaction.atomic
def board_member_add(*, board: Board, user: User) -> BoardMember:
    if Role.BOARD_VERIFIER not in user_roles(user):
        raise BoardsRefused("Only board-verifier accounts act for a board.")
    member, _ = BoardMember.objects.get_or_create(user=user, defaults={"board": board})
    if member.board_id != board.pk:
        raise BoardsRefused(f"{user.email} already acts for {member.board}.")
    return member


@transaction.atomic
def subject_area_save(
    *, board: Board, by: User, name: str, topics, domains, area: SubjectArea | None = None
) -> SubjectArea:
    name = name.strip()
    if not name:
        raise BoardsRefused("Name the subject area as your rules name it, e.g. Ethics.")
    if not topics and not domains:
        raise BoardsRefused("Map the subject area to at least one course topic or domain.")
    clash = SubjectArea.objects.filter(board=board, name__iexact=name)
    if area is not None:
        if area.board_id != board.pk:
            raise BoardsRefused("That subject area is another board's.")
        clash = clash.exclude(pk=area.pk)
    if clash.exists():
        raise BoardsRefused(f"You already have a subject area named {name}.")
    area = area or SubjectArea(board=board)
    area.name = name
    area.save()
    area.topics.set(topics)
    area.domains.set(domains)
    audit_record(
        action="board subject area saved",
        subject=f"subject area {area.pk}",
        actor=by,
        details={
            **_labelled(board),
            "name": name,
            "topics": sorted(t.slug for t in topics),
            "domains": sorted(d.code for d in domains),
        },
    )
    return area


def _hours(value, what: str) -> Decimal:
    if value is None or not Decimal(0) <= Decimal(value) <= MAX_HOURS:
        raise BoardsRefused(f"{what} must be from 0 to 1,000 hours.")
    return Decimal(value)


@transaction.atomic
def rule_version_add(
    *,
    board: Board,
    by: User,
    licence_type: str,
    effective_from: datetime.date,
    cycle_kind: str,
    cycle_months: int,
    fixed_start: datetime.date | None,
    total_hours: Decimal,
    minimums: dict[SubjectArea, Decimal] | None = None,
    maximums: dict[str, Decimal] | None = None,
    credit_types=(),
    carry_over_hours: Decimal = Decimal(0),
) -> RuleVersion:
    """A new version of the board's rule for a licence type (the rule is made with its first
    version). Versions are never edited: a change is a version with its own effective date."""
    if licence_type not in Licence.LicenceType.values:
        raise BoardsRefused("Choose one of the licence types listed.")
    if cycle_kind not in CycleKind.values:
        raise BoardsRefused("A cycle is either on fixed dates or anchored on renewal dates.")
    if not 1 <= int(cycle_months) <= 120:
        raise BoardsRefused("A cycle is from 1 to 120 months long.")
    if cycle_kind == CycleKind.FIXED and fixed_start is None:
        raise BoardsRefused("Fixed cycles need the first day of one cycle, e.g. 1 July 2025.")
    if cycle_kind == CycleKind.ANCHORED:
        fixed_start = None
    total_hours = _hours(total_hours, "The total")
    minimums = {area: _hours(h, f"The minimum for {area}") for area, h in (minimums or {}).items()}
    for area, hours in minimums.items():
        if area.board_id != board.pk:
            raise BoardsRefused("A minimum can only name your own subject areas.")
        if hours > total_hours:
            raise BoardsRefused(f"The minimum for {area} is more than the total.")
    maximums = {d: _hours(h, "A maximum") for d, h in (maximums or {}).items()}
    if any(d not in Delivery.values for d in maximums):
        raise BoardsRefused("Choose one of the delivery types listed.")
    carry_over_hours = _hours(carry_over_hours, "Carry-over")
    rule, _ = RenewalRule.objects.select_for_update().get_or_create(
        board=board, licence_type=licence_type
    )
    versions = rule.versions.all()
    if versions.filter(effective_from=effective_from).exists():
        raise BoardsRefused(
            f"A version of this rule already takes effect on {effective_from:%-d %B %Y}; "
            "choose another date."
        )
    number = (versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = RuleVersion.objects.create(
        rule=rule,
        number=number,
        effective_from=effective_from,
        cycle_kind=cycle_kind,
        cycle_months=cycle_months,
        fixed_start=fixed_start,
        total_hours=total_hours,
        carry_over_hours=carry_over_hours,
        created_by=by,
    )
    version.credit_types.set(credit_types)
    SubjectMinimum.objects.bulk_create(
        SubjectMinimum(version=version, area=area, hours=hours)
        for area, hours in minimums.items()
        if hours
    )
    DeliveryMaximum.objects.bulk_create(
        DeliveryMaximum(version=version, delivery=d, hours=h) for d, h in maximums.items()
    )
    audit_record(
        action="board rule version added",
        subject=f"rule {rule.pk} v{number}",
        actor=by,
        details={
            **_labelled(board),
            "licence_type": licence_type,
            "effective_from": effective_from.isoformat(),
            "cycle": f"{cycle_kind} {cycle_months} months",
            "total_hours": str(total_hours),
            "minimums": {a.name: str(h) for a, h in minimums.items()},
            "maximums": {d: str(h) for d, h in maximums.items()},
            "credit_types": sorted(c.name for c in credit_types),
            "carry_over_hours": str(carry_over_hours),
        },
    )
    return version


@transaction.atomic
def consent_grant(
    *, learner: User, licence: Licence, board: Board, renews_on: datetime.date | None
) -> LicenceConsent:
    """The licensee lets the board see the CE of this licence, ongoing until withdrawn."""
    if licence.user_id != learner.pk:
        raise BoardsRefused("You can only share your own licences.")
    if not licence.verified:
        raise BoardsRefused(
            "This licence is not verified yet. Program staff or your board confirm it first, "
            "so nobody can share CE under a licence number that is not theirs."
        )
    if licence.jurisdiction != board.jurisdiction:
        raise BoardsRefused(
            f"{board} renews licences in {board.jurisdiction}, not in {licence.jurisdiction}."
        )
    if licence.licence_type not in governed_licence_types(board.pk):
        raise BoardsRefused(
            f"{board} has no CE rule for {licence.get_licence_type_display()} licences here."
        )
    try:
        with transaction.atomic():
            consent = LicenceConsent.objects.create(
                licence=licence, board=board, renews_on=renews_on
            )
    except IntegrityError as error:
        raise BoardsRefused(f"You already share this licence's CE with {board}.") from error
    audit_record(
        action="licence CE shared with board",
        subject=f"consent {consent.pk}",
        actor=learner,
        details={**_labelled(board), "licence": licence.pk},
    )
    return consent


@transaction.atomic
def consent_withdraw(*, consent: LicenceConsent, learner: User) -> LicenceConsent:
    consent = (
        LicenceConsent.objects.select_for_update().select_related("licence").get(pk=consent.pk)
    )
    if consent.licence.user_id != learner.pk:
        raise BoardsRefused("Only the licensee can withdraw their consent.")
    if consent.withdrawn_at is None:
        consent.withdrawn_at = timezone.now()
        consent.save(update_fields=["withdrawn_at"])
        audit_record(
            action="licence CE share withdrawn", subject=f"consent {consent.pk}", actor=learner
        )
    return consent


def _live_consent_of(board: Board, consent: LicenceConsent) -> None:
    if consent.board_id != board.pk or consent.withdrawn_at is not None:
        raise BoardsRefused("This licensee does not share their CE with you.")


@transaction.atomic
def renewal_date_confirm(
    *, board: Board, by: User, consent: LicenceConsent, renews_on: datetime.date
) -> LicenceConsent:
    """The board sets the licence's renewal date from its own register."""
    _live_consent_of(board, consent)
    consent.renews_on, consent.renews_on_confirmed_at = renews_on, timezone.now()
    consent.save(update_fields=["renews_on", "renews_on_confirmed_at"])
    audit_record(
        action="board confirmed renewal date",
        subject=f"consent {consent.pk}",
        actor=by,
        details={**_labelled(board), "renews_on": renews_on.isoformat()},
    )
    return consent


@transaction.atomic
def late_renewal_record(
    *,
    board: Board,
    by: User,
    consent: LicenceConsent,
    cycle_end: datetime.date,
    renewed_on: datetime.date,
) -> LateRenewal:
    _live_consent_of(board, consent)
    if renewed_on <= cycle_end:
        raise BoardsRefused("A late renewal is after the cycle's last day.")
    row, created = LateRenewal.objects.get_or_create(
        board=board,
        licence=consent.licence,
        cycle_end=cycle_end,
        defaults={"renewed_on": renewed_on, "recorded_by": by},
    )
    if not created:
        raise BoardsRefused("A late renewal is already recorded for that cycle.")
    audit_record(
        action="board recorded late renewal",
        subject=f"consent {consent.pk}",
        actor=by,
        details={
            **_labelled(board),
            "cycle_end": cycle_end.isoformat(),
            "renewed_on": renewed_on.isoformat(),
        },
    )
    return row


@transaction.atomic
def evidence_submit(
    *,
    learner: User,
    consent: LicenceConsent,
    title: str,
    provider: str,
    completed_on: datetime.date,
    hours: Decimal,
    delivery: str,
    area: SubjectArea | None,
    credit_type: str,
    file,
) -> CeEvidence:
    if consent.licence.user_id != learner.pk or consent.withdrawn_at is not None:
        raise BoardsRefused("Upload evidence for a licence whose CE you share with the board.")
    if completed_on > timezone.localdate():
        raise BoardsRefused("The completion date is in the future.")
    if not Decimal("0.25") <= hours <= MAX_HOURS:
        raise BoardsRefused("Hours must be from 0.25 to 1,000.")
    if delivery not in Delivery.values:
        raise BoardsRefused("Choose one of the delivery types listed.")
    if area is not None and area.board_id != consent.board_id:
        raise BoardsRefused("Choose one of the board's subject areas.")
    try:
        evidence_check(file)
    except PracticeRefused as refused:
        raise BoardsRefused(str(refused)) from refused
    evidence = CeEvidence.objects.create(
        board_id=consent.board_id,
        licence_id=consent.licence_id,
        title=title.strip(),
        provider=provider.strip(),
        completed_on=completed_on,
        hours=hours,
        delivery=delivery,
        area=area,
        credit_type=credit_type.strip(),
        file=file,
    )
    audit_record(
        action="CE evidence submitted",
        subject=f"evidence {evidence.pk}",
        actor=learner,
        details={"board": consent.board_id, "hours": str(hours)},
    )
    return evidence


KEEP = object()  # evidence_decide: leave the subject area as the licensee gave it


@transaction.atomic
def evidence_decide(
    *, board: Board, by: User, evidence: CeEvidence, accept: bool, note: str = "", area=KEEP
) -> CeEvidence:
    """Accept or reject evidence; on accepting, the board may set the subject area it counts
    in (`area`, None for none), whatever the licensee suggested."""
    evidence = CeEvidence.objects.select_for_update().get(pk=evidence.pk)
    if evidence.board_id != board.pk:
        raise BoardsRefused("That evidence was submitted to another board.")
    if not LicenceConsent.objects.filter(
        board=board, licence_id=evidence.licence_id, withdrawn_at__isnull=True
    ).exists():
        raise BoardsRefused("The licensee no longer shares their CE with you.")
    if not accept and not note.strip():
        raise BoardsRefused("Say why you reject it: the licensee reads your note.")
    if accept and area is not KEEP:
        if area is not None and area.board_id != board.pk:
            raise BoardsRefused("Choose one of your own subject areas.")
        evidence.area = area
    evidence.status = EvidenceStatus.ACCEPTED if accept else EvidenceStatus.REJECTED
    evidence.decided_by, evidence.decided_at = by, timezone.now()
    evidence.decision_note = note.strip()
    evidence.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "area"])
    audit_record(
        action="CE evidence accepted" if accept else "CE evidence rejected",
        subject=f"evidence {evidence.pk}",
        actor=by,
        details={**_labelled(board), "area": evidence.area.name if evidence.area else ""},
    )
    return evidence


def board_read_record(*, board: Board, by: User, what: str, count: int = 1, **details) -> None:
    """Every board read of licensees' CE goes into the audit log (what, and how many)."""
    audit_record(
        action="board read CE compliance",
        subject=what,
        actor=by,
        details={**_labelled(board), "count": count, **details},
    )
