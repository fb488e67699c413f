"""Cycle arithmetic: fixed and anchored cycles, month ends, leap years, late renewals."""

import datetime as dt

import pytest

from boards.cycles import Cycle, Window, add_months, anchored_cycle, counting_window, fixed_cycle

D = dt.date


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2024, 1, 31), 1, D(2024, 2, 29)),  # leap February
        (D(2023, 1, 31), 1, D(2023, 2, 28)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2024, 2, 29), 48, D(2028, 2, 29)),  # from the anchor: back to the 29th
        (D(2025, 3, 31), -1, D(2025, 2, 28)),
        (D(2025, 12, 15), 1, D(2026, 1, 15)),
    ],
)
def test_add_months_clamps_to_the_end_of_a_shorter_month(day, months, expected):
    assert add_months(day, months) == expected


def test_fixed_cycles_hold_their_days_before_on_and_after_the_anchor():
    start = D(2025, 7, 1)
    assert fixed_cycle(D(2025, 7, 1), first_start=start, months=12) == Cycle(
        D(2025, 7, 1), D(2026, 6, 30)
    )
    assert fixed_cycle(D(2026, 6, 30), first_start=start, months=12) == Cycle(
        D(2025, 7, 1), D(2026, 6, 30)
    )
    assert fixed_cycle(D(2026, 7, 1), first_start=start, months=12).start == D(2026, 7, 1)
    # Before the anchor: cycles run backwards on the same dates.
    assert fixed_cycle(D(2024, 1, 5), first_start=start, months=24) == Cycle(
        D(2023, 7, 1), D(2025, 6, 30)
    )


def test_anchored_cycle_ends_on_the_renewal_date():
    cycle = anchored_cycle(D(2026, 12, 4), renews_on=D(2027, 3, 15), months=24)
    assert cycle == Cycle(D(2025, 3, 16), D(2027, 3, 15))
    # The renewal day itself is the cycle's last day; the next day starts the next cycle.
    assert anchored_cycle(D(2027, 3, 15), renews_on=D(2027, 3, 15), months=24).end == D(2027, 3, 15)
    assert anchored_cycle(D(2027, 3, 16), renews_on=D(2027, 3, 15), months=24) == Cycle(
        D(2027, 3, 16), D(2029, 3, 15)
    )


def test_anchored_on_29_february_keeps_the_29th_in_leap_years():
    cycles = [
        anchored_cycle(D(y, 6, 1), renews_on=D(2028, 2, 29), months=12) for y in range(2026, 2030)
    ]
    assert [c.end for c in cycles] == [
        D(2027, 2, 28),
        D(2028, 2, 29),
        D(2029, 2, 28),
        D(2030, 2, 28),
    ]
    assert cycles[2].start == D(2028, 3, 1)
    # Cycles tile the calendar: each starts the day after the one before ends.
    for before, after in zip(cycles, cycles[1:], strict=False):
        assert after.start - before.end == dt.timedelta(days=1)


def test_fixed_cycles_tile_the_calendar_across_a_leap_day():
    start = D(2024, 2, 29)
    seen = [
        fixed_cycle(D(2024, 3, 1) + dt.timedelta(days=n), first_start=start, months=12)
        for n in range(0, 1500, 7)
    ]
    distinct = sorted(set(seen), key=lambda c: c.start)
    for before, after in zip(distinct, distinct[1:], strict=False):
        assert after.start - before.end == dt.timedelta(days=1)


def test_a_late_renewal_stretches_its_cycle_and_shortens_the_next():
    previous = Cycle(D(2025, 7, 1), D(2026, 6, 30))
    current = Cycle(D(2026, 7, 1), D(2027, 6, 30))
    late = {D(2026, 6, 30): D(2026, 8, 15)}
    assert counting_window(previous, late) == Window(D(2025, 7, 1), D(2026, 8, 15))
    assert counting_window(current, late) == Window(D(2026, 8, 16), D(2027, 6, 30))
    assert counting_window(current, {}) == Window(current.start, current.end)
