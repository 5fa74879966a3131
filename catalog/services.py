"""Writes to the catalog that touch many models at once."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import models, transaction

from catalog.cycles import STOCKHOLM_CYCLE, CycleError, cycle_check
from catalog.models import (
    Activity,
    ActivityResponsibility,
    Board,
    BoardGroup,
    Goal,
    Indicator,
    IndicatorResponsibility,
    PeriodDefinition,
    Prerequisite,
    Programme,
    ResponsibilityRole,
)
from followup.services import reports_sync_for_programme

M = TypeVar("M", bound=models.Model)


class CatalogDataError(ValueError):
    pass


@dataclass
class LoadSummary:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return (
            f"{self.created} skapade, {self.updated} ändrade, {self.deleted} borttagna, "
            f"{self.unchanged} oförändrade"
        )


class _Loader:
    """Brings the database in line with a catalog document, touching only what differs, so
    that loading the same document twice writes nothing (and adds no history)."""

    def __init__(self) -> None:
        self.summary = LoadSummary()
        # Goals, activities and indicators the document no longer has, deleted last (`retire`).
        self.retired: list[tuple[type[Goal | Activity | Indicator], list[int]]] = []

    def upsert(self, model: type[M], lookup: dict[str, Any], values: dict[str, Any]) -> M:
        obj = model._default_manager.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **values)
            self.summary.created += 1
        elif any(getattr(obj, field) != value for field, value in values.items()):
            for field, value in values.items():
                setattr(obj, field, value)
            self.summary.updated += 1
        else:
            self.summary.unchanged += 1
            return obj
        obj.full_clean()
        obj.save()
        return obj

    def delete_others(self, queryset: models.QuerySet, keep: Iterable[models.Model]) -> None:
        deleted, _ = queryset.exclude(pk__in=[obj.pk for obj in keep]).delete()
        self.summary.deleted += deleted

    def retire_others(self, queryset: models.QuerySet, keep: Iterable[models.Model]) -> None:
        """Mark for deletion what the document no longer has, to be deleted by `retire`."""
        pks = list(queryset.exclude(pk__in=[obj.pk for obj in keep]).values_list("pk", flat=True))
        if pks:
            self.retired.append((queryset.model, pks))

    def retire(self, programme: Programme) -> None:
        """Bring the reports being written in line with the new catalog, then delete what it
        no longer has. The boards first stop answering for the retired items, so that the
        sync takes their rows out of those reports; an item that a submitted, approved or
        locked report still holds cannot go, and the whole load is refused."""
        for model, pks in self.retired:
            if model is Goal:
                ActivityResponsibility.objects.filter(activity__goal__in=pks).delete()
                IndicatorResponsibility.objects.filter(indicator__goal__in=pks).delete()
            elif model is Activity:
                ActivityResponsibility.objects.filter(activity__in=pks).delete()
            else:
                IndicatorResponsibility.objects.filter(indicator__in=pks).delete()
        reports_sync_for_programme(programme=programme)
        for model, pks in self.retired:
            for obj in model.objects.filter(pk__in=pks):
                try:
                    deleted, _ = obj.delete()
                except models.ProtectedError:
                    raise CatalogDataError(
                        f"”{str(obj)[:60]}” kan inte tas bort: nämndernas rapporter eller "
                        "stadens dokument bygger på den."
                    ) from None
                self.summary.deleted += deleted

    def sync_members(self, group: BoardGroup, boards: list[Board]) -> None:
        current = set(group.boards.values_list("pk", flat=True))
        if current != {board.pk for board in boards}:
            group.boards.set(boards)
            self.summary.updated += 1

    def commitment(
        self,
        model: type[Activity | Indicator],
        goal: Goal,
        position: int,
        values: dict[str, Any],
        roles: dict[Board, str],
    ) -> Activity | Indicator:
        """Upsert an activity or indicator and exactly the responsibilities given."""
        item = self.upsert(model, {"goal": goal, "position": position, "added_by": None}, values)
        through = item.responsibilities.model
        item_field = str(model._meta.model_name)  # "activity" or "indicator"
        kept = [
            self.upsert(through, {item_field: item, "board": board}, {"role": role})
            for board, role in roles.items()
        ]
        self.delete_others(item.responsibilities.all(), kept)
        return item


def _board_roles(
    item: dict[str, Any], boards: dict[str, Board], groups: dict[str, list[Board]]
) -> dict[Board, str]:
    """Expand the programme's naming ("stadsdelsnämnderna") into the boards that report."""
    roles: dict[Board, str] = {}
    named = [(slug, ResponsibilityRole.RESPONSIBLE) for slug in item["responsible"]] + [
        (slug, ResponsibilityRole.CO_RESPONSIBLE) for slug in item.get("co_responsible", [])
    ]
    for slug, role in named:
        if slug in groups:
            members = groups[slug]
        elif slug in boards:
            members = [boards[slug]]
        else:
            raise CatalogDataError(f"Okänd nämnd eller grupp ”{slug}” i ”{item['text'][:60]}”.")
        for board in members:
            roles.setdefault(board, role)
    if not roles:
        raise CatalogDataError(f"Ingen ansvarig nämnd för ”{item['text'][:60]}”.")
    return roles


