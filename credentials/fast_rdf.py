"""JSON-LD to RDF quads without pyld's general expansion, for documents of the shape we issue.

pyld spends most of a signature expanding JSON-LD: it reprocesses the contexts a credential's
nodes scope by type and by property at every node. Here each scoped context is processed once by
pyld itself (`_process_context`, the same code and rules) and kept, and the document is walked
following pyld's expansion steps (`JsonLdProcessor._expand`: revert a type-scoped context on
entering a node, then the property-scoped context, then the type-scoped ones) for the subset of
JSON-LD our credentials use: node objects, `id`/`type`, terms coerced to `@id`, `@vocab` or a
datatype, `@set` containers, strings, numbers and booleans.

`document_quads` returns None for anything outside that subset (an inline or unknown context, a
keyword, an undefined term or type, `@list`, `@graph`, `@json`, a language, a relative IRI, a
blank node id, null, an empty object...), and the caller then runs pyld as before. So whatever
this returns is what pyld would produce, and a term pyld's undefined-term probe would report
never reaches it: every key and type must be a defined term, an absolute IRI or under a
context's own @vocab. The equivalence is checked against pyld on 1,200 generated credentials
(tests/credentials/test_canonical_differential.py) and on hostile and fuzzed JSON
(tests/credentials/test_fast_rdf.py).
"""

from __future__ import annotations

import math
import re

from pyld.jsonld import (
    RDF_TYPE,
    XSD_BOOLEAN,
    XSD_DOUBLE,
    XSD_INTEGER,
    XSD_STRING,
    ContextResolver,
    JsonLdError,
    JsonLdProcessor,
    _canonicalize_double,
    _is_double,
    _is_integer,
    _resolved_context_cache,
)
from pyld.nquads import escape

