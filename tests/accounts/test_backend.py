import pytest

from accounts.backends import AccessAwareAuthenticationBackend
from accounts.roles import Role, user_access_status
from tests.factories import UserFactory, totp_enable


@pytest.mark.django_db
class AccessAwareBackendTests:
    def test_loads_the_user_with_access_status_in_one_query(self, django_assert_num_queries):
        author = UserFactory(roles=[Role.AUTHOR])
        totp_enable(author)
        with django_assert_num_queries(1):
            user = AccessAwareAuthenticationBackend().get_user(author.pk)
            status = user_access_status(user)
        assert (status.requires_mfa, status.has_mfa, status.can_access_cms) == (True, True, True)

    def test_an_inactive_user_is_not_loaded(self):
        user = UserFactory(is_active=False)
        assert AccessAwareAuthenticationBackend().get_user(user.pk) is None
