"""Write the outbox's statements as JSON lines, exactly as recorded: for an LRS import,
an archive, or a look at what was refused."""

import json
from functools import partial

from django.core.management.base import BaseCommand, CommandError

from learning_records.models import OutboxState, OutboxStatement


class Command(BaseCommand):
    help = "Write xAPI statements as JSON lines (stdout, or --output FILE)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--state", choices=[state.value for state in OutboxState], help="Only these."
        )
        parser.add_argument("--learner", metavar="EMAIL", help="Only this learner's statements.")
        parser.add_argument("--output", metavar="FILE", help="Write here instead of stdout.")

    def handle(self, *args, state=None, learner=None, output=None, **options):
        rows = OutboxStatement.objects.order_by("created_at", "id")
        if state:
            rows = rows.filter(state=state)
        if learner:
            rows = rows.filter(learner__email__iexact=learner.strip())
        lines = (
            json.dumps(statement, ensure_ascii=False) + "\n"
            for statement in rows.values_list("statement", flat=True).iterator()
        )
        try:
            handle = open(output, "w", encoding="utf-8") if output else None  # noqa: SIM115
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}") from error
        write = handle.write if handle else partial(self.stdout.write, ending="")
        count = 0
        try:
            for line in lines:
                write(line)
                count += 1
        finally:
            if handle:
                handle.close()
        self.stderr.write(f"{count} statement(s) written" + (f" to {output}." if output else "."))
