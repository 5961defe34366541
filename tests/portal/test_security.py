"""Hardening: security headers on every response, the secret key rule, the request size
limit, and clear 400s for input the database could not take."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from litestar import Request, get, post
from selectolax.lexbor import LexborHTMLParser

from portal.app import create_app
from portal.security import ConfigurationError
from portal.settings import get_settings
from portal.web.setup import WEB
from tests.portal.recorded_site import NOW, harvest_recorded_sources, portal_client

STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SCHEMA_UI_CSP = (
    "default-src 'self'; script-src 'self' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; img-src 'self' data: https:; "
    "font-src 'self' data: https:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    "x-frame-options": "DENY",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "cross-origin-opener-policy": "same-origin",
}
MIB = 1024 * 1024


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """Change PORTAL_* variables for one test; the settings are read afresh, and again
    after the test with the suite's own environment."""
    get_settings.cache_clear()
    yield monkeypatch
    monkeypatch.undo()
    get_settings.cache_clear()


def client_for(app) -> httpx.AsyncClient:
    app.state.clock = lambda: NOW
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://portal.test")


@get("/test/boom", include_in_schema=False)
async def boom() -> None:
    raise RuntimeError("an unexpected failure")


# The size limit is what is tested here, so this probe is exempt from the CSRF check
# (which refuses every unsafe method without the token before the body is read).
@post("/test/echo-size", include_in_schema=False, status_code=200, exclude_from_csrf=True)
async def echo_size(request: Request) -> dict[str, int]:
    return {"bytes": len(await request.body())}


# --- security headers -------------------------------------------------------------------


@pytest.fixture
async def site(db):
    await harvest_recorded_sources()
    app = create_app(manage_database=False)
    app.register(boom)
    async with client_for(app) as client:
        yield client


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/", 200),
        ("/vacancies?q=officer", 200),
        ("/organizations", 200),
        ("/sources", 200),
        ("/vacancies/feed.atom", 200),
        ("/api/vacancies", 200),
        ("/api/sources", 200),
        ("/health", 200),
        ("/schema/openapi.json", 200),
        ("/static/portal.css", 200),
        ("/static/search.js", 200),
        ("/vendor/htmx.org/dist/htmx.min.js", 200),
        ("/vacancies/999999", 404),
        ("/no/such/page", 404),
        ("/api/no-such-thing", 404),
        ("/static/missing.css", 404),
        ("/api/vacancies?sort=random", 400),
        ("/vacancies?sort=random", 400),
        ("/test/boom", 500),
    ],
)
async def test_every_response_carries_the_security_headers(site, path, status):
    response = await site.get(path)
    assert response.status_code == status
    assert response.headers["content-security-policy"] == STRICT_CSP
    for name, value in HEADERS.items():
        assert response.headers[name] == value, name
    assert "strict-transport-security" not in response.headers


async def test_a_method_not_allowed_carries_them_too(site):
    response = await site.post("/api/vacancies")
    assert response.status_code == 405
    assert response.headers["content-security-policy"] == STRICT_CSP
    assert response.headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize("path", ["/schema", "/schema/scalar"])
async def test_the_openapi_reference_may_load_its_script_from_the_cdn_only(site, path):
    response = await site.get(path)
    assert response.status_code == 200
    assert response.headers["content-security-policy"] == SCHEMA_UI_CSP
    assert response.headers["x-frame-options"] == "DENY"
    scripts = LexborHTMLParser(response.text).css("script[src]")
    assert [s.attributes["src"].startswith("https://cdn.jsdelivr.net/") for s in scripts] == [True]


async def test_hsts_only_when_served_over_https(db, environment):
    environment.setenv("PORTAL_HTTPS", "true")
    async with client_for(create_app(manage_database=False)) as client:
        for path in ("/", "/api/vacancies", "/no/such/page"):
            response = await client.get(path)
            assert response.headers["strict-transport-security"] == (
                "max-age=31536000; includeSubDomains"
            )


# --- no inline script or style (the CSP would block it) ----------------------------------

