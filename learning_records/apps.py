from django.apps import AppConfig


class LearningRecordsConfig(AppConfig):
    name = "learning_records"
    verbose_name = "Learning records"

    def ready(self):
        from learning_records import receivers  # noqa: F401  (connects the signal receivers)
