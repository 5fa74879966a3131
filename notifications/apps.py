from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Aviseringar"

    def ready(self) -> None:
        from dialogue.signals import comment_posted
        from notifications.events import thread_comment_posted

        comment_posted.connect(thread_comment_posted, dispatch_uid="notifications-comment")
