"""The issuer's identity: a did:web derived from the site's address, and its DID document."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from django.conf import settings

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from credentials.data_integrity import ProofError
from credentials.models import SigningKey
from credentials.multibase import MultibaseError, public_key_bytes

DID_CONTEXTS = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]


def issuer_did() -> str:
    """did:web of SITE_URL: the host (a port percent-encoded), then any path segments."""
    configured = getattr(settings, "CREDENTIALS_ISSUER_DID", "")
    if configured:
        return configured
    url = urlsplit(settings.SITE_URL)
    parts = [quote(url.netloc, safe="")] + [quote(p, safe="") for p in url.path.split("/") if p]
    return "did:web:" + ":".join(parts)


def verification_method(key: SigningKey) -> str:
    return f"{issuer_did()}#{key.key_id}"


def did_document() -> dict:
    did = issuer_did()
    keys = list(SigningKey.objects.all())
    return {
        "@context": DID_CONTEXTS,
        "id": did,
        "verificationMethod": [
            {
                "id": verification_method(key),
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": key.public_key_multibase,
            }
            for key in keys
        ],
        "assertionMethod": [verification_method(k) for k in keys if k.revoked_at is None],
    }


def issuer_public_key(method: str, keys: dict[str, SigningKey] | None = None) -> Ed25519PublicKey:
    """The public key of one of our verification methods that may assert credentials; a
    ProofError says why any other method is refused. `keys` (key_id -> SigningKey) saves the
    query when many credentials are checked at once."""
    did, _, key_id = method.partition("#")
    if did != issuer_did():
        raise ProofError(f"The credential was signed by {did}, which is not this issuer.")
    if keys is None:
        keys = {k.key_id: k for k in SigningKey.objects.filter(key_id=key_id)}
    key = keys.get(key_id)
    if key is None:
        raise ProofError(f"The issuer has no key {method}.")
    if key.revoked_at is not None:
        raise ProofError(f"The issuer revoked the key {method}; what it signed is not trusted.")
    try:
        return Ed25519PublicKey.from_public_bytes(public_key_bytes(key.public_key_multibase))
    except MultibaseError as error:
        raise ProofError(f"The key {method} is malformed.") from error
