"""Reminders before a CE cycle ends: 90, 30 and 7 days before, once each per consent and
cycle, saying what is missing and linking to /licences/; none to a compliant licensee or after
withdrawal; the daily command sends them."""

import datetime as dt
from decimal import Decimal
from io import StringIO

from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

import pytest

from boards import services
from boards.models import ComplianceReminder
from boards.reminders import compliance_reminders_send
from credentials.signing_keys import signing_key_add
from tests.boards.factories import board_with_staff, credential_on, ethics_area, licensee, rule

D = dt.date
CYCLE_END = D(2027, 6, 30)  # the fixed cycle 1 July 2026 - 30 June 2027


@pytest.fixture
def board(db):
    signing_key_add()
    board, member = board_with_staff()
    ethics = ethics_area(board, member)
    rule(board, member, total_hours=Decimal(4), minimums={ethics: Decimal("1.5")})
    return board


def sharing(board, number="100"):
    person, licence = licensee(number)
    consent = services.consent_grant(learner=person, licence=licence, board=board, renews_on=None)
    return person, consent


def test_a_licensee_short_of_the_rule_is_reminded_at_90_30_and_7_days_once_each(board):
    person, consent = sharing(board)
    credential_on(person, D(2026, 8, 1), hours="3")
    assert compliance_reminders_send(today=D(2027, 3, 1)) == 0  # 121 days before
    assert compliance_reminders_send(today=D(2027, 4, 1)) == 1  # 90 days before
    [email] = mail.outbox
    assert email.to == [person.email]
    assert "ends on 30 June 2027, in 90 days" in email.body
    assert "- 1 more hour in total" in email.body
    assert "- 1.5 more hours of Ethics" in email.body
    assert f"{settings.SITE_URL}/licences/" in email.body
    assert compliance_reminders_send(today=D(2027, 4, 1)) == 0  # the same day again
    assert compliance_reminders_send(today=D(2027, 4, 2)) == 0  # still the 90-day threshold
    assert compliance_reminders_send(today=D(2027, 5, 31)) == 1  # 30 days before
    assert compliance_reminders_send(today=D(2027, 6, 23)) == 1  # 7 days before
    assert compliance_reminders_send(today=D(2027, 6, 30)) == 0
    assert len(mail.outbox) == 3
    assert sorted(
        ComplianceReminder.objects.filter(consent=consent).values_list("cycle_end", "days_before")
    ) == [(CYCLE_END, 7), (CYCLE_END, 30), (CYCLE_END, 90)]


def test_a_compliant_licensee_is_not_reminded(board):
    person, _consent = sharing(board)
    credential_on(person, D(2026, 8, 1), hours="4", topic="ethics")
    short, _ = sharing(board, "101")
    assert compliance_reminders_send(today=D(2027, 4, 1)) == 1
    assert [email.to for email in mail.outbox] == [[short.email]]


def test_no_reminder_after_the_licensee_withdraws(board):
    person, consent = sharing(board)
    services.consent_withdraw(consent=consent, learner=person)
    assert compliance_reminders_send(today=D(2027, 4, 1)) == 0
    assert mail.outbox == []


def test_a_missed_threshold_sends_only_the_nearest_one(board):
    _person, consent = sharing(board)
    assert compliance_reminders_send(today=D(2027, 6, 5)) == 1  # 25 days: the 30-day one
    assert compliance_reminders_send(today=D(2027, 6, 23)) == 1
    assert sorted(
        ComplianceReminder.objects.filter(consent=consent).values_list("days_before", flat=True)
    ) == [7, 30]


def test_the_next_cycle_has_its_own_reminders(board):
    _person, consent = sharing(board)
    assert compliance_reminders_send(today=D(2027, 4, 1)) == 1
    assert compliance_reminders_send(today=D(2028, 4, 1)) == 1  # 90 days before 30 June 2028
    assert sorted(
        ComplianceReminder.objects.filter(consent=consent).values_list("cycle_end", flat=True)
    ) == [CYCLE_END, D(2028, 6, 30)]


def test_the_daily_command_sends_what_is_due_today(db):
    signing_key_add()
    board, member = board_with_staff()
    today = timezone.localdate()
    # A cycle that ends five days from now.
    rule(board, member, fixed_start=today + dt.timedelta(days=6), total_hours=Decimal(4))
    person, _consent = sharing(board)
    out = StringIO()
    call_command("ce_compliance_reminders", stdout=out)
    assert out.getvalue().strip() == "1 CE compliance reminder(s) sent."
    assert mail.outbox[0].to == [person.email]
    assert "in 5 days" in mail.outbox[0].body
