"""Roles from the city's login: what the claims give, applied at every sign-in.

The claim's values are looked up in the admin's mapping (ClaimRoleMapping). A role the
claims give and the user lacks is added, marked as coming from the login; one the login
gave before and the claims no longer give is removed. Roles given by hand in the admin are
never touched. Every change goes into the roles' history (django-simple-history) with the
reason, so that "who could do what, when" can be answered afterwards.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db import models, transaction

from accounts.models import ClaimRoleMapping, MappingKind
from followup.models import BoardRole, CityReader, Coordinator, Membership, RoleSource

REASON_ADDED = "Tillagd av stadens inloggning"
REASON_CHANGED = "Ändrad av stadens inloggning"
REASON_REMOVED = "Borttagen av stadens inloggning: anspråket ger den inte längre"


@dataclass
class RoleChanges:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


@dataclass
class WantedRoles:
    boards: dict[int, str] = field(default_factory=dict)  # board id → BoardRole
    coordinator: set[int] = field(default_factory=set)  # programme ids
    city_reader: set[int] = field(default_factory=set)


def claim_values(value: object) -> list[str]:
    """The roles claim as a list of strings: providers send a list, some a single string."""
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, list | tuple):
        return sorted({str(item) for item in value if isinstance(item, str | int) and item != ""})
    return []


def wanted_roles(values: Iterable[str]) -> WantedRoles:
    """The roles the mapping gives for these claim values. Two values giving the same board
    give its stronger role (rapportör)."""
    wanted = WantedRoles()
    for mapping in ClaimRoleMapping.objects.filter(claim_value__in=list(values)):
        if mapping.kind == MappingKind.BOARD and mapping.board_id is not None:
            if wanted.boards.get(mapping.board_id) != BoardRole.REPORTER:
                wanted.boards[mapping.board_id] = mapping.board_role
        elif mapping.kind == MappingKind.COORDINATOR and mapping.programme_id is not None:
            wanted.coordinator.add(mapping.programme_id)
        elif mapping.kind == MappingKind.CITY_READER and mapping.programme_id is not None:
            wanted.city_reader.add(mapping.programme_id)
    return wanted


def _record(row: models.Model, user: User, reason: str) -> None:
    # Read by simple-history when the row is saved or deleted.
    row._change_reason = reason  # type: ignore[attr-defined]
    row._history_user = user  # type: ignore[attr-defined]


@transaction.atomic
def roles_sync_from_claims(*, user: User, values: Iterable[str]) -> RoleChanges:
    """Make the user's roles from the login match what the claim `values` give."""
    wanted = wanted_roles(values)
    changes = RoleChanges()

    memberships = {
        m.board_id: m for m in Membership.objects.filter(user=user).select_related("board")
    }
    for board_id, membership in memberships.items():
        if membership.source != RoleSource.CLAIM:
            continue
        role = wanted.boards.get(board_id)
        if role is None:
            _record(membership, user, REASON_REMOVED)
            membership.delete()
            changes.removed.append(str(membership))
        elif role != membership.role:
            membership.role = role
            _record(membership, user, REASON_CHANGED)
            membership.save(update_fields=["role"])
            changes.changed.append(str(membership))
    for board_id, role in wanted.boards.items():
        if board_id not in memberships:
            membership = Membership(
                user=user, board_id=board_id, role=role, source=RoleSource.CLAIM
            )
            _record(membership, user, REASON_ADDED)
            membership.save()
            changes.added.append(str(membership))

    for model, programmes in ((Coordinator, wanted.coordinator), (CityReader, wanted.city_reader)):
        _programme_roles_sync(model, user, programmes, changes)
    return changes


def _programme_roles_sync(
    model: type[Coordinator] | type[CityReader],
    user: User,
    programmes: set[int],
    changes: RoleChanges,
) -> None:
    existing = {
        row.programme_id: row for row in model.objects.filter(user=user).select_related("programme")
    }
    for programme_id, row in existing.items():
        if row.source == RoleSource.CLAIM and programme_id not in programmes:
            _record(row, user, REASON_REMOVED)
            row.delete()
            changes.removed.append(f"{model._meta.verbose_name}: {row}")
    for programme_id in programmes - existing.keys():
        new = model(user=user, programme_id=programme_id, source=RoleSource.CLAIM)
        _record(new, user, REASON_ADDED)
        new.save()
        changes.added.append(f"{model._meta.verbose_name}: {new}")
