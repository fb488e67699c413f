"""Item analysis: how each item version behaves once enough learners have answered it.

For every item version with at least MIN_RESPONSES graded responses:

- difficulty: the proportion of those responses that were correct (classical p-value);
- discrimination: the point-biserial correlation between the item score (0/1) and the rest of
  the attempt (the attempt's proportion correct on its other items), so the item is not
  correlated with itself;
- option use: how many responses chose each option, and the share of responses that did;
- flags: too easy (p > 0.95), too hard (p < 0.20), low or negative discrimination (r < 0.20),
  no discrimination at all (every score alike, so r is undefined), a distractor nobody chose.

The statistics are pure functions over plain values; `item_analysis()` reads what they need in
three queries, however many items, attempts and responses there are. Every graded attempt
counts, retakes included; an attempt with a single item has no rest score and so counts towards
difficulty and option use but not towards discrimination.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from string import ascii_uppercase

from django.db.models import Count, Q

from assessments.models import Item, ItemVersion, Response

# Item versions with fewer graded responses are not reported: their statistics are noise.
MIN_RESPONSES = 30
TOO_EASY_ABOVE = 0.95
TOO_HARD_BELOW = 0.20
LOW_DISCRIMINATION_BELOW = 0.20


@dataclass(frozen=True)
class GradedResponse:
    """One graded response: what was chosen, whether it was right, and the rest-of-attempt
    score (None when the attempt had no other graded item)."""

    selected: frozenset[str]
    correct: bool
    rest: float | None


@dataclass(frozen=True)
class OptionUse:
    label: str  # A, B, C... in the order the author wrote the options
    id: str
    text: str
    correct: bool
    rationale: str
    count: int
    proportion: float

    @property
    def percent(self) -> str:
        return f"{self.proportion:.0%}"

    @property
    def is_unused_distractor(self) -> bool:
        return not self.correct and self.count == 0


@dataclass(frozen=True)
class VersionStatistics:
    responses: int
    difficulty: float
    discrimination: float | None
    options: list[OptionUse]
    unanswered: int
    flags: list[str] = field(default_factory=list)

    @property
    def flagged(self) -> bool:
        return bool(self.flags)


@dataclass(frozen=True)
class ItemAnalysis:
    """A report row: one item version and its statistics."""

    item_id: int
    item_code: str
    course_title: str
    version_id: int
    version_number: int
    is_current: bool
    stats: VersionStatistics

    @property
    def responses(self) -> int:
        return self.stats.responses

    @property
    def difficulty(self) -> float:
        return self.stats.difficulty

    @property
    def discrimination(self) -> float | None:
        return self.stats.discrimination

    @property
    def options(self) -> list[OptionUse]:
        return self.stats.options

    @property
    def flags(self) -> list[str]:
        return self.stats.flags

    @property
    def flagged(self) -> bool:
        return self.stats.flagged

    @property
    def option_summary(self) -> str:
        """'A* 20 (67%); B 10 (33%); C 0 (0%)': the key is starred."""
        return option_summary(self.stats.options)

    @property
    def flag_summary(self) -> str:
        return "; ".join(self.stats.flags)


# == Statistics: pure functions ==


def proportion_correct(scores: Sequence[bool | int]) -> float:
    if not scores:
        raise ValueError("No scores: difficulty is undefined.")
    return sum(bool(s) for s in scores) / len(scores)


def rest_score(*, answered: int, correct: int, item_correct: bool) -> float | None:
    """The attempt's proportion correct without this item; None if it was the only one."""
    others = answered - 1
    if others <= 0:
        return None
    return (correct - int(item_correct)) / others


def point_biserial(item_scores: Sequence[bool | int], rest_scores: Sequence[float]) -> float | None:
    """Pearson's r between a 0/1 item score and a continuous score (the point-biserial
    correlation). None when either score never varies: the item then tells learners apart by
    nothing, and r is undefined."""
    if len(item_scores) != len(rest_scores):
        raise ValueError("Item and rest scores must pair up.")
    n = len(item_scores)
    if n < 2:
        return None
    xs = [float(bool(s)) for s in item_scores]
    mean_x, mean_y = sum(xs) / n, sum(rest_scores) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    syy = sum((y - mean_y) ** 2 for y in rest_scores)
    if sxx == 0 or syy == 0:
        return None
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, rest_scores, strict=True))
    r = sxy / math.sqrt(sxx * syy)
    return max(-1.0, min(1.0, r))  # floating point can land a hair outside [-1, 1]


def option_use(options: Sequence[dict], selections: Sequence[Iterable[str]]) -> list[OptionUse]:
    """How many responses chose each option (an option counts once per response; multiple-
    response items may choose several), and that count over all responses."""
    counts = dict.fromkeys((o["id"] for o in options), 0)
    for selected in selections:
        for option_id in set(selected):
            if option_id in counts:
                counts[option_id] += 1
    total = len(selections)
    return [
        OptionUse(
            label=option_label(position),
            id=o["id"],
            text=o["text"],
            correct=bool(o["correct"]),
            rationale=o.get("rationale", ""),
            count=counts[o["id"]],
            proportion=counts[o["id"]] / total if total else 0.0,
        )
        for position, o in enumerate(options)
    ]


def flags_for(
    *, difficulty: float, discrimination: float | None, options: Sequence[OptionUse]
) -> list[str]:
    flags = []
    if difficulty > TOO_EASY_ABOVE:
        flags.append(f"Too easy: {difficulty:.0%} correct")
    elif difficulty < TOO_HARD_BELOW:
        flags.append(f"Too hard: {difficulty:.0%} correct")
    if discrimination is None:
        flags.append("No discrimination: the item or the rest of the attempt never varies")
    elif discrimination < 0:
        flags.append(
            f"Negative discrimination ({discrimination:.2f}): "
            "learners who do well elsewhere miss it more often; check the key"
        )
    elif discrimination < LOW_DISCRIMINATION_BELOW:
        flags.append(f"Low discrimination ({discrimination:.2f})")
    flags.extend(
        f"Distractor {option.label} never chosen"
        for option in options
        if option.is_unused_distractor
    )
    return flags


