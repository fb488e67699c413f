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
POOLS = {"formative", "summative"}
ITEM_KEYS = {
    "id",
    "pool",
    "type",
    "module",
    "vignette",
    "competencies",
    "objectives",
    "difficulty",
    "stem",
    "options",
}
OPTION_KEYS = {"text", "correct", "rationale", "fixed"}
VIGNETTE_KEYS = {"id", "title", "text"}
FEEDBACK_POLICIES = {"full", "score_then_full_on_pass", "score_only"}
# The course exam's rules; an items.yaml `exam:` block overrides any of them.
EXAM_DEFAULTS = {
    "passing_score": 80,  # percent
    "form_length": 8,  # items drawn per attempt; the summative pool holds at least twice as many
    "max_attempts": 3,
    "cooldown_minutes": 24 * 60,
    "time_limit_minutes": None,
    "feedback": "score_then_full_on_pass",
}


@dataclass
class OptionSpec:
    text: str
    correct: bool
    rationale: str
    fixed: bool = False  # keeps its place when options are shuffled ("None of the above")


@dataclass
class ItemSpec:
    id: str
    type: str
    stem: str
    difficulty: str
    competencies: list[str]
    options: list[OptionSpec]
    pool: str = "formative"  # formative: a module's knowledge check; summative: the course exam
    module: str = ""
    vignette: str = ""
    objectives: list[str] = field(default_factory=list)  # lesson objective ids it assesses
    line: int | None = None


@dataclass
class QuestionBank:
    path: str
    vignettes: dict[str, dict] = field(default_factory=dict)
    items: list[ItemSpec] = field(default_factory=list)
    exam: dict = field(default_factory=lambda: dict(EXAM_DEFAULTS))
    doc: YamlDoc | None = None


def read_bank(file: Path, root: Path, errors: list[SourceError]) -> QuestionBank:
    doc = load_yaml(file, root)
    errors.extend(doc.errors)
    doc.errors = errors
    bank = QuestionBank(path=doc.path, doc=doc)
    data = doc.data if isinstance(doc.data, dict) else {}
    for key in sorted(set(data) - {"vignettes", "items", "exam"}):
        doc.error(f"unknown key '{key}' (allowed: exam, items, vignettes)", key)
    _exam(doc, bank, data.get("exam"))
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


def _exam(doc: YamlDoc, bank: QuestionBank, exam) -> None:
    if exam is None:
        return
    if not isinstance(exam, dict):
        doc.error("'exam' must be a mapping of exam rules", "exam")
        return
    doc.unknown_keys(exam, set(EXAM_DEFAULTS), "exam")
    lowest = {
        "form_length": 1,
        "max_attempts": 1,
        "cooldown_minutes": 0,
        "time_limit_minutes": 1,
    }
    for key, low in lowest.items():
        if key not in exam:
            continue
        value = exam[key]
        if value is None and key in {"max_attempts", "time_limit_minutes"}:
            bank.exam[key] = None  # no limit
        elif isinstance(value, bool) or not isinstance(value, int) or value < low:
            doc.error(f"'{key}' must be a whole number >= {low}, not {value!r}", "exam", key)
        else:
            bank.exam[key] = value
    if "passing_score" in exam:
        score = exam["passing_score"]
        if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 100:
            doc.error(
                f"'passing_score' must be a percent from 1 to 100, not {score!r}",
                "exam",
                "passing_score",
            )
        else:
            bank.exam["passing_score"] = score
    if "feedback" in exam:
        if exam["feedback"] not in FEEDBACK_POLICIES:
            doc.error(
                f"'feedback' must be one of {sorted(FEEDBACK_POLICIES)}, not {exam['feedback']!r}",
                "exam",
                "feedback",
            )
        elif exam["feedback"] == "full":
            doc.error(
                "an exam's key is shown only once it is passed: 'feedback' is "
                "'score_then_full_on_pass' or 'score_only'",
                "exam",
                "feedback",
            )
        else:
            bank.exam["feedback"] = exam["feedback"]


def paragraphs(text: str) -> str:
    """Line breaks inside a paragraph are wrapping in the file, not in the text."""
    return "\n\n".join(" ".join(p.split()) for p in text.split("\n\n") if p.strip())


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
    doc.unknown_keys(vignette, VIGNETTE_KEYS, *at)
    vignette_id = _slug_id(doc, vignette, *at)
    if vignette_id in bank.vignettes:
        doc.error(f"duplicate vignette id '{vignette_id}'", *at, "id")
    bank.vignettes[vignette_id] = {
        "title": doc.text(vignette, "title", *at),
        "text": paragraphs(doc.text(vignette, "text", *at)),
        "line": doc.line(*at),
    }


def _item(doc: YamlDoc, bank: QuestionBank, item, index: int) -> ItemSpec | None:
    at = ("items", index)
    if not isinstance(item, dict):
        doc.error("each item needs id, type, competencies, difficulty, stem and options", *at)
        return None
    doc.unknown_keys(item, ITEM_KEYS, *at)
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
    pool = doc.text(item, "pool", *at)
    if pool and pool not in POOLS:
        doc.error(f"pool must be one of {sorted(POOLS)}, not '{pool}'", *at, "pool")
    objectives = item.get("objectives", [])
    if not isinstance(objectives, list) or not all(isinstance(o, str) for o in objectives):
        doc.error("'objectives' must list lesson objective ids", *at, "objectives")
        objectives = []
    spec = ItemSpec(
        id=_slug_id(doc, item, *at),
        type=item_type,
        stem=" ".join(doc.text(item, "stem", *at).split()),
        difficulty=difficulty,
        competencies=[str(c) for c in competencies],
        options=_options(doc, item, at),
        pool=pool,
        module=doc.text(item, "module", *at, required=False),
        vignette=vignette,
        objectives=objectives,
        line=doc.line(*at),
    )
    _check_key(doc, spec, at)
    _check_pool(doc, spec, at)
    return spec


def _check_pool(doc: YamlDoc, spec: ItemSpec, at: tuple) -> None:
    """A formative item belongs to a module's knowledge check and may show its key there; a
    summative item is for the exam only and says which lesson objectives it assesses."""
    if spec.pool == "formative" and not spec.module:
        doc.error("a formative item needs 'module' (the knowledge check it belongs to)", *at)
    elif spec.pool == "summative":
        if spec.module:
            doc.error(
                "a summative item is for the course exam only: remove 'module'", *at, "module"
            )
        if not spec.objectives:
            doc.error(
                "a summative item needs 'objectives' (the lesson objective ids it assesses)",
                *at,
                "objectives",
            )


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
        doc.unknown_keys(option, OPTION_KEYS, *where)
        flags = {}
        for flag in ("correct", "fixed"):
            flags[flag] = option.get(flag, False)
            if not isinstance(flags[flag], bool):
                doc.error(f"'{flag}' must be true or false, not {flags[flag]!r}", *where, flag)
                flags[flag] = False
        result.append(
            OptionSpec(
                text=doc.text(option, "text", *where),
                correct=flags["correct"],
                rationale=doc.text(option, "rationale", *where),
                fixed=flags["fixed"],
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


def item_problems(data: dict, vignettes: dict[str, dict]) -> tuple[ItemSpec | None, list[str]]:
    """Check one item given as items.yaml would give it, by the file's own rules: the CMS
    editor uses this, so an item edited there can always be written back to a file."""
    doc = YamlDoc(path="item", data=data)
    bank = QuestionBank(path="item", vignettes=vignettes, doc=doc)
    spec = _item(doc, bank, data, 0)
    return spec, [error.message for error in doc.errors]
