"""Roles are Django groups whose permissions are declared here, in code.

`roles_sync()` creates the groups and sets exactly the declared model permissions, so a role
never silently gains a permission someone clicked into the admin. Object-level permissions
(Wagtail page and collection permissions) belong to the apps that own those objects.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from allauth.mfa.models import Authenticator

from accounts.models import User


class Role(StrEnum):
    """Each value is the name of the Django group that carries the role."""

    LEARNER = "Learner"
    AUTHOR = "Author"
    CLINICAL_REVIEWER = "Clinical reviewer"
    SUPERVISOR = "Supervisor"
    BOARD_VERIFIER = "Board verifier"
    ADMINISTRATOR = "Administrator"


# Every role but learner acts on other people's records or on published clinical content,
# so each of them must sign in with a second factor.
MFA_EXEMPT_ROLES = frozenset({Role.LEARNER})

# Recovery codes are a fallback for a second factor, not a second factor of their own.
SECOND_FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]

_USER_ADMIN = [
    "accounts.view_user",
    "accounts.add_user",
    "accounts.change_user",
    "accounts.view_licence",
    "accounts.change_licence",
    "auth.view_group",
]

# The CMS "Assessments" menu: authors and administrators edit the competency framework's text,
# the assessments' rules and items' wording (an answered item gets a new version); reviewers read
# them.
_BANK_VIEW = [
    "assessments.view_competencydomain",
    "assessments.view_competency",
    "assessments.view_vignette",
    "assessments.view_assessment",
    "assessments.view_item",
]
_BANK_EDIT = [
    *_BANK_VIEW,
    "assessments.change_competencydomain",
    "assessments.change_competency",
    "assessments.change_assessment",
    "assessments.change_item",
    "assessments.expose_item",
]

ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.LEARNER: [],
    Role.AUTHOR: ["wagtailadmin.access_admin", *_BANK_EDIT],
    Role.CLINICAL_REVIEWER: ["wagtailadmin.access_admin", *_BANK_VIEW],
    Role.SUPERVISOR: ["assessments.attest_practicelog", "assessments.observe_competency"],
    Role.BOARD_VERIFIER: [],
    Role.ADMINISTRATOR: [
        "wagtailadmin.access_admin",
        *_USER_ADMIN,
        *_BANK_EDIT,
        "assessments.review_externaltraining",
        # The provider's accreditation set-up: credit types, their statements, the evaluation.
        "accreditation.add_credittype",
        "accreditation.change_credittype",
        "accreditation.view_credittype",
        "accreditation.add_evaluationquestion",
        "accreditation.change_evaluationquestion",
        "accreditation.view_evaluationquestion",
        "accreditation.view_creditclaim",  # the activity reports and the PARS file
        "credentials.view_achievement",
        "credentials.change_achievement",
        "credentials.view_credential",
        "credentials.add_credential",
        "credentials.change_credential",
        "credentials.view_auditentry",
        "learning_records.view_outboxstatement",
        "learning_records.requeue_outboxstatement",
    ],
}


def _permissions(names: list[str]) -> list[Permission]:
    wanted = {tuple(name.split(".", 1)) for name in names}
    found = list(
        Permission.objects.filter(
            Q(
                *[Q(content_type__app_label=app, codename=code) for app, code in wanted],
                _connector=Q.OR,
            )
        ).select_related("content_type")
        if wanted
        else []
    )
    missing = wanted - {(p.content_type.app_label, p.codename) for p in found}
    if missing:
        raise LookupError(f"Unknown permissions in ROLE_PERMISSIONS: {sorted(missing)}")
    return found


@transaction.atomic
def roles_sync() -> None:
    """Create every role's group and give it exactly the permissions declared above."""
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role.value)
        group.permissions.set(_permissions(names))


def roles_sync_after_migrate(sender, **kwargs) -> None:
    # post_migrate fires once per app that has models, in INSTALLED_APPS order; the permissions
    # of every app exist only once the last of them has had its turn.
    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if sender.label == with_models[-1].label:
        roles_sync()


def user_roles(user) -> set[Role]:
    if not user.is_authenticated:
        return set()
    names = {group.name for group in user.groups.all()}
    return {role for role in Role if role.value in names}


@dataclass(frozen=True)
class AccessStatus:
    requires_mfa: bool
    has_mfa: bool
    can_access_cms: bool


CMS_PERMISSION = {"content_type__app_label": "wagtailadmin", "codename": "access_admin"}


def with_access_status(users: QuerySet[User]) -> QuerySet[User]:
    """Annotate what the middleware needs on every request: whether the person holds a role
    that requires MFA, has a second factor, and may open the CMS."""
    privileged_group = User.groups.through.objects.filter(user_id=OuterRef("pk")).exclude(
        group__name__in=[role.value for role in MFA_EXEMPT_ROLES]
    )
    cms_by_group = Permission.objects.filter(group__user=OuterRef("pk"), **CMS_PERMISSION)
    cms_by_user = Permission.objects.filter(user=OuterRef("pk"), **CMS_PERMISSION)
    return users.annotate(
        access_privileged=Exists(privileged_group),
        access_has_mfa=Exists(
            Authenticator.objects.filter(user_id=OuterRef("pk"), type__in=SECOND_FACTORS)
        ),
        access_cms=Exists(cms_by_group) | Exists(cms_by_user),
    )


def user_access_status(user) -> AccessStatus:
    """MFA and CMS status of a signed-in user: free when the user was loaded through
    with_access_status (accounts.backends does so for every request), else one query."""
    if not hasattr(user, "access_privileged"):
        user = with_access_status(User.objects.filter(pk=user.pk)).get()
    return AccessStatus(
        requires_mfa=user.is_staff or user.is_superuser or user.access_privileged,
        has_mfa=user.access_has_mfa,
        can_access_cms=user.is_active and (user.is_superuser or user.access_cms),
    )


def user_mfa_status(user) -> tuple[bool, bool]:
    """(requires MFA, has MFA) for a signed-in user, in one query."""
    status = user_access_status(user)
    return status.requires_mfa, status.has_mfa