def version_statistics(
    options: Sequence[dict], responses: Sequence[GradedResponse]
) -> VersionStatistics:
    difficulty = proportion_correct([r.correct for r in responses])
    paired = [r for r in responses if r.rest is not None]
    discrimination = point_biserial([r.correct for r in paired], [r.rest for r in paired])
    used = option_use(options, [r.selected for r in responses])
    return VersionStatistics(
        responses=len(responses),
        difficulty=difficulty,
        discrimination=discrimination,
        options=used,
        unanswered=sum(not r.selected for r in responses),
        flags=flags_for(difficulty=difficulty, discrimination=discrimination, options=used),
    )


def option_summary(options: Sequence[OptionUse]) -> str:
    return "; ".join(
        f"{o.label}{'*' if o.correct else ''} {o.count} ({o.percent})" for o in options
    )


def option_label(position: int) -> str:
    """A, B, C... by position in the options as the author wrote them."""
    return ascii_uppercase[position] if position < len(ascii_uppercase) else str(position + 1)


# == Selector ==


def item_analysis(
    *, min_responses: int = MIN_RESPONSES, item_ids: Iterable[int] | None = None
) -> list[ItemAnalysis]:
    """Every item version with at least `min_responses` graded responses (optionally only those
    of `item_ids`), in course and bank order. Three queries, whatever the volume. Pre-test
    answers, given before studying, stay out: they would make every item look harder."""
    graded = Response.objects.filter(correct__isnull=False).exclude(
        attempt__assessment__kind="pretest"
    )
    if item_ids is not None:
        graded = graded.filter(item_version__item_id__in=list(item_ids))
    eligible = (
        graded.order_by()
        .values("item_version_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=min_responses)
        .values("item_version_id")
    )
    versions = list(
        ItemVersion.objects.filter(pk__in=eligible)
        .select_related("item__course")
        .only("number", "options", "item__code", "item__current_version", "item__course__title")
        .order_by("item__course__path", "item__sort_order", "item__code", "number")
    )
    rows = list(
        graded.filter(item_version_id__in=eligible).values_list(
            "attempt_id", "item_version_id", "selected", "correct"
        )
    )
    attempts = (
        Response.objects.filter(
            correct__isnull=False,
            attempt_id__in=graded.filter(item_version_id__in=eligible).values("attempt_id"),
        )
        .order_by()
        .values("attempt_id")
        .annotate(answered=Count("pk"), right=Count("pk", filter=Q(correct=True)))
    )
    totals = {a["attempt_id"]: (a["answered"], a["right"]) for a in attempts}

    by_version: dict[int, list[GradedResponse]] = {}
    for attempt_id, version_id, selected, correct in rows:
        if attempt_id not in totals:
            continue  # deleted (with its learner) between the queries
        answered, right = totals[attempt_id]
        by_version.setdefault(version_id, []).append(
            GradedResponse(
                selected=frozenset(selected or ()),
                correct=correct,
                rest=rest_score(answered=answered, correct=right, item_correct=correct),
            )
        )
    return [
        ItemAnalysis(
            item_id=version.item_id,
            item_code=version.item.code,
            course_title=version.item.course.title,
            version_id=version.pk,
            version_number=version.number,
            is_current=version.item.current_version_id == version.pk,
            stats=version_statistics(version.options, by_version[version.pk]),
        )
        for version in versions
        if by_version.get(version.pk)
    ]


# == Exposure ==


@dataclass(frozen=True)
class ItemExposure:
    """How widely an item has been seen, and how often its key was shown with it."""

    item_id: int
    item_code: str
    course_title: str
    pool: str
    drawn: int  # graded attempts that asked it
    learners: int
    keys_shown: int  # of those attempts, how many showed the key afterwards
    exposed_at: object
    retired: bool


# A graded attempt shows its key: a knowledge check with full feedback, or a passed attempt whose
# policy shows rationales once passed (an exam's key is never shown on a failed attempt).
KEY_SHOWN = Q(attempt__assessment__kind="knowledge_check", attempt__assessment__feedback="full") | (
    Q(attempt__passed=True) & ~Q(attempt__assessment__feedback="score_only")
)


def item_exposure(*, item_ids: Iterable[int] | None = None) -> list[ItemExposure]:
    """Every item some graded attempt has asked, exam items first. Two queries."""
    graded = Response.objects.filter(correct__isnull=False)
    if item_ids is not None:
        graded = graded.filter(item_version__item_id__in=list(item_ids))
    counts = {
        row["item_version__item_id"]: row
        for row in graded.order_by()
        .values("item_version__item_id")
        .annotate(
            drawn=Count("attempt", distinct=True),
            learners=Count("attempt__user", distinct=True),
            keys_shown=Count("attempt", distinct=True, filter=KEY_SHOWN),
        )
    }
    items = (
        Item.objects.filter(pk__in=counts)
        .select_related("course")
        .order_by("-pool", "course__path", "sort_order")
    )
    return [
        ItemExposure(
            item_id=item.pk,
            item_code=item.code,
            course_title=item.course.title,
            pool=item.get_pool_display().split(" (")[0],
            drawn=counts[item.pk]["drawn"],
            learners=counts[item.pk]["learners"],
            keys_shown=counts[item.pk]["keys_shown"],
            exposed_at=item.exposed_at,
            retired=item.retired,
        )
        for item in items
    ]
