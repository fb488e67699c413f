from django.apps import AppConfig


class CredentialsConfig(AppConfig):
    name = "credentials"
    verbose_name = "Credentials"

    def ready(self):
        from credentials import (  # noqa: F401  (connect receivers, register checks)
            checks,
            receivers,
        )
