from django.urls import reverse

import pytest

from tests.factories import PASSWORD, UserFactory

LOGIN = reverse("account_login")


@pytest.mark.django_db
class LoginRateLimitTests:
    def test_after_five_wrong_passwords_the_account_is_locked_for_a_while(self, client):
        user = UserFactory()
        for i in range(5):
            response = client.post(LOGIN, {"login": user.email, "password": f"wrong-{i}"})
            assert "too many" not in str(response.context["form"].errors).lower()
        # Even the right password is refused while the account is throttled.
        response = client.post(LOGIN, {"login": user.email, "password": PASSWORD})
        assert "too many failed login attempts" in str(response.context["form"].errors).lower()
        assert "_auth_user_id" not in client.session

    def test_failures_on_other_accounts_do_not_lock_this_one(self, client):
        user = UserFactory()
        for i in range(4):
            client.post(LOGIN, {"login": f"guess{i}@example.org", "password": "x"})
        client.post(LOGIN, {"login": user.email, "password": PASSWORD})
        assert client.session["_auth_user_id"] == str(user.pk)

    def test_guessing_across_many_accounts_from_one_address_is_throttled(self, client):
        for i in range(10):
            client.post(LOGIN, {"login": f"guess{i}@example.org", "password": "x"})
        response = client.post(LOGIN, {"login": "guess10@example.org", "password": "x"})
        assert "too many failed login attempts" in str(response.context["form"].errors).lower()

    def test_too_many_login_requests_from_one_address_get_429(self, client):
        statuses = [
            client.post(LOGIN, {"login": "", "password": ""}).status_code for _ in range(31)
        ]
        assert statuses[:30] == [200] * 30
        assert statuses[30] == 429


@pytest.mark.django_db
class SignupRateLimitTests:
    def test_signups_from_one_address_are_throttled(self, client):
        statuses = [
            client.post(reverse("account_signup"), {"email": f"new{i}@example.org"}).status_code
            for i in range(11)
        ]
        assert statuses[:10] == [200] * 10
        assert statuses[10] == 429
