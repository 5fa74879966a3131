"""Who a user is at the city's identity provider, and which roles its claims give.

A user signed in through the city's login is found again by the provider's stable id for
the person (`sub`, or Entra ID's `oid`), never by e-mail: an address can be reused or
changed, and matching on it would hand one person's roles to another.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from catalog.models import Board, Programme
from followup.models import BoardRole


class OidcIdentity(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="oidc_identity"
    )
    issuer = models.CharField("utfärdare", max_length=300)
    subject = models.CharField("id hos utfärdaren", max_length=255)
    last_login_claims = models.JSONField("roller i senaste inloggningen", default=list, blank=True)

    class Meta:
        verbose_name = "konto hos stadens inloggning"
        verbose_name_plural = "konton hos stadens inloggning"
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="oidc_identity_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.subject})"


class MappingKind(models.TextChoices):
    BOARD = "board", "Roll för en nämnd"
    COORDINATOR = "coordinator", "Samordnare för ett program"
    CITY_READER = "city_reader", "Stadsövergripande läsare för ett program"


class ClaimRoleMapping(models.Model):
    """One value of the roles claim (an app role or a group id) and the role it gives."""

    claim_value = models.CharField(
        "värde i anspråket",
        max_length=200,
        help_text="Approllens värde (eller gruppens id) precis som det står i anspråket, "
        "t.ex. ”valdprogram.rinkeby-kista.rapportor”.",
    )
    kind = models.CharField("ger", max_length=12, choices=MappingKind.choices)
    board = models.ForeignKey(
        Board,
        verbose_name="nämnd",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    board_role = models.CharField(
        "roll för nämnden", max_length=10, choices=BoardRole.choices, blank=True
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name="program",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "roll från inloggningen"
        verbose_name_plural = "roller från inloggningen"
        ordering = ["claim_value", "kind"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        kind=MappingKind.BOARD,
                        board__isnull=False,
                        programme__isnull=True,
                        board_role__in=BoardRole.values,
                    )
                    | models.Q(
                        kind__in=[MappingKind.COORDINATOR, MappingKind.CITY_READER],
                        board__isnull=True,
                        programme__isnull=False,
                        board_role="",
                    )
                ),
                name="claim_role_mapping_target",
            ),
        ]

    def __str__(self) -> str:
        if self.kind == MappingKind.BOARD:
            return f"{self.claim_value} → {self.board} ({self.get_board_role_display().lower()})"
        return f"{self.claim_value} → {self.get_kind_display().lower()}: {self.programme}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.kind == MappingKind.BOARD:
            if self.board_id is None:
                errors["board"] = "Välj nämnden som rollen gäller."
            if not self.board_role:
                errors["board_role"] = "Välj rapportör eller läsare."
            if self.programme_id is not None:
                errors["programme"] = "En roll för en nämnd gäller ingen programroll: lämna tomt."
        elif self.kind in (MappingKind.COORDINATOR, MappingKind.CITY_READER):
            if self.programme_id is None:
                errors["programme"] = "Välj programmet som rollen gäller."
            if self.board_id is not None:
                errors["board"] = "En programroll gäller ingen enskild nämnd: lämna tomt."
            if self.board_role:
                errors["board_role"] = "En programroll har ingen roll för en nämnd: lämna tomt."
        if errors:
            raise ValidationError(errors)
