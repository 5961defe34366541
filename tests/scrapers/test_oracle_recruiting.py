"""The Oracle Recruiting Cloud adapter against recorded sites in the observed shape."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import respx

from scrapers.base import SourceConfig
from scrapers.http import PoliteClient
from scrapers.oracle_recruiting import (
    OracleRecruitingAdapter,
    closing_deadline,
    listing_entry,
    listing_query,
)
from scrapers.records import RejectedRecord, SourceError
from tests.recorded_sites import CountingSite, load_site

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "oracle_recruiting"
UNDP_HOST = "https://estm.fa.em2.oraclecloud.com"
IOM_HOST = "https://fa-evlj-saasfaprod1.fa.ocs.oraclecloud.com"
LISTING = f"{UNDP_HOST}/hcmRestApi/resources/latest/recruitingCEJobRequisitions"
DETAIL = f"{UNDP_HOST}/hcmRestApi/resources/latest/recruitingCEJobRequisitionDetails"

# The params of /tmp/issue5/oracle_recruiting.toml, which the full-harvest test uses.
UNDP = SourceConfig(
    id="undp-oracle",
    adapter="oracle_recruiting",
    base_url=UNDP_HOST,
    organization="UNDP",
    params={"site_number": "CX_1", "limit": 10, "max_pages": 80},
)
IOM = SourceConfig(
    id="iom-oracle",
    adapter="oracle_recruiting",
    base_url=IOM_HOST,
    organization="IOM",
    params={
        "site_number": "CX_1001",
        "limit": 5,
        "max_pages": 80,
        "grade_prompts": ["Grade", "Position Grade"],
        "contract_prompts": ["Type of Appointment", "Vacancy Type", "Contract Type"],
    },
)


async def harvest(client, source: SourceConfig):
    return [page async for page in OracleRecruitingAdapter().pages(source, client)]


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


@pytest.fixture
def router() -> respx.Router:
    return respx.Router()


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


# --- recorded sites ----------------------------------------------------------------------


@pytest.mark.parametrize("source", [UNDP, IOM], ids=lambda source: source.id)
async def test_a_harvest_yields_the_counts_recorded_for_the_site(source):
    pages = await harvest_site(source)

    expected = load_site(source.id).expected
    assert sum(len(page.records) for page in pages) == expected["records"]
    assert sum(len(page.rejected) for page in pages) == expected["rejected"]
    assert [page.is_last for page in pages] == [False, True]


async def test_pages_follow_the_offset_inside_the_finder():
    pages = await harvest_site(UNDP)

    assert [len(page.records) + len(page.rejected) for page in pages] == [10, 2]
    assert [page.url for page in pages] == [
        f"{LISTING}?offset=0&limit=10",
        f"{LISTING}?offset=10&limit=10",
    ]
    assert listing_query(read_params(UNDP), 10) == {
        "onlyData": "true",
        "expand": "requisitionList.secondaryLocations,flexFieldsFacet.values",
        "finder": (
            "findReqs;siteNumber=CX_1,facetsList=LOCATIONS;WORK_LOCATIONS;WORKPLACE_TYPES;"
            "TITLES;CATEGORIES;ORGANIZATIONS;POSTING_DATES;FLEX_FIELDS,limit=10,offset=10,"
            "sortBy=POSTING_DATES_DESC"
        ),
    }


def read_params(source: SourceConfig):
    from scrapers.base import parse_params
    from scrapers.oracle_recruiting import OracleRecruitingParams

    return parse_params("oracle_recruiting", OracleRecruitingParams, source)


async def test_a_posting_is_read_from_listing_and_detail():
    pages = await harvest_site(UNDP)

    record = records(pages)["27811"]
    assert record.title == (
        "Programme Associate (Open to external applicants), Pohnpei, Federated States of Micronesia"
    )
    assert record.url == (f"{UNDP_HOST}/hcmUI/CandidateExperience/en/sites/CX_1/job/27811")
    assert record.organization == "UNDP"
    assert record.grade == "NB3"
    assert record.duty_station == "Pohnpei, Federated States of Micronesia"
    assert record.country == "FM"
    assert record.posted_at == datetime(2026, 11, 18, tzinfo=UTC)
    assert record.deadline == datetime(2026, 12, 2, 23, 59, tzinfo=UTC)
    assert record.description_html is not None
    assert record.description_html.startswith(
        "<h3>Background</h3><p>The United Nations Development"
    )
    assert "<h3>Duties and Responsibilities</h3>" in record.description_html
    assert "Fluency in English and Pohnpeian" in record.description_html
    assert record.extra == {
        "requisition_id": "27811",
        "job_family": "Programme Management",
        "organization_unit": "UNDP Pacific Office in Fiji",
        "workplace_type": "On-site",
        "job_schedule": "Full time",
        "requisition_type": "STANDARD",
        "vacancy_type": "Fixed Term Appointment",
        "jpo": False,
        "practice_area": "Management",
        "contract_duration": "1 year with possibility of extension",
        "agency": "UNDP",
        "flex_fields": {
            "Agency": "UNDP",
            "Grade": "NB3",
            "Vacancy Type": "Fixed Term Appointment",
            "Practice Area": "Management",
            "Contract Duration": "1 year with possibility of extension",
        },
    }


async def test_other_agencies_posts_keep_their_agency_and_jpo_flag():
    pages = await harvest_site(UNDP)
    found = records(pages)

    assert (found["27806"].organization, found["27806"].grade) == ("UNCDF", "P2")
    assert found["27806"].extra["jpo"] is True
    assert found["27806"].extra["vacancy_type"] == "Junior Professional Officer (JPO)"
    assert (found["27802"].organization, found["27802"].extra["jpo"]) == ("UN Women", True)
    assert found["27795"].organization == "UNV"
    assert found["27809"].organization == "UNDP"


async def test_without_flex_fields_grade_agency_and_deadline_come_from_the_description():
    pages = await harvest_site(UNDP)

    record = records(pages)["27781"]
    assert record.duty_station == "Home-based"
    assert record.grade == "IPSA-11"
    assert record.organization == "UNDP"
    assert record.deadline == datetime(2026, 12, 8, 23, 59, 59)
    assert "flex_fields" not in record.extra


async def test_bad_postings_are_rejected_and_the_others_go_on():
    pages = await harvest_site(UNDP)

    assert pages[0].rejected == [RejectedRecord(external_id="27788", reason="missing Title")]
    assert len(pages[1].rejected) == 1
    rejection = pages[1].rejected[0]
    assert rejection.external_id == "27774"
    assert rejection.reason.startswith("detail not fetched: GET ")
    assert "returned status 404" in rejection.reason
    assert [record.external_id for record in pages[1].records] == ["27777"]


async def test_iom_site_reads_its_own_prompts_and_rejects_an_html_detail():
    pages = await harvest_site(IOM)
    found = records(pages)

    record = found["20418"]
    assert record.url == f"{IOM_HOST}/hcmUI/CandidateExperience/en/sites/CX_1001/job/20418"
    assert (record.organization, record.grade, record.duty_station) == (
        "IOM",
        "P-3",
        "Nairobi, Kenya",
    )
    assert record.deadline == datetime(2026, 12, 3, 23, 59, tzinfo=UTC)
    assert record.posted_at == datetime(2026, 11, 19, 11, 2, tzinfo=UTC)
    assert record.extra["vacancy_type"] == "Fixed Term, one year with possibility of extension"
    assert record.extra["contract_type"] == "Fixed Term"
    assert record.extra["organization_unit"] == "IOM Kenya"
    assert pages[1].rejected == [
        RejectedRecord(external_id="20399", reason="detail is an HTML page, not JSON")
    ]


async def test_without_details_the_listing_alone_makes_the_records():
    pages = await harvest_site(with_params(UNDP, fetch_details=False))

    found = records(pages)
    assert len(found) == 11
    record = found["27811"]
    assert record.description_html == "The Programme Associate supports the UNDP FSM programme."
    assert record.deadline is None
    assert record.posted_at == datetime(2026, 11, 18)
    assert record.grade is None


async def test_a_detail_for_another_posting_is_rejected(router):
    listing = json.loads(fixture("undp_listing_2.json"))
    router.get(LISTING).respond(200, json=listing)
    router.get(DETAIL).respond(200, content=fixture("undp_detail_27811.json"))

    pages = await harvest(make_polite(router), UNDP)

    assert pages[0].rejected == [
        RejectedRecord(external_id="27777", reason="detail answers for another posting (27811)"),
        RejectedRecord(external_id="27774", reason="detail answers for another posting (27811)"),
    ]


def make_polite(router):

    return PoliteClient(
        transport=httpx.MockTransport(router.async_handler), delay=0, obey_robots=False
    )


# --- changed shapes ----------------------------------------------------------------------


async def test_an_empty_listing_is_one_complete_page(router):
    router.get(LISTING).respond(
        200, json={"items": [{"TotalJobsCount": 0, "requisitionList": []}], "count": 1}
    )

    pages = await harvest(make_polite(router), UNDP)

    assert len(pages) == 1
    assert pages[0].records == [] and pages[0].is_last is True


async def test_a_renamed_requisition_list_raises(router):
    listing = json.loads(fixture("undp_listing_1.json"))
    listing["items"][0]["requisitions"] = listing["items"][0].pop("requisitionList")
    router.get(LISTING).respond(200, json=listing)

    with pytest.raises(SourceError) as raised:
        await harvest(make_polite(router), UNDP)

    assert str(raised.value) == (
        "oracle_recruiting: response for source 'undp-oracle' has no 'requisitionList' list"
    )


async def test_a_missing_total_raises(router):
    listing = json.loads(fixture("undp_listing_1.json"))
    del listing["items"][0]["TotalJobsCount"]
    router.get(LISTING).respond(200, json=listing)

    with pytest.raises(SourceError, match=r"has no 'TotalJobsCount' number$"):
        await harvest(make_polite(router), UNDP)


async def test_a_payload_without_items_raises(router):
    router.get(LISTING).respond(200, json={"data": []})

    with pytest.raises(SourceError) as raised:
        await harvest(make_polite(router), UNDP)

    assert (
        str(raised.value)
        == "oracle_recruiting: response for source 'undp-oracle' has no 'items' list"
    )


async def test_a_login_page_instead_of_json_raises(router):
    router.get(LISTING).respond(
        200,
        text=(
            "<!DOCTYPE html><html><head><title>Sign In</title></head><body>"
            "<form action='/oam/server/auth_cred_submit'><input name='password'></form>"
            "</body></html>"
        ),
        headers={"Content-Type": "text/html; charset=UTF-8"},
    )

    with pytest.raises(SourceError) as raised:
        await harvest(make_polite(router), UNDP)

    assert str(raised.value).startswith(
        "oracle_recruiting: expected JSON listing for source 'undp-oracle' from "
    )
    assert "got an HTML page (status 200, content-type text/html)" in str(raised.value)


async def test_an_html_page_labelled_as_json_raises(router):
    router.get(LISTING).respond(
        200,
        content=fixture("iom_detail_maintenance.html"),
        headers={"Content-Type": "application/json"},
    )

    with pytest.raises(
        SourceError, match=r"^oracle_recruiting: expected JSON listing .* HTML page"
    ):
        await harvest(make_polite(router), UNDP)


async def test_a_truncated_listing_raises(router):
    router.get(LISTING).respond(200, content=fixture("undp_listing_1.json")[:900])

    with pytest.raises(
        SourceError,
        match=r"^oracle_recruiting: listing for source 'undp-oracle' .* is not valid JSON",
    ):
        await harvest(make_polite(router), UNDP)


async def test_odd_postings_do_not_crash(router):
    router.get(LISTING).respond(
        200,
        json={
            "items": [
                {
                    "TotalJobsCount": 4,
                    "requisitionList": [
                        "27000",
                        {"Id": None, "Title": "X"},
                        {"Id": 5, "Title": ""},
                        {"Id": True},
                    ],
                }
            ]
        },
    )

    pages = await harvest(make_polite(router), with_params(UNDP, fetch_details=False))

    assert pages[0].records == []
    assert pages[0].rejected == [
        RejectedRecord(reason="posting is not an object: '27000'"),
        RejectedRecord(reason="missing Id"),
        RejectedRecord(external_id="5", reason="missing Title"),
        RejectedRecord(reason="missing Id, Title"),
    ]


async def test_a_listing_longer_than_max_pages_raises():
    async with load_site("undp-oracle").client() as client:
        pages = []
        with pytest.raises(SourceError) as raised:
            async for page in OracleRecruitingAdapter().pages(
                with_params(UNDP, max_pages=1), client
            ):
                pages.append(page)

    assert len(pages) == 1
    assert str(raised.value) == (
        "oracle_recruiting: source 'undp-oracle' has more than 1 pages of 10 postings; "
        "raise max_pages or narrow the search"
    )


async def test_a_failing_listing_fails_the_run(router):
    router.get(LISTING).respond(404, text="Not Found")

    with pytest.raises(SourceError, match="returned status 404"):
        await harvest(make_polite(router), UNDP)


# --- configuration ---------------------------------------------------------------------


async def test_a_missing_site_number_is_refused(router):
    source = SourceConfig(id="undp-oracle", adapter="oracle_recruiting", base_url=UNDP_HOST)

    with pytest.raises(SourceError) as raised:
        await harvest(make_polite(router), source)

    assert str(raised.value) == (
        "oracle_recruiting: invalid params for source 'undp-oracle': missing site_number"
    )


async def test_unknown_params_are_refused(router):
    with pytest.raises(SourceError) as raised:
        await harvest(make_polite(router), with_params(UNDP, site="CX_1"))

    assert str(raised.value) == (
        "oracle_recruiting: invalid params for source 'undp-oracle': unknown key site"
    )


def test_keyword_and_extra_finder_attributes_go_into_the_finder():
    source = with_params(
        UNDP, keyword="climate", finder_extra={"selectedCategoriesFacet": "300000"}
    )

    assert listing_query(read_params(source), 0)["finder"] == (
        "findReqs;siteNumber=CX_1,facetsList=LOCATIONS;WORK_LOCATIONS;WORKPLACE_TYPES;TITLES;"
        'CATEGORIES;ORGANIZATIONS;POSTING_DATES;FLEX_FIELDS,keyword="climate",'
        "selectedCategoriesFacet=300000,limit=10,offset=0,sortBy=POSTING_DATES_DESC"
    )


def test_closing_days_mean_through_that_day():
    assert closing_deadline("2026-12-04") == datetime(2026, 12, 4, 23, 59, 59)
    assert closing_deadline("2026-12-04T17:00:00+00:00") == datetime(2026, 12, 4, 17, tzinfo=UTC)
    assert closing_deadline("04 Dec 2026") == datetime(2026, 12, 4, 23, 59, 59)
    assert closing_deadline("soon") is None
    assert closing_deadline(None) is None


# --- listing entries seen before ----------------------------------------------------------


DETAIL_REQUEST = r'recruitingCEJobRequisitionDetails\?.*ById;Id="(\d+)"'
"""Group 1: the id whose detail a request asks for."""


async def test_a_detail_is_not_read_again_while_the_listing_entry_is_unchanged():
    first = CountingSite(load_site("undp-oracle"))
    async with first.client() as client:
        pages = await harvest(client, UNDP)
    fingerprints = {
        key: value for page in pages for key, value in page.listing_fingerprints.items()
    }
    assert fingerprints.keys() == records(pages).keys()
    assert len(first.requests) == 13

    second = CountingSite(load_site("undp-oracle"))
    known = {
        "27811": fingerprints["27811"],
        "27802": fingerprints["27802"],
        "27777": "0" * 32,  # listed otherwise than at the last harvest
    }
    async with second.client() as client:
        pages = await harvest(client, replace(UNDP, known=known))

    assert [page.unchanged for page in pages] == [["27811", "27802"], []]
    assert records(pages).keys() == fingerprints.keys() - {"27811", "27802"}
    assert [
        i for i in first.matching(DETAIL_REQUEST) if i not in ("27811", "27802")
    ] == second.matching(DETAIL_REQUEST)
    assert "27777" in second.matching(DETAIL_REQUEST)
    assert len(second.requests) == len(first.requests) - 2 == 11
    assert records(pages)["27777"].description_html
    assert pages[1].listing_fingerprints == {"27777": fingerprints["27777"]}
    assert [r.external_id for page in pages for r in page.rejected] == ["27788", "27774"]

    # Without details the memo is not used: nothing is skipped, nothing fingerprinted.
    async with load_site("undp-oracle").client() as client:
        pages = await harvest(client, replace(with_params(UNDP, fetch_details=False), known=known))
    assert [page.unchanged for page in pages] == [[], []]
    assert [page.listing_fingerprints for page in pages] == [{}, {}]
    assert {"27811", "27802"} <= records(pages).keys()


def test_the_listing_entry_leaves_out_what_changes_by_itself():
    item = {"Id": "1", "Title": "Analyst", "PostedDate": "2026-11-18", "Relevancy": 0.4}
    moved = {**item, "Relevancy": 0.9, "Distance": 12, "TrendingFlag": True}
    assert listing_entry(item) == listing_entry(moved)
    assert listing_entry(item) != listing_entry({**item, "Title": "Senior Analyst"})
