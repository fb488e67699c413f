"""Writes on people: registration, profile and licences. Views, admin and commands call these."""

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

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


PROFILE_FIELDS = (
    "first_name",
    "last_name",
    "display_name",
    "time_zone",
    "birth_month",
    "birth_day",
)


def profile_update(*, user: User, **values) -> User:
    """Change what the person may change about themselves (PROFILE_FIELDS only)."""
    unknown = set(values) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"Not profile fields: {', '.join(sorted(unknown))}")
    for name, value in values.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password"])
    user.save(update_fields=list(values))
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


class LicenceRefused(ValueError):
    """A licence verification the rules refuse; `str()` says why."""


@transaction.atomic
def licence_verify(*, licence: Licence, by: User) -> Licence:
    """Confirm that `licence` is its holder's. Callers check that `by` may (program staff, or
    the board the holder shared with). A licence verified for one person is never verified for
    another: a second claim to the same number stays a claim."""
    licence = Licence.objects.select_for_update().get(pk=licence.pk)
    if licence.verified_at is not None:
        return licence
    taken = Licence.objects.filter(
        jurisdiction=licence.jurisdiction,
        licence_type=licence.licence_type,
        number=licence.number,
        verified_at__isnull=False,
    ).exclude(pk=licence.pk)
    if taken.exists():
        raise LicenceRefused("This licence is already verified as another person's.")
    licence.verified_at, licence.verified_by = timezone.now(), by
    licence.save(update_fields=["verified_at", "verified_by"])
    return licence
