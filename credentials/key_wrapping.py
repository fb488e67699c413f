"""Private signing keys encrypted at rest (envelope encryption).

A key file, a secret-store value or a backup holds the private Multikey sealed under a
key-encryption key (KEK) that lives elsewhere: CREDENTIALS_KEY_ENCRYPTION_KEY (32 random bytes,
base64url, from the environment) or a KMS through CREDENTIALS_KEY_WRAPPER. A copy of the key file
or the database alone signs nothing.

A sealed key reads `rl-wrapped-key:v1:<wrapper>:<kek id>:<base64url ciphertext>`. The kek id
names the KEK that sealed it, so a rotation (CREDENTIALS_KEY_ENCRYPTION_KEYS_PREVIOUS keeps the
old KEKs readable until `credentials_key_wrap` re-seals) and a wrong KEK fail with a clear reason.
The signing key's id is bound as associated data: a sealed key moved to another id does not open.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "rl-wrapped-key:v1:"
KEK_BYTES = 32
NONCE_BYTES = 12
WRAPPER_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,30}$")
GENERATE_HINT = "make one with `python manage.py credentials_key_wrap --generate-kek`"


class KeyWrapError(Exception):
    """A sealed key cannot be opened, or a KEK is misconfigured; says which and what to do."""


class KeyWrapper(Protocol):
    """What CREDENTIALS_KEY_WRAPPER names: a class built without arguments (it reads its own
    configuration) whose `wrap` and `unwrap` call a KMS. `kek_id` names the KMS key."""

    name: str
    kek_id: str

    def wrap(self, plaintext: bytes, *, key_id: str) -> bytes: ...

    def unwrap(self, ciphertext: bytes, *, key_id: str) -> bytes: ...


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def kek_generate() -> str:
    return _b64encode(os.urandom(KEK_BYTES))


class LocalKek:
    """AES-256-GCM under a KEK from the environment."""

    name = "aes256gcm"

    def __init__(self, encoded: str, *, variable: str):
        try:
            key = _b64decode(encoded.strip())
        except (binascii.Error, ValueError):
            key = b""
        if len(key) != KEK_BYTES:
            raise KeyWrapError(
                f"{variable} must be {KEK_BYTES} random bytes in base64url ({GENERATE_HINT})."
            )
        self._aead = AESGCM(key)
        # Names the KEK without revealing it: a short hash, so a wrong KEK is told apart.
        self.kek_id = hashlib.sha256(b"recovery-learning kek id\x00" + key).hexdigest()[:16]

    def wrap(self, plaintext: bytes, *, key_id: str) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, plaintext, key_id.encode())

    def unwrap(self, ciphertext: bytes, *, key_id: str) -> bytes:
        nonce, sealed = ciphertext[:NONCE_BYTES], ciphertext[NONCE_BYTES:]
        return self._aead.decrypt(nonce, sealed, key_id.encode())


def configured_wrapper() -> KeyWrapper | None:
    """The wrapper new keys are sealed with, or None when encryption at rest is off."""
    if settings.CREDENTIALS_KEY_WRAPPER:
        try:
            wrapper = import_string(settings.CREDENTIALS_KEY_WRAPPER)()
        except ImportError as error:
            raise KeyWrapError(
                f"CREDENTIALS_KEY_WRAPPER {settings.CREDENTIALS_KEY_WRAPPER!r} cannot be "
                f"imported: {error}."
            ) from error
        if not WRAPPER_NAME.match(getattr(wrapper, "name", "")):
            raise KeyWrapError("CREDENTIALS_KEY_WRAPPER's class needs a short lowercase `name`.")
        return wrapper
    if settings.CREDENTIALS_KEY_ENCRYPTION_KEY:
        return LocalKek(
            settings.CREDENTIALS_KEY_ENCRYPTION_KEY, variable="CREDENTIALS_KEY_ENCRYPTION_KEY"
        )
    return None


def readable_wrappers() -> list[KeyWrapper]:
    """The current wrapper and every previous KEK still configured for reading."""
    wrappers = [w for w in [configured_wrapper()] if w is not None]
    for number, encoded in enumerate(settings.CREDENTIALS_KEY_ENCRYPTION_KEYS_PREVIOUS, 1):
        wrappers.append(
            LocalKek(encoded, variable=f"CREDENTIALS_KEY_ENCRYPTION_KEYS_PREVIOUS (entry {number})")
        )
    return wrappers


def is_sealed(text: str) -> bool:
    return text.strip().startswith(PREFIX)


def sealed_by(text: str) -> tuple[str, str]:
    """(wrapper name, kek id) of a sealed key."""
    name, _, rest = text.strip().removeprefix(PREFIX).partition(":")
    kek_id, _, _ = rest.rpartition(":")
    return name, kek_id


def seal(private_multikey: str, *, key_id: str, wrapper: KeyWrapper) -> str:
    ciphertext = wrapper.wrap(private_multikey.encode("ascii"), key_id=key_id)
    return f"{PREFIX}{wrapper.name}:{wrapper.kek_id}:{_b64encode(ciphertext)}"


def unseal(text: str, *, key_id: str) -> str:
    """The private Multikey inside a sealed key, or KeyWrapError saying why not."""
    name, kek_id = sealed_by(text)
    encoded = text.strip().rpartition(":")[2]
    if not name or not kek_id or not encoded:
        raise KeyWrapError("The sealed signing key is malformed.")
    wrapper = next((w for w in readable_wrappers() if (w.name, w.kek_id) == (name, kek_id)), None)
    if wrapper is None:
        configured = ", ".join(f"{w.name}:{w.kek_id}" for w in readable_wrappers()) or "none"
        raise KeyWrapError(
            f"Signing key {key_id} is sealed under {name}:{kek_id}, which is not configured "
            f"(configured: {configured}). Set the key-encryption key that sealed it, in "
            "CREDENTIALS_KEY_ENCRYPTION_KEY or CREDENTIALS_KEY_ENCRYPTION_KEYS_PREVIOUS."
        )
    try:
        plaintext = wrapper.unwrap(_b64decode(encoded), key_id=key_id)
        return plaintext.decode("ascii")
    except (InvalidTag, binascii.Error, ValueError, UnicodeDecodeError) as error:
        raise KeyWrapError(
            f"Signing key {key_id} does not decrypt under {name}:{kek_id}: the sealed key was "
            "altered or belongs to another key id."
        ) from error
