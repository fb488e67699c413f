"""System checks for the private signing key's protection at rest."""

from django.conf import settings
from django.core import checks

from credentials import key_wrapping


@checks.register(checks.Tags.security)
def key_encryption_configured(app_configs, **kwargs):
    """A malformed key-encryption key is an error at every start: signing would fail later."""
    try:
        key_wrapping.configured_wrapper()
        key_wrapping.readable_wrappers()
    except key_wrapping.KeyWrapError as error:
        return [checks.Error(str(error), id="credentials.E001")]
    return []


@checks.register(checks.Tags.security, deploy=True)
def key_encrypted_at_rest(app_configs, **kwargs):
    if settings.CREDENTIALS_KEY_ENCRYPTION_KEY or settings.CREDENTIALS_KEY_WRAPPER:
        return []
    return [
        checks.Warning(
            "The private signing key is stored unencrypted (in its file or in "
            "CREDENTIALS_SIGNING_KEY): anyone with a copy of it, or of a backup, can sign "
            "credentials in the site's name.",
            hint="Set CREDENTIALS_KEY_ENCRYPTION_KEY (or CREDENTIALS_KEY_WRAPPER for a KMS) and "
            "run `python manage.py credentials_key_wrap`.",
            id="credentials.W001",
        )
    ]
