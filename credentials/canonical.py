"""RDF Dataset Canonicalization (RDFC-1.0, URDNA2015) of the quads `fast_rdf` makes, when every
blank node has a first-degree hash of its own, as in the credentials we issue.

Then the algorithm is short: hash each blank node's quads with itself as `_:a` and the others as
`_:z`, number the blank nodes `_:c14n0`, `_:c14n1`... in the order of their hashes, and sort the
relabelled lines. Two blank nodes with the same hash need the N-degree step: `None` is returned
and pyld canonicalizes the document. Lines are written exactly as pyld writes them
(pyld.nquads.serialize_nquad), so the output and every hash are pyld's, byte for byte.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from credentials.fast_rdf import document_quads


def canonical_from_quads(quads: Iterable[tuple], blank_nodes: int) -> str | None:
    """Canonical N-Quads of `document_quads`' output, or None when a hash is shared."""
    touching: list[list[tuple]] = [[] for _ in range(blank_nodes + 1)]
    for quad in quads:
        subject, _, obj = quad
        if subject.__class__ is int:
            touching[subject].append(quad)
        if obj.__class__ is int:
            touching[obj].append(quad)  # twice when both: as pyld's blank node to quads map
    hashes = {}
    for node in range(1, blank_nodes + 1):
        lines = []
        for subject, predicate, obj in touching[node]:
            if subject.__class__ is int:
                subject = "_:a" if subject == node else "_:z"
            if obj.__class__ is int:
                obj = "_:a" if obj == node else "_:z"
            lines.append(f"{subject} {predicate} {obj} .\n")
        lines.sort()
        hashes[hashlib.sha256("".join(lines).encode()).hexdigest()] = node
    if len(hashes) != blank_nodes:
        return None
    labels = [""] * (blank_nodes + 1)
    for number, digest in enumerate(sorted(hashes)):
        labels[hashes[digest]] = f"_:c14n{number}"
    lines = [
        f"{labels[s] if s.__class__ is int else s} {p} {labels[o] if o.__class__ is int else o} .\n"
        for s, p, o in quads
    ]
    lines.sort()
    return "".join(lines)


def fast_canonical_nquads(document, loader) -> str | None:
    """The document's canonical N-Quads, or None when pyld must compute them."""
    found = document_quads(document, loader)
    return None if found is None else canonical_from_quads(*found)