TEMPLATES = sorted((WEB / "templates").rglob("*.html"))
INLINE = {
    "script without src": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "style element": re.compile(r"<style\b", re.IGNORECASE),
    "style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "event handler attribute": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "hx-on attribute": re.compile(r"\s(data-)?hx-on", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(WEB)))
def test_templates_have_no_inline_script_or_style(template: Path):
    source = re.sub(r"\{#.*?#\}", "", template.read_text(), flags=re.DOTALL)  # comments
    found = [what for what, pattern in INLINE.items() if pattern.search(source)]
    assert found == []


@pytest.mark.parametrize(
    "path", ["/", "/vacancies", "/vacancies?q=officer", "/organizations", "/sources"]
)
async def test_rendered_pages_have_no_inline_script_or_style(site, path):
    tree = LexborHTMLParser((await site.get(path)).text)
    assert [s.attributes.get("src") for s in tree.css("script")] == [
        s.attributes["src"] for s in tree.css("script[src]")
    ]
    assert tree.css("style, [style]") == []
    handlers = [
        (node.tag, name)
        for node in tree.css("*")
        for name in node.attributes
        if name.startswith("on") or name.startswith("hx-on")
    ]
    assert handlers == []


async def test_htmx_is_configured_not_to_inject_style_or_evaluate_code(site):
    tree = LexborHTMLParser((await site.get("/vacancies")).text)
    meta = tree.css_first('meta[name="htmx-config"]')
    assert meta.attributes["content"] == (
        '{"includeIndicatorStyles": false, "allowEval": false, "allowScriptTags": false}'
    )
    # The indicator rules htmx would have injected are in our stylesheet.
    css = (await site.get("/static/portal.css")).text
    assert ".htmx-request .htmx-indicator" in css


# --- the secret key ---------------------------------------------------------------------


def test_the_app_refuses_to_start_without_a_secret_key(environment):
    environment.delenv("PORTAL_SECRET_KEY", raising=False)
    environment.delenv("PORTAL_DEV_MODE", raising=False)
    with pytest.raises(ConfigurationError, match=r"^PORTAL_SECRET_KEY is not set\. ") as error:
        create_app(manage_database=False)
    assert "at least 32 characters" in str(error.value)
    assert "PORTAL_DEV_MODE=true" in str(error.value)


def test_a_blank_secret_key_counts_as_none(environment):
    environment.setenv("PORTAL_SECRET_KEY", "   ")
    environment.setenv("PORTAL_DEV_MODE", "false")
    with pytest.raises(ConfigurationError, match=r"^PORTAL_SECRET_KEY is not set\. "):
        create_app(manage_database=False)


@pytest.mark.parametrize("dev_mode", ["false", "true"])
def test_a_short_secret_key_is_refused_in_any_mode(environment, dev_mode):
    environment.setenv("PORTAL_SECRET_KEY", "x" * 31)
    environment.setenv("PORTAL_DEV_MODE", dev_mode)
    with pytest.raises(
        ConfigurationError, match=r"^PORTAL_SECRET_KEY is too short \(31 characters\)"
    ):
        create_app(manage_database=False)


def test_development_mode_starts_without_a_key(environment):
    environment.delenv("PORTAL_SECRET_KEY", raising=False)
    environment.setenv("PORTAL_DEV_MODE", "true")
    assert create_app(manage_database=False).debug is False


def test_a_key_of_32_characters_is_enough(environment):
    environment.setenv("PORTAL_SECRET_KEY", "k" * 32)
    environment.setenv("PORTAL_DEV_MODE", "false")
    create_app(manage_database=False)


# --- request size limit -----------------------------------------------------------------


@pytest.fixture
async def echo(db):
    app = create_app(manage_database=False)
    app.register(echo_size)
    async with client_for(app) as client:
        yield client


async def test_a_body_within_the_limit_is_read(echo):
    response = await echo.post("/test/echo-size", content=b"x" * MIB)
    assert response.status_code == 200
    assert response.json() == {"bytes": MIB}


async def test_a_body_over_the_limit_is_a_413_and_the_app_goes_on(echo):
    response = await echo.post("/test/echo-size", content=b"x" * (MIB + 1))
    assert response.status_code == 413
    assert response.json() == {
        "status_code": 413,
        "detail": f"Request body too large: the limit is {MIB} bytes",
    }
    assert response.headers["content-security-policy"] == STRICT_CSP
    assert (await echo.get("/health")).status_code == 200


async def test_a_streamed_body_without_length_is_cut_off_at_the_limit(echo):
    async def chunks():
        for _ in range(3):
            yield b"x" * (MIB // 2)

    response = await echo.post("/test/echo-size", content=chunks())
    assert "content-length" not in response.request.headers
    assert response.status_code == 413


async def test_the_limit_is_a_setting(db, environment):
    environment.setenv("PORTAL_MAX_BODY_BYTES", "100")
    app = create_app(manage_database=False)
    app.register(echo_size)
    async with client_for(app) as client:
        assert (await client.post("/test/echo-size", content=b"x" * 100)).status_code == 200
        response = await client.post("/test/echo-size", content=b"x" * 101)
        assert response.status_code == 413
        assert response.json()["detail"] == "Request body too large: the limit is 100 bytes"


# --- input the database could not take: a 400 naming the parameter -----------------------


@pytest.fixture
async def api(db):
    async with portal_client() as client:
        yield client


@pytest.mark.parametrize("name", ["q", "organization", "grade", "source"])
async def test_a_nul_character_in_a_search_is_a_400_naming_the_parameter(api, name):
    response = await api.get("/api/vacancies", params={name: "UN\x00ICEF"})
    assert response.status_code == 400
    assert response.json()["extra"] == [{"key": name, "message": "must not contain NUL characters"}]


async def test_a_nul_character_in_the_search_page_is_a_400_page(api):
    response = await api.get("/vacancies", params={"q": "a\x00b"})
    assert response.status_code == 400
    errors = LexborHTMLParser(response.text).css_first("#errors li")
    assert " ".join(errors.text().split()) == "q: must not contain NUL characters (got 'a\\x00b')"


@pytest.mark.parametrize("name", ["deadline_after", "posted_after"])
@pytest.mark.parametrize("value", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"])
async def test_a_date_beyond_the_calendar_is_a_400_naming_it(api, name, value):
    response = await api.get("/api/vacancies", params={name: value})
    assert response.status_code == 400
    assert response.json()["extra"] == [
        {"key": name, "message": "must be a date between the years 1900 and 2999"}
    ]


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/api/vacancies/2147483648", "Expected `int` <= 2147483647"),
        ("/api/vacancies/0", "Expected `int` >= 1"),
    ],
)
async def test_a_vacancy_id_out_of_range_is_a_400_naming_it(api, path, message):
    response = await api.get(path)
    assert response.status_code == 400
    assert response.json()["extra"] == [{"key": "vacancy_id", "message": message, "source": "path"}]


async def test_a_vacancy_page_id_out_of_range_is_a_400_page(api):
    response = await api.get("/vacancies/99999999999")
    assert response.status_code == 400
    errors = LexborHTMLParser(response.text).css_first("#errors li")
    assert " ".join(errors.text().split()) == "vacancy_id: Expected `int` <= 2147483647"


@pytest.mark.parametrize(
    ("path", "status"),
    [("/api/sources/a%00b/runs", 404), ("/organizations/UN%00ICEF", 404)],
)
async def test_a_nul_character_in_a_name_in_the_path_is_not_found(api, path, status):
    assert (await api.get(path)).status_code == status


@pytest.mark.parametrize(
    ("params", "key"),
    [
        ({"sort": "random"}, "sort"),
        ({"page": "10001"}, "page"),
        ({"per_page": "101"}, "per_page"),
        ({"category": "astronaut"}, "category.0"),
        ({"country": "NO"}, "country"),
        ({"region": "atlantis"}, "region"),
        ({"org_type": "ngo"}, "org_type.0"),
        ({"deadline_within_days": "400"}, "deadline_within_days"),
        ({"open_only": "perhaps"}, "open_only"),
    ],
)
async def test_a_wrong_value_is_a_400_naming_the_parameter(api, params, key):
    response = await api.get("/api/vacancies", params=params)
    assert response.status_code == 400
    assert [error["key"] for error in response.json()["extra"]] == [key]
