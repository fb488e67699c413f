"""Private signing keys encrypted at rest: sealed under a key-encryption key (KEK) from the
environment or a KMS, refused in plain text once a KEK is configured, re-sealed on KEK rotation,
and every failure named. Real AES-256-GCM and real Ed25519 signatures throughout."""

import os
import stat
from io import StringIO

from django.core.management import call_command
from django.core.management.base import CommandError

import pytest
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from credentials import checks, key_wrapping
from credentials.models import SigningKey
from credentials.signing_keys import (
    SigningKeyUnavailable,
    current_signing_key,
    key_file,
    signing_key_add,
)
from credentials.verification import verify_document
from tests.credentials.factories import issued_credential
from tests.credentials.test_signing_keys import sign, verify

PLAIN_PREFIX = "z3u2"  # every private Ed25519 Multikey starts so


class FakeKms:
    """A stand-in for a KMS client, as CREDENTIALS_KEY_WRAPPER would name one: its own cipher
    and key, and a key name with colons in it, as KMS key names have."""

    name = "test-kms"
    kek_id = "projects/p/locations/eu/keyRings/r/cryptoKeys/k:version:1"
    _key = ChaCha20Poly1305.generate_key()
    calls: list[str] = []

    def wrap(self, plaintext: bytes, *, key_id: str) -> bytes:
        self.calls.append("wrap")
        nonce = os.urandom(12)
        return nonce + ChaCha20Poly1305(self._key).encrypt(nonce, plaintext, key_id.encode())

    def unwrap(self, ciphertext: bytes, *, key_id: str) -> bytes:
        self.calls.append("unwrap")
        return ChaCha20Poly1305(self._key).decrypt(
            ciphertext[:12], ciphertext[12:], key_id.encode()
        )


@pytest.fixture
def kek(settings) -> str:
    settings.CREDENTIALS_KEY_ENCRYPTION_KEY = key_wrapping.kek_generate()
    return settings.CREDENTIALS_KEY_ENCRYPTION_KEY


def wrapper_now():
    return key_wrapping.configured_wrapper()


class SealTests:
    def test_a_sealed_key_opens_only_under_its_kek_and_hides_the_key(self, kek):
        sealed = key_wrapping.seal("z3u2secret", key_id="key-1", wrapper=wrapper_now())
        assert sealed.startswith("rl-wrapped-key:v1:aes256gcm:")
        assert "secret" not in sealed
        assert key_wrapping.unseal(sealed, key_id="key-1") == "z3u2secret"

    def test_each_seal_is_different(self, kek):
        first, second = (
            key_wrapping.seal("z3u2secret", key_id="key-1", wrapper=wrapper_now()) for _ in "ab"
        )
        assert first != second  # a fresh nonce each time

    def test_another_kek_is_named_not_guessed_at(self, settings, kek):
        sealed = key_wrapping.seal("z3u2secret", key_id="key-1", wrapper=wrapper_now())
        _, sealing_kek = key_wrapping.sealed_by(sealed)
        settings.CREDENTIALS_KEY_ENCRYPTION_KEY = key_wrapping.kek_generate()
        with pytest.raises(
            key_wrapping.KeyWrapError, match=f"sealed under aes256gcm:{sealing_kek}"
        ):
            key_wrapping.unseal(sealed, key_id="key-1")

    def test_an_altered_sealed_key_does_not_open(self, kek):
        sealed = key_wrapping.seal("z3u2secret", key_id="key-1", wrapper=wrapper_now())
        flipped = sealed[:-2] + ("A" if sealed[-2] != "A" else "B") + sealed[-1]
        with pytest.raises(key_wrapping.KeyWrapError, match="does not decrypt"):
            key_wrapping.unseal(flipped, key_id="key-1")

    def test_a_sealed_key_moved_to_another_key_id_does_not_open(self, kek):
        sealed = key_wrapping.seal("z3u2secret", key_id="key-1", wrapper=wrapper_now())
        with pytest.raises(key_wrapping.KeyWrapError, match="belongs to another key id"):
            key_wrapping.unseal(sealed, key_id="key-2")

    @pytest.mark.parametrize("value", ["too-short", "a" * 44, "not base64 at all!!!!"])
    def test_a_malformed_kek_is_refused_with_how_to_make_one(self, settings, value):
        settings.CREDENTIALS_KEY_ENCRYPTION_KEY = value
        with pytest.raises(key_wrapping.KeyWrapError, match="32 random bytes.*--generate-kek"):
            key_wrapping.configured_wrapper()


