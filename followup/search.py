"""Search through everything the boards wrote in a programme's reports (issue 11, point 7):
the comments on activities and indicators, the reasons for "Ej aktuell", the goals'
analyses, the boards' summaries and the wording of their own activities and indicators.

Each place searched is a `Source` in SOURCES: a model, the text field, and how to get from
it to its report, its goal and its anchor on the report page. Adding a kind of text (the
comment threads, say) is one entry there: its model, the field, `report_path` from the model
to the report ("report__"), `goal_path` to the goal's number (or None) and how to name the
hit and find its anchor. Nothing else changes: the filters, the ranking, the paging and the
snippets are the same for every source.

On PostgreSQL the text is searched with full-text search in the Swedish configuration
(stemmed: "utbildningar" finds "utbildning"), ranked by relevance, with the matching words
marked in a headline. Elsewhere (SQLite, for local use) every word must occur in the text
(case-insensitive for unaccented letters), newest report first.

The cost is fixed: one query counts the hits of every source together, one reads the page's
(a UNION over the sources, ordered and sliced in the database), and one per source that has
hits on the page reads their reports and rows.
"""

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, FloatField, IntegerField, Model, Q, QuerySet, Value
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from catalog.models import Programme
from dialogue.models import Comment
from followup.models import ActivityStatus, GoalAssessment, IndicatorOutcome, Report
from followup.rows import kind_of

# Marks a headline's matches before the text is escaped: characters no one types.
_START, _STOP = "\x02", "\x03"
SNIPPET_CHARS = 240
MAX_QUERY_CHARS = 200
EVERY_ROW = Q()


@dataclass(frozen=True)
class Source:
    key: str  # in the page's data, never shown
    label: str  # what the hit is: "Kommentar", "Analys"
    model: type[Model]
    field: str  # the text searched, from the model: "comment", "activity__text"
    report_path: str  # from the model to its report: "report__", or "" for the report
    goal_path: str | None  # from the model to its goal's number; None: not under a goal
    item: Callable[[Any, Report], str]  # what the hit is about: "Aktivitet: Utbilda …"
    anchor: Callable[[Any], str]  # its id on the report page: "a12", "summary"
    only: Q = EVERY_ROW  # which of the model's rows the source is (own items only, say)
    related: tuple[str, ...] = ()  # what `item` reads, besides the report

    def report(self, hit: Any) -> Report:
        for name in filter(None, self.report_path.split("__")):
            hit = getattr(hit, name)
        return hit


def _row_name(row: Any, report: Report) -> str:
    return kind_of(row).name(row, report, chars=90)


def _row_anchor(row: Any) -> str:
    return row.prefix


def _row_source(
    key: str, label: str, model: type[Model], field: str, goal_path: str, only: Q = EVERY_ROW
) -> Source:
    return Source(
        key=key,
        label=label,
        model=model,
        field=field,
        report_path="report__",
        goal_path=f"{goal_path}__number",
        item=_row_name,
        anchor=_row_anchor,
        only=only,
        related=(goal_path,),
    )


SOURCES: tuple[Source, ...] = (
    _row_source("a", "Kommentar", ActivityStatus, "comment", "activity__goal"),
    _row_source(
        "a-na", "Skäl till ”Ej aktuell”", ActivityStatus, "not_applicable_reason", "activity__goal"
    ),
    _row_source("i", "Kommentar", IndicatorOutcome, "comment", "indicator__goal"),
    _row_source("g", "Analys", GoalAssessment, "analysis", "goal"),
    _row_source(
        "a-own",
        "Egen aktivitet",
        ActivityStatus,
        "activity__text",
        "activity__goal",
        only=Q(activity__added_by__isnull=False),
    ),
    _row_source(
        "i-own",
        "Egen indikator",
        IndicatorOutcome,
        "indicator__text",
        "indicator__goal",
        only=Q(indicator__added_by__isnull=False),
    ),
    Source(
        key="summary",
        label="Sammanfattning",
        model=Report,
        field="summary",
        report_path="",
        goal_path=None,
        item=lambda report, _: "Sammanfattning för nämnden",
        anchor=lambda report: "summary",
    ),
    # What the samordnare and the board wrote to each other in a row's or the report's
    # thread (dialogue): the thread's row is not followed to its goal, so a goal filter
    # leaves comments out.
    Source(
        key="thread",
        label="Kommentar i en tråd",
        model=Comment,
        field="text",
        report_path="thread__report__",
        goal_path=None,
        item=lambda comment, _: f"{comment.author_name}, {comment.at:%Y-%m-%d}",
        anchor=lambda comment: comment.thread.anchor,
        only=Q(kind=Comment.Kind.COMMENT),
        related=("thread", "author"),
    ),
)
_BY_KEY = {source.key: source for source in SOURCES}


@dataclass(frozen=True)
class Filters:
    """What the search is narrowed to; None or "" for no narrowing."""

    year: int | None = None
    period: str = ""  # the period's code: "T1", "VB", "DB"
    goal: int | None = None  # the goal's number
    board: str = ""  # the board's slug
    state: str = ""  # the report's state: "inskickad"


@dataclass(frozen=True)
class Hit:
    source: Source
    report: Report
    item: str
    anchor: str
    snippet: SafeString


def full_text() -> bool:
    return connection.vendor == "postgresql"


