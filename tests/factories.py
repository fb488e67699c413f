import time

from django.contrib.auth.models import Group

import factory
from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)

from accounts.models import Licence, User
from accounts.roles import Role

PASSWORD = "a-strong-test-passphrase-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = "Jordan"
    last_name = factory.Sequence(lambda n: f"Tester{n}")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        """UserFactory(roles=[Role.BOARD_VERIFIER]); default is a learner."""
        if not create:
            return
        roles = extracted if extracted is not None else [Role.LEARNER]
        self.groups.set(Group.objects.filter(name__in=[role.value for role in roles]))

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class LicenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Licence

    user = factory.SubFactory(UserFactory)
    jurisdiction = "US-NY"
    licence_type = Licence.LicenceType.MD
    number = factory.Sequence(lambda n: f"NY-{100000 + n}")


def totp_enable(user: User) -> str:
    """Give the user a TOTP authenticator; returns the base32 secret so tests can make codes."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    return secret


def staff_user(role, **extra) -> User:
    """A user in a role that needs MFA, with an authenticator so they get past the MFA gate."""
    user = UserFactory(roles=[role], **extra)
    totp_enable(user)
    return user


def totp_code(secret: str) -> str:
    """The authenticator app's code now. allauth accepts only the current period's code (no
    tolerance), so near the end of a period wait for the next one rather than race it."""
    period = mfa_settings.TOTP_PERIOD
    if period - time.time() % period < 3:
        time.sleep(period - time.time() % period + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))
