"""Check the credentials audit log: its hash chain, and every anchor (signed chain head) in the
database and, with --anchors, in an exported file. Exit status 1 at the first break."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from credentials.audit import audit_chain_check
from credentials.audit_anchors import audit_anchors_check
from credentials.models import AuditAnchor
from credentials.signing_keys import SigningKeyUnavailable, current_signing_key


def _exported(path: Path) -> list[dict]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror}.") from error
    anchors = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            anchor = json.loads(line)
        except ValueError as error:
            raise CommandError(f"{path}:{number} is not a JSON anchor.") from error
        if not isinstance(anchor, dict):
            raise CommandError(f"{path}:{number} is not a JSON anchor.")
        anchors.append(anchor)
    return anchors


class Command(BaseCommand):
    help = "Verify the append-only audit log: the chain, unchanged, and its signed anchors."

    def add_arguments(self, parser):
        parser.add_argument("--anchors", type=Path, help="Anchors exported by audit_anchor.")

    def handle(self, *args, anchors=None, **options):
        count, broken = audit_chain_check()
        if broken is not None:
            where = f"entry {broken.entry_id}" if broken.entry_id else "the end of the log"
            raise CommandError(f"The audit log is broken at {where}: {broken.reason}.")
        exported = _exported(anchors) if anchors else []
        if exported or AuditAnchor.objects.exists():
            try:
                # The current key's public part in the database must match the private key
                # kept outside it, or anchors could be re-signed with a key swapped in.
                current_signing_key()
            except SigningKeyUnavailable as unavailable:
                raise CommandError(f"The anchors cannot be trusted: {unavailable}") from unavailable
        checked, anchor_break = audit_anchors_check(exported)
        if anchor_break is not None:
            raise CommandError(
                f"The audit log's anchor at entry {anchor_break.entry_id} fails: "
                f"{anchor_break.reason}."
            )
        self.stdout.write(
            self.style.SUCCESS(f"The audit log is intact: {count} entries, {checked} anchors.")
        )
