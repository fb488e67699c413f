from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.forms import LicenceForm, ProfileForm
from accounts.roles import Role, user_mfa_status, user_roles
from accounts.services import licence_add, licence_delete, profile_update


@login_required
def profile(request):
    """One page for name and licences; each form posts to its own action."""
    profile_form = ProfileForm(instance=request.user)
    licence_form = LicenceForm(user=request.user)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "profile":
            profile_form = ProfileForm(request.POST, instance=request.user)
            if profile_form.is_valid():
                profile_update(user=request.user, **profile_form.cleaned_data)
                messages.success(request, "Your profile has been saved.")
                return redirect("accounts:profile")
        elif action == "licence":
            licence_form = LicenceForm(request.POST, user=request.user)
            if licence_form.is_valid():
                licence_add(user=request.user, **licence_form.cleaned_data)
                messages.success(request, "Licence added.")
                return redirect("accounts:profile")
        else:
            messages.error(request, "That form could not be recognised. Please try again.")
    _, has_mfa = user_mfa_status(request.user)
    roles = user_roles(request.user)
    return render(
        request,
        "accounts/profile.html",
        {
            "profile_form": profile_form,
            "licence_form": licence_form,
            "licences": request.user.licences.all(),
            "roles": sorted(roles),
            "is_board": Role.BOARD_VERIFIER in roles,
            "has_mfa": has_mfa,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def licence_remove(request, licence_id: int):
    licence_delete(user=request.user, licence_id=licence_id)
    messages.success(request, "Licence removed.")
    return redirect("accounts:profile")
