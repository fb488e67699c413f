from django.urls import reverse

import pytest
from allauth.mfa.models import Authenticator

from accounts.roles import Role
from tests.factories import PASSWORD, UserFactory, totp_code, totp_enable

MFA_SETUP = reverse("mfa_activate_totp")


def sign_in(client, user, secret: str | None = None) -> None:
    """Sign in through allauth's forms, so allauth knows the login is fresh (unlike force_login,
    after which allauth asks for the password again before any change to MFA)."""
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    if secret is not None:
        assert response["Location"] == reverse("mfa_authenticate")
        response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def reauthenticate(client) -> None:
    """allauth asks for the password again before any change to a person's second factors."""
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.django_db
class RequireMfaTests:
    @pytest.mark.parametrize(
        "path",
        ["/", "/accounts/profile/", "/cms/", "/django-admin/", "/accounts/email/", "/nope/"],
    )
    def test_board_verifier_without_mfa_is_sent_to_mfa_setup_from_every_page(
        self, client, home_page, path
    ):
        client.force_login(UserFactory(roles=[Role.BOARD_VERIFIER]))
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"] == MFA_SETUP

    def test_posts_are_refused_too(self, client):
        client.force_login(UserFactory(roles=[Role.BOARD_VERIFIER]))
        response = client.post(reverse("accounts:profile"), {"action": "profile"})
        assert response["Location"] == MFA_SETUP

    def test_reauthentication_for_mfa_setup_stays_reachable(self, client):
        # After force_login allauth wants the password again before adding a factor.
        client.force_login(UserFactory(roles=[Role.BOARD_VERIFIER]))
        response = client.get(MFA_SETUP)
        assert response["Location"].startswith(reverse("account_reauthenticate"))
        assert client.get(response["Location"]).status_code == 200

    def test_sign_out_stays_reachable(self, client):
        client.force_login(UserFactory(roles=[Role.BOARD_VERIFIER]))
        assert client.post(reverse("account_logout")).status_code == 302
        assert "_auth_user_id" not in client.session

    def test_activating_totp_opens_the_site(self, client):
        user = UserFactory(roles=[Role.BOARD_VERIFIER])
        sign_in(client, user)
        reauthenticate(client)
        assert client.get(MFA_SETUP).status_code == 200
        secret = client.session["mfa.totp.secret"]
        response = client.post(MFA_SETUP, {"code": totp_code(secret)})
        assert response.status_code == 302
        assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        assert client.get(reverse("accounts:profile")).status_code == 200

    def test_learner_is_not_asked_for_mfa(self, client, learner):
        client.force_login(learner)
        assert client.get(reverse("accounts:profile")).status_code == 200

    def test_staff_user_without_mfa_is_sent_to_setup(self, client):
        client.force_login(UserFactory(roles=[], is_staff=True))
        assert client.get("/django-admin/")["Location"] == MFA_SETUP

    def test_healthz_is_never_blocked(self, client):
        client.force_login(UserFactory(roles=[Role.ADMINISTRATOR]))
        assert client.get("/healthz").status_code == 200

    def test_a_required_second_factor_cannot_be_removed(self, client):
        user = UserFactory(roles=[Role.SUPERVISOR])
        sign_in(client, user, totp_enable(user))
        reauthenticate(client)
        response = client.post(reverse("mfa_deactivate_totp"))
        assert response.status_code == 200
        assert "cannot" in str(response.context["form"].errors).lower()
        assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()

    def test_a_learner_may_remove_their_optional_second_factor(self, client, learner):
        sign_in(client, learner, totp_enable(learner))
        reauthenticate(client)
        assert client.post(reverse("mfa_deactivate_totp")).status_code == 302
        assert not Authenticator.objects.filter(user=learner, type=Authenticator.Type.TOTP)


@pytest.mark.django_db
class MfaLoginTests:
    def test_password_alone_does_not_sign_in_a_person_with_totp(self, client):
        user = UserFactory(roles=[Role.BOARD_VERIFIER])
        secret = totp_enable(user)
        response = client.post(
            reverse("account_login"), {"login": user.email, "password": PASSWORD}
        )
        assert response["Location"] == reverse("mfa_authenticate")
        assert "_auth_user_id" not in client.session

        wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
        assert wrong.status_code == 200
        assert "_auth_user_id" not in client.session

        right = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
        assert right.status_code == 302
        assert client.session["_auth_user_id"] == str(user.pk)
        assert client.get(reverse("accounts:profile")).status_code == 200
