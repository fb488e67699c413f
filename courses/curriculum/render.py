"""Markdown to the HTML Wagtail stores for rich text."""

import re

from markdown_it import MarkdownIt

# Raw HTML is escaped, not passed through: curriculum text cannot inject markup or scripts.
markdown = MarkdownIt("commonmark", {"html": False}).enable("table")

# Wagtail's stored rich text uses <b> and <i>; the editor round-trips these unchanged.
_CANONICAL = [
    (re.compile(r"<(/?)strong>"), r"<\1b>"),
    (re.compile(r"<(/?)em>"), r"<\1i>"),
    # Newlines between tags are layout; inside text they are soft line breaks, i.e. spaces.
    (re.compile(r">\s*\n\s*<"), "><"),
    (re.compile(r"\s*\n\s*"), " "),
]


def markdown_to_richtext(text: str) -> str:
    html = markdown.render(text).strip()
    for pattern, replacement in _CANONICAL:
        html = pattern.sub(replacement, html)
    return html
