"""Certification renewal: a certification the learner held before is renewed with the CE hours
its achievement asks for (earned through course credentials in the 12 months before renewal);
reminders before the end say how many hours are still needed; after the end and a grace period
the status list marks an unrenewed certification suspended."""

from __future__ import annotations

import datetime
from calendar import monthrange
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from assessments.requirements import Requirement, Status
from credentials.audit import audit_record
from credentials.models import (
    Achievement,
    AchievementKind,
    Credential,
    RenewalReminder,
    StatusPurpose,
)
from credentials.status_lists import status_set


def add_months(moment: datetime.datetime, months: int) -> datetime.datetime:
    """The same day `months` later, or the month's last day when it is shorter."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, monthrange(year, month)[1]))


LOOKBACK_DAYS = 365


def renewal_window_days() -> int:
    return max(settings.CREDENTIALS_RENEWAL_REMINDER_DAYS, default=0)


def ce_hours_earned(*, user: User, since: datetime.datetime, until: datetime.datetime) -> Decimal:
    """CE hours of the learner's course credentials issued in [since, until], not revoked."""
    credentials = Credential.objects.filter(
        learner=user,
        achievement__kind=AchievementKind.COURSE,
        revoked_at__isnull=True,
        valid_from__gte=since,
        valid_from__lte=until,
    ).values_list("credits", flat=True)
    return sum(credentials, Decimal(0))


def renewal_status(*, user: User, achievement: Achievement, now: datetime.datetime) -> Status:
    required = achievement.renewal_ce_hours or Decimal(0)
    earned = ce_hours_earned(
        user=user, since=now - datetime.timedelta(days=LOOKBACK_DAYS), until=now
    )
    return Status(
        [
            Requirement(
                "renewal_ce_hours",
                "CE hours in the last 12 months, for renewal",
                required,
                min(earned, required),
                "hours",
            )
        ]
    )


def held_before(*, user: User, achievement: Achievement) -> Credential | None:
    """The learner's latest credential of this achievement, not revoked (a renewal's basis)."""
    return (
        Credential.objects.filter(learner=user, achievement=achievement, revoked_at__isnull=True)
        .order_by("-valid_until")
        .first()
    )


@dataclass
class Period:
    key: str  # Credential.period
    valid_until: datetime.datetime | None
    renewal: bool


def next_period(*, user: User, achievement: Achievement, now: datetime.datetime) -> Period | None:
    """The period a credential issued now would cover, or None when the learner's current
    credential already covers now and it is too early to renew."""
    months = achievement.validity_months
    if not months:
        return Period("", None, renewal=False)
    previous = held_before(user=user, achievement=achievement)
    renewable = previous is not None and achievement.renewal_ce_hours is not None
    if previous is not None and previous.valid_until and previous.valid_until > now:
        if not renewable or previous.valid_until - now > datetime.timedelta(
            days=renewal_window_days()
        ):
            return None
        # Renewing early: the next period follows on from the current one without a gap.
        start = previous.valid_until
        return Period(start.date().isoformat(), add_months(start, months), renewal=True)
    return Period(now.date().isoformat(), add_months(now, months), renewal=renewable)


def _reminder_text(credential: Credential, days: int, status: Status) -> str:
    requirement = status.requirements[0]
    left = requirement.required - requirement.done
    url = settings.SITE_URL + reverse("credentials:mine")
    hours = f"{left.normalize():f}"
    still = (
        f"You still need {hours} CE hours, earned through course credentials, to renew."
        if left > 0
        else "You have the CE hours it needs: it renews when you next complete a course or "
        "we re-check your record."
    )
    return (
        f"Your certification “{credential.achievement.name}” ends on "
        f"{credential.valid_until:%-d %B %Y}, in {days} days.\n\n{still}\n\n"
        f"After it ends, there is a grace period of {settings.CREDENTIALS_GRACE_DAYS} days to "
        f"renew before it is suspended.\n\nYour credentials: {url}\n"
    )


def renewals_run(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """The daily pass: reminders due, renewals the learner has now earned, and suspension of
    certifications past their grace period. Safe to run more than once a day."""
    from credentials.issuance import IssuanceRefused, credential_issue

    now = now or timezone.now()
    counts = {"reminders": 0, "renewed": 0, "suspended": 0}
    ending = Credential.objects.filter(
        achievement__kind=AchievementKind.CERTIFICATION,
        revoked_at__isnull=True,
        valid_until__isnull=False,
    ).select_related("achievement", "learner")
    window = datetime.timedelta(days=renewal_window_days())
    for credential in ending.filter(valid_until__gt=now, valid_until__lte=now + window):
        days_left = (credential.valid_until - now).days
        renewed = Credential.objects.filter(
            learner=credential.learner,
            achievement=credential.achievement,
            valid_until__gt=credential.valid_until,
        ).exists()
        if renewed:
            continue
        try:
            if credential_issue(
                learner=credential.learner, achievement=credential.achievement, now=now
            ).created:
                counts["renewed"] += 1
                continue
        except IssuanceRefused:
            pass
        for threshold in sorted(settings.CREDENTIALS_RENEWAL_REMINDER_DAYS):
            if days_left <= threshold:
                counts["reminders"] += _remind(credential, threshold, days_left, now)
                break
    grace = datetime.timedelta(days=settings.CREDENTIALS_GRACE_DAYS)
    for credential in ending.filter(valid_until__lte=now - grace, suspended_at__isnull=True):
        later = Credential.objects.filter(
            learner=credential.learner,
            achievement=credential.achievement,
            valid_until__gt=credential.valid_until,
        ).exists()
        if not later:
            counts["suspended"] += _lapse(credential, now)
    return counts


def _remind(credential: Credential, threshold: int, days_left: int, now) -> int:
    try:
        with transaction.atomic():
            RenewalReminder.objects.create(credential=credential, days_before=threshold)
            status = renewal_status(
                user=credential.learner, achievement=credential.achievement, now=now
            )
            send_mail(
                subject=f"Renew your certification: {credential.achievement.name}",
                message=_reminder_text(credential, days_left, status),
                from_email=None,
                recipient_list=[credential.learner.email],
            )
    except IntegrityError:
        return 0  # already reminded at this threshold
    return 1


@transaction.atomic
def _lapse(credential: Credential, now) -> int:
    credential = Credential.objects.select_for_update().get(pk=credential.pk)
    if credential.suspended_at is not None:
        return 0
    credential.suspended_at = now
    credential.save(update_fields=["suspended_at"])
    status_set(purpose=StatusPurpose.SUSPENSION, index=credential.status_index, value=True)
    audit_record(
        action="credential suspended",
        subject=f"credential {credential.pk}",
        details={"reason": "not renewed within the grace period"},
    )
    return 1