@pytest.mark.django_db
class SealedSigningKeyTests:
    def test_a_new_key_is_written_sealed_and_signs(self, kek):
        key, stored = signing_key_add()
        text = key_file(key.key_id).read_text()
        assert key_wrapping.is_sealed(text) and PLAIN_PREFIX not in text
        assert stat.S_IMODE(key_file(key.key_id).stat().st_mode) == 0o600
        current, private = current_signing_key()
        assert current == key
        verify(sign(key, private))

    def test_credentials_issue_and_verify_with_a_sealed_key(self, kek, home_page):
        signing_key_add()
        credential = issued_credential()
        assert verify_document(credential.document).valid

    def test_without_the_kek_the_key_is_unavailable_and_says_which_kek(self, settings, kek):
        key, stored = signing_key_add()
        settings.CREDENTIALS_KEY_ENCRYPTION_KEY = ""
        _, kek_id = key_wrapping.sealed_by(stored)
        with pytest.raises(SigningKeyUnavailable, match=f"aes256gcm:{kek_id}, which is not conf"):
            current_signing_key()

    def test_a_plain_key_is_refused_once_a_kek_is_configured(self, settings):
        signing_key_add()
        settings.CREDENTIALS_KEY_ENCRYPTION_KEY = key_wrapping.kek_generate()
        with pytest.raises(SigningKeyUnavailable, match="unencrypted.*credentials_key_wrap"):
            current_signing_key()

    def test_print_env_prints_the_sealed_value_and_it_works_from_the_environment(
        self, settings, kek
    ):
        out = StringIO()
        call_command("credentials_key_add", "--print-env", stdout=out)
        line = next(ln for ln in out.getvalue().splitlines() if ln.startswith("CREDENTIALS_SIGN"))
        value = line.partition("=")[2]
        assert key_wrapping.is_sealed(value) and "encrypted under aes256gcm" in out.getvalue()
        key = SigningKey.objects.get(is_current=True)
        assert not key_file(key.key_id).exists()
        settings.CREDENTIALS_SIGNING_KEY = value
        verify(sign(*current_signing_key()))

    def test_a_kms_wrapper_seals_and_opens_the_key(self, settings):
        settings.CREDENTIALS_KEY_WRAPPER = f"{__name__}.FakeKms"
        FakeKms.calls.clear()
        key, stored = signing_key_add()
        assert key_wrapping.sealed_by(stored) == ("test-kms", FakeKms.kek_id)
        verify(sign(*current_signing_key()))
        assert FakeKms.calls == ["wrap", "unwrap"]

    def test_a_wrapper_that_cannot_be_imported_is_named(self, settings):
        settings.CREDENTIALS_KEY_WRAPPER = "nowhere.Kms"
        with pytest.raises(SigningKeyUnavailable, match="'nowhere.Kms' cannot be imported"):
            signing_key_add()
        assert not SigningKey.objects.exists()


