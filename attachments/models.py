"""Attachments: files a board keeps with its report as evidence (its annual report, a
routine, a photo of a poster), on one of the report's rows or on the report as a whole.

The file is kept through Django's storage API (STORAGES["default"]: under MEDIA_ROOT, or a
bucket) under a random name; the name the user's file had is kept apart, for showing and
for the download. Files are never served from a public URL (attachments.views.download).
"""

import secrets

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from attachments.content import BY_KEY, FileKind
from attachments.uploads import size_text
from followup.models import Report
from followup.rows import ROW_KINDS, kind_by_key

# The report as a whole: the anchor of the report page's attachments panel.
REPORT_ANCHOR = "bilagor"


def stored_name(attachment: "Attachment", filename: str) -> str:
    """A random name under the report's folder; nothing of the user's name is in it."""
    kind = BY_KEY[attachment.kind]
    return f"bilagor/{attachment.report_id}/{secrets.token_hex(16)}{kind.extensions[0]}"


class Attachment(models.Model):
    report = models.ForeignKey(
        Report, on_delete=models.PROTECT, related_name="attachments", verbose_name="rapport"
    )
    # The row it belongs to, as the report page names rows ("a", 12 → "a12"); blank for
    # the report as a whole.
    row_kind = models.CharField(
        "radens sort",
        max_length=1,
        blank=True,
        choices=[(kind.key, kind.label) for kind in ROW_KINDS],
    )
    row_id = models.PositiveBigIntegerField("rad", null=True, blank=True)
    file = models.FileField("fil", upload_to=stored_name, max_length=200)
    name = models.CharField("filnamn", max_length=200)
    size = models.PositiveBigIntegerField("storlek i byte")
    kind = models.CharField(
        "typ", max_length=8, choices=[(k.key, k.label) for k in BY_KEY.values()]
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="bifogad av",
    )
    on_behalf = models.BooleanField("för nämndens räkning", default=False)
    uploaded_at = models.DateTimeField("bifogad", auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["file"])

    class Meta:
        verbose_name = "bilaga"
        verbose_name_plural = "bilagor"
        ordering = ["uploaded_at", "pk"]
        indexes = [models.Index(fields=["report", "row_kind", "row_id"])]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(row_kind="", row_id__isnull=True))
                | (~models.Q(row_kind="") & models.Q(row_id__isnull=False)),
                name="attachment_row_whole",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def anchor(self) -> str:
        """Where it sits on the report page: the row's id ("a12"), or the report's panel."""
        return f"{self.row_kind}{self.row_id}" if self.row_kind else REPORT_ANCHOR

    @property
    def file_kind(self) -> FileKind:
        return BY_KEY[self.kind]

    @property
    def size_text(self) -> str:
        return size_text(self.size)

    @property
    def uploader_name(self) -> str:
        return self.uploaded_by.get_full_name() or self.uploaded_by.username


def split_anchor(anchor: str) -> tuple[str, int | None]:
    """("a", 12) for "a12", ("", None) for the report as a whole; ValueError otherwise."""
    if anchor in ("", REPORT_ANCHOR):
        return "", None
    try:
        kind_by_key(anchor[:1])  # a, i or g
    except KeyError:
        raise ValueError(anchor) from None
    return anchor[:1], int(anchor[1:])
