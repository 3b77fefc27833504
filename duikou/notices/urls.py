from django.urls import path

from duikou.notices import views

app_name = "notices"

urlpatterns = [
    path("notices/", views.notice_list, name="list"),
    path("notices/topbar/", views.topbar, name="topbar"),
    path("notices/read-all/", views.notice_read_all, name="read_all"),
    path("notices/<int:pk>/open/", views.notice_open, name="open"),
    path("notices/<int:pk>/read/", views.notice_read, name="read"),
    path("todo/", views.todo_list, name="todo"),
]
