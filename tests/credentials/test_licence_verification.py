"""Licence numbers are claims until verified: only a verified licence reaches a credential, a
regulator export or a board's lookup, and someone else's claim never hides the holder."""

from django.urls import reverse
from django.utils import timezone

import pytest

from accounts.models import Licence
from accounts.roles import Role
from accounts.services import LicenceRefused, licence_verify
from credentials.boards import BoardRefused, board_licence_verify, licensee_transcript
from credentials.models import AuditEntry
from credentials.transcripts import share_with_board
from tests.factories import UserFactory, staff_user

NY_MD = {"jurisdiction": "US-NY", "licence_type": "MD", "number": "12345"}


@pytest.fixture
def board(db):
    return staff_user(Role.BOARD_VERIFIER)


def today():
    return timezone.localdate()


@pytest.mark.django_db
class LicenceVerificationTests:
    def test_a_duplicate_claim_never_hides_the_verified_holder(self, board):
        holder, impostor = UserFactory(), UserFactory()
        licence = Licence.objects.create(user=holder, **NY_MD)
        Licence.objects.create(user=impostor, **NY_MD)  # the same number, claimed
        for person in (holder, impostor):
            share_with_board(learner=person, board=board, start=today(), end=today())
        lookup = {"board": board, "jurisdiction": "US-NY", "licence_number": "12345"}
        with pytest.raises(BoardRefused):  # nobody verified yet: no one is found by it
            licensee_transcript(**lookup, start=today(), end=today())
        licence_verify(licence=licence, by=staff_user(Role.ADMINISTRATOR))
        assert licensee_transcript(**lookup, start=today(), end=today()).learner == holder
        with pytest.raises(LicenceRefused, match="already verified as another person's"):
            licence_verify(licence=impostor.licences.get(), by=staff_user(Role.ADMINISTRATOR))

    def test_a_board_confirms_the_licence_of_someone_who_shared_with_it(self, client, board):
        learner = UserFactory()
        licence = Licence.objects.create(user=learner, **NY_MD)
        stranger = Licence.objects.create(
            user=UserFactory(), jurisdiction="US-NY", licence_type="RN", number="7"
        )
        with pytest.raises(BoardRefused, match="people who shared with you"):
            board_licence_verify(board=board, licence=stranger)
        share = share_with_board(learner=learner, board=board, start=today(), end=today())
        client.force_login(board)
        page = client.get(reverse("board:share", args=[share.pk])).content.decode()
        assert "claimed, not verified" in page
        url = reverse("board:licence_confirm", args=[share.pk, licence.pk])
        page = client.post(url, follow=True).content.decode()
        assert "Confirmed: US-NY 12345." in page and "<strong>verified</strong>" in page
        licence.refresh_from_db()
        assert licence.verified_by == board
        assert AuditEntry.objects.filter(action="licence verified", actor=board).exists()
        other = reverse("board:licence_confirm", args=[share.pk, stranger.pk])
        assert client.post(other).status_code == 404  # not the sharer's licence

    def test_program_staff_verify_in_the_admin(self, client):
        licence = Licence.objects.create(user=UserFactory(), **NY_MD)
        client.force_login(staff_user(Role.ADMINISTRATOR, is_staff=True))
        response = client.post(
            reverse("admin:accounts_licence_changelist"),
            {"action": "verify", "_selected_action": [licence.pk]},
            follow=True,
        )
        assert "1 licence(s) verified." in response.content.decode()
        assert Licence.objects.get(pk=licence.pk).verified

    def test_the_learner_sees_the_state_of_each_licence(self, client):
        learner = UserFactory()
        Licence.objects.create(user=learner, **NY_MD)
        Licence.objects.create(
            user=learner,
            jurisdiction="US-FL",
            licence_type="MD",
            number="9",
            verified_at=timezone.now(),
        )
        client.force_login(learner)
        page = client.get(reverse("accounts:profile")).content.decode()
        assert "Claimed: waiting to be verified" in page
        assert f"Verified on {timezone.localdate():%-d %B %Y}" in page
