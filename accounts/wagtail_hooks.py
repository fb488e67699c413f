"""The CMS's user editor follows the same rule as the Django admin: no one grants more than they
hold (accounts.privilege)."""

from django.contrib import messages
from django.shortcuts import redirect

from wagtail import hooks

from accounts.privilege import privilege_refusal

TRUE = {"on", "true", "1"}


def _refused(request, target=None):
    grants = {}
    if request.method == "POST":
        grants = {
            "superuser": request.POST.get("is_superuser", "").lower() in TRUE,
            "group_ids": [g for g in request.POST.getlist("groups") if g.isdigit()],
        }
    reason = privilege_refusal(request.user, target, **grants)
    if reason:
        messages.error(request, reason)
        return redirect("wagtailusers_users:index")
    return None


@hooks.register("before_edit_user")
def refuse_escalation_on_edit(request, user):
    return _refused(request, user)


@hooks.register("before_create_user")
def refuse_escalation_on_create(request):
    return _refused(request)
