"""The Taleo career-section adapter against recorded sites in the observed shape."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import respx

from scrapers.base import SourceConfig, parse_params
from scrapers.http import PoliteClient
from scrapers.records import RejectedRecord, SourceError
from scrapers.taleo import TaleoAdapter, TaleoParams, fill_list_values, request_body, taleo_date
from tests.recorded_sites import CountingSite, load_site

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "taleo"
WHO_HOST = "https://careers.who.int"
SEARCH = f"{WHO_HOST}/careersection/rest/jobboard/searchjobs"

# The params of /tmp/issue5/taleo.toml, which the full-harvest test uses.
WHO = SourceConfig(
    id="who-taleo",
    adapter="taleo",
    base_url=WHO_HOST,
    organization="WHO",
    params={
        "section": "ex",
        "portal": "101430233",
        "columns": [
            "title",
            "contest_no",
            "duty_station",
            "grade",
            "contract_type",
            "deadline",
            "organization_unit",
        ],
        "max_pages": 40,
    },
)
FAO = SourceConfig(
    id="fao-taleo",
    adapter="taleo",
    base_url="https://jobs.fao.org",
    organization="FAO",
    params={
        "section": "fao_external",
        "portal": "8105120163",
        "columns": [
            "title",
            "contest_no",
            "category",
            "contract_type",
            "duty_station",
            "posted",
            "deadline",
        ],
        "detail_fields": {"grade": 22, "organization_unit": 16},
        "max_pages": 40,
    },
)
ADB = SourceConfig(
    id="adb-taleo",
    adapter="taleo",
    base_url="https://adb.taleo.net",
    organization="ADB",
    params={
        "section": "1",
        "columns": ["title", "duty_station", "posted"],
        "detail_fields": {
            "grade": 26,
            "deadline": 31,
            "organization_unit": 18,
            "division": 20,
            "contract_type": 24,
        },
        "max_pages": 20,
    },
)


async def harvest(client, source: SourceConfig):
    return [page async for page in TaleoAdapter().pages(source, client)]


async def harvest_site(source: SourceConfig):
    async with load_site(source.id).client() as client:
        return await harvest(client, source)


def records(pages):
    return {record.external_id: record for page in pages for record in page.records}


def with_params(source: SourceConfig, **params) -> SourceConfig:
    return SourceConfig(
        id=source.id,
        adapter=source.adapter,
        base_url=source.base_url,
        organization=source.organization,
        params={**source.params, **params},
    )


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.fixture
def router() -> respx.Router:
    return respx.Router()


def polite(router: respx.Router) -> PoliteClient:
    return PoliteClient(
        transport=httpx.MockTransport(router.async_handler), delay=0, obey_robots=False
    )


# --- recorded sites ----------------------------------------------------------------------


@pytest.mark.parametrize("source", [WHO, FAO, ADB], ids=lambda source: source.id)
async def test_a_harvest_yields_the_counts_recorded_for_the_site(source):
    pages = await harvest_site(source)

    expected = load_site(source.id).expected
    assert sum(len(page.records) for page in pages) == expected["records"]
    assert sum(len(page.rejected) for page in pages) == expected["rejected"]
    assert [page.is_last for page in pages] == [False, True]


async def test_pages_follow_page_numbers_with_the_documented_body(router):
    route = router.post(SEARCH).mock(
        side_effect=[
            httpx.Response(200, content=fixture("who_search_1.json")),
            httpx.Response(200, content=fixture("who_search_2.json")),
        ]
    )

    pages = await harvest(polite(router), with_params(WHO, fetch_details=False))

    assert [len(page.records) for page in pages] == [5, 2]
    assert [page.url for page in pages] == [
        f"{SEARCH}?lang=en&portal=101430233&pageNo=1",
        f"{SEARCH}?lang=en&portal=101430233&pageNo=2",
    ]
    first = route.calls[0].request
    assert first.url == f"{SEARCH}?lang=en&portal=101430233"
    assert first.headers["tz"] == "GMT+00:00"
    assert first.headers["tzname"] == "UTC"
    assert json.loads(first.content) == {
        "multilineEnabled": False,
        "sortingSelection": {"sortBySelectionParam": "3", "ascendingSortingOrder": "false"},
        "fieldData": {"fields": {"KEYWORD": "", "LOCATION": ""}, "valid": True},
        "filterSelectionParam": {"searchFilterSelections": []},
        "advancedSearchFiltersSelectionParam": {"searchFilterSelections": []},
        "pageNo": 1,
    }
    assert json.loads(route.calls[1].request.content)["pageNo"] == 2


async def test_a_who_requisition_is_read_from_its_columns_and_detail():
    pages = await harvest_site(WHO)

    record = records(pages)["2608412"]
    assert record.title == "Technical Officer (Immunization Data)"
    assert record.url == f"{WHO_HOST}/careersection/ex/jobdetail.ftl?job=2608412&lang=en"
    assert record.organization == "WHO"
    assert record.grade == "P4"
    assert record.duty_station == "Switzerland-Geneva"
    assert record.deadline == datetime(2026, 12, 4, 22, 59, tzinfo=UTC)
    assert record.posted_at is None
    assert record.description_html == (
        "<p><b>OBJECTIVES OF THE PROGRAMME</b></p><p>The HQ/IVB Immunization, Vaccines and "
        "Biologicals of WHO is recruiting a Technical Officer (Immunization Data).</p><p><b>"
        "DESCRIPTION OF DUTIES</b></p><ul><li>Coordinate technical work with Member States."
        "</li><li>Prepare reports and guidance documents.</li></ul>\n<p><b>REQUIRED "
        "QUALIFICATIONS</b></p><ul><li>Advanced university degree in public health or a "
        "related field.</li><li>Excellent knowledge of English.</li></ul>"
    )
    assert record.extra == {
        "contest_no": "2608412",
        "job_id": "3498412",
        "contract_type": "Fixed-term appointment",
        "organization_unit": "HQ/IVB Immunization, Vaccines and Biologicals",
    }


async def test_several_locations_keep_the_first_as_duty_station():
    pages = await harvest_site(WHO)

    record = records(pages)["2608377"]
    assert record.duty_station == "Egypt-Cairo"
    assert record.extra["locations"] == ["Egypt-Cairo", "Jordan-Amman"]


async def test_a_posting_no_longer_available_is_rejected():
    pages = await harvest_site(WHO)

    assert pages[0].rejected == [
        RejectedRecord(
            external_id="2608350", reason="detail page says the posting is no longer available"
        )
    ]


async def test_fao_reads_grade_from_the_detail_and_dates_day_first():
    pages = await harvest_site(FAO)
    found = records(pages)

    record = found["2603978"]
    assert (record.title, record.grade, record.duty_station) == (
        "Food Standards Officer",
        "P-4",
        "Italy-Rome",
    )
    assert record.posted_at == datetime(2026, 11, 12, tzinfo=UTC)
    assert record.deadline == datetime(2026, 12, 3, 22, 59, tzinfo=UTC)
    assert record.extra["category"] == "Staff opportunities"
    assert record.extra["contract_type"] == "Professional"
    assert record.extra["organization_unit"] == "CJW"
    # A closing day without a time is open through that day.
    assert found["2603940"].deadline == datetime(2026, 11, 27, 23, 59, 59, tzinfo=UTC)
    # A non-staff post has no grade in the detail.
    assert found["2603955"].grade is None
    assert pages[1].rejected == [RejectedRecord(external_id="2603921", reason="missing title")]


async def test_adb_reads_the_portal_from_the_section_page_and_its_detail_positions():
    pages = await harvest_site(ADB)
    found = records(pages)

    record = found["260045"]
    assert record.title == "Senior Investment Specialist"
    assert record.url == "https://adb.taleo.net/careersection/1/jobdetail.ftl?job=260045&lang=en"
    assert record.organization == "ADB"
    assert record.grade == "TI2"
    assert record.duty_station == "Philippines-Manila"
    assert record.posted_at == datetime(2026, 11, 16, tzinfo=UTC)
    assert record.deadline == datetime(2026, 12, 2, 15, 59, tzinfo=UTC)
    assert record.description_html is not None
    assert record.description_html.startswith(
        "<h4>Join Our Mission to Foster Prosperity in Asia</h4>"
    )
    assert "Equity Investments Unit (EIU)" in record.description_html
    assert record.extra["organization_unit"] == "Private Sector Operations Department"
    assert record.extra["division"] == "Equity Investments Unit"
    assert record.extra["contract_type"] == "Technical International"
    assert found["260497"].extra["contract_type"] == "Technical International (Field Office)"


async def test_an_unreadable_detail_page_rejects_only_that_requisition():
    pages = await harvest_site(ADB)

    assert pages[1].rejected == [
        RejectedRecord(
            external_id="260512",
            reason="detail page has no requisitionDescriptionInterface payload",
        )
    ]


async def test_a_missing_detail_is_rejected(router):
    router.post(SEARCH).respond(200, content=fixture("who_search_2.json"))
    router.get(url__startswith=f"{WHO_HOST}/careersection/ex/jobdetail.ftl").respond(404)

    pages = await harvest(polite(router), WHO)

    assert [rejected.external_id for rejected in pages[0].rejected] == ["2608330", "2608302"]
    assert all("returned status 404" in rejected.reason for rejected in pages[0].rejected)


async def test_the_detail_request_asks_for_utc(router):
    router.post(SEARCH).respond(200, content=fixture("who_search_2.json"))
    detail = router.get(url__startswith=f"{WHO_HOST}/careersection/ex/jobdetail.ftl").respond(
        200, content=fixture("who_detail_2608330.html"), headers={"Content-Type": "text/html"}
    )

    await harvest(polite(router), WHO)

    params = detail.calls[0].request.url.params
    assert dict(params) == {"job": "2608330", "lang": "en", "tz": "GMT+00:00", "tzname": "UTC"}


# --- changed shapes ----------------------------------------------------------------------


async def test_an_empty_listing_is_one_complete_page(router):
    router.post(SEARCH).respond(
        200,
        json={
            "requisitionList": [],
            "pagingData": {"currentPageNo": 1, "pageSize": 25, "totalCount": 0},
        },
    )

    pages = await harvest(polite(router), WHO)

    assert len(pages) == 1
    assert pages[0].records == [] and pages[0].is_last is True


async def test_a_renamed_requisition_list_raises(router):
    payload = json.loads(fixture("who_search_1.json"))
    payload["requisitions"] = payload.pop("requisitionList")
    router.post(SEARCH).respond(200, json=payload)

    with pytest.raises(SourceError) as raised:
        await harvest(polite(router), WHO)

    assert (
        str(raised.value) == "taleo: response for source 'who-taleo' has no 'requisitionList' list"
    )


async def test_a_missing_total_raises(router):
    payload = json.loads(fixture("who_search_1.json"))
    del payload["pagingData"]
    router.post(SEARCH).respond(200, json=payload)

    with pytest.raises(SourceError) as raised:
        await harvest(polite(router), WHO)

    assert str(raised.value) == (
        "taleo: response for source 'who-taleo' has no 'pagingData.totalCount' number"
    )


async def test_an_unavailable_career_section_raises(router):
    router.post(SEARCH).respond(200, json={"careerSectionUnAvailable": True})

    with pytest.raises(SourceError) as raised:
        await harvest(polite(router), WHO)

    assert str(raised.value) == (
        "taleo: source 'who-taleo': the career section is unavailable "
        "(wrong portal number, or maintenance)"
    )


async def test_a_login_page_instead_of_json_raises(router):
    router.post(SEARCH).respond(
        200,
        text="<html><head><title>Sign In</title></head><body><form action='login.jsf'>"
        "<input type='password' name='password'></form></body></html>",
        headers={"Content-Type": "text/html;charset=UTF-8"},
    )

    with pytest.raises(SourceError) as raised:
        await harvest(polite(router), WHO)

    message = str(raised.value)
    assert message.startswith(f"taleo: expected JSON for source 'who-taleo' from {SEARCH}")
    assert "got an HTML page (status 200, content-type text/html)" in message


async def test_an_html_page_labelled_as_json_raises(router):
    router.post(SEARCH).respond(
        200,
        content=fixture("who_detail_2608350.html"),
        headers={"Content-Type": "application/json"},
    )

    with pytest.raises(SourceError, match=r"^taleo: expected JSON .* HTML page"):
        await harvest(polite(router), WHO)


async def test_a_truncated_listing_raises(router):
    router.post(SEARCH).respond(200, content=fixture("who_search_1.json")[:700])

    with pytest.raises(
        SourceError, match=r"^taleo: response for source 'who-taleo' .* not valid JSON"
    ):
        await harvest(polite(router), WHO)


async def test_odd_requisitions_do_not_crash(router):
    router.post(SEARCH).respond(
        200,
        json={
            "requisitionList": [
                "2600001",
                {"contestNo": "2600002", "column": "Technical Officer"},
                {"column": ["Technical Officer"]},
                {"contestNo": 2600004, "column": [None, "2600004", 7]},
            ],
            "pagingData": {"totalCount": 4},
        },
    )

    pages = await harvest(polite(router), with_params(WHO, fetch_details=False))

    assert pages[0].records == []
    assert pages[0].rejected == [
        RejectedRecord(reason="requisition is not an object: '2600001'"),
        RejectedRecord(external_id="2600002", reason="missing title"),
        RejectedRecord(reason="missing contestNo/jobId"),
        RejectedRecord(external_id="2600004", reason="missing title"),
    ]


async def test_a_section_page_without_portal_number_raises(router):
    router.get("https://adb.taleo.net/careersection/1/jobsearch.ftl").respond(
        200, text="<html><body>Sign in</body></html>", headers={"Content-Type": "text/html"}
    )

    with pytest.raises(SourceError) as raised:
        await harvest(polite(router), ADB)

    assert str(raised.value) == (
        "taleo: section page https://adb.taleo.net/careersection/1/jobsearch.ftl of source "
        "'adb-taleo' declares no portal number; set the 'portal' param"
    )


async def test_a_listing_longer_than_max_pages_raises():
    pages = []
    async with load_site("who-taleo").client() as client:
        with pytest.raises(SourceError) as raised:
            async for page in TaleoAdapter().pages(with_params(WHO, max_pages=1), client):
                pages.append(page)

    assert len(pages) == 1
    assert str(raised.value) == (
        "taleo: source 'who-taleo' has more than 1 pages; raise max_pages or narrow the search"
    )


# --- configuration ---------------------------------------------------------------------


async def test_a_missing_section_is_refused(router):
    source = SourceConfig(id="who-taleo", adapter="taleo", base_url=WHO_HOST, params={})

    with pytest.raises(SourceError) as raised:
        await harvest(polite(router), source)

    assert str(raised.value) == "taleo: invalid params for source 'who-taleo': missing section"


async def test_unknown_params_are_refused(router):
    with pytest.raises(SourceError) as raised:
        await harvest(polite(router), with_params(WHO, portalNo="1"))

    assert str(raised.value) == "taleo: invalid params for source 'who-taleo': unknown key portalNo"


async def test_columns_without_a_title_are_refused(router):
    with pytest.raises(SourceError) as raised:
        await harvest(polite(router), with_params(WHO, columns=["contest_no", "grade"]))

    assert str(raised.value) == (
        "taleo: invalid params for source 'who-taleo': columns name no 'title'"
    )


def test_keyword_and_filters_go_into_the_body():
    params = parse_params(
        "taleo",
        TaleoParams,
        with_params(
            WHO,
            keyword="health",
            search_filters=[{"id": "JOB_LEVEL", "selectedValues": ["P4"]}],
        ),
    )

    body = request_body(params, 3)
    assert body["fieldData"]["fields"]["KEYWORD"] == "health"
    assert body["filterSelectionParam"] == {
        "searchFilterSelections": [{"id": "JOB_LEVEL", "selectedValues": ["P4"]}]
    }
    assert body["pageNo"] == 3


def test_the_fill_list_array_is_read_as_javascript_strings():
    page = (
        "<script>api.fillList('requisitionDescriptionInterface', 'descRequisition', "
        "['1','Pilot\\'s Assistant','\\x41\\u00e9','back\\\\slash']);</script>"
    )

    assert fill_list_values(page) == ["1", "Pilot's Assistant", "Aé", "back\\slash"]
    assert (
        fill_list_values("api.fillList('requisitionDescriptionInterface','descRequisition',['x")
        is None
    )
    assert fill_list_values("<p>nothing</p>") is None
    assert (
        fill_list_values("api.fillList('requisitionDescriptionInterface','descRequisition',[4])")
        is None
    )


def test_taleo_dates():
    assert taleo_date("Dec 4, 2026, 10:59:00 PM") == datetime(2026, 12, 4, 22, 59, tzinfo=UTC)
    assert taleo_date("03/12/2026") == datetime(2026, 12, 3, tzinfo=UTC)
    assert taleo_date("03/12/2026", end_of_day=True) == datetime(
        2026, 12, 3, 23, 59, 59, tzinfo=UTC
    )
    assert taleo_date("03-Jun-2026, 11:59:00 PM") == datetime(2026, 6, 3, 23, 59, tzinfo=UTC)
    assert taleo_date("Ongoing") is None
    assert taleo_date(None) is None


# --- listing entries seen before ----------------------------------------------------------


DETAIL_REQUEST = r"jobdetail\.ftl\?job=(\w+)"
"""Group 1: the id whose detail a request asks for."""


async def test_a_detail_is_not_read_again_while_the_listing_entry_is_unchanged():
    first = CountingSite(load_site("who-taleo"))
    async with first.client() as client:
        pages = await harvest(client, WHO)
    fingerprints = {
        key: value for page in pages for key, value in page.listing_fingerprints.items()
    }
    assert fingerprints.keys() == records(pages).keys()
    assert len(first.requests) == 9

    second = CountingSite(load_site("who-taleo"))
    known = {
        "2608412": fingerprints["2608412"],
        "2608377": fingerprints["2608377"],
        "2608330": "0" * 32,  # listed otherwise than at the last harvest
    }
    async with second.client() as client:
        pages = await harvest(client, replace(WHO, known=known))

    assert [page.unchanged for page in pages] == [["2608412", "2608377"], []]
    assert records(pages).keys() == fingerprints.keys() - {"2608412", "2608377"}
    assert second.matching(DETAIL_REQUEST) == [
        i for i in first.matching(DETAIL_REQUEST) if i not in ("2608412", "2608377")
    ]
    assert "2608330" in second.matching(DETAIL_REQUEST)
    assert len(second.requests) == len(first.requests) - 2 == 7
    assert records(pages)["2608330"].description_html
    assert pages[1].listing_fingerprints == {i: fingerprints[i] for i in ("2608330", "2608302")}
    assert [r.external_id for page in pages for r in page.rejected] == ["2608350"]

    # Without details the memo is not used: nothing is skipped, nothing fingerprinted.
    async with load_site("who-taleo").client() as client:
        pages = await harvest(client, replace(with_params(WHO, fetch_details=False), known=known))
    assert [page.unchanged for page in pages] == [[], []]
    assert [page.listing_fingerprints for page in pages] == [{}, {}]
    assert {"2608412", "2608377"} <= records(pages).keys()
