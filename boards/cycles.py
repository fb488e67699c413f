"""Renewal cycle arithmetic: pure functions of dates, no database.

Every boundary is computed from the anchor (never by stepping from the previous boundary), so an
anchor on 29 February gives 28 February in common years and 29 February again in leap years,
instead of drifting to the 28th for good."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Cycle:
    start: datetime.date
    end: datetime.date  # inclusive: the last day CE counts (the renewal date, when anchored)

    def __contains__(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` moved by whole months, clamped to the end of a shorter month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _months_between(earlier: datetime.date, later: datetime.date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def fixed_cycle(day: datetime.date, *, first_start: datetime.date, months: int) -> Cycle:
    """The fixed cycle holding `day`: cycles start at first_start + k * months for any k."""
    k = _months_between(first_start, day) // months
    while add_months(first_start, k * months) > day:
        k -= 1
    while add_months(first_start, (k + 1) * months) <= day:
        k += 1
    return Cycle(
        add_months(first_start, k * months), add_months(first_start, (k + 1) * months) - ONE_DAY
    )


def anchored_cycle(day: datetime.date, *, renews_on: datetime.date, months: int) -> Cycle:
    """The cycle holding `day` for a licence renewing on `renews_on` every `months`: each cycle
    ends on a renewal date and starts the day after the one before."""
    k = _months_between(renews_on, day) // months
    while add_months(renews_on, k * months) < day:
        k += 1
    while add_months(renews_on, (k - 1) * months) >= day:
        k -= 1
    return Cycle(
        add_months(renews_on, (k - 1) * months) + ONE_DAY, add_months(renews_on, k * months)
    )


@dataclass(frozen=True)
class Window:
    """The days whose CE counts for a cycle. A late renewal on R for a cycle ending E stretches
    that cycle's window to R, and the next cycle's window then starts on R + 1: the same CE is
    never counted in two cycles."""

    start: datetime.date
    end: datetime.date

    def __contains__(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end


def counting_window(cycle: Cycle, late_renewals: dict[datetime.date, datetime.date]) -> Window:
    """`late_renewals` maps a cycle's end date to the day the licence was in fact renewed."""
    start = cycle.start
    cured_before = late_renewals.get(cycle.start - ONE_DAY)
    if cured_before is not None:
        start = max(start, cured_before + ONE_DAY)
    end = max(cycle.end, late_renewals.get(cycle.end, cycle.end))
    return Window(start, end)
