"""HTML pages for people. Thin handlers: one service call, one template."""

from __future__ import annotations

from datetime import UTC, datetime

from litestar import Controller, Request, get
from litestar.response import Template

from portal.web.setup import render
from vacancies.schemas import VacancyQuery
from vacancies.search import search_vacancies


class HomeController(Controller):
    path = "/"
    include_in_schema = False

    @get("/", name="home")
    async def home(self, request: Request) -> Template:
        now = datetime.now(UTC)
        newest = await search_vacancies(VacancyQuery(sort="posted", per_page=6))
        closing = await search_vacancies(
            VacancyQuery(sort="deadline", deadline_after=now, per_page=6)
        )
        return render(
            request,
            "pages/home.html",
            newest=newest,
            closing=closing,
            active="home",
        )
