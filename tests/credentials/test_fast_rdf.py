"""Hostile and unusual JSON through the fast path: it either gives pyld's N-Quads exactly or
declines (and pyld decides), a document the fast path takes has no term pyld's probe would
report, and verification reaches the same verdict, with the same reason, with or without it."""

import copy
import itertools
import json
import random

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from credentials import data_integrity, fast_rdf
from credentials.canonical import canonical_from_quads, fast_canonical_nquads
from credentials.data_integrity import (
    ProofError,
    proof_create,
    proof_verify,
    pyld_canonical_nquads,
    undefined_terms,
)
from credentials.fast_rdf import document_quads
from credentials.jsonld_documents import OB_V3, VC_V2, bundled_document, document_loader
from tests.credentials.generated import generated_credential

LOADER = document_loader()
KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))
METHOD = "did:web:learning.example.org#key-1"


def public_key_for(method: str):
    if method != METHOD:
        raise ProofError(f"Unknown verification method {method}.")
    return KEY.public_key()


@pytest.fixture(scope="module")
def signed() -> dict:
    document = generated_credential(random.Random(5))
    document["credentialSubject"]["achievement"]["alignment"] = [
        {
            "type": ["Alignment"],
            "targetName": f"Competency {n}",
            "targetCode": f"c.{n}",
            "targetType": "ceasn:Competency",
            "targetUrl": f"https://learning.example.org/credentials/competencies/c.{n}",
        }
        for n in range(3)
    ]
    return proof_create(
        document,
        private_key=KEY,
        verification_method=METHOD,
        created="2026-11-23T00:00:00Z",
        loader=LOADER,
    )


def verdict(document) -> str:
    try:
        return (
            "verified "
            + proof_verify(document, public_key_for=public_key_for, loader=LOADER).created
        )
    except ProofError as error:
        return str(error)


def pyld_verdict(document, monkeypatch) -> str:
    with monkeypatch.context() as patched:
        patched.setattr(data_integrity, "fast_canonical_nquads", lambda document, loader: None)
        return verdict(document)


def assert_fast_agrees(document) -> str | None:
    """The fast path's N-Quads are pyld's, or it declines; returns them."""
    fast = fast_canonical_nquads(document, LOADER)
    if fast is not None:
        assert fast == pyld_canonical_nquads(document, LOADER)
        assert undefined_terms(document, LOADER) == []
    return fast


def unsecured(document: dict) -> dict:
    return {k: v for k, v in document.items() if k != "proof"}


def subject(d):
    return d["credentialSubject"]


def achievement(d):
    return d["credentialSubject"]["achievement"]


