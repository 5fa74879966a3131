"""The benchmark's larger cities (`seed_demo --scale N`): N−1 copies of every board with
commitments, each with its original's responsibilities and groups and a clone of its
original's five years of reports.

The originals are seeded first, exactly as at scale 1 (the replay through the services);
each copy's reports, rows, events, notifications and history are then cloned from its
original's in the database, one INSERT … SELECT a table for all copies at once: replaying
the services for 2,300 boards took hours, cloning takes about a minute. A copy's report tells
its original's story, saved by the same people on the same days; its rows for the original's
own items (`Activity.added_by`) are left out, as those items are the original's alone.
"""

from collections.abc import Sequence
from typing import cast

from django.db import connection, models
from simple_history.utils import bulk_create_with_history

from catalog.models import (
    Activity,
    ActivityResponsibility,
    Board,
    BoardGroup,
    Indicator,
    IndicatorResponsibility,
    Programme,
)
from followup.models import (
    ActivityStatus,
    Coordinator,
    GoalAssessment,
    IndicatorOutcome,
    Report,
    ReportEvent,
    ReportingPeriod,
)
from notifications.models import Notification

BATCH_SIZE = 1000
# Temporary tables of which copy is whose: boards, then reports.
BOARDS = "demo_copy_board"
REPORTS = "demo_copy_report"
# Each kind of row and the item it answers: a row is one per report and item, so a copy's
# row is found again by its report and item (for cloning the row's history).
# The items that may be a board's own (`added_by`) are named too.
ROWS: tuple[tuple[type[models.Model], str, type[models.Model] | None], ...] = (
    (ActivityStatus, "activity_id", Activity),
    (IndicatorOutcome, "indicator_id", Indicator),
    (GoalAssessment, "goal_id", None),
)


def copies_create(programme: Programme, *, scale: int) -> int:
    """Copy every board with commitments in `programme` scale−1 times, with its
    responsibilities, groups and reports; returns the number of copies."""
    boards = list(Board.objects.responsible_in(programme))
    copies = _boards_create(boards, programme=programme, scale=scale)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {BOARDS} (original_id bigint, copy_id bigint)")
        cursor.executemany(
            f"INSERT INTO {BOARDS} (original_id, copy_id) VALUES (%s, %s)",  # noqa: S608
            [(original.pk, copy.pk) for original, copy in copies],
        )
        _clone(
            Report,
            f"JOIN {BOARDS} m ON m.original_id = s.board_id "
            f"JOIN {_table(ReportingPeriod)} p ON p.id = s.period_id",
            {"board_id": "m.copy_id"},
            where="p.programme_id = %s",
            params=[programme.pk],
        )
        cursor.execute(
            f"CREATE TEMPORARY TABLE {REPORTS} "
            "(original_id bigint, copy_id bigint, original_board_id bigint, copy_board_id bigint)"
        )
        reports = _table(Report)
        cursor.execute(
            f"INSERT INTO {REPORTS} (original_id, copy_id, original_board_id, copy_board_id) "  # noqa: S608
            f"SELECT o.id, c.id, m.original_id, m.copy_id FROM {reports} o "
            f"JOIN {BOARDS} m ON m.original_id = o.board_id "
            f"JOIN {reports} c ON c.board_id = m.copy_id AND c.period_id = o.period_id"
        )
        cursor.execute(f"CREATE INDEX {REPORTS}_original ON {REPORTS} (original_id)")
        by_report = f"JOIN {REPORTS} m ON m.original_id = s.report_id"
        _clone(Report.history.model, f"JOIN {REPORTS} m ON m.original_id = s.id", {
            "id": "m.copy_id", "board_id": "m.copy_board_id"
        })  # fmt: skip
        _clone(ReportEvent, by_report, {"report_id": "m.copy_id"})
        for model, item, items in ROWS:
            joins = by_report
            if items is not None:  # the original's own items are not the copy's
                joins += f" JOIN {_table(items)} i ON i.id = s.{item} AND i.added_by_id IS NULL"
            _clone(model, joins, {"report_id": "m.copy_id"})
            _clone(
                model.history.model,  # type: ignore[attr-defined]
                f"{by_report} JOIN {_table(model)} c "
                f"ON c.report_id = m.copy_id AND c.{item} = s.{item}",
                {"id": "c.id", "report_id": "m.copy_id"},
            )
        # The samordnare's notifications of the copies' reports (a copy has no people of its
        # own to notify); the board's name and the report's address in them are the copy's,
        # the key one of its own.
        boards_table = _table(Board)
        _clone(
            Notification,
            f"{by_report} JOIN {boards_table} ob ON ob.id = m.original_board_id "
            f"JOIN {boards_table} cb ON cb.id = m.copy_board_id",
            {
                "report_id": "m.copy_id",
                "title": "REPLACE(s.title, ob.name, cb.name)",
                "url": _concat(
                    "'/rapporter/'",
                    "m.copy_id",
                    "SUBSTR(s.url, LENGTH('/rapporter/') + LENGTH(CAST(s.report_id AS TEXT)) + 1)",
                ),
                "key": _concat("s.key", "':kopia-'", "m.copy_board_id"),
            },
            where=f"s.recipient_id IN (SELECT user_id FROM {_table(Coordinator)} "  # noqa: S608
            "WHERE programme_id = %s)",
            params=[programme.pk],
        )
        cursor.execute(f"DROP TABLE {REPORTS}")
        cursor.execute(f"DROP TABLE {BOARDS}")
    return len(copies)


