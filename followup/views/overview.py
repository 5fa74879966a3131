"""Start pages after login, and the samordnare's periods."""

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST, require_safe

from followup import access, selectors, services
from followup.forms import DeadlineForm, PeriodOpenForm
from followup.models import BoardRole, PeriodState, ReportingPeriod
from followup.views.choice import programme_choice
from followup.views.confirm import Confirmation, confirm_page
from valdprogram.http import AuthenticatedHttpRequest


@require_safe
def start(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    is_coordinator = access.is_coordinator(request.user)
    my_reports = selectors.my_reports(request.user, today)
    earlier_reports = selectors.earlier_reports(request.user)
    # The boards whose reports the user only reads, to say so.
    read_only_boards = list(access.boards_of(request.user, BoardRole.READER).order_by("name"))
    coordinator_periods = selectors.coordinator_overview(request.user, today)
    for entry in coordinator_periods:
        # Every report in a state, a page at a time, where the page names only the first.
        period = entry.period
        query: dict[str, str | int] = {
            "program": period.programme.slug,
            "ar": period.year,
            "period": period.kind,
        }
        entry.rows_url = f"{reverse('dashboard-rows')}?{urlencode({**query, 'visa': 'namnder'})}"
    reopened_reports = selectors.reopened_reports(request.user, today) if is_coordinator else []
    boards = [
        *read_only_boards,
        *(item.report.board for item in [*my_reports, *reopened_reports]),
        *(report.board for year in earlier_reports for report in year.reports),
    ]
    # The whole area, in the programmes' word, when they share one ("staden", "kommunen").
    areas = {entry.period.programme.area_word for entry in coordinator_periods}
    return render(
        request,
        "followup/start.html",
        {
            "today": today,
            "my_reports": my_reports,
            "earlier_reports": earlier_reports,
            "read_only_boards": read_only_boards,
            "coordinator_periods": coordinator_periods,
            "reopened_reports": reopened_reports,
            "is_coordinator": is_coordinator,
            # Boards of two municipalities may share a name (Kommunstyrelsen): then each in
            # the lists that mix them is shown with its organisation. (The samordnare's
            # periods are apart, each headed by its programme.)
            "several_organisations": len({board.organisation for board in boards}) > 1,
            "area_word": areas.pop() if len(areas) == 1 else "",
        },
    )


def _program_query(request: HttpRequest) -> str:
    """The programme chosen on /perioder/ (?program=…), carried through its steps."""
    slug = request.GET.get("program", "")
    return f"?{urlencode({'program': slug})}" if slug else ""


def _list_url(request: HttpRequest, period: ReportingPeriod) -> str:
    """Back to /perioder/ at the period's row, in the programme the samordnare was looking at."""
    return f"{reverse('period-list')}{_program_query(request)}#period-{period.pk}"


@dataclass(frozen=True)
class PeriodRow:
    """A period on /perioder/: its deadline form while the deadline can still be moved."""

    period: ReportingPeriod
    deadline_form: DeadlineForm | None
    error: str = ""


def _period_list(
    request: AuthenticatedHttpRequest,
    bound: PeriodRow | None = None,
    status: int = 200,
) -> HttpResponse:
    if not access.is_coordinator(request.user):
        raise Http404("Sidan finns inte.")
    choice = programme_choice(request, list(access.coordinated_programmes(request.user)))
    periods = selectors.periods_for_coordinator(request.user)
    if choice.chosen:
        periods = periods.filter(programme=choice.chosen)
    rows = []
    for period in periods:
        if bound is not None and bound.period.pk == period.pk:
            rows.append(PeriodRow(period, bound.deadline_form, bound.error))
        elif period.state != PeriodState.LOCKED:
            initial = {"deadline": period.deadline}
            rows.append(PeriodRow(period, DeadlineForm(initial=initial, prefix=f"p{period.pk}")))
        else:
            rows.append(PeriodRow(period, None))
    context = {"rows": rows, "choice": choice}
    return render(request, "followup/period_list.html", context, status=status)


@require_safe
def period_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _period_list(request)


@require_POST
def period_deadline(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Set or move a period's deadline from /perioder/; a refusal is shown on its row."""
    period = access.get_coordinated_period(request.user, pk)
    form = DeadlineForm(request.POST, prefix=f"p{period.pk}")
    if not form.is_valid():
        return _period_list(request, PeriodRow(period, form), status=422)
    try:
        services.period_deadline_set(
            period=period, deadline=form.cleaned_data["deadline"], today=timezone.localdate()
        )
    except services.FollowupError as refused:
        return _period_list(request, PeriodRow(period, form, str(refused)), status=422)
    messages.success(request, f"Sista dag för {period.label} är nu {period.deadline:%Y-%m-%d}.")
    return redirect(_list_url(request, period))


def _period_confirmation(
    request: AuthenticatedHttpRequest,
    period: ReportingPeriod,
    action: str,
    form: PeriodOpenForm | None = None,
    error: str = "",
) -> Confirmation:
    """What opening or locking `period` does, for its confirmation page."""
    counts = selectors.period_report_counts(period)
    back = _list_url(request, period)
    crumbs = [(reverse("start"), "Start"), (reverse("period-list"), "Perioder")]
    if action == "lock":
        consequences = [
            f"{period.label} låses. Ingen nämnd kan längre ändra sin rapport.",
            f"{counts.reported} av {counts.total} rapporter är inskickade eller godkända; "
            f"{counts.total - counts.reported} är inte det och blir kvar som de är.",
            "Rapporter som har öppnats igen som undantag stängs, och deras egna sista dagar "
            "upphör.",
            "En enskild rapport kan öppnas igen efteråt, från rapportsidan, med en egen sista dag.",
        ]
        return Confirmation(
            title=f"Lås {period.label}?",
            consequences=consequences,
            action=reverse("period-lock", args=[period.pk]) + _program_query(request),
            button="Lås perioden",
            back=back,
            breadcrumbs=crumbs,
            error=error,
        )
    today = timezone.localdate()
    passed = period.deadline_passed(today)
    if form is None:
        form = PeriodOpenForm(initial={} if passed else {"deadline": period.deadline})
    consequences = [
        f"{period.label} öppnas. Varje nämnd med åtaganden får sin rapport, med en rad för "
        "varje åtagande; rader från förra perioden följer med.",
        "Nämndernas rapportörer kan fylla i och skicka in fram till sista dagen, och får "
        "påminnelser en vecka före, på dagen och när rapporten är försenad.",
    ]
    if period.state == PeriodState.LOCKED:
        consequences.insert(
            1, f"Perioden har varit låst: {counts.total} rapporter kan ändras igen."
        )
    warnings = []
    if passed:
        warnings.append(
            f"Periodens sista dag, {period.deadline:%Y-%m-%d}, har redan passerat. Ange en ny, "
            "annars blir alla rapporter försenade på en gång."
        )
    return Confirmation(
        title=f"{'Öppna ' if period.state == PeriodState.NOT_OPEN else 'Öppna igen '}"
        f"{period.label}?",
        consequences=consequences,
        action=reverse("period-open", args=[period.pk]) + _program_query(request),
        button="Öppna perioden",
        back=back,
        breadcrumbs=crumbs,
        form=form,
        warnings=warnings,
        error=error,
    )


@require_safe
def period_change_confirm(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    period = access.get_coordinated_period(request.user, pk)
    return confirm_page(request, _period_confirmation(request, period, action))


@require_POST
def period_change(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    period = access.get_coordinated_period(request.user, pk)
    if action == "lock":
        try:
            services.period_lock(period=period)
        except services.FollowupError as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, f"{period.label} är låst.")
        return redirect(_list_url(request, period))
    form = PeriodOpenForm(request.POST)
    if not form.is_valid():
        return confirm_page(request, _period_confirmation(request, period, action, form), 422)
    try:
        created = services.period_open(
            period=period, today=timezone.localdate(), deadline=form.cleaned_data["deadline"]
        )
    except services.DeadlinePassed as refused:
        form.add_error("deadline", str(refused))
        return confirm_page(request, _period_confirmation(request, period, action, form), 422)
    except services.AlreadyOpen as refused:
        messages.error(request, str(refused))
        return redirect(_list_url(request, period))
    except services.FollowupError as refused:
        return confirm_page(
            request, _period_confirmation(request, period, action, form, str(refused)), 422
        )
    reports = "1 ny rapport" if created == 1 else f"{created} nya rapporter"
    messages.success(
        request,
        f"{period.label} är öppen, med sista dag {period.deadline:%Y-%m-%d}. {reports} "
        "skapades för nämnderna.",
    )
    return redirect(_list_url(request, period))
