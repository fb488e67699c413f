"""The compliance API for licensing boards: one licensee's CE against the board's renewal rule,
for a licence whose CE the licensee shares with the board (boards.models.LicenceConsent).

Mounted on the verification API (credentials.api) at /api/v1/licensees by `mount`, so it shares
its board tokens, rate limits, error shapes and OpenAPI document."""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from ninja import Field, Router, Schema
from ninja.errors import HttpError

from accounts.models import Licence
from boards import services
from boards.compliance import Judgement
from boards.selectors import (
    CURRENT,
    PREVIOUS,
    board_of,
    judge_consents,
    licensee_filter,
    live_consents,
)
from credentials.api import ErrorOut, InvalidParametersOut, _limit
from credentials.api import api as verification_api

router = Router(tags=["Licensing boards"])


_mounted = []


def mount() -> None:
    """Serve this router at /api/v1/licensees/ (boards.apps calls it, at start-up)."""
    if not _mounted:
        verification_api.add_router("/v1/licensees", router)
        _mounted.append(True)


# Dates outside this range name no cycle anyone renews in (and keep date arithmetic in range).
EARLIEST_CYCLE_DAY = datetime.date(1970, 1, 1)
YEARS_AHEAD = 10
# One answer for every licence we may not show, so that it says nothing about who exists.
NOT_SHARED = (
    "No licensee with that licence shares their CE with your board. They share it from their "
    "licences page; until then we cannot show it."
)
CYCLE_HELP = (
    "`current` (the default), `previous`, or a date (YYYY-MM-DD) for the cycle that holds it."
)


class LicenceOut(Schema):
    jurisdiction: str
    licence_type: str
    number: str


class CycleOut(Schema):
    start: datetime.date
    end: datetime.date = Field(description="The cycle's last day.")
    window_end: datetime.date = Field(
        description="The last day CE counts for this cycle: later than `end` after a late renewal."
    )


class RuleOut(Schema):
    version: int
    effective_from: datetime.date


class AreaOut(Schema):
    name: str
    required_hours: float
    earned_hours: float
    missing_hours: float


class ItemOut(Schema):
    source: str = Field(description="`credential` (issued by us) or `evidence` (accepted by you).")
    credential_id: uuid.UUID | None = Field(None, description="Credentials only.")
    verify_url: str | None = Field(None, description="Credentials only: their public check.")
    title: str
    date: datetime.date
    hours: float
    counted_hours: float
    reason: str = Field(description="Why it counts for less than its hours; empty when in full.")


class ComplianceOut(Schema):
    licensee: str
    licence: LicenceOut
    board: str
    status: str = Field(
        description="compliant, not_yet, not_compliant, no_rule or renewal_date_unknown."
    )
    status_label: str
    cycle: CycleOut | None = Field(None, description="Empty when no cycle can be worked out.")
    rule: RuleOut | None = Field(None, description="The rule version governing the cycle.")
    required_hours: float
    counted_hours: float = Field(description="Hours counted in the cycle plus hours carried in.")
    carried_in_hours: float
    subject_areas: list[AreaOut]
    items: list[ItemOut]
    missing: list[str] = Field(description="What is still needed, in words.")


def _cycle_day(cycle: str, today: datetime.date) -> tuple[str, datetime.date | None]:
    """(`current`/`previous`/`date`, the day asked about); HttpError 400 with a reason."""
    value = cycle.strip().lower()
    if value in {CURRENT, PREVIOUS}:
        return value, None
    latest = today + datetime.timedelta(days=366 * YEARS_AHEAD)
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        raise HttpError(400, f"cycle: {CYCLE_HELP} We got {cycle[:40]!r}.") from None
    if not EARLIEST_CYCLE_DAY <= day <= latest:
        raise HttpError(400, f"cycle: give a date from {EARLIEST_CYCLE_DAY} to {latest}.")
    return "date", day


def _items(judgement: Judgement) -> list[dict]:
    out = []
    for outcome in judgement.outcomes:
        item = outcome.item
        credential_id = item.key if item.source == "credential" else None
        out.append(
            {
                "source": item.source,
                "credential_id": credential_id,
                "verify_url": credential_id
                and settings.SITE_URL + reverse("credentials:verify", args=[credential_id]),
                "title": item.title,
                "date": item.completed_on,
                "hours": float(item.hours),
                "counted_hours": float(outcome.counted),
                "reason": outcome.reason,
            }
        )
    return out


def _answer(*, board, consent, judgement: Judgement) -> dict:
    licence = consent.licence
    terms, cycle, window = judgement.terms, judgement.cycle, judgement.window
    return {
        "licensee": licence.user.get_full_name() or "",
        "licence": {
            "jurisdiction": licence.jurisdiction,
            "licence_type": licence.licence_type,
            "number": licence.number,
        },
        "board": board.name,
        "status": str(judgement.status),
        "status_label": judgement.label,
        "cycle": cycle and {"start": cycle.start, "end": cycle.end, "window_end": window.end},
        "rule": terms and {"version": terms.number, "effective_from": terms.effective_from},
        "required_hours": float(judgement.required),
        "counted_hours": float(judgement.counted),
        "carried_in_hours": float(judgement.carried_in),
        "subject_areas": [
            {
                "name": a.area,
                "required_hours": float(a.required),
                "earned_hours": float(a.earned),
                "missing_hours": float(a.missing),
            }
            for a in judgement.areas
        ],
        "items": _items(judgement),
        "missing": judgement.missing,
    }


@router.get(
    "/compliance",
    response={
        200: ComplianceOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: InvalidParametersOut,
        429: ErrorOut,
    },
    openapi_extra={"security": [{"BoardToken": []}]},
    summary="A licensee's CE compliance with your board's renewal rule (board token)",
    description=(
        "For a verified licence whose holder shares its CE with your board. Every read is "
        "recorded in the audit log. `cycle`: " + CYCLE_HELP
    ),
)
def licensee_compliance(
    request: HttpRequest,
    jurisdiction: str,
    licence_type: str,
    licence_number: str,
    cycle: str = CURRENT,
):
    user = _limit(request, "verify")
    if user is None:
        raise HttpError(401, "Send your board's API token: Authorization: Bearer <token>.")
    board = board_of(user)
    if board is None:
        raise HttpError(
            403,
            "Your account does not act for a licensing board yet, so it reads no compliance. "
            "An administrator adds board staff to their board.",
        )
    today = timezone.localdate()
    which, day = _cycle_day(cycle, today)
    if licence_type.strip().upper() not in Licence.LicenceType.values:
        choices = ", ".join(Licence.LicenceType.values)
        raise HttpError(400, f"licence_type: use one of {choices}.")
    consents = live_consents(board).filter(
        licensee_filter(jurisdiction, licence_type, licence_number)
    )
    judged = judge_consents(board, consents, today=today, on=day)
    # A verified licence has one holder, so at most one live consent matches.
    if len(judged) != 1:
        raise HttpError(404, NOT_SHARED)
    row = judged[0]
    judgement = row.previous if which == PREVIOUS else row.current
    services.board_read_record(
        board=board,
        by=user,
        what=f"licence {row.licence.pk}",
        via="API",
        cycle=cycle.strip().lower(),
    )
    return _answer(board=board, consent=row.consent, judgement=judgement)
