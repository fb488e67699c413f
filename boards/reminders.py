"""Reminders before a CE cycle ends: a licensee who shares a licence with a board and does not
yet meet its rule is emailed 90, 30 and 7 days before the last day CE counts, saying what is
missing. Run daily (`manage.py ce_compliance_reminders`, next to `credentials_renewals`); safe
to run more than once a day, since a ComplianceReminder row is written with each email and the
database lets one exist per consent, cycle and threshold."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from boards.compliance import Status
from boards.models import Board, ComplianceReminder
from boards.selectors import LicenseeCompliance, judge_consents, live_consents

REMINDER_DAYS = (90, 30, 7)


def threshold_for(days_left: int) -> int | None:
    """The nearest threshold not yet passed: a sweep that missed the 90-day mark at 40 days
    sends that one; at 25 days it sends the 30-day one only, never a stale 90-day one."""
    for days in sorted(REMINDER_DAYS):
        if 0 <= days_left <= days:
            return days
    return None


def compliance_reminders_send(today: datetime.date | None = None) -> int:
    """Every board's live consents judged as the board sees them (a fixed number of queries a
    board), and a reminder for each not yet compliant at a threshold. Returns how many sent."""
    today = today or timezone.localdate()
    sent = 0
    for board in Board.objects.all():
        for row in judge_consents(board, live_consents(board), today=today):
            current = row.current
            if current.status != Status.NOT_YET:
                continue  # compliant, or no cycle to count down (no rule, no renewal date)
            threshold = threshold_for((current.window.end - today).days)
            if threshold is not None:
                sent += _remind(row, threshold, today)
    return sent


def _remind(row: LicenseeCompliance, threshold: int, today: datetime.date) -> int:
    try:
        with transaction.atomic():
            ComplianceReminder.objects.create(
                consent=row.consent, cycle_end=row.current.cycle.end, days_before=threshold
            )
            send_mail(
                subject=f"CE for your licence {row.licence.number}: "
                f"{(row.current.window.end - today).days} days left",
                message=reminder_text(row, today),
                from_email=None,
                recipient_list=[row.learner.email],
            )
    except IntegrityError:
        return 0  # already reminded at this threshold for this cycle
    return 1


def reminder_text(row: LicenseeCompliance, today: datetime.date) -> str:
    judgement, licence = row.current, row.licence
    end = date_format(judgement.window.end, "j F Y")
    days = (judgement.window.end - today).days
    needs = "\n".join(f"- {need}" for need in judgement.missing)
    url = settings.SITE_URL + reverse("boards:licences")
    return (
        f"Your CE cycle with {row.consent.board} for your licence "
        f"{licence.get_licence_type_display()} {licence.number} ({licence.jurisdiction}) "
        f"ends on {end}, in {days} days.\n\n"
        f"To meet the board's rule, you need by {end}:\n{needs}\n\n"
        f"What counts so far, and courses that would fill the gap: {url}\n\n"
        "You receive this because you share this licence's CE with the board. You can stop "
        "sharing on that page at any time; then these reminders stop too.\n"
    )
