"""How a judgement and a rule read on a page. The board and the licensee see the same cycle
view (templates/boards/cycle.html), built here from boards.compliance's judgement."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from accounts.models import Licence
from boards.compliance import Judgement, Outcome, Terms, hours_text
from boards.models import CycleKind, Delivery


@dataclass(frozen=True)
class Bar:
    key: str
    label: str
    done: Decimal
    required: Decimal

    @property
    def left(self) -> Decimal:
        return max(self.required - self.done, Decimal(0))

    @property
    def percent(self) -> int:
        if not self.required:
            return 100
        return min(100, int(self.done * 100 / self.required))


@dataclass(frozen=True)
class Line:
    outcome: Outcome
    areas: str  # the subject areas it counts toward, in words

    @property
    def is_credential(self) -> bool:
        return self.outcome.item.source == "credential"


@dataclass
class CycleView:
    key: str  # unique on the page: element ids derive from it
    title: str
    judgement: Judgement
    bars: list[Bar]
    lines: list[Line]
    needs: list[str] = field(default_factory=list)  # "You need … by …", for the licensee
    courses: list = field(default_factory=list)  # courses that would fill the gap
    self_study_full: bool = False  # no self-study course would count any more


def cycle_view(key: str, title: str, judgement: Judgement) -> CycleView:
    names = {m.area_id: m.area for m in judgement.terms.minimums} if judgement.terms else {}
    bars = []
    if judgement.terms is not None:
        bars.append(Bar(f"{key}-total", "All CE", judgement.counted, judgement.required))
        bars += [
            Bar(f"{key}-area-{a.area_id}", a.area, a.earned, a.required) for a in judgement.areas
        ]
    lines = [
        Line(o, ", ".join(sorted(names[i] for i in o.item.area_ids if i in names)))
        for o in judgement.outcomes
    ]
    return CycleView(key, title, judgement, bars, lines)


def terms_in_words(terms: Terms) -> list[str]:
    if terms.cycle_kind == CycleKind.FIXED:
        cycle = (
            f"{terms.cycle_months}-month cycles on fixed dates, the same for every licensee; "
            f"one starts on {terms.fixed_start:%-d %B %Y}."
        )
    else:
        cycle = f"{terms.cycle_months}-month cycles, each ending on the licensee's renewal date."
    lines = [cycle, f"{hours_text(terms.total_hours)} hours of CE in each cycle."]
    lines += [f"At least {hours_text(m.hours)} of them in {m.area}." for m in terms.minimums]
    lines += [
        f"At most {hours_text(hours)} hours of {Delivery(delivery).label.lower()} count."
        for delivery, hours in sorted(terms.maximums.items())
    ]
    if terms.credit_types:
        lines.append("Credit types accepted: " + ", ".join(sorted(terms.credit_types)) + ".")
    else:
        lines.append("Every credit type is accepted.")
    if terms.carry_over_hours:
        lines.append(
            f"Up to {hours_text(terms.carry_over_hours)} hours earned beyond a cycle's total "
            "count in the next cycle."
        )
    else:
        lines.append("Nothing carries over: only CE earned within a cycle counts for it.")
    return lines


@dataclass(frozen=True)
class VersionInWords:
    terms: Terms
    in_force: bool  # the latest version adopted by today
    upcoming: bool
    lines: list[str]


def rules_in_words(
    terms_by_type: dict[str, list[Terms]], today: datetime.date
) -> list[tuple[str, list[VersionInWords]]]:
    """Each licence type's versions, newest first, with the one in force today marked."""
    labels = dict(Licence.LicenceType.choices)
    out = []
    for licence_type in sorted(terms_by_type):
        versions = terms_by_type[licence_type]
        adopted = [v for v in versions if v.effective_from <= today]
        latest = adopted[-1] if adopted else None
        words = [
            VersionInWords(v, v is latest, v.effective_from > today, terms_in_words(v))
            for v in reversed(versions)
        ]
        out.append((labels.get(licence_type, licence_type), words))
    return out
