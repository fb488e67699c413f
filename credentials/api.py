"""The verification API for licensing boards and anyone else (django-ninja; OpenAPI at
/api/openapi.json, docs at /api/docs). Anonymous use is rate limited per client address.

Every answer says what was checked and why something failed; bad input is a 4xx with a reason,
never a 500.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from ninja import Field, NinjaAPI, Schema
from ninja.errors import HttpError
from pydantic import ValidationError

from config.json_input import JsonRefused, content_length_refused, json_parse
from config.rate_limits import allow
from credentials.audit import audit_record
from credentials.boards import BoardRefused, board_for_token, licensee_transcript
from credentials.models import Credential
from credentials.verification import (
    Verification,
    Verifier,
    verify_document,
    verify_ids,
    verify_stored,
)

BULK_LIMIT = 1000
# Credentials sent whole are verified in full (about 12 ms each): fewer per request, so that a
# request answers in well under a second. Ids are checked against our records (about 0.5 ms).
BULK_DOCUMENT_LIMIT = 25
MAX_BULK_BODY_BYTES = 2 * 1024 * 1024
ANY_OBJECT = {"type": "object", "description": "An Open Badges 3.0 credential, as issued."}
MAX_BODY_BYTES = 512 * 1024

BOARD_TOKEN_SCHEME = {
    "type": "http",
    "scheme": "bearer",
    "description": "A licensing board's API token (board portal › API tokens). Optional for "
    "verification, where it lifts the anonymous rate limit; required to read a licensee's CE "
    "hours.",
}


class VerificationApi(NinjaAPI):
    """Declares the board token scheme, which our own token check (`_board`) enforces."""

    def get_openapi_schema(self, **kwargs):
        schema = super().get_openapi_schema(**kwargs)
        schema["components"].setdefault("securitySchemes", {})["BoardToken"] = BOARD_TOKEN_SCHEME
        return schema


api = VerificationApi(
    title="Recovery Learning credential verification",
    version="1",
    description=(
        "Verify Open Badges 3.0 credentials issued by Recovery Learning: signature "
        "(eddsa-rdfc-2022), issuer key (did:web), validity dates and status (Bitstring Status "
        "List). Anonymous use is rate limited."
    ),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
# Verification works anonymously or with a board token; an invalid token is a 401.
ANONYMOUS_OR_BOARD = {"security": [{}, {"BoardToken": []}]}


class CheckOut(Schema):
    name: str
    passed: bool
    detail: str


class VerificationOut(Schema):
    status: str
    valid: bool
    checks: list[CheckOut]


class CredentialOut(VerificationOut):
    id: uuid.UUID
    achievement: str
    holder_name: str
    valid_from: str
    valid_until: str | None
    ce_hours: float
    credit_type: str = Field(
        "",
        description="The credit claimed, e.g. 'ANCC contact hours'; empty for CE hours "
        "of a course not offered for credit.",
    )


class BulkIn(Schema):
    ids: list[str] = []
    credentials: list[dict[str, Any]] = []


# As the endpoint checks it: at least one id or credential, each list within its limit.
BULK_BODY_SCHEMA = {
    "type": "object",
    "properties": {
        "ids": {"type": "array", "items": {"type": "string"}, "maxItems": BULK_LIMIT},
        "credentials": {
            "type": "array",
            "items": {"type": "object"},
            "maxItems": BULK_DOCUMENT_LIMIT,
        },
    },
    "anyOf": [
        {"required": ["ids"], "properties": {"ids": {"minItems": 1}}},
        {"required": ["credentials"], "properties": {"credentials": {"minItems": 1}}},
    ],
}


class BulkResult(VerificationOut):
    id: str | None = None
    input: int


class BulkOut(Schema):
    results: list[BulkResult]


class ErrorOut(Schema):
    detail: str


class InvalidParametersOut(Schema):
    """Parameters that do not parse (a malformed id or date): each problem, located."""

    detail: list[dict[str, Any]]


def _board(request: HttpRequest):
    """The board whose bearer token came with the request; None for anonymous use. A token
    that is sent but not valid is a 401, so a board never silently falls back to anonymous."""
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    board = board_for_token(token.strip()) if scheme.lower() == "bearer" else None
    if board is None:
        raise HttpError(401, "The API token is not valid: mistyped, revoked, or not a board's.")
    return board


def _limit(request: HttpRequest, action: str, cost: int = 1):
    """Rate limit anonymous use per address; a board's token gets the board allowance. Bulk
    checks are counted per credential, in an allowance of their own."""
    board = _board(request)
    if board is not None:
        key = "board_bulk" if action == "bulk" else "board"
        who = f"board-{board.pk}-{key}"
    else:
        key, who = action, f"api-{action}"
    per_minute = settings.CREDENTIALS_API_RATE_LIMITS[key]
    if not allow(request, action=who, per_minute=per_minute, cost=cost):
        unit = "credentials checked" if action == "bulk" else "requests"
        raise HttpError(
            429, f"Too many {unit}: at most {per_minute} a minute. Try again in a minute."
        )
    return board


def _body(request: HttpRequest, max_bytes: int = MAX_BODY_BYTES):
    """The JSON body, read only if its declared size is within `max_bytes`."""
    try:
        refused = content_length_refused(request, max_bytes)
        if refused is not None:
            raise refused
        return json_parse(request.body or b"null", max_bytes=max_bytes)
    except JsonRefused as refused:
        raise HttpError(refused.status, str(refused)) from refused


def _audit_board(board, count: int, subject: str = "") -> None:
    """A board's verifications are audited (anonymous checks are only rate limited)."""
    if board is not None:
        audit_record(
            action="board verified",
            subject=subject or f"{count} credentials",
            actor=board,
            details={"count": count},
        )


