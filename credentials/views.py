"""Public credential endpoints (the DID document, credentials as JSON, the status lists, the
verification page) and the learner's own credentials page. Thin: the rules are in services."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from credentials.issuer import did_document
from credentials.models import Credential, StatusPurpose
from credentials.status_lists import status_list_document
from credentials.verification import verify_stored


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
def status_list_json(request, purpose: str):
    if purpose not in StatusPurpose.values:
        raise Http404("There is no such status list.")
    # A revocation reaches every verifier within a minute.
    return _public_json(status_list_document(purpose), max_age=60)


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
    credentials = Credential.objects.filter(learner=request.user).select_related("achievement")
    return render(request, "credentials/mine.html", {"credentials": credentials})
