"""The samlad uppföljning as a page: figures per goal, the samordnare's narrative, final."""

import copy
from collections.abc import Callable
from dataclasses import dataclass

from concurrency.api import get_revision_of_object
from concurrency.forms import get_signer
from django.contrib import messages
from django.core.paginator import Paginator
from django.forms import ModelForm
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from catalog.models import Programme, with_annual_name
from followup import access, guard
from followup.charts import Bar, bar_chart
from followup.city import (
    ANALYSES_PER_PAGE,
    VALUES_INLINE,
    city_followup_figures,
    city_followup_finalise,
    city_followup_get,
    city_followup_missing,
    city_followup_parts,
    city_followup_summary,
    city_followup_text_save,
    goal_analyses,
)
from followup.excel.document import city_followup_filename, city_followup_workbook
from followup.forms import CityFollowupForm, CityFollowupGoalForm
from followup.models import CityFollowup, DocumentKind, FollowupState, ReportingPeriod
from followup.rollup import percent_text
from followup.services import FollowupError, StaleRow
from followup.views.choice import programme_choice
from followup.views.confirm import Confirmation, confirm_page
from followup.views.jobs import document_page
from valdprogram.http import AuthenticatedHttpRequest

# The boards' values of an indicator a page at a time on its own page (the page quotes the
# first VALUES_INLINE, the analyses ANALYSES_PER_PAGE at a time: `followup.city`).
VALUES_PER_PAGE = 50


@dataclass(frozen=True)
class FollowupPage:
    """The year's document as the user may use it: `editable` for its samordnare while it is
    a draft."""

    followup: CityFollowup
    editable: bool


def _get_followup(
    request: HttpRequest, slug: str, year: int, *, summary_only: bool = False
) -> FollowupPage:
    """The year's document (unsaved until someone writes in it), for city-wide readers; 404
    for everyone else. `summary_only`: for `city_followup_summary`, without the frozen
    figures."""
    granted = access.get_programme(request.user, slug, year=year)
    followup = city_followup_get(programme=granted.programme, year=year, summary_only=summary_only)
    return FollowupPage(
        followup=followup,
        editable=granted.can_write and followup.state == FollowupState.DRAFT,
    )


def _get_writable_followup(request: HttpRequest, slug: str, year: int) -> CityFollowup:
    """The year's document for its samordnare: 404 for outsiders, 403 for city-wide readers;
    a final document is refused by the services with a message."""
    granted = access.get_writable_programme(
        request.user, slug, year=year, what="den samlade uppföljningen"
    )
    return city_followup_get(programme=granted.programme, year=year)


def _figures(
    followup: CityFollowup, figures: Callable[[CityFollowup], dict] = city_followup_figures
) -> dict:
    """The document's `figures` (all, or their summary); 404 for a year without a
    verksamhetsberättelse period."""
    try:
        return figures(followup)
    except ReportingPeriod.DoesNotExist:
        raise Http404("Året har ingen verksamhetsberättelse.") from None


def _page(
    request: HttpRequest,
    page: FollowupPage,
    bound: dict[str, ModelForm] | None = None,
    status: int = 200,
    conflict: StaleRow | None = None,
) -> HttpResponse:
    followup, editable = page.followup, page.editable
    figures = _figures(followup, city_followup_summary)
    bound = bound or {}
    part_list = city_followup_parts(followup)
    parts = {part.goal.number: part for part in part_list}
    goals = []
    for goal in figures["goals"]:
        part = parts.get(goal["number"])
        form = None
        if editable and part is not None:
            form = bound.get(f"mal{goal['number']}") or CityFollowupGoalForm(instance=part)
        goals.append(
            {
                "figures": goal,
                "indicators": [
                    {**indicator, "boards": indicator["boards"][:VALUES_INLINE]}
                    for indicator in goal["indicators"]
                ],
                "part": part,
                "form": form,
                "chart": assessment_chart(goal, followup.programme),
                # The first page of the boards' analyses; the rest a page at a time on their
                # own page, so that the page stays the same size however many boards.
                "analyses": goal["analyses"][:ANALYSES_PER_PAGE],
                "analyses_count": goal["analyses_count"],
            }
        )
    overall_form = None
    if editable:
        overall_form = bound.get("helhet") or CityFollowupForm(instance=followup)
    return render(
        request,
        "followup/city_followup.html",
        {
            "followup": followup,
            "programme": followup.programme,
            "figures": figures,
            "goals": goals,
            "overall_form": overall_form,
            "missing": city_followup_missing(followup, part_list) if editable else [],
            "conflict": conflict,
        },
        status=status,
    )


def assessment_chart(goal: dict, programme: Programme) -> SafeString:
    buckets = goal["activities"]["by_assessment"].values()
    return bar_chart(
        chart_id=f"mal{goal['number']}-bedomning",
        title=f"{programme.goal_label} {goal['number']}: "
        f"{programme.activities_definite}s bedömning",
        desc=", ".join(f"{bucket['label']}: {bucket['count']}" for bucket in buckets),
        bars=[
            Bar(
                label=bucket["label"],
                value=bucket["count"],
                text=f"{bucket['count']} ({percent_text(bucket['share'])})",
            )
            for bucket in buckets
        ],
    )


@require_safe
def city_followup_analyses(request: HttpRequest, slug: str, year: int, number: int) -> HttpResponse:
    """One goal's board analyses, a page at a time (`?sida=`), for the page's readers."""
    followup = _get_followup(request, slug, year).followup
    goals = _figures(followup)["goals"]
    figures = next((each for each in goals if each["number"] == number), None)
    if figures is None:
        raise Http404("Målet finns inte.")
    page = Paginator(goal_analyses(figures), ANALYSES_PER_PAGE).get_page(request.GET.get("sida"))
    context = {"followup": followup, "programme": followup.programme, "goal": figures, "page": page}
    return render(request, "followup/city_followup_analyses.html", context)


