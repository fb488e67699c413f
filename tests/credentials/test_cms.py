"""The CMS "Credentials" menu: administrators issue by hand and revoke with a reason; nobody
edits or deletes a signed credential; achievements can be reworded."""

from django.urls import reverse

import pytest

from accounts.roles import Role
from credentials.models import Achievement, Credential
from credentials.signing_keys import signing_key_add
from credentials.verification import verify_stored
from tests.cms import ok, url
from tests.credentials.factories import course_achievement, issued_credential
from tests.factories import UserFactory, staff_user


@pytest.fixture
def credential(db):
    signing_key_add()
    return issued_credential()


@pytest.mark.django_db
class CredentialAdminTests:
    def test_an_administrator_lists_inspects_and_revokes_with_a_reason(self, client, credential):
        client.force_login(staff_user(Role.ADMINISTRATOR))
        assert "Riley Resident" in ok(client.get(url(Credential, "list")))
        inspect = ok(client.get(url(Credential, "inspect", credential.pk)))
        revoke_url = reverse("credential_revoke", args=[credential.pk])
        assert revoke_url in inspect
        assert reverse("credentials:verify", args=[credential.pk]) in inspect
        response = client.post(revoke_url, {"reason": ""})
        assert response.status_code == 400
        credential.refresh_from_db()
        assert credential.revoked_at is None
        response = client.post(revoke_url, {"reason": "Issued to the wrong person."})
        assert response.status_code == 302
        credential.refresh_from_db()
        assert credential.revocation_reason == "Issued to the wrong person."
        assert verify_stored(credential).status == "revoked"
        inspect = ok(client.get(url(Credential, "inspect", credential.pk)))
        assert "Issued to the wrong person." in inspect

    def test_an_administrator_suspends_and_reinstates(self, client, credential):
        client.force_login(staff_user(Role.ADMINISTRATOR))
        suspend = reverse("credential_suspend", args=[credential.pk])
        assert suspend in ok(client.get(url(Credential, "inspect", credential.pk)))
        assert "Suspend" in ok(client.get(suspend))
        assert client.post(suspend).status_code == 302
        assert verify_stored(credential).status == "suspended"
        assert "Lift the suspension" in ok(client.get(suspend))
        assert client.post(suspend).status_code == 302
        assert verify_stored(credential).status == "valid"

    def test_issuing_by_hand_is_recorded_and_a_bad_email_is_a_form_error(self, client, db):
        signing_key_add()
        achievement = course_achievement("by-hand")
        admin = staff_user(Role.ADMINISTRATOR)
        learner = UserFactory()
        client.force_login(admin)
        assert reverse("credential_issue") in ok(client.get(url(Credential, "list")))
        response = client.post(
            reverse("credential_issue"),
            {"learner_email": "nobody@example.org", "achievement": achievement.pk},
        )
        assert response.status_code == 400
        assert "Nobody has an account with this email address." in response.content.decode()
        response = client.post(
            reverse("credential_issue"),
            {"learner_email": learner.email.upper(), "achievement": achievement.pk},
        )
        assert response.status_code == 302
        credential = Credential.objects.get()
        assert (credential.learner, credential.issued_by) == (learner, admin)

    def test_nobody_edits_or_deletes_a_signed_credential(self, client, credential):
        client.force_login(staff_user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True))
        assert client.get(url(Credential, "edit", credential.pk)).status_code in {302, 403}
        assert client.post(url(Credential, "delete", credential.pk)).status_code in {302, 403}
        assert client.get(url(Credential, "add")).status_code in {302, 403}
        assert Credential.objects.filter(pk=credential.pk).exists()

    def test_others_cannot_issue_or_revoke(self, client, credential):
        client.force_login(staff_user(Role.AUTHOR))
        for target in (
            reverse("credential_issue"),
            reverse("credential_revoke", args=[credential.pk]),
        ):
            assert client.get(target).status_code in {302, 403}
            assert client.post(target, {"reason": "x"}).status_code in {302, 403}
        credential.refresh_from_db()
        assert credential.revoked_at is None


@pytest.mark.django_db
class AchievementAdminTests:
    def test_an_administrator_rewords_an_achievement_but_not_its_rules(self, client, db):
        achievement = course_achievement()
        client.force_login(staff_user(Role.ADMINISTRATOR))
        response = client.post(
            url(Achievement, "edit", achievement.pk),
            {
                "name": "Shared Decisions",
                "description": "New words.",
                "criteria": "Finished it.",
                "ce_hours": "99",
                "kind": "certification",
            },
        )
        assert response.status_code == 302, response.content.decode()[-2000:]
        achievement.refresh_from_db()
        assert (achievement.name, achievement.criteria) == ("Shared Decisions", "Finished it.")
        assert (achievement.kind, str(achievement.ce_hours)) == ("course", "3.00")
