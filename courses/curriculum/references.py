"""The editorial rules for a reference in references.yaml: findable, honest about what it is."""

from __future__ import annotations

from content.links import DOI, placeholder_url
from content.models import UNPUBLISHED_KINDS, Reference, ReferenceKind


def reference_problems(key: str, fields: dict) -> list[str]:
    """What keeps a reference from being cited, one message each (empty when it may be)."""
    problems = []
    for name in ("authors", "title", "source", "doi", "url", "unpublished"):
        limit = Reference._meta.get_field(name).max_length
        if len(fields.get(name) or "") > limit:
            problems.append(
                f"reference '{key}' {name} is {len(fields[name])} characters (at most {limit})"
            )
    kind, doi, url, unpublished = (fields.get(k) for k in ("kind", "doi", "url", "unpublished"))
    if kind and kind not in ReferenceKind.values:
        problems.append(
            f"reference '{key}' type '{kind}' is not one of: {', '.join(ReferenceKind.values)}"
        )
    if doi and not DOI.match(doi):
        problems.append(f"reference '{key}' doi '{doi}' is not a DOI (10.xxxx/...)")
    if url and not url.startswith("https://"):
        # A plain-http link can be rewritten on the way to the reader; every publisher we cite
        # serves https (or its page is archived somewhere that does).
        problems.append(f"reference '{key}' url must start with https://")
    elif url and placeholder_url(url):
        problems.append(f"reference '{key}' url {url} is a placeholder, not where the work is")
    if unpublished:
        if doi or url:
            problems.append(
                f"reference '{key}' has a doi or url, so it is not 'unpublished': remove one"
            )
        if kind and kind not in UNPUBLISHED_KINDS:
            problems.append(
                f"reference '{key}' is a {kind}: research must be findable (a doi or a url); "
                "only advocacy, grey-literature and lived-experience sources may be unpublished"
            )
    elif not doi and not url:
        problems.append(
            f"reference '{key}' needs a doi or a url (or, for a source with no public origin, "
            "'unpublished' saying what it is)"
        )
    return problems