@pytest.mark.django_db
class KeyWrapCommandTests:
    def run(self, *args) -> str:
        out = StringIO()
        call_command("credentials_key_wrap", *args, stdout=out)
        return out.getvalue()

    def test_existing_plain_keys_are_encrypted_in_place_and_still_sign(self, settings):
        old, _ = signing_key_add()
        current, _ = signing_key_add()
        settings.CREDENTIALS_KEY_ENCRYPTION_KEY = key_wrapping.kek_generate()
        output = self.run()
        assert f"{old.key_id}: encrypted" in output and f"{current.key_id}: encrypted" in output
        for key in (old, current):
            path = key_file(key.key_id)
            assert key_wrapping.is_sealed(path.read_text())
            assert stat.S_IMODE(path.stat().st_mode) == 0o600
        verify(sign(*current_signing_key()))
        assert "already encrypted" in self.run()  # a second run changes nothing

    def test_kek_rotation_re_encrypts_under_the_new_kek(self, settings, kek):
        key, _ = signing_key_add()
        settings.CREDENTIALS_KEY_ENCRYPTION_KEY = key_wrapping.kek_generate()
        settings.CREDENTIALS_KEY_ENCRYPTION_KEYS_PREVIOUS = [kek]
        verify(sign(*current_signing_key()))  # readable during the rotation
        assert f"{key.key_id}: re-encrypted" in self.run()
        settings.CREDENTIALS_KEY_ENCRYPTION_KEYS_PREVIOUS = []  # the old KEK retired
        verify(sign(*current_signing_key()))
        new_kek_id = key_wrapping.configured_wrapper().kek_id
        assert key_wrapping.sealed_by(key_file(key.key_id).read_text()) == (
            "aes256gcm",
            new_kek_id,
        )

    def test_a_key_file_that_is_not_its_keys_stops_everything_before_any_write(self, settings):
        first, _ = signing_key_add()
        second, _ = signing_key_add()
        key_file(second.key_id).write_text(key_file(first.key_id).read_text())
        before = {k: key_file(k.key_id).read_text() for k in (first, second)}
        settings.CREDENTIALS_KEY_ENCRYPTION_KEY = key_wrapping.kek_generate()
        with pytest.raises(CommandError, match=f"stored for {second.key_id} is not its own"):
            self.run()
        assert {k: key_file(k.key_id).read_text() for k in (first, second)} == before

    def test_without_a_kek_it_says_how_to_make_one(self):
        with pytest.raises(CommandError, match="No key-encryption key.*--generate-kek"):
            self.run()

    def test_a_key_from_the_environment_gets_a_sealed_value_to_put_there(self, settings):
        out = StringIO()
        call_command("credentials_key_add", "--print-env", stdout=out)
        plain = out.getvalue().split("CREDENTIALS_SIGNING_KEY=")[1].split()[0]
        settings.CREDENTIALS_SIGNING_KEY = plain
        settings.CREDENTIALS_KEY_ENCRYPTION_KEY = key_wrapping.kek_generate()
        sealed = self.run().split("CREDENTIALS_SIGNING_KEY=")[1].split()[0]
        settings.CREDENTIALS_SIGNING_KEY = sealed
        verify(sign(*current_signing_key()))

    def test_generate_kek_prints_a_usable_key(self, settings):
        line = self.run("--generate-kek").splitlines()[0]
        settings.CREDENTIALS_KEY_ENCRYPTION_KEY = line.removeprefix(
            "CREDENTIALS_KEY_ENCRYPTION_KEY="
        )
        assert key_wrapping.configured_wrapper().name == "aes256gcm"


class SystemCheckTests:
    def test_production_without_encryption_at_rest_is_warned(self, settings):
        settings.CREDENTIALS_KEY_ENCRYPTION_KEY = settings.CREDENTIALS_KEY_WRAPPER = ""
        assert [w.id for w in checks.key_encrypted_at_rest(None)] == ["credentials.W001"]

    def test_a_kek_silences_the_warning(self, kek):
        assert checks.key_encrypted_at_rest(None) == []

    def test_a_malformed_previous_kek_is_an_error_at_start(self, settings, kek):
        settings.CREDENTIALS_KEY_ENCRYPTION_KEYS_PREVIOUS = ["short"]
        [error] = checks.key_encryption_configured(None)
        assert error.id == "credentials.E001"
        assert "CREDENTIALS_KEY_ENCRYPTION_KEYS_PREVIOUS (entry 1)" in error.msg
