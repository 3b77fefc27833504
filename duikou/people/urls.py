from django.urls import path

from duikou.people.views import (
    access_log,
    achievements,
    batches,
    coverage,
    me,
    people_list,
    person,
    postings,
    trainings,
)

app_name = "people"

urlpatterns = [
    path("people/", people_list.person_list, name="person_list"),
    path("people/find/", people_list.person_find, name="person_find"),
    path("people/export.xlsx", people_list.person_export, name="person_export"),
    path("people/new/", person.person_create, name="person_create"),
    path("people/<int:pk>/", person.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", person.person_edit, name="person_edit"),
    path("people/<int:pk>/reveal/", person.person_reveal, name="person_reveal"),
    path("people/<int:pk>/photo/", person.person_photo, name="person_photo"),
    path("people/postings/new/", postings.posting_create, name="posting_create"),
    path("people/postings/departments/", postings.department_options, name="department_options"),
    path("people/postings/<int:pk>/", postings.posting_detail, name="posting_detail"),
    path("people/postings/<int:pk>/edit/", postings.posting_edit, name="posting_edit"),
    path("people/batches/", batches.batch_list, name="batch_list"),
    path("people/batches/new/", batches.batch_create, name="batch_create"),
    path("people/batches/<int:pk>/", batches.batch_detail, name="batch_detail"),
    path("people/batches/<int:pk>/edit/", batches.batch_edit, name="batch_edit"),
    path("people/coverage/", coverage.coverage, name="coverage"),
    path("people/trainings/", trainings.training_list, name="training_list"),
    path("people/trainings/new/", trainings.training_create, name="training_create"),
    path("people/trainings/<int:pk>/edit/", trainings.training_edit, name="training_edit"),
    path("people/achievements/", achievements.achievement_list, name="achievement_list"),
    path("people/achievements/new/", achievements.achievement_create, name="achievement_create"),
    path(
        "people/achievements/<int:pk>/verify/",
        achievements.achievement_verify,
        name="achievement_verify",
    ),
    path("people/access-log/", access_log.access_log, name="access_log"),
    path("me/", me.me, name="me"),
    path("me/achievements/", me.me_achievement, name="me_achievement"),
    path("me/availability/", me.me_availability, name="me_availability"),
    path("me/visit-budget/", me.me_visit_budget, name="me_visit_budget"),
    path(
        "me/availability/<int:pk>/delete/",
        me.availability_delete,
        name="availability_delete",
    ),
]
