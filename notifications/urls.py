from django.urls import path

from notifications import views

urlpatterns = [
    path("aviseringar/", views.notification_list, name="notification-list"),
    path("aviseringar/<int:pk>/oppna/", views.notification_open, name="notification-open"),
    path("aviseringar/lasta/", views.notification_read_all, name="notification-read-all"),
    path(
        "aviseringar/installningar/",
        views.notification_preferences,
        name="notification-preferences",
    ),
]
