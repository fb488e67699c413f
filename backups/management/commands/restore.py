"""Restore a backup archive over this site, then prove every credential still verifies."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from backups.errors import BackupError
from backups.services import (
    RestoreReport,
    archive_manifest,
    backup_restore,
    counts_text,
    restore_prepare,
    restore_verify,
)

CONFIRMATION = "restore"


class Command(BaseCommand):
    help = (
        "Replace the database, media, private media and signing key files with a backup's, "
        "then verify every credential and the audit log."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="An archive written by `backup`.")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )
        parser.add_argument(
            "--verify-only",
            action="store_true",
            help="Restore nothing: check the site against the archive (after `migrate`, say).",
        )

    def handle(self, *args, archive: Path, interactive: bool, verify_only: bool, **options):
        try:
            if verify_only:
                self._report(archive, restore_verify(archive_manifest(archive)))
                return
            prepared = restore_prepare(archive)
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        manifest = prepared.manifest
        counts = counts_text(manifest["counts"])
        self.stdout.write(
            f"{archive}: made {manifest['created_at']}, {manifest['database']['vendor']}, "
            f"{counts}, {len(manifest['members']) - 1} files. Every checksum matches."
        )
        if interactive:
            self.stdout.write(
                "This replaces this site's database, media, private media and signing key files "
                "with the archive's. Stop the web and worker processes first."
            )
            if input(f"Type '{CONFIRMATION}' to continue: ").strip() != CONFIRMATION:
                prepared.discard()
                raise CommandError("Restore cancelled. Nothing was changed.")
        try:
            backup_restore(prepared)
        except (BackupError, OSError) as error:
            raise CommandError(f"The restore failed: {error}") from error
        self.stdout.write(self.style.SUCCESS("Restored the database and files."))
        self._report(archive, restore_verify(manifest))

    def _report(self, archive: Path, report: RestoreReport) -> None:
        if report.unapplied_migrations:
            names = ", ".join(report.unapplied_migrations[:10])
            self.stdout.write(
                self.style.WARNING(
                    f"This code has {len(report.unapplied_migrations)} migration(s) the backup "
                    f"does not ({names}): run `python manage.py migrate`, then `python manage.py "
                    f"restore {archive} --verify-only`."
                )
            )
            return
        statuses, before = report.statuses, ""
        if report.invalid_before:
            before = f" ({report.invalid_before} of them not at the backup either)"
        self.stdout.write(
            f"Credentials: {statuses.total()} checked: {statuses['valid']} valid, "
            f"{statuses['revoked']} revoked, {statuses['suspended']} suspended, "
            f"{statuses['expired']} expired, {statuses['invalid']} not verifying{before}."
        )
        self.stdout.write(f"Audit log: {report.audit_entries} entries checked.")
        if report.signing_key:
            self.stdout.write(f"Signing key {report.signing_key}: usable.")
        else:
            self.stderr.write(
                self.style.WARNING(
                    f"The signing key cannot be used yet: {report.signing_key_problem} Configure "
                    "it before starting the site (the key-encryption key, from your secret store, "
                    "in CREDENTIALS_KEY_ENCRYPTION_KEY)."
                )
            )
        if not report.ok:
            failures = "\n".join(f"- {failure}" for failure in report.failures)
            raise CommandError(f"The restored site does not verify:\n{failures}")
        self.stdout.write(
            self.style.SUCCESS("Every credential verifies as it did; the audit log is intact.")
        )
