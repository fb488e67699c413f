"""Credentials into wallets: OpenID for Verifiable Credential Issuance 1.0, pre-authorized code
flow, format ldp_vc (https://openid.net/specs/openid-4-verifiable-credential-issuance-1_0.html).

1. The learner asks for an offer on their credentials page and scans its QR code: the offer
   names our issuer and holds a one-time pre-authorized code (OFFER_MINUTES).
2. The wallet reads our metadata, exchanges the code at the token endpoint for an access token
   (once), and fetches a nonce.
3. It asks the credential endpoint for the credential with a proof: a JWT over the nonce and our
   issuer URL, signed by its key (a did:key). The token delivers once.
4. It receives the learner's signed Open Badges 3.0 credential, bound to that DID: the same
   document (same id, achievement, dates, hours and status entries, so revoking the credential
   revokes the copy) with `credentialSubject.id` set to the wallet's DID, signed again.

Errors are the specification's (`invalid_grant`, `invalid_token`, `invalid_proof`,
`invalid_nonce`, `invalid_credential_request`, ...) with a description saying what was wrong.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from credentials.audit import audit_record
from credentials.data_integrity import proof_create
from credentials.issuer import verification_method
from credentials.jsonld_documents import document_loader
from credentials.models import Credential, WalletOffer
from credentials.multibase import MultibaseError, public_key_bytes
from credentials.open_badges import OB_V3, VC_V2, timestamp
from credentials.signing_keys import current_signing_key

CONFIGURATION_ID = "OpenBadgeCredential_ldp_vc"
PRE_AUTHORIZED_GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
PROOF_TYP = "openid4vci-proof+jwt"
OFFER_MINUTES = 10
TOKEN_MINUTES = 10
NONCE_SECONDS = 300
CLOCK_SKEW_SECONDS = 60
NONCE_SALT = "credentials.oid4vci.nonce"


class OidError(Exception):
    """An error response of the specification: `error` code, description, HTTP status."""

    def __init__(self, error: str, description: str, status: int = 400):
        super().__init__(description)
        self.error, self.description, self.status = error, description, status


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issuer_url() -> str:
    return settings.SITE_URL


def _endpoint(name: str) -> str:
    return settings.SITE_URL + reverse(f"oid4vci:{name}")


# --- metadata -------------------------------------------------------------------------------


def issuer_metadata() -> dict:
    """Credential Issuer Metadata (section 12.2), with the authorization server's endpoints
    repeated, since we are our own authorization server."""
    return {
        "credential_issuer": issuer_url(),
        "credential_endpoint": _endpoint("credential"),
        "nonce_endpoint": _endpoint("nonce"),
        "display": [{"name": "Recovery Learning", "locale": "en-US"}],
        "credential_configurations_supported": {
            CONFIGURATION_ID: {
                "format": "ldp_vc",
                "scope": "OpenBadgeCredential",
                "credential_definition": {
                    "@context": [VC_V2, OB_V3],
                    "type": ["VerifiableCredential", "OpenBadgeCredential"],
                },
                "cryptographic_binding_methods_supported": ["did:key"],
                "credential_signing_alg_values_supported": ["eddsa-rdfc-2022"],
                "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": ["EdDSA"]}},
                "credential_metadata": {
                    "display": [
                        {
                            "name": "Recovery Learning credential",
                            "locale": "en-US",
                            "description": "A course or certification credential with CE hours.",
                        }
                    ]
                },
            }
        },
        **authorization_server_metadata(),
    }


def authorization_server_metadata() -> dict:
    """OAuth 2.0 Authorization Server Metadata (RFC 8414) for the pre-authorized code flow."""
    return {
        "issuer": issuer_url(),
        "token_endpoint": _endpoint("token"),
        "pre-authorized_grant_anonymous_access_supported": True,
        "grant_types_supported": [PRE_AUTHORIZED_GRANT],
        "authorization_details_types_supported": ["openid_credential"],
    }


# --- offers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Offer:
    offer: WalletOffer
    url: str  # openid-credential-offer://?credential_offer=... (the QR code's content)


def offer_create(*, credential: Credential) -> Offer:
    """An offer of the learner's credential to their wallet. Revoked or suspended: refused."""
    if credential.revoked_at or credential.suspended_at:
        raise OidError("invalid_request", "A revoked or suspended credential is not offered.")
    code = secrets.token_urlsafe(32)
    offer = WalletOffer.objects.create(
        credential=credential,
        code_digest=digest(code),
        expires_at=timezone.now() + timedelta(minutes=OFFER_MINUTES),
    )
    body = {
        "credential_issuer": issuer_url(),
        "credential_configuration_ids": [CONFIGURATION_ID],
        "grants": {PRE_AUTHORIZED_GRANT: {"pre-authorized_code": code}},
    }
    text = json.dumps(body, separators=(",", ":"))
    return Offer(offer, "openid-credential-offer://?" + urlencode({"credential_offer": text}))


