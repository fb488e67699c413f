"""Credentials: the issuer's signing keys (more to come: achievements, credentials, status lists).

Only public keys are stored here. A private key lives outside the database and the repository
(credentials.signing_keys), so a database dump cannot sign anything.
"""

from django.db import models


class SigningKey(models.Model):
    """An Ed25519 key of the issuer's did:web document, published as a Multikey.

    One key is current: new credentials are signed with it. Older keys stay in the DID document
    so what they signed still verifies; a key marked revoked (compromised) leaves the document's
    assertionMethod, and what it signed stops verifying."""

    key_id = models.SlugField(max_length=60, unique=True, help_text="The DID URL fragment.")
    public_key_multibase = models.CharField(max_length=100, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    is_current = models.BooleanField(default=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"],
                condition=models.Q(is_current=True),
                name="one_current_signing_key",
            ),
            models.CheckConstraint(
                condition=~models.Q(is_current=True, revoked_at__isnull=False),
                name="current_signing_key_not_revoked",
            ),
        ]

    def __str__(self) -> str:
        return self.key_id
