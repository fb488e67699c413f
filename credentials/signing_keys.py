"""Private signing keys: from the environment (production) or a file outside the repository.

CREDENTIALS_SIGNING_KEY holds the current key's private Multikey (`z3u2...`); without it the key
is read from CREDENTIALS_KEY_DIR/<key id>.multikey, which `credentials_key_add` writes (mode 600).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from credentials.audit import audit_record
from credentials.models import SigningKey
from credentials.multibase import (
    MultibaseError,
    private_key_bytes,
    private_multikey,
    public_key_bytes,
    public_multikey,
)


class SigningKeyUnavailable(Exception):
    """No usable private key for the current signing key; says what to configure."""


def key_file(key_id: str) -> Path:
    return Path(settings.CREDENTIALS_KEY_DIR) / f"{key_id}.multikey"


def current_signing_key() -> tuple[SigningKey, Ed25519PrivateKey]:
    key = SigningKey.objects.filter(is_current=True).first()
    if key is None:
        raise SigningKeyUnavailable(
            "There is no signing key: run `python manage.py credentials_key_add`."
        )
    encoded = settings.CREDENTIALS_SIGNING_KEY
    if not encoded:
        path = key_file(key.key_id)
        if not path.is_file():
            raise SigningKeyUnavailable(
                f"The private part of signing key {key.key_id} is missing: set "
                f"CREDENTIALS_SIGNING_KEY or restore {path}."
            )
        encoded = path.read_text().strip()
    try:
        private = Ed25519PrivateKey.from_private_bytes(private_key_bytes(encoded))
    except MultibaseError as error:
        raise SigningKeyUnavailable(f"The private signing key is malformed: {error}.") from error
    public = private.public_key().public_bytes_raw()
    if public != public_key_bytes(key.public_key_multibase):
        raise SigningKeyUnavailable(
            f"The private key configured does not belong to the current signing key {key.key_id}."
        )
    return key, private


@transaction.atomic
def signing_key_add(*, write_file: bool = True) -> tuple[SigningKey, str]:
    """A new current key; the previous ones stay published. Returns the key and its private
    Multikey (written to CREDENTIALS_KEY_DIR unless write_file is False)."""
    private = Ed25519PrivateKey.generate()
    encoded = private_multikey(private.private_bytes_raw())
    key_id = f"key-{timezone.now():%Y%m%d}-{secrets.token_hex(3)}"
    if write_file:
        path = key_file(key_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(encoded + "\n")
    SigningKey.objects.filter(is_current=True).update(is_current=False)
    key = SigningKey.objects.create(
        key_id=key_id,
        public_key_multibase=public_multikey(private.public_key().public_bytes_raw()),
        is_current=True,
    )
    audit_record(
        action="signing key added",
        subject=f"key {key_id}",
        details={"public key": key.public_key_multibase, "private key in a file": write_file},
    )
    return key, encoded
