from django.db import IntegrityError

import pytest

from accounts.models import User
from tests.factories import UserFactory


@pytest.mark.django_db
class UserModelTests:
    def test_email_is_the_login_and_is_stored_lower_case(self):
        user = User.objects.create_user(email="Someone@Example.ORG", password="x" * 16)
        assert user.email == "someone@example.org"
        assert User.USERNAME_FIELD == "email"
        assert not hasattr(user, "username") or user.username is None

    def test_email_is_unique_regardless_of_case(self):
        UserFactory(email="dup@example.org")
        with pytest.raises(IntegrityError):
            User.objects.create(email="DUP@example.org")

    def test_public_id_is_random_and_distinct(self):
        first, second = UserFactory(), UserFactory()
        assert first.public_id != second.public_id
        assert first.public_id.version == 4
        assert str(first.public_id) not in first.email

    def test_name_to_show_prefers_display_name_then_first_name(self):
        user = UserFactory.build(first_name="Morgan", display_name="")
        assert user.name_to_show == "Morgan"
        user.display_name = "Mo"
        assert user.name_to_show == "Mo"

    def test_superuser_must_be_staff(self):
        with pytest.raises(ValueError, match="is_staff=True"):
            User.objects.create_superuser(email="root@example.org", password="x", is_staff=False)
