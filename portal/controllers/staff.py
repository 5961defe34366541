"""The staff API: candidates who consent to be visible to Norec staff (thin handlers over
:mod:`candidates.staff_access`; a view is audited like the page's)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, get
from litestar.exceptions import (
    NotFoundException,
)
from litestar.params import PathParameter, QueryParameter

from candidates.staff_access import (
    MAX_PER_PAGE,
    CandidateList,
    CandidateView,
    NotVisible,
    view_candidate,
    visible_candidates,
)
from candidates.tables import Role
from portal.clock import request_time
from portal.guards import REFUSALS, has_role
from portal.sessions import signed_in_user
from vacancies.schemas import MAX_ID


class StaffController(Controller):
    path = "/api/staff/candidates"
    tags = ["staff"]
    guards = [has_role(Role.staff)]

    @get("/", operation_id="listVisibleCandidates", raises=REFUSALS)
    async def list_candidates(
        self,
        page: Annotated[int, QueryParameter(ge=1, le=10_000)] = 1,
        per_page: Annotated[int, QueryParameter(ge=1, le=MAX_PER_PAGE)] = 50,
    ) -> CandidateList:
        """Candidates who consent now to be visible to Norec staff, by email address."""
        return await visible_candidates(page=page, per_page=per_page)

    @get(
        "/{candidate_id:int}",
        operation_id="getVisibleCandidate",
        raises=[*REFUSALS, NotFoundException],
    )
    async def get_candidate(
        self, request: Request, candidate_id: Annotated[int, PathParameter(ge=1, le=MAX_ID)]
    ) -> CandidateView:
        """One visible candidate; recorded in the audit log. 404 for a candidate who is not
        visible, exactly as for an unknown id."""
        try:
            return await view_candidate(
                signed_in_user(request).id, candidate_id, now=request_time(request)
            )
        except NotVisible as exc:
            raise NotFoundException(detail=str(exc)) from exc
