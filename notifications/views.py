"""The user's notifications: the list, opening one (which marks it read), and the choice of
which kinds come by e-mail. Reads never write: marking read is a POST."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from followup.access import get_notification, notifications_of
from notifications.forms import EmailChoicesForm
from notifications.models import EmailChoice, NotificationKind
from valdprogram.http import AuthenticatedHttpRequest

PAGE_SIZE = 50


@require_safe
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    mine = notifications_of(request.user)
    page = Paginator(mine.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("sida")
    )
    return render(
        request,
        "notifications/list.html",
        {"page": page, "unread_count": mine.filter(read_at=None).count()},
    )


@require_POST
def notification_open(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Mark the notification read and go to its place."""
    notification = get_notification(request.user, pk)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return redirect(_place(notification.url))


def _place(url: str) -> str:
    """The notification's place, with its #fragment: only a path on this site."""
    if url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=None):
        return url
    return reverse("notification-list")


@require_POST
def notification_read_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    marked = notifications_of(request.user).filter(read_at=None).update(read_at=timezone.now())
    messages.success(
        request,
        "Alla aviseringar är markerade som lästa." if marked else "Inga olästa aviseringar.",
    )
    return redirect("notification-list")


@require_http_methods(["GET", "HEAD", "POST"])
def notification_preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    declined = set(
        EmailChoice.objects.filter(user=request.user, email=False).values_list("kind", flat=True)
    )
    if request.method != "POST":
        form = EmailChoicesForm(
            initial={kind.value: kind not in declined for kind in NotificationKind}
        )
        return render(request, "notifications/preferences.html", {"form": form})
    form = EmailChoicesForm(request.POST)
    form.is_valid()  # unticked boxes are False; nothing else can be wrong
    with transaction.atomic():
        for kind in NotificationKind:
            EmailChoice.objects.update_or_create(
                user=request.user, kind=kind, defaults={"email": form.cleaned_data[kind.value]}
            )
    messages.success(request, "Dina val av e-post är sparade.")
    return redirect("notification-preferences")
