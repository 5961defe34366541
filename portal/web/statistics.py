"""The statistics page: aggregated, disclosure-controlled figures for the Ministry of
Foreign Affairs and Norec (:mod:`candidates.statistics`)."""

from __future__ import annotations

from litestar import Request, get
from litestar.response import Template

from candidates.statistics import compute_statistics
from candidates.tables import Role
from portal.guards import has_role
from portal.web.i18n import gettext as _
from portal.web.pages import Now, PageController
from portal.web.setup import render
from portal.web.staff import purpose_name


def activity_label(key: str) -> str:
    return {
        "last_90_days": _("In the last 90 days"),
        "last_year": _("90 days to a year ago"),
        "longer_ago": _("More than a year ago, or never"),
    }[key]


class StatisticsPage(PageController):
    path = "/statistics"
    guards = [has_role(Role.ministry, Role.staff, Role.admin)]

    @get("/", name="statistics")
    async def statistics(self, request: Request, now: Now) -> Template:
        return render(
            request,
            "pages/statistics.html",
            figures=await compute_statistics(now=now),
            purpose_name=purpose_name,
            activity_label=activity_label,
            active="statistics",
        )
