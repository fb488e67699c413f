"""CE transcripts by period, as a page and a PDF, and sharing them with a board or by link,
withdrawable."""

import datetime
import re

from django.urls import reverse
from django.utils import timezone

import pytest

from accounts.roles import Role
from credentials.issuance import credential_issue, credential_revoke
from credentials.models import AuditEntry, TranscriptShare
from credentials.signing_keys import signing_key_add
from credentials.transcripts import ShareRefused, share_with_board, transcript
from tests.credentials.factories import complete_course, course_achievement
from tests.factories import UserFactory, staff_user

TRANSCRIPT = "/credentials/transcript/"


@pytest.fixture
def learner(db):
    signing_key_add()
    person = UserFactory(first_name="Riley", last_name="Resident")
    for slug, hours in (("one", "3"), ("two", "1.5")):
        achievement = course_achievement(slug, ce_hours=hours)
        complete_course(person, achievement)
        credential_issue(learner=person, achievement=achievement)
    return person


@pytest.fixture
def board(db):
    return staff_user(Role.BOARD_VERIFIER, first_name="State", last_name="Board")


def today() -> datetime.date:
    return timezone.localdate()


@pytest.mark.django_db
class TranscriptTests:
    def test_it_totals_the_credits_of_the_period_and_leaves_out_revoked_ones(self, learner):
        data = transcript(learner=learner, start=today(), end=today())
        assert [str(c.credits) for c in data.credentials] == ["3.00", "1.50"]
        assert str(data.total_hours) == "4.50"
        credential_revoke(
            credential=data.credentials[0], by=staff_user(Role.ADMINISTRATOR), reason="Error."
        )
        assert str(transcript(learner=learner, start=today(), end=today()).total_hours) == "1.50"
        yesterday = today() - datetime.timedelta(days=1)
        assert transcript(learner=learner, start=yesterday, end=yesterday).credentials == []

    def test_the_page_defaults_to_this_year_and_offers_the_pdf(self, client, learner):
        client.force_login(learner)
        body = client.get(TRANSCRIPT).content.decode()
        assert "<strong>4.5</strong>" in body
        assert f"{today():%Y}-01-01" in body
        pdf = client.get(
            reverse("credentials:transcript_pdf"), {"start": "2020-01-01", "end": today()}
        )
        assert pdf["Content-Type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF-")

    def test_a_backwards_or_broken_period_is_a_400_with_the_reason(self, client, learner):
        client.force_login(learner)
        response = client.get(TRANSCRIPT, {"start": "2026-05-01", "end": "2026-01-01"})
        assert response.status_code == 400
        assert "The period ends before it starts." in response.content.decode()
        response = client.get(reverse("credentials:transcript_pdf"), {"start": "x", "end": "y"})
        assert response.status_code == 400

    def test_it_needs_sign_in(self, client, db):
        assert client.get(TRANSCRIPT).status_code == 302


@pytest.mark.django_db
class SharingTests:
    def test_sharing_with_a_board_then_withdrawing(self, client, learner, board):
        client.force_login(learner)
        period = {"start": f"{today():%Y}-01-01", "end": today().isoformat()}
        page = client.get(TRANSCRIPT).content.decode()
        assert "State Board" in page
        response = client.post(
            reverse("credentials:share"), {**period, "recipient": str(board.public_id)}
        )
        assert response.status_code == 302
        share = TranscriptShare.objects.get()
        assert (share.board, share.period_end) == (board, today())
        client.post(reverse("credentials:share_withdraw", args=[share.pk]))
        share.refresh_from_db()
        assert share.withdrawn_at is not None
        assert [e.action for e in AuditEntry.objects.filter(subject=f"share {share.pk}")] == [
            "transcript shared",
            "transcript share withdrawn",
        ]

    def test_a_link_is_shown_once_and_works_until_withdrawn(self, client, learner):
        client.force_login(learner)
        shared_now = client.post(
            reverse("credentials:share"),
            {"start": f"{today():%Y}-01-01", "end": today().isoformat(), "recipient": "link"},
        )
        assert "messages" not in shared_now.cookies  # the link never travels in a cookie
        response = client.get(shared_now["Location"])
        link = re.search(r"http://testserver(/transcripts/[^/]+/)", response.content.decode())
        assert link, "the link is shown after sharing"
        assert all(link.group(1) not in morsel.value for morsel in client.cookies.values())
        share = TranscriptShare.objects.get()
        assert share.token_hash and link.group(1).split("/")[2] not in share.token_hash
        client.logout()
        shared = client.get(link.group(1)).content.decode()
        assert "Riley Resident" in shared and "<strong>4.5</strong>" in shared
        client.force_login(learner)
        client.post(reverse("credentials:share_withdraw", args=[share.pk]))
        client.logout()
        assert client.get(link.group(1)).status_code == 404
        assert client.get("/transcripts/not-a-real-token/").status_code == 404

    def test_only_boards_receive_and_only_the_learner_withdraws(self, client, learner, board):
        with pytest.raises(ShareRefused, match="only with licensing board accounts"):
            share_with_board(learner=learner, board=UserFactory(), start=today(), end=today())
        with pytest.raises(ShareRefused, match="ends before it starts"):
            share_with_board(
                learner=learner, board=board, start=today(), end=today() - datetime.timedelta(1)
            )
        share = share_with_board(learner=learner, board=board, start=today(), end=today())
        client.force_login(UserFactory())
        response = client.post(reverse("credentials:share_withdraw", args=[share.pk]))
        assert response.status_code == 404
        share.refresh_from_db()
        assert share.withdrawn_at is None

    def test_more_than_five_years_is_refused_with_the_reason(self, client, learner):
        client.force_login(learner)
        response = client.post(
            reverse("credentials:share"),
            {"start": "2015-01-01", "end": today().isoformat(), "recipient": "link"},
            follow=True,
        )
        assert "Share at most five years at a time." in response.content.decode()
        assert not TranscriptShare.objects.exists()

    def test_a_bad_recipient_is_a_message_not_a_share(self, client, learner):
        client.force_login(learner)
        response = client.post(
            reverse("credentials:share"),
            {"start": "2026-01-01", "end": "2026-02-01", "recipient": "someone"},
            follow=True,
        )
        assert "Select a valid choice" in response.content.decode()
        assert not TranscriptShare.objects.exists()
