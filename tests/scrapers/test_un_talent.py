"""The UN Talent API adapter against recorded payloads in the observed shape."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import respx

from scrapers.base import SourceConfig
from scrapers.records import RejectedRecord, ScrapedVacancy, SourceError
from scrapers.un_talent import UnTalentAdapter
from tests.recorded_sites import load_site

SITE = "https://untalent.org"
ENDPOINT = f"{SITE}/api/v1/jobs"
TOKEN = "test-token-4f1c"

PARAMS = {"token": TOKEN, "endpoint": "jobs"}
"""The params of the untalent entry proposed for sources.toml, with the token resolved."""

SOURCE = SourceConfig(id="untalent", adapter="un_talent", base_url=SITE, params=PARAMS)


def source_with(**params) -> SourceConfig:
    return SourceConfig(
        id="untalent", adapter="un_talent", base_url=SITE, params={**PARAMS, **params}
    )


async def harvest(client, source: SourceConfig = SOURCE):
    async with client:
        return [page async for page in UnTalentAdapter().pages(source, client)]


def records(pages) -> dict[str, ScrapedVacancy]:
    return {record.external_id: record for page in pages for record in page.records}


@pytest.fixture
def router() -> respx.Router:
    return respx.Router()


# --- the recorded site -------------------------------------------------------------------


async def test_a_full_harvest_yields_the_expected_counts():
    site = load_site("untalent")

    pages = await harvest(site.client())

    assert sum(len(page.records) for page in pages) == site.expected["records"] == 8
    assert sum(len(page.rejected) for page in pages) == site.expected["rejected"] == 1


async def test_pages_follow_until_total_and_name_no_token():
    pages = await harvest(load_site("untalent").client())

    assert [len(page.records) + len(page.rejected) for page in pages] == [6, 3]
    assert [page.is_last for page in pages] == [False, True]
    assert [page.url for page in pages] == [f"{ENDPOINT}?page=1", f"{ENDPOINT}?page=2"]


async def test_the_token_and_filters_are_sent(make_client, router, fixture_bytes):
    route = router.get(ENDPOINT).respond(200, json={"jobs": [], "total": 0})
    source = source_with(location_slugs=["geneva", "new-york"], level_slugs=["mid"])

    await harvest(make_client(router), source)

    assert dict(route.calls.last.request.url.params) == {
        "token": TOKEN,
        "page": "1",
        "locationSlugs": "geneva+new-york",
        "levelSlugs": "mid",
    }


async def test_a_job_is_read_field_by_field():
    found = records(await harvest(load_site("untalent").client()))

    wash = found[
        "wash-specialist-p-3-gaza-state-of-palestine-364-days-temporary-appointment-post-no-141207"
    ]
    assert wash.url == (
        "https://untalent.org/jobs/"
        "wash-specialist-p-3-gaza-state-of-palestine-364-days-temporary-appointment-post-no-141207"
    )
    assert wash.title == (
        "WASH Specialist, P-3, Gaza, State of Palestine, 364 days Temporary Appointment "
        "(post no. 141207)"
    )
    assert wash.organization == "United Nations Children's Fund"
    assert wash.grade == "P-3"
    assert wash.duty_station == "Gaza"
    assert wash.country is None
    assert wash.posted_at is None
    assert wash.deadline == datetime(2026, 12, 3, 21, 55, tzinfo=UTC)
    assert wash.description_html is not None
    assert wash.description_html.startswith("UNICEF works in over 190 countries")
    assert wash.extra == {
        "company_slug": "unicef",
        "areas": ["Programme & Policy", "Medical & Health"],
        "levels": ["Mid", "Senior"],
        "description_truncated": True,
    }


async def test_grades_duty_stations_and_deadlines_of_other_jobs():
    found = records(await harvest(load_site("untalent").client()))

    assert found["education-specialist-no-3-kigali-rwanda-for-rwanda-nationals-only-2"].grade == (
        "NO-3"
    )
    assert found["technical-officer-health-emergencies-p-4"].grade == "P4"
    assert found["technical-officer-health-emergencies-p-4"].organization == (
        "World Health Organization"
    )
    undp = found["programme-specialist-climate-finance-ipsa-10"]
    assert undp.grade == "IPSA-10"
    assert undp.duty_station == "Addis Ababa; Geneva"
    assert undp.extra["locations"] == ["Addis Ababa", "Geneva"]
    # midnight sharp stands for the closing day: open through it
    assert undp.deadline == datetime(2026, 12, 14, 23, 59, 59, tzinfo=UTC)
    bank = found["senior-energy-specialist-3"]
    assert bank.grade is None
    assert bank.duty_station is None
    assert bank.organization == "World Bank"


async def test_home_based_and_undated_jobs():
    found = records(await harvest(load_site("untalent").client()))

    online = found["online-volunteer-data-visualisation-support"]
    assert online.duty_station == "Home-based"
    assert online.extra["is_homebased"] is True
    assert online.organization == "International Organization for Migration"
    nrc = found["ict4d-coordinator-colombia"]
    assert nrc.deadline is None
    assert nrc.duty_station == "Bogotá"
    assert nrc.organization == "Norwegian Refugee Council"


async def test_a_job_without_title_is_rejected_and_the_rest_survive():
    pages = await harvest(load_site("untalent").client())

    assert pages[0].rejected == [
        RejectedRecord(external_id="protection-officer-juba-1", reason="missing title")
    ]


async def test_grades_from_titles_can_be_switched_off(make_client, router, fixture_bytes):
    router.get(ENDPOINT).respond(200, content=fixture_bytes("un_talent/jobs_page_2.json"))

    pages = await harvest(make_client(router), source_with(grade_from_title=False))

    assert all(record.grade is None for record in pages[0].records)


# --- token and params --------------------------------------------------------------------


@pytest.mark.parametrize("params", [{}, {"token": ""}, {"token": "   "}, {"token": None}])
async def test_a_missing_token_is_named(make_client, router, params):
    source = SourceConfig(id="untalent", adapter="un_talent", base_url=SITE, params=params)

    with pytest.raises(SourceError) as raised:
        await harvest(make_client(router), source)

    assert str(raised.value) == (
        "un_talent: source 'untalent' has no API token: the 'token' param is missing or "
        "empty (UN Talent requires one; set PORTAL_UNTALENT_TOKEN)"
    )
    assert not router.calls


@pytest.mark.parametrize("status", [401, 403])
async def test_a_refused_token_is_named_without_the_token(
    make_client, router, fixture_bytes, status
):
    router.get(ENDPOINT).respond(status, content=fixture_bytes("un_talent/token_refused.json"))

    with pytest.raises(SourceError) as raised:
        await harvest(make_client(router))

    assert str(raised.value) == (
        f"un_talent: UN Talent refused the API token of source 'untalent' (status {status}); "
        "check PORTAL_UNTALENT_TOKEN"
    )


async def test_other_errors_do_not_leak_the_token(make_client, router):
    router.get(ENDPOINT).respond(404, text="no such page")

    with pytest.raises(SourceError) as raised:
        await harvest(make_client(router))

    assert TOKEN not in str(raised.value)
    assert "token=***" in str(raised.value)
    assert "404" in str(raised.value)


async def test_an_unknown_param_is_refused(make_client, router):
    with pytest.raises(SourceError) as raised:
        await harvest(make_client(router), source_with(per_page=50))

    assert str(raised.value) == (
        "un_talent: invalid params for source 'untalent': unknown key per_page"
    )


async def test_an_unknown_endpoint_is_refused(make_client, router):
    with pytest.raises(SourceError, match=r"^un_talent: invalid params .*endpoint"):
        await harvest(make_client(router), source_with(endpoint="internships"))


async def test_a_listing_longer_than_max_pages_raises():
    with pytest.raises(SourceError) as raised:
        await harvest(load_site("untalent").client(), source_with(max_pages=1))

    assert str(raised.value) == (
        "un_talent: source 'untalent' has more than 1 pages; raise max_pages or narrow the filters"
    )


# --- changed shapes ----------------------------------------------------------------------


async def test_a_renamed_jobs_list_raises(make_client, router, fixture_bytes):
    router.get(ENDPOINT).respond(200, content=fixture_bytes("un_talent/jobs_renamed.json"))

    with pytest.raises(SourceError) as raised:
        await harvest(make_client(router))

    assert str(raised.value) == "un_talent: response has no 'jobs' list"


async def test_a_missing_total_raises(make_client, router):
    router.get(ENDPOINT).respond(200, json={"jobs": []})

    with pytest.raises(SourceError, match=r"^un_talent: response has no 'total' number$"):
        await harvest(make_client(router))


async def test_an_html_page_raises_without_the_token(make_client, router):
    router.get(ENDPOINT).respond(
        200,
        content=b"<!DOCTYPE html><html><body><h1>UN Talent</h1></body></html>",
        headers={"Content-Type": "text/html; charset=utf-8"},
    )

    with pytest.raises(SourceError) as raised:
        await harvest(make_client(router))

    assert str(raised.value) == (
        f"un_talent: expected JSON from {ENDPOINT}?token=***&page=1 but got an HTML page "
        "(status 200, content-type text/html)"
    )


async def test_a_login_page_raises(make_client, router):
    router.get(ENDPOINT).respond(
        200,
        content=b'<html><head><title>Log in</title></head><body><form action="/login">'
        b'<input name="email"><input type="password" name="password"></form></body></html>',
        headers={"Content-Type": "text/html"},
    )

    with pytest.raises(SourceError, match=r"^un_talent: expected JSON .* but got an HTML page"):
        await harvest(make_client(router))


async def test_truncated_json_raises(make_client, router, fixture_bytes):
    router.get(ENDPOINT).respond(200, content=fixture_bytes("un_talent/jobs_truncated.json"))

    with pytest.raises(SourceError) as raised:
        await harvest(make_client(router))

    assert str(raised.value).startswith("un_talent: response from ")
    assert "is not valid JSON" in str(raised.value)
    assert TOKEN not in str(raised.value)


async def test_an_empty_listing_is_one_complete_page(make_client, router):
    router.get(ENDPOINT).respond(200, json={"jobs": [], "total": 0})

    pages = await harvest(make_client(router))

    assert len(pages) == 1
    assert pages[0].records == []
    assert pages[0].is_last is True


async def test_a_listing_that_ends_early_is_not_complete(make_client, router, fixture_bytes):
    router.get(ENDPOINT, params={"page": "1"}).respond(
        200, content=fixture_bytes("un_talent/jobs_page_1.json")
    )
    router.get(ENDPOINT, params={"page": "2"}).respond(200, json={"jobs": [], "total": 9})

    pages = await harvest(make_client(router))

    assert [page.is_last for page in pages] == [False, False]


async def test_odd_items_are_rejected_without_crashing(make_client, router):
    payload = {
        "jobs": [
            42,
            {"title": "Field Officer"},
            {"slug": ["x"], "title": None},
            {
                "slug": "logistics-officer",
                "title": "Logistics Officer",
                "company": "WFP",
                "locations": "Juba",
                "areas": None,
                "levels": [None, {"name": 3}],
                "expire_at": "someday",
                "url": "/jobs/logistics-officer",
                "description": 17,
            },
        ],
        "total": 4,
    }
    router.get(ENDPOINT).respond(200, json=payload)

    pages = await harvest(make_client(router))

    assert pages[0].rejected == [
        RejectedRecord(external_id=None, reason="item is not an object: 42"),
        RejectedRecord(external_id=None, reason="missing slug"),
        RejectedRecord(external_id=None, reason="missing slug, title"),
    ]
    [wfp] = pages[0].records
    assert wfp.organization == "WFP"
    assert wfp.duty_station == "Juba"
    assert wfp.url == f"{SITE}/jobs/logistics-officer"
    assert wfp.deadline is None
    assert wfp.description_html is None
    assert wfp.extra == {"unparsed_dates": {"expire_at": "someday"}}
