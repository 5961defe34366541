"""HTML pages for people. Thin handlers: one or two service calls, one template."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency, Provide
from litestar.exceptions import (
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.params import FromPath, PathParameter, QueryParameter
from litestar.response import Redirect, Template
from markupsafe import Markup

from candidates.profiles import is_saved
from portal.cache import SearchCache
from portal.clock import request_time
from portal.sessions import current_user
from portal.web.feeds import atom_feed, rss_feed
from portal.web.i18n import current_locale
from portal.web.requirements import requirements_view
from portal.web.search_params import parse_search
from portal.web.setup import (
    apply_locale,
    html_response,
    is_htmx_partial,
    render,
    render_fragment,
)
from vacancies.grade_guide import explain_grade
from vacancies.schemas import MAX_ID, VacancyQuery
from vacancies.search import (
    get_organization,
    get_vacancy,
    list_organizations,
    list_sources,
    search_vacancies,
    search_with_facets,
)

FEED_SIZE = 50

Now = NamedDependency[datetime]
"""The request's time, from :func:`request_time`."""


def not_found_page(request: Request, exc: NotFoundException) -> Template:
    return render(request, "pages/not_found.html", status_code=404, detail=exc.detail)


def log_in_first(request: Request, exc: NotAuthorizedException) -> Redirect:
    """A page that needs a signed-in user, asked for by a visitor: the log-in page."""
    return Redirect("/account/log-in", status_code=303)


def forbidden_page(request: Request, exc: PermissionDeniedException) -> Template:
    """A signed-in user without the role a page needs (``portal.guards.has_role``).
    Guards run before the before-request hook, so the language is chosen here."""
    apply_locale(request)
    return render(request, "pages/forbidden.html", status_code=403)


def bad_request_page(request: Request, exc: ValidationException) -> Template:
    return render(request, "pages/bad_request.html", status_code=400, errors=exc.extra or [])


class PageController(Controller):
    """What every page controller shares: no OpenAPI entry, HTML error pages, the clock."""

    include_in_schema = False
    exception_handlers = {
        NotFoundException: not_found_page,
        ValidationException: bad_request_page,
        NotAuthorizedException: log_in_first,
        PermissionDeniedException: forbidden_page,
    }
    dependencies = {"now": Provide(request_time, sync_to_thread=False)}


def search_cache(request: Request) -> SearchCache:
    return request.app.state.search_cache


@dataclass(frozen=True)
class ResultsFragment:
    """The search page's results region (filters with counts, results, pagination) as
    rendered HTML, cached per question and language."""

    html: Markup
    total: int


class HomeController(PageController):
    path = "/"

    @get("/", name="home")
    async def home(self, request: Request, now: Now) -> Template:
        async def lists():
            newest = await search_vacancies(VacancyQuery(sort="posted", per_page=6), now)
            closing = await search_vacancies(
                VacancyQuery(sort="deadline", deadline_after=now, per_page=6), now
            )
            return newest, closing

        newest, closing = await search_cache(request).get("home", now, lists)
        return render(
            request, "pages/home.html", newest=newest, closing=closing, now=now, active="home"
        )


class VacancyPages(PageController):
    path = "/vacancies"

    @get("/", name="vacancies")
    async def search(self, request: Request, now: Now) -> Template | Response[str]:
        """The search page; an htmx request gets the results region only."""
        query = parse_search(request.query_params)

        async def results_region() -> ResultsFragment:
            results, facets = await search_with_facets(query, now)
            html = render_fragment(
                request,
                "partials/results.html",
                query=query,
                results=results,
                facets=facets,
                now=now,
            )
            return ResultsFragment(html=html, total=results.total)

        # Keyed by the exact parameters: the pagination links in the region repeat them.
        key = ("search", request.state.locale, tuple(sorted(request.query_params.multi_items())))
        region = await search_cache(request).get(key, now, results_region)
        headers = {"Vary": "HX-Request"}
        if is_htmx_partial(request):
            return html_response(request, region.html, headers=headers)
        return render(
            request,
            "pages/search.html",
            headers=headers,
            query=query,
            results_region=region.html,
            total=region.total,
            now=now,
            active="vacancies",
        )

    @get("/{vacancy_id:int}", name="vacancy")
    async def detail(
        self,
        request: Request,
        vacancy_id: Annotated[int, PathParameter(ge=1, le=MAX_ID)],
        now: Now,
    ) -> Template:
        vacancy = await get_vacancy(vacancy_id)
        if vacancy is None:
            raise NotFoundException(detail=f"no vacancy with id {vacancy_id}")
        user = current_user(request)
        saved = bool(user and user.has_role("candidate") and await is_saved(user.id, vacancy.id))
        return render(
            request,
            "pages/vacancy.html",
            v=vacancy,
            saved=saved,
            req=requirements_view(vacancy.description, vacancy.requirements),
            grade_guide=explain_grade(vacancy.grade, vacancy.category, current_locale()),
            now=now,
            active="vacancies",
        )

    @get("/feed.atom", name="feed_atom")
    async def atom(self, request: Request, now: Now) -> Response[bytes]:
        """Atom 1.0 feed of any search: the page's parameters, newest first by default."""
        query = _feed_query(request)
        results = await search_vacancies(query, now)
        body = atom_feed(query, results, base_url=str(request.base_url), now=now)
        return Response(body, media_type="application/atom+xml; charset=utf-8")

    @get("/feed.rss", name="feed_rss")
    async def rss(self, request: Request, now: Now) -> Response[bytes]:
        """RSS 2.0 feed of any search: the page's parameters, newest first by default."""
        query = _feed_query(request)
        results = await search_vacancies(query, now)
        body = rss_feed(query, results, base_url=str(request.base_url), now=now)
        return Response(body, media_type="application/rss+xml; charset=utf-8")


def _feed_query(request: Request) -> VacancyQuery:
    query = parse_search(request.query_params, per_page=FEED_SIZE)
    if "sort" not in request.query_params:
        query = query.model_copy(update={"sort": "posted"})
    return query


class OrganizationPages(PageController):
    path = "/organizations"

    @get("/", name="organizations")
    async def index(self, request: Request) -> Template:
        organizations = await list_organizations()
        return render(
            request, "pages/organizations.html", organizations=organizations, active="organizations"
        )

    @get("/{acronym:str}", name="organization")
    async def organization(
        self,
        request: Request,
        acronym: FromPath[str],
        now: Now,
        page: Annotated[int, QueryParameter(ge=1, le=10_000)] = 1,
    ) -> Template:
        organization = None if "\x00" in acronym else await get_organization(acronym)
        if organization is None:
            raise NotFoundException(detail=f"no organisation {acronym!r}")
        query = VacancyQuery(organization=[organization.acronym], page=page)
        vacancies = await search_vacancies(query, now)
        return render(
            request,
            "pages/organization.html",
            organization=organization,
            query=query,
            results=vacancies,
            now=now,
            active="organizations",
        )


class SourcePages(PageController):
    path = "/sources"

    @get("/", name="sources")
    async def index(self, request: Request) -> Template:
        return render(request, "pages/sources.html", sources=await list_sources(), active="sources")