# --- token ----------------------------------------------------------------------------------


@transaction.atomic
def token_exchange(form: dict) -> dict:
    """Token Request (section 6.1) with the pre-authorized code: the Token Response."""
    if form.get("grant_type") != PRE_AUTHORIZED_GRANT:
        raise OidError("unsupported_grant_type", f"grant_type must be {PRE_AUTHORIZED_GRANT}.")
    code = form.get("pre-authorized_code") or ""
    offer = (
        WalletOffer.objects.select_for_update()
        .select_related("credential")
        .filter(code_digest=digest(code))
        .first()
    )
    now = timezone.now()
    if offer is None or offer.token_digest is not None:
        raise OidError("invalid_grant", "The pre-authorized code is unknown or already used.")
    if offer.expires_at <= now:
        raise OidError("invalid_grant", "The pre-authorized code has expired: offer it again.")
    _requested_configuration(form.get("authorization_details"))
    token = secrets.token_urlsafe(32)
    offer.token_digest = digest(token)
    offer.token_expires_at = now + timedelta(minutes=TOKEN_MINUTES)
    offer.save(update_fields=["token_digest", "token_expires_at"])
    return {
        "access_token": token,
        "token_type": "bearer",
        "expires_in": TOKEN_MINUTES * 60,
        "authorization_details": [
            {
                "type": "openid_credential",
                "credential_configuration_id": CONFIGURATION_ID,
                "credential_identifiers": [str(offer.credential_id)],
            }
        ],
    }


def _requested_configuration(raw) -> None:
    """Authorization details, when the wallet sends them, must ask for what we offer."""
    if not raw:
        return
    try:
        details = json.loads(raw)
    except ValueError:
        raise OidError("invalid_request", "authorization_details is not JSON.") from None
    if not isinstance(details, list) or not all(isinstance(d, dict) for d in details):
        raise OidError("invalid_request", "authorization_details must be a list of objects.")
    for detail in details:
        if detail.get("type") != "openid_credential":
            raise OidError("invalid_authorization_details", "Only openid_credential is offered.")
        if detail.get("credential_configuration_id") != CONFIGURATION_ID:
            raise OidError(
                "invalid_authorization_details",
                f"Only the configuration {CONFIGURATION_ID} is offered.",
            )


# --- nonce ----------------------------------------------------------------------------------


def nonce_new() -> str:
    """A c_nonce (section 7): signed and timed, so no row is needed to check it."""
    return signing.TimestampSigner(salt=NONCE_SALT).sign(secrets.token_urlsafe(16))


def _nonce_valid(nonce) -> bool:
    try:
        signing.TimestampSigner(salt=NONCE_SALT).unsign(str(nonce), max_age=NONCE_SECONDS)
    except signing.BadSignature:  # includes SignatureExpired
        return False
    return True


# --- credential -----------------------------------------------------------------------------


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def holder_of_proof(jwt: str, *, now: float | None = None) -> str:
    """Check a key proof JWT (appendix F.1) and return the holder's DID. Ed25519 did:key only;
    `typ` must be openid4vci-proof+jwt when present (clients of earlier drafts leave it out)."""
    now = time.time() if now is None else now
    try:
        header_b64, payload_b64, signature_b64 = str(jwt).split(".")
        header = json.loads(_b64decode(header_b64))
        payload = json.loads(_b64decode(payload_b64))
        signature = _b64decode(signature_b64)
    except (ValueError, TypeError):
        raise OidError("invalid_proof", "The proof is not a compact JWT.") from None
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise OidError("invalid_proof", "The proof's header and payload must be JSON objects.")
    if header.get("typ", PROOF_TYP) != PROOF_TYP:
        raise OidError("invalid_proof", f"The proof's typ must be {PROOF_TYP}.")
    if header.get("alg") != "EdDSA":
        raise OidError("invalid_proof", "The proof must be signed with EdDSA (Ed25519).")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid.startswith("did:key:z"):
        raise OidError("invalid_proof", "The proof's kid must be a did:key URL.")
    did, _, fragment = kid.partition("#")
    multikey = did.removeprefix("did:key:")
    if fragment and fragment != multikey:
        raise OidError("invalid_proof", "The proof's kid names a key its DID does not hold.")
    try:
        public_key = Ed25519PublicKey.from_public_bytes(public_key_bytes(multikey))
        public_key.verify(signature, f"{header_b64}.{payload_b64}".encode())
    except (MultibaseError, ValueError):
        raise OidError("invalid_proof", "The proof's did:key is not an Ed25519 key.") from None
    except InvalidSignature:
        raise OidError("invalid_proof", "The proof's signature does not verify.") from None
    if payload.get("aud") != issuer_url():
        raise OidError("invalid_proof", f"The proof's aud must be {issuer_url()}.")
    _proof_times(payload, now)
    if not _nonce_valid(payload.get("nonce")):
        raise OidError("invalid_nonce", "The proof's nonce is missing, unknown or expired.")
    return did


