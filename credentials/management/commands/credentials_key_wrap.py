"""Encrypt the private signing keys at rest, or re-encrypt them under a new key-encryption key.

Rotation of the key-encryption key (KEK): put the new KEK in CREDENTIALS_KEY_ENCRYPTION_KEY and
the old one in CREDENTIALS_KEY_ENCRYPTION_KEYS_PREVIOUS, run this command, then drop the old one.
"""

from django.core.management.base import BaseCommand, CommandError

from credentials import key_wrapping
from credentials.signing_keys import signing_keys_seal


class Command(BaseCommand):
    help = "Encrypt private signing keys under the configured key-encryption key."

    def add_arguments(self, parser):
        parser.add_argument(
            "--generate-kek",
            action="store_true",
            help="Print a new random key-encryption key for CREDENTIALS_KEY_ENCRYPTION_KEY.",
        )

    def handle(self, *args, generate_kek: bool, **options):
        if generate_kek:
            self.stdout.write(f"CREDENTIALS_KEY_ENCRYPTION_KEY={key_wrapping.kek_generate()}")
            self.stdout.write(
                "Keep it in your secret store, apart from the database and its backups: "
                "without it no sealed key opens."
            )
            return
        try:
            changes, environment_value = signing_keys_seal()
        except key_wrapping.KeyWrapError as error:
            raise CommandError(f"{error} Nothing was changed.") from error
        for key_id, change in changes:
            self.stdout.write(f"{key_id}: {change}")
        if not changes and environment_value is None:
            self.stdout.write("No private key file to encrypt.")
        if environment_value is not None:
            self.stdout.write(
                "The current key comes from CREDENTIALS_SIGNING_KEY; replace its value with:\n"
                f"CREDENTIALS_SIGNING_KEY={environment_value}"
            )
        self.stdout.write(self.style.SUCCESS("Private signing keys are encrypted at rest."))
