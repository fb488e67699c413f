"""Renewing a certification with CE hours: reminders before the end with the hours still
needed, renewal without a gap once the hours are earned, and suspension after the grace period."""

import re
from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

import pytest

from accounts.roles import Role
from courses.models import Enrolment
from credentials.issuance import IssuanceRefused, credential_issue
from credentials.models import AuditEntry, Credential, RenewalReminder
from credentials.renewals import add_months, renewals_run
from credentials.signing_keys import signing_key_add
from credentials.verification import Verifier
from tests.credentials.factories import certification, complete_course, course_achievement
from tests.factories import UserFactory, staff_user


@pytest.fixture
def held(db, home_page):
    """A learner certified by an administrator a year ago, less 30 days."""
    signing_key_add()
    achievement = certification(home_page)
    learner = UserFactory(first_name="Pat", last_name="Peer")
    start = timezone.now() - timedelta(days=335)
    issued = credential_issue(
        learner=learner,
        achievement=achievement,
        issued_by=staff_user(Role.ADMINISTRATOR),
        now=start,
    )
    return issued.credential


@pytest.mark.django_db
class RenewalTests:
    def test_a_reminder_says_how_many_hours_are_still_needed_once_per_threshold(
        self, held, mailoutbox
    ):
        assert renewals_run()["reminders"] == 1
        assert renewals_run()["reminders"] == 0  # the same day again: nothing new
        [mail] = mailoutbox
        assert mail.to == [held.learner.email]
        assert re.search(r"ends on \d+ \w+ \d{4}, in (29|30) days", mail.body)
        assert "You still need 2 CE hours" in mail.body
        assert RenewalReminder.objects.get().days_before == 60

    def test_earning_the_hours_renews_without_a_gap(self, held, django_capture_on_commit_callbacks):
        course = course_achievement("ce-course", ce_hours="3")
        Enrolment.objects.create(user=held.learner, program=held.achievement.program)
        with django_capture_on_commit_callbacks(execute=True):
            complete_course(held.learner, course)
        renewed = Credential.objects.filter(achievement=held.achievement).exclude(pk=held.pk).get()
        assert renewed.period == held.valid_until.date().isoformat()
        assert renewed.valid_until == add_months(held.valid_until, 12)
        assert renewals_run()["reminders"] == 0  # renewed: no reminder

    def test_far_from_its_end_a_certification_is_left_alone(self, held, mailoutbox):
        early = held.valid_until - timedelta(days=100)
        assert renewals_run(now=early) == {"reminders": 0, "renewed": 0, "suspended": 0}
        assert mailoutbox == []

    def test_too_early_to_renew_returns_the_current_credential(self, held):
        early = held.valid_until - timedelta(days=100)
        issued = credential_issue(learner=held.learner, achievement=held.achievement, now=early)
        assert (issued.created, issued.credential) == (False, held)

    def test_without_the_hours_it_is_refused_with_what_is_left(self, held):
        with pytest.raises(IssuanceRefused, match="CE hours in the last 12 months"):
            credential_issue(learner=held.learner, achievement=held.achievement)

    def test_after_the_grace_period_an_unrenewed_certification_is_suspended(self, held, settings):
        settings.CREDENTIALS_GRACE_DAYS = 30
        just_after = held.valid_until + timedelta(days=1)
        assert renewals_run(now=just_after)["suspended"] == 0
        assert Verifier(now=just_after).verify(held.document).status == "expired"
        after_grace = held.valid_until + timedelta(days=31)
        assert renewals_run(now=after_grace)["suspended"] == 1
        held.refresh_from_db()
        assert held.suspended_at is not None
        assert Verifier(now=after_grace).verify(held.document).status == "suspended"
        assert AuditEntry.objects.filter(
            action="credential suspended", details__reason="not renewed within the grace period"
        ).exists()

    def test_the_command_reports_what_it_did(self, held):
        out = StringIO()
        call_command("credentials_renewals", stdout=out)
        assert "1 reminder(s) sent, 0 renewed, 0 suspended" in out.getvalue()
