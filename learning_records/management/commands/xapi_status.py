"""How many statements wait, were stored by the LRS, or were refused."""

from django.core.management.base import BaseCommand
from django.db.models import Count

from learning_records.models import OutboxState, OutboxStatement


class Command(BaseCommand):
    help = "Count the xAPI outbox's statements by state."

    def handle(self, *args, **options):
        counts = dict(
            OutboxStatement.objects.values_list("state").annotate(n=Count("pk")).order_by()
        )
        for state in OutboxState:
            self.stdout.write(f"{state.label}: {counts.get(state.value, 0)}")
