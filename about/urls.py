from django.urls import path

from about import views

urlpatterns = [
    path("tillganglighet/", views.accessibility_statement, name="accessibility-statement"),
    path("om-tjansten/", views.about_service, name="about-service"),
]
