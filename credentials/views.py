"""Public credential endpoints (the DID document, credentials as JSON and PDF, the status lists,
verification by page and by file, transcripts shared by link) and the learner's own pages
(credentials, CE transcript, shares). Thin: the rules are in the services they call."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from config.rate_limits import allow
from credentials import transcripts
from credentials.certificate import certificate_pdf
from credentials.forms import LINK, CredentialCheckForm, PeriodForm, ShareForm
from credentials.issuer import did_document
from credentials.linkedin import add_to_profile_url
from credentials.models import Credential, StatusPurpose, TranscriptShare
from credentials.status_lists import status_list_document
from credentials.transcript_pdf import transcript_pdf_bytes
from credentials.verification import verify_document, verify_stored


def _public_json(data: dict, *, max_age: int) -> JsonResponse:
    response = JsonResponse(data, json_dumps_params={"indent": 2})
    response["Cache-Control"] = f"public, max-age={max_age}"
    # Browser-based verifiers on other sites fetch these too.
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def did_json(request):
    return _public_json(did_document(), max_age=300)


@require_safe
def credential_json(request, credential_id):
    credential = get_object_or_404(Credential, pk=credential_id)
    response = _public_json(credential.document, max_age=0)
    response["Content-Disposition"] = f'inline; filename="credential-{credential.pk}.json"'
    return response


@require_safe
def credential_pdf(request, credential_id):
    credential = get_object_or_404(
        Credential.objects.select_related("achievement"), pk=credential_id
    )
    response = HttpResponse(certificate_pdf(credential), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{credential.pk}.pdf"'
    return response


@require_safe
def status_list_json(request, purpose: str):
    if purpose not in StatusPurpose.values:
        raise Http404("There is no such status list.")
    # A revocation reaches every verifier within a minute.
    return _public_json(status_list_document(purpose), max_age=60)


@require_http_methods(["GET", "POST"])
def verify_check(request):
    """Check a credential file: upload or paste. Rate limited per address, like the API."""
    form = CredentialCheckForm()
    status, verification, document = 200, None, None
    if request.method == "POST":
        per_minute = settings.CREDENTIALS_API_RATE_LIMITS["verify"]
        form = CredentialCheckForm(request.POST, request.FILES)
        if not allow(request, action="api-verify", per_minute=per_minute):
            form.is_valid()  # bind, so the error shows with what was sent
            form.add_error(
                None,
                f"Too many checks from your address (at most {per_minute} a "
                "minute). Wait a minute and try again.",
            )
            status = 429
        elif form.is_valid():
            document = form.cleaned_data["document"]
            verification = verify_document(document)
        else:
            status = 400
    return render(
        request,
        "credentials/verify_check.html",
        {"form": form, "verification": verification, "shown": _shown(document)},
        status=status,
    )


def _shown(document: dict | None) -> dict:
    """What an uploaded credential says about itself, for display next to the checks."""
    if not isinstance(document, dict):
        return {}
    subject = document.get("credentialSubject") or {}
    subject = subject if isinstance(subject, dict) else {}
    achievement = subject.get("achievement") if isinstance(subject.get("achievement"), dict) else {}
    names = [
        i.get("identityHash")
        for i in subject.get("identifier") or []
        if isinstance(i, dict) and i.get("identityType") == "name" and not i.get("hashed")
    ]
    return {
        "name": document.get("name") or achievement.get("name", ""),
        "holder": names[0] if names else "",
        "valid_from": document.get("validFrom", ""),
        "valid_until": document.get("validUntil", ""),
        "credits": subject.get("creditsEarned"),
        "credit_type": _claimed_credit_type(subject),
    }


def _claimed_credit_type(subject: dict) -> str:
    """The credit type a signed document states (an OB 3.0 result), or ""."""
    for result in subject.get("result") or []:
        if isinstance(result, dict) and str(result.get("resultDescription", "")).endswith(
            "#credit-type"
        ):
            return str(result.get("value", ""))
    return ""


@require_safe
def verify_page(request, credential_id):
    credential = Credential.objects.select_related("achievement").filter(pk=credential_id).first()
    if credential is None:
        return render(
            request,
            "credentials/verify_unknown.html",
            {"credential_id": credential_id},
            status=404,
        )
    verification = verify_stored(credential)
    subject = credential.document.get("credentialSubject", {})
    return render(
        request,
        "credentials/verify.html",
        {
            "credential": credential,
            "verification": verification,
            "alignments": subject.get("achievement", {}).get("alignment", []),
        },
    )


@login_required
def my_credentials(request):
    credentials = list(
        Credential.objects.filter(learner=request.user).select_related("achievement")
    )
    for credential in credentials:
        # Neither LinkedIn nor a wallet is offered a revoked or suspended credential.
        credential.in_force = not (credential.revoked_at or credential.suspended_at)
        credential.linkedin_url = add_to_profile_url(credential)
    return render(request, "credentials/mine.html", {"credentials": credentials})


def _period(request) -> PeriodForm:
    today = timezone.localdate()
    data = (
        request.GET
        if "start" in request.GET
        else {"start": today.replace(month=1, day=1), "end": today}
    )
    return PeriodForm(data)


@login_required
@require_safe
def transcript_page(request):
    period = _period(request)
    context = {"period": period, "shares": request.user.transcript_shares.select_related("board")}
    if period.is_valid():
        start, end = period.cleaned_data["start"], period.cleaned_data["end"]
        context["transcript"] = transcripts.transcript(learner=request.user, start=start, end=end)
        context["share_form"] = ShareForm(
            initial={"start": start, "end": end}, boards=transcripts.board_accounts()
        )
    return render(
        request, "credentials/transcript.html", context, status=200 if period.is_valid() else 400
    )


@login_required
@require_safe
def transcript_pdf(request):
    period = _period(request)
    if not period.is_valid():
        return HttpResponse("A period needs valid from and to dates.", status=400)
    data = transcripts.transcript(
        learner=request.user, start=period.cleaned_data["start"], end=period.cleaned_data["end"]
    )
    response = HttpResponse(transcript_pdf_bytes(data), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="ce-transcript-{data.start}-{data.end}.pdf"'
    )
    return response


@login_required
@require_POST
def transcript_share(request):
    form = ShareForm(request.POST, boards=transcripts.board_accounts())
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("credentials:transcript")
    learner, data = request.user, form.cleaned_data
    period = {"start": data["start"], "end": data["end"]}
    try:
        if data["recipient"] == LINK:
            _share, token = transcripts.share_by_link(learner=learner, **period)
            path = reverse("credentials:shared_transcript", args=[token])
            link = request.build_absolute_uri(path)
            messages.success(request, f"Copy this link now, it is shown only once: {link}")
        else:
            board = form.boards[data["recipient"]]
            transcripts.share_with_board(learner=learner, board=board, **period)
            messages.success(request, f"Shared with {board.get_full_name() or board.email}.")
    except transcripts.ShareRefused as refused:
        messages.error(request, str(refused))
    return redirect("credentials:transcript")


@login_required
@require_POST
def transcript_share_withdraw(request, share_id):
    share = get_object_or_404(TranscriptShare, pk=share_id, learner=request.user)
    transcripts.share_withdraw(share=share, learner=request.user)
    messages.success(request, "Withdrawn: it can no longer be read.")
    return redirect("credentials:transcript")


@require_safe
def shared_transcript(request, token: str):
    share = transcripts.shared_by_link(token)
    if share is None:
        raise Http404("This link does not exist or was withdrawn.")
    data = transcripts.transcript(
        learner=share.learner, start=share.period_start, end=share.period_end
    )
    return render(request, "credentials/transcript_shared.html", {"transcript": data})
