"""Wiring of the HTML side: Jinja2 templates with Babel, static assets, locale per request."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlencode

from jinja2 import Environment
from litestar import MediaType, Request, Response
from litestar.datastructures import Cookie
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig
from markupsafe import Markup

from portal import __version__
from portal.sessions import current_user
from portal.settings import REPO_ROOT
from portal.web import i18n, labels
from portal.web.search_params import search_url
from vacancies.schemas import ORG_TYPE_KINDS

WEB = Path(__file__).parent
NODE_MODULES = REPO_ROOT / "node_modules"
ONE_YEAR = 365 * 24 * 3600


def _configure(engine: JinjaTemplateEngine) -> None:
    env: Environment = engine.engine
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(i18n.gettext, i18n.plural_form, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(
        current_locale=i18n.current_locale,
        locales=i18n.LOCALES,
        language_names=i18n.LANGUAGE_NAMES,
        version=__version__,
        signed_in_user=current_user,
        url_with=url_with,
        search_url=search_url,
        org_type_kinds=ORG_TYPE_KINDS,
        category_label=labels.category_label,
        org_type_label=labels.org_type_label,
        kind_label=labels.kind_label,
        sort_label=labels.sort_label,
        deadline_window_label=labels.deadline_window_label,
        posted_window_label=labels.posted_window_label,
        closed_reason_label=labels.closed_reason_label,
        country_name=labels.country_name,
        jpo_badges=labels.jpo_badges,
        country_name_alpha2=labels.country_name_alpha2,
        jpo_facet_label=labels.jpo_facet_label,
        region_name=labels.region_name,
        is_sub_region=labels.is_sub_region,
    )
    env.filters.update(
        date=i18n.fmt_date,
        datetime=i18n.fmt_datetime,
        number=i18n.fmt_number,
        days_left=i18n.days_left,
        paragraphs=paragraphs,
        css_id=css_id,
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


def apply_locale(request: Request) -> str:
    """Choose the request's locale (?lang=, cookie, Accept-Language, Bokmål) and make it
    current for the templates."""
    locale = i18n.negotiate(
        request.query_params.get("lang"),
        request.cookies.get(i18n.COOKIE),
        request.headers.get("accept-language"),
    )
    i18n.set_locale(locale)
    request.state.locale = locale
    return locale


def render(
    request: Request,
    template: str,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    **context: object,
) -> Template:
    """A page in the request's language; a language chosen with ``?lang=`` is
    remembered in a cookie."""
    return Template(
        template_name=template,
        context={"request": request, **context},
        cookies=locale_cookie(request),
        status_code=status_code,
        headers=headers,
    )


def render_fragment(request: Request, template: str, **context: object) -> Markup:
    """A template rendered to HTML in the current language, to be cached or placed in a
    page (it sees only ``request`` and ``context``, like a page template)."""
    engine: JinjaTemplateEngine = request.app.template_engine  # type: ignore[assignment]
    return Markup(engine.get_template(template).render(request=request, **context))  # noqa: S704


def html_response(
    request: Request, body: str, *, headers: dict[str, str] | None = None
) -> Response[str]:
    """Already rendered HTML, with the language cookie a page would set."""
    return Response(
        body, media_type=MediaType.HTML, headers=headers, cookies=locale_cookie(request)
    )


def is_htmx_partial(request: Request) -> bool:
    """An htmx request for a fragment; a history restore after a cache miss wants the
    whole page."""
    headers = request.headers
    return (
        headers.get("hx-request") == "true" and headers.get("hx-history-restore-request") != "true"
    )


_NOT_ID = re.compile(r"[^a-z0-9]+")


def css_id(value: object) -> str:
    """A value as a piece of an HTML id: "UN Women" -> "un-women"."""
    return _NOT_ID.sub("-", str(value).lower()).strip("-")


_BLANK_LINES = re.compile(r"\n\s*\n")


def paragraphs(text: str | None) -> list[str]:
    """Plain text split into paragraphs at blank lines (line breaks inside a paragraph
    are kept by the stylesheet)."""
    return [part.strip("\n") for part in _BLANK_LINES.split(text or "") if part.strip()]


def locale_cookie(request: Request) -> list[Cookie]:
    chosen = request.query_params.get("lang")
    if chosen in i18n.LOCALES:
        return [
            Cookie(key=i18n.COOKIE, value=chosen, max_age=ONE_YEAR, httponly=True, samesite="lax")
        ]
    return []
