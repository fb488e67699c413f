"""What licensing boards may do: hold API tokens, read the CE transcripts learners shared with
them, and verify credentials in bulk from a CSV file."""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import secrets

from django.db import transaction
from django.utils import timezone

from accounts.models import Licence, User
from accounts.roles import Role, user_roles
from accounts.services import LicenceRefused, licence_verify
from config.csv_output import csv_text
from credentials.audit import audit_record
from credentials.models import BoardApiToken, TranscriptShare
from credentials.transcripts import Transcript, transcript
from credentials.verification import verify_ids

TOKEN_PREFIX = "rlb_"  # noqa: S105 - a marker that tells our tokens apart, not a secret
BULK_CSV_LIMIT = 1000
RESULT_COLUMNS = [
    "credential_id",
    "status",
    "holder",
    "achievement",
    "ce_hours",
    "credit_type",
    "valid_from",
    "valid_until",
    "reason",
]


class BoardRefused(Exception):
    """What a board asked for and may not have; `str()` says why."""


def is_board(user) -> bool:
    return user.is_authenticated and Role.BOARD_VERIFIER in user_roles(user)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, board: User, name: str) -> tuple[BoardApiToken, str]:
    if not is_board(board):
        raise BoardRefused("Only licensing board accounts hold API tokens.")
    if not name.strip():
        raise BoardRefused("Name the token after what will use it.")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = BoardApiToken.objects.create(board=board, name=name.strip(), token_hash=_hash(token))
    audit_record(action="board API token created", subject=f"token {row.pk}", actor=board)
    return row, token


@transaction.atomic
def api_token_revoke(*, token: BoardApiToken, board: User) -> None:
    if token.board_id != board.pk:
        raise BoardRefused("That token is not yours.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(action="board API token revoked", subject=f"token {token.pk}", actor=board)


def board_for_token(token: str) -> User | None:
    """The board account a bearer token belongs to, if it is live; records its use."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    row = (
        BoardApiToken.objects.select_related("board")
        .filter(token_hash=_hash(token), revoked_at__isnull=True, board__is_active=True)
        .first()
    )
    if row is None or not is_board(row.board):
        return None
    BoardApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
    return row.board


def shares_with(board: User):
    return (
        TranscriptShare.objects.filter(board=board, withdrawn_at__isnull=True)
        .select_related("learner")
        .order_by("learner__last_name", "-period_end")
    )


def shared_transcript_read(*, board: User, share: TranscriptShare) -> Transcript:
    """The transcript of a share with this board, as its portal shows it; the read is audited."""
    if share.board_id != board.pk or share.withdrawn_at is not None:
        raise BoardRefused("This transcript is not shared with you.")
    audit_record(
        action="board read a transcript",
        subject=f"share {share.pk}",
        actor=board,
        details={"from": share.period_start.isoformat(), "to": share.period_end.isoformat()},
    )
    return transcript(learner=share.learner, start=share.period_start, end=share.period_end)


def licensee_transcript(
    *,
    board: User,
    jurisdiction: str,
    licence_number: str,
    start: datetime.date,
    end: datetime.date,
) -> Transcript:
    """The CE transcript of the licensee for [start, end], if they shared a period covering it
    with this board; otherwise BoardRefused, saying nothing about whether the licensee exists."""
    if end < start:
        raise BoardRefused("The period ends before it starts.")
    not_shared = BoardRefused(
        "No licensee with that licence has shared a transcript covering this period with you."
    )
    # Only verified licences: someone else's claim to the number never hides its holder.
    licences = Licence.objects.filter(
        jurisdiction=jurisdiction.strip().upper(),
        number=licence_number.strip(),
        verified_at__isnull=False,
    )
    learner_ids = list(licences.values_list("user_id", flat=True))
    if len(learner_ids) != 1:
        raise not_shared
    covering = shares_with(board).filter(
        learner_id=learner_ids[0], period_start__lte=start, period_end__gte=end
    )
    share = covering.first()
    if share is None:
        raise not_shared
    audit_record(
        action="board read a transcript",
        subject=f"share {share.pk}",
        actor=board,
        details={"from": start.isoformat(), "to": end.isoformat()},
    )
    return transcript(learner=share.learner, start=start, end=end)


def bulk_csv_verify(upload: bytes) -> str:
    """A results CSV for a CSV whose first column holds credential ids (a header row is
    allowed): one row per input row, with status and the reason for anything not valid."""
    try:
        text = upload.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BoardRefused("The file is not UTF-8 text (save it as CSV UTF-8).") from error
    rows = [row for row in csv.reader(io.StringIO(text)) if row and row[0].strip()]
    if rows and rows[0][0].strip().lower() in {"credential_id", "credential id", "id"}:
        rows = rows[1:]
    if not rows:
        raise BoardRefused("The file has no credential ids in its first column.")
    if len(rows) > BULK_CSV_LIMIT:
        raise BoardRefused(f"At most {BULK_CSV_LIMIT} ids a file; this one has {len(rows)}.")
    lines = []
    for result in verify_ids([row[0] for row in rows]):
        credential, verification = result.credential, result.verification
        if verification is None:
            lines.append([result.raw, "unknown", "", "", "", "", "", "", result.reason])
            continue
        failed = "; ".join(c.detail for c in verification.checks if not c.passed)
        lines.append(
            [
                result.raw,
                verification.status,
                credential.holder_name,
                credential.achievement.name,
                f"{credential.credits.normalize():f}",
                credential.credit_type,
                credential.document.get("validFrom", ""),
                credential.document.get("validUntil", ""),
                failed,
            ]
        )
    return csv_text(RESULT_COLUMNS, lines)


def board_licence_verify(*, board: User, licence: Licence) -> Licence:
    """A board confirms a licence of someone who shared their CE transcript with it: it is the
    body that can check its own register."""
    if not shares_with(board).filter(learner_id=licence.user_id).exists():
        raise BoardRefused("You can confirm the licences of people who shared with you.")
    try:
        verified = licence_verify(licence=licence, by=board)
    except LicenceRefused as refused:
        raise BoardRefused(str(refused)) from refused
    audit_record(
        action="licence verified",
        subject=f"licence {licence.pk}",
        actor=board,
        details={"jurisdiction": licence.jurisdiction, "type": licence.licence_type},
    )
    return verified
