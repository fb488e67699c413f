"""The licensee's side of board CE compliance at /licences/: for each licence, the boards whose
rule covers it, sharing its CE with a board and withdrawing, the same judgement the board reads,
courses that would fill a gap, and evidence of CE taken elsewhere.

Thin: consent and evidence go through boards.services, judgements through boards.selectors. The
page is read in a fixed number of queries for a learner's boards, however many credentials they
hold (tests/boards/test_licensee_pages.py counts them)."""

from __future__ import annotations

import datetime
import os
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.views.decorators.http import require_POST, require_safe

from accounts.models import Licence
from boards import services
from boards.compliance import Status
from boards.cycles import Cycle, fixed_cycle
from boards.forms import ConsentForm, EvidenceForm
from boards.gaps import gap_courses, self_study_used_up
from boards.models import Board, CeEvidence, LicenceConsent, RuleVersion, SubjectArea
from boards.presentation import CycleView, cycle_view
from boards.selectors import LicenseeCompliance, judge_consents, live_consents


@dataclass(frozen=True)
class RuleInForce:
    """What a board's rule asks of a licence type today, told before the licensee shares."""

    board: Board
    anchored: bool
    total_hours: Decimal
    cycle_months: int
    cycle: Cycle | None  # fixed cycles: the one holding today, the same for every licensee


@dataclass
class BoardRow:
    board: Board
    rule: RuleInForce | None
    consent: LicenceConsent | None  # the latest, live or withdrawn
    share_form: ConsentForm | None = None
    evidence_form: EvidenceForm | None = None
    current: CycleView | None = None
    previous: CycleView | None = None
    evidence: list[CeEvidence] = field(default_factory=list)

    @property
    def live(self) -> bool:
        return self.consent is not None and self.consent.withdrawn_at is None


def _day(day: datetime.date) -> str:
    return date_format(day, "j F Y")


def _rules_in_force(licences, today: datetime.date) -> dict[tuple[str, str], list[RuleInForce]]:
    """(jurisdiction, licence type) -> the rule of each board there, as in force today (or, for
    a rule not yet in force, as it will first be). One query."""
    versions = RuleVersion.objects.filter(
        rule__board__jurisdiction__in={x.jurisdiction for x in licences},
        rule__licence_type__in={x.licence_type for x in licences},
    ).select_related("rule__board")
    chosen: dict[int, RuleVersion] = {}
    for version in versions.order_by("effective_from"):
        held = chosen.get(version.rule_id)
        if held is None or version.effective_from <= today:
            chosen[version.rule_id] = version
    out = defaultdict(list)
    for version in chosen.values():
        board, anchored = version.rule.board, version.cycle_kind == "anchored"
        cycle = None
        if not anchored:
            cycle = fixed_cycle(today, first_start=version.fixed_start, months=version.cycle_months)
        out[(board.jurisdiction, version.rule.licence_type)].append(
            RuleInForce(board, anchored, version.total_hours, version.cycle_months, cycle)
        )
    return out


def _judged_rows(learner, consents, today) -> dict:
    """The learner's live consents judged as each board judges them (twelve queries a board)."""
    judged: dict = {}
    for board in {c.board_id: c.board for c in consents}.values():
        mine = live_consents(board).filter(licence__user=learner)
        for row in judge_consents(board, mine, today=today):
            judged[row.consent.pk] = row
    return judged


def _with_judgement(row: BoardRow, judged: LicenseeCompliance, learner, today) -> None:
    key = row.consent.pk
    current = cycle_view(f"c{key}", "This cycle", judged.current)
    if judged.current.status == Status.NOT_YET:
        by = _day(judged.current.window.end)
        current.needs = [f"You need {need} by {by}." for need in judged.current.missing]
        current.courses = gap_courses(learner=learner, judgement=judged.current, today=today)
        current.self_study_full = self_study_used_up(judged.current)
    row.current = current
    row.previous = cycle_view(f"p{key}", "The previous cycle", judged.previous)


