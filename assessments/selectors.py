"""Reads for the assessment pages. What goes to the browser before grading is built here, from
the frozen attempt, and holds no answer key: option ids and texts only."""

from __future__ import annotations

from dataclasses import dataclass, field

from assessments.models import Attempt, AttemptStatus, ItemVersion, Response


@dataclass
class ShownOption:
    id: str
    text: str
    selected: bool
    correct: bool | None = None  # only after grading, when feedback is shown
    rationale: str = ""


@dataclass
class ShownItem:
    number: int
    version_id: int
    kind: str
    stem: str
    vignette_title: str
    vignette_text: str
    options: list[ShownOption] = field(default_factory=list)
    correct: bool | None = None

    @property
    def multiple(self) -> bool:
        return self.kind == "multiple_response"

    @property
    def needs_choose_all_hint(self) -> bool:
        return self.multiple and "all that apply" not in self.stem.lower()


def attempt_items(*, attempt: Attempt, with_feedback: bool = False) -> list[ShownItem]:
    """The attempt's questions in their frozen order, with the learner's saved answers. The key
    and rationales are added only when `with_feedback` and the attempt has been graded."""
    reveal = with_feedback and attempt.status == AttemptStatus.SUBMITTED
    versions = {
        v.pk: v
        for v in ItemVersion.objects.filter(pk__in=attempt.version_ids).select_related(
            "item__vignette"
        )
    }
    responses = {r.item_version_id: r for r in Response.objects.filter(attempt=attempt)}
    shown = []
    for number, entry in enumerate(attempt.drawn, 1):
        version = versions[entry["version"]]
        options = {option["id"]: option for option in version.options}
        response = responses.get(version.pk)
        selected = set(response.selected) if response else set()
        vignette = version.item.vignette
        item = ShownItem(
            number=number,
            version_id=version.pk,
            kind=version.item.kind,
            stem=version.stem,
            vignette_title=vignette.title if vignette else "",
            vignette_text=vignette.text if vignette else "",
            correct=response.correct if (reveal and response) else None,
        )
        for option_id in entry["options"]:
            option = options[option_id]
            item.options.append(
                ShownOption(
                    id=option_id,
                    text=option["text"],
                    selected=option_id in selected,
                    correct=option["correct"] if reveal else None,
                    rationale=option["rationale"] if reveal else "",
                )
            )
        shown.append(item)
    return shown


def attempts_of(*, user, assessment) -> list[Attempt]:
    return list(Attempt.objects.filter(user=user, assessment=assessment).order_by("number"))
