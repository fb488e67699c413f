from django.contrib.auth.models import Group

import pytest

from accounts.roles import (
    ROLE_PERMISSIONS,
    Role,
    roles_sync,
    user_access_status,
    user_mfa_status,
    user_roles,
)
from tests.factories import UserFactory, totp_enable


@pytest.mark.django_db
class RolesSyncTests:
    def test_every_role_is_a_group_after_migrate(self):
        names = set(Group.objects.values_list("name", flat=True))
        assert {role.value for role in Role} <= names

    def test_sync_sets_exactly_the_declared_permissions(self):
        author = Group.objects.get(name=Role.AUTHOR.value)
        author.permissions.add(*Group.objects.get(name=Role.ADMINISTRATOR.value).permissions.all())
        roles_sync()
        granted = {f"{p.content_type.app_label}.{p.codename}" for p in author.permissions.all()}
        assert granted == set(ROLE_PERMISSIONS[Role.AUTHOR])

    def test_sync_is_idempotent(self):
        roles_sync()
        roles_sync()
        assert Group.objects.filter(name__in=[r.value for r in Role]).count() == len(Role)

    def test_learner_holds_no_permissions(self):
        assert not Group.objects.get(name=Role.LEARNER.value).permissions.exists()


@pytest.mark.django_db
class MfaStatusTests:
    @pytest.mark.parametrize("role", [r for r in Role if r != Role.LEARNER])
    def test_every_role_but_learner_requires_mfa(self, role):
        user = UserFactory(roles=[role])
        assert user_mfa_status(user) == (True, False)
        totp_enable(user)
        assert user_mfa_status(user) == (True, True)

    def test_learner_does_not_require_mfa(self):
        assert user_mfa_status(UserFactory()) == (False, False)

    def test_staff_without_any_role_requires_mfa(self):
        assert user_mfa_status(UserFactory(roles=[], is_staff=True))[0] is True

    def test_status_is_one_query(self, django_assert_num_queries):
        user = UserFactory(roles=[Role.SUPERVISOR])
        with django_assert_num_queries(1):
            user_mfa_status(user)

    def test_user_roles_lists_the_roles_held(self):
        user = UserFactory(roles=[Role.AUTHOR, Role.CLINICAL_REVIEWER])
        assert user_roles(user) == {Role.AUTHOR, Role.CLINICAL_REVIEWER}


@pytest.mark.django_db
class CmsAccessTests:
    @pytest.mark.parametrize(
        ("roles", "expected"),
        [
            ([Role.LEARNER], False),
            ([Role.SUPERVISOR], False),
            ([Role.BOARD_VERIFIER], False),
            ([Role.AUTHOR], True),
            ([Role.CLINICAL_REVIEWER], True),
            ([Role.ADMINISTRATOR], True),
        ],
    )
    def test_cms_access_follows_the_role(self, roles, expected):
        assert user_access_status(UserFactory(roles=roles)).can_access_cms is expected

    def test_superuser_may_open_the_cms(self):
        user = UserFactory(roles=[], is_superuser=True, is_staff=True)
        assert user_access_status(user).can_access_cms is True

    def test_cms_link_shows_only_for_people_who_may_open_it(self, client, home_page):
        author = UserFactory(roles=[Role.AUTHOR])
        totp_enable(author)
        client.force_login(author)
        assert 'href="/cms/"' in client.get("/").content.decode()
        client.force_login(UserFactory())
        assert 'href="/cms/"' not in client.get("/").content.decode()
