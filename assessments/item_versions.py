"""An item's wording over time, whoever changes it (the curriculum files or the CMS).

The rule, in one place: while nobody has answered the current version it is edited in place;
once someone has, a change makes a new version, so graded attempts keep what they saw.
"""

from __future__ import annotations

import hashlib

from django.db import transaction

from assessments.models import Competency, Item, ItemPool, ItemVersion, Response
from courses.curriculum.items import item_problems
from courses.models import LessonObjective, ModulePage

WORDING = ("stem", "options", "vignette_title", "vignette_text")


class ItemRefused(Exception):
    """An edit the rules refuse; `messages` says each problem in words an author can act on."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


def option_id(item_code: str, text: str) -> str:
    """Stable while the option's text is unchanged; says nothing about correctness."""
    return hashlib.sha256(f"{item_code}\x1f{text}".encode()).hexdigest()[:12]


def option_stored(item_code: str, option) -> dict:
    """An option (an items.yaml OptionSpec) as an item version stores it."""
    stored = {
        "id": option_id(item_code, option.text),
        "text": option.text,
        "correct": option.correct,
        "rationale": option.rationale,
    }
    if option.fixed:
        stored["fixed"] = True
    return stored


def item_wording_write(item: Item, shown: dict) -> ItemVersion:
    """Make `shown` (stem, options, vignette_title, vignette_text) the item's current wording."""
    version = item.current_version
    if version is not None and all(getattr(version, k) == v for k, v in shown.items()):
        return version
    answered = version is not None and Response.objects.filter(item_version=version).exists()
    if version is None or answered:
        number = version.number + 1 if version else 1
        version = ItemVersion.objects.create(item=item, number=number, **shown)
        item.current_version = version
        item.save(update_fields=["current_version"])
    else:
        for name, value in shown.items():
            setattr(version, name, value)
        version.save(update_fields=list(shown))
    return version


@transaction.atomic
def item_revise(
    *,
    item: Item,
    editor,
    stem: str,
    difficulty: str,
    competency_codes: list[str],
    options: list[dict],
    pool: str | None = None,
    module_slug: str = "",
    objective_codes: list[str] | None = None,
) -> ItemVersion:
    """An author's edit in the CMS: checked by the items.yaml rules, then written by the
    versioning rule. The item keeps the digest of its file, so this edit stands until the
    file itself changes the item. Pool, module and objectives left out stay as they are."""
    if not editor.has_perm("assessments.change_item"):
        raise ItemRefused(["You may view items but not edit them."])
    item = Item.objects.select_for_update(of=("self",)).select_related("vignette").get(pk=item.pk)
    vignette = item.vignette
    modules = {m.slug: m for m in ModulePage.objects.child_of(item.course)}
    if pool is None:
        pool = item.pool
        module_slug = next((slug for slug, m in modules.items() if m.pk == item.module_id), "")
    if objective_codes is None:
        objective_codes = list(item.objectives.values_list("code", flat=True))
    moved_to_exam = item.pool == ItemPool.FORMATIVE and pool == ItemPool.SUMMATIVE
    if moved_to_exam and Response.objects.filter(item_version__item=item).exists():
        raise ItemRefused(
            [
                "This item has been answered in knowledge checks, whose results show the key, "
                "so it cannot become an exam item. Write a new summative item instead."
            ]
        )
    data = {
        "id": item.code,
        "pool": pool,
        "type": item.kind,
        "difficulty": difficulty,
        "competencies": list(competency_codes),
        "objectives": list(objective_codes),
        "stem": stem,
        "options": [
            {
                "text": o["text"],
                "correct": bool(o["correct"]),
                "rationale": o["rationale"],
                "fixed": bool(o.get("fixed")),
            }
            for o in options
        ],
    }
    if module_slug:
        data["module"] = module_slug
    vignettes = {}
    if vignette is not None:
        data["vignette"] = vignette.code
        vignettes[vignette.code] = {"title": vignette.title, "text": vignette.text}
    spec, problems = item_problems(data, vignettes)
    competencies = list(Competency.objects.filter(code__in=competency_codes, retired=False))
    unknown = sorted(set(competency_codes) - {c.code for c in competencies})
    if unknown:
        problems.append(f"Unknown or retired competency: {', '.join(unknown)}.")
    if module_slug and module_slug not in modules:
        problems.append(f"Unknown module '{module_slug}' (not in this item's course).")
    objectives = list(LessonObjective.objects.filter(course=item.course, code__in=objective_codes))
    unknown = sorted(set(objective_codes) - {o.code for o in objectives})
    if unknown:
        problems.append(f"Unknown objective of this course: {', '.join(unknown)}.")
    if problems:
        raise ItemRefused(problems)
    item.difficulty = spec.difficulty
    item.pool = spec.pool
    item.module = modules.get(spec.module) if spec.module else None
    item.save(update_fields=["difficulty", "pool", "module"])
    item.competencies.set(competencies)
    item.objectives.set(objectives)
    return item_wording_write(
        item,
        {
            "stem": spec.stem,
            "options": [option_stored(item.code, o) for o in spec.options],
            "vignette_title": vignette.title if vignette else "",
            "vignette_text": vignette.text if vignette else "",
        },
    )
