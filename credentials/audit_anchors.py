"""Anchors for the audit log's hash chain. A hash chain alone can be rewritten whole by anyone
who can write the database: change an entry and recompute every hash after it. An anchor is the
chain head (entry id and hash) signed with the issuer's Ed25519 signing key, whose private part
lives outside the database. `audit_anchor` (run daily, and export what it prints) makes one;
`audit_verify` checks each anchor's signature and that the chain still holds the anchored hash,
so a rewritten chain is found even when every hash in it is consistent."""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.utils import timezone

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from credentials.models import AuditAnchor, AuditEntry, SigningKey
from credentials.multibase import (
    MultibaseError,
    multibase_decode,
    multibase_encode,
    public_key_bytes,
)
from credentials.signing_keys import current_signing_key


def anchor_payload(*, entry_id: int, entry_hash: str, signed_at: str) -> bytes:
    return json.dumps(
        {"entry": entry_id, "hash": entry_hash, "signed_at": signed_at},
        sort_keys=True,
        separators=(",", ":"),
    ).encode()


def anchor_as_json(anchor: AuditAnchor) -> dict:
    return {
        "entry": anchor.entry_id,
        "hash": anchor.entry_hash,
        "signed_at": anchor.signed_at,
        "key": anchor.key_id,
        "signature": anchor.signature,
    }


def audit_anchor_create() -> AuditAnchor | None:
    """Sign the current head of the chain; None while the log is empty."""
    head = AuditEntry.objects.order_by("-pk").first()
    if head is None:
        return None
    key, private = current_signing_key()
    signed_at = timezone.now().isoformat()
    payload = anchor_payload(entry_id=head.pk, entry_hash=head.entry_hash, signed_at=signed_at)
    return AuditAnchor.objects.create(
        entry_id=head.pk,
        entry_hash=head.entry_hash,
        signed_at=signed_at,
        key_id=key.key_id,
        signature=multibase_encode(private.sign(payload)),
    )


@dataclass
class AnchorBreak:
    entry_id: int
    reason: str


def anchor_check(anchor: dict, keys: dict[str, str], hashes: dict[int, str]) -> str:
    """Why `anchor` (as exported) does not hold; empty when it does."""
    try:
        public = Ed25519PublicKey.from_public_bytes(public_key_bytes(keys[anchor["key"]]))
        signature = multibase_decode(anchor["signature"])
        public.verify(
            signature,
            anchor_payload(
                entry_id=anchor["entry"], entry_hash=anchor["hash"], signed_at=anchor["signed_at"]
            ),
        )
    except KeyError:
        return f"it is signed with a key the issuer does not have ({anchor.get('key')!r})"
    except (MultibaseError, InvalidSignature, ValueError, TypeError):
        return "its signature does not match: the anchor was altered or forged"
    if hashes.get(anchor["entry"]) != anchor["hash"]:
        return "the log no longer holds the hash it anchored: the chain was rewritten"
    return ""


def audit_anchors_check(exported: list[dict] = ()) -> tuple[int, AnchorBreak | None]:
    """Check every anchor in the database and every anchor given (from an export)."""
    keys = dict(SigningKey.objects.values_list("key_id", "public_key_multibase"))
    anchors = [anchor_as_json(a) for a in AuditAnchor.objects.order_by("pk")] + list(exported)
    wanted = {a["entry"] for a in anchors if isinstance(a.get("entry"), int)}
    hashes = dict(AuditEntry.objects.filter(pk__in=wanted).values_list("pk", "entry_hash"))
    for anchor in anchors:
        reason = anchor_check(anchor, keys, hashes)
        if reason:
            return len(anchors), AnchorBreak(anchor.get("entry", 0), reason)
    return len(anchors), None
