from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "records"
    verbose_name = "Gallring, arkiv och granskning"

    def ready(self) -> None:
        from records import checks  # noqa: F401 - registers the system checks
