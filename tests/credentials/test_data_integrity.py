"""eddsa-rdfc-2022 Data Integrity proofs: the W3C test vector, and what verification catches."""

import copy
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from credentials.data_integrity import (
    ProofError,
    hash_data,
    proof_create,
    proof_verify,
    undefined_terms,
)
from credentials.jsonld_documents import OB_V3, VC_V2, document_loader
from credentials.multibase import (
    base58btc_decode,
    base58btc_encode,
    private_key_bytes,
    public_key_bytes,
    public_multikey,
)

VECTOR = json.loads(
    (Path(__file__).parent / "vectors/eddsa-rdfc-2022.json").read_text()  # W3C vc-di-eddsa
)
EXAMPLES = "https://www.w3.org/ns/credentials/examples/v2"


@pytest.fixture
def loader():
    return document_loader({EXAMPLES: VECTOR["examplesContext"]})


def vector_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(private_key_bytes(VECTOR["privateKeyMultibase"]))


def sign_vector(loader) -> dict:
    options = VECTOR["proofOptions"]
    return proof_create(
        VECTOR["unsignedCredential"],
        private_key=vector_key(),
        verification_method=options["verificationMethod"],
        created=options["created"],
        loader=loader,
    )


def vector_public_key(method: str):
    if method != VECTOR["proofOptions"]["verificationMethod"]:
        raise ProofError(f"Unknown verification method {method}.")
    return vector_key().public_key()


class TestVectorTests:
    def test_the_hash_data_and_proof_value_match_the_w3c_vector(self, loader):
        options = VECTOR["proofOptions"]
        assert (
            hash_data(VECTOR["unsignedCredential"], options, loader).hex()
            == (VECTOR["expectedHashDataHex"])
        )
        signed = sign_vector(loader)
        assert signed["proof"] == {**options, "proofValue": VECTOR["expectedProofValue"]}
        assert "proof" not in VECTOR["unsignedCredential"]  # the input is left alone

    def test_the_vector_key_pair_round_trips_through_multikey(self):
        public = vector_key().public_key().public_bytes_raw()
        assert public_multikey(public) == VECTOR["publicKeyMultibase"]
        assert public_key_bytes(VECTOR["publicKeyMultibase"]) == public

    def test_base58btc_keeps_leading_zero_bytes(self):
        for data in (b"", b"\0", b"\0\0\x01", b"hello world", bytes(range(40))):
            assert base58btc_decode(base58btc_encode(data)) == data


class VerificationTests:
    def test_the_signed_vector_verifies(self, loader):
        verified = proof_verify(
            sign_vector(loader), public_key_for=vector_public_key, loader=loader
        )
        assert verified.created == VECTOR["proofOptions"]["created"]

    @pytest.mark.parametrize(
        "change",
        [
            lambda c: c["credentialSubject"].update(alumniOf="Another School"),
            lambda c: c.update(validFrom="2020-01-01T00:00:00Z"),
            lambda c: c["proof"].update(created="2024-01-01T00:00:00Z"),
            lambda c: c.update(name="Forged Credential"),
        ],
    )
    def test_any_changed_field_breaks_the_signature(self, loader, change):
        forged = copy.deepcopy(sign_vector(loader))
        change(forged)
        with pytest.raises(ProofError, match="The signature does not match"):
            proof_verify(forged, public_key_for=vector_public_key, loader=loader)

    def test_a_proof_by_another_key_does_not_verify(self, loader):
        options = VECTOR["proofOptions"]
        forged = proof_create(
            VECTOR["unsignedCredential"],
            private_key=Ed25519PrivateKey.generate(),
            verification_method=options["verificationMethod"],  # claims the real key
            created=options["created"],
            loader=loader,
        )
        with pytest.raises(ProofError, match="The signature does not match"):
            proof_verify(forged, public_key_for=vector_public_key, loader=loader)

    def test_the_wrong_purpose_type_or_a_missing_proof_is_named(self, loader):
        signed = sign_vector(loader)
        for change, reason in [
            ({"proofPurpose": "authentication"}, "purpose is 'authentication'"),
            ({"cryptosuite": "ecdsa-rdfc-2019"}, "cryptosuite eddsa-rdfc-2022"),
            ({"proofValue": "Not-multibase"}, "not base58btc multibase"),
        ]:
            with pytest.raises(ProofError, match=reason):
                proof_verify(
                    {**signed, "proof": {**signed["proof"], **change}},
                    public_key_for=vector_public_key,
                    loader=loader,
                )
        unsigned = {k: v for k, v in signed.items() if k != "proof"}
        with pytest.raises(ProofError, match="has no proof"):
            proof_verify(unsigned, public_key_for=vector_public_key, loader=loader)

    def test_an_unknown_context_is_refused_without_fetching_it(self, loader):
        signed = sign_vector(loader)
        signed["@context"] = [*signed["@context"], "https://evil.example/context.json"]
        with pytest.raises(ProofError, match="not one this service knows; nothing is fetched"):
            proof_verify(signed, public_key_for=vector_public_key, loader=loader)


class UndefinedTermTests:
    def test_a_term_no_context_defines_is_refused_before_signing(self):
        loader = document_loader()
        credential = {
            "@context": [VC_V2, OB_V3],
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {"id": "did:web:example.org", "type": ["Profile"], "name": "Us"},
            "validFrom": "2026-01-01T00:00:00Z",
            "credentialSubject": {
                "type": ["AchievementSubject"],
                "achievement": {
                    "id": "https://example.org/a",
                    "type": ["Achievement"],
                    "name": "A",
                    "criteria": {"narrative": "Do it."},
                    "ceHoursSecretlyAdded": 99,
                },
            },
        }
        credential["credentialSubject"]["type"].append("SecretSubject")
        assert undefined_terms(credential, loader) == ["SecretSubject", "ceHoursSecretlyAdded"]
        with pytest.raises(ProofError, match="ceHoursSecretlyAdded"):
            proof_create(
                credential,
                private_key=vector_key(),
                verification_method="did:web:example.org#key-1",
                created="2026-01-01T00:00:00Z",
                loader=loader,
            )
        del credential["credentialSubject"]["achievement"]["ceHoursSecretlyAdded"]
        credential["credentialSubject"]["type"].remove("SecretSubject")
        assert undefined_terms(credential, loader) == []
