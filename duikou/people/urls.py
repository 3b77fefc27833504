from django.urls import path

from duikou.people import views

app_name = "people"

urlpatterns = [
    path("people/", views.person_list, name="person_list"),
    path("people/find/", views.person_find, name="person_find"),
    path("people/export.xlsx", views.person_export, name="person_export"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/reveal/", views.person_reveal, name="person_reveal"),
    path("people/<int:pk>/photo/", views.person_photo, name="person_photo"),
    path("people/postings/new/", views.posting_create, name="posting_create"),
    path("people/postings/departments/", views.department_options, name="department_options"),
    path("people/postings/<int:pk>/", views.posting_detail, name="posting_detail"),
    path("people/postings/<int:pk>/edit/", views.posting_edit, name="posting_edit"),
    path("people/batches/", views.batch_list, name="batch_list"),
    path("people/batches/new/", views.batch_create, name="batch_create"),
    path("people/batches/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("people/batches/<int:pk>/edit/", views.batch_edit, name="batch_edit"),
    path("people/coverage/", views.coverage, name="coverage"),
    path("people/trainings/", views.training_list, name="training_list"),
    path("people/trainings/new/", views.training_create, name="training_create"),
    path("people/trainings/<int:pk>/edit/", views.training_edit, name="training_edit"),
    path("people/achievements/", views.achievement_list, name="achievement_list"),
    path("people/achievements/new/", views.achievement_create, name="achievement_create"),
    path(
        "people/achievements/<int:pk>/verify/",
        views.achievement_verify,
        name="achievement_verify",
    ),
    path("people/access-log/", views.access_log, name="access_log"),
    path("me/", views.me, name="me"),
    path("me/achievements/", views.me_achievement, name="me_achievement"),
    path("me/availability/", views.me_availability, name="me_availability"),
    path("me/visit-budget/", views.me_visit_budget, name="me_visit_budget"),
    path(
        "me/availability/<int:pk>/delete/",
        views.availability_delete,
        name="availability_delete",
    ),
]
