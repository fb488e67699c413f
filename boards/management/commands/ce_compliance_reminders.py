"""Run once a day (cron, or your scheduler), like `credentials_renewals`: emails licensees who
share a licence with a board and do not yet meet its rule, 90, 30 and 7 days before their
cycle ends."""

from django.core.management.base import BaseCommand

from boards.reminders import compliance_reminders_send


class Command(BaseCommand):
    help = "Email licensees short of their board's CE rule before their cycle ends. Run daily."

    def handle(self, *args, **options):
        sent = compliance_reminders_send()
        self.stdout.write(f"{sent} CE compliance reminder(s) sent.")
