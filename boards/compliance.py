"""Judging one licensee's CE against one rule version for one cycle.

Pure: it takes the terms, the cycle and the licensee's CE items and returns the judgement, so
the board's list of ten thousand licensees, a licensee's own page, the API and an audit all
judge alike (boards.selectors loads the data in a fixed number of queries)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from boards.cycles import Cycle, Window

ZERO = Decimal(0)


class Status(StrEnum):
    COMPLIANT = "compliant"
    NOT_YET = "not_yet"
    NOT_COMPLIANT = "not_compliant"
    NO_RULE = "no_rule"
    RENEWAL_DATE_UNKNOWN = "renewal_date_unknown"


STATUS_LABELS = {
    Status.COMPLIANT: "Compliant",
    Status.NOT_YET: "Not yet",
    Status.NOT_COMPLIANT: "Not compliant",
    Status.NO_RULE: "No rule in force",
    Status.RENEWAL_DATE_UNKNOWN: "Renewal date unknown",
}


@dataclass(frozen=True)
class Minimum:
    area_id: int
    area: str
    hours: Decimal


@dataclass(frozen=True)
class Terms:
    """A rule version's terms, as loaded once for every licensee it judges."""

    version_id: int
    number: int
    effective_from: datetime.date
    cycle_kind: str
    cycle_months: int
    fixed_start: datetime.date | None
    total_hours: Decimal
    credit_types: frozenset[str]  # names; empty: every credit type counts
    carry_over_hours: Decimal
    minimums: tuple[Minimum, ...] = ()
    maximums: dict[str, Decimal] = field(default_factory=dict)  # delivery -> most hours

    @property
    def anchored(self) -> bool:
        return self.cycle_kind == "anchored"


@dataclass(frozen=True)
class CeItem:
    """One piece of CE: a credential we issued, or evidence a board accepted."""

    key: str
    source: str  # "credential" or "evidence"
    title: str
    completed_on: datetime.date
    hours: Decimal
    credit_type: str
    delivery: str
    area_ids: frozenset[int]
    withheld: str = ""  # why it cannot count at all (revoked, suspended); "" when it can


@dataclass(frozen=True)
class Outcome:
    item: CeItem
    counted: Decimal
    reason: str  # why it counts less than its hours; "" when it counts in full


@dataclass(frozen=True)
class AreaProgress:
    area_id: int
    area: str
    required: Decimal
    earned: Decimal

    @property
    def missing(self) -> Decimal:
        return max(self.required - self.earned, ZERO)


@dataclass(frozen=True)
class Judgement:
    status: Status
    cycle: Cycle | None = None
    window: Window | None = None
    terms: Terms | None = None
    required: Decimal = ZERO
    earned: Decimal = ZERO  # counted in the cycle, without hours carried in
    carried_in: Decimal = ZERO
    areas: tuple[AreaProgress, ...] = ()
    outcomes: tuple[Outcome, ...] = ()

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def counted(self) -> Decimal:
        return self.earned + self.carried_in

    @property
    def missing_total(self) -> Decimal:
        return max(self.required - self.counted, ZERO)

    @property
    def missing(self) -> list[str]:
        """What is still needed, in words ("1.5 more hours of Ethics")."""
        if self.terms is None:
            return []
        needs = [f"{more_hours(a.missing)} of {a.area}" for a in self.areas if a.missing]
        if self.missing_total:
            needs.insert(0, f"{more_hours(self.missing_total)} in total")
        return needs


def hours_text(hours: Decimal) -> str:
    return f"{hours.normalize():f}"


def more_hours(hours: Decimal) -> str:
    return f"{hours_text(hours)} more {'hour' if hours == 1 else 'hours'}"


def _counts_at_all(item: CeItem, terms: Terms) -> str:
    if item.withheld:
        return item.withheld
    if item.hours <= 0:
        return "it carries no CE hours"
    # Evidence was judged by the board itself when it accepted it.
    refused_type = terms.credit_types and item.credit_type not in terms.credit_types
    if item.source == "credential" and refused_type:
        given = item.credit_type or "no credit type"
        accepted = ", ".join(sorted(terms.credit_types))
        return f"its credit ({given}) is not one this rule accepts ({accepted})"
    return ""


def judge(
    *,
    terms: Terms,
    cycle: Cycle,
    window: Window,
    items: list[CeItem],
    today: datetime.date,
    carried_in: Decimal = ZERO,
) -> Judgement:
    """Count each item of the window, earliest first (so delivery maximums are used up in the
    order the CE was taken), then compare the totals with the terms."""
    used: dict[str, Decimal] = {}
    outcomes = []
    for item in sorted(items, key=lambda i: (i.completed_on, i.key)):
        if item.completed_on not in window:
            continue
        refused = _counts_at_all(item, terms)
        if refused:
            outcomes.append(Outcome(item, ZERO, f"Not counted: {refused}."))
            continue
        counted, reason = item.hours, ""
        most = terms.maximums.get(item.delivery)
        if most is not None:
            room = max(most - used.get(item.delivery, ZERO), ZERO)
            if room < counted:
                counted = room
                reason = (
                    f"{hours_text(room)} of {hours_text(item.hours)} hours count: the rule "
                    f"allows at most {hours_text(most)} hours of {item.delivery.replace('_', ' ')}."
                )
            used[item.delivery] = used.get(item.delivery, ZERO) + counted
        outcomes.append(Outcome(item, counted, reason))
    earned = sum((o.counted for o in outcomes), ZERO)
    areas = tuple(
        AreaProgress(
            m.area_id,
            m.area,
            m.hours,
            sum((o.counted for o in outcomes if m.area_id in o.item.area_ids), ZERO),
        )
        for m in terms.minimums
    )
    met = earned + carried_in >= terms.total_hours and not any(a.missing for a in areas)
    if met:
        status = Status.COMPLIANT
    elif today <= window.end:
        status = Status.NOT_YET
    else:
        status = Status.NOT_COMPLIANT
    return Judgement(
        status=status,
        cycle=cycle,
        window=window,
        terms=terms,
        required=terms.total_hours,
        earned=earned,
        carried_in=carried_in,
        areas=areas,
        outcomes=tuple(outcomes),
    )


def carry_over(previous: Judgement, terms: Terms) -> Decimal:
    """Hours earned in the previous cycle beyond its total, up to what `terms` let carry in.
    Hours carried into the previous cycle never carry again."""
    if previous.terms is None or not terms.carry_over_hours:
        return ZERO
    excess = max(previous.earned - previous.required, ZERO)
    return min(excess, terms.carry_over_hours)
