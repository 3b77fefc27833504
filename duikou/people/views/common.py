"""Shared by the people pages: the 404 helpers and who sees personal data."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from duikou.people import scopes
from duikou.people.models import Person, Posting

SECRET_PARAMS = ("id_number", "phone")


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _get_person_for_user(request: HttpRequest, pk: int) -> Person:
    return get_object_or_404(scopes.people_for_user(request.user), pk=pk)


def _get_posting_for_user(request: HttpRequest, pk: int) -> Posting:
    return get_object_or_404(scopes.postings_for_user(request.user), pk=pk)


def _personal(request: HttpRequest) -> bool:
    return scopes.sees_personal_data(request.user)