# Stricter than pyld's _is_absolute_iri (which lets a trailing line break through): anything
# this refuses goes to pyld.
ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|^`\\\x00-\x1f\x7f]*")
MAX_DEPTH = 32
CACHE_LIMIT = 512  # entries per cache; a hostile document cannot grow memory without bound
TYPE = "<" + RDF_TYPE + ">"
_PROCESSOR = JsonLdProcessor()
_get = JsonLdProcessor.get_context_value


class Unsupported(Exception):
    """Outside the subset: pyld decides."""


def _small(key) -> bool:
    """Keys come from outside JSON: a long one is used, not kept."""
    if isinstance(key, tuple):
        return sum(len(part) for part in key) <= 1024
    return not isinstance(key, str) or len(key) <= 256


def _remember(cache: dict, key, value):
    if len(cache) < CACHE_LIMIT and _small(key):
        cache[key] = value
    return value


# A processed context holds every term of its contexts (tens of kilobytes). Documents of our
# shape need a few dozen; JSON crafted to combine scoped types differently at every node is
# still processed, but no more than this many are kept in all.
SCOPES_KEPT_MAX = 256
_scopes_kept = 0


def _keep_scope(cache: dict, key, value):
    global _scopes_kept
    if _scopes_kept < SCOPES_KEPT_MAX and len(cache) < CACHE_LIMIT and _small(key):
        _scopes_kept += 1
        cache[key] = value
    return value


def _iri(value) -> str:
    if not isinstance(value, str) or not ABSOLUTE_IRI.fullmatch(value):
        raise Unsupported
    return "<" + value + ">"


class Scope:
    """One pyld active context, with what has been derived from it so far."""

    __slots__ = ("ctx", "options", "terms", "children", "types", "vocab_values", "_reverted")

    def __init__(self, ctx: dict, options: dict):
        self.ctx = ctx
        self.options = options
        self.terms: dict = {}
        self.children: dict = {}
        self.types: dict = {}
        self.vocab_values: dict = {}
        self._reverted: Scope | None = None

    def _process(self, local, **flags) -> Scope:
        return Scope(
            _PROCESSOR._process_context(self.ctx, local, self.options, **flags), self.options
        )

    def with_property(self, local) -> Scope:
        """The property-scoped context `local` applied (pyld: propagate, override protected)."""
        key = id(local)
        found = self.children.get(key)
        if found is None:
            found = _keep_scope(
                self.children, key, (local, self._process(local, override_protected=True))
            )
        return found[1]

    def reverted(self) -> Scope:
        if self._reverted is None:
            previous = self.ctx.get("previousContext")
            self._reverted = self if previous is None else Scope(previous, self.options)
        return self._reverted

    def with_types(self, types: tuple[str, ...]) -> Scope:
        """The type-scoped contexts of `types` (sorted) applied, not propagated to nested nodes."""
        found = self.children.get(types)
        if found is None:
            found = self
            for type_ in types:
                local = _get(self.ctx, type_, "@context")
                if local is not None and local is not False:
                    found = Scope(
                        _PROCESSOR._process_context(
                            found.ctx, local, self.options, propagate=False
                        ),
                        self.options,
                    )
            (_remember if found is self else _keep_scope)(self.children, types, found)
        return found

    def term(self, key: str):
        """("id",) / ("type",) / ("property", predicate, coercion, scoped context); None if the
        key is outside the subset."""
        if key in self.terms:
            return self.terms[key]
        return _remember(self.terms, key, self._term(key))

    def _term(self, key: str):
        mappings = self.ctx["mappings"]
        if key not in mappings and not self._expands_undefined(key):
            return None  # undefined: pyld's probe would report it, or pyld drops it
        if key in mappings and mappings[key] is None:
            return None
        expanded = _PROCESSOR._expand_iri(self.ctx, key, vocab=True)
        if expanded == "@id":
            return ("id",)
        if expanded == "@type":
            return ("type",)
        if not isinstance(expanded, str) or expanded.startswith("@"):
            return None
        try:
            predicate = _iri(expanded)
        except Unsupported:
            return None
        entry = mappings.get(key) or {}
        container = JsonLdProcessor.arrayify(_get(self.ctx, key, "@container") or [])
        if (
            entry.get("reverse")
            or "@nest" in entry
            or any(c != "@set" for c in container)
            or _get(self.ctx, key, "@language") is not None
            or _get(self.ctx, key, "@direction") is not None
        ):
            return None
        coercion = _get(self.ctx, key, "@type")
        if coercion == "@json" or (
            coercion not in (None, "@id", "@vocab", "@none")
            and not ABSOLUTE_IRI.fullmatch(coercion)
        ):
            return None
        return ("property", predicate, coercion, _get(self.ctx, key, "@context"))

    def _expands_undefined(self, name: str) -> bool:
        """Whether a name that is no term still expands to the IRI it has without the undefined-
        term probe: an absolute IRI, or a name under a context's own @vocab (which overrides the
        probe's, as it comes later)."""
        return bool(ABSOLUTE_IRI.fullmatch(name)) or isinstance(self.ctx.get("@vocab"), str)

    def type_iri(self, name) -> str:
        """A value of `type`, expanded as pyld does with this (the type-scoped) context."""
        if not isinstance(name, str):
            raise Unsupported
        found = self.types.get(name)
        if found is None:
            mapping = self.ctx["mappings"].get(name)
            if mapping is None and not self._expands_undefined(name):
                raise Unsupported  # undefined type
            expanded = _PROCESSOR._expand_iri(self.ctx, name, vocab=True, base="")
            found = _remember(self.types, name, _iri(expanded))
        return found

    def id_iri(self, value) -> str:
        """An `@id` value (or a value coerced to `@id`), document-relative as pyld expands it."""
        if not isinstance(value, str):
            raise Unsupported
        if not ABSOLUTE_IRI.fullmatch(value):
            raise Unsupported  # relative (pyld resolves it against a made-up base) or odd
        if value.partition(":")[0] not in self.ctx["mappings"]:
            return "<" + value + ">"  # pyld returns an absolute IRI whose prefix is no term as is
        return _iri(_PROCESSOR._expand_iri(self.ctx, value, base=""))

    def vocab_iri(self, value: str) -> str:
        found = self.vocab_values.get(value)
        if found is None:
            expanded = _PROCESSOR._expand_iri(self.ctx, value, vocab=True, base="")
            found = _remember(self.vocab_values, value, _iri(expanded))
        return found


def _literal(value, datatype: str | None) -> str:
    """The N-Quads literal pyld writes (jsonld._object_to_rdf, nquads.serialize_nquad)."""
    if isinstance(value, bool):
        lexical, datatype = ("true" if value else "false"), datatype or XSD_BOOLEAN
    elif isinstance(value, str):
        if datatype == XSD_DOUBLE:
            raise Unsupported
        lexical, datatype = value, datatype or XSD_STRING
    elif isinstance(value, float) and not math.isfinite(value):
        raise Unsupported
    elif _is_double(value):
        lexical, datatype = _canonicalize_double(value), datatype or XSD_DOUBLE
    elif datatype == XSD_DOUBLE or not _is_integer(value) or abs(value) >= 1e21:
        raise Unsupported
    else:
        lexical, datatype = str(int(value)), datatype or XSD_INTEGER
    text = '"' + escape(lexical) + '"'
    return text if datatype == XSD_STRING else text + "^^<" + datatype + ">"


# pyld removes a repeated value when it compares equal in Python to one already there, and
# keeps it otherwise, even when both give the same literal (true and "true" as xsd:boolean): so
# a literal met twice from values of different JSON kinds, or a boolean beside 0 or 1 for the
# same property, goes to pyld.
STRING, BOOLEAN, NUMBER = "s", "b", "n"


def _kind(value) -> str:
    if isinstance(value, bool):
        return BOOLEAN
    return STRING if isinstance(value, str) else NUMBER


class _Walk:
    def __init__(self):
        self.quads: dict[tuple, object] = {}  # quad: a literal's JSON kind and coerced type
        self.blank_nodes = 0
        self.numeric: dict[tuple, set] = {}

    def node(self, scope: Scope, property_scoped, element: dict, depth: int):
        """pyld's _expand for a node object, then its triples; returns the node's subject.
        `property_scoped` is the context of the node's property in `scope`, if it has one."""
        if depth > MAX_DEPTH or not element or "@context" in element and depth:
            raise Unsupported
        # A type-scoped context ends at a nested node, except for a lone reference.
        lone_reference = len(element) == 1 and scope.term(next(iter(element))) == ("id",)
        active = scope if lone_reference else scope.reverted()
        if property_scoped is not None:
            active = active.with_property(property_scoped)
        type_scoped = active
        types = element.get("type")
        if types is not None and active.term("type") == ("type",):
            types = [types] if isinstance(types, str) else types
            if not isinstance(types, list) or not all(isinstance(t, str) for t in types):
                raise Unsupported
            active = active.with_types(tuple(sorted(types)))
        elif types is not None:
            raise Unsupported
        subject = None
        pending = []
        for key, value in element.items():
            if key == "@context":
                continue
            term = active.term(key)
            if term is None:
                raise Unsupported
            if term[0] == "id":
                if key != "id":
                    raise Unsupported  # "@id" beside "id" collides in pyld
                subject = active.id_iri(value)
            elif term[0] == "type":
                if key != "type":
                    raise Unsupported
            else:
                pending.append((key, term, value))
        if subject is None:
            self.blank_nodes += 1
            subject = self.blank_nodes
        if types is not None:
            for name in types:
                self.quads[subject, TYPE, type_scoped.type_iri(name)] = None
        quads = self.quads
        for key, term, value in pending:
            predicate, scoped = term[1], term[3]
            if scoped is not None:
                # Values are expanded in the property-scoped context, where the key's own
                # definition may differ (pyld's term_ctx).
                scope_of_value = active.with_property(scoped)
                term = scope_of_value.term(key)
                if term is None or term[0] != "property":
                    raise Unsupported
            else:
                scope_of_value = active
            for item in value if value.__class__ is list else (value,):
                if item.__class__ is str and term[2] is None:
                    literal = '"' + escape(item) + '"'  # xsd:string
                    if quads.setdefault((subject, predicate, literal), STRING) != STRING:
                        raise Unsupported
                elif item.__class__ is dict:
                    node = self.node(scope_of_value, term[3], item, depth + 1)
                    quads[subject, predicate, node] = None
                else:
                    self.scalar(subject, predicate, scope_of_value, term[2], item)
        return subject

    def scalar(self, subject, predicate: str, scope: Scope, coercion: str | None, item) -> None:
        if item is None or isinstance(item, list | dict):
            raise Unsupported
        if isinstance(item, str) and coercion in ("@id", "@vocab"):
            iri = scope.id_iri(item) if coercion == "@id" else scope.vocab_iri(item)
            self.quads[subject, predicate, iri] = None  # pyld compares expanded ids
            return
        datatype = None if coercion in (None, "@id", "@vocab", "@none") else coercion
        literal = _literal(item, datatype)
        kind = _kind(item)
        # pyld compares the value and its @type: "x" as xsd:string is no plain "x" to it.
        tag = kind if datatype is None else (kind, datatype)
        if self.quads.setdefault((subject, predicate, literal), tag) != tag:
            raise Unsupported
        if kind == BOOLEAN or item in (0, 1):
            kinds = self.numeric.setdefault((subject, predicate), set())
            kinds.add(kind)
            if len(kinds) > 1:
                raise Unsupported  # True == 1: pyld keeps whichever came first


_roots: dict = {}


def _root_scope(contexts, loader) -> Scope:
    if isinstance(contexts, str):
        contexts = [contexts]
    if not isinstance(contexts, list) or not contexts:
        raise Unsupported
    documents = []
    for url in contexts:
        if not isinstance(url, str):
            raise Unsupported  # an inline context: pyld
        try:
            documents.append(loader(url)["document"])
        except JsonLdError as error:
            raise Unsupported from error
    key = (tuple(contexts), tuple(id(d) for d in documents))
    found = _roots.get(key)
    if found is None:
        options = {
            "base": "",
            "documentLoader": loader,
            "contextResolver": ContextResolver(_resolved_context_cache, loader),
            "processingMode": "json-ld-1.1",
            "isFrame": False,
            "extractAllScripts": True,
        }
        initial = _PROCESSOR._get_initial_context(options)
        ctx = _PROCESSOR._process_context(initial, list(contexts), options)
        # The documents are kept with the scope so that their ids are not reused meanwhile.
        found = _keep_scope(_roots, key, (Scope(ctx, options), documents))
    return found[0]


def document_quads(document, loader) -> tuple[dict[tuple, str | None], int] | None:
    """The document's RDF as a set of (subject, predicate, object) with subjects and objects in
    N-Quads form and blank nodes as ints 1..n, or None when pyld must decide."""
    if not isinstance(document, dict) or "@context" not in document:
        return None
    try:
        walk = _Walk()
        walk.node(_root_scope(document["@context"], loader), None, document, 0)
    except (Unsupported, JsonLdError, RecursionError, TypeError, ValueError, AttributeError):
        return None  # JSON from outside may be anything: pyld decides, and explains
    if not walk.quads:
        return None
    return walk.quads, walk.blank_nodes
