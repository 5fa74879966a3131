from django.urls import path

from attachments import views

urlpatterns = [
    path("rapporter/<int:pk>/bilagor/", views.attachment_list, name="attachment-list"),
    path(
        "rapporter/<int:pk>/bilagor/ladda-upp/", views.attachment_upload, name="attachment-upload"
    ),
    path(
        "rapporter/<int:pk>/bilagor/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment-download",
    ),
    path(
        "rapporter/<int:pk>/bilagor/<int:attachment_pk>/ta-bort/",
        views.attachment_remove,
        name="attachment-remove",
    ),
]
