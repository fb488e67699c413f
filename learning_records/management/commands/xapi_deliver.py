"""Deliver the outbox now, in the foreground: until it is empty or the LRS fails."""

from django.core.management.base import BaseCommand, CommandError

from learning_records.delivery import LrsNotConfigured, deliver
from learning_records.lrs_client import LrsConfig
from learning_records.models import OutboxState, OutboxStatement
from learning_records.tasks import round_book


class Command(BaseCommand):
    help = (
        "Send pending xAPI statements to the LRS now (ignoring retry backoff), until the outbox "
        "is empty or the LRS fails; exits 1 when the LRS could not be reached. With --schedule, "
        "book the task worker's first delivery round instead."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="Book a background delivery round (if none is booked) and return.",
        )

    def handle(self, *args, schedule=False, **options):
        if schedule:
            if LrsConfig.from_settings() is None:
                self.stdout.write(
                    "No LRS is configured (XAPI_LRS_ENDPOINT): no delivery round booked; "
                    "statements wait in the outbox."
                )
            elif round_book():
                self.stdout.write("Delivery round booked.")
            else:
                self.stdout.write("A delivery round is already booked.")
            return
        try:
            report = deliver(due_only=False)
        except LrsNotConfigured as error:
            waiting = OutboxStatement.objects.filter(state=OutboxState.PENDING).count()
            raise CommandError(
                f"{error}: nothing was sent; {waiting} statement(s) wait in the outbox."
            ) from error
        self.stdout.write(
            f"Sent {report.sent}, refused by the LRS {report.failed}, "
            f"in {report.requests} request(s)."
        )
        for failure in report.failures:
            self.stderr.write(f"Refused: {failure}")
        if report.held_back:
            self.stdout.write(
                f"{len(report.held_back)} statement(s) the LRS failed on (5xx) even when sent "
                "alone wait for a retry; the CMS shows the LRS's answer."
            )
        if report.unavailable:
            waiting = OutboxStatement.objects.filter(state=OutboxState.PENDING).count()
            raise CommandError(
                f"The LRS could not take statements ({report.unavailable}); "
                f"{waiting} statement(s) wait in the outbox and will be retried."
            )
