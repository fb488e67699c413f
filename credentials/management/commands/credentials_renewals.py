"""Run once a day (cron, or your scheduler): renewal reminders, renewals now earned, and
suspension of certifications past their grace period."""

from django.core.management.base import BaseCommand

from credentials.renewals import renewals_run


class Command(BaseCommand):
    help = "Send renewal reminders, renew what is earned, suspend what lapsed. Run daily."

    def handle(self, *args, **options):
        counts = renewals_run()
        self.stdout.write(
            f"{counts['reminders']} reminder(s) sent, {counts['renewed']} renewed, "
            f"{counts['suspended']} suspended after the grace period."
        )
