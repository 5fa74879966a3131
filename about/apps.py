from django.apps import AppConfig


class AboutConfig(AppConfig):
    name = "about"
    verbose_name = "Om tjänsten"

    def ready(self) -> None:
        from about import checks  # noqa: F401 - registers the checks
