"""Writes on people: registration, profile and licences. Views, admin and commands call these."""

from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import Licence, User
from accounts.roles import Role


@transaction.atomic
def user_register(*, user: User) -> User:
    """Save a newly signed-up person; everyone starts as a learner and nothing more."""
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.add(Group.objects.get(name=Role.LEARNER.value))
    return user


@transaction.atomic
def user_roles_set(*, user: User, roles: set[Role]) -> None:
    """Give a person exactly these roles."""
    user.groups.set(Group.objects.filter(name__in=[role.value for role in roles]))


def profile_update(
    *, user: User, first_name: str, last_name: str, display_name: str, time_zone: str = ""
) -> User:
    user.first_name = first_name
    user.last_name = last_name
    user.display_name = display_name
    user.time_zone = time_zone
    user.full_clean(exclude=["password"])
    user.save(update_fields=["first_name", "last_name", "display_name", "time_zone"])
    return user


def licence_add(*, user: User, jurisdiction: str, licence_type: str, number: str) -> Licence:
    licence = Licence(
        user=user,
        jurisdiction=jurisdiction.strip().upper(),
        licence_type=licence_type,
        number=number.strip(),
    )
    licence.full_clean()
    licence.save()
    return licence


def licence_delete(*, user: User, licence_id: int) -> None:
    """Only the holder removes their own licence; another person's id is simply not found."""
    Licence.objects.filter(user=user, pk=licence_id).delete()
