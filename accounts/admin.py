"""The mapping from the city's login to roles, kept by the samordnare's administrators."""

from django.contrib import admin

from accounts.models import ClaimRoleMapping, OidcIdentity
from valdprogram.history_admin import HistoryAdmin


@admin.register(ClaimRoleMapping)
class ClaimRoleMappingAdmin(HistoryAdmin):
    list_display = ["claim_value", "kind", "board", "board_role", "programme"]
    list_filter = ["kind", "programme", "board_role"]
    search_fields = ["claim_value", "board__name", "programme__name"]
    autocomplete_fields = ["board"]
    list_select_related = ["board", "programme"]
    fieldsets = [
        (None, {"fields": ["claim_value", "kind"]}),
        ("Roll för en nämnd", {"fields": ["board", "board_role"]}),
        ("Roll för ett program", {"fields": ["programme"]}),
    ]


@admin.register(OidcIdentity)
class OidcIdentityAdmin(admin.ModelAdmin):
    """Read-only: made and kept up to date by the sign-in itself."""

    list_display = ["user", "subject", "issuer"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "subject"]
    list_select_related = ["user"]
    readonly_fields = ["user", "issuer", "subject", "last_login_claims"]

    def has_add_permission(self, request: object) -> bool:
        return False
