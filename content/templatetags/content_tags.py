"""Filters for the shared blocks: citation marks that link to a page's reference list.

A page that numbers its references (LessonPage) puts `reference_numbers`, {reference pk:
number}, in its context; elsewhere blocks render without marks.
"""

from urllib.parse import urlsplit

from django import template
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def citation_number(reference, reference_numbers: dict | None) -> int | None:
    if reference is None or not reference_numbers:
        return None
    return reference_numbers.get(reference.pk)


@register.simple_tag
def citation_marks(references, reference_numbers: dict | None) -> str:
    """`<sup>` links to the reference list entries, in number order; "" when none is numbered."""
    numbers = sorted({citation_number(ref, reference_numbers) for ref in references} - {None})
    if not numbers:
        return ""
    links = format_html_join("", '<a href="#ref-{0}">[{0}]</a>', ((n,) for n in numbers))
    return format_html('<sup class="citations">{}</sup>', links)


@register.filter
def with_marks(html, marks) -> SafeString:
    """Put citation marks at the end of the last paragraph or list item of rich text, where
    readers look for them, rather than on a line of their own."""
    html, marks = conditional_escape(html), conditional_escape(marks)
    end = max(html.rfind("</p>"), html.rfind("</li>"))
    if not marks or end < 0:
        return html + marks
    # Both parts are safe (escaped above unless they already were), so the splice is too.
    return mark_safe(html[:end] + marks + html[end:])  # noqa: S308


@register.filter
def host(url: str) -> str:
    """The site a link leads to, e.g. "www.youtube.com", so readers know before they follow it."""
    return urlsplit(url or "").hostname or ""
