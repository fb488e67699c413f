"""Verifying a credential, whoever asks (the public page, an uploaded file, the API): each
check with its result, and one overall status. Any JSON at all gets an answer, never an error.

valid     every check passed
revoked   authentic, but the issuer revoked it
suspended authentic, but suspended for now
expired   authentic, but past its validUntil (or not yet valid)
invalid   not authentic: changed after signing, signed by another key or issuer, or malformed
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.utils import timezone

from credentials.data_integrity import ProofError, proof_verify
from credentials.issuer import issuer_did, issuer_public_key
from credentials.jsonld_documents import OB_V3, VC_V2, document_loader
from credentials.models import SigningKey, StatusList, StatusPurpose
from credentials.status_lists import bit_is_set, status_list_url

LOADER = document_loader()


@dataclass
class Check:
    name: str
    passed: bool
    detail: str


@dataclass
class Verification:
    checks: list[Check] = field(default_factory=list)

    @property
    def status(self) -> str:
        failed = {check.name for check in self.checks if not check.passed}
        if failed & {"shape", "issuer", "signature"}:
            return "invalid"
        for name, status in (("revocation", "revoked"), ("suspension", "suspended")):
            if name in failed:
                return status
        return "expired" if "dates" in failed else "valid"

    @property
    def valid(self) -> bool:
        return self.status == "valid"

    def add(self, name: str, passed: bool, detail: str) -> bool:
        self.checks.append(Check(name, passed, detail))
        return passed


def _shape_problem(document) -> str:
    if not isinstance(document, dict):
        return "A credential is a JSON object."
    contexts = document.get("@context")
    if not isinstance(contexts, list) or contexts[:1] != [VC_V2] or OB_V3 not in contexts:
        return f"The @context must start with {VC_V2} and include {OB_V3}."
    if not all(isinstance(context, str) for context in contexts):
        # An inline context (an @vocab, say) can define away what the signature leaves out.
        return "The @context lists contexts by URL only; an inline context is not accepted."
    types = document.get("type")
    if not isinstance(types, list) or not {"VerifiableCredential", "OpenBadgeCredential"} <= {
        t for t in types if isinstance(t, str)
    }:
        return "The type must include VerifiableCredential and OpenBadgeCredential."
    subject = document.get("credentialSubject")
    if not isinstance(subject, dict) or not isinstance(subject.get("achievement"), dict):
        return "The credentialSubject must be an AchievementSubject with an achievement."
    if "validFrom" not in document:
        return "The credential has no validFrom date."
    return ""


def _moment(value) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _issuer_id(document: dict) -> str:
    issuer = document.get("issuer")
    return issuer.get("id", "") if isinstance(issuer, dict) else str(issuer or "")


def _status_indexes(document: dict) -> dict[str, int]:
    """Our status list entries of the credential: purpose -> index."""
    entries = document.get("credentialStatus") or []
    entries = entries if isinstance(entries, list) else [entries]
    found = {}
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        purpose = entry.get("statusPurpose")
        if purpose in StatusPurpose.values and entry.get("statusListCredential") == status_list_url(
            purpose
        ):
            try:
                found[purpose] = int(entry.get("statusListIndex"))
            except (TypeError, ValueError):
                continue
    return found


def document_digest(document: dict) -> str:
    """A fingerprint of a stored credential exactly as issued (key order aside)."""
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


class Verifier:
    """Verifies any number of credentials with one query for the issuer's keys and one for the
    status lists, loaded on first use.

    A stored credential whose document still has the digest recorded when it was signed skips
    the RDF canonicalization (the slow part: tens of milliseconds); its key is still checked
    against the issuer's current keys, so a revoked key still fails it."""

    def __init__(self, now: datetime | None = None):
        self.now = now or timezone.now()
        self._keys: dict | None = None
        self._bits: dict | None = None

    def keys(self) -> dict[str, SigningKey]:
        if self._keys is None:
            self._keys = {key.key_id: key for key in SigningKey.objects.all()}
        return self._keys

    def flags(self, indexes: dict[str, int]) -> dict[str, bool]:
        if self._bits is None:
            self._bits = {
                row.purpose: bytes(row.bits) for row in StatusList.objects.only("purpose", "bits")
            }
        return {
            purpose: purpose in self._bits
            and 0 <= index < len(self._bits[purpose]) * 8
            and bit_is_set(self._bits[purpose], index)
            for purpose, index in indexes.items()
        }

    def public_key_for(self, method: str):
        return issuer_public_key(method, self.keys())

    def _signature(self, document: dict, result: Verification, trusted_digest: str) -> bool:
        try:
            if trusted_digest and document_digest(document) == trusted_digest:
                proof = document["proof"]
                self.public_key_for(proof["verificationMethod"])  # still one of ours, not revoked
                return result.add(
                    "signature",
                    True,
                    f"Signed with {proof['verificationMethod']}; the stored record is unchanged "
                    "since it was signed.",
                )
            proof = proof_verify(document, public_key_for=self.public_key_for, loader=LOADER)
        except ProofError as error:
            return result.add("signature", False, str(error))
        return result.add("signature", True, f"Signed with {proof.verification_method}.")

    def verify(self, document, *, trusted_digest: str = "") -> Verification:
        result = Verification()
        problem = _shape_problem(document)
        if not result.add("shape", not problem, problem or "An Open Badges 3.0 credential."):
            return result
        issuer = _issuer_id(document)
        ours = issuer == issuer_did()
        detail = (
            f"Issued by {issuer_did()}." if ours else f"Issued by {issuer or 'nobody'}, not us."
        )
        if not result.add("issuer", ours, detail):
            return result
        if not self._signature(document, result, trusted_digest):
            return result
        self._dates(document, result)
        indexes = _status_indexes(document)
        if not indexes:
            result.add("revocation", False, "The credential has none of our status list entries.")
            return result
        for purpose, flagged in self.flags(indexes).items():
            word = "revoked" if purpose == StatusPurpose.REVOCATION else "suspended"
            detail = f"{word.capitalize()} by the issuer." if flagged else f"Not {word}."
            result.add(purpose, not flagged, detail)
        return result

    def _dates(self, document: dict, result: Verification) -> None:
        valid_from, valid_until = _moment(document.get("validFrom")), None
        if "validUntil" in document:
            valid_until = _moment(document["validUntil"])
        if valid_from is None or ("validUntil" in document and valid_until is None):
            result.add("dates", False, "A validity date is not a date and time.")
        elif valid_from > self.now:
            result.add("dates", False, f"Not valid before {document['validFrom']}.")
        elif valid_until is not None and valid_until <= self.now:
            result.add("dates", False, f"Expired on {document['validUntil']}.")
        else:
            until = f" until {document['validUntil']}" if valid_until else ", with no end date"
            result.add("dates", True, f"Valid from {document['validFrom']}{until}.")


