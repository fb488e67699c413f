"""HTTP side of credentials.oid4vci: the wallet's endpoints (no session, no CSRF: a wallet is
not a browser; it authenticates with the pre-authorized code, then the access token) and the
learner's page with the offer's QR code."""

import base64
import io
import json

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

import qrcode

from config.rate_limits import allow
from credentials import oid4vci
from credentials.models import Credential
from credentials.oid4vci import OidError

NO_STORE = {"Cache-Control": "no-store"}


def _error(error: OidError) -> JsonResponse:
    body = {"error": error.error, "error_description": error.description}
    if error.error in {"invalid_proof", "invalid_nonce"}:
        # Clients written to drafts before the nonce endpoint take a fresh nonce from here.
        body["c_nonce"] = oid4vci.nonce_new()
    response = JsonResponse(body, status=error.status, headers=NO_STORE)
    if error.status == 401:
        response["WWW-Authenticate"] = f'Bearer error="{error.error}"'
    return response


@require_GET
def issuer_metadata(request):
    return JsonResponse(oid4vci.issuer_metadata())


@require_GET
def authorization_server_metadata(request):
    return JsonResponse(oid4vci.authorization_server_metadata())


def _over_limit(request) -> bool:
    # Codes and tokens are unguessable; the limit keeps a client from making us sign in bulk.
    return not allow(request, action="oid4vci", per_minute=settings.OID4VCI_RATE_PER_MINUTE)


TOO_MANY = OidError("invalid_request", "Too many requests: wait a minute and try again.", 429)


@csrf_exempt
@require_POST
def token(request):
    if _over_limit(request):
        return _error(TOO_MANY)
    try:
        return JsonResponse(oid4vci.token_exchange(request.POST), headers=NO_STORE)
    except OidError as error:
        return _error(error)


@csrf_exempt
@require_POST
def nonce(request):
    return JsonResponse({"c_nonce": oid4vci.nonce_new()}, headers=NO_STORE)


@csrf_exempt
@require_POST
def credential(request):
    if _over_limit(request):
        return _error(TOO_MANY)
    try:
        try:
            body = json.loads(request.body or b"null")
        except ValueError:
            raise OidError("invalid_credential_request", "The body is not JSON.") from None
        response = oid4vci.credential_deliver(
            authorization=request.headers.get("Authorization", ""), body=body
        )
    except OidError as error:
        return _error(error)
    return JsonResponse(response, headers=NO_STORE)


def _qr_png(text: str) -> str:
    image = qrcode.make(text, error_correction=qrcode.constants.ERROR_CORRECT_L, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


@login_required
@require_POST
@never_cache
def wallet_offer(request, credential_id):
    credential = get_object_or_404(
        Credential.objects.select_related("achievement"), pk=credential_id
    )
    if credential.learner_id != request.user.pk:
        raise Http404  # another learner's credential is not theirs to offer
    try:
        offer = oid4vci.offer_create(credential=credential)
    except OidError as error:
        context = {"credential": credential, "problem": error.description}
        return render(request, "credentials/wallet_offer.html", context, status=409)
    context = {
        "credential": credential,
        "offer_url": offer.url,
        "qr": _qr_png(offer.url),
        "minutes": oid4vci.OFFER_MINUTES,
    }
    return render(request, "credentials/wallet_offer.html", context)