def _boards_create(
    boards: Sequence[Board], *, programme: Programme, scale: int
) -> list[tuple[Board, Board]]:
    """The copies of `boards`, with their originals' responsibilities and groups: (original,
    copy) pairs."""
    made = bulk_create_with_history(
        [
            Board(
                organisation=board.organisation,
                name=f"{board.name} (kopia {number})",
                slug=f"{board.slug}-k{number}",
                kind=board.kind,
            )
            for number in range(2, scale + 1)
            for board in boards
        ],
        Board,
        batch_size=BATCH_SIZE,
    )
    pairs = [(boards[index % len(boards)], copy) for index, copy in enumerate(made)]
    copies_of: dict[int, list[Board]] = {}
    for original, copy in pairs:
        copies_of.setdefault(original.pk, []).append(copy)
    for model, item_field in (
        (ActivityResponsibility, "activity"),
        (IndicatorResponsibility, "indicator"),
    ):
        originals = model.objects.filter(
            board__in=boards, **{f"{item_field}__goal__programme": programme}
        ).order_by("pk")
        bulk_create_with_history(
            [
                model(
                    board=copy,
                    role=original.role,
                    **{f"{item_field}_id": getattr(original, f"{item_field}_id")},
                )
                for original in originals
                for copy in copies_of[original.board_id]
            ],
            model,
            batch_size=BATCH_SIZE,
        )
    # A copy of a district board is a district board: in "stadsdelsnämnderna" too.
    through = BoardGroup.boards.through
    through.objects.bulk_create(
        [
            through(boardgroup_id=group_id, board_id=copy.pk)
            for group_id, board_id in through.objects.filter(board__in=boards).values_list(
                "boardgroup_id", "board_id"
            )
            for copy in copies_of.get(board_id, [])
        ],
        batch_size=BATCH_SIZE,
    )
    return pairs


def _table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _concat(*parts: str) -> str:
    """SQL concatenation of text and numbers, on SQLite and PostgreSQL alike."""
    return " || ".join(f"CAST({part} AS TEXT)" for part in parts)


def _clone(
    model: type[models.Model],
    joins: str,
    values: dict[str, str],
    *,
    where: str = "",
    params: Sequence[int] = (),
) -> None:
    """INSERT INTO the model's table every column but its own key, SELECTed from its rows `s`
    joined as `joins` says, each column as it is there or as `values` says."""
    quote = connection.ops.quote_name
    columns = [
        cast(str, field.column)
        for field in model._meta.concrete_fields
        if not (field.primary_key and isinstance(field, models.AutoField))
    ]
    unknown = set(values) - set(columns)
    assert not unknown, f"{model.__name__} has no columns {unknown}"
    selected = ", ".join(values.get(column, f"s.{quote(column)}") for column in columns)
    # Only table and column names of the models and fixed SQL go into the text.
    sql = (
        f"INSERT INTO {_table(model)} ({', '.join(quote(column) for column in columns)}) "  # noqa: S608
        f"SELECT {selected} FROM {_table(model)} s {joins}" + (f" WHERE {where}" if where else "")
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
