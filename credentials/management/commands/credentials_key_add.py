"""Add a signing key and make it current (key rotation). Older keys stay in the DID document,
so credentials they signed still verify."""

from django.core.management.base import BaseCommand

from credentials.issuer import verification_method
from credentials.models import SigningKey
from credentials.signing_keys import key_file, signing_key_add


class Command(BaseCommand):
    help = "Create a new Ed25519 signing key for credentials and make it the current one."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-none",
            action="store_true",
            help="Do nothing when a current key exists (make run uses this).",
        )
        parser.add_argument(
            "--print-env",
            action="store_true",
            help="Write no file; print CREDENTIALS_SIGNING_KEY=... for a secret store instead.",
        )

    def handle(self, *args, if_none: bool, print_env: bool, **options):
        current = SigningKey.objects.filter(is_current=True).first()
        if if_none and current is not None:
            self.stdout.write(f"Signing key {verification_method(current)} is current.")
            return
        key, private = signing_key_add(write_file=not print_env)
        self.stdout.write(
            self.style.SUCCESS(f"New current signing key: {verification_method(key)}")
        )
        if print_env:
            self.stdout.write(f"CREDENTIALS_SIGNING_KEY={private}")
        else:
            self.stdout.write(f"Private key written to {key_file(key.key_id)} (mode 600).")
