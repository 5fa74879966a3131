"""Comment threads on a report: one thread on each row that someone has commented on, and
one on the report as a whole.

A thread is addressed by its report and, for a row, the row's kind key ("a", "i", "g" of
`followup.rows.RowKind`) and primary key, the same address the row has on the page
("a12"). A thread exists from its first comment. Its entries are comments and the marks
that it was resolved or reopened, in the order they were made; nothing is ever edited or
deleted (not even by its author: a correction is a new comment), so the thread is its own
record of who said what and when.
"""

from django.conf import settings
from django.db import models

from followup.models import COMMENT_MAX_LENGTH, PRIVACY_HINT, Report
from followup.personal_data import no_personal_data

# The address of the report's own thread, where a row's would say "a12".
REPORT_TARGET = "rapport"


class Thread(models.Model):
    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="threads", verbose_name="rapport"
    )
    # Blank (and no row) for the thread on the report as a whole.
    row_kind = models.CharField("radtyp", max_length=1, blank=True)
    row_id = models.PositiveIntegerField("rad", null=True, blank=True)
    is_resolved = models.BooleanField("löst", default=False)
    created_at = models.DateTimeField("startad", auto_now_add=True)

    class Meta:
        verbose_name = "tråd"
        verbose_name_plural = "trådar"
        constraints = [
            models.UniqueConstraint(
                fields=["report", "row_kind", "row_id"], name="thread_unique_row"
            ),
            models.UniqueConstraint(
                fields=["report"], condition=models.Q(row_kind=""), name="thread_unique_report"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} – {self.target}"

    @property
    def target(self) -> str:
        """The row's address on the page ("a12"), or REPORT_TARGET."""
        return f"{self.row_kind}{self.row_id}" if self.row_kind else REPORT_TARGET

    @property
    def anchor(self) -> str:
        """The thread's element id on the report page."""
        return f"thread-{self.target}"


class Comment(models.Model):
    """One entry of a thread: a comment, or the mark that the thread was resolved or
    reopened (then without text)."""

    class Kind(models.TextChoices):
        COMMENT = "comment", "Kommentar"
        RESOLVED = "resolved", "Markerad som löst"
        REOPENED = "reopened", "Öppnad igen"

    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, related_name="comments", verbose_name="tråd"
    )
    kind = models.CharField("slag", max_length=10, choices=Kind.choices, default=Kind.COMMENT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="av"
    )
    # Written as the programme's samordnare (not as one of the board's rapportörer): shown
    # beside the name, and what tells an answer from the board apart.
    by_coordinator = models.BooleanField("som samordnare", default=False)
    text = models.TextField(
        "kommentar",
        blank=True,
        max_length=COMMENT_MAX_LENGTH,
        help_text=PRIVACY_HINT,
        validators=[no_personal_data],
    )
    at = models.DateTimeField("när", auto_now_add=True)

    class Meta:
        verbose_name = "kommentar"
        verbose_name_plural = "kommentarer"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"

    @property
    def author_name(self) -> str:
        return self.author.get_full_name() or self.author.get_username()
