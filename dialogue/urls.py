from django.urls import path

from dialogue import views

# A thread's address is its row's id on the report page ("a12") or "rapport".
urlpatterns = [
    path("rapporter/<int:pk>/tradar/<str:target>/", views.thread_comment, name="thread-comment"),
    path(
        "rapporter/<int:pk>/tradar/<str:target>/los/",
        views.thread_mark,
        {"resolved": True},
        name="thread-resolve",
    ),
    path(
        "rapporter/<int:pk>/tradar/<str:target>/oppna/",
        views.thread_mark,
        {"resolved": False},
        name="thread-reopen",
    ),
]
