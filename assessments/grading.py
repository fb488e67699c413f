"""Grading: pure functions over frozen item versions and the learner's selections."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class ItemResult:
    version_id: int
    selected: frozenset[str]
    correct: bool


def item_correct(*, correct_ids: frozenset[str], selected: frozenset[str]) -> bool:
    """All or nothing: exactly the correct options, no more and no fewer. For single-choice and
    true/false items that is the one correct option."""
    return bool(selected) and selected == correct_ids


def score_percent(results: list[ItemResult]) -> Decimal:
    if not results:
        return Decimal(0)
    correct = sum(result.correct for result in results)
    return (Decimal(100) * correct / len(results)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def grade(*, versions: dict[int, frozenset[str]], selections: dict[int, frozenset[str]]):
    """versions: {version id: correct option ids}; selections: {version id: selected ids}.
    Unanswered items count as wrong."""
    results = [
        ItemResult(
            version_id=version_id,
            selected=selections.get(version_id, frozenset()),
            correct=item_correct(
                correct_ids=correct_ids, selected=selections.get(version_id, frozenset())
            ),
        )
        for version_id, correct_ids in versions.items()
    ]
    return results, score_percent(results)
