from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, QueryParameter

from vacancies.schemas import HarvestRunOut, SourceOut
from vacancies.search import list_runs, list_sources
from vacancies.tables import Source


class SourceController(Controller):
    path = "/api/sources"
    tags = ["sources"]

    @get("/", operation_id="listSources")
    async def list_sources(self) -> list[SourceOut]:
        """Every source with its last harvest run and health."""
        return await list_sources()

    @get("/{source_id:str}/runs", operation_id="listSourceRuns", raises=[NotFoundException])
    async def list_runs(
        self, source_id: FromPath[str], limit: Annotated[int, QueryParameter(ge=1, le=200)] = 20
    ) -> list[HarvestRunOut]:
        """Recent harvest runs of one source, newest first."""
        # No id holds a NUL (which PostgreSQL text cannot even be compared with).
        if "\x00" in source_id or not await Source.exists().where(Source.id == source_id):
            raise NotFoundException(detail=f"no source {source_id!r}")
        return await list_runs(source_id, limit)
