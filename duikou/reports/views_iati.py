"""The IATI 2.03 activity file of a plan year, downloaded from the reports page.

Headquarters and viewers: the file is programme-wide open data, built for publication, and holds
no personal data (no person, phone or typed note; see reports/iati.py). Anyone else gets 404.
A file that would not validate is never served: the reports page says why instead.
"""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from duikou.core.viewutils import year_param
from duikou.reports import figures, iati, scopes

log = logging.getLogger(__name__)


@login_required
@require_GET
def iati_download(request: HttpRequest) -> HttpResponse:
    """?year= (default: last year, as on the reports page)."""
    if not scopes.can_read_reports(request.user):
        raise Http404
    year = year_param(request)
    if year is None:
        if request.GET.get("year", "").strip():
            raise Http404  # junk: a link from the page always carries a valid year
        year = figures.current_year() - 1
    back = f"{reverse('reports:summary')}?year={year}"
    try:
        content = iati.build(year, user=request.user)
    except iati.NothingToExport:
        messages.info(request, _("%(y)s 年度没有项目，没有可导出的 IATI 活动。") % {"y": year})
        return redirect(back)
    found = iati.problems(content)
    if found:
        log.error("IATI export %s does not validate: %s", year, found[:5])
        messages.error(
            request,
            _("%(y)s 年度的 IATI 文件未通过校验（%(n)s 处），未下载：%(first)s")
            % {"y": year, "n": len(found), "first": found[0]},
        )
        return redirect(back)
    response = HttpResponse(content, content_type=iati.CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        True, f"iati-activities-{year}.xml"
    )
    response["Cache-Control"] = "no-store"
    return response