@require_safe
def city_followup_values(
    request: HttpRequest, slug: str, year: int, number: int, indicator: int
) -> HttpResponse:
    """One indicator's values board by board, a page at a time (`?sida=`), for the page's
    readers."""
    followup = _get_followup(request, slug, year).followup
    goals = _figures(followup)["goals"]
    goal = next((each for each in goals if each["number"] == number), None)
    figures = next(
        (each for each in (goal or {}).get("indicators", []) if each["id"] == indicator), None
    )
    if goal is None or figures is None:
        raise Http404("Indikatorn finns inte.")
    page = Paginator(figures["boards"], VALUES_PER_PAGE).get_page(request.GET.get("sida"))
    context = {
        "followup": followup,
        "programme": followup.programme,
        "goal": goal,
        "indicator": figures,
        "page": page,
    }
    return render(request, "followup/city_followup_values.html", context)


@require_safe
def city_followup_list(request: HttpRequest) -> HttpResponse:
    programmes = list(
        with_annual_name(access.city_wide_programmes(request.user)).prefetch_related(
            "city_followups"
        )
    )
    if not programmes:
        raise Http404("Sidan finns inte.")
    choice = programme_choice(request, programmes)
    coordinated = set(access.coordinated_programmes(request.user).values_list("pk", flat=True))
    return render(
        request,
        "followup/city_followup_list.html",
        {"programmes": choice.shown, "choice": choice, "coordinated": coordinated},
    )


@require_safe
def city_followup(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    return _page(request, _get_followup(request, slug, year, summary_only=True))


@require_POST
def city_followup_save(request: HttpRequest, slug: str, year: int, part: str) -> HttpResponse:
    followup = _get_writable_followup(request, slug, year)
    form: CityFollowupForm | CityFollowupGoalForm
    if part == "helhet":
        form = CityFollowupForm(request.POST, instance=followup)
    else:
        goal_part = next(
            (each for each in city_followup_parts(followup) if str(each.goal.number) == part),
            None,
        )
        if goal_part is None:
            raise Http404("Målet finns inte.")
        form = CityFollowupGoalForm(request.POST, instance=goal_part)
    page = FollowupPage(followup=followup, editable=followup.state == FollowupState.DRAFT)
    if not form.is_valid():
        guard.form_refused(form, programme_id=followup.programme_id)
        return _page(request, page, bound={form.prefix or "": form}, status=422)
    try:
        city_followup_text_save(form=form, followup=followup)
    except StaleRow as stale:
        data = request.POST.copy()
        data[form.add_prefix("version")] = get_signer().sign(get_revision_of_object(stale.current))
        fresh = type(form)(data, instance=copy.copy(stale.current))
        page = _get_followup(request, slug, year)  # now with the draft the save created
        return _page(request, page, bound={form.prefix or "": fresh}, status=409, conflict=stale)
    except FollowupError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "Texten är sparad.")
    url = reverse("city-followup", args=[slug, year])
    return redirect(f"{url}#{form.prefix}")


@require_safe
def city_followup_xlsx(request: HttpRequest, slug: str, year: int) -> FileResponse:
    followup = _get_followup(request, slug, year).followup
    figures = _figures(followup)
    return FileResponse(
        city_followup_workbook(followup, figures, city_followup_parts(followup)),
        as_attachment=True,
        filename=city_followup_filename(followup),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@require_safe
def city_followup_final_confirm(
    request: AuthenticatedHttpRequest, slug: str, year: int
) -> HttpResponse:
    """What "Gör slutlig" does, asked before it is done."""
    followup = _get_writable_followup(request, slug, year)
    page_url = reverse("city-followup", args=[slug, year])
    error = ""
    if followup.state == FollowupState.FINAL:
        error = "Den samlade uppföljningen är redan slutlig."
    elif missing := city_followup_missing(followup):
        error = "Skriv först: " + ", ".join(missing) + "."
    return confirm_page(
        request,
        Confirmation(
            title=f"Göra den samlade uppföljningen {year} slutlig?",
            consequences=[
                "Siffrorna låses som de är nu. Ändras en rapport senare, ändras inte den "
                "slutliga uppföljningen.",
                "Texterna kan inte längre ändras. Det går inte att ångra.",
                "Excel och PDF görs av den slutliga versionen.",
            ],
            action=reverse("city-followup-final", args=[slug, year]),
            button="Gör den samlade uppföljningen slutlig",
            back=f"{page_url}#slutlig",
            breadcrumbs=[
                (reverse("start"), "Start"),
                (reverse("city-followup-list"), "Samlad uppföljning"),
                (page_url, str(year)),
            ],
            error=error,
            blocked=bool(error),
        ),
    )


@require_POST
def city_followup_final(request: AuthenticatedHttpRequest, slug: str, year: int) -> HttpResponse:
    followup = _get_writable_followup(request, slug, year)
    try:
        city_followup_finalise(followup=followup, user=request.user)
    except (FollowupError, ReportingPeriod.DoesNotExist) as refused:
        messages.error(request, str(refused) or "Året har ingen verksamhetsberättelse.")
    else:
        messages.success(request, "Den samlade uppföljningen är slutlig. Siffrorna är låsta.")
    return redirect("city-followup", slug, year)


@require_http_methods(["GET", "HEAD", "POST"])
def city_followup_pdf(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    """The samlad uppföljning as a PDF, with the figures and charts of the page, made by the
    task worker (`documents.jobs`): GET offers it, POST asks for it."""
    granted = access.get_programme(request.user, slug, year=year)
    return document_page(request, granted, DocumentKind.CITY_FOLLOWUP, year)
