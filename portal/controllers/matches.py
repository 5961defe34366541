"""Matches through the API: a candidate's best vacancies, a vacancy's best candidates
(staff), each score with its reasons (issue 7).

Thin handlers over :mod:`candidates.matching`. The pages (:mod:`portal.web.matches`)
share the two helpers that involve more than one call:

* :func:`vacancy_candidates` lists a vacancy's candidates for a member of staff and
  records in the audit log, before the list is returned, a ``candidate_viewed`` entry for
  every candidate in it (the list shows each one's education, experience and languages:
  personal data, which staff may not see unlogged);
* :func:`staff_candidate_matches` answers 404 for a candidate who is not visible to staff,
  exactly like the staff candidate page, and audits the look through
  :func:`candidates.staff_access.view_candidate`.

A score is a ranking aid, never a decision (EU AI Act, GDPR art. 22): every match comes
with its components and its eligibility, and staff are never hidden an ineligible
candidate unless they ask for eligible ones only.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from litestar import Controller, Request, get
from litestar.exceptions import NotFoundException, ValidationException
from litestar.params import PathParameter, QueryParameter

from candidates import audit, matching
from candidates.audit import AuditAction
from candidates.matching.models import (
    CandidateFilters,
    CandidateMatch,
    VacancyFilters,
    VacancyMatch,
)
from candidates.staff_access import NotVisible, view_candidate
from candidates.tables import Role
from portal.clock import request_time
from portal.controllers.errors import Conflict
from portal.guards import REFUSALS, has_role
from portal.sessions import signed_in_user
from vacancies.db import write_transaction
from vacancies.regions import area
from vacancies.schemas import MAX_ID

MAX_TOP = 50
"""The longest list one request may ask for (the pages offer 20, then 50)."""
DEFAULT_TOP = 20

Id = Annotated[int, PathParameter(ge=1, le=MAX_ID)]
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")
COUNTRY_CODE = re.compile(r"[A-Z]{2}")
Top = Annotated[
    int, QueryParameter(ge=1, le=MAX_TOP, description="how many matches at most, best first")
]
Codes = Annotated[list[str] | None, QueryParameter(max_items=50)]

NO_PROFILE = (
    "you have no profile yet: fill in your profile (/me/profile) or upload a CV (/me/cv) "
    "and your matches will appear"
)


def vacancy_filters(
    organization: list[str] | None = None,
    grade: list[str] | None = None,
    country: list[str] | None = None,
    region: list[str] | None = None,
    jpo_only: bool = False,
    include_ineligible: bool = False,
) -> VacancyFilters:
    """The query's filters on a candidate's matches (codes as stored on vacancies).
    An unknown region is refused (400), not read as "nowhere"."""
    unknown = [slug for slug in region or [] if slug.strip() and area(slug.strip()) is None]
    if unknown:
        raise ValidationException(
            detail=f"unknown region {', '.join(map(repr, unknown))}: "
            "use a region or sub-region slug such as 'sub-saharan-africa'",
            extra=[{"key": "region", "message": "unknown region"}],
        )
    return VacancyFilters(
        organizations=[o.strip() for o in organization or [] if o.strip()],
        grades=[g.strip() for g in grade or [] if g.strip()],
        countries=[c.strip().upper() for c in country or [] if c.strip()],
        regions=[r.strip() for r in region or [] if r.strip()],
        jpo_only=jpo_only,
        include_ineligible=include_ineligible,
    )


def candidate_filters(
    eligible_only: bool = False,
    min_score: float = 0.0,
    language: list[str] | None = None,
    citizenship: list[str] | None = None,
) -> CandidateFilters:
    """The query's filters on a vacancy's candidates. A code of the wrong shape is
    refused (400) rather than read as "nobody speaks it"."""
    languages = [code.strip().lower() for code in language or [] if code.strip()]
    citizenships = [code.strip().upper() for code in citizenship or [] if code.strip()]
    wrong = [
        (key, code)
        for key, codes, pattern in (
            ("language", languages, LANGUAGE_CODE),
            ("citizenship", citizenships, COUNTRY_CODE),
        )
        for code in codes
        if not pattern.fullmatch(code)
    ]
    if wrong:
        raise ValidationException(
            detail="; ".join(
                f"{key} {code!r} is not an "
                + ("ISO 639-1 language code" if key == "language" else "ISO 3166 alpha-2 code")
                for key, code in wrong
            ),
            extra=[{"key": key, "message": "wrong code"} for key, _ in wrong],
        )
    return CandidateFilters(
        eligible_only=eligible_only,
        min_score=min_score,
        languages=languages,
        citizenships=citizenships,
    )


async def vacancy_candidates(
    staff_id: int,
    vacancy_id: int,
    *,
    filters: CandidateFilters,
    top: int,
    now: datetime,
) -> list[CandidateMatch]:
    """A vacancy's ranked candidates for ``staff_id``, each one audited as seen.

    Raises :class:`LookupError` for an unknown vacancy (nothing audited)."""
    found = await matching.matches_for_vacancy(
        vacancy_id, top=top, filters=filters, today=now.date()
    )
    async with write_transaction():  # one entry per candidate, all or none
        for match in found:
            await audit.record(
                AuditAction.candidate_viewed,
                actor_id=staff_id,
                subject_id=match.candidate_id,
                detail={"vacancy_id": vacancy_id},
                now=now,
            )
    return found


async def staff_candidate_matches(
    staff_id: int,
    candidate_id: int,
    *,
    filters: VacancyFilters,
    top: int,
    now: datetime,
) -> list[VacancyMatch]:
    """A visible candidate's best vacancies for ``staff_id`` (the look is audited).

    Raises :class:`NotVisible` or :class:`matching.NoProfile`."""
    await view_candidate(staff_id, candidate_id, now=now)
    return await matching.matches_for_candidate(
        candidate_id, top=top, filters=filters, today=now.date()
    )


class MatchController(Controller):
    path = "/api"
    tags = ["matching"]

    @get(
        "/me/matches",
        operation_id="listMyMatches",
        guards=[has_role(Role.candidate)],
        raises=[*REFUSALS, Conflict, ValidationException],
    )
    async def my_matches(
        self,
        request: Request,
        top: Top = DEFAULT_TOP,
        organization: Codes = None,
        grade: Codes = None,
        country: Annotated[
            list[str] | None, QueryParameter(max_items=50, description="ISO 3166-1 alpha-3")
        ] = None,
        region: Annotated[
            list[str] | None,
            QueryParameter(max_items=50, description="region or sub-region slug"),
        ] = None,
        jpo_only: Annotated[
            bool, QueryParameter(description="Junior Professional Officer posts only")
        ] = False,
        include_ineligible: Annotated[
            bool,
            QueryParameter(
                description="also the posts you do not qualify for, after the others, "
                "each with the rule that failed"
            ),
        ] = False,
    ) -> list[VacancyMatch]:
        """My best open vacancies, best first, each score with its reasons and the
        programme and grade rules checked. 409 while I have no profile."""
        now = request_time(request)
        filters = vacancy_filters(
            organization, grade, country, region, jpo_only, include_ineligible
        )
        try:
            return await matching.matches_for_candidate(
                signed_in_user(request).id, top=top, filters=filters, today=now.date()
            )
        except matching.NoProfile as exc:
            raise Conflict(detail=NO_PROFILE) from exc

    @get(
        "/me/matches/{vacancy_id:int}",
        operation_id="getMyMatch",
        guards=[has_role(Role.candidate)],
        raises=[*REFUSALS, Conflict, NotFoundException],
    )
    async def my_match(self, request: Request, vacancy_id: Id) -> VacancyMatch:
        """How I match one vacancy: every component and every eligibility check. 409
        while I have no profile, 404 for an unknown vacancy."""
        now = request_time(request)
        try:
            return await matching.match_pair(
                signed_in_user(request).id, vacancy_id, today=now.date()
            )
        except matching.NoProfile as exc:
            raise Conflict(detail=NO_PROFILE) from exc
        except LookupError as exc:
            raise NotFoundException(detail=str(exc)) from exc

    @get(
        "/staff/vacancies/{vacancy_id:int}/candidates",
        operation_id="listVacancyCandidates",
        guards=[has_role(Role.staff)],
        raises=[*REFUSALS, NotFoundException],
    )
    async def candidates_for_vacancy(
        self,
        request: Request,
        vacancy_id: Id,
        top: Top = DEFAULT_TOP,
        eligible_only: Annotated[
            bool, QueryParameter(description="leave out candidates a hard rule excludes")
        ] = False,
        min_score: Annotated[float, QueryParameter(ge=0, le=1)] = 0.0,
        language: Annotated[
            list[str] | None,
            QueryParameter(max_items=20, description="ISO 639-1; spoken at B2 or better"),
        ] = None,
        citizenship: Annotated[
            list[str] | None, QueryParameter(max_items=20, description="ISO 3166-1 alpha-2")
        ] = None,
    ) -> list[CandidateMatch]:
        """A vacancy's best candidates among those who consent to be visible to staff:
        eligible ones first, then the others with the rules they fail. Every candidate
        listed is recorded in the audit log as seen. 404 for an unknown vacancy."""
        filters = candidate_filters(eligible_only, min_score, language, citizenship)
        try:
            return await vacancy_candidates(
                signed_in_user(request).id,
                vacancy_id,
                filters=filters,
                top=top,
                now=request_time(request),
            )
        except LookupError as exc:
            raise NotFoundException(detail=str(exc)) from exc

    @get(
        "/staff/candidates/{candidate_id:int}/matches",
        operation_id="listCandidateMatches",
        guards=[has_role(Role.staff)],
        raises=[*REFUSALS, NotFoundException, Conflict],
    )
    async def matches_of_candidate(
        self,
        request: Request,
        candidate_id: Id,
        top: Top = DEFAULT_TOP,
        jpo_only: Annotated[
            bool, QueryParameter(description="Junior Professional Officer posts only")
        ] = False,
    ) -> list[VacancyMatch]:
        """A visible candidate's best vacancies, the ones they do not qualify for after
        the others (staff are not hidden a post). Recorded in the audit log as a look at
        the candidate. 404 for a candidate who is not visible, exactly as for an unknown
        id; 409 for a visible candidate without a profile."""
        filters = VacancyFilters(jpo_only=jpo_only, include_ineligible=True)
        try:
            return await staff_candidate_matches(
                signed_in_user(request).id,
                candidate_id,
                filters=filters,
                top=top,
                now=request_time(request),
            )
        except NotVisible as exc:
            raise NotFoundException(detail=str(exc)) from exc
        except matching.NoProfile as exc:
            raise Conflict(detail=f"candidate {candidate_id} has no profile yet") from exc
