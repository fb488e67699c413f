"""The board's CE compliance pages: its rules and subject areas, the licensees who share their
CE with it and how each stands, one licensee's cycles in detail, and audits.

Only board-verifier accounts that act for a board (boards.selectors.board_of) reach them, and
a board only ever sees licensees with a live consent to it. Every page that shows licensees'
CE records the read in the audit log."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from boards import services
from boards.audit_exports import audit_csv, audit_pdf, item_lines
from boards.audits import audit_draw, audit_results
from boards.board_forms import (
    PER_PAGE,
    AuditDrawForm,
    EvidenceDecisionForm,
    LateRenewalForm,
    LicenseeFilterForm,
    RenewalDateForm,
    RuleVersionForm,
    SubjectAreaForm,
)
from boards.models import (
    Audit,
    CeEvidence,
    EvidenceStatus,
    LicenceConsent,
    SubjectArea,
)
from boards.presentation import cycle_view, rules_in_words
from boards.rules import terms_by_licence_type
from boards.selectors import board_of, judge_consents, live_consents
from credentials.boards import is_board


def board_member_only(view):
    """Board-verifier accounts acting for a board; the board is `request.board`."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        board = board_of(request.user) if is_board(request.user) else None
        if board is None:
            raise PermissionDenied("These pages are for staff of a licensing board.")
        request.board = board
        return view(request, *args, **kwargs)

    return wrapped


# Overview ---------------------------------------------------------------------------------------


@board_member_only
def overview(request):
    board, today = request.board, timezone.localdate()
    terms = terms_by_licence_type(board.pk)
    form = LicenseeFilterForm(request.GET or None, licence_types=terms)
    status = 200
    if form.is_bound and not form.is_valid():
        status = 400
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    consents = live_consents(board, filters.get("licence_type") or None)
    # Judged for every consenting licensee in a fixed number of queries, then filtered and paged.
    rows = judge_consents(board, consents, today=today, terms=terms)
    if filters.get("status"):
        rows = [row for row in rows if row.current.status == filters["status"]]
    page = None
    if not filters.get("show_all"):
        page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
        rows = list(page.object_list)
    waiting = dict(
        CeEvidence.objects.filter(
            board=board,
            status=EvidenceStatus.SUBMITTED,
            licence_id__in=[row.consent.licence_id for row in rows],
        )
        .values("licence_id")
        .annotate(n=Count("pk"))
        .values_list("licence_id", "n")
    )
    services.board_read_record(board=board, by=request.user, what="licensee list", count=len(rows))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "boards/board/overview.html",
        {
            "board": board,
            "today": today,
            "rules": rules_in_words(terms, today),
            "areas": SubjectArea.objects.filter(board=board).prefetch_related("topics", "domains"),
            "form": form,
            "rows": [(row, waiting.get(row.consent.licence_id, 0)) for row in rows],
            "page": page,
            "query": query.urlencode(),
        },
        status=status,
    )


# One licensee -----------------------------------------------------------------------------------


def _consent(board, consent_id) -> LicenceConsent:
    """A live consent to this board, or 404: withdrawn and other boards' consents look alike."""
    return get_object_or_404(live_consents(board), pk=consent_id)


def _licensee_page(request, consent_id, *, forms=None, status=200):
    board = request.board
    rows = judge_consents(board, live_consents(board).filter(pk=consent_id))
    if not rows:
        raise Http404("No licensee shares that CE with you.")
    (row,) = rows
    consent = row.consent
    evidence = list(
        CeEvidence.objects.filter(board=board, licence_id=consent.licence_id).select_related("area")
    )
    forms = forms or {}
    areas = list(SubjectArea.objects.filter(board=board)) if evidence else []
    for item in evidence:
        item.form = forms.get(f"evidence-{item.pk}") or EvidenceDecisionForm(
            prefix=f"evidence-{item.pk}", areas=areas, initial={"area": item.area_id}
        )
    previous_end = row.previous.cycle.end if row.previous.cycle else None
    services.board_read_record(board=board, by=request.user, what=f"consent {consent.pk}", count=1)
    return render(
        request,
        "boards/board/licensee.html",
        {
            "board": board,
            "consent": consent,
            "row": row,
            "cycles": [
                cycle_view("current", "Current cycle", row.current),
                cycle_view("previous", "Previous cycle", row.previous),
            ],
            "evidence": evidence,
            "renewal_form": forms.get("renewal")
            or RenewalDateForm(initial={"renews_on": consent.renews_on}),
            "late_form": forms.get("late") or LateRenewalForm(initial={"cycle_end": previous_end}),
        },
        status=status,
    )


