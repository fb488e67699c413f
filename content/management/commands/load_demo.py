"""Load everything a newcomer needs to try the platform. Safe to run again: nothing duplicates.

Each app contributes its part in a `demo.py` module with `load(*, stdout)`; they run in
INSTALLED_APPS order, which is the dependency order (accounts first), so no app imports another
app's demo data.
"""

import importlib
import importlib.util

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


class Command(BaseCommand):
    help = "Load the home page, curricula and demo accounts (one per role). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="Load demo accounts even though DEBUG is off (never on a real deployment).",
        )

    def handle(self, *args, allow_without_debug: bool = False, **options):
        if not settings.DEBUG and not allow_without_debug:
            raise CommandError(
                "load_demo creates accounts with published passwords, so it runs only with "
                "DEBUG=1. Pass --allow-without-debug if this really is not a live deployment."
            )
        with transaction.atomic():
            for config in apps.get_app_configs():
                if not config.path.startswith(str(settings.BASE_DIR)):
                    continue
                module_name = f"{config.name}.demo"
                if importlib.util.find_spec(module_name) is None:
                    continue
                importlib.import_module(module_name).load(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data is loaded."))
