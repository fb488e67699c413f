"""Put statements the LRS refused back in the queue, once the cause is fixed at the LRS."""

import uuid

from django.core.management.base import BaseCommand, CommandError

from learning_records.delivery import requeue_failed


class Command(BaseCommand):
    help = "Mark failed xAPI statements pending again (all, or only the ids given)."

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", metavar="STATEMENT_ID")

    def handle(self, *args, ids=(), **options):
        try:
            wanted = [uuid.UUID(value) for value in ids] or None
        except ValueError as error:
            raise CommandError(f"Not a statement id (a UUID): {error}") from error
        count = requeue_failed(wanted)
        self.stdout.write(f"{count} statement(s) waiting to be sent again.")