def _out(verification: Verification) -> dict:
    return {
        "status": verification.status,
        "valid": verification.valid,
        "checks": [vars(check) for check in verification.checks],
    }


def _summary(credential: Credential, verification: Verification) -> dict:
    return {
        **_out(verification),
        "id": credential.pk,
        "achievement": credential.achievement.name,
        "holder_name": credential.holder_name,
        "valid_from": credential.document.get("validFrom", ""),
        "valid_until": credential.document.get("validUntil"),
        "ce_hours": float(credential.credits),
        "credit_type": credential.credit_type,
    }


@api.post(
    "/v1/verify",
    response={200: VerificationOut, 400: ErrorOut, 401: ErrorOut, 413: ErrorOut, 429: ErrorOut},
    summary="Verify a credential given as JSON",
    openapi_extra={
        **ANONYMOUS_OR_BOARD,
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"type": "object"}}},
        },
    },
)
def verify(request: HttpRequest):
    board = _limit(request, "verify")
    document = _body(request)
    if not isinstance(document, dict):
        raise HttpError(400, "Send one credential: a JSON object.")
    _audit_board(board, 1, subject=str(document.get("id", ""))[:150])
    return _out(verify_document(document))


@api.get(
    "/v1/credentials/{credential_id}",
    response={
        200: CredentialOut,
        401: ErrorOut,
        404: ErrorOut,
        422: InvalidParametersOut,
        429: ErrorOut,
    },
    openapi_extra=ANONYMOUS_OR_BOARD,
    summary="The status of a credential we issued",
)
def credential_status(request: HttpRequest, credential_id: uuid.UUID):
    board = _limit(request, "verify")
    _audit_board(board, 1, subject=f"credential {credential_id}")
    credential = Credential.objects.select_related("achievement").filter(pk=credential_id).first()
    if credential is None:
        raise HttpError(404, f"Recovery Learning issued no credential with the id {credential_id}.")
    return _summary(credential, verify_stored(credential))


