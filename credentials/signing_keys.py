"""Private signing keys: from the environment (production) or a file outside the repository.

CREDENTIALS_SIGNING_KEY holds the current key's private Multikey (`z3u2...`); without it the key
is read from CREDENTIALS_KEY_DIR/<key id>.multikey, which `credentials_key_add` writes (mode 600).
With a key-encryption key configured, both hold the key sealed (credentials/key_wrapping.py).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from credentials import key_wrapping
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


def stored_private_key(key: SigningKey) -> str:
    """The current key's private part as configured: the environment's value, else its file."""
    if settings.CREDENTIALS_SIGNING_KEY:
        return settings.CREDENTIALS_SIGNING_KEY.strip()
    path = key_file(key.key_id)
    if not path.is_file():
        raise SigningKeyUnavailable(
            f"The private part of signing key {key.key_id} is missing: set "
            f"CREDENTIALS_SIGNING_KEY or restore {path}."
        )
    return path.read_text().strip()


def _opened(key: SigningKey, stored: str) -> str:
    """The private Multikey from what is stored, opening it if sealed. A plain key is refused
    while a key-encryption key is configured: encryption at rest was asked for, and a plain
    copy lying next to it would defeat it."""
    try:
        if key_wrapping.is_sealed(stored):
            return key_wrapping.unseal(stored, key_id=key.key_id)
        if key_wrapping.configured_wrapper() is not None:
            raise SigningKeyUnavailable(
                f"The private part of signing key {key.key_id} is stored unencrypted while a "
                "key-encryption key is configured: run `python manage.py credentials_key_wrap`."
            )
    except key_wrapping.KeyWrapError as error:
        raise SigningKeyUnavailable(str(error)) from error
    return stored


def current_signing_key() -> tuple[SigningKey, Ed25519PrivateKey]:
    key = SigningKey.objects.filter(is_current=True).first()
    if key is None:
        raise SigningKeyUnavailable(
            "There is no signing key: run `python manage.py credentials_key_add`."
        )
    encoded = _opened(key, stored_private_key(key))
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


def key_file_write(path: Path, text: str) -> None:
    """Write a key file atomically with mode 600: a temporary file beside it, then a rename,
    so a crash never leaves a half-written key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w") as handle:
            handle.write(text + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


@transaction.atomic
def signing_key_add(*, write_file: bool = True) -> tuple[SigningKey, str]:
    """A new current key; the previous ones stay published. Returns the key and its private
    part as stored: sealed when a key-encryption key is configured, else the private Multikey
    (written to CREDENTIALS_KEY_DIR unless write_file is False)."""
    private = Ed25519PrivateKey.generate()
    key_id = f"key-{timezone.now():%Y%m%d}-{secrets.token_hex(3)}"
    stored = private_multikey(private.private_bytes_raw())
    try:
        wrapper = key_wrapping.configured_wrapper()
        if wrapper is not None:
            stored = key_wrapping.seal(stored, key_id=key_id, wrapper=wrapper)
    except key_wrapping.KeyWrapError as error:
        raise SigningKeyUnavailable(str(error)) from error
    if write_file:
        path = key_file(key_id)
        if path.exists():
            raise SigningKeyUnavailable(f"{path} exists already; no key was added.")
        key_file_write(path, stored)
    SigningKey.objects.filter(is_current=True).update(is_current=False)
    key = SigningKey.objects.create(
        key_id=key_id,
        public_key_multibase=public_multikey(private.public_key().public_bytes_raw()),
        is_current=True,
    )
    audit_record(
        action="signing key added",
        subject=f"key {key_id}",
        details={
            "public key": key.public_key_multibase,
            "private key in a file": write_file,
            "encrypted at rest": key_wrapping.is_sealed(stored),
        },
    )
    return key, stored


def _sealed_for(key: SigningKey, stored: str, wrapper) -> tuple[str, str]:
    """(what to store now, what changed) for one key's stored private part under `wrapper`."""
    if key_wrapping.is_sealed(stored):
        if key_wrapping.sealed_by(stored) == (wrapper.name, wrapper.kek_id):
            return stored, "already encrypted under the current key-encryption key"
        plain, change = key_wrapping.unseal(stored, key_id=key.key_id), "re-encrypted"
    else:
        plain, change = stored, "encrypted"
    # Never seal something that is not this key's private part: it would fail only at signing.
    try:
        public = Ed25519PrivateKey.from_private_bytes(private_key_bytes(plain)).public_key()
    except MultibaseError as error:
        message = f"{key.key_id}'s private key is malformed: {error}."
        raise key_wrapping.KeyWrapError(message) from error
    if public.public_bytes_raw() != public_key_bytes(key.public_key_multibase):
        raise key_wrapping.KeyWrapError(f"The private key stored for {key.key_id} is not its own.")
    return key_wrapping.seal(plain, key_id=key.key_id, wrapper=wrapper), change


def signing_keys_seal() -> tuple[list[tuple[str, str]], str | None]:
    """Encrypt every key file under the configured key-encryption key, re-encrypting those a
    previous one sealed (KEK rotation). Returns [(key id, what changed)] and, when the current key
    comes from CREDENTIALS_SIGNING_KEY, the value to put there instead (an environment variable
    cannot be rewritten from here). Raises KeyWrapError before writing anything if one fails."""
    wrapper = key_wrapping.configured_wrapper()
    if wrapper is None:
        raise key_wrapping.KeyWrapError(
            "No key-encryption key is configured: set CREDENTIALS_KEY_ENCRYPTION_KEY (or "
            f"CREDENTIALS_KEY_WRAPPER); {key_wrapping.GENERATE_HINT}."
        )
    planned = []
    for key in SigningKey.objects.all():
        path = key_file(key.key_id)
        if path.is_file():
            planned.append((key, path, *_sealed_for(key, path.read_text().strip(), wrapper)))
    environment_value = None
    current = SigningKey.objects.filter(is_current=True).first()
    if settings.CREDENTIALS_SIGNING_KEY and current is not None:
        stored = settings.CREDENTIALS_SIGNING_KEY.strip()
        environment_value, _ = _sealed_for(current, stored, wrapper)
    changes = []
    for key, path, sealed, change in planned:
        if sealed != path.read_text().strip():
            key_file_write(path, sealed)
        changes.append((key.key_id, change))
    if changes:
        audit_record(
            action="signing keys encrypted at rest",
            subject=", ".join(key_id for key_id, _ in changes),
            details={"key-encryption key": f"{wrapper.name}:{wrapper.kek_id}"},
        )
    return changes, environment_value
