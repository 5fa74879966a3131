from django.urls import path

from catalog import api, views

urlpatterns = [
    path("", views.programme_list, name="programme-list"),
    path("program/<slug:slug>/", views.programme_detail, name="programme-detail"),
    path("program/<slug:slug>/mal/<int:number>/", views.goal_detail, name="goal-detail"),
    path(
        "program/<slug:slug>/mal/<int:number>/<str:kind>/<int:pk>/ansvariga/",
        views.responsible_list,
        name="responsible-list",
    ),
    path("program/<slug:slug>/namnder/", views.board_list, name="board-list"),
    path(
        "program/<slug:slug>/namnder/<slug:board_slug>/",
        views.board_detail,
        name="board-detail",
    ),
    path("api/v1/programmes/", api.programme_list, name="api-programme-list"),
    path("api/v1/programmes/<slug:slug>/", api.programme_detail, name="api-programme"),
    path("api/v1/boards/", api.board_list, name="api-board-list"),
]
