"""The issuer's did:web, its DID document, key rotation and where private keys come from."""

import stat
from io import StringIO

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from credentials.data_integrity import ProofError, proof_create, proof_verify
from credentials.issuer import did_document, issuer_did, issuer_public_key, verification_method
from credentials.jsonld_documents import VC_V2, document_loader
from credentials.models import SigningKey
from credentials.multibase import private_key_bytes
from credentials.signing_keys import (
    SigningKeyUnavailable,
    current_signing_key,
    key_file,
    signing_key_add,
)

CREDENTIAL = {
    "@context": [VC_V2],
    "type": ["VerifiableCredential"],
    "issuer": "did:web:127.0.0.1%3A8000",
    "validFrom": "2026-01-01T00:00:00Z",
    "credentialSubject": {"id": "urn:uuid:6b1e0c52-6a8e-4f7e-9a53-1f0d2b1c9a10"},
}


def sign(key: SigningKey, private) -> dict:
    """Sign with a private key object, or the private Multikey that signing_key_add returns."""
    if isinstance(private, str):
        private = Ed25519PrivateKey.from_private_bytes(private_key_bytes(private))
    return proof_create(
        CREDENTIAL,
        private_key=private,
        verification_method=verification_method(key),
        created="2026-01-01T00:00:00Z",
        loader=document_loader(),
    )


def verify(credential: dict):
    return proof_verify(credential, public_key_for=issuer_public_key, loader=document_loader())


class IssuerDidTests:
    @pytest.mark.parametrize(
        ("site_url", "did"),
        [
            ("http://127.0.0.1:8000", "did:web:127.0.0.1%3A8000"),
            ("https://learn.example.org", "did:web:learn.example.org"),
            ("https://example.org/recovery/learning", "did:web:example.org:recovery:learning"),
        ],
    )
    def test_the_did_comes_from_the_site_address(self, settings, site_url, did):
        settings.SITE_URL = site_url
        assert issuer_did() == did

    def test_a_configured_did_wins(self, settings):
        settings.CREDENTIALS_ISSUER_DID = "did:web:credentials.example.org"
        assert issuer_did() == "did:web:credentials.example.org"


@pytest.mark.django_db
class SigningKeyTests:
    def test_the_command_adds_a_current_key_with_a_private_file_only_its_owner_reads(self):
        out = StringIO()
        call_command("credentials_key_add", stdout=out)
        key = SigningKey.objects.get()
        assert key.is_current
        assert f"{issuer_did()}#{key.key_id}" in out.getvalue()
        mode = stat.S_IMODE(key_file(key.key_id).stat().st_mode)
        assert mode == 0o600
        assert current_signing_key()[0] == key

    def test_if_none_keeps_the_current_key(self):
        call_command("credentials_key_add", "--if-none", stdout=StringIO())
        call_command("credentials_key_add", "--if-none", stdout=StringIO())
        assert SigningKey.objects.count() == 1

    def test_print_env_writes_no_file_and_the_environment_key_signs(self, settings):
        out = StringIO()
        call_command("credentials_key_add", "--print-env", stdout=out)
        key = SigningKey.objects.get()
        assert not key_file(key.key_id).exists()
        line = next(x for x in out.getvalue().splitlines() if x.startswith("CREDENTIALS_"))
        with pytest.raises(SigningKeyUnavailable, match="set CREDENTIALS_SIGNING_KEY"):
            current_signing_key()
        settings.CREDENTIALS_SIGNING_KEY = line.partition("=")[2]
        assert verify(sign(*current_signing_key())).verification_method == (
            verification_method(key)
        )

    def test_a_private_key_of_another_key_pair_is_refused(self, settings):
        signing_key_add()
        other, private = signing_key_add(write_file=False)
        SigningKey.objects.filter(pk=other.pk).delete()
        SigningKey.objects.update(is_current=True)
        settings.CREDENTIALS_SIGNING_KEY = private
        with pytest.raises(SigningKeyUnavailable, match="does not belong to the current"):
            current_signing_key()

    def test_without_a_key_signing_says_what_to_run(self):
        with pytest.raises(SigningKeyUnavailable, match="credentials_key_add"):
            current_signing_key()