def _proof_times(payload: dict, now: float) -> None:
    for claim in ("iat", "nbf", "exp"):
        if claim in payload and not isinstance(payload[claim], int | float):
            raise OidError("invalid_proof", f"The proof's {claim} must be a number.")
    issued = payload.get("iat", payload.get("nbf"))
    if issued is None:
        raise OidError("invalid_proof", "The proof needs iat (when it was made).")
    if issued > now + CLOCK_SKEW_SECONDS:
        raise OidError("invalid_proof", "The proof is dated in the future.")
    if issued < now - NONCE_SECONDS - CLOCK_SKEW_SECONDS:
        raise OidError("invalid_proof", "The proof is too old: make a new one.")
    if "exp" in payload and payload["exp"] < now - CLOCK_SKEW_SECONDS:
        raise OidError("invalid_proof", "The proof has expired.")


def _proof_jwt(body: dict) -> str:
    proofs = body.get("proofs")
    if proofs is None:
        raise OidError("invalid_proof", "The request needs a key proof (proofs.jwt).")
    if not isinstance(proofs, dict) or not isinstance(proofs.get("jwt"), list):
        raise OidError("invalid_proof", "proofs must be an object with a list of JWTs in jwt.")
    if len(proofs["jwt"]) != 1:
        raise OidError("invalid_proof", "Send exactly one proof: one credential is issued.")
    return proofs["jwt"][0]


@transaction.atomic
def credential_deliver(*, authorization: str, body) -> dict:
    """Credential Request (section 8) with the access token: the Credential Response."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise OidError("invalid_token", "Send the token as 'Authorization: Bearer ...'.", 401)
    offer = (
        WalletOffer.objects.select_for_update()
        .select_related("credential__achievement")
        .filter(token_digest=digest(token.strip()))
        .first()
    )
    if offer is None or offer.token_expires_at <= timezone.now():
        raise OidError("invalid_token", "The access token is unknown or expired.", 401)
    if offer.delivered_at is not None:
        raise OidError("invalid_token", "This access token has delivered its credential.", 401)
    if not isinstance(body, dict):
        raise OidError("invalid_credential_request", "The request body must be a JSON object.")
    wanted = body.get("credential_identifier")
    configuration = body.get("credential_configuration_id")
    if wanted is not None and wanted != str(offer.credential_id):
        raise OidError("unknown_credential_identifier", "This token is for another credential.")
    if wanted is None and configuration != CONFIGURATION_ID:
        raise OidError(
            "unknown_credential_configuration",
            f"Ask for credential_identifier {offer.credential_id} "
            f"or credential_configuration_id {CONFIGURATION_ID}.",
        )
    holder = holder_of_proof(_proof_jwt(body))
    credential = offer.credential
    if credential.revoked_at or credential.suspended_at:
        raise OidError("credential_request_denied", "The credential is revoked or suspended.")
    document = bound_copy(credential, holder)
    offer.delivered_at = timezone.now()
    offer.holder = holder
    offer.save(update_fields=["delivered_at", "holder"])
    audit_record(
        action="credential sent to a wallet",
        subject=f"credential {credential.pk}",
        actor=None,
        details={"holder": holder, "offer": offer.pk},
    )
    return {"credentials": [{"credential": document}]}


def bound_copy(credential: Credential, holder: str) -> dict:
    """The stored credential with its subject bound to `holder`, signed again now."""
    document = copy.deepcopy(credential.document)
    document.pop("proof", None)
    document["credentialSubject"] = {"id": holder, **document["credentialSubject"]}
    key, private = current_signing_key()
    return proof_create(
        document,
        private_key=private,
        verification_method=verification_method(key),
        created=timestamp(timezone.now()),
        loader=document_loader(),
    )
