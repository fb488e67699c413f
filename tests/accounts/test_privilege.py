"""No one grants more than they hold: an administrator who is not a superuser cannot make
anyone a superuser or staff, give a group with powers they lack, or change a superuser, in the
Django admin or in the CMS's user editor."""

from django.contrib.auth.models import Group, Permission
from django.urls import reverse

import pytest

from accounts.models import User
from accounts.roles import Role
from tests.factories import UserFactory, staff_user


@pytest.fixture
def admin_client(client):
    client.force_login(staff_user(Role.ADMINISTRATOR, is_staff=True))  # as load_demo makes them
    return client


@pytest.fixture
def powerful_group(db):
    group = Group.objects.create(name="Hand-made power")
    group.permissions.add(Permission.objects.get(codename="delete_credential"))
    return group


def cms_edit(client, user, **changes):
    data = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "is_active": "on",
        "groups": [g.pk for g in user.groups.all()],
        **changes,
    }
    return client.post(reverse("wagtailusers_users:edit", args=[user.pk]), data, follow=True)


def admin_change(client, user, **changes):
    data = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "display_name": "",
        "is_active": "on",
        "groups": [g.pk for g in user.groups.all()],
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
        "licences-TOTAL_FORMS": 0,
        "licences-INITIAL_FORMS": 0,
        **changes,
    }
    return client.post(reverse("admin:accounts_user_change", args=[user.pk]), data, follow=True)


@pytest.mark.django_db
class CmsUserEditorTests:
    def test_an_administrator_cannot_make_anyone_a_superuser(self, admin_client):
        target = UserFactory()
        page = cms_edit(admin_client, target, is_superuser="on").content.decode()
        assert "Only a superuser can make someone a superuser." in page
        assert not User.objects.get(pk=target.pk).is_superuser

    def test_an_administrator_cannot_give_a_group_with_powers_they_lack(
        self, admin_client, powerful_group
    ):
        target = UserFactory()
        page = cms_edit(admin_client, target, groups=[powerful_group.pk]).content.decode()
        assert "permissions you do not hold yourself: Hand-made power" in page
        assert powerful_group not in User.objects.get(pk=target.pk).groups.all()

    def test_an_administrator_assigns_the_platform_roles(self, admin_client):
        target = UserFactory()
        supervisor = Group.objects.get(name=Role.SUPERVISOR)
        cms_edit(admin_client, target, groups=[supervisor.pk])
        assert supervisor in User.objects.get(pk=target.pk).groups.all()

    def test_an_administrator_cannot_change_a_superuser(self, admin_client):
        root = UserFactory(is_superuser=True, is_staff=True, first_name="Root")
        page = cms_edit(admin_client, root, first_name="Hijacked").content.decode()
        assert "Only a superuser can change a superuser" in page
        assert User.objects.get(pk=root.pk).first_name == "Root"


@pytest.mark.django_db
class DjangoAdminTests:
    def test_the_superuser_and_staff_flags_are_read_only_for_an_administrator(self, admin_client):
        target = UserFactory()
        page = admin_change(admin_client, target, is_superuser="on", first_name="Renamed")
        assert page.status_code == 200 and b"was changed successfully" in page.content
        target.refresh_from_db()
        assert (target.first_name, target.is_superuser, target.is_staff) == (
            "Renamed",
            False,
            False,
        )

    def test_a_group_beyond_the_administrators_powers_is_not_offered(
        self, admin_client, powerful_group
    ):
        target = UserFactory()
        page = admin_change(admin_client, target, groups=[powerful_group.pk]).content.decode()
        assert "Select a valid choice" in page
        assert powerful_group not in User.objects.get(pk=target.pk).groups.all()

    def test_a_superuser_cannot_be_changed_by_an_administrator(self, admin_client):
        root = UserFactory(is_superuser=True, is_staff=True, first_name="Root")
        response = admin_change(admin_client, root, first_name="Hijacked")
        assert response.status_code == 403
        assert User.objects.get(pk=root.pk).first_name == "Root"
