from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from litestar import Controller, Request, get
from litestar.exceptions import NotFoundException, ValidationException
from litestar.params import FromQuery, PathParameter, QueryParameter
from pydantic import ValidationError

from portal.clock import request_time
from vacancies.schemas import MAX_ID, VacancyDetail, VacancyPage, VacancyQuery
from vacancies.search import get_vacancy, search_vacancies


class VacancyController(Controller):
    path = "/api/vacancies"
    tags = ["vacancies"]

    @get("/", operation_id="listVacancies")
    async def list_vacancies(
        self,
        request: Request,
        q: Annotated[
            str | None, QueryParameter(description="full-text query", max_length=200)
        ] = None,
        organization: Annotated[
            list[str] | None, QueryParameter(description="organisation acronym(s), e.g. UNICEF")
        ] = None,
        category: Annotated[
            list[str] | None, QueryParameter(description="category, repeatable")
        ] = None,
        grade: Annotated[
            list[str] | None, QueryParameter(description="grade code, e.g. P-3")
        ] = None,
        country: Annotated[list[str] | None, QueryParameter(description="ISO 3166 alpha-3")] = None,
        region: Annotated[
            list[str] | None,
            QueryParameter(description="UN M49 region or sub-region, e.g. africa, western-asia"),
        ] = None,
        org_type: Annotated[
            list[str] | None,
            QueryParameter(description="un (UN system) or bank (development banks)"),
        ] = None,
        source: Annotated[list[str] | None, QueryParameter(description="source id")] = None,
        open_only: Annotated[bool, QueryParameter(description="only open vacancies")] = True,
        deadline_after: Annotated[datetime | None, QueryParameter(description="ISO 8601")] = None,
        posted_after: Annotated[datetime | None, QueryParameter(description="ISO 8601")] = None,
        deadline_within_days: Annotated[
            int | None, QueryParameter(description="closing within N days from now", ge=1, le=366)
        ] = None,
        posted_within_days: Annotated[
            int | None, QueryParameter(description="posted within the last N days", ge=1, le=366)
        ] = None,
        include_duplicates: FromQuery[bool] = False,
        jpo: Annotated[
            bool, QueryParameter(description="only Junior Professional Officer (JPO) posts")
        ] = False,
        sponsor: Annotated[
            list[str] | None,
            QueryParameter(
                description="JPO posts sponsored by this donor country, ISO 3166-1 alpha-2 "
                "(e.g. NO), repeatable"
            ),
        ] = None,
        sort: FromQuery[Literal["deadline", "posted", "relevance"]] = "deadline",
        page: Annotated[int, QueryParameter(ge=1, le=10_000)] = 1,
        per_page: Annotated[int, QueryParameter(ge=1, le=100)] = 20,
    ) -> VacancyPage:
        """Search vacancies: full text, filters, sorting and pagination."""
        try:
            query = VacancyQuery(
                q=q,
                organization=organization or [],
                category=category or [],
                grade=grade or [],
                country=country or [],
                region=region or [],
                org_type=org_type or [],
                source=source or [],
                open_only=open_only,
                deadline_after=deadline_after,
                posted_after=posted_after,
                deadline_within_days=deadline_within_days,
                posted_within_days=posted_within_days,
                include_duplicates=include_duplicates,
                jpo=jpo,
                sponsor=sponsor or [],
                sort=sort,
                page=page,
                per_page=per_page,
            )
        except ValidationError as exc:
            raise ValidationException(
                detail="invalid query",
                extra=[
                    {
                        "key": ".".join(map(str, e["loc"])),
                        "message": e["msg"].removeprefix("Value error, "),
                    }
                    for e in exc.errors()
                ],
            ) from exc
        now = request_time(request)
        return await request.app.state.search_cache.get(
            ("api", query.model_dump_json()), now, lambda: search_vacancies(query, now)
        )

    @get("/{vacancy_id:int}", operation_id="getVacancy", raises=[NotFoundException])
    async def get_vacancy(
        self, vacancy_id: Annotated[int, PathParameter(ge=1, le=MAX_ID)]
    ) -> VacancyDetail:
        """One vacancy with its description; closed vacancies are returned too."""
        vacancy = await get_vacancy(vacancy_id)
        if vacancy is None:
            raise NotFoundException(detail=f"no vacancy with id {vacancy_id}")
        return vacancy
