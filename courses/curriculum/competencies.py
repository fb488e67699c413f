"""The competency framework file (content/competencies.yaml): domains, each with competencies."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from courses.curriculum.sources import SLUG, SourceError, YamlDoc, load_yaml

COMPETENCY_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\.[a-z0-9]+(?:-[a-z0-9]+)*$")
DOMAIN_KEYS = {"id", "name", "description", "competencies"}
COMPETENCY_KEYS = {"id", "name", "description", "retired", "behaviours"}
BEHAVIOUR_KEYS = {"id", "text"}
BEHAVIOUR_TEXT_LIMIT = 200


@dataclass
class CompetencySpec:
    id: str
    domain: str
    name: str
    description: str
    retired: bool = False
    # What an observer watches for: (stable slug, text), in checklist order.
    behaviours: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Framework:
    path: str
    domains: dict[str, dict] = field(default_factory=dict)  # id -> {name, description}
    competencies: dict[str, CompetencySpec] = field(default_factory=dict)


def framework_path(curricula_root: Path) -> Path:
    """The framework sits next to the curricula folder: content/competencies.yaml."""
    return curricula_root.parent / "competencies.yaml"


def read_framework(file: Path, errors: list[SourceError]) -> Framework | None:
    if not file.is_file():
        return None
    doc = load_yaml(file, file.parent)
    errors.extend(doc.errors)
    doc.errors = errors
    framework = Framework(path=doc.path)
    domains = doc.data.get("domains") if isinstance(doc.data, dict) else None
    if not isinstance(domains, list) or not domains:
        doc.error("'domains' must be a list of domains, each with competencies", "domains")
        return framework
    for index, domain in enumerate(domains):
        _domain(doc, framework, domain, index)
    return framework


def _domain(doc: YamlDoc, framework: Framework, domain, index: int) -> None:
    at = ("domains", index)
    if not isinstance(domain, dict):
        doc.error("each domain needs id, name, description and competencies", *at)
        return
    doc.unknown_keys(domain, DOMAIN_KEYS, *at)
    domain_id = doc.text(domain, "id", *at)
    if domain_id and not SLUG.match(domain_id):
        doc.error(f"domain id '{domain_id}' is not a slug (a-z, 0-9, -)", *at, "id")
    elif domain_id in framework.domains:
        doc.error(f"duplicate domain id '{domain_id}'", *at, "id")
    framework.domains[domain_id] = {
        "name": doc.text(domain, "name", *at),
        "description": doc.text(domain, "description", *at),
    }
    competencies = domain.get("competencies")
    if not isinstance(competencies, list) or not competencies:
        doc.error(f"domain '{domain_id}' must list its competencies", *at, "competencies")
        return
    for position, item in enumerate(competencies):
        where = (*at, "competencies", position)
        if not isinstance(item, dict):
            doc.error("each competency needs id, name and description", *where)
            continue
        doc.unknown_keys(item, COMPETENCY_KEYS, *where)
        competency_id = doc.text(item, "id", *where)
        if competency_id and not (
            COMPETENCY_ID.match(competency_id) and competency_id.startswith(f"{domain_id}.")
        ):
            doc.error(f"competency id '{competency_id}' must be '{domain_id}.<slug>'", *where, "id")
            continue
        if competency_id in framework.competencies:
            doc.error(f"duplicate competency id '{competency_id}'", *where, "id")
            continue
        framework.competencies[competency_id] = CompetencySpec(
            id=competency_id,
            domain=domain_id,
            name=doc.text(item, "name", *where),
            description=doc.text(item, "description", *where),
            retired=item.get("retired") is True,
            behaviours=_behaviours(doc, item, where),
        )


def _behaviours(doc: YamlDoc, competency: dict, at: tuple) -> list[tuple[str, str]]:
    behaviours = competency.get("behaviours")
    if behaviours is None:
        return []
    if not isinstance(behaviours, list):
        doc.error("'behaviours' must be a list of {id, text}", *at, "behaviours")
        return []
    result: list[tuple[str, str]] = []
    for index, behaviour in enumerate(behaviours):
        where = (*at, "behaviours", index)
        if not isinstance(behaviour, dict):
            doc.error("each behaviour needs an id and a text", *where)
            continue
        doc.unknown_keys(behaviour, BEHAVIOUR_KEYS, *where)
        slug = doc.text(behaviour, "id", *where)
        text = " ".join(doc.text(behaviour, "text", *where).split())
        if slug and not SLUG.match(slug):
            doc.error(f"behaviour id '{slug}' is not a slug (a-z, 0-9, -)", *where, "id")
        elif slug in {known for known, _ in result}:
            doc.error(f"duplicate behaviour id '{slug}'", *where, "id")
        elif len(text) > BEHAVIOUR_TEXT_LIMIT:
            doc.error(
                f"a behaviour is one sentence of at most {BEHAVIOUR_TEXT_LIMIT} characters",
                *where,
                "text",
            )
        elif slug and text:
            result.append((slug, text))
    return result