@pytest.mark.django_db
class RotationTests:
    def test_after_rotation_old_credentials_verify_and_new_ones_use_the_new_key(self):
        old_key, old_private = signing_key_add()
        old_credential = sign(old_key, old_private)
        new_key, _ = signing_key_add()
        assert current_signing_key()[0] == new_key
        assert verify(old_credential).verification_method == verification_method(old_key)
        assert verify(sign(*current_signing_key())).verification_method == (
            verification_method(new_key)
        )
        document = did_document()
        assert [m["id"] for m in document["verificationMethod"]] == [
            verification_method(old_key),
            verification_method(new_key),
        ]
        assert document["assertionMethod"] == [m["id"] for m in document["verificationMethod"]]

    def test_a_revoked_key_leaves_assertion_and_its_credentials_fail(self):
        old_key, old_private = signing_key_add()
        credential = sign(old_key, old_private)
        signing_key_add()
        SigningKey.objects.filter(pk=old_key.pk).update(revoked_at=timezone.now())
        assert verification_method(old_key) not in did_document()["assertionMethod"]
        with pytest.raises(ProofError, match="revoked the key"):
            verify(credential)

    def test_another_issuer_or_an_unknown_key_is_named(self):
        key, private = signing_key_add()
        credential = sign(key, private)
        elsewhere = {**credential, "proof": {**credential["proof"]}}
        elsewhere["proof"]["verificationMethod"] = "did:web:evil.example#key-1"
        with pytest.raises(ProofError, match="signed by did:web:evil.example, which is not"):
            verify(elsewhere)
        unknown = {**credential, "proof": {**credential["proof"]}}
        unknown["proof"]["verificationMethod"] = f"{issuer_did()}#key-unknown"
        with pytest.raises(ProofError, match="has no key"):
            verify(unknown)


@pytest.mark.django_db
class DidDocumentViewTests:
    def test_the_did_document_is_public_json_with_multikey_methods(self, client):
        key, _ = signing_key_add()
        response = client.get("/.well-known/did.json")
        assert response.status_code == 200
        assert response["Access-Control-Allow-Origin"] == "*"
        assert "max-age=300" in response["Cache-Control"]
        document = response.json()
        assert document["id"] == issuer_did()
        assert document["@context"] == [
            "https://www.w3.org/ns/did/v1",
            "https://w3id.org/security/multikey/v1",
        ]
        assert document["verificationMethod"] == [
            {
                "id": verification_method(key),
                "type": "Multikey",
                "controller": issuer_did(),
                "publicKeyMultibase": key.public_key_multibase,
            }
        ]
        assert reverse("did_json") == "/.well-known/did.json"

    def test_it_answers_only_reads(self, client):
        assert client.head("/.well-known/did.json").status_code == 200
        assert client.post("/.well-known/did.json").status_code == 405

    def test_it_reads_one_query(self, client, django_assert_num_queries):
        signing_key_add()
        signing_key_add()
        with django_assert_num_queries(1):
            client.get("/.well-known/did.json")


@pytest.mark.django_db
class KeyRevokeCommandTests:
    def test_revoking_an_old_key_and_what_it_refuses(self):
        from django.core.management import CommandError

        old, _ = signing_key_add()
        current, _ = signing_key_add()
        with pytest.raises(CommandError, match="the current key"):
            call_command("credentials_key_revoke", current.key_id, stdout=StringIO())
        with pytest.raises(CommandError, match="No signing key 'nope'"):
            call_command("credentials_key_revoke", "nope", stdout=StringIO())
        out = StringIO()
        call_command("credentials_key_revoke", old.key_id, stdout=out)
        assert f"Key {old.key_id} is revoked." in out.getvalue()
        old.refresh_from_db()
        assert old.revoked_at is not None
        assert verification_method(old) not in did_document()["assertionMethod"]
