"""The judgement alone (no database): what counts, in which order, and what is missing."""

import datetime as dt
from decimal import Decimal

from boards.compliance import CeItem, Minimum, Status, Terms, carry_over, judge
from boards.cycles import Cycle, Window

D = dt.date
CYCLE = Cycle(D(2026, 7, 1), D(2027, 6, 30))
WINDOW = Window(CYCLE.start, CYCLE.end)


def terms(**overrides) -> Terms:
    values = {
        "version_id": 1,
        "number": 1,
        "effective_from": D(2020, 1, 1),
        "cycle_kind": "fixed",
        "cycle_months": 12,
        "fixed_start": D(2025, 7, 1),
        "total_hours": Decimal(10),
        "credit_types": frozenset(),
        "carry_over_hours": Decimal(0),
    }
    values.update(overrides)
    return Terms(**values)


def item(key, day, hours, *, source="credential", delivery="self_study", areas=(), **extra):
    return CeItem(
        key=key,
        source=source,
        title=f"Course {key}",
        completed_on=day,
        hours=Decimal(hours),
        credit_type=extra.pop("credit_type", ""),
        delivery=delivery,
        area_ids=frozenset(areas),
        **extra,
    )


def test_items_outside_the_window_are_left_out_entirely():
    result = judge(
        terms=terms(),
        cycle=CYCLE,
        window=WINDOW,
        items=[item("a", D(2026, 6, 30), 5), item("b", D(2026, 7, 1), 3)],
        today=D(2026, 12, 1),
    )
    assert [o.item.key for o in result.outcomes] == ["b"]
    assert result.missing == ["7 more hours in total"]
    one_short = judge(
        terms=terms(total_hours=Decimal(4)),
        cycle=CYCLE,
        window=WINDOW,
        items=[item("b", D(2026, 7, 1), 3)],
        today=D(2026, 12, 1),
    )
    assert one_short.missing == ["1 more hour in total"]


def test_a_maximum_is_used_up_in_the_order_the_ce_was_taken():
    items = [item("late", D(2026, 9, 1), 4), item("early", D(2026, 8, 1), 4)]
    result = judge(
        terms=terms(maximums={"self_study": Decimal(5)}),
        cycle=CYCLE,
        window=WINDOW,
        items=items,
        today=D(2026, 12, 1),
    )
    assert [(o.item.key, o.counted) for o in result.outcomes] == [
        ("early", Decimal(4)),
        ("late", Decimal(1)),
    ]
    assert result.outcomes[1].reason.startswith("1 of 4 hours count")
    # Another delivery type is not limited by the self-study maximum.
    live = judge(
        terms=terms(maximums={"self_study": Decimal(5)}),
        cycle=CYCLE,
        window=WINDOW,
        items=[*items, item("live", D(2026, 10, 1), 6, source="evidence", delivery="live")],
        today=D(2026, 12, 1),
    )
    assert live.counted == Decimal(11) and live.status == Status.COMPLIANT


def test_evidence_the_board_accepted_is_not_held_to_the_credit_types():
    accepted = terms(credit_types=frozenset({"ANCC contact hours"}))
    result = judge(
        terms=accepted,
        cycle=CYCLE,
        window=WINDOW,
        items=[
            item("ours", D(2026, 8, 1), 2, credit_type="AMA PRA Category 1 Credit"),
            item("elsewhere", D(2026, 8, 2), 2, source="evidence", credit_type="anything"),
        ],
        today=D(2026, 12, 1),
    )
    assert [o.counted for o in result.outcomes] == [Decimal(0), Decimal(2)]


def test_status_after_the_window_is_not_compliant_and_before_it_not_yet():
    args = {"terms": terms(), "cycle": CYCLE, "window": WINDOW, "items": []}
    assert judge(**args, today=CYCLE.end).status == Status.NOT_YET
    assert judge(**args, today=CYCLE.end + dt.timedelta(days=1)).status == Status.NOT_COMPLIANT


def test_hours_count_toward_every_subject_area_they_fall_in_but_once_in_the_total():
    minimums = (Minimum(1, "Ethics", Decimal(2)), Minimum(2, "Medication safety", Decimal(2)))
    result = judge(
        terms=terms(total_hours=Decimal(2), minimums=minimums),
        cycle=CYCLE,
        window=WINDOW,
        items=[item("both", D(2026, 8, 1), 2, areas={1, 2})],
        today=D(2026, 12, 1),
    )
    assert [a.earned for a in result.areas] == [Decimal(2), Decimal(2)]
    assert result.counted == Decimal(2) and result.status == Status.COMPLIANT


def test_carry_over_is_the_excess_up_to_the_limit_and_never_carries_twice():
    previous = judge(
        terms=terms(total_hours=Decimal(4)),
        cycle=CYCLE,
        window=WINDOW,
        items=[item("a", D(2026, 8, 1), 7)],
        today=D(2027, 7, 1),
        carried_in=Decimal(5),
    )
    assert carry_over(previous, terms(carry_over_hours=Decimal(10))) == Decimal(3)
    assert carry_over(previous, terms(carry_over_hours=Decimal(2))) == Decimal(2)
    assert carry_over(previous, terms()) == Decimal(0)