@api.post(
    "/v1/verify/bulk",
    response={200: BulkOut, 400: ErrorOut, 401: ErrorOut, 413: ErrorOut, 429: ErrorOut},
    summary=(
        f"Verify up to {BULK_LIMIT} credentials by id, or up to {BULK_DOCUMENT_LIMIT} sent as JSON"
    ),
    openapi_extra={
        **ANONYMOUS_OR_BOARD,
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": BULK_BODY_SCHEMA}},
        },
    },
)
def verify_bulk(request: HttpRequest):
    try:
        body = BulkIn.model_validate(_body(request, MAX_BULK_BODY_BYTES))
    except ValidationError as error:
        where = ".".join(str(part) for part in error.errors()[0]["loc"]) or "body"
        raise HttpError(400, f"{where}: {error.errors()[0]['msg']}.") from error
    count = len(body.ids) + len(body.credentials)
    if count == 0:
        raise HttpError(400, "Send 'ids' (credential ids) or 'credentials' (JSON objects).")
    if len(body.ids) > BULK_LIMIT:
        raise HttpError(400, f"At most {BULK_LIMIT} ids a request; this one has {len(body.ids)}.")
    if len(body.credentials) > BULK_DOCUMENT_LIMIT:
        raise HttpError(
            400,
            f"At most {BULK_DOCUMENT_LIMIT} whole credentials a request (ids: up to "
            f"{BULK_LIMIT}); this one has {len(body.credentials)}.",
        )
    # Each credential checked counts against the allowance, not each request.
    board = _limit(request, "bulk", cost=count)
    verifier = Verifier()
    results = []
    for position, result in enumerate(verify_ids(body.ids, verifier=verifier)):
        if result.verification is None:
            check = {"name": "id", "passed": False, "detail": f"{result.raw}: {result.reason}."}
            outcome = {"status": "unknown", "valid": False, "checks": [check]}
        else:
            outcome = _out(result.verification)
        results.append({"input": position, "id": result.raw, **outcome})
    for offset, document in enumerate(body.credentials):
        results.append(
            {
                "input": len(body.ids) + offset,
                "id": document.get("id") if isinstance(document, dict) else None,
                **_out(verifier.verify(document)),
            }
        )
    _audit_board(board, count)
    return {"results": results}


class TranscriptLineOut(Schema):
    id: uuid.UUID
    achievement: str
    ce_hours: float
    credit_type: str = Field("", description="The credit claimed, e.g. 'ANCC contact hours'.")
    issued: str
    status: str
    verify_url: str


class TranscriptOut(Schema):
    licensee: str
    start: datetime.date
    end: datetime.date
    total_ce_hours: float
    credentials: list[TranscriptLineOut]


@api.get(
    "/v1/licensees/ce-hours",
    response={
        200: TranscriptOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        422: InvalidParametersOut,
        429: ErrorOut,
    },
    openapi_extra={"security": [{"BoardToken": []}]},
    summary="A licensee's CE hours for a period they shared with your board (board token)",
)
def licensee_ce_hours(
    request: HttpRequest,
    jurisdiction: str,
    licence_number: str,
    start: datetime.date,
    end: datetime.date,
):
    board = _limit(request, "verify")
    if board is None:
        raise HttpError(401, "Send your board's API token: Authorization: Bearer <token>.")
    if end < start:
        raise HttpError(400, "The period ends before it starts.")
    try:
        data = licensee_transcript(
            board=board,
            jurisdiction=jurisdiction,
            licence_number=licence_number,
            start=start,
            end=end,
        )
    except BoardRefused as refused:
        raise HttpError(403, str(refused)) from refused
    return {
        "licensee": data.learner.get_full_name() or "",
        "start": data.start,
        "end": data.end,
        "total_ce_hours": float(data.total_hours),
        "credentials": [
            {
                "id": c.pk,
                "achievement": c.achievement.name,
                "ce_hours": float(c.credits),
                "credit_type": c.credit_type,
                "issued": c.document.get("validFrom", ""),
                "status": "revoked" if c.revoked_at else "issued",
                "verify_url": settings.SITE_URL + reverse("credentials:verify", args=[c.pk]),
            }
            for c in data.credentials
        ],
    }
