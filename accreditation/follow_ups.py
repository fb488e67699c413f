"""The follow-up: some weeks after a claim (CE_FOLLOW_UP_DAYS), the learner is emailed one
question, whether they changed their practice as they intended, with a single-use link.

The link's token is made when the email is sent and only its hash is kept; the answer is
stored without the learner, like the evaluation. `manage.py ce_follow_ups` sends what is due;
run it daily.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accreditation.models import CreditClaim, FollowUp, FollowUpAnswer, PracticeChange

QUESTION = "Since the course, have you changed your practice as you intended?"


class FollowUpRefused(Exception):
    """Why an answer was not taken, in words the person can act on."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def follow_up_schedule(*, claim: CreditClaim) -> FollowUp:
    due = timezone.localdate(claim.claimed_at) + datetime.timedelta(days=settings.CE_FOLLOW_UP_DAYS)
    follow_up, _ = FollowUp.objects.get_or_create(claim=claim, defaults={"due_on": due})
    return follow_up


def follow_ups_send(*, today: datetime.date | None = None) -> int:
    """Email every follow-up that is due and not yet sent; safe to run more than once a day."""
    today = today or timezone.localdate()
    sent = 0
    due = FollowUp.objects.filter(due_on__lte=today, sent_at__isnull=True).values_list(
        "pk", flat=True
    )
    for pk in list(due):
        with transaction.atomic():
            follow_up = (
                FollowUp.objects.select_for_update(skip_locked=True)
                .select_related("claim__user", "claim__course", "claim__credit_type")
                .filter(pk=pk, sent_at__isnull=True)
                .first()
            )
            if follow_up is None:
                continue  # another run took it
            token = secrets.token_urlsafe(32)
            follow_up.token_hash = _hash(token)
            follow_up.sent_at = timezone.now()
            follow_up.save(update_fields=["token_hash", "sent_at"])
            claim = follow_up.claim
            url = settings.SITE_URL + reverse("accreditation:follow_up", args=[token])
            send_mail(
                f"One question about “{claim.course.title}”",
                f"When you claimed credit for “{claim.course.title}” you told us what you "
                f"intended to change in your practice.\n\n{QUESTION}\n\nAnswer with one click "
                f"(the link works once; your answer is stored without your name):\n{url}\n",
                None,
                [claim.user.email],
            )
            sent += 1
    return sent


def follow_up_for(token: str) -> FollowUp:
    follow_up = (
        FollowUp.objects.select_related("claim__course").filter(token_hash=_hash(token)).first()
        if token
        else None
    )
    if follow_up is None:
        raise FollowUpRefused("This link is not valid. Use the link in the email we sent you.")
    if follow_up.answered_at is not None:
        raise FollowUpRefused("This question has been answered already. Thank you.")
    return follow_up


@transaction.atomic
def follow_up_answer(*, token: str, changed: str, comment: str = "") -> FollowUpAnswer:
    follow_up = follow_up_for(token)
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if follow_up.answered_at is not None:
        raise FollowUpRefused("This question has been answered already. Thank you.")
    if changed not in PracticeChange.values:
        raise FollowUpRefused("Choose one of the answers.")
    now = timezone.now()
    follow_up.answered_at = now
    follow_up.save(update_fields=["answered_at"])
    return FollowUpAnswer.objects.create(
        course_id=follow_up.claim.course_id,
        answered_on=timezone.localdate(now),
        changed=changed,
        comment=comment.strip()[:2000],
    )
