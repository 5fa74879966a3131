"""Comment threads on a report's rows and on the report: post, resolve, reopen. Each works
as a plain form (redirect back to the thread, or the page again with the error in place)
and with htmx (the thread alone, with the report head's open threads swapped out of band)."""

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from dialogue import services
from dialogue.forms import CommentForm
from dialogue.models import REPORT_TARGET
from dialogue.selectors import dialogue_now
from dialogue.services import Target
from followup import access, guard, selectors
from followup.models import Report, ReportState
from followup.rows import kind_by_key
from followup.services import FollowupError
from followup.views.report import _render_report
from valdprogram.http import AuthenticatedHttpRequest


def _target(report: Report, target: str) -> Target:
    """The thread's address from the URL: REPORT_TARGET, or a row of this report by the
    page's id of it ("a12"); 404 for anything else."""
    if target == REPORT_TARGET:
        return services.REPORT
    try:
        kind, row_pk = kind_by_key(target[:1]), int(target[1:])
        selectors.report_row(report, kind, row_pk)
    except (KeyError, ValueError, ObjectDoesNotExist):
        raise Http404("Raden finns inte i rapporten.") from None
    return Target(kind.key, row_pk)


def _answer(
    request: AuthenticatedHttpRequest,
    report: Report,
    target: Target,
    *,
    done: str = "",
    error: str = "",
    text: str = "",
) -> HttpResponse:
    """After a write: the thread alone for htmx; otherwise back to it on the report page
    when it went through, or the page with the error (and what was typed) in place."""
    status = 422 if error else 200
    if request.htmx:
        return _thread_alone(request, report, target, done=done, error=error, text=text)
    if error:
        return _render_report(
            request,
            report,
            status=status,
            comment_target=target.key,
            comment_error=error,
            comment_text=text,
        )
    messages.success(request, done)
    return redirect(f"{reverse('report-detail', args=[report.pk])}#thread-{target.key}")


def _thread_alone(
    request: AuthenticatedHttpRequest,
    report: Report,
    target: Target,
    *,
    done: str = "",
    error: str = "",
    text: str = "",
) -> HttpResponse:
    """The thread for htmx, with the open threads at the report's head (and in the review
    panel) swapped out of band."""
    dialogue = dialogue_now(report, may_comment=True)
    context = {
        "report": report,
        "access": report.access,
        "dialogue": dialogue,
        "thread": dialogue.of(target.key),
        "target": target.key,
        "about": dialogue.names.get(target.key, ""),
        "comment_target": target.key,
        "comment_error": error,
        "comment_text": text,
        "comment_done": done,
        "oob": True,
    }
    html = render_to_string("dialogue/_thread.html", context, request=request)
    html += render_to_string("dialogue/_head.html", context, request=request)
    if report.access.can_review and report.state == ReportState.SUBMITTED:
        html += render_to_string("dialogue/_review_threads.html", context, request=request)
    return HttpResponse(html, status=422 if error else 200)


@require_http_methods(["GET", "HEAD", "POST"])
def thread_comment(request: AuthenticatedHttpRequest, pk: int, target: str) -> HttpResponse:
    """POST: a comment. GET: the thread with its form open, for "Kommentera" (htmx; without
    it, the report page with the thread open)."""
    report = access.get_commentable_report(request.user, pk)
    address = _target(report, target)
    if request.method in ("GET", "HEAD"):
        if not request.htmx:
            url = reverse("report-detail", args=[report.pk])
            return redirect(f"{url}?kommentera={address.key}#thread-{address.key}")
        return _thread_alone(request, report, address)
    form = CommentForm(request.POST)
    text = request.POST.get("text", "")
    if not form.is_valid():
        guard.report_refused(guard.stops_in(form), report=report)
        return _answer(request, report, address, error=str(form.errors["text"][0]), text=text)
    try:
        services.comment_post(
            report=report,
            target=address,
            user=request.user,
            # A samordnare who is not also the board's rapportör writes as the samordnare.
            by_coordinator=report.access.on_behalf,
            text=form.cleaned_data["text"],
        )
    except FollowupError as refused:
        return _answer(request, report, address, error=str(refused), text=text)
    return _answer(request, report, address, done="Kommentaren är sparad.")


@require_POST
def thread_mark(
    request: AuthenticatedHttpRequest, pk: int, target: str, resolved: bool
) -> HttpResponse:
    report = access.get_commentable_report(request.user, pk)
    address = _target(report, target)
    try:
        services.thread_mark(
            report=report,
            target=address,
            user=request.user,
            by_coordinator=report.access.on_behalf,
            resolved=resolved,
        )
    except FollowupError as refused:
        return _answer(request, report, address, error=str(refused))
    done = "Tråden är markerad som löst." if resolved else "Tråden är öppnad igen."
    return _answer(request, report, address, done=done)
