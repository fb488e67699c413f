"""The editorial rules for a reference in references.yaml: findable, honest about what it is."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from content.models import UNPUBLISHED_KINDS, Reference, ReferenceKind

# Hosts reserved for examples and tests (RFC 2606, RFC 6761): a link there is a placeholder.
PLACEHOLDER_HOST = re.compile(
    r"(^|\.)(example\.(org|com|net)|example|invalid|test|localhost)$", re.IGNORECASE
)
DOI = re.compile(r"^10\.\d{4,9}/\S+$")
# A Markdown link target or a bare web address in text.
LINK = re.compile(r"\]\(\s*<?(?P<target>[^)\s>]+)|(?P<bare>https?://[^\s)>\]]+)")
# Link targets that are not web addresses: a page of this site, an anchor, an email, a phone.
LOCAL_LINK = re.compile(r"^(/|#|mailto:|tel:)")


def placeholder_url(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    return not host or bool(PLACEHOLDER_HOST.search(host))


def link_problem(url: str) -> str | None:
    """Why a link in a lesson or program cannot be published, or None: it must be https (a
    plain-http page can be rewritten on the way) and lead somewhere real, not a placeholder."""
    if not re.match(r"^https://\S+$", url):
        return f"link {url!r} must be an https:// address"
    if placeholder_url(url):
        return f"link {url} is a placeholder, not a real page"
    return None


def text_link_problems(text: str) -> list[str]:
    """The link problems of every link written in a piece of Markdown."""
    problems = []
    for match in LINK.finditer(text):
        url = match.group("target") or match.group("bare")
        if not LOCAL_LINK.match(url) and (problem := link_problem(url)):
            problems.append(problem)
    return problems


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
