"""xAPI 1.0.3 statements of the platform's learning events, built with `tincan`.

Actor: an xAPI account (homePage = the site, name = the person's public id), never an email.
Object: the page, assessment or achievement, by its canonical URL, with a definition.
Context: registration = the enrolment's id (a UUID derived from learner and course or program),
parent activities, platform, language, and CE hours and competencies as extensions.
"""

from __future__ import annotations

import datetime
import json
import uuid
from decimal import Decimal

from django.conf import settings

from tincan import (
    Activity,
    ActivityDefinition,
    Agent,
    AgentAccount,
    Context,
    ContextActivities,
    Extensions,
    LanguageMap,
    Result,
    Score,
    Statement,
    Verb,
)

from learning_records.vocabulary import ACTIVITY_TYPES, own_iri, verb_iri

LANGUAGE = "en-US"
PLATFORM = "Recovery Learning"
REGISTRATIONS = uuid.uuid5(uuid.NAMESPACE_URL, "https://recovery-learning/xapi/registrations")


def registration(*, user_id: int, course_id: int | None = None, program_id: int | None = None):
    """The enrolment's registration UUID: stable for a learner and their course or program."""
    target = f"course:{course_id}" if course_id else f"program:{program_id}"
    return uuid.uuid5(REGISTRATIONS, f"user:{user_id}:{target}")


def page_iri(page) -> str:
    return settings.SITE_URL + page.get_url()


def activity(iri: str, *, name: str, kind: str, description: str = "") -> Activity:
    definition = ActivityDefinition(name=LanguageMap({LANGUAGE: name}), type=ACTIVITY_TYPES[kind])
    if description:
        definition.description = LanguageMap({LANGUAGE: description})
    return Activity(id=iri, definition=definition)


def page_activity(page, kind: str) -> Activity:
    return activity(page_iri(page), name=page.title, kind=kind)


def actor(user) -> Agent:
    return Agent(account=AgentAccount(home_page=settings.SITE_URL, name=str(user.public_id)))


def extensions(
    *, ce_hours: Decimal | None = None, practice_hours: Decimal | None = None, competencies=()
) -> Extensions | None:
    values = {}
    if ce_hours is not None:
        values[own_iri("extensions", "ce-hours")] = float(ce_hours)
    if practice_hours is not None:
        values[own_iri("extensions", "practice-hours")] = float(practice_hours)
    if competencies:
        values[own_iri("extensions", "competencies")] = sorted(competencies)
    return Extensions(values) if values else None


def statement(
    *,
    user,
    verb: str,
    obj: Activity,
    when: datetime.datetime,
    registration_id: uuid.UUID | None = None,
    parents=(),
    grouping=(),
    result: Result | None = None,
    context_extensions: Extensions | None = None,
) -> dict:
    """One statement as JSON-ready data, with a fresh id (fixed from now on)."""
    context = Context(platform=PLATFORM, language=LANGUAGE)
    if registration_id is not None:
        context.registration = registration_id
    if parents or grouping:
        context.context_activities = ContextActivities(
            parent=list(parents) or None, grouping=list(grouping) or None
        )
    if context_extensions is not None:
        context.extensions = context_extensions
    built = Statement(
        id=uuid.uuid4(),
        actor=actor(user),
        verb=Verb(id=verb_iri(verb), display=LanguageMap({LANGUAGE: verb})),
        object=obj,
        context=context,
        result=result,
        timestamp=when.astimezone(datetime.UTC),  # always timezone-aware
    )
    return json.loads(built.to_json())


def score_result(*, score: Decimal, passed: bool | None, duration: datetime.timedelta) -> Result:
    """An attempt's result: scaled, raw (percent), min and max, success, completion, duration."""
    return Result(
        score=Score(scaled=float(score) / 100, raw=float(score), min=0, max=100),
        success=passed,
        completion=True,
        duration=duration,
    )
