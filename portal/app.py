"""Litestar application factory (the composition root)."""

from __future__ import annotations

from litestar import Litestar
from litestar.logging import LoggingConfig
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin

from portal import __version__
from portal.controllers.health import health
from portal.controllers.sources import SourceController
from portal.controllers.vacancies import VacancyController
from portal.database import close_database, open_database


def create_app(*, manage_database: bool = True) -> Litestar:
    """The portal. ``manage_database=False`` leaves the connection pool to the caller
    (tests share one pool across apps)."""
    from portal.web.pages import HomeController
    from portal.web.setup import choose_locale, static_routers, template_config

    return Litestar(
        route_handlers=[
            health,
            VacancyController,
            SourceController,
            HomeController,
            *static_routers(),
        ],
        template_config=template_config(),
        before_request=choose_locale,
        on_startup=[open_database] if manage_database else [],
        on_shutdown=[close_database] if manage_database else [],
        openapi_config=OpenAPIConfig(
            title="Norec recruitment portal API",
            version=__version__,
            description="UN and development-bank vacancies harvested for Norwegian candidates.",
            path="/schema",
            render_plugins=[ScalarRenderPlugin()],
        ),
        # Unexpected errors: a generic 500 body (no internals), the traceback in the log.
        logging_config=LoggingConfig(log_exceptions="always"),
    )
