"""``portal sources check``: the first page of each source, judged, nothing stored."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.helpers import Recorded, fixture_bytes
from tests.recorded_sites import RecordedSite, Route, load_site, serve_sites
from tests.vacancies.test_full_harvest import portal, served_catalogue
from vacancies.source_check import ShapeCheck, check_source
from vacancies.sources import SourceSpec

RELIEFWEB = SourceSpec(
    id="reliefweb",
    name="ReliefWeb jobs",
    adapter="reliefweb",
    base_url="https://api.reliefweb.int",
    params={"appname": "${PORTAL_RELIEFWEB_APPNAME}", "limit": 3},
)
FEED = SourceSpec(
    id="unicef-rss",
    name="UNICEF",
    adapter="rss",
    organization="UNICEF",
    base_url="https://careers.pageuppeople.com/671/cw/en/rss",
)
APPNAME = {"PORTAL_RELIEFWEB_APPNAME": "norec-portal-test"}
LOGIN_PAGE = b"<!DOCTYPE html><html><head><title>Sign in</title></head><body><form>...</form>"


async def check(spec: SourceSpec, routes: dict, environ=APPNAME) -> ShapeCheck:
    recorded = Recorded(routes)
    async with recorded.client() as client:
        result = await check_source(spec, client, environ=environ)
    # One listing page and nothing more (robots.txt aside).
    pages = [r for r in recorded.requests if not r.url.path.endswith("robots.txt")]
    assert len(pages) == 1
    return result


async def test_a_source_that_still_matches_reports_its_first_page():
    site = load_site("reliefweb")
    async with site.client() as client:
        result = await check_source(RELIEFWEB, client, environ=APPNAME)
    assert result.ok
    assert (result.records, result.rejected) == (3, 0)
    assert result.message == "shape matches: 3 vacancies on the first page"
    assert result.url == "https://api.reliefweb.int/v2/jobs?offset=0&limit=3"


async def test_a_login_page_instead_of_json_is_a_changed_shape_naming_the_adapter():
    result = await check(
        RELIEFWEB,
        {
            "https://api.reliefweb.int/v2/jobs": httpx.Response(
                200, content=LOGIN_PAGE, headers={"content-type": "text/html"}
            )
        },
    )
    assert not result.ok
    assert result.message.startswith("reliefweb: expected JSON from https://api.reliefweb.int")
    assert "HTML page" in result.message


async def test_a_renamed_field_is_named():
    renamed = json.loads(fixture_bytes("reliefweb/jobs_page_1.json"))
    renamed["items"] = renamed.pop("data")
    result = await check(
        RELIEFWEB,
        {"https://api.reliefweb.int/v2/jobs": json.dumps(renamed).encode()},
    )
    assert (result.ok, result.message) == (False, "reliefweb: response has no 'data' list")


async def test_a_first_page_whose_every_record_is_unreadable_fails():
    page = json.loads(fixture_bytes("reliefweb/jobs_page_1.json"))
    for item in page["data"]:
        item["fields"]["heading"] = item["fields"].pop("title")
    result = await check(
        RELIEFWEB, {"https://api.reliefweb.int/v2/jobs": json.dumps(page).encode()}
    )
    assert not result.ok
    assert (result.records, result.rejected) == (0, 3)
    assert result.message == (
        "reliefweb: every record of the first page was unreadable, e.g. missing title"
    )


async def test_an_empty_feed_is_a_matching_shape():
    empty = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Jobs</title>'
        b"<link>https://example.org</link><description>none</description></channel></rss>"
    )
    result = await check(FEED, {FEED.base_url: empty})
    assert (result.ok, result.message) == (True, "shape matches: the listing is empty")


async def test_a_missing_secret_and_an_unknown_adapter_are_reported_without_a_request():
    async with Recorded({}).client() as client:
        missing = await check_source(RELIEFWEB, client, environ={})
        unknown = await check_source(
            SourceSpec(id="mystery", name="?", adapter="telex", base_url="https://x.org"),
            client,
        )
    assert (missing.ok, missing.message) == (
        False,
        "reliefweb: parameter 'appname' needs the environment variable PORTAL_RELIEFWEB_APPNAME",
    )
    assert not unknown.ok
    assert unknown.message.startswith("mystery: no adapter named 'telex'; known adapters:")


async def test_an_adapter_that_breaks_is_reported_not_raised(monkeypatch):
    class Broken:
        name = "broken"

        async def pages(self, source, client):
            raise ZeroDivisionError("division by zero")
            yield  # pragma: no cover - makes this an async generator

    monkeypatch.setattr("vacancies.source_check.get_adapter", lambda name: Broken())
    async with Recorded({}).client() as client:
        result = await check_source(FEED, client)
    assert (result.ok, result.message) == (
        False,
        "rss: internal error: ZeroDivisionError: division by zero",
    )


@pytest.mark.usefixtures("db")
def test_the_command_exits_1_and_names_the_source_whose_shape_changed(tmp_path):
    good = load_site("unicef-rss")
    changed = RecordedSite(
        "reliefweb",
        (
            Route(
                method="POST",
                path="/v2/jobs",
                file=None,
                body="<html><body>Please log in</body></html>",
                content_type="text/html",
            ),
        ),
        {},
    )
    sites = {"unicef-rss": good, "reliefweb": changed}
    sources_file = tmp_path / "sources.toml"
    with serve_sites(sites) as origins:
        served_catalogue(sources_file, [RELIEFWEB, FEED], sites, origins)
        result = portal("sources", "check", "--json", sources_file=sources_file)
        one = portal("sources", "check", "unicef-rss", sources_file=sources_file)
        unknown = portal("sources", "check", "nope", sources_file=sources_file)
    assert result.returncode == 1
    checks = {check["source"]: check for check in json.loads(result.stdout)}
    assert checks["unicef-rss"]["ok"] is True
    assert checks["unicef-rss"]["records"] == 32
    assert checks["reliefweb"]["ok"] is False
    assert checks["reliefweb"]["message"].startswith("reliefweb: expected JSON from http://127.")
    assert one.returncode == 0
    assert "unicef-rss" in one.stdout and "ok" in one.stdout
    assert unknown.returncode == 1
    assert "unknown source(s): nope" in unknown.stderr
