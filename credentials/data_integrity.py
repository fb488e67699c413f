"""Data Integrity proofs with the cryptosuite eddsa-rdfc-2022 (W3C vc-di-eddsa, section 3.2).

Create: canonicalize the proof options (with the document's @context) and the document without
its proof by RDF Dataset Canonicalization (RDFC-1.0, URDNA2015), hash each with SHA-256,
sign proofConfigHash || documentHash with Ed25519, and encode the signature as multibase
base58btc. Verify runs the same steps and checks the signature with the verification method's
public key.

JSON-LD drops any property that no context defines, and a signature then covers less than the
document shows; standard verifiers reject such a document. So signing refuses a document with an
undefined term (`undefined_terms`), and verifying reports one.

Canonical N-Quads come from `credentials.canonical` (a fast path for the JSON-LD we issue, some
thirty times faster than pyld and byte-identical to it) and from pyld for anything that path does
not fully understand: signatures and verdicts are pyld's either way.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pyld import jsonld

from credentials.canonical import fast_canonical_nquads
from credentials.multibase import MultibaseError, multibase_decode, multibase_encode

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"
PROOF_OPTION_KEYS = ("type", "cryptosuite", "created", "verificationMethod", "proofPurpose")


class ProofError(ValueError):
    """Why a document cannot be signed, or why its proof does not verify."""


def pyld_canonical_nquads(document: dict, loader) -> str:
    return jsonld.normalize(
        document,
        {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": loader},
    )


def canonical_nquads(document: dict, loader) -> str:
    """RDFC-1.0 N-Quads: the fast path for documents it fully understands, else pyld's."""
    fast = fast_canonical_nquads(document, loader)
    return pyld_canonical_nquads(document, loader) if fast is None else fast


def checked_nquads(document: dict, loader) -> tuple[str, list[str]]:
    """Canonical N-Quads and the undefined terms (when there are, no N-Quads). The fast path
    takes only documents whose every term and type is defined, so the expansion with the probe
    (`undefined_terms`) is needed only for what it declines."""
    fast = fast_canonical_nquads(document, loader)
    if fast is not None:
        return fast, []
    undefined = undefined_terms(document, loader)
    return ("", undefined) if undefined else (pyld_canonical_nquads(document, loader), [])


def _hash(config_nquads: str, document_nquads: str) -> bytes:
    return (
        hashlib.sha256(config_nquads.encode()).digest()
        + hashlib.sha256(document_nquads.encode()).digest()
    )


def hash_data(document: dict, proof_options: dict, loader) -> bytes:
    """proofConfigHash || transformedDocumentHash, as the cryptosuite defines them."""
    config = {"@context": document["@context"], **proof_options}
    return _hash(canonical_nquads(config, loader), canonical_nquads(document, loader))


UNDEFINED_TERM = "urn:recovery-learning:undefined-term:"


def _undefined_in(node, found: set[str]) -> None:
    if isinstance(node, list):
        for item in node:
            _undefined_in(item, found)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key.startswith(UNDEFINED_TERM):
                found.add(key.removeprefix(UNDEFINED_TERM))
            if key == "@type":
                types = value if isinstance(value, list) else [value]
                found.update(
                    t.removeprefix(UNDEFINED_TERM) for t in types if t.startswith(UNDEFINED_TERM)
                )
            _undefined_in(value, found)


def undefined_terms(document: dict, loader) -> list[str]:
    """Properties and types of `document` that its contexts do not define (JSON-LD would drop
    them). A context put first maps every otherwise undefined term into a marker namespace:
    what expands into it was never defined. It goes first so that a context of the document
    that sets its own @vocab still wins, as it does without the probe."""
    contexts = document["@context"]
    contexts = contexts if isinstance(contexts, list) else [contexts]
    probe = {**document, "@context": [{"@vocab": UNDEFINED_TERM}, *contexts]}
    found: set[str] = set()
    _undefined_in(jsonld.expand(probe, {"documentLoader": loader}), found)
    return sorted(found)


