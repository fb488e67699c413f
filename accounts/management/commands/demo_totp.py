"""Print the current TOTP code of each demo account, so the demo works without a phone."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from accounts.demo import DEMO_ACCOUNTS


class Command(BaseCommand):
    help = "Show the current authenticator codes of the demo accounts (DEBUG only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("demo_totp only runs with DEBUG=1: it reveals second factors.")
        emails = [email for _, email, _, _ in DEMO_ACCOUNTS]
        authenticators = Authenticator.objects.filter(
            user__email__in=emails, type=Authenticator.Type.TOTP
        ).select_related("user")
        counter = int(time.time()) // mfa_settings.TOTP_PERIOD
        for authenticator in sorted(authenticators, key=lambda a: a.user.email):
            secret = get_adapter().decrypt(authenticator.data["secret"])
            code = format_hotp_value(hotp_value(secret, counter))
            self.stdout.write(f"{authenticator.user.email:<26} {code}")
