"""What the app tells a person: one row per event and recipient, read in the app and, where the
recipient wants it, sent by e-mail (notifications.events)."""

from typing import Any

from django.conf import settings
from django.db import models


class NotificationKind(models.TextChoices):
    # The labels name the kind on the preferences page: what the person is told about.
    SUBMITTED = "submitted", "En rapport har skickats in (till samordnaren)"
    RETURNED = "returned", "Samordnaren har skickat tillbaka en rapport"
    APPROVED = "approved", "Samordnaren har godkänt en rapport"
    REOPENED = "reopened", "En rapport har öppnats igen med en ny sista dag"
    REMINDER = "reminder", "Påminnelse om sista dagen för en rapport"
    COMMENT = "comment", "En ny kommentar i en tråd du deltar i eller på din nämnds rapport"


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name="mottagare",
    )
    kind = models.CharField("slag", max_length=12, choices=NotificationKind.choices)
    report = models.ForeignKey(
        "followup.Report",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="rapport",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="av",
    )
    title = models.CharField("rubrik", max_length=300)
    body = models.TextField("text", blank=True)
    url = models.CharField("länk", max_length=500, help_text="En sida i tjänsten (en sökväg).")
    # The event's own key ("report-event:12", "reminder:40"): one notification per event and
    # recipient, whoever dispatches it twice.
    key = models.CharField("händelse", max_length=120)
    created_at = models.DateTimeField("skapad", auto_now_add=True)
    read_at = models.DateTimeField("läst", null=True, blank=True)
    # The address the e-mail goes to, if the recipient wants this kind by e-mail; blank for
    # the app only (or when the e-mail goes another way, as the reminders' do).
    email = models.CharField("e-post till", max_length=254, blank=True)
    # Set by the task just before it hands the mail over: a task run twice sends it once.
    emailed_at = models.DateTimeField("lämnad till e-postservern", null=True, blank=True)

    class Meta:
        verbose_name = "avisering"
        verbose_name_plural = "aviseringar"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], name="notification_once_per_event"
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["key"], name="notification_key"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.title}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class EmailChoice(models.Model):
    """A person's choice of e-mail for one kind. Without a row the e-mail is sent: saying
    nothing keeps the mail coming, as before there was a choice."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="email_choices",
        verbose_name="användare",
    )
    kind = models.CharField("slag", max_length=12, choices=NotificationKind.choices)
    email = models.BooleanField("e-post", default=True)

    class Meta:
        verbose_name = "val av e-post"
        verbose_name_plural = "val av e-post"
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="email_choice_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_kind_display()} {'med' if self.email else 'utan'} e-post"


def declined_email(kind: str) -> "models.QuerySet[EmailChoice, Any]":
    """The users who have said no to this kind by e-mail, as a subquery (`.values("user")`)."""
    return EmailChoice.objects.filter(kind=kind, email=False).values("user")