# (change, whether the fast path still takes the document, the verdict's start)
HOSTILE = {
    "undefined term at the root": (
        lambda d: d.update(secretHours=99),
        False,
        "The credential has content its signature does not cover",
    ),
    "undefined term in an alignment": (
        lambda d: achievement(d)["alignment"][0].update(weight=5),
        False,
        "The credential has content",
    ),
    "undefined type": (
        lambda d: achievement(d)["type"].append("SecretAchievement"),
        False,
        "The credential has content",
    ),
    "an inline context redefining a protected term": (
        lambda d: d["@context"].append({"name": "https://evil.example/name"}),
        False,
        "The credential is not valid JSON-LD",
    ),
    "an inline @vocab after the contexts, with an extra term": (
        lambda d: (d["@context"].append({"@vocab": "https://evil.example/#"}), d.update(extra="x")),
        False,
        "The signature does not match",
    ),
    "an inline @vocab before the contexts, with an extra term": (
        lambda d: (
            d["@context"].insert(0, {"@vocab": "https://evil.example/#"}),
            subject(d).update(extra="x"),
        ),
        False,
        "The signature does not match",
    ),
    "a nested @context": (
        lambda d: subject(d).update({"@context": {"@vocab": "https://evil.example/#"}, "bonus": 1}),
        False,
        "The signature does not match",
    ),
    "an unknown context": (
        lambda d: d["@context"].append("https://evil.example/context.json"),
        False,
        "The credential is not valid JSON-LD",
    ),
    "a changed value": (
        lambda d: achievement(d).update(name="Forged"),
        True,
        "The signature does not match",
    ),
    "a changed number": (
        lambda d: subject(d).update(creditsEarned=40.5),
        True,
        "The signature does not match",
    ),
    "a number as text": (
        lambda d: subject(d).update(creditsEarned="1.5"),
        True,
        "The signature does not match",
    ),
    "a changed date": (
        lambda d: d.update(validFrom="2019-01-01T00:00:00Z"),
        True,
        "The signature does not match",
    ),
    "a changed status index": (
        lambda d: d["credentialStatus"][0].update(statusListIndex="1"),
        True,
        "The signature does not match",
    ),
    "an alignment removed": (
        lambda d: achievement(d)["alignment"].pop(),
        True,
        "The signature does not match",
    ),
    "an alignment duplicated": (
        lambda d: achievement(d)["alignment"].append(copy.deepcopy(achievement(d)["alignment"][0])),
        False,  # twin blank nodes: pyld's N-degree step
        "The signature does not match",
    ),
    "alignments reordered (a JSON-LD set: same RDF)": (
        lambda d: achievement(d)["alignment"].reverse(),
        True,
        "verified",
    ),
    "types reordered": (lambda d: d["type"].reverse(), True, "verified"),
    "@id beside id": (
        lambda d: subject(d).update({"@id": "did:example:other"}),
        False,
        "The signature does not match",
    ),
    "@type beside type": (
        lambda d: achievement(d).update({"@type": "Evidence"}),
        False,
        "The signature does not match",
    ),
    "a relative id": (
        lambda d: subject(d).update(id="holder"),
        False,
        "The signature does not match",
    ),
    # A labelled blank node is still the same blank node once canonicalized.
    "a blank node id": (
        lambda d: subject(d).update(id="_:b0"),
        False,
        "verified",
    ),
    "an id with a line break": (
        lambda d: subject(d).update(id="did:example:x\n"),
        False,
        "The signature does not match",
    ),
    "a boolean and 1 for one property": (
        lambda d: subject(d)["identifier"][0].update(hashed=[True, 1]),
        False,
        "The signature does not match",
    ),
    # Two JSON values, one literal: pyld keeps both lines, as they differ in JSON.
    "a boolean and its text for a boolean property": (
        lambda d: subject(d)["identifier"][1].update(hashed=[False, "false"]),
        False,
        "The signature does not match",
    ),
    "a value object": (
        lambda d: d.update(name={"@value": "Forged"}),
        False,
        "The signature does not match",
    ),
    # A named graph holding a node with no properties adds no quad.
    "@graph": (
        lambda d: subject(d).update({"@graph": [{"id": "urn:x"}]}),
        False,
        "verified",
    ),
    "an @list property": (
        lambda d: achievement(d).update(
            resultDescription=[
                {
                    "id": "urn:r",
                    "type": ["ResultDescription"],
                    "name": "n",
                    "resultType": "Result",
                    "allowedValue": ["b", "a"],
                }
            ]
        ),
        False,
        "The signature does not match",
    ),
    "an empty object": (
        lambda d: subject(d).update(result=[{}]),
        False,
        "The signature does not match",
    ),
    "a nested array": (
        lambda d: d.update(name=[["Forged"]]),
        False,
        "The signature does not match",
    ),
    "a proof option changed": (
        lambda d: d["proof"].update(created="2027-01-01T00:00:00Z"),
        True,
        "The signature does not match",
    ),
    "deep nesting": (
        lambda d: subject(d).update(
            result=[
                json.loads(
                    '{"type": ["Result"], "value": "x", "resultDescription": ' * 40
                    + '"urn:x"'
                    + "}" * 40
                )
            ]
        ),
        False,
        "The signature does not match",
    ),
}