@board_member_only
def licensee(request, consent_id):
    return _licensee_page(request, consent_id)


@board_member_only
@require_POST
def renewal_date(request, consent_id):
    consent = _consent(request.board, consent_id)
    form = RenewalDateForm(request.POST)
    if form.is_valid():
        try:
            services.renewal_date_confirm(
                board=request.board,
                by=request.user,
                consent=consent,
                renews_on=form.cleaned_data["renews_on"],
            )
        except services.BoardsRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "Renewal date confirmed.")
            return redirect("boards_board:licensee", consent_id=consent.pk)
    return _licensee_page(request, consent_id, forms={"renewal": form}, status=400)


@board_member_only
@require_POST
def late_renewal(request, consent_id):
    consent = _consent(request.board, consent_id)
    form = LateRenewalForm(request.POST)
    if form.is_valid():
        try:
            services.late_renewal_record(
                board=request.board, by=request.user, consent=consent, **form.cleaned_data
            )
        except services.BoardsRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "Late renewal recorded.")
            return redirect("boards_board:licensee", consent_id=consent.pk)
    return _licensee_page(request, consent_id, forms={"late": form}, status=400)


def _evidence(board, consent, evidence_id) -> CeEvidence:
    return get_object_or_404(CeEvidence, pk=evidence_id, board=board, licence_id=consent.licence_id)


@board_member_only
@require_POST
def evidence_decide(request, consent_id, evidence_id):
    consent = _consent(request.board, consent_id)
    evidence = _evidence(request.board, consent, evidence_id)
    prefix = f"evidence-{evidence.pk}"
    areas = SubjectArea.objects.filter(board=request.board)
    form = EvidenceDecisionForm(request.POST, prefix=prefix, areas=areas)
    if form.is_valid():
        try:
            services.evidence_decide(
                board=request.board,
                by=request.user,
                evidence=evidence,
                accept=form.cleaned_data["decision"] == "accept",
                note=form.cleaned_data["note"],
                area=form.cleaned_data["area"],
            )
        except services.BoardsRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"Your decision on “{evidence.title}” is recorded.")
            return redirect("boards_board:licensee", consent_id=consent.pk)
    return _licensee_page(request, consent_id, forms={prefix: form}, status=400)


@board_member_only
def evidence_file(request, consent_id, evidence_id):
    """The licensee's file, to this board only and only while the consent is live."""
    consent = _consent(request.board, consent_id)
    evidence = _evidence(request.board, consent, evidence_id)
    services.board_read_record(
        board=request.board, by=request.user, what=f"evidence {evidence.pk} file", count=1
    )
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404("The file is no longer stored.") from missing
    return FileResponse(handle, as_attachment=True)


# Rules and subject areas ------------------------------------------------------------------------


def _rules_page(request, *, version_form=None, area_form=None, status=200):
    board, today = request.board, timezone.localdate()
    areas = list(SubjectArea.objects.filter(board=board).prefetch_related("topics", "domains"))
    return render(
        request,
        "boards/board/rules.html",
        {
            "board": board,
            "rules": rules_in_words(terms_by_licence_type(board.pk), today),
            "areas": areas,
            "version_form": version_form or RuleVersionForm(areas=areas),
            "area_form": area_form or SubjectAreaForm(),
        },
        status=status,
    )


@board_member_only
def rules(request):
    return _rules_page(request)


