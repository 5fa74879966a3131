from django.urls import path

from followup import api
from followup.views import overview, report, review

urlpatterns = [
    path("start/", overview.start, name="start"),
    path("api/v1/reports/", api.report_list, name="api-report-list"),
    path("perioder/", overview.period_list, name="period-list"),
    path(
        "perioder/<int:pk>/oppna/", overview.period_change, {"action": "open"}, name="period-open"
    ),
    path("perioder/<int:pk>/las/", overview.period_change, {"action": "lock"}, name="period-lock"),
    path("rapporter/<int:pk>/", report.report_detail, name="report-detail"),
    path(
        "rapporter/<int:pk>/rad/<str:kind>/<int:row_pk>/",
        report.row_save,
        name="report-row-save",
    ),
    path("rapporter/<int:pk>/sammanfattning/", report.summary_save, name="report-summary"),
    path("rapporter/<int:pk>/egna/", report.own_item_add, name="report-own-item"),
    path("rapporter/<int:pk>/historik/", report.history, name="report-history"),
    path("rapporter/<int:pk>/skicka-in/", review.report_submit, name="report-submit"),
    path("rapporter/<int:pk>/granska/", review.report_review, name="report-review"),
    path("rapporter/<int:pk>/oppna-igen/", review.report_reopen, name="report-reopen"),
]
