"""There is one way to sign in (allauth), so MFA and rate limits cannot be sidestepped."""

from django.urls import reverse

import pytest

from accounts.roles import Role
from tests.factories import PASSWORD, UserFactory, totp_enable


@pytest.mark.django_db
class SingleSignInTests:
    def test_cms_login_redirects_to_the_site_login(self, client):
        response = client.get("/cms/login/?next=/cms/pages/")
        assert response.status_code == 302
        assert response["Location"] == reverse("account_login") + "?next=/cms/pages/"

    def test_posting_credentials_to_the_cms_login_does_not_sign_in(self, client):
        user = UserFactory(roles=[Role.AUTHOR])
        totp_enable(user)
        client.post("/cms/login/", {"username": user.email, "password": PASSWORD})
        assert "_auth_user_id" not in client.session

    def test_cms_password_reset_goes_to_the_site_reset(self, client):
        response = client.get("/cms/password_reset/")
        assert response["Location"] == reverse("account_reset_password")

    def test_django_admin_login_goes_to_the_site_login(self, client):
        response = client.get("/django-admin/login/")
        assert response["Location"].startswith(reverse("account_login"))

    def test_cms_redirects_anonymous_visitors_to_the_site_login(self, client):
        response = client.get("/cms/")
        assert response["Location"].startswith(reverse("account_login"))

    def test_author_with_mfa_reaches_the_cms(self, client, home_page):
        user = UserFactory(roles=[Role.AUTHOR])
        totp_enable(user)
        client.force_login(user)
        assert client.get("/cms/").status_code == 200

    def test_learner_is_refused_the_cms(self, client, learner):
        client.force_login(learner)
        # Wagtail sends a signed-in person without admin access back to the sign-in page.
        response = client.get("/cms/")
        assert response["Location"] == reverse("account_login") + "?next=/cms/"

    def test_learner_is_refused_the_django_admin(self, client, learner):
        client.force_login(learner)
        response = client.get("/django-admin/", follow=True)
        assert response.status_code == 403
