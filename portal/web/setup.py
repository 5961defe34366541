"""Wiring of the HTML side: Jinja2 templates with Babel, static assets, locale per request."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from jinja2 import Environment
from litestar import Request
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.datastructures import Cookie
from litestar.response import Template
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from portal import __version__
from portal.settings import REPO_ROOT
from portal.web import i18n

WEB = Path(__file__).parent
NODE_MODULES = REPO_ROOT / "node_modules"
ONE_YEAR = 365 * 24 * 3600


def _configure(engine: JinjaTemplateEngine) -> None:
    env: Environment = engine.engine
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(
        current_locale=i18n.current_locale,
        locales=i18n.LOCALES,
        language_names=i18n.LANGUAGE_NAMES,
        version=__version__,
        url_with=url_with,
    )
    env.filters.update(
        date=i18n.fmt_date,
        datetime=i18n.fmt_datetime,
        number=i18n.fmt_number,
        days_left=i18n.days_left,
    )
    env.trim_blocks = True
    env.lstrip_blocks = True


def template_config() -> TemplateConfig:
    return TemplateConfig(
        directory=WEB / "templates",
        engine=JinjaTemplateEngine,
        engine_callback=_configure,
    )


def static_routers() -> list:
    """Our own assets, and the npm packages installed at set-up (never copied in)."""
    return [
        create_static_files_router(
            path="/static", directories=[WEB / "static"], name="static", include_in_schema=False
        ),
        create_static_files_router(
            path="/vendor",
            directories=[NODE_MODULES],
            name="vendor",
            include_in_schema=False,
            cache_control=None,
        ),
    ]


def url_with(request: Request, **changes: object) -> str:
    """The current path with query parameters replaced (None removes one); repeated
    parameters (filters) are kept."""
    pairs = [(k, v) for k, v in request.query_params.multi_items() if k not in changes]
    for key, value in changes.items():
        if value is None:
            continue
        values = value if isinstance(value, list | tuple) else [value]
        pairs.extend((key, str(v)) for v in values)
    query = urlencode(pairs)
    return f"{request.url.path}?{query}" if query else request.url.path


def choose_locale(request: Request) -> None:
    """before_request: the locale of this request."""
    locale = i18n.negotiate(
        request.query_params.get("lang"),
        request.cookies.get(i18n.COOKIE),
        request.headers.get("accept-language"),
    )
    i18n.set_locale(locale)
    request.state.locale = locale


def render(request: Request, template: str, **context: object) -> Template:
    """A page in the request's language; a language chosen with ``?lang=`` is
    remembered in a cookie."""
    return Template(
        template_name=template,
        context={"request": request, **context},
        cookies=locale_cookie(request),
    )


def locale_cookie(request: Request) -> list[Cookie]:
    chosen = request.query_params.get("lang")
    if chosen in i18n.LOCALES:
        return [
            Cookie(key=i18n.COOKIE, value=chosen, max_age=ONE_YEAR, httponly=True, samesite="lax")
        ]
    return []
