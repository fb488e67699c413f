"""Bitstring Status Lists (W3C): one for revocation, one for suspension, each signed as a
BitstringStatusListCredential and served at a stable URL.

A credential's bit sits at its `status_index`, chosen at random among free ones so that the
position says nothing about when it was issued; 131,072 entries give herd privacy.
"""

from __future__ import annotations

import base64
import gzip
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from credentials.data_integrity import proof_create
from credentials.issuer import issuer_did, verification_method
from credentials.jsonld_documents import VC_V2, document_loader
from credentials.models import Credential, StatusList, StatusPurpose
from credentials.signing_keys import current_signing_key

LIST_SIZE = 131_072  # bits: the specification's minimum, 16 KiB


def status_list_url(purpose: str) -> str:
    return settings.SITE_URL + reverse("credentials:status_list", args=[purpose])


def encode_bits(bits: bytes) -> str:
    """'u' + unpadded base64url of the GZIP-compressed bitstring (multibase base64url)."""
    compressed = gzip.compress(bits, mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode()


def decode_bits(encoded: str) -> bytes:
    if not encoded.startswith("u"):
        raise ValueError("an encodedList is multibase base64url: it starts with 'u'")
    body = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def bit_is_set(bits: bytes, index: int) -> bool:
    """Bit 0 is the most significant bit of the first byte, as the specification says."""
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def _with_bit(bits: bytes, index: int, value: bool) -> bytes:
    data = bytearray(bits)
    mask = 0x80 >> (index % 8)
    data[index // 8] = data[index // 8] | mask if value else data[index // 8] & ~mask
    return bytes(data)


def status_list(purpose: str, *, for_update: bool = False) -> StatusList:
    queryset = StatusList.objects.select_for_update() if for_update else StatusList.objects
    found = queryset.filter(purpose=purpose).first()
    if found is None:
        try:
            with transaction.atomic():
                StatusList.objects.create(purpose=purpose, bits=bytes(LIST_SIZE // 8))
        except IntegrityError:
            pass  # another request created it first
        found = queryset.get(purpose=purpose)
    return found


def status_list_sign(row: StatusList) -> dict:
    """Sign the list as it is now and store the credential on the row."""
    url = status_list_url(row.purpose)
    key, private = current_signing_key()
    document = proof_create(
        {
            "@context": [VC_V2],
            "id": url,
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": issuer_did(),
            "validFrom": timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
            "credentialSubject": {
                "id": f"{url}#list",
                "type": "BitstringStatusList",
                "statusPurpose": row.purpose,
                "encodedList": encode_bits(bytes(row.bits)),
            },
        },
        private_key=private,
        verification_method=verification_method(key),
        created=timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
        loader=document_loader(),
    )
    row.document = document
    row.save(update_fields=["document", "updated_at"])
    return document


def status_list_document(purpose: str) -> dict:
    row = status_list(purpose)
    return row.document or status_list_sign(row)


def free_status_index() -> int:
    """A random index no credential uses; the unique constraint settles a race."""
    used = set(Credential.objects.values_list("status_index", flat=True))
    if len(used) >= LIST_SIZE:
        raise RuntimeError("The status lists are full: add a second list before issuing more.")
    while True:
        index = secrets.randbelow(LIST_SIZE)
        if index not in used:
            return index


def status_entries(index: int) -> list[dict]:
    return [
        {
            "id": f"{status_list_url(purpose)}#{index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": purpose,
            "statusListIndex": str(index),
            "statusListCredential": status_list_url(purpose),
        }
        for purpose in (StatusPurpose.REVOCATION, StatusPurpose.SUSPENSION)
    ]


def status_set(*, purpose: str, index: int, value: bool) -> None:
    """Flip one bit and sign the list again, in the caller's transaction."""
    row = status_list(purpose, for_update=True)
    row.bits = _with_bit(bytes(row.bits), index, value)
    row.save(update_fields=["bits", "updated_at"])
    status_list_sign(row)
