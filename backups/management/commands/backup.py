"""Back up the database, media, private media and signing key files into one archive."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from backups.errors import BackupError
from backups.services import backup_create, counts_text


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


class Command(BaseCommand):
    help = "Back up the database, media, private media and signing key files (one .tar.gz)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            required=True,
            help="The archive to write (mode 600), or a folder to write it in.",
        )
        parser.add_argument(
            "--allow-plaintext-keys",
            action="store_true",
            help="Back up signing key files that are not encrypted at rest (not for production).",
        )

    def handle(self, *args, output: Path, allow_plaintext_keys: bool, **options):
        try:
            result = backup_create(output, allow_plaintext_keys=allow_plaintext_keys)
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        manifest = result.manifest
        database = manifest["database"]
        counts = counts_text(manifest["counts"])
        self.stdout.write(
            f"Database ({database['vendor']}, "
            f"{_megabytes(manifest['members'][database['member']]['size'])}): {counts}."
        )
        self.stdout.write(
            f"Files: {result.files_in('media')} media, {result.files_in('private-media')} "
            f"private media, {result.files_in('keys')} signing key file(s)."
        )
        for path in result.skipped:
            self.stderr.write(self.style.WARNING(f"Left out (a link, or gone): {path}"))
        if manifest["plaintext_keys"]:
            self.stderr.write(
                self.style.WARNING(
                    "The archive holds signing keys in plain text: anyone with it can sign "
                    "credentials. To encrypt them, run `python manage.py credentials_key_wrap` "
                    "(with CREDENTIALS_KEY_ENCRYPTION_KEY set) and back up again."
                )
            )
        else:
            self.stdout.write(
                "Not in the archive: the key-encryption key (CREDENTIALS_KEY_ENCRYPTION_KEY). Keep "
                "it in your secret store, apart from this backup: without it the sealed signing "
                "keys in the backup sign nothing, and a restored site cannot issue."
            )
        if settings.CREDENTIALS_SIGNING_KEY:
            self.stdout.write(
                "Not in the archive either: CREDENTIALS_SIGNING_KEY, the current signing key "
                "from the environment. Keep it in your secret store."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up to {result.path} ({_megabytes(result.path.stat().st_size)})."
            )
        )