class HostileDocumentTests:
    @pytest.mark.parametrize("name", list(HOSTILE))
    def test_a_hostile_change_gets_pyld_s_verdict(self, signed, monkeypatch, name):
        change, fast_path, expected = HOSTILE[name]
        document = copy.deepcopy(signed)
        change(document)
        fast = assert_fast_agrees(unsecured(document))
        assert (fast is not None) == fast_path
        result = verdict(document)
        assert result.startswith(expected)
        assert result == pyld_verdict(document, monkeypatch)

    def test_the_unchanged_credential_verifies_on_the_fast_path(self, signed, monkeypatch):
        assert assert_fast_agrees(unsecured(signed)) is not None
        assert (
            verdict(signed) == "verified 2026-11-23T00:00:00Z" == pyld_verdict(signed, monkeypatch)
        )

    def test_what_pyld_ignores_it_still_ignores(self, signed, monkeypatch):
        # pyld drops a key that looks like a keyword and a null value; the signature never
        # covered them. The fast path declines such JSON; the verdict stays pyld's.
        for change in (
            lambda d: d.update({"@unknown": "x"}),
            lambda d: subject(d).update(licenseNumber=None),
        ):
            document = copy.deepcopy(signed)
            change(document)
            assert fast_canonical_nquads(unsecured(document), LOADER) is None
            assert verdict(document) == pyld_verdict(document, monkeypatch)


KEYS = [
    "name",
    "description",
    "id",
    "type",
    "narrative",
    "extra",
    "@id",
    "@type",
    "@context",
    "@value",
    "@list",
    "targetUrl",
    "resultDescription",
    "creditsEarned",
    "https://x.example/p",
    "ceasn:thing",
    "evidence",
    "identifier",
    "achievement",
    "@nest",
    "_:b",
    "proof",
]
VALUES = [
    "x",
    "",
    "urn:uuid:1",
    "https://x.example/a",
    "ceasn:Competency",
    "_:b1",
    "rel/ative",
    "Achievement",
    "Alignment",
    "Profile",
    "assertionMethod",
    0,
    1,
    1.0,
    2.5,
    -3,
    10**22,
    True,
    False,
    None,
    [],
    [1, True],
    {},
    {"id": "https://x.example/n"},
    {"type": "Evidence"},
    {"@value": "v"},
    {"type": ["Alignment"], "targetName": "t"},
    ["a", "b"],
    [["a"]],
    'tab\tand "quote" and \\',
]


def nodes(value):
    if isinstance(value, dict):
        yield value
        for child in value.values():
            yield from nodes(child)
    elif isinstance(value, list):
        for item in value:
            yield from nodes(item)


class FuzzTests:
    def test_random_changes_are_pyld_s_or_declined(self, signed):
        rng = random.Random(17)
        base = unsecured(signed)
        taken = 0
        for _ in range(150):
            document = copy.deepcopy(base)
            for _ in range(rng.randint(1, 2)):
                node = rng.choice(
                    [n for n in nodes(document) if n is not document or rng.random() < 0.3]
                )
                node[rng.choice(KEYS)] = copy.deepcopy(rng.choice(VALUES))
            try:
                taken += assert_fast_agrees(document) is not None
            except Exception as error:  # pyld refusing the JSON is fine if the fast path declined
                assert fast_canonical_nquads(document, LOADER) is None, error
        assert taken > 10  # the fuzz reaches the fast path, not only its refusals


SCALARS = [
    "x",
    "",
    "urn:uuid:1",
    "https://x.example/a",
    "ceasn:Competency",
    "did:web:a",
    "Achievement",
    "Course",
    "revocation",
    "assertionMethod",
    "2026-01-01T00:00:00Z",
    0,
    1,
    2,
    1.0,
    2.5,
    -3.25,
    1e20,
    True,
    False,
    "true",
    "1",
    "xsd:string",
    "Evidence",
]


