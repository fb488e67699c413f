"""Run once a day (cron, or your scheduler), after `credentials_renewals`: issues what was earned
and is not issued yet."""

from django.core.management.base import BaseCommand, CommandError

from credentials.signing_keys import SigningKeyUnavailable
from credentials.sweep import sweep_issue


class Command(BaseCommand):
    help = "Issue every credential that was earned and is not issued yet. Run daily."

    def handle(self, *args, **options):
        try:
            issued = sweep_issue()
        except SigningKeyUnavailable as unavailable:
            raise CommandError(f"Nothing could be issued: {unavailable}") from unavailable
        self.stdout.write(f"{len(issued)} credential(s) issued that were earned and missing.")
