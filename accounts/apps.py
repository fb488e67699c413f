from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from accounts.roles import roles_sync_after_migrate

        # Roles are code, not data: every migrate brings the groups and their permissions in line.
        post_migrate.connect(roles_sync_after_migrate, dispatch_uid="accounts.roles_sync")
