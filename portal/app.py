"""Litestar application factory (the composition root)."""

from __future__ import annotations

from litestar import Litestar, Request, Response
from litestar.datastructures import MutableScopeHeaders, State
from litestar.exceptions import NotFoundException
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.logging import LoggingConfig
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin
from litestar.types import Message, Scope

from portal import __version__
from portal.cache import SearchCache
from portal.clock import request_time
from portal.controllers.admin import AdminController
from portal.controllers.cv import CvController
from portal.controllers.health import health
from portal.controllers.matches import MatchController
from portal.controllers.me import MeController
from portal.controllers.profile import ProfileController, SavedVacancyController
from portal.controllers.sources import SourceController
from portal.controllers.staff import StaffController
from portal.controllers.statistics import StatisticsController
from portal.controllers.vacancies import VacancyController
from portal.database import close_database, open_database
from portal.security import check_secret_key, security_headers_hook
from portal.sessions import (
    SESSION_STORE,
    DatabaseSessionStore,
    csrf_config,
    csrf_secret,
    request_user,
    rotate_csrf_cookie,
    session_config,
)
from portal.settings import get_settings


def not_found(request: Request, exc: NotFoundException) -> Response:
    """404 for any path, including ones no route matches (``/vacancies/abc``): JSON for
    the API, an HTML page in the visitor's language for people."""
    if request.url.path.startswith(("/api/", "/schema", "/health", "/static/", "/vendor/")):
        return Response({"status_code": 404, "detail": exc.detail}, status_code=404)
    from portal.web.pages import not_found_page
    from portal.web.setup import apply_locale

    apply_locale(request)  # no route matched, so the before_request hook did not run
    return not_found_page(request, exc)


def too_large(request: Request, exc: RequestEntityTooLarge) -> Response:
    """413 naming the limit (``PORTAL_MAX_BODY_BYTES`` or the route's own)."""
    limit = request.route_handler.resolve_request_max_body_size()
    return Response(
        {"status_code": 413, "detail": f"Request body too large: the limit is {limit} bytes"},
        status_code=413,
    )


async def before_request(request: Request) -> None:
    """The request's language and signed-in user (None for visitors). Async on purpose:
    Litestar runs a sync hook in a worker thread, where the locale's context variable
    would be set and lost."""
    from portal.web.setup import apply_locale

    apply_locale(request)
    await request_user(request, request_time(request))


async def private_for_signed_in(message: Message, scope: Scope) -> None:
    """before_send: a response to a signed-in person (their email is in the page's
    header) must not be stored by a browser's or a shared cache."""
    if message["type"] == "http.response.start" and scope.get("state", {}).get("user"):
        headers = MutableScopeHeaders.from_message(message)
        headers["Cache-Control"] = "private, no-store"


def create_app(*, manage_database: bool = True) -> Litestar:
    """The portal. ``manage_database=False`` leaves the connection pool to the caller
    (tests share one pool across apps)."""
    from portal.web.account import AccountPages
    from portal.web.admin import AdminPages
    from portal.web.cv import CvPages
    from portal.web.matches import MatchPages
    from portal.web.pages import HomeController, OrganizationPages, SourcePages, VacancyPages
    from portal.web.profile import ProfilePages
    from portal.web.setup import static_routers, template_config
    from portal.web.staff import StaffPages
    from portal.web.statistics import StatisticsPage

    settings = get_settings()
    check_secret_key(settings)  # refuses to start without one outside development mode
    return Litestar(
        route_handlers=[
            health,
            VacancyController,
            SourceController,
            AdminController,
            MeController,
            HomeController,
            VacancyPages,
            OrganizationPages,
            SourcePages,
            AccountPages,
            AdminPages,
            StaffController,
            StatisticsController,
            StaffPages,
            StatisticsPage,
            ProfileController,
            SavedVacancyController,
            CvController,
            MatchController,
            ProfilePages,
            CvPages,
            MatchPages,
            *static_routers(),
        ],
        template_config=template_config(),
        state=State({"search_cache": SearchCache(seconds=settings.search_cache_seconds)}),
        before_request=before_request,
        middleware=[session_config(settings).middleware],
        stores={SESSION_STORE: DatabaseSessionStore()},
        csrf_config=csrf_config(settings, csrf_secret(settings)),
        on_startup=[open_database] if manage_database else [],
        on_shutdown=[close_database] if manage_database else [],
        openapi_config=OpenAPIConfig(
            title="Norec recruitment portal API",
            version=__version__,
            description="UN and development-bank vacancies harvested for Norwegian candidates.",
            path="/schema",
            render_plugins=[ScalarRenderPlugin()],
        ),
        exception_handlers={NotFoundException: not_found, RequestEntityTooLarge: too_large},
        before_send=[
            security_headers_hook(settings),
            private_for_signed_in,
            rotate_csrf_cookie(settings),
        ],
        # For every route; a later upload route may set a larger request_max_body_size.
        request_max_body_size=settings.max_body_bytes,
        # Unexpected errors: a generic 500 body (no internals), the traceback in the log;
        # a client's mistake (4xx) is answered, not logged as a traceback.
        logging_config=LoggingConfig(
            log_exceptions="always", disable_stack_trace={400, 401, 403, 404, 405, 409, 413}
        ),
    )
