import re

from django.urls import reverse

import pytest

from tests.factories import UserFactory


@pytest.mark.django_db
class PasswordResetTests:
    def test_reset_by_email_link_sets_a_new_password(self, client, mailoutbox):
        user = UserFactory(email="forgetful@example.org")
        response = client.post(reverse("account_reset_password"), {"email": user.email})
        assert response.status_code == 302
        assert len(mailoutbox) == 1
        link = re.search(r"(/accounts/password/reset/key/[^\s]+/)", mailoutbox[0].body).group(1)

        form_url = client.get(link)["Location"]  # allauth moves the key out of the URL
        new = "a-new-and-long-passphrase-7"
        response = client.post(form_url, {"password1": new, "password2": new})
        assert response.status_code == 302
        user.refresh_from_db()
        assert user.check_password(new)

    def test_weak_new_password_is_a_form_error(self, client, mailoutbox):
        user = UserFactory()
        client.post(reverse("account_reset_password"), {"email": user.email})
        link = re.search(r"(/accounts/password/reset/key/[^\s]+/)", mailoutbox[0].body).group(1)
        form_url = client.get(link)["Location"]
        response = client.post(form_url, {"password1": "12345678", "password2": "12345678"})
        assert response.status_code == 200
        assert "too short" in str(response.context["form"].errors)
        user.refresh_from_db()
        assert not user.check_password("12345678")


@pytest.mark.django_db
def test_an_unknown_address_gets_the_same_answer_as_a_known_one(client, mailoutbox):
    UserFactory(email="known@example.org")
    url = reverse("account_reset_password")
    known = client.post(url, {"email": "known@example.org"})
    unknown = client.post(url, {"email": "nobody@example.org"})
    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
