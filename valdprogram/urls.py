from django.contrib import admin
from django.urls import include, path

from valdprogram import views

urlpatterns = [
    path("", include("catalog.urls")),
    path("", include("followup.urls")),
    path("konto/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
]
