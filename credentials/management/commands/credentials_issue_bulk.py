"""Issue one achievement by hand to many learners: a cohort trained in person, or learners
brought over from another platform. Nothing is issued when an address has no account."""

import sys

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from credentials.bulk_issuance import credentials_issue_bulk
from credentials.issuance import IssuanceRefused
from credentials.models import Achievement
from credentials.signing_keys import SigningKeyUnavailable


class Command(BaseCommand):
    help = "Issue an achievement by hand to the learners listed (one email address a line)."

    def add_arguments(self, parser):
        parser.add_argument("achievement", help="The achievement's slug.")
        parser.add_argument("--by", required=True, help="Email of the administrator issuing.")
        parser.add_argument(
            "--emails", required=True, help="A file of learners' email addresses, '-' for stdin."
        )

    def handle(self, *args, achievement, by, emails, **options):
        achievement = Achievement.objects.filter(slug=achievement).first()
        if achievement is None:
            raise CommandError("No achievement has that slug.")
        admin = User.objects.filter(email__iexact=by).first()
        if admin is None:
            raise CommandError(f"No account has the address {by}.")
        if emails == "-":
            lines = sys.stdin.read().splitlines()
        else:
            with open(emails, encoding="utf-8") as handle:
                lines = handle.read().splitlines()
        addresses = list(dict.fromkeys(line.strip().lower() for line in lines if line.strip()))
        found = {u.email.lower(): u for u in User.objects.filter(email__in=addresses)}
        if len(found) < len(addresses):
            # Addresses are stored as typed; look up the rest case-insensitively, one by one.
            for address in set(addresses) - set(found):
                user = User.objects.filter(email__iexact=address).first()
                if user is not None:
                    found[address] = user
        unknown = [address for address in addresses if address not in found]
        if unknown:
            raise CommandError(
                f"Nothing issued: {len(unknown)} address(es) have no account, e.g. "
                + ", ".join(unknown[:5])
            )
        try:
            result = credentials_issue_bulk(
                achievement=achievement,
                learners=[found[address] for address in addresses],
                issued_by=admin,
            )
        except (IssuanceRefused, SigningKeyUnavailable) as refused:
            raise CommandError(f"Nothing issued: {refused}") from refused
        self.stdout.write(
            f"{len(result.issued)} credential(s) of {achievement.slug} issued; "
            f"{len(result.held)} learner(s) already hold one for the period."
        )
        for learner, reason in result.refused:
            self.stderr.write(f"Not issued to {learner.email}: {reason}")
