from django.urls import path

from duikou.api import views

app_name = "api"

urlpatterns = [
    path("accounts/tokens/", views.token_list, name="tokens"),
    path("accounts/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("api/v1/docs/", views.docs, name="docs"),
]