def words(query: str) -> list[str]:
    return query[:MAX_QUERY_CHARS].split()


def _query(text: str) -> SearchQuery:
    return SearchQuery(text[:MAX_QUERY_CHARS], config="swedish", search_type="websearch")


def _matching(source: Source, programme: Programme, text: str, filters: Filters) -> QuerySet:
    """The source's texts in the programme that match, narrowed by the filters."""
    path = source.report_path
    rows = source.model._default_manager.filter(
        source.only, **{f"{path}period__programme": programme}
    )
    rows = rows.exclude(**{source.field: ""})
    if filters.year is not None:
        rows = rows.filter(**{f"{path}period__year": filters.year})
    if filters.period:
        rows = rows.filter(**{f"{path}period__kind": filters.period})
    if filters.board:
        rows = rows.filter(**{f"{path}board__slug": filters.board})
    if filters.state:
        rows = rows.filter(**{f"{path}state": filters.state})
    if full_text():
        vector = SearchVector(source.field, config="swedish")
        rows = rows.annotate(found=vector).filter(found=_query(text))
    else:
        for word in words(text):
            rows = rows.filter(**{f"{source.field}__icontains": word})
    if filters.goal is not None:
        if source.goal_path is None:
            return rows.none()  # a summary is under no goal
        rows = rows.filter(**{source.goal_path: filters.goal})
    return rows


def _ranked(source: Source, rows: QuerySet, text: str) -> QuerySet:
    """The rows as the UNION's columns: which source, which row, and what orders them."""
    path = source.report_path
    rank = (
        SearchRank(F("found"), _query(text))
        if full_text()
        else Value(0.0, output_field=FloatField())
    )
    # No model's own ordering (a comment's) in a part of the UNION.
    return (
        rows.order_by()
        .annotate(
            source_key=Value(source.key),
            hit_rank=rank,
            hit_year=F(f"{path}period__year"),
            hit_position=F(f"{path}period__position"),
            hit_board=F(f"{path}board__name"),
            hit_pk=F("pk"),
            hit_order=Value(SOURCES.index(source), output_field=IntegerField()),
        )
        .values_list(
            "source_key", "hit_pk", "hit_rank", "hit_year", "hit_position", "hit_board", "hit_order"
        )
    )


@dataclass
class Search:
    """A search in one programme: its hits counted and read a page at a time (a
    `Paginator` takes it as its object list)."""

    programme: Programme
    text: str
    filters: Filters

    def _union(self) -> QuerySet:
        first, *rest = [
            _ranked(source, _matching(source, self.programme, self.text, self.filters), self.text)
            for source in SOURCES
        ]
        return first.union(*rest, all=True)

    def count(self) -> int:
        if not words(self.text):
            return 0
        return self._union().count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[Hit]:
        if not words(self.text):
            return []
        ordered = self._union().order_by(
            "-hit_rank", "-hit_year", "-hit_position", "hit_board", "hit_order", "hit_pk"
        )
        keys = list(ordered[window])
        return self._hits([(key, pk) for key, pk, *_ in keys])

    def _hits(self, keys: list[tuple[str, int]]) -> list[Hit]:
        wanted: dict[str, list[int]] = {}
        for key, pk in keys:
            wanted.setdefault(key, []).append(pk)
        found: dict[tuple[str, int], Hit] = {}
        for key, pks in wanted.items():
            source = _BY_KEY[key]
            path = source.report_path
            related = [f"{path}board", f"{path}period__programme", *source.related]
            rows = source.model._default_manager.filter(pk__in=pks).select_related(*related)
            if full_text():
                rows = rows.annotate(
                    headline=SearchHeadline(
                        source.field,
                        _query(self.text),
                        config="swedish",
                        start_sel=_START,
                        stop_sel=_STOP,
                        max_words=35,
                        min_words=15,
                        max_fragments=2,
                        fragment_delimiter=" … ",
                    )
                )
            for row in rows:
                report = source.report(row)
                text = _field_value(row, source.field)
                marked = getattr(row, "headline", None) or _marked(text, words(self.text))
                found[key, row.pk] = Hit(
                    source=source,
                    report=report,
                    item=source.item(row, report),
                    anchor=source.anchor(row),
                    snippet=_snippet(marked),
                )
        return [found[key] for key in keys if key in found]


def _field_value(row: Any, field: str) -> str:
    value = row
    for part in field.split("__"):
        value = getattr(value, part)
    return str(value)


def _marked(text: str, terms: list[str]) -> str:
    """The text around the first match, with every match between the markers: the
    fallback's headline."""
    if not terms:
        return Truncator(text).chars(SNIPPET_CHARS)
    pattern = re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)
    first = pattern.search(text)
    start = max(0, first.start() - SNIPPET_CHARS // 3) if first else 0
    window = text[start : start + SNIPPET_CHARS]
    window = ("…" if start else "") + window + ("…" if start + SNIPPET_CHARS < len(text) else "")
    return pattern.sub(lambda match: f"{_START}{match.group(0)}{_STOP}", window)


def _snippet(marked: str) -> SafeString:
    """A headline as HTML: the board's text escaped, the matches in <mark>."""
    escaped = html.escape(marked.replace("\n", " "))
    # Only the markers become markup; everything the board wrote is escaped above.
    return mark_safe(  # noqa: S308
        escaped.replace(_START, "<mark>").replace(_STOP, "</mark>")
    )
