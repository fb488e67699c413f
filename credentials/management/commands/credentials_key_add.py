"""Add a signing key and make it current (key rotation). Older keys stay in the DID document,
so credentials they signed still verify."""

from django.core.management.base import BaseCommand, CommandError

from credentials import key_wrapping
from credentials.issuer import verification_method
from credentials.models import SigningKey
from credentials.signing_keys import SigningKeyUnavailable, key_file, signing_key_add


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
            help="Write no file; print CREDENTIALS_SIGNING_KEY=... for a secret store instead "
            "(sealed when a key-encryption key is configured).",
        )

    def handle(self, *args, if_none: bool, print_env: bool, **options):
        current = SigningKey.objects.filter(is_current=True).first()
        if if_none and current is not None:
            self.stdout.write(f"Signing key {verification_method(current)} is current.")
            return
        try:
            key, stored = signing_key_add(write_file=not print_env)
        except SigningKeyUnavailable as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(f"New current signing key: {verification_method(key)}")
        )
        if key_wrapping.is_sealed(stored):
            name, kek_id = key_wrapping.sealed_by(stored)
            protection = f"encrypted under {name}:{kek_id}"
        else:
            protection = "NOT encrypted: set CREDENTIALS_KEY_ENCRYPTION_KEY to encrypt keys at rest"
        if print_env:
            self.stdout.write(f"CREDENTIALS_SIGNING_KEY={stored}")
            self.stdout.write(f"({protection})")
        else:
            self.stdout.write(
                f"Private key written to {key_file(key.key_id)} (mode 600, {protection})."
            )
