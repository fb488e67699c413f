"""The fast canonicalization against pyld on 1,200 generated credentials of our shape: the same
canonical N-Quads byte for byte, and so the same Ed25519 signatures (deterministic).

No database: it runs once, on the SQLite run of the suite (the PostgreSQL run would repeat the
very same computation)."""

import functools
import hashlib
import os
import random

from django.test import override_settings

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from credentials.canonical import fast_canonical_nquads
from credentials.data_integrity import canonical_nquads, proof_create, pyld_canonical_nquads
from credentials.jsonld_documents import OB_V3, VC_V2, document_loader
from credentials.multibase import multibase_encode
from tests.credentials.generated import generated_credential, generated_credentials

pytestmark = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="no database: the SQLite run of the suite covers it",
)

LOADER = document_loader()
KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
METHOD = "did:web:learning.example.org#key-2026"


@functools.cache
def pyld_config_hash(created: str) -> bytes:
    config = {
        "@context": [VC_V2, OB_V3],
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": created,
        "verificationMethod": METHOD,
        "proofPurpose": "assertionMethod",
    }
    return hashlib.sha256(pyld_canonical_nquads(config, LOADER).encode()).digest()


def pyld_signature(document: dict, created: str) -> str:
    """The proof value as signing computed it before the fast path: pyld for both hashes."""
    data = hashlib.sha256(pyld_canonical_nquads(document, LOADER).encode()).digest()
    return multibase_encode(KEY.sign(pyld_config_hash(created) + data))


def generated() -> list[dict]:
    documents = generated_credentials(1000)
    # Another site address: other issuer DID (a port, a path), achievement and status URLs.
    with override_settings(SITE_URL="https://learn.example.org:8443/recovery"):
        documents += generated_credentials(200, seed=18)
    return documents


class FastCanonicalizationDifferentialTests:
    def test_1200_generated_credentials_canonicalize_and_sign_as_pyld_does(self):
        documents = generated()
        assert len(documents) == 1200
        alignments = {
            len(d["credentialSubject"]["achievement"].get("alignment", [])) for d in documents
        }
        assert alignments == set(range(21))  # 0 to 20 alignments all occur
        rng = random.Random(1)
        for document in documents:
            fast = fast_canonical_nquads(document, LOADER)
            assert fast is not None, "a credential of our own shape left the fast path"
            assert fast == pyld_canonical_nquads(document, LOADER)
            created = f"20{rng.randrange(20, 40)}-0{rng.randrange(1, 10)}-11T08:30:00Z"
            signed = proof_create(
                document,
                private_key=KEY,
                verification_method=METHOD,
                created=created,
                loader=LOADER,
            )
            assert signed["proof"]["proofValue"] == pyld_signature(document, created)

    def test_twin_blank_nodes_go_to_pyld_and_still_match(self):
        rng = random.Random(3)
        for _ in range(5):
            document = generated_credential(rng, duplicate_alignment=True)
            # Two identical alignments share a first-degree hash: the N-degree step is pyld's.
            assert fast_canonical_nquads(document, LOADER) is None
            assert canonical_nquads(document, LOADER) == pyld_canonical_nquads(document, LOADER)
