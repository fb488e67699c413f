"""Demo accounts, one per role, for `manage.py load_demo`.

Accounts whose role requires MFA get a TOTP authenticator with a secret made on this machine,
so a newcomer can sign in without a phone: `python manage.py demo_totp` prints the current codes.
"""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from accounts.models import User
from accounts.roles import MFA_EXEMPT_ROLES, Role
from accounts.services import user_roles_set

DEMO_PASSWORD = "recovery-demo-2026"  # noqa: S105 -- published on purpose; DEBUG-only data

DEMO_ACCOUNTS: list[tuple[Role, str, str, str]] = [
    (Role.LEARNER, "learner@example.org", "Riley", "Resident"),
    (Role.AUTHOR, "author@example.org", "Avery", "Author"),
    (Role.CLINICAL_REVIEWER, "reviewer@example.org", "Casey", "Reviewer"),
    (Role.SUPERVISOR, "supervisor@example.org", "Sam", "Supervisor"),
    (Role.BOARD_VERIFIER, "board@example.org", "Blair", "Board"),
    (Role.ADMINISTRATOR, "admin@example.org", "Alex", "Administrator"),
]


def demo_account(role: Role) -> User:
    """The demo account of a role, as `load_demo` created it."""
    email = next(email for account_role, email, *_ in DEMO_ACCOUNTS if account_role == role)
    return User.objects.get(email=email)


def demo_account_ensure(*, role: Role, email: str, first_name: str, last_name: str) -> User:
    user, created = User.objects.get_or_create(
        email=email,
        defaults={
            "first_name": first_name,
            "last_name": last_name,
            "is_staff": role == Role.ADMINISTRATOR,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    user_roles_set(user=user, roles={role})
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    needs_totp = role not in MFA_EXEMPT_ROLES
    if needs_totp and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP):
        TOTP.activate(user, generate_totp_secret())
    return user


def load(*, stdout) -> None:
    stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
    for role, email, first_name, last_name in DEMO_ACCOUNTS:
        demo_account_ensure(role=role, email=email, first_name=first_name, last_name=last_name)
        mfa = "" if role in MFA_EXEMPT_ROLES else "  (MFA: codes from `manage.py demo_totp`)"
        stdout.write(f"  {role.value:<18} {email}{mfa}")
