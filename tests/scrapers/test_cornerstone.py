"""The Cornerstone OnDemand adapter against the recorded WBG career site and inline payloads."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

import httpx
import pytest
import respx

from scrapers.base import SourceConfig
from scrapers.cornerstone import CornerstoneAdapter, closing_date, us_date
from scrapers.records import RejectedRecord, SourceError
from tests.recorded_sites import FIXTURES, CountingSite, load_site

HOST = "https://worldbankgroup.csod.com"
POD = "https://us.api.csod.com"
PAGE = f"{HOST}/ux/ats/careersite/1/home?c=worldbankgroup"
SEARCH = f"{POD}/rec-job-search/external/jobs"
LOCAL = "http://127.0.0.1:8765"

SOURCE = SourceConfig(
    id="worldbank-cornerstone",
    adapter="cornerstone",
    base_url=HOST,
    organization="WBG",
    params={"corp": "worldbankgroup", "career_site_id": 1, "page_size": 10},
)
RECORDED = SourceConfig(
    id="worldbank-cornerstone",
    adapter="cornerstone",
    base_url=LOCAL,
    organization="WBG",
    params={"corp": "worldbankgroup", "career_site_id": 1, "page_size": 10},
)
HOME = (FIXTURES / "cornerstone" / "careersite_home.html").read_text()
TOKEN = json.loads(HOME.split("csod.context=", 1)[1].split(";</script>", 1)[0])["token"]


async def harvest(client, source: SourceConfig = RECORDED):
    return [page async for page in CornerstoneAdapter().pages(source, client)]


def records_of(pages):
    return {record.external_id: record for page in pages for record in page.records}


@pytest.fixture
def router() -> respx.Router:
    return respx.Router()


def serve_home(router: respx.Router, body: str = HOME) -> respx.Route:
    return router.get(PAGE).respond(200, text=body, headers={"Content-Type": "text/html"})


def search_answer(requisitions, total=None) -> dict:
    return {
        "status": "Success",
        "data": {
            "totalCount": len(requisitions) if total is None else total,
            "requisitions": requisitions,
        },
    }


LISTED_ONLY = SourceConfig(
    id="worldbank-cornerstone",
    adapter="cornerstone",
    base_url=HOST,
    params={"corp": "worldbankgroup", "fetch_details": False},
)


# --- the recorded site ---------------------------------------------------------------------


async def test_a_full_harvest_yields_the_counts_the_site_expects():
    site = load_site("worldbank-cornerstone")

    pages = await harvest(site.client())

    assert sum(len(page.records) for page in pages) == site.expected["records"]
    assert sum(len(page.rejected) for page in pages) == site.expected["rejected"]
    assert [page.is_last for page in pages] == [False, True]
    assert [page.url for page in pages] == [
        f"{LOCAL}/rec-job-search/external/jobs?pageNumber=1&pageSize=10",
        f"{LOCAL}/rec-job-search/external/jobs?pageNumber=2&pageSize=10",
    ]


async def test_a_requisition_is_read_with_its_job_ad():
    records = records_of(await harvest(load_site("worldbank-cornerstone").client()))

    manager = records["38126"]
    assert manager.url == f"{LOCAL}/ux/ats/careersite/1/home/requisition/38126?c=worldbankgroup"
    assert manager.title == "WBG Manager, Operational Risk"
    assert manager.organization == "WBG"
    assert manager.grade == "GH"
    assert manager.duty_station == "Washington, DC"
    assert manager.country == "US"
    assert manager.posted_at == datetime(2026, 11, 18)
    assert manager.deadline == datetime(2026, 12, 7, 23, 59, tzinfo=UTC)
    assert manager.description_html.startswith("<p><b>Job #:</b> req38126<br>")
    assert manager.extra == {
        "job_number": "req38126",
        "organization_unit": "World Bank",
        "sector": "Risk Management",
        "term_duration": "3 years 0 months",
        "recruitment_type": "International Recruitment",
        "location": "Washington, DC,United States",
        "required_languages": "English",
        "closing_date_text": "12/7/2026 (MM/DD/YYYY) at 11:59pm UTC",
        "deadline_source": "ad",
        "career_site_id": 1,
    }


async def test_grades_duty_stations_and_units_differ_per_requisition():
    records = records_of(await harvest(load_site("worldbank-cornerstone").client()))

    assert {
        key: (records[key].grade, records[key].duty_station, records[key].country)
        for key in ("38131", "38160", "38171")
    } == {
        "38131": ("GC", "Washington, DC", "US"),
        "38160": ("GF", "Jakarta", "ID"),
        "38171": ("GF", "Istanbul", "TR"),
    }
    assert records["38171"].extra["organization_unit"] == "IFC"
    assert records["38164"].extra["locations"] == ["Warsaw, PL"]
    assert records["38131"].extra["recruitment_type"] == "Local Recruitment"


async def test_an_empty_ad_falls_back_to_the_listing():
    records = records_of(await harvest(load_site("worldbank-cornerstone").client()))

    assistant = records["38041"]
    assert assistant.grade is None
    assert assistant.deadline is None  # postingExpirationDate "-": open-ended
    assert assistant.description_html.startswith("Senior Conference Assistant: The World Bank")
    assert assistant.extra == {"career_site_id": 1}


async def test_a_missing_ad_or_title_rejects_only_that_requisition():
    pages = await harvest(load_site("worldbank-cornerstone").client())

    assert pages[1].rejected == [
        RejectedRecord(
            external_id="38177",
            reason=(
                f"job ad not read: GET {LOCAL}/Services/API/ATS/CareerSite/1/JobRequisitions/"
                "38177?useMobileAd=false&cultureId=1 returned status 404 Not Found: not recorded"
            ),
        ),
        RejectedRecord(external_id="38180", reason="missing displayJobTitle"),
    ]


# --- the live flow's hosts, token and request ----------------------------------------------


async def test_the_search_goes_to_the_pod_with_the_pages_token(make_client, router):
    serve_home(router)
    search = router.post(SEARCH).respond(
        200,
        json=search_answer(
            [
                {
                    "requisitionId": 38190,
                    "displayJobTitle": "Senior Financial Sector Specialist &amp; Team Lead",
                    "locations": [{"city": "Washington", "state": "DC", "country": "US"}],
                    "postingEffectiveDate": "11/21/2026",
                    "postingExpirationDate": "12/5/2026",
                    "externalDescription": "Lead the financial sector work program.",
                }
            ]
        ),
    )

    pages = await harvest(make_client(router), LISTED_ONLY)

    request = search.calls.last.request
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    body = json.loads(request.content)
    assert {key: body[key] for key in ("careerSiteId", "careerSitePageId", "pageNumber")} == {
        "careerSiteId": 1,
        "careerSitePageId": 1,
        "pageNumber": 1,
    }
    assert (body["pageSize"], body["cultureName"]) == (25, "en-US")
    record = pages[0].records[0]
    assert record.title == "Senior Financial Sector Specialist & Team Lead"
    assert record.url == f"{HOST}/ux/ats/careersite/1/home/requisition/38190?c=worldbankgroup"
    assert record.deadline == datetime(2026, 12, 5, 23, 59, 59)
    assert record.extra["deadline_source"] == "postingExpirationDate"
    assert pages[0].is_last is True


async def test_an_expired_token_is_read_again_once(make_client, router):
    home = serve_home(router)
    router.post(SEARCH).mock(
        side_effect=[httpx.Response(401), httpx.Response(200, json=search_answer([]))]
    )

    pages = await harvest(make_client(router), LISTED_ONLY)

    assert home.call_count == 2
    assert pages[0].is_last is True


async def test_a_page_without_csod_context_raises(make_client, router):
    serve_home(router, "<!DOCTYPE html><html><body>Site under maintenance</body></html>")

    with pytest.raises(SourceError) as raised:
        await harvest(make_client(router), SOURCE)

    assert str(raised.value) == (
        "cornerstone: career site page for source 'worldbank-cornerstone' has no "
        "'csod.context' (no token to call the job search with)"
    )


async def test_a_context_without_token_raises(make_client, router):
    serve_home(router, '<script>csod.context={"corp":"worldbankgroup","token":""};</script>')

    with pytest.raises(SourceError) as raised:
        await harvest(make_client(router), SOURCE)

    assert str(raised.value) == (
        "cornerstone: 'csod.context' on the career site page for source "
        "'worldbank-cornerstone' has no 'token'"
    )


async def test_a_page_naming_another_pod_asks_for_api_origin(make_client, router):
    serve_home(router, HOME.replace("https://us.api.csod.com/", "https://eu-fra.api.csod.com/"))

    with pytest.raises(SourceError) as raised:
        await harvest(make_client(router), SOURCE)

    assert str(raised.value) == (
        "cornerstone: career site page for source 'worldbank-cornerstone' names the API pod "
        "https://eu-fra.api.csod.com, not https://us.api.csod.com; set params.api_origin"
    )


# --- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12/3/2026 (MM/DD/YYYY) at 11:59pm UTC", datetime(2026, 12, 3, 23, 59, tzinfo=UTC)),
        ("12/3/2026 (MM/DD/YYYY) at 12:00am UTC", datetime(2026, 12, 3, 0, 0, tzinfo=UTC)),
        ("12/3/2026", datetime(2026, 12, 3, 23, 59, 59)),
        ("2/30/2026 (MM/DD/YYYY)", None),
        ("open until filled", None),
    ],
)
def test_closing_dates(text, expected):
    assert closing_date(text) == expected


def test_listing_dates_are_month_first():
    assert us_date("11/9/2026") == datetime(2026, 11, 9)
    assert us_date("12/5/2026", through_the_day=True) == datetime(2026, 12, 5, 23, 59, 59)
    assert us_date("-") is None
    assert us_date(None) is None


# --- configuration -------------------------------------------------------------------------


async def test_unknown_params_are_refused(make_client, router):
    source = SourceConfig(
        id="worldbank-cornerstone",
        adapter="cornerstone",
        base_url=HOST,
        params={"corp": "worldbankgroup", "pagesize": 10},
    )

    with pytest.raises(SourceError) as raised:
        await harvest(make_client(router), source)

    assert str(raised.value) == (
        "cornerstone: invalid params for source 'worldbank-cornerstone': unknown key pagesize"
    )


async def test_a_missing_corp_is_refused(make_client, router):
    source = SourceConfig(
        id="worldbank-cornerstone", adapter="cornerstone", base_url=HOST, params={}
    )

    with pytest.raises(SourceError) as raised:
        await harvest(make_client(router), source)

    assert str(raised.value) == (
        "cornerstone: invalid params for source 'worldbank-cornerstone': missing corp"
    )


# --- changed shapes --------------------------------------------------------------------------


async def test_a_renamed_requisitions_list_raises(make_client, router):
    serve_home(router)
    router.post(SEARCH).respond(200, json={"data": {"totalCount": 3, "jobs": []}})

    with pytest.raises(SourceError) as raised:
        await harvest(make_client(router), SOURCE)

    assert str(raised.value) == (
        "cornerstone: job search answer for source 'worldbank-cornerstone' has no "
        "'data.requisitions' list"
    )


async def test_an_answer_without_data_or_total_raises(make_client, router):
    serve_home(router)
    router.post(SEARCH).mock(
        side_effect=[
            httpx.Response(200, json={"requisitions": []}),
            httpx.Response(200, json={"data": {"requisitions": []}}),
        ]
    )

    with pytest.raises(SourceError, match=r"has no 'data' object$"):
        await harvest(make_client(router), SOURCE)
    with pytest.raises(SourceError, match=r"has no 'data\.totalCount' number$"):
        await harvest(make_client(router), SOURCE)


async def test_an_html_answer_raises(make_client, router):
    serve_home(router)
    router.post(SEARCH).respond(
        200,
        content=b"<!DOCTYPE html><html><head><title>Error</title></head><body>Oops</body></html>",
        headers={"Content-Type": "text/html"},
    )

    with pytest.raises(SourceError) as raised:
        await harvest(make_client(router), SOURCE)

    assert str(raised.value) == (
        "cornerstone: expected JSON job search answer for source 'worldbank-cornerstone' from "
        f"{SEARCH} but got an HTML page (status 200, content-type text/html)"
    )


async def test_a_login_page_instead_of_the_answer_raises(make_client, router):
    serve_home(router)
    router.post(SEARCH).respond(
        200,
        content=b"<html><head><title>Sign in</title></head><form id='login'></form></html>",
        headers={"Content-Type": "application/json"},
    )

    with pytest.raises(SourceError, match=r"^cornerstone: expected JSON job search answer"):
        await harvest(make_client(router), SOURCE)


async def test_truncated_json_raises(make_client, router):
    serve_home(router)
    router.post(SEARCH).respond(200, content=b'{"status":"Success","data":{"totalCount":12,"requ')

    with pytest.raises(SourceError) as raised:
        await harvest(make_client(router), SOURCE)

    assert str(raised.value).startswith(
        f"cornerstone: job search answer for source 'worldbank-cornerstone' from {SEARCH} "
        "is not valid JSON"
    )


async def test_an_empty_listing_is_one_complete_page(make_client, router):
    serve_home(router)
    router.post(SEARCH).respond(200, json=search_answer([]))

    pages = await harvest(make_client(router), SOURCE)

    assert [(page.records, page.rejected, page.is_last) for page in pages] == [([], [], True)]


async def test_odd_requisitions_and_ads_are_rejected_without_crashing(make_client, router):
    serve_home(router)
    router.post(SEARCH).respond(
        200,
        json=search_answer(
            [
                "38001",
                {"requisitionId": True, "displayJobTitle": "Analyst"},
                {"requisitionId": 38003, "displayJobTitle": "Analyst"},
            ]
        ),
    )
    router.get(f"{HOST}/Services/API/ATS/CareerSite/1/JobRequisitions/38003").respond(
        200, json={"data": []}
    )

    pages = await harvest(make_client(router), SOURCE)

    assert pages[0].records == []
    assert pages[0].rejected == [
        RejectedRecord(reason="requisition is not an object: '38001'"),
        RejectedRecord(reason="missing requisitionId"),
        RejectedRecord(
            external_id="38003",
            reason=(
                f"job ad {HOST}/Services/API/ATS/CareerSite/1/JobRequisitions/38003"
                "?useMobileAd=false&cultureId=1 has no 'data[0].items[0].fields' object"
            ),
        ),
    ]


async def test_a_listing_longer_than_max_pages_raises(make_client, router):
    serve_home(router)
    router.post(SEARCH).respond(
        200, json=search_answer([{"requisitionId": 1, "displayJobTitle": "A"}], total=50)
    )
    source = SourceConfig(
        id="worldbank-cornerstone",
        adapter="cornerstone",
        base_url=HOST,
        params={"corp": "worldbankgroup", "page_size": 1, "max_pages": 2, "fetch_details": False},
    )

    with pytest.raises(SourceError) as raised:
        await harvest(make_client(router), source)

    assert str(raised.value) == (
        "cornerstone: source 'worldbank-cornerstone' has more than 2 pages of 1 requisitions; "
        "raise max_pages"
    )


# --- listing entries seen before ----------------------------------------------------------


DETAIL_REQUEST = r"/JobRequisitions/(\d+)\?"
"""Group 1: the id whose detail a request asks for."""


async def test_a_job_ad_is_not_read_again_while_the_listing_entry_is_unchanged():
    site = load_site("worldbank-cornerstone")
    first = CountingSite(site)
    async with first.client() as client:
        listed = await harvest(client)
    fingerprints = {
        key: value for page in listed for key, value in page.listing_fingerprints.items()
    }
    assert fingerprints.keys() == records_of(listed).keys()
    assert len(first.requests) == 14

    second = CountingSite(site)
    known = {
        "38131": fingerprints["38131"],
        "38108": fingerprints["38108"],
        "38171": "0" * 32,  # listed otherwise than at the last harvest
    }
    async with second.client() as client:
        pages = await harvest(client, replace(RECORDED, known=known))

    assert [page.unchanged for page in pages] == [["38131", "38108"], []]
    assert records_of(pages).keys() == fingerprints.keys() - {"38131", "38108"}
    assert second.matching(DETAIL_REQUEST) == [
        i for i in first.matching(DETAIL_REQUEST) if i not in ("38131", "38108")
    ]
    assert "38171" in second.matching(DETAIL_REQUEST)
    assert len(second.requests) == len(first.requests) - 2 == 12
    assert records_of(pages)["38171"].grade
    assert pages[0].listing_fingerprints == {
        i: fingerprints[i] for i in fingerprints if i not in ("38131", "38108")
    }
    assert [page.rejected for page in pages] == [page.rejected for page in listed]

    # Without details the memo is not used: nothing is skipped, nothing fingerprinted.
    without = CountingSite(site)
    source = replace(RECORDED, params={**RECORDED.params, "fetch_details": False}, known=known)
    async with without.client() as client:
        pages = await harvest(client, source)
    assert [page.unchanged for page in pages] == [[], []]
    assert [page.listing_fingerprints for page in pages] == [{}, {}]
    assert {"38131", "38108"} <= records_of(pages).keys()
    assert without.matching(DETAIL_REQUEST) == []