def verify_document(document, *, now: datetime | None = None) -> Verification:
    """Verify a credential someone gives us (an upload, the API): the full check."""
    return Verifier(now).verify(document)


def verify_stored(credential, *, verifier: Verifier | None = None) -> Verification:
    """Verify one of our stored credentials (by id: the page, the API, bulk checks)."""
    verifier = verifier or Verifier()
    return verifier.verify(credential.document, trusted_digest=credential.document_digest)


@dataclass
class IdResult:
    """One id of a bulk check: the credential and its verification, or why there is none."""

    raw: str
    credential: object = None  # Credential
    verification: Verification | None = None
    reason: str = ""


def verify_ids(raw_ids: list[str], *, verifier: Verifier | None = None) -> list[IdResult]:
    """Check many credential ids at once, in input order: three queries whatever the count."""
    from credentials.models import Credential

    verifier = verifier or Verifier()
    parsed = []
    for raw in raw_ids:
        try:
            parsed.append(uuid.UUID(str(raw).strip()))
        except ValueError:
            parsed.append(None)
    found = Credential.objects.select_related("achievement").in_bulk(
        list({pk for pk in parsed if pk is not None})
    )
    results = []
    for raw, pk in zip(raw_ids, parsed, strict=True):
        credential = found.get(pk) if pk else None
        if credential is None:
            reason = "not a credential id" if pk is None else "no such credential"
            results.append(IdResult(str(raw).strip(), reason=reason))
        else:
            verification = verify_stored(credential, verifier=verifier)
            results.append(IdResult(str(credential.pk), credential, verification))
    return results
