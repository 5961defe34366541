"""The statistics API: aggregated, disclosure-controlled figures (see
:mod:`candidates.statistics` for the suppression rule and who is counted)."""

from __future__ import annotations

from litestar import Controller, Request, get

from candidates.statistics import Statistics, compute_statistics
from candidates.tables import Role
from portal.clock import request_time
from portal.guards import REFUSALS, has_role


class StatisticsController(Controller):
    path = "/api/statistics"
    tags = ["statistics"]
    guards = [has_role(Role.ministry, Role.staff, Role.admin)]

    @get("/", operation_id="getStatistics", raises=REFUSALS)
    async def statistics(self, request: Request) -> Statistics:
        """Counts of candidates and of open vacancies. Counts of 1 or 2 people are
        suppressed (``small``), and so is any figure from which one could be worked out
        (``secondary``); a suppressed cell has ``count`` null."""
        return await compute_statistics(now=request_time(request))
