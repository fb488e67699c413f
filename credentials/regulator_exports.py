"""Completion reports for regulators, from the same credentials verifiers check: a CE
Broker-style roster (one row per licence) and an ACCME PARS-style learner batch (one row per
learner and course), as CSV, for the course credentials issued in a period (revoked ones left
out). The column sets follow those services' published upload formats in spirit; check them
against the current templates before uploading."""

from __future__ import annotations

import datetime

from django.conf import settings

from config.csv_output import csv_text
from credentials.models import AchievementKind, Credential

ROSTER_COLUMNS = [
    "licensee_first_name",
    "licensee_last_name",
    "license_number",
    "profession",
    "state",
    "provider_id",
    "provider_name",
    "course_tracking_number",
    "course_name",
    "completion_date",
    "hours",
    "subject_area",
    "credit_type",
]
PARS_COLUMNS = [
    "first_name",
    "last_name",
    "licence_or_board_id",
    "birth_month",
    "birth_day",
    "activity_id",
    "activity_title",
    "completion_date",
    "credits",
    "credit_type",
]


def completions(start: datetime.date, end: datetime.date):
    return (
        Credential.objects.filter(
            achievement__kind=AchievementKind.COURSE,
            revoked_at__isnull=True,
            valid_from__date__gte=start,
            valid_from__date__lte=end,
        )
        .select_related("achievement__course", "learner")
        .prefetch_related("learner__licences", "achievement__course__topics")
        .order_by("valid_from", "pk")
    )


def _hours(value) -> str:
    return f"{value.normalize():f}"


def _state(jurisdiction: str) -> str:
    return jurisdiction.split("-", 1)[1] if "-" in jurisdiction else jurisdiction


def _csv(columns: list[str], rows) -> str:
    return csv_text(columns, rows)


def ce_broker_roster(start: datetime.date, end: datetime.date) -> str:
    rows = []
    for credential in completions(start, end):
        learner, achievement = credential.learner, credential.achievement
        topics = [topic.name for topic in achievement.course.topics.all()]
        for licence in learner.licences.filter(verified_at__isnull=False):
            rows.append(
                [
                    learner.first_name,
                    learner.last_name,
                    licence.number,
                    licence.get_licence_type_display(),
                    _state(licence.jurisdiction),
                    settings.CE_PROVIDER_ID,
                    settings.CE_PROVIDER_NAME,
                    achievement.tracking_number,
                    achievement.name,
                    f"{credential.valid_from:%m/%d/%Y}",
                    _hours(credential.credits),
                    topics[0] if topics else "",
                    credential.credit_type,
                ]
            )
    return _csv(ROSTER_COLUMNS, rows)


def pars_batch(start: datetime.date, end: datetime.date) -> str:
    rows = []
    for credential in completions(start, end):
        learner, achievement = credential.learner, credential.achievement
        licences = list(learner.licences.filter(verified_at__isnull=False))
        rows.append(
            [
                learner.first_name,
                learner.last_name,
                licences[0].number if licences else "",
                learner.birth_month or "",
                learner.birth_day or "",
                achievement.tracking_number or achievement.slug,
                achievement.name,
                f"{credential.valid_from:%Y-%m-%d}",
                _hours(credential.credits),
                credential.credit_type,
            ]
        )
    return _csv(PARS_COLUMNS, rows)
