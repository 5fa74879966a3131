"""Published results: immutable snapshots of a final samlad uppföljning or halvtidsrapport.

A `Publication` is one version of one document (programme, kind, year): its figures, the
samordnare's narrative, every board's styrkort status as it stood, and the PDF, copied when
it was published and never changed after (`save` refuses). A correction is a new version
with a note; the versions before it stay readable, marked "Ersatt". Unpublishing records
who, when and why on the versions it takes down, and they are public no longer.
"""

from typing import Any

from django.conf import settings
from django.db import models

from catalog.models import Programme

# The only fields an existing publication may change: taking it down.
WITHDRAWAL_FIELDS = frozenset({"withdrawn_at", "withdrawn_by", "withdrawn_reason"})


class PublicationKind(models.TextChoices):
    CITY_FOLLOWUP = "samlad", "Samlad uppföljning"
    MIDTERM = "halvtid", "Halvtidsrapport"


class PublicationImmutable(Exception):
    """A published snapshot was about to change."""


class Publication(models.Model):
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="publications", verbose_name="program"
    )
    kind = models.CharField("dokument", max_length=10, choices=PublicationKind.choices)
    year = models.PositiveSmallIntegerField("år")
    number = models.PositiveSmallIntegerField("version")
    figures = models.JSONField("siffror")
    narrative = models.JSONField("samordnarens text", default=dict, blank=True)
    styrkort = models.JSONField("nämndernas styrkort", default=list, blank=True)
    pdf = models.FileField("PDF", upload_to="publicerat/%Y/")
    pdf_sha256 = models.CharField("PDF:ens kontrollsumma", max_length=64)
    note = models.TextField("vad som är rättat", blank=True, max_length=4000)
    published_at = models.DateTimeField("publicerad")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="publicerad av",
    )
    withdrawn_at = models.DateTimeField("avpublicerad", null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="avpublicerad av",
    )
    withdrawn_reason = models.TextField("skäl att avpublicera", blank=True, max_length=4000)

    class Meta:
        verbose_name = "publicering"
        verbose_name_plural = "publiceringar"
        ordering = ["programme", "year", "kind", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "kind", "year", "number"], name="publication_unique_version"
            ),
        ]
        indexes = [models.Index(fields=["programme", "withdrawn_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year}, version {self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Create once; afterwards only the withdrawal may be recorded."""
        if self.pk is not None:
            fields = kwargs.get("update_fields")
            if fields is None or not set(fields) <= WITHDRAWAL_FIELDS:
                raise PublicationImmutable("En publicerad version ändras aldrig.")
        super().save(*args, **kwargs)

    @property
    def is_public(self) -> bool:
        return self.withdrawn_at is None

    @property
    def pdf_filename(self) -> str:
        return f"{self.kind}-{self.programme.slug}-{self.year}-v{self.number}.pdf"