def proof_create(
    document: dict,
    *,
    private_key: Ed25519PrivateKey,
    verification_method: str,
    created: str,
    loader,
    proof_purpose: str = "assertionMethod",
) -> dict:
    """The document with a DataIntegrityProof added (the input is not changed)."""
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    document_nquads, undefined = checked_nquads(unsecured, loader)
    if undefined:
        raise ProofError(f"Terms not defined by the document's contexts: {', '.join(undefined)}")
    options = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    config = {"@context": unsecured["@context"], **options}
    signature = private_key.sign(_hash(canonical_nquads(config, loader), document_nquads))
    return {
        **copy.deepcopy(unsecured),
        "proof": {**options, "proofValue": multibase_encode(signature)},
    }


@dataclass(frozen=True)
class VerifiedProof:
    verification_method: str
    created: str
    proof_purpose: str


def proof_verify(
    document: dict,
    *,
    public_key_for: Callable[[str], Ed25519PublicKey],
    loader,
    expected_purpose: str = "assertionMethod",
) -> VerifiedProof:
    """Check the document's one eddsa-rdfc-2022 proof; raise ProofError saying what failed.

    `public_key_for(verification_method)` resolves the key, raising ProofError when the method
    is not one the caller trusts."""
    proof = document.get("proof")
    if not isinstance(proof, dict):
        raise ProofError("The credential has no proof (or more than one).")
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        raise ProofError(f"The proof is not a {PROOF_TYPE} with the cryptosuite {CRYPTOSUITE}.")
    if proof.get("proofPurpose") != expected_purpose:
        raise ProofError(
            f"The proof's purpose is {proof.get('proofPurpose')!r}, not {expected_purpose!r}."
        )
    missing = [
        key
        for key in (*PROOF_OPTION_KEYS, "proofValue")
        if not isinstance(proof.get(key), str) or not proof[key]
    ]
    if missing:
        raise ProofError(f"The proof lacks {', '.join(missing)} (each a text value).")
    try:
        signature = multibase_decode(proof["proofValue"])
    except MultibaseError as error:
        raise ProofError(f"The proof value is not base58btc multibase: {error}.") from error
    key = public_key_for(proof["verificationMethod"])
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    options = {k: v for k, v in proof.items() if k not in {"proofValue", "@context"}}
    try:
        # JSON-LD drops what no context defines, so the signature would not cover it: such
        # content is refused, not shown beside a valid signature.
        document_nquads, undefined = checked_nquads(unsecured, loader)
        if undefined:
            raise ProofError(
                "The credential has content its signature does not cover (terms no context "
                f"defines): {', '.join(undefined[:10])}."
            )
        config = {"@context": unsecured["@context"], **options}
        data = _hash(canonical_nquads(config, loader), document_nquads)
    except ProofError:
        raise
    except jsonld.JsonLdError as error:
        raise ProofError(f"The credential is not valid JSON-LD: {_reason(error)}") from error
    except (TypeError, ValueError, KeyError, AttributeError) as error:
        # pyld assumes well-formed JSON-LD in places; anything else is malformed input.
        raise ProofError(f"The credential is not valid JSON-LD ({error}).") from error
    try:
        key.verify(signature, data)
    except InvalidSignature as error:
        raise ProofError(
            "The signature does not match: the credential was changed after it was signed, or "
            "signed with another key."
        ) from error
    return VerifiedProof(proof["verificationMethod"], proof["created"], proof["proofPurpose"])


def _reason(error: jsonld.JsonLdError) -> str:
    """The innermost JSON-LD error's message: pyld wraps the useful one in general ones."""
    innermost = error
    cause = error.__cause__ or error.__context__
    while cause is not None:
        if isinstance(cause, jsonld.JsonLdError):
            innermost = cause
        cause = cause.__cause__ or cause.__context__
    return str(innermost.args[0]) if innermost.args else innermost.type
