import re

from django.urls import reverse

import pytest
from allauth.account.models import EmailAddress

from accounts.models import User
from accounts.roles import Role
from tests.factories import UserFactory

SIGNUP = reverse("account_signup")
GOOD = {
    "first_name": "Robin",
    "last_name": "Peer",
    "email": "robin@example.org",
    "password1": "calm-river-stone-garden",
    "password2": "calm-river-stone-garden",
}


@pytest.mark.django_db
class SignupTests:
    def test_sign_up_creates_an_unverified_learner_and_sends_a_verification_link(
        self, client, mailoutbox
    ):
        response = client.post(SIGNUP, GOOD)
        assert response.status_code == 302
        assert response["Location"] == reverse("account_email_verification_sent")
        user = User.objects.get(email="robin@example.org")
        assert (user.first_name, user.last_name) == ("Robin", "Peer")
        assert set(user.groups.values_list("name", flat=True)) == {Role.LEARNER.value}
        assert EmailAddress.objects.get(user=user).verified is False
        assert len(mailoutbox) == 1
        assert re.search(r"/accounts/confirm-email/[^/\s]+/", mailoutbox[0].body)

    def test_unverified_person_cannot_sign_in(self, client):
        client.post(SIGNUP, GOOD)
        client.logout()
        response = client.post(
            reverse("account_login"), {"login": GOOD["email"], "password": GOOD["password1"]}
        )
        assert response["Location"] == reverse("account_email_verification_sent")
        assert "_auth_user_id" not in client.session

    def test_a_taken_email_answers_like_a_new_one_and_tells_the_owner(self, client, mailoutbox):
        UserFactory(email="robin@example.org")
        fresh = client.post(SIGNUP, {**GOOD, "email": "new@example.org"})
        client.logout()
        taken = client.post(SIGNUP, {**GOOD, "email": "Robin@Example.org"})
        # Nothing on the page tells the two apart: no account can be discovered this way.
        assert (taken.status_code, taken["Location"]) == (fresh.status_code, fresh["Location"])
        assert User.objects.filter(email__iexact="robin@example.org").count() == 1
        [_, to_owner] = mailoutbox
        assert [a.lower() for a in to_owner.to] == ["robin@example.org"]
        assert "already" in to_owner.body.lower()

    def test_weak_password_is_a_form_error_and_nothing_is_saved(self, client):
        response = client.post(SIGNUP, {**GOOD, "password1": "password", "password2": "password"})
        errors = response.context["form"].errors["password1"]
        assert any("too short" in e for e in errors)
        assert any("too common" in e for e in errors)
        assert not User.objects.filter(email=GOOD["email"]).exists()

    def test_mismatched_passwords_are_a_form_error_and_nothing_is_saved(self, client):
        response = client.post(SIGNUP, {**GOOD, "password2": "another-long-passphrase"})
        assert "same password" in str(response.context["form"].errors["password2"])
        assert not User.objects.filter(email=GOOD["email"]).exists()

    def test_missing_name_is_a_form_error(self, client):
        response = client.post(SIGNUP, {**GOOD, "first_name": ""})
        assert "required" in str(response.context["form"].errors["first_name"])
        assert not User.objects.exists()

    def test_verifying_the_email_signs_the_person_in(self, client, mailoutbox):
        client.post(SIGNUP, GOOD)
        link = re.search(r"(/accounts/confirm-email/[^/\s]+/)", mailoutbox[0].body).group(1)
        response = client.post(link)
        assert response.status_code == 302
        assert EmailAddress.objects.get(email=GOOD["email"]).verified is True
        assert client.get(reverse("accounts:profile")).status_code == 200
