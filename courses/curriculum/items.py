"""A course's question bank (courses/<course>/items.yaml): vignettes and items, validated.

The assessments app stores and delivers them; this module only reads and checks the file, so a
bad item is reported with its line before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from courses.curriculum.sources import SLUG, SourceError, YamlDoc, load_yaml

ITEM_TYPES = {"single_choice", "multiple_response", "true_false"}
DIFFICULTIES = {"easy", "medium", "hard"}
ITEM_KEYS = {"id", "type", "module", "vignette", "competencies", "difficulty", "stem", "options"}
OPTION_KEYS = {"text", "correct", "rationale"}
VIGNETTE_KEYS = {"id", "title", "text"}


@dataclass
class OptionSpec:
    text: str
    correct: bool
    rationale: str


@dataclass
class ItemSpec:
    id: str
    type: str
    stem: str
    difficulty: str
    competencies: list[str]
    options: list[OptionSpec]
    module: str = ""
    vignette: str = ""
    line: int | None = None


@dataclass
class QuestionBank:
    path: str
    vignettes: dict[str, dict] = field(default_factory=dict)
    items: list[ItemSpec] = field(default_factory=list)
    doc: YamlDoc | None = None


def read_bank(file: Path, root: Path, errors: list[SourceError]) -> QuestionBank:
    doc = load_yaml(file, root)
    errors.extend(doc.errors)
    doc.errors = errors
    bank = QuestionBank(path=doc.path, doc=doc)
    data = doc.data if isinstance(doc.data, dict) else {}
    for key in sorted(set(data) - {"vignettes", "items"}):
        doc.error(f"unknown key '{key}' (allowed: items, vignettes)", key)
    vignettes = data.get("vignettes") or []
    if not isinstance(vignettes, list):
        doc.error("'vignettes' must be a list", "vignettes")
        vignettes = []
    for index, vignette in enumerate(vignettes):
        _vignette(doc, bank, vignette, index)
    items = data.get("items")
    if not isinstance(items, list) or not items:
        doc.error("'items' must be a list of at least one item", "items")
        items = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        spec = _item(doc, bank, item, index)
        if spec is None:
            continue
        if spec.id in seen:
            doc.error(f"duplicate item id '{spec.id}'", "items", index, "id")
        seen.add(spec.id)
        bank.items.append(spec)
    return bank


def _unknown(doc: YamlDoc, data: dict, allowed: set[str], *at) -> None:
    for key in sorted(set(data) - allowed):
        doc.error(f"unknown key '{key}' (allowed: {', '.join(sorted(allowed))})", *at, key)


def _slug_id(doc: YamlDoc, data: dict, *at) -> str:
    value = doc.text(data, "id", *at)
    if value and not SLUG.match(value):
        doc.error(f"id '{value}' is not a slug (a-z, 0-9, -)", *at, "id")
        return ""
    return value


def _vignette(doc: YamlDoc, bank: QuestionBank, vignette, index: int) -> None:
    at = ("vignettes", index)
    if not isinstance(vignette, dict):
        doc.error("each vignette needs id, title and text", *at)
        return
    _unknown(doc, vignette, VIGNETTE_KEYS, *at)
    vignette_id = _slug_id(doc, vignette, *at)
    if vignette_id in bank.vignettes:
        doc.error(f"duplicate vignette id '{vignette_id}'", *at, "id")
    bank.vignettes[vignette_id] = {
        "title": doc.text(vignette, "title", *at),
        "text": doc.text(vignette, "text", *at),
        "line": doc.line(*at),
    }


def _item(doc: YamlDoc, bank: QuestionBank, item, index: int) -> ItemSpec | None:
    at = ("items", index)
    if not isinstance(item, dict):
        doc.error("each item needs id, type, competencies, difficulty, stem and options", *at)
        return None
    _unknown(doc, item, ITEM_KEYS, *at)
    item_type = doc.text(item, "type", *at)
    if item_type and item_type not in ITEM_TYPES:
        doc.error(f"type must be one of {sorted(ITEM_TYPES)}, not '{item_type}'", *at, "type")
    difficulty = doc.text(item, "difficulty", *at)
    if difficulty and difficulty not in DIFFICULTIES:
        doc.error(
            f"difficulty must be one of {sorted(DIFFICULTIES)}, not '{difficulty}'",
            *at,
            "difficulty",
        )
    competencies = item.get("competencies")
    if not isinstance(competencies, list) or not competencies:
        doc.error("'competencies' must list at least one competency id", *at, "competencies")
        competencies = []
    vignette = doc.text(item, "vignette", *at, required=False)
    if vignette and vignette not in bank.vignettes:
        doc.error(f"unknown vignette '{vignette}' (not in 'vignettes')", *at, "vignette")
    spec = ItemSpec(
        id=_slug_id(doc, item, *at),
        type=item_type,
        stem=doc.text(item, "stem", *at),
        difficulty=difficulty,
        competencies=[str(c) for c in competencies],
        options=_options(doc, item, at),
        module=doc.text(item, "module", *at, required=False),
        vignette=vignette,
        line=doc.line(*at),
    )
    _check_key(doc, spec, at)
    return spec


def _options(doc: YamlDoc, item: dict, at: tuple) -> list[OptionSpec]:
    options = item.get("options")
    if not isinstance(options, list) or len(options) < 2:
        doc.error("'options' must list at least two options", *at, "options")
        return []
    result = []
    for index, option in enumerate(options):
        where = (*at, "options", index)
        if not isinstance(option, dict):
            doc.error("each option needs text and rationale (and correct: true if it is)", *where)
            continue
        _unknown(doc, option, OPTION_KEYS, *where)
        correct = option.get("correct", False)
        if not isinstance(correct, bool):
            doc.error(f"'correct' must be true or false, not {correct!r}", *where, "correct")
            correct = False
        result.append(
            OptionSpec(
                text=doc.text(option, "text", *where),
                correct=correct,
                rationale=doc.text(option, "rationale", *where),
            )
        )
    texts = [option.text for option in result]
    if len(set(texts)) != len(texts):
        doc.error("two options have the same text", *at, "options")
    return result


def _check_key(doc: YamlDoc, spec: ItemSpec, at: tuple) -> None:
    """The answer key must make sense for the item type."""
    if not spec.options:
        return
    correct = sum(option.correct for option in spec.options)
    if spec.type == "single_choice" and correct != 1:
        doc.error(f"a single_choice item needs exactly one correct option ({correct} found)", *at)
    elif spec.type == "multiple_response" and correct < 1:
        doc.error("a multiple_response item needs at least one correct option", *at)
    elif spec.type == "true_false" and (
        sorted(option.text for option in spec.options) != ["False", "True"] or correct != 1
    ):
        doc.error(
            "a true_false item has exactly the options True and False, one of them correct", *at
        )