class ScalarFuzzTests:
    def test_values_of_other_json_kinds_are_pyld_s_or_declined(self):
        """Existing keys of generated credentials given other scalars (a number where a date is
        coerced, a boolean where an IRI is, two values...): the literal typing is pyld's."""
        rng = random.Random(29)
        taken = 0
        for _ in range(150):
            document = generated_credential(rng)
            for _ in range(rng.randint(1, 3)):
                node = rng.choice(list(nodes(document)))
                key = rng.choice([k for k in node if k != "@context"])
                value = rng.choice(SCALARS)
                node[key] = value if rng.random() < 0.7 else [value, rng.choice(SCALARS)]
            try:
                taken += assert_fast_agrees(document) is not None
            except Exception as error:  # pyld refusing the JSON is fine if the fast path declined
                assert fast_canonical_nquads(document, LOADER) is None, error
        assert taken > 50


class TestVectorFastPathTests:
    def test_the_w3c_vector_takes_the_fast_path_and_gives_its_hash_and_proof(self):
        from tests.credentials.test_data_integrity import EXAMPLES, VECTOR, vector_key

        loader = document_loader({EXAMPLES: VECTOR["examplesContext"]})
        document, options = VECTOR["unsignedCredential"], VECTOR["proofOptions"]
        config = {"@context": document["@context"], **options}
        for part in (document, config):  # under the examples context's own @vocab
            assert fast_canonical_nquads(part, loader) == pyld_canonical_nquads(part, loader)
        assert (
            data_integrity.hash_data(document, options, loader).hex()
            == (VECTOR["expectedHashDataHex"])
        )
        signed = proof_create(
            document,
            private_key=vector_key(),
            verification_method=options["verificationMethod"],
            created=options["created"],
            loader=loader,
        )
        assert signed["proof"]["proofValue"] == VECTOR["expectedProofValue"]


class CacheBoundTests:
    def test_crafted_type_combinations_keep_a_bounded_number_of_contexts(self, monkeypatch):
        limit = fast_rdf._scopes_kept + 5
        monkeypatch.setattr(fast_rdf, "SCOPES_KEPT_MAX", limit)
        ob = bundled_document(OB_V3)["@context"]
        scoped = sorted(
            name for name, term in ob.items() if isinstance(term, dict) and "@context" in term
        )
        taken = 0
        for pair in list(itertools.combinations(scoped, 2))[:40]:
            document = {
                "@context": [VC_V2, OB_V3],
                "type": ["VerifiableCredential", "OpenBadgeCredential"],
                "credentialSubject": {"type": list(pair), "id": "did:example:x"},
            }
            taken += assert_fast_agrees(document) is not None  # still canonicalized
        assert taken > 30  # (a few pairs of scoped types clash, and go to pyld)
        assert fast_rdf._scopes_kept <= limit

    def test_long_keys_are_used_not_kept(self, signed):
        document = unsecured(signed)
        achievement(document)["type"] = ["Achievement", "https://x.example/" + "t" * 5000]
        assert assert_fast_agrees(document) is not None
        assert all(len(key) <= 256 for key in kept_names())


def kept_names() -> list[str]:
    """Every term, type and value name the fast path's caches keep, from its root contexts."""
    names, seen = [], set()
    stack = [scope for scope, _documents in fast_rdf._roots.values()]
    while stack:
        scope = stack.pop()
        if id(scope) in seen:
            continue
        seen.add(id(scope))
        names += [*scope.terms, *scope.types, *scope.vocab_values]
        for key, child in scope.children.items():
            names += list(key) if isinstance(key, tuple) else []
            stack.append(child[1] if isinstance(child, tuple) else child)
        stack.append(scope.reverted())
    return names


class CanonicalizationTests:
    def test_twin_blank_nodes_are_left_to_the_n_degree_step(self):
        quads = {
            ("<urn:s>", "<urn:p>", 1),
            ("<urn:s>", "<urn:p>", 2),
            (1, "<urn:q>", '"same"'),
            (2, "<urn:q>", '"same"'),
        }
        assert canonical_from_quads(quads, 2) is None

    def test_distinct_blank_nodes_are_numbered_in_the_order_of_their_hashes(self):
        document = {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "name": "n",
            "credentialSubject": {"name": "s"},
        }
        quads, count = document_quads(document, LOADER)
        assert count == 2
        assert canonical_from_quads(quads, count) == pyld_canonical_nquads(document, LOADER)
