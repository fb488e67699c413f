"""The xAPI 1.0.3 rules a statement must meet (Data, section 2.4), as far as our statements use
them: every problem found, as a sentence. Used to validate every statement the platform builds."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from urllib.parse import urlsplit

DURATION = re.compile(r"^P(?:\d+Y)?(?:\d+M)?(?:\d+D)?(?:T(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)?$")
LANGUAGE_TAG = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")
IFIS = ("mbox", "mbox_sha1sum", "openid", "account")


def _iri(value) -> bool:
    parts = urlsplit(value) if isinstance(value, str) else None
    return bool(parts and parts.scheme and (parts.netloc or parts.scheme in {"urn", "mailto"}))


def _uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _language_map(value, where: str, problems: list[str]) -> None:
    if not isinstance(value, dict) or not value:
        problems.append(f"{where} is not a language map")
        return
    for tag in value:
        if not LANGUAGE_TAG.match(tag):
            problems.append(f"{where} has a bad language tag {tag!r}")


def _activity(activity, where: str, problems: list[str]) -> None:
    if activity.get("objectType", "Activity") != "Activity":
        problems.append(f"{where}.objectType is not Activity")
    if not _iri(activity.get("id")):
        problems.append(f"{where}.id is not an IRI")
    definition = activity.get("definition")
    if definition:
        if "name" in definition:
            _language_map(definition["name"], f"{where}.definition.name", problems)
        if "description" in definition:
            _language_map(definition["description"], f"{where}.definition.description", problems)
        if "type" in definition and not _iri(definition["type"]):
            problems.append(f"{where}.definition.type is not an IRI")


def xapi_problems(statement: dict) -> list[str]:
    problems: list[str] = []
    if not _uuid(statement.get("id")):
        problems.append("id is not a UUID")
    actor = statement.get("actor") or {}
    ifis = [key for key in IFIS if key in actor]
    if actor.get("objectType", "Agent") != "Agent" or len(ifis) != 1:
        problems.append("actor must be an Agent with exactly one identifier")
    if "mbox" in actor or "mbox_sha1sum" in actor:
        problems.append("actor must not carry an email address")
    account = actor.get("account") or {}
    if not _iri(account.get("homePage")) or not account.get("name"):
        problems.append("actor.account needs an IRI homePage and a name")
    verb = statement.get("verb") or {}
    if not _iri(verb.get("id")):
        problems.append("verb.id is not an IRI")
    if "display" in verb:
        _language_map(verb["display"], "verb.display", problems)
    _activity(statement.get("object") or {}, "object", problems)
    timestamp = statement.get("timestamp")
    try:
        moment = datetime.fromisoformat(str(timestamp).replace("Z", "+00:00"))
        if moment.tzinfo is None:
            problems.append("timestamp has no time zone")
    except ValueError:
        problems.append("timestamp is not ISO 8601")
    context = statement.get("context") or {}
    if "registration" in context and not _uuid(context["registration"]):
        problems.append("context.registration is not a UUID")
    for key, activities in (context.get("contextActivities") or {}).items():
        if key not in {"parent", "grouping", "category", "other"}:
            problems.append(f"contextActivities.{key} is not allowed")
        for index, item in enumerate(activities if isinstance(activities, list) else [activities]):
            _activity(item, f"context.contextActivities.{key}[{index}]", problems)
    for key in context.get("extensions") or {}:
        if not _iri(key):
            problems.append(f"context extension {key!r} is not an IRI")
    if "language" in context and not LANGUAGE_TAG.match(context["language"]):
        problems.append("context.language is not a language tag")
    result = statement.get("result") or {}
    score = result.get("score") or {}
    if "scaled" in score and not -1 <= score["scaled"] <= 1:
        problems.append("result.score.scaled is outside -1..1")
    if {"min", "max", "raw"} <= set(score) and not score["min"] <= score["raw"] <= score["max"]:
        problems.append("result.score.raw is outside min..max")
    if "duration" in result and not DURATION.match(result["duration"]):
        problems.append("result.duration is not an ISO 8601 duration")
    return problems