@board_member_only
@require_POST
def rule_version_add(request):
    areas = SubjectArea.objects.filter(board=request.board)
    form = RuleVersionForm(request.POST, areas=areas)
    if form.is_valid():
        try:
            version = services.rule_version_add(
                board=request.board, by=request.user, **form.terms()
            )
        except services.BoardsRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request,
                f"Version {version.number} of the {version.rule.get_licence_type_display()} "
                f"rule takes effect on {version.effective_from:%-d %B %Y}.",
            )
            return redirect("boards_board:rules")
    return _rules_page(request, version_form=form, status=400)


@board_member_only
@require_POST
def subject_area_add(request):
    form = SubjectAreaForm(request.POST)
    if form.is_valid():
        try:
            area = services.subject_area_save(
                board=request.board, by=request.user, **form.cleaned_data
            )
        except services.BoardsRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"Subject area “{area.name}” saved.")
            return redirect("boards_board:rules")
    return _rules_page(request, area_form=form, status=400)


@board_member_only
@require_http_methods(["GET", "POST"])
def subject_area_edit(request, area_id):
    area = get_object_or_404(SubjectArea, pk=area_id, board=request.board)
    status = 200
    if request.method == "POST":
        form = SubjectAreaForm(request.POST)
        if form.is_valid():
            try:
                services.subject_area_save(
                    board=request.board, by=request.user, area=area, **form.cleaned_data
                )
            except services.BoardsRefused as refused:
                form.add_error(None, str(refused))
            else:
                messages.success(request, f"Subject area “{area.name}” saved.")
                return redirect("boards_board:rules")
        status = 400
    else:
        form = SubjectAreaForm(
            initial={"name": area.name, "topics": area.topics.all(), "domains": area.domains.all()}
        )
    return render(request, "boards/board/area.html", {"area": area, "form": form}, status=status)


# Audits -----------------------------------------------------------------------------------------


def _audits_page(request, *, form=None, status=200):
    board = request.board
    types = terms_by_licence_type(board.pk)
    audits = Audit.objects.filter(board=board).annotate(sampled=Count("selections"))
    return render(
        request,
        "boards/board/audits.html",
        {
            "board": board,
            "audits": audits,
            "form": form or AuditDrawForm(licence_types=types, initial={"cycle": "previous"}),
        },
        status=status,
    )


@board_member_only
@require_http_methods(["GET", "POST"])
def audits(request):
    if request.method == "GET":
        return _audits_page(request)
    form = AuditDrawForm(request.POST, licence_types=terms_by_licence_type(request.board.pk))
    if form.is_valid():
        try:
            audit = audit_draw(board=request.board, by=request.user, **form.cleaned_data)
        except services.BoardsRefused as refused:
            form.add_error(None, str(refused))
        else:
            return redirect("boards_board:audit", audit_id=audit.pk)
    return _audits_page(request, form=form, status=400)


def _audit_and_results(request, audit_id):
    audit = get_object_or_404(Audit, pk=audit_id, board=request.board)
    # audit_results records the read (count: licensees sampled).
    return audit, audit_results(audit, by=request.user)


@board_member_only
def audit_detail(request, audit_id):
    audit, results = _audit_and_results(request, audit_id)
    rows = [(row, item_lines(row)) for row in results]
    return render(
        request,
        "boards/board/audit.html",
        {
            "board": request.board,
            "audit": audit,
            "rows": rows,
            "population": len(audit.population),
            "withdrawn": sum(1 for row in results if row.compliance is None),
        },
    )


@board_member_only
def audit_csv_download(request, audit_id):
    audit, results = _audit_and_results(request, audit_id)
    response = HttpResponse(audit_csv(audit, results), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ce-audit-{audit.pk}.csv"'
    return response


@board_member_only
def audit_pdf_download(request, audit_id):
    audit, results = _audit_and_results(request, audit_id)
    response = HttpResponse(audit_pdf(audit, results), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="ce-audit-{audit.pk}.pdf"'
    return response
