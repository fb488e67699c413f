"""Send anyone whose role requires MFA to MFA set-up until they have a second factor."""

import zoneinfo

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils import timezone

from accounts.roles import user_access_status

# What a person must still reach while setting up MFA: the set-up itself, re-authentication
# (allauth asks for the password again before adding a factor), sign-out, and the health probe.
MFA_SETUP_URL_NAMES = frozenset(
    {
        "mfa_index",
        "mfa_activate_totp",
        "mfa_reauthenticate",
        "account_reauthenticate",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_download_recovery_codes",
        "account_logout",
        "healthz",
    }
)
ALWAYS_ALLOWED_PREFIXES = ("/static/", "/media/")


class RequireMfaMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.can_access_cms = False
        if request.user.is_authenticated and not self._is_setup_path(request.path_info):
            status = user_access_status(request.user)
            # Navigation reads this rather than asking for permissions again.
            request.can_access_cms = status.can_access_cms
            if status.requires_mfa and not status.has_mfa:
                messages.warning(
                    request,
                    "Your role requires two-factor authentication. Set up an authenticator app "
                    "to continue.",
                )
                return redirect("mfa_activate_totp")
        return self.get_response(request)

    @staticmethod
    def _is_setup_path(path: str) -> bool:
        if path.startswith(ALWAYS_ALLOWED_PREFIXES):
            return True
        try:
            return resolve(path).url_name in MFA_SETUP_URL_NAMES
        except Resolver404:
            return False


class UserTimeZoneMiddleware:
    """Show times in the zone the person chose on their profile (else the site's zone)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        name = getattr(request.user, "time_zone", "")
        if name:
            timezone.activate(zoneinfo.ZoneInfo(name))
        else:
            timezone.deactivate()
        return self.get_response(request)