@transaction.atomic
def programme_load(*, data: dict[str, Any]) -> tuple[Programme, LoadSummary]:
    """Create or update a programme, its boards and its whole catalog from a catalog document
    (the format of `fixtures/stockholm-2021-2025.json`). All or nothing, and the reports
    being written follow the new catalog in the same transaction."""
    loader = _Loader()
    meta = data["programme"]
    organisation = meta["organisation"]

    boards = {
        spec["slug"]: loader.upsert(
            Board,
            {"slug": spec["slug"]},
            {"organisation": organisation, "name": spec["name"], "kind": spec["kind"]},
        )
        for spec in data["boards"]
    }
    groups: dict[str, list[Board]] = {}
    for spec in data["board_groups"]:
        group = loader.upsert(
            BoardGroup, {"slug": spec["slug"]}, {"organisation": organisation, "name": spec["name"]}
        )
        try:
            members = [boards[slug] for slug in spec["boards"]]
        except KeyError as missing:
            raise CatalogDataError(f"Okänd nämnd {missing} i gruppen ”{spec['name']}”.") from None
        loader.sync_members(group, members)
        groups[spec["slug"]] = members

    programme = loader.upsert(
        Programme,
        {"slug": meta["slug"]},
        {
            field: meta[field]
            for field in (
                "name",
                "short_name",
                "organisation",
                "start_year",
                "end_year",
                "vision",
                "goal_label",
                "activity_label",
            )
        }
        | {"co_responsible_reports": meta.get("co_responsible_reports", True)}
        | {field: meta.get(field, "") for field in ("issuer", "decision", "reference")},
    )
    _cycle_load(loader, programme, data.get("cycle", STOCKHOLM_CYCLE))

    goals = []
    for goal_spec in data["goals"]:
        goal = loader.upsert(
            Goal,
            {"programme": programme, "number": goal_spec["number"]},
            {"title": goal_spec["title"]},
        )
        goals.append(goal)
        prerequisites = [
            loader.upsert(Prerequisite, {"goal": goal, "position": position}, {"text": text})
            for position, text in enumerate(goal_spec["prerequisites"], start=1)
        ]
        loader.delete_others(goal.prerequisites.all(), prerequisites)

        activities = [
            loader.commitment(
                Activity,
                goal,
                position,
                {
                    "text": spec["text"],
                    "responsible_text": spec["responsible_text"],
                    "number": spec.get("number", ""),
                    "prevention_level": spec.get("prevention_level", ""),
                    "note": spec.get("note", ""),
                },
                _board_roles(spec, boards, groups),
            )
            for position, spec in enumerate(goal_spec["activities"], start=1)
        ]
        loader.retire_others(goal.activities.in_programme(), activities)
        indicators = [
            loader.commitment(
                Indicator,
                goal,
                position,
                {
                    "text": spec["text"],
                    "responsible_text": spec["responsible_text"],
                    "kind": spec["kind"],
                },
                _board_roles(spec, boards, groups),
            )
            for position, spec in enumerate(goal_spec["indicators"], start=1)
        ]
        loader.retire_others(goal.indicators.in_programme(), indicators)

    loader.retire_others(programme.goals.all(), goals)
    loader.retire(programme)
    return programme, loader.summary


def _cycle_load(loader: _Loader, programme: Programme, cycle: list[dict[str, Any]]) -> None:
    """The programme's reporting cycle as the document states it (Stockholm's when it names
    none). The periods already made keep the names they were made with."""
    try:
        cycle_check(cycle)
    except CycleError as error:
        raise CatalogDataError(str(error)) from None
    codes = [step["code"] for step in cycle]
    # Steps the document no longer has go first, so that their places are free.
    loader.delete_others(programme.cycle.exclude(code__in=codes), [])
    if list(programme.cycle.values_list("code", flat=True)) not in (codes, []):
        # A new order: free the places before taking them again.
        programme.cycle.update(position=models.F("position") + 100)
    for position, step in enumerate(cycle, start=1):
        (open_offset, open_month, open_day), (due_offset, due_month, due_day) = (
            step["opens"],
            step["deadline"],
        )
        loader.upsert(
            PeriodDefinition,
            {"programme": programme, "code": step["code"]},
            {
                "name": step["name"],
                "position": position,
                "opens_year_offset": open_offset,
                "opens_month": open_month,
                "opens_day": open_day,
                "deadline_year_offset": due_offset,
                "deadline_month": due_month,
                "deadline_day": due_day,
                "is_annual": bool(step.get("annual")),
            },
        )
