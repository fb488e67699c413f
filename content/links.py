"""Where a link may lead: the rule for every link we publish, in files or from the CMS.

Learners follow these links to check what a lesson says, so each must lead to the real page
over https, never to a placeholder that only looks like a source.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

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