def _licence_rows(request, bound: dict, today: datetime.date) -> list[tuple[Licence, list]]:
    learner = request.user
    licences = list(learner.licences.all())
    if not licences:
        return []
    rules = _rules_in_force(licences, today)
    latest: dict[tuple[int, int], LicenceConsent] = {}
    for consent in LicenceConsent.objects.filter(licence__user=learner).select_related("board"):
        latest.setdefault((consent.licence_id, consent.board_id), consent)  # newest first
    live = [c for c in latest.values() if c.withdrawn_at is None]
    judged = _judged_rows(learner, live, today) if live else {}
    evidence = defaultdict(list)
    areas = defaultdict(list)
    if live:
        for item in CeEvidence.objects.filter(licence__user=learner).select_related("area"):
            evidence[(item.licence_id, item.board_id)].append(item)
        for area in SubjectArea.objects.filter(board_id__in={c.board_id for c in live}):
            areas[area.board_id].append(area)
    out = []
    for licence in licences:
        by_board = {
            r.board.pk: r for r in rules.get((licence.jurisdiction, licence.licence_type), [])
        }
        board_ids = set(by_board) | {b for (lid, b) in latest if lid == licence.pk}
        rows = []
        for board_id in board_ids:
            consent = latest.get((licence.pk, board_id))
            rule = by_board.get(board_id)
            row = BoardRow(rule.board if rule else consent.board, rule, consent)
            if row.live:
                key = f"evidence-{consent.pk}"
                row.evidence = evidence[(licence.pk, board_id)]
                row.evidence_form = (
                    bound[key]
                    if key in bound
                    else EvidenceForm(areas=areas[board_id], auto_id=f"{key}-%s")
                )
                if consent.pk in judged:
                    _with_judgement(row, judged[consent.pk], learner, today)
            elif rule is not None:
                key = f"share-{licence.pk}-{board_id}"
                row.share_form = (
                    bound[key]
                    if key in bound
                    else ConsentForm(
                        initial={"licence": licence.pk, "board": board_id},
                        anchored=rule.anchored,
                        auto_id=f"{key}-%s",
                    )
                )
            rows.append(row)
        rows.sort(key=lambda r: r.board.name)
        out.append((licence, rows))
    return out


def _page(request, *, bound: dict | None = None, status: int = 200):
    bound = bound or {}
    today = timezone.localdate()
    # Listed again at the top of the page, each with its field's label, so a screen reader
    # hears what went wrong before the long page (WCAG 3.3.1).
    errors = [
        f"{form[name].label}: {error}" if name in form.fields else error
        for form in bound.values()
        for name, field_errors in form.errors.items()
        for error in field_errors
    ]
    return render(
        request,
        "boards/licences.html",
        {"licences": _licence_rows(request, bound, today), "errors": errors},
        status=status,
    )


@login_required
@require_safe
def licences(request):
    return _page(request)


def _posted_id(request, name: str) -> int | None:
    value = request.POST.get(name, "")
    return int(value) if value.isdigit() else None


@login_required
@require_POST
def consent_grant(request):
    # Another's licence is as unknown as a licence that does not exist.
    licence = get_object_or_404(Licence, pk=_posted_id(request, "licence"), user=request.user)
    board = get_object_or_404(Board, pk=_posted_id(request, "board"))
    today = timezone.localdate()
    rule = next(
        (
            r
            for r in _rules_in_force([licence], today).get(
                (licence.jurisdiction, licence.licence_type), []
            )
            if r.board.pk == board.pk
        ),
        None,
    )
    key = f"share-{licence.pk}-{board.pk}"
    form = ConsentForm(request.POST, anchored=bool(rule and rule.anchored), auto_id=f"{key}-%s")
    if form.is_valid():
        try:
            services.consent_grant(
                learner=request.user,
                licence=licence,
                board=board,
                renews_on=form.cleaned_data["renews_on"],
            )
        except services.BoardsRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request, f"{board} can now see the CE of your licence {licence.number}."
            )
            return redirect("boards:licences")
    return _page(request, bound={key: form}, status=400)


@login_required
@require_POST
def consent_withdraw(request, consent_id):
    consent = get_object_or_404(
        LicenceConsent.objects.select_related("board"), pk=consent_id, licence__user=request.user
    )
    services.consent_withdraw(consent=consent, learner=request.user)
    messages.success(request, f"Withdrawn: {consent.board} can no longer see this licence's CE.")
    return redirect("boards:licences")


@login_required
@require_POST
def evidence_submit(request, consent_id):
    consent = get_object_or_404(
        LicenceConsent.objects.select_related("licence", "board"),
        pk=consent_id,
        licence__user=request.user,
        withdrawn_at__isnull=True,
    )
    key = f"evidence-{consent.pk}"
    form = EvidenceForm(
        request.POST,
        request.FILES,
        areas=list(SubjectArea.objects.filter(board_id=consent.board_id)),
        auto_id=f"{key}-%s",
    )
    if form.is_valid():
        try:
            services.evidence_submit(learner=request.user, consent=consent, **form.cleaned_data)
        except services.BoardsRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"Sent to {consent.board}. It counts once they accept it.")
            return redirect("boards:licences")
    return _page(request, bound={key: form}, status=400)


@login_required
@require_safe
def evidence_file(request, evidence_id: int):
    # Only the licensee's own file; another's is a 404, not a 403 that says it exists.
    evidence = get_object_or_404(CeEvidence, pk=evidence_id, licence__user=request.user)
    return FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=os.path.basename(evidence.file.name),
    )
