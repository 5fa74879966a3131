from django.contrib import admin
from django.urls import include, path

from valdprogram import views

urlpatterns = [
    path("", include("catalog.urls")),
    path("", include("followup.urls")),
    path("", include("dialogue.urls")),
    path("", include("attachments.urls")),
    path("", include("publishing.urls")),
    path("", include("notifications.urls")),
    path("konto/", include("accounts.urls")),
    path("", include("records.urls")),
    path("", include("about.urls")),
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
]

# With DEBUG off: Swedish pages in the site's layout, JSON under /api/ (valdprogram.errors).
handler400 = "valdprogram.errors.bad_request"
handler403 = "valdprogram.errors.permission_denied"
handler404 = "valdprogram.errors.page_not_found"
handler500 = "valdprogram.errors.server_error"
