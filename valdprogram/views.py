from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@login_not_required
@require_safe
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """For the load balancer (and the benchmark's baseline): the app answers and reaches the
    database."""
    connection.ensure_connection()
    return HttpResponse("ok", content_type="text/plain")
