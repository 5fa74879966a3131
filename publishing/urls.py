from django.urls import path

from publishing import api, public, views

urlpatterns = [
    # Public: no login (publishing.public, publishing.api).
    path("program/<slug:slug>/resultat/", public.results_index, name="results-index"),
    path("program/<slug:slug>/resultat/<int:year>/", public.results_year, name="results-year"),
    path(
        "program/<slug:slug>/resultat/<int:year>/version/<int:number>/",
        public.results_version,
        name="results-version",
    ),
    path(
        "program/<slug:slug>/resultat/<int:year>/namnder/<slug:board_slug>/",
        public.results_board,
        name="results-board",
    ),
    path(
        "program/<slug:slug>/resultat/<int:year>/<str:kind>-v<int:number>.pdf",
        public.results_pdf,
        name="results-pdf",
    ),
    path("api/v1/programmes/<slug:slug>/results/", api.results_list, name="api-results"),
    path(
        "api/v1/programmes/<slug:slug>/results/<int:year>/",
        api.results_year,
        name="api-results-year",
    ),
    path(
        "api/v1/programmes/<slug:slug>/results/<int:year>.csv",
        api.results_csv,
        name="api-results-csv",
    ),
    # The samordnare's (publishing.views).
    path("publicering/<slug:slug>/", views.overview, name="publishing"),
    path(
        "publicering/<slug:slug>/<str:kind>/<int:year>/publicera/",
        views.publish,
        name="publishing-publish",
    ),
    path(
        "publicering/<slug:slug>/<str:kind>/<int:year>/avpublicera/",
        views.withdraw,
        name="publishing-withdraw",
    ),
    path(
        "publicering/<slug:slug>/<str:kind>/<int:year>/rattelse/",
        views.reopen,
        name="publishing-reopen",
    ),
]
