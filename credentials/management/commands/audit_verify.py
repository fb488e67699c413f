"""Check the credentials audit log's hash chain; exit status 1 at the first break."""

from django.core.management.base import BaseCommand, CommandError

from credentials.audit import audit_chain_check


class Command(BaseCommand):
    help = "Verify the append-only audit log: every entry chained to the one before, unchanged."

    def handle(self, *args, **options):
        count, broken = audit_chain_check()
        if broken is not None:
            where = f"entry {broken.entry_id}" if broken.entry_id else "the end of the log"
            raise CommandError(f"The audit log is broken at {where}: {broken.reason}.")
        self.stdout.write(self.style.SUCCESS(f"The audit log is intact: {count} entries."))
