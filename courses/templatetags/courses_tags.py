"""Filters for the curriculum templates: hours and durations as people write them."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def hours(value: Decimal | int | None) -> str:
    """2.50 -> "2.5", 40.00 -> "40"."""
    if value is None:
        return ""
    return format(Decimal(value).normalize(), "f")


@register.filter
def duration(minutes: int | None) -> str:
    """90 -> "1 h 30 min", 45 -> "45 min"."""
    if not minutes:
        return ""
    whole_hours, rest = divmod(int(minutes), 60)
    if not whole_hours:
        return f"{rest} min"
    return f"{whole_hours} h {rest} min" if rest else f"{whole_hours} h"
