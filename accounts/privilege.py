"""No one grants more than they hold. A user manager who is not a superuser cannot make anyone a
superuser or staff, cannot give groups or permissions beyond their own, and cannot edit a
superuser at all (saving the form would also demote them). Used by the Django admin and by the
CMS's user editor, so the two cannot disagree."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

from accounts.roles import Role


def _codes(permissions) -> set[str]:
    return {f"{p.content_type.app_label}.{p.codename}" for p in permissions}


def groups_within_reach(editor):
    """The groups an editor may give: those whose every permission they hold themselves, and,
    for user managers, the platform's own roles (accounts.roles, whose permissions are declared
    in code), since assigning roles is their job. A group someone built by hand with more
    power stays out of reach."""
    if editor.is_superuser:
        return Group.objects.all()
    held = editor.get_all_permissions()
    roles = {role.value for role in Role} if editor.has_perm("accounts.change_user") else set()
    allowed = [
        group.pk
        for group in Group.objects.prefetch_related("permissions__content_type")
        if group.name in roles or _codes(group.permissions.all()) <= held
    ]
    return Group.objects.filter(pk__in=allowed)


def privilege_refusal(
    editor, target=None, *, superuser=False, staff=False, group_ids=(), permission_ids=()
) -> str:
    """Why `editor` may not save `target` with these grants; empty when they may."""
    if editor.is_superuser:
        return ""
    if target is not None and target.pk and target.is_superuser:
        return "Only a superuser can change a superuser's account."
    if superuser and not (target is not None and target.is_superuser):
        return "Only a superuser can make someone a superuser."
    if staff and not (target is not None and target.is_staff):
        return "Only a superuser can give staff status."
    beyond = set(map(int, group_ids)) - set(
        groups_within_reach(editor).values_list("pk", flat=True)
    )
    if beyond:
        names = ", ".join(Group.objects.filter(pk__in=beyond).values_list("name", flat=True))
        return f"You cannot give groups with permissions you do not hold yourself: {names}."
    permissions = Permission.objects.filter(pk__in=list(map(int, permission_ids)))
    if not _codes(permissions.select_related("content_type")) <= editor.get_all_permissions():
        return "You cannot give permissions you do not hold yourself."
    return ""
