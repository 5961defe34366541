"""The UN Volunteers (app.unv.org) adapter against recorded payloads in the observed shape."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime

import httpx
import pytest
import respx

from scrapers.base import SourceConfig
from scrapers.records import RejectedRecord, ScrapedVacancy, SourceError
from scrapers.unv import UnvAdapter
from tests.recorded_sites import CountingSite, load_site

SITE = "https://app.unv.org"
SEARCH = f"{SITE}/api/doa/doa/SearchDoaAsyncByAzureCognitive"

PARAMS = {"take": 10, "fetch_details": True, "max_pages": 100}
"""The params of the unv entry proposed for sources.toml."""

SOURCE = SourceConfig(id="unv", adapter="unv", base_url=SITE, organization="UNV", params=PARAMS)


def source_with(**params) -> SourceConfig:
    return SourceConfig(
        id="unv", adapter="unv", base_url=SITE, organization="UNV", params={**PARAMS, **params}
    )


async def harvest(client, source: SourceConfig = SOURCE):
    async with client:
        return [page async for page in UnvAdapter().pages(source, client)]


def records(pages) -> dict[str, ScrapedVacancy]:
    return {record.external_id: record for page in pages for record in page.records}


@pytest.fixture
def router() -> respx.Router:
    return respx.Router()


# --- the recorded site -------------------------------------------------------------------


async def test_a_full_harvest_yields_the_expected_counts():
    site = load_site("unv")

    pages = await harvest(site.client())

    assert sum(len(page.records) for page in pages) == site.expected["records"] == 10
    assert sum(len(page.rejected) for page in pages) == site.expected["rejected"] == 3


async def test_pages_follow_skip_until_total(make_client, router, fixture_bytes):
    route = router.post(SEARCH).mock(
        side_effect=[
            httpx.Response(200, content=fixture_bytes("unv/search_skip_0.json")),
            httpx.Response(200, content=fixture_bytes("unv/search_skip_10.json")),
        ]
    )

    pages = await harvest(make_client(router), source_with(fetch_details=False))

    assert [json.loads(call.request.content) for call in route.calls] == [
        {"take": 10, "skip": 0},
        {"take": 10, "skip": 10},
    ]
    assert [len(page.records) + len(page.rejected) for page in pages] == [10, 3]
    assert [page.is_last for page in pages] == [False, True]
    assert [page.url for page in pages] == [f"{SEARCH}?skip=0&take=10", f"{SEARCH}?skip=10&take=10"]


async def test_filters_are_passed_through(make_client, router):
    route = router.post(SEARCH).respond(
        200, json={"isSuccess": True, "value": {"total": 0, "result": []}}
    )

    await harvest(make_client(router), source_with(filters={"volunteerType": "INTERNATIONAL"}))

    assert json.loads(route.calls.last.request.content) == {
        "volunteerType": "INTERNATIONAL",
        "take": 10,
        "skip": 0,
    }


async def test_an_assignment_is_read_field_by_field():
    found = records(await harvest(load_site("unv").client()))

    unep = found["1010421"]
    assert unep == ScrapedVacancy(
        external_id="1010421",
        url=f"{SITE}/opportunities/1010421",
        title="Programme Analyst - Climate Security",
        organization="UNV",
        grade="International Specialist",
        duty_station="Nairobi",
        country="Kenya",
        posted_at=datetime(2026, 11, 14, 9, 12, 33),
        deadline=datetime(2026, 11, 28, 23, 59, 59),
        description_html=(
            "<p>Under the supervision of the Climate Security Coordinator, the UN Volunteer "
            "will support the Climate Security Mechanism's work in the Horn of Africa.</p><ul>"
            "<li>Compile climate-conflict risk analyses for Kenya, Somalia and Ethiopia;</li>"
            "<li>Draft briefing notes for the regional coordinator;</li><li>Support "
            "partnership events with IGAD.</li></ul>\n<h3>Required experience</h3>\n<p>At "
            "least 3 years of relevant professional experience; proficiency in MS Office.</p>"
        ),
        extra={
            "host_entity": "United Nations Environment Programme",
            "doa_request_no": "KEN-2026-000731",
            "volunteer_type": "International UN Volunteer",
            "volunteer_category_code": "INT_SPEC",
            "country_iso2": "KE",
            "duration_days": 365,
            "assignment_duration": "Long-term",
            "work_arrangement": "Onsite",
            "is_onsite": True,
            "expertise_areas": ["Environment and Climate Change"],
            "required_education": "Master degree or equivalent",
            "languages": ["English (Fluent, required)"],
            "possibility_of_extension": True,
            "start_date": "2027-01-15T00:00:00",
        },
    )


async def test_categories_host_entities_and_duty_stations():
    found = records(await harvest(load_site("unv").client()))

    assert found["1010417"].grade == "International Youth"
    assert found["1010417"].duty_station == "Cúcuta"
    assert found["1010417"].extra["host_entity"] == "United Nations High Commissioner for Refugees"
    assert found["1010409"].grade == "International Expert"
    assert found["1010409"].deadline == datetime(2026, 12, 6, 23, 59, 59)
    assert found["1010366"].grade == "International University"
    assert found["1010392"].grade == "National Youth"
    assert found["1010392"].extra["volunteer_type"] == "National UN Volunteer"
    assert found["1010392"].extra["languages"] == [
        "English (Fluent, required)",
        "French (Fluent, required)",
    ]
    assert found["1010315"].grade == "National Specialist"
    chad = found["1010348"]
    assert chad.duty_station == "Abéché; Farchana"
    assert chad.extra["duty_stations"] == ["Abéché", "Farchana"]
    assert chad.extra["host_entity"] == "International Organization for Migration"
    assert all(record.organization == "UNV" for record in found.values())


async def test_an_online_assignment_is_home_based():
    found = records(await harvest(load_site("unv").client()))

    online = found["1010359"]
    assert online.duty_station == "Home-based"
    assert online.country == "Switzerland"
    assert online.extra["is_onsite"] is False
    assert online.extra["work_arrangement"] == "Online"


async def test_missing_names_and_failed_details_are_rejected_and_the_rest_survive():
    pages = await harvest(load_site("unv").client())

    assert [rejection for page in pages for rejection in page.rejected] == [
        RejectedRecord(external_id="1010398", reason="missing name"),
        RejectedRecord(
            external_id="1010331",
            reason=(
                f"detail {SITE}/api/doa/doa/1010331: GET {SITE}/api/doa/doa/1010331 returned "
                "status 404 Not Found: not recorded"
            ),
        ),
        RejectedRecord(
            external_id="1010327",
            reason=(
                f"detail {SITE}/api/doa/doa/1010327: assignment is no longer published "
                "(empty 'value')"
            ),
        ),
    ]


async def test_an_html_detail_rejects_that_assignment_only(make_client, router, fixture_bytes):
    payload = json.loads(fixture_bytes("unv/search_skip_10.json"))
    payload["value"]["total"] = 3
    router.post(SEARCH).respond(200, json=payload)
    router.get(url__regex=r"/api/doa/doa/\d+$").respond(
        200,
        content=b"<!DOCTYPE html><html><body>UVP</body></html>",
        headers={"Content-Type": "text/html"},
    )

    pages = await harvest(make_client(router))

    assert pages[0].records == []
    assert [r.external_id for r in pages[0].rejected] == ["1010331", "1010327", "1010315"]
    assert "got an HTML page" in pages[0].rejected[0].reason
    assert pages[0].is_last is True


async def test_details_can_be_switched_off(make_client, router, fixture_bytes):
    router.post(SEARCH).mock(
        side_effect=[
            httpx.Response(200, content=fixture_bytes("unv/search_skip_0.json")),
            httpx.Response(200, content=fixture_bytes("unv/search_skip_10.json")),
        ]
    )
    detail = router.get(url__regex=r"/api/doa/doa/\d+$")

    pages = await harvest(make_client(router), source_with(fetch_details=False))

    assert detail.calls.call_count == 0
    found = records(pages)
    assert len(found) == 12
    assert found["1010421"].grade is None
    assert found["1010421"].description_html is None
    assert found["1010421"].deadline == datetime(2026, 11, 28, 23, 59, 59)


# --- params ------------------------------------------------------------------------------


async def test_an_unknown_param_is_refused(make_client, router):
    with pytest.raises(SourceError) as raised:
        await harvest(make_client(router), source_with(page_size=10))

    assert str(raised.value) == "unv: invalid params for source 'unv': unknown key page_size"


async def test_a_take_over_the_limit_is_refused(make_client, router):
    with pytest.raises(SourceError, match=r"^unv: invalid params for source 'unv': take"):
        await harvest(make_client(router), source_with(take=1000))


async def test_a_listing_longer_than_max_pages_raises():
    with pytest.raises(SourceError) as raised:
        await harvest(load_site("unv").client(), source_with(max_pages=1))

    assert str(raised.value) == (
        "unv: source 'unv' has more than 1 pages of 10 assignments; raise max_pages or "
        "narrow the filters"
    )


# --- changed shapes ----------------------------------------------------------------------


async def test_a_renamed_result_list_raises(make_client, router, fixture_bytes):
    router.post(SEARCH).respond(200, content=fixture_bytes("unv/search_renamed.json"))

    with pytest.raises(SourceError) as raised:
        await harvest(make_client(router))

    assert str(raised.value) == "unv: response has no 'value.result' list"


async def test_a_missing_total_raises(make_client, router):
    router.post(SEARCH).respond(200, json={"isSuccess": True, "value": {"result": []}})

    with pytest.raises(SourceError, match=r"^unv: response has no 'value.total' number$"):
        await harvest(make_client(router))


async def test_an_unsuccessful_answer_raises(make_client, router):
    router.post(SEARCH).respond(200, json={"isSuccess": False, "value": None})

    with pytest.raises(SourceError) as raised:
        await harvest(make_client(router))

    assert str(raised.value) == f"unv: response from {SEARCH} has no 'isSuccess': true"


async def test_an_html_page_raises(make_client, router):
    router.post(SEARCH).respond(
        200,
        content=b"<!doctype html><html><head><title>UN Volunteers</title></head>"
        b"<body></body></html>",
        headers={"Content-Type": "text/html"},
    )

    with pytest.raises(SourceError) as raised:
        await harvest(make_client(router))

    assert str(raised.value) == (
        f"unv: expected JSON from {SEARCH} but got an HTML page (status 200, "
        "content-type text/html)"
    )


async def test_a_login_page_raises(make_client, router):
    router.post(SEARCH).respond(
        200,
        content=b'<html><body><form id="kc-form-login" action="/auth/login"><input name="username">'
        b'<input type="password" name="password"></form></body></html>',
        headers={"Content-Type": "text/html; charset=utf-8"},
    )

    with pytest.raises(SourceError, match=r"^unv: expected JSON .* but got an HTML page"):
        await harvest(make_client(router))


async def test_truncated_json_raises(make_client, router, fixture_bytes):
    router.post(SEARCH).respond(200, content=fixture_bytes("unv/search_truncated.json"))

    with pytest.raises(SourceError, match=r"^unv: response from .* is not valid JSON"):
        await harvest(make_client(router))


async def test_an_empty_listing_is_one_complete_page(make_client, router):
    router.post(SEARCH).respond(200, json={"isSuccess": True, "value": {"total": 0, "result": []}})

    pages = await harvest(make_client(router))

    assert len(pages) == 1
    assert pages[0].records == []
    assert pages[0].is_last is True


async def test_odd_items_are_rejected_without_crashing(make_client, router):
    payload = {
        "isSuccess": True,
        "value": {
            "total": 4,
            "result": [
                None,
                {"name": "Field Officer"},
                {"id": True, "name": 5},
                {
                    "id": "1010999",
                    "name": "Data Analyst",
                    "hostEntity": "UNFPA",
                    "country": "Nepal",
                    "dutyStations": "Kathmandu",
                    "volunteerType": {"label": "-"},
                    "duration": "long",
                    "expertiseAreas": [None, {"label": 3}],
                    "publishDate": "yesterday",
                    "sourcingEndDate": None,
                    "languages": [{"language": None}],
                },
            ],
        },
    }
    router.post(SEARCH).respond(200, json=payload)

    pages = await harvest(make_client(router), source_with(fetch_details=False))

    assert pages[0].rejected == [
        RejectedRecord(external_id=None, reason="item is not an object: None"),
        RejectedRecord(external_id=None, reason="missing id"),
        RejectedRecord(external_id=None, reason="missing id, name"),
    ]
    [analyst] = pages[0].records
    assert analyst.duty_station == "Nepal"
    assert analyst.country == "Nepal"
    assert analyst.grade is None
    assert analyst.extra == {
        "host_entity": "UNFPA",
        "unparsed_dates": {"publishDate": "yesterday"},
    }


# --- listing entries seen before ----------------------------------------------------------


async def test_a_detail_is_not_read_again_while_the_listing_entry_is_unchanged():
    first = CountingSite(load_site("unv"))
    pages = await harvest(first.client())
    fingerprints = {
        key: value for page in pages for key, value in page.listing_fingerprints.items()
    }
    assert fingerprints.keys() == records(pages).keys()
    assert len(first.requests) == 14

    second = CountingSite(load_site("unv"))
    known = {
        "1010421": fingerprints["1010421"],
        "1010392": fingerprints["1010392"],
        "1010315": "0" * 32,  # listed otherwise than at the last harvest
    }
    pages = await harvest(second.client(), replace(SOURCE, known=known))

    assert [page.unchanged for page in pages] == [["1010421", "1010392"], []]
    assert records(pages).keys() == fingerprints.keys() - {"1010421", "1010392"}
    assert set(first.requests) - set(second.requests) == {
        "/api/doa/doa/1010421?",
        "/api/doa/doa/1010392?",
    }
    assert len(second.requests) == len(first.requests) - 2 == 12
    assert "/api/doa/doa/1010315?" in second.requests
    assert records(pages)["1010315"].grade
    assert pages[1].listing_fingerprints == {"1010315": fingerprints["1010315"]}
    # Rejections are unaffected (their ids have no fingerprint to match).
    assert [r.external_id for page in pages for r in page.rejected] == [
        "1010398",
        "1010331",
        "1010327",
    ]

    # Without details the memo is not used: nothing is skipped, nothing fingerprinted.
    pages = await harvest(
        load_site("unv").client(), replace(source_with(fetch_details=False), known=known)
    )
    assert [page.unchanged for page in pages] == [[], []]
    assert [page.listing_fingerprints for page in pages] == [{}, {}]
    assert {"1010421", "1010392"} <= records(pages).keys()
