from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "followup"
    verbose_name = "Uppföljning"

    def ready(self) -> None:
        from followup import signals  # noqa: F401 - connects the receivers
