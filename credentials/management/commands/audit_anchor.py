"""Sign the head of the audit log with the issuer's key (run daily). Export what it prints, or
use --output to append it to a file kept outside the database: `audit_verify --anchors FILE`
then finds a rewritten log even if the database's anchors were removed."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from credentials.audit_anchors import anchor_as_json, audit_anchor_create
from credentials.signing_keys import SigningKeyUnavailable


class Command(BaseCommand):
    help = "Sign the audit log's current head with the issuer key and print the anchor (JSON)."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help="Append the anchor to this file.")

    def handle(self, *args, output=None, **options):
        try:
            anchor = audit_anchor_create()
        except SigningKeyUnavailable as unavailable:
            raise CommandError(str(unavailable)) from unavailable
        if anchor is None:
            self.stdout.write("The audit log is empty: nothing to anchor.")
            return
        line = json.dumps(anchor_as_json(anchor), sort_keys=True)
        if output is not None:
            try:
                with output.open("a", encoding="utf-8") as handle:
                    handle.write(line + "\n")
            except OSError as error:
                raise CommandError(f"Cannot write {output}: {error.strerror}.") from error
        self.stdout.write(line)
