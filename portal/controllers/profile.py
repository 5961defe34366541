"""The signed-in candidate's profile and saved vacancies through the API (issue 7).

Thin handlers over :mod:`candidates.profiles`; the session cookie signs the request in,
and unsafe methods carry the CSRF token in the ``X-CSRFToken`` header. A profile the
data refuses (an unknown skill id, organisation, region, language...) answers 400 with
every field's problem in ``extra.errors``; an account without the candidate role gets
403 from the guard.
"""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, delete, get, put
from litestar.exceptions import (
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.params import JSONBody, PathParameter

from candidates import profiles
from candidates.profile_models import Profile, ProfileIn
from candidates.profiles import ProfileRefused, SavedVacancyOut
from candidates.tables import Role
from portal.clock import request_time
from portal.guards import REFUSALS, has_role
from portal.sessions import signed_in_user
from vacancies.schemas import MAX_ID

VacancyId = Annotated[int, PathParameter(ge=1, le=MAX_ID, description="the vacancy's id")]


def refusal(exc: ProfileRefused) -> PermissionDeniedException | ValidationException:
    """403 when the account may not have a profile, else 400 with every field's error."""
    if "user" in exc.errors:
        return PermissionDeniedException(detail=exc.errors["user"])
    return ValidationException(detail="the profile was refused", extra={"errors": exc.errors})


class ProfileController(Controller):
    path = "/api/me/profile"
    tags = ["my profile"]
    guards = [has_role(Role.candidate)]

    @get("/", operation_id="getMyProfile", raises=[*REFUSALS, NotFoundException])
    async def get_profile(self, request: Request) -> Profile:
        """My profile; 404 until one is saved."""
        found = await profiles.get_profile(signed_in_user(request).id)
        if found is None:
            raise NotFoundException(detail="no profile yet")
        return found

    @put("/", operation_id="saveMyProfile", raises=[*REFUSALS, ValidationException])
    async def save(self, request: Request, data: JSONBody[ProfileIn]) -> Profile:
        """Create or replace my profile (omitted fields take their defaults). Every code
        is checked against the portal's data: 400 lists each field's problem in
        ``extra.errors``, and nothing is saved."""
        try:
            return await profiles.save_profile(
                signed_in_user(request).id, data, now=request_time(request)
            )
        except ProfileRefused as exc:
            raise refusal(exc) from exc

    @delete("/", operation_id="deleteMyProfile", raises=REFUSALS)
    async def remove(self, request: Request) -> None:
        """Delete my profile (204 also when there was none)."""
        await profiles.delete_profile(signed_in_user(request).id)


class SavedVacancyController(Controller):
    path = "/api/me/saved"
    tags = ["my profile"]
    guards = [has_role(Role.candidate)]

    @get("/", operation_id="listMySavedVacancies", raises=REFUSALS)
    async def saved(self, request: Request) -> list[SavedVacancyOut]:
        """My saved vacancies, most recently saved first; closed ones stay, marked."""
        return await profiles.saved_vacancies(signed_in_user(request).id)

    @put(
        "/{vacancy_id:int}",
        operation_id="saveVacancy",
        raises=[*REFUSALS, NotFoundException],
    )
    async def save(self, request: Request, vacancy_id: VacancyId) -> list[SavedVacancyOut]:
        """Save a vacancy (nothing changes if it is saved already); 404 for an unknown
        vacancy. Answers with my saved vacancies."""
        user = signed_in_user(request)
        try:
            await profiles.save_vacancy(user.id, vacancy_id, now=request_time(request))
        except LookupError as exc:
            raise NotFoundException(detail=str(exc)) from exc
        return await profiles.saved_vacancies(user.id)

    @delete(
        "/{vacancy_id:int}",
        operation_id="unsaveVacancy",
        status_code=200,
        raises=[*REFUSALS, NotFoundException],
    )
    async def unsave(self, request: Request, vacancy_id: VacancyId) -> list[SavedVacancyOut]:
        """Remove a saved vacancy (nothing changes if it was not saved; 404 only for a
        path that is not a vacancy id). Answers with my saved vacancies."""
        user = signed_in_user(request)
        await profiles.unsave_vacancy(user.id, vacancy_id)
        return await profiles.saved_vacancies(user.id)
