"""CE transcripts: the CE hours a learner's credentials certify in a period, and sharing them
with a licensing board or by link (withdrawable). Counted from the credentials themselves, so a
transcript says exactly what a verifier can check; revoked credentials are listed, not counted."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role, user_roles
from credentials.audit import audit_record
from credentials.models import Credential, TranscriptShare

MAX_PERIOD_DAYS = 366 * 5


class ShareRefused(Exception):
    """A share the rules do not allow; `str()` says why."""


@dataclass
class Transcript:
    learner: User
    start: datetime.date
    end: datetime.date
    credentials: list[Credential]

    @property
    def counted(self) -> list[Credential]:
        return [c for c in self.credentials if c.revoked_at is None and c.credits]

    @property
    def total_hours(self) -> Decimal:
        return sum((c.credits for c in self.counted), Decimal(0))


def transcript(*, learner: User, start: datetime.date, end: datetime.date) -> Transcript:
    """Credentials issued from `start` to `end` inclusive (in the site's time zone). One query."""
    credentials = list(
        Credential.objects.filter(
            learner=learner, valid_from__date__gte=start, valid_from__date__lte=end
        )
        .select_related("achievement")
        .order_by("valid_from")
    )
    return Transcript(learner, start, end, credentials)


def _check_period(start: datetime.date, end: datetime.date) -> None:
    if end < start:
        raise ShareRefused("The period ends before it starts.")
    if (end - start).days > MAX_PERIOD_DAYS:
        raise ShareRefused("Share at most five years at a time.")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def board_accounts():
    return User.objects.filter(groups__name=Role.BOARD_VERIFIER.value, is_active=True).order_by(
        "last_name", "first_name"
    )


@transaction.atomic
def share_with_board(
    *, learner: User, board: User, start: datetime.date, end: datetime.date
) -> TranscriptShare:
    _check_period(start, end)
    if Role.BOARD_VERIFIER not in user_roles(board):
        raise ShareRefused("Transcripts are shared only with licensing board accounts.")
    share = TranscriptShare.objects.create(
        learner=learner, board=board, period_start=start, period_end=end
    )
    audit_record(
        action="transcript shared",
        subject=f"share {share.pk}",
        actor=learner,
        details={"with": board.email, "from": start.isoformat(), "to": end.isoformat()},
    )
    return share


@transaction.atomic
def share_by_link(
    *, learner: User, start: datetime.date, end: datetime.date
) -> tuple[TranscriptShare, str]:
    """A share anyone with the link can read; returns the share and the link's token (shown
    once: only its hash is kept)."""
    _check_period(start, end)
    token = secrets.token_urlsafe(24)
    share = TranscriptShare.objects.create(
        learner=learner, token_hash=token_hash(token), period_start=start, period_end=end
    )
    audit_record(
        action="transcript shared",
        subject=f"share {share.pk}",
        actor=learner,
        details={"with": "a link", "from": start.isoformat(), "to": end.isoformat()},
    )
    return share, token


@transaction.atomic
def share_withdraw(*, share: TranscriptShare, learner: User) -> TranscriptShare:
    share = TranscriptShare.objects.select_for_update().get(pk=share.pk)
    if share.learner_id != learner.pk:
        raise ShareRefused("Only the learner who shared a transcript can withdraw it.")
    if share.withdrawn_at is None:
        share.withdrawn_at = timezone.now()
        share.save(update_fields=["withdrawn_at"])
        audit_record(
            action="transcript share withdrawn", subject=f"share {share.pk}", actor=learner
        )
    return share


def shared_by_link(token: str) -> TranscriptShare | None:
    return (
        TranscriptShare.objects.select_related("learner")
        .filter(token_hash=token_hash(token), withdrawn_at__isnull=True)
        .first()
    )
