"""Pages for Norec staff: the candidates who consent to be visible, one candidate (with
the profile and the CV's text), and the download of what staff may see of one (thin handlers over
:mod:`candidates.staff_access`, which audits every view and download).

A candidate who is not visible answers 404 like an unknown id. Every response here goes
to a signed-in person, so ``private_for_signed_in`` (portal/app.py) marks it
``Cache-Control: private, no-store``.
"""

from __future__ import annotations

import json
from typing import Annotated

from litestar import Request, Response, get
from litestar.exceptions import NotFoundException
from litestar.params import PathParameter, QueryParameter
from litestar.response import Template

from candidates.staff_access import (
    MAX_PER_PAGE,
    NotVisible,
    export_candidate,
    view_candidate,
    visible_candidates,
)
from candidates.tables import ConsentPurpose, Role
from portal.guards import has_role
from portal.sessions import signed_in_user
from portal.web.i18n import gettext as _
from portal.web.pages import Now, PageController
from portal.web.profile import profile_facts
from portal.web.setup import render
from vacancies.schemas import MAX_ID

PER_PAGE = 50


def purpose_name(purpose: ConsentPurpose | str) -> str:
    """A consent purpose as staff and the ministry read it (the account page words it
    for the candidate: "Send me vacancy alerts")."""
    return {
        ConsentPurpose.visible_to_staff: _("Visible to Norec staff"),
        ConsentPurpose.vacancy_alerts: _("Vacancy alerts"),
        ConsentPurpose.career_follow_up: _("Career follow-up"),
        ConsentPurpose.statistics: _("Anonymous statistics"),
    }[ConsentPurpose(purpose)]


CandidateId = Annotated[int, PathParameter(ge=1, le=MAX_ID)]


class StaffPages(PageController):
    path = "/staff/candidates"
    guards = [has_role(Role.staff)]

    @get("/", name="staff_candidates")
    async def candidates(
        self,
        request: Request,
        page: Annotated[int, QueryParameter(ge=1, le=10_000)] = 1,
        per_page: Annotated[int, QueryParameter(ge=1, le=MAX_PER_PAGE)] = PER_PAGE,
    ) -> Template:
        listed = await visible_candidates(page=page, per_page=per_page)
        return render(request, "pages/staff/candidates.html", results=listed, active="staff")

    @get("/{candidate_id:int}", name="staff_candidate")
    async def candidate(self, request: Request, candidate_id: CandidateId, now: Now) -> Template:
        try:
            view = await view_candidate(signed_in_user(request).id, candidate_id, now=now)
        except NotVisible as exc:
            raise NotFoundException(detail=str(exc)) from exc
        return render(
            request,
            "pages/staff/candidate.html",
            candidate=view,
            profile_facts=profile_facts(view.profile) if view.profile else None,
            purpose_name=purpose_name,
            active="staff",
        )

    @get("/{candidate_id:int}/data", name="staff_candidate_data")
    async def data(self, request: Request, candidate_id: CandidateId, now: Now) -> Response[bytes]:
        try:
            data = await export_candidate(signed_in_user(request).id, candidate_id, now=now)
        except NotVisible as exc:
            raise NotFoundException(detail=str(exc)) from exc
        return Response(
            json.dumps(data, ensure_ascii=False, indent=2).encode(),
            media_type="application/json",
            headers={
                "Content-Disposition": f'attachment; filename="candidate-{candidate_id}.json"'
            },
        )
