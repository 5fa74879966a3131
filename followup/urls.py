from django.urls import path

from followup import api
from followup.views import (
    bulk,
    city,
    dashboard,
    documents,
    excel,
    guard,
    jobs,
    midterm,
    overview,
    reminders,
    report,
    review,
    search,
)

urlpatterns = [
    path("start/", overview.start, name="start"),
    path("api/v1/reports/", api.report_list, name="api-report-list"),
    path("perioder/", overview.period_list, name="period-list"),
    # What the personal-data guard stopped (issue 10, point 7).
    path("skydd/", guard.guard_stops, name="guard-stops"),
    # The city-wide dashboard (issue 4).
    path("oversikt/", dashboard.dashboard, name="dashboard"),
    path("oversikt/rader/", dashboard.dashboard_rows, name="dashboard-rows"),
    # Search in what the boards wrote (issue 11, point 7).
    path("sok/", search.search, name="search"),
    path(
        "perioder/<int:pk>/oppna/", overview.period_change, {"action": "open"}, name="period-open"
    ),
    path("perioder/<int:pk>/las/", overview.period_change, {"action": "lock"}, name="period-lock"),
    # Each irreversible step asks first, on a page of its own (followup/views/confirm.py).
    path(
        "perioder/<int:pk>/oppna/bekrafta/",
        overview.period_change_confirm,
        {"action": "open"},
        name="period-open-confirm",
    ),
    path(
        "perioder/<int:pk>/las/bekrafta/",
        overview.period_change_confirm,
        {"action": "lock"},
        name="period-lock-confirm",
    ),
    path("perioder/<int:pk>/sista-dag/", overview.period_deadline, name="period-deadline"),
    path("perioder/<int:pk>/paminnelser/", reminders.period_reminders, name="period-reminders"),
    # "Påminn nu" and bulk approval (issue 11, points 3 and 4).
    path("perioder/<int:pk>/paminn-nu/", reminders.period_remind_now, name="period-remind-now"),
    path("perioder/<int:pk>/rapporter/", bulk.period_reports, name="period-reports"),
    path("perioder/<int:pk>/godkann/", bulk.period_approve, name="period-approve"),
    path("rapporter/<int:pk>/", report.report_detail, name="report-detail"),
    path(
        "rapporter/<int:pk>/rad/<str:kind>/<int:row_pk>/",
        report.row_save,
        name="report-row-save",
    ),
    path(
        "rapporter/<int:pk>/mal/<int:number>/bekrafta/",
        report.goal_confirm,
        name="report-goal-confirm",
    ),
    path("rapporter/<int:pk>/sammanfattning/", report.summary_save, name="report-summary"),
    path("rapporter/<int:pk>/egna/", report.own_item_add, name="report-own-item"),
    path(
        "rapporter/<int:pk>/egna/<str:kind>/<int:item_pk>/ta-bort/",
        report.own_item_remove,
        name="report-own-item-remove",
    ),
    path("rapporter/<int:pk>/historik/", report.history, name="report-history"),
    path("rapporter/<int:pk>/skicka-in/", review.report_submit, name="report-submit"),
    path(
        "rapporter/<int:pk>/skicka-in/bekrafta/",
        review.report_submit_confirm,
        name="report-submit-confirm",
    ),
    path("rapporter/<int:pk>/granska/", review.report_review, name="report-review"),
    path("rapporter/<int:pk>/oppna-igen/", review.report_reopen, name="report-reopen"),
    path(
        "rapporter/<int:pk>/oppna-igen/bekrafta/",
        review.report_reopen_confirm,
        name="report-reopen-confirm",
    ),
    # Excel in and out (issue 4, items 3 and 4)
    path("rapporter/<int:pk>/excel/", excel.report_excel, name="report-excel"),
    path(
        "rapporter/<int:pk>/excel/import/<str:token>/",
        excel.report_excel_import,
        name="report-excel-import",
    ),
    path(
        "oversikt/export/<slug:programme>/<int:year>.xlsx",
        excel.city_export,
        name="city-export",
    ),
    path("samlad/", city.city_followup_list, name="city-followup-list"),
    path("samlad/<slug:slug>/<int:year>/", city.city_followup, name="city-followup"),
    path(
        "samlad/<slug:slug>/<int:year>/mal/<int:number>/analyser/",
        city.city_followup_analyses,
        name="city-followup-analyses",
    ),
    path(
        "samlad/<slug:slug>/<int:year>/mal/<int:number>/indikator/<int:indicator>/",
        city.city_followup_values,
        name="city-followup-values",
    ),
    path("samlad/<slug:slug>/<int:year>.xlsx", city.city_followup_xlsx, name="city-followup-xlsx"),
    path("samlad/<slug:slug>/<int:year>.pdf", city.city_followup_pdf, name="city-followup-pdf"),
    path(
        "samlad/<slug:slug>/<int:year>/slutlig/",
        city.city_followup_final,
        name="city-followup-final",
    ),
    path(
        "samlad/<slug:slug>/<int:year>/slutlig/bekrafta/",
        city.city_followup_final_confirm,
        name="city-followup-final-confirm",
    ),
    path(
        "samlad/<slug:slug>/<int:year>/spara/<str:part>/",
        city.city_followup_save,
        name="city-followup-save",
    ),
    # Documents as PDF (issue 5): styrkort, one board's or all of them in a ZIP.
    path(
        "program/<slug:slug>/namnder/<slug:board_slug>/styrkort-ataganden.pdf",
        documents.styrkort_commitments,
        name="styrkort-commitments",
    ),
    path(
        "program/<slug:slug>/namnder/<slug:board_slug>/styrkort.pdf",
        documents.styrkort_status,
        name="styrkort",
    ),
    path("styrkort/", documents.styrkort_list, name="styrkort-list"),
    path(
        "program/<slug:slug>/styrkort-<str:variant>.zip",
        documents.styrkort_zip,
        name="styrkort-zip",
    ),
    # Documents made by the task worker (issue 12): progress, then the file.
    path("dokument/<int:pk>/", jobs.document_job, name="document-job"),
    path("dokument/<int:pk>/ladda-ner/", jobs.document_download, name="document-download"),
    # The halvtidsrapport (issue 5): written by the samordnare, previewed, as PDF.
    path("halvtid/<slug:slug>/", midterm.midterm, name="midterm"),
    path("halvtid/<slug:slug>/<int:year>/", midterm.midterm_edit, name="midterm-edit"),
    path(
        "halvtid/<slug:slug>/<int:year>/forhandsgranska/",
        midterm.midterm_preview,
        name="midterm-preview",
    ),
    path("halvtid/<slug:slug>/<int:year>.pdf", midterm.midterm_pdf, name="midterm-pdf"),
    path("halvtid/<slug:slug>/<int:year>/slutlig/", midterm.midterm_final, name="midterm-final"),
    path(
        "halvtid/<slug:slug>/<int:year>/slutlig/bekrafta/",
        midterm.midterm_final_confirm,
        name="midterm-final-confirm",
    ),
    path(
        "halvtid/<slug:slug>/<int:year>/spara/<str:key>/",
        midterm.midterm_section,
        name="midterm-section",
    ),
]
