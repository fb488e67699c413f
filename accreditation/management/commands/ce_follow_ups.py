"""Run once a day (cron, or your scheduler): email the practice-change follow-ups now due."""

from django.core.management.base import BaseCommand

from accreditation.follow_ups import follow_ups_send


class Command(BaseCommand):
    help = "Email the CE follow-up question to learners whose claim is CE_FOLLOW_UP_DAYS old."

    def handle(self, *args, **options):
        self.stdout.write(f"{follow_ups_send()} follow-up(s) sent.")
