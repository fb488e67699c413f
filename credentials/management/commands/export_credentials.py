"""Write signed credentials as JSON lines, one credential per line, exactly as issued: for
archives and audits."""

import json

from django.core.management.base import BaseCommand, CommandError

from credentials.models import Achievement, Credential


class Command(BaseCommand):
    help = "Write signed credentials as JSON lines (stdout, or --output FILE)."

    def add_arguments(self, parser):
        parser.add_argument("--learner", metavar="EMAIL", help="Only this learner's credentials.")
        parser.add_argument("--achievement", metavar="SLUG", help="Only this achievement's.")
        parser.add_argument("--output", metavar="FILE", help="Write here instead of stdout.")

    def handle(self, *args, learner=None, achievement=None, output=None, **options):
        credentials = Credential.objects.order_by("valid_from", "pk")
        if learner:
            credentials = credentials.filter(learner__email__iexact=learner.strip())
        if achievement:
            if not Achievement.objects.filter(slug=achievement).exists():
                known = ", ".join(Achievement.objects.values_list("slug", flat=True)[:10])
                raise CommandError(f"No achievement '{achievement}'. Some that exist: {known}.")
            credentials = credentials.filter(achievement__slug=achievement)
        lines = (json.dumps(c.document, ensure_ascii=False) + "\n" for c in credentials.iterator())
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                count = sum(handle.write(line) > 0 for line in lines)
            self.stderr.write(f"{count} credential(s) written to {output}.")
        else:
            count = 0
            for line in lines:
                self.stdout.write(line, ending="")
                count += 1
            self.stderr.write(f"{count} credential(s) written.")
