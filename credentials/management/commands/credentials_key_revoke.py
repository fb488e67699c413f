"""Mark a signing key revoked (compromised): it leaves the DID document's assertionMethod, and
every credential it signed stops verifying. Re-issue those credentials with the current key."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from credentials.audit import audit_record
from credentials.models import Credential, SigningKey


class Command(BaseCommand):
    help = "Revoke a signing key by its id; what it signed no longer verifies."

    def add_arguments(self, parser):
        parser.add_argument("key_id")

    def handle(self, *args, key_id: str, **options):
        key = SigningKey.objects.filter(key_id=key_id).first()
        if key is None:
            known = ", ".join(SigningKey.objects.values_list("key_id", flat=True))
            raise CommandError(f"No signing key '{key_id}'. Keys: {known or 'none'}.")
        if key.is_current:
            raise CommandError(
                "This is the current key: add a new one first (credentials_key_add)."
            )
        if key.revoked_at is not None:
            raise CommandError(f"Key {key_id} was revoked on {key.revoked_at:%Y-%m-%d}.")
        with transaction.atomic():
            key.revoked_at = timezone.now()
            key.save(update_fields=["revoked_at"])
            audit_record(action="signing key revoked", subject=f"key {key_id}")
        affected = Credential.objects.filter(
            document__proof__verificationMethod__endswith=f"#{key_id}"
        ).count()
        self.stdout.write(
            f"Key {key_id} is revoked. {affected} credential(s) it signed no longer verify."
        )
