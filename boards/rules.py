"""Which version of a rule governs a cycle, and which cycle holds a day.

A version governs the cycles that start on or after its effective date; the first version also
governs the cycle in progress when it was adopted (nothing governed it before). A version adopted
in the middle of a cycle leaves that cycle to the version before it."""

from __future__ import annotations

import datetime
from collections import defaultdict

from boards.compliance import Minimum, Terms
from boards.cycles import Cycle, anchored_cycle, fixed_cycle
from boards.models import DeliveryMaximum, RenewalRule, RuleVersion, SubjectMinimum

ONE_DAY = datetime.timedelta(days=1)


class RenewalDateUnknown(Exception):
    """An anchored rule needs the licence's renewal date and it is not known."""


def cycle_under(terms: Terms, day: datetime.date, renews_on: datetime.date | None) -> Cycle:
    if terms.anchored:
        if renews_on is None:
            raise RenewalDateUnknown
        return anchored_cycle(day, renews_on=renews_on, months=terms.cycle_months)
    return fixed_cycle(day, first_start=terms.fixed_start, months=terms.cycle_months)


def governing(
    versions: list[Terms], day: datetime.date, renews_on: datetime.date | None
) -> tuple[Terms, Cycle] | None:
    """The version governing the cycle that holds `day`, and that cycle; None when no version
    governs it. `versions` are in order of their effective dates."""
    adopted = [v for v in versions if v.effective_from <= day]
    for terms in reversed(adopted):
        cycle = cycle_under(terms, day, renews_on)
        if cycle.start >= terms.effective_from or terms is adopted[0]:
            return terms, cycle
    return None


def terms_by_licence_type(board_id: int) -> dict[str, list[Terms]]:
    """Every version of the board's rules, by licence type, in order: four queries."""
    versions = list(
        RuleVersion.objects.filter(rule__board_id=board_id)
        .select_related("rule")
        .order_by("effective_from")
    )
    ids = [v.pk for v in versions]
    minimums = defaultdict(list)
    for m in SubjectMinimum.objects.filter(version_id__in=ids).select_related("area"):
        minimums[m.version_id].append(Minimum(m.area_id, m.area.name, m.hours))
    maximums = defaultdict(dict)
    for m in DeliveryMaximum.objects.filter(version_id__in=ids):
        maximums[m.version_id][m.delivery] = m.hours
    credit_types = defaultdict(set)
    through = RuleVersion.credit_types.through.objects.filter(ruleversion_id__in=ids)
    for version_id, name in through.values_list("ruleversion_id", "credittype__name"):
        credit_types[version_id].add(name)
    out: dict[str, list[Terms]] = defaultdict(list)
    for v in versions:
        out[v.rule.licence_type].append(
            Terms(
                version_id=v.pk,
                number=v.number,
                effective_from=v.effective_from,
                cycle_kind=v.cycle_kind,
                cycle_months=v.cycle_months,
                fixed_start=v.fixed_start,
                total_hours=v.total_hours,
                credit_types=frozenset(credit_types[v.pk]),
                carry_over_hours=v.carry_over_hours,
                minimums=tuple(sorted(minimums[v.pk], key=lambda m: m.area)),
                maximums=maximums[v.pk],
            )
        )
    return dict(out)


def governed_licence_types(board_id: int) -> set[str]:
    return set(
        RenewalRule.objects.filter(board_id=board_id, versions__isnull=False).values_list(
            "licence_type", flat=True
        )
    )
