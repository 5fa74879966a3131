from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from valdprogram import views
from valdprogram.forms import LoginForm

urlpatterns = [
    path("", include("catalog.urls")),
    path("", include("followup.urls")),
    path(
        "konto/logga-in/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("konto/logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
]

# With DEBUG off: Swedish pages in the site's layout, JSON under /api/ (valdprogram.errors).
handler400 = "valdprogram.errors.bad_request"
handler403 = "valdprogram.errors.permission_denied"
handler404 = "valdprogram.errors.page_not_found"
handler500 = "valdprogram.errors.server_error"
