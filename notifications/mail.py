"""The e-mail of the notifications, sent by the task worker after the event's transaction
commits (notifications.events._dispatch enqueues it)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from notifications.models import Notification


def site_url() -> str:
    return str(settings.SITE_URL).rstrip("/")


@task()
def send_notification_mails(keys: list[str]) -> int:
    """Send the e-mail of the events with these keys that no run of this task has sent; a
    fixed number of queries however many. Returns how many it sent."""
    # Marked in one statement before anything is sent: of two runs, each mail is marked (and
    # so sent) by one only. A crash after the marking skips a mail, never sends it twice.
    marked_at = timezone.now()
    waiting = Notification.objects.filter(key__in=keys, emailed_at=None).exclude(email="")
    waiting.update(emailed_at=marked_at)
    notifications = list(
        Notification.objects.filter(key__in=keys, emailed_at=marked_at)
        .exclude(email="")
        .select_related("recipient")
        .order_by("pk")
    )
    if not notifications:
        return 0
    connection = get_connection()
    base = site_url()
    with translation.override(settings.LANGUAGE_CODE):
        messages = [_message(notification, base, connection) for notification in notifications]
    handed_over = 0
    try:
        connection.open()
        for message in messages:
            handed_over += 1  # before: a mail the server may have taken is never sent again
            message.send()
    except Exception:
        # Those never handed over may be sent by another run of the task.
        Notification.objects.filter(pk__in=[n.pk for n in notifications[handed_over:]]).update(
            emailed_at=None
        )
        raise
    finally:
        connection.close()
    return handed_over


def _message(notification: Notification, base: str, connection: object) -> EmailMultiAlternatives:
    context = {
        "notification": notification,
        "recipient": notification.recipient,
        "link": base + notification.url,
        "preferences_link": base + reverse("notification-preferences"),
    }
    message = EmailMultiAlternatives(
        subject=" ".join(notification.title.split()),
        body=render_to_string("notifications/email/notification.txt", context),
        to=[notification.email],
        connection=connection,
    )
    message.attach_alternative(
        render_to_string("notifications/email/notification.html", context), "text/html"
    )
    return message
