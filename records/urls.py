from django.urls import path

from records import views

urlpatterns = [
    path("arkiv-och-granskning/", views.records, name="records"),
    path("arkiv/<slug:slug>/<int:year>/", views.archive, name="archive"),
]
