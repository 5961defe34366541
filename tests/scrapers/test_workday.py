"""The Workday CXS adapter against the recorded UNHCR and WFP sites and inline payloads."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import httpx
import pytest
import respx

from scrapers.base import SourceConfig
from scrapers.records import RejectedRecord, SourceError
from scrapers.workday import WorkdayAdapter, deadline_from_parts
from tests.recorded_sites import load_site

UNHCR_HOST = "https://unhcr.wd3.myworkdayjobs.com"
UNHCR_API = f"{UNHCR_HOST}/wday/cxs/unhcr/External"
WFP_HOST = "https://wd3.myworkdaysite.com"

UNHCR = SourceConfig(
    id="unhcr-workday",
    adapter="workday",
    base_url=UNHCR_HOST,
    organization="UNHCR",
    params={"tenant": "unhcr", "site": "External", "limit": 10},
)
WFP = SourceConfig(
    id="wfp-workday",
    adapter="workday",
    base_url=WFP_HOST,
    organization="WFP",
    params={
        "tenant": "wfp",
        "site": "job_openings",
        "limit": 10,
        "public_path": "/recruiting/wfp/job_openings",
    },
)


async def harvest(client, source: SourceConfig = UNHCR):
    return [page async for page in WorkdayAdapter().pages(source, client)]


def records_of(pages):
    return {record.external_id: record for page in pages for record in page.records}


@pytest.fixture
def router() -> respx.Router:
    return respx.Router()


# --- the recorded sites ----------------------------------------------------------------


@pytest.mark.parametrize("source", [UNHCR, WFP], ids=lambda source: source.id)
async def test_a_full_harvest_yields_the_counts_the_site_expects(source):
    site = load_site(source.id)

    pages = await harvest(site.client(), source)

    assert sum(len(page.records) for page in pages) == site.expected["records"]
    assert sum(len(page.rejected) for page in pages) == site.expected["rejected"]
    assert pages[-1].is_last is True


async def test_pages_follow_offsets_and_the_first_pages_total():
    pages = await harvest(load_site("unhcr-workday").client())

    assert [page.url for page in pages] == [
        f"{UNHCR_API}/jobs?offset=0&limit=10",
        f"{UNHCR_API}/jobs?offset=10&limit=10",
    ]
    # The second page says total 0, as Workday does: the first page's 13 stands.
    assert [(len(page.records), len(page.rejected)) for page in pages] == [(10, 0), (1, 2)]
    assert [page.is_last for page in pages] == [False, True]


async def test_listing_request_is_the_cxs_body(make_client, router, fixture_bytes):
    route = router.post(f"{UNHCR_API}/jobs").respond(
        200, json={"total": 0, "jobPostings": [], "facets": []}
    )
    source = SourceConfig(
        id="unhcr-workday",
        adapter="workday",
        base_url=UNHCR_HOST + "/en-GB/External",
        params={
            "tenant": "unhcr",
            "site": "External",
            "applied_facets": {"locationCountry": ["db69a0c8e4ba4c6e8b6c11a3c6a1d1a1"]},
        },
    )

    await harvest(make_client(router), source)

    request = route.calls.last.request
    assert request.headers["Accept"] == "application/json"
    assert json.loads(request.content) == {
        "appliedFacets": {"locationCountry": ["db69a0c8e4ba4c6e8b6c11a3c6a1d1a1"]},
        "limit": 20,
        "offset": 0,
        "searchText": "",
    }


async def test_a_unhcr_posting_is_read_from_its_detail():
    pages = await harvest(load_site("unhcr-workday").client())

    record = records_of(pages)["JR2667012"]
    assert record.url == (
        "https://unhcr.wd3.myworkdayjobs.com/External/job/Beirut-Lebanon/"
        "Senior-Protection-Officer_JR2667012"
    )
    assert record.title == "Senior Protection Officer"
    assert record.organization == "UNHCR"
    assert record.grade == "P4"
    assert record.duty_station == "Beirut, Lebanon"
    assert record.country == "LB"
    assert record.posted_at == datetime(2026, 11, 20)
    assert record.deadline == datetime(2026, 12, 4, 23, 59, 59)
    assert record.description_html.startswith("<p><b>Hardship Level</b></p><p>C</p>")
    assert record.extra == {
        "job_req_id": "JR2667012",
        "job_posting_id": "Senior-Protection-Officer_JR2667012",
        "posting_id": "6fffe0a1b2c3d4e5f60718293a4b5c6d00",
        "time_type": "Full time",
        "country_name": "Lebanon",
        "hiring_organization": "UNHCR",
        "posted_on": "Posted 2 Days Ago",
        "external_path": "/job/Beirut-Lebanon/Senior-Protection-Officer_JR2667012",
        "deadline_source": "description",
    }


async def test_grades_are_read_as_written_from_the_description():
    records = records_of(await harvest(load_site("unhcr-workday").client()))

    assert {key: records[key].grade for key in ("JR2665634", "JR2665746", "JR2561448")} == {
        "JR2665634": "GS-5",
        "JR2665746": "NOB",
        "JR2561448": "D2",
    }
    # The internship (the real UNHCR page's text) states no grade.
    assert records["JR2665301"].grade is None


async def test_the_real_unhcr_page_gives_a_us_style_deadline():
    records = records_of(await harvest(load_site("unhcr-workday").client()))

    intern = records["JR2665301"]
    assert intern.title == "Strategic Communications and Outreach Intern"
    assert intern.deadline == datetime(2026, 12, 8, 23, 59, 59)
    assert "Multi-Country Office Washington" in intern.description_html


async def test_a_multi_location_posting_takes_its_detail_location():
    records = records_of(await harvest(load_site("unhcr-workday").client()))

    posting = records["JR2665970"]
    assert posting.duty_station == "Nairobi, Kenya"
    assert posting.extra["additional_locations"] == ["Kampala, Uganda"]
    assert posting.deadline is None
    assert "deadline_source" not in posting.extra


async def test_a_missing_detail_or_path_rejects_only_that_posting():
    pages = await harvest(load_site("unhcr-workday").client())

    assert pages[1].rejected == [
        RejectedRecord(
            external_id="JR2665858",
            reason=(
                "detail not read: GET "
                f"{UNHCR_API}/job/Bangkok-Thailand/Legal-Officer-Statelessness_JR2665858 "
                "returned status 404 Not Found: not recorded"
            ),
        ),
        RejectedRecord(external_id="JR2667333", reason="missing externalPath"),
    ]


async def test_wfp_deadline_from_end_date_or_from_the_description_with_its_zone():
    records = records_of(await harvest(load_site("wfp-workday").client(), WFP))

    # endDate "2026-12-06": open through that day, zone not stated.
    assert records["JR117205"].deadline == datetime(2026, 12, 6, 23, 59, 59)
    assert records["JR117205"].extra["deadline_source"] == "endDate"
    # The real WFP page: "30 December 2026-23:59-GMT+01:00", no endDate.
    finance = records["JR116842"]
    assert finance.deadline == datetime(2026, 12, 30, 22, 59, tzinfo=UTC)
    assert finance.extra["deadline_source"] == "description"
    assert finance.grade == "G5"
    assert finance.duty_station == "Budapest"
    assert finance.country == "HU"
    assert finance.organization == "WFP"
    assert "Global Payments Solution Centre" in finance.description_html


async def test_wfp_urls_are_external_url_or_the_public_path():
    records = records_of(await harvest(load_site("wfp-workday").client(), WFP))

    assert records["JR117205"].url == (
        "https://wd3.myworkdaysite.com/recruiting/wfp/job_openings/job/Nairobi-Kenya/"
        "Programme-Policy-Officer-Nutrition-P3_JR117205"
    )
    # No externalUrl in this detail: built from base_url and public_path.
    assert records["JR117356"].url == (
        "https://wd3.myworkdaysite.com/recruiting/wfp/job_openings/job/Rome-Italy/"
        "Data-Scientist-P3_JR117356"
    )
    assert records["JR117356"].grade == "P3"


async def test_an_html_detail_rejects_that_posting():
    pages = await harvest(load_site("wfp-workday").client(), WFP)

    assert [rejected.external_id for rejected in pages[-1].rejected] == ["JR117412"]
    assert "got an HTML page" in pages[-1].rejected[0].reason
    assert pages[-1].is_last is True


async def test_without_details_the_listing_alone_is_read():
    source = SourceConfig(
        id="unhcr-workday",
        adapter="workday",
        base_url=UNHCR_HOST,
        organization="UNHCR",
        params={"tenant": "unhcr", "site": "External", "limit": 10, "fetch_details": False},
    )

    pages = await harvest(load_site("unhcr-workday").client(), source)

    records = records_of(pages)
    assert len(records) == 12
    legal = records["JR2665858"]
    assert legal.url == (
        f"{UNHCR_HOST}/External/job/Bangkok-Thailand/Legal-Officer-Statelessness_JR2665858"
    )
    assert legal.duty_station == "Bangkok, Thailand"
    assert legal.deadline is None
    assert legal.extra["posted_on"] == "Posted Today"
    # "2 Locations" is a count, not a duty station.
    assert records["JR2665970"].duty_station is None


async def test_a_detail_link_to_another_host_is_fetched_from_the_source_host(make_client, router):
    listing = {
        "total": 1,
        "jobPostings": [
            {
                "title": "Protection Officer P3",
                "externalPath": "https://evil.example/job/Amman-Jordan/Protection-Officer_JR1",
                "locationsText": "Amman, Jordan",
                "bulletFields": ["JR1"],
            }
        ],
    }
    router.post(f"{UNHCR_API}/jobs").respond(200, json=listing)
    detail = router.get(f"{UNHCR_API}/job/Amman-Jordan/Protection-Officer_JR1").respond(
        200, json={"jobPostingInfo": {"title": "Protection Officer P3", "jobReqId": "JR1"}}
    )

    pages = await harvest(make_client(router))

    assert detail.called
    assert pages[0].records[0].grade == "P3"
    assert (
        pages[0].records[0].url == f"{UNHCR_HOST}/External/job/Amman-Jordan/Protection-Officer_JR1"
    )


# --- deadlines and grades ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("date", "clock", "zone", "expected"),
    [
        ("12 December 2026", None, None, datetime(2026, 12, 12, 23, 59, 59)),
        ("December 4, 2026", None, None, datetime(2026, 12, 4, 23, 59, 59)),
        ("2026-12-04", "17:00", "UTC", datetime(2026, 12, 4, 17, 0, tzinfo=UTC)),
        ("4 December 2026", "23:59", "GMT-05:00", datetime(2026, 12, 5, 4, 59, tzinfo=UTC)),
        ("31 February 2026", None, None, None),
        ("4 December 2026", "25:00", None, None),
    ],
)
def test_deadline_lines_are_read(date, clock, zone, expected):
    assert deadline_from_parts(date, clock, zone) == expected


async def test_custom_grade_and_deadline_patterns(make_client, router):
    router.post(f"{UNHCR_API}/jobs").respond(
        200,
        json={
            "total": 1,
            "jobPostings": [{"title": "Economist", "externalPath": "/job/DC/Economist_R1"}],
        },
    )
    router.get(f"{UNHCR_API}/job/DC/Economist_R1").respond(
        200,
        json={
            "jobPostingInfo": {
                "title": "Economist",
                "jobDescription": "<p>Grade: A11-A13</p><p>Apply by: 2026-12-01</p>",
            }
        },
    )
    source = SourceConfig(
        id="imf-workday",
        adapter="workday",
        base_url=UNHCR_HOST,
        params={
            "tenant": "unhcr",
            "site": "External",
            "grade_regex": r"Grade:\s*(?P<grade>A\d+-A\d+)",
            "deadline_regex": r"Apply by:\s*(?P<date>\d{4}-\d{2}-\d{2})",
        },
    )

    pages = await harvest(make_client(router), source)

    record = pages[0].records[0]
    assert (record.external_id, record.grade) == ("R1", "A11-A13")
    assert record.deadline == datetime(2026, 12, 1, 23, 59, 59)


# --- configuration -----------------------------------------------------------------------


async def test_unknown_params_are_refused(make_client, router):
    source = SourceConfig(
        id="unhcr-workday",
        adapter="workday",
        base_url=UNHCR_HOST,
        params={"tenant": "unhcr", "site": "External", "limt": 20},
    )

    with pytest.raises(SourceError) as raised:
        await harvest(make_client(router), source)

    assert str(raised.value) == (
        "workday: invalid params for source 'unhcr-workday': unknown key limt"
    )


async def test_missing_site_and_a_too_large_limit_are_refused(make_client, router):
    source = SourceConfig(
        id="unhcr-workday",
        adapter="workday",
        base_url=UNHCR_HOST,
        params={"tenant": "unhcr", "limit": 50},
    )

    with pytest.raises(SourceError) as raised:
        await harvest(make_client(router), source)

    message = str(raised.value)
    assert message.startswith("workday: invalid params for source 'unhcr-workday': ")
    assert "missing site" in message
    assert "limit: Input should be less than or equal to 20" in message


async def test_a_deadline_pattern_without_a_date_group_is_refused(make_client, router):
    source = SourceConfig(
        id="unhcr-workday",
        adapter="workday",
        base_url=UNHCR_HOST,
        params={"tenant": "unhcr", "site": "External", "deadline_regex": "Closing (.*)"},
    )

    with pytest.raises(SourceError, match="deadline_regex: Value error, needs a named group"):
        await harvest(make_client(router), source)


# --- changed shapes ----------------------------------------------------------------------


async def test_a_renamed_postings_list_raises(make_client, router):
    router.post(f"{UNHCR_API}/jobs").respond(200, json={"total": 3, "postings": []})

    with pytest.raises(SourceError) as raised:
        await harvest(make_client(router))

    assert str(raised.value) == (
        "workday: response for source 'unhcr-workday' has no 'jobPostings' list"
    )


async def test_a_first_page_without_total_raises(make_client, router):
    router.post(f"{UNHCR_API}/jobs").respond(200, json={"jobPostings": []})

    with pytest.raises(SourceError) as raised:
        await harvest(make_client(router))

    assert str(raised.value) == (
        "workday: first listing page for source 'unhcr-workday' has no 'total' number"
    )


async def test_an_html_listing_raises(make_client, router):
    router.post(f"{UNHCR_API}/jobs").respond(
        200,
        content=b"<!DOCTYPE html><html><body>Workday is currently unavailable</body></html>",
        headers={"Content-Type": "text/html"},
    )

    with pytest.raises(SourceError) as raised:
        await harvest(make_client(router))

    assert str(raised.value) == (
        f"workday: expected JSON listing for source 'unhcr-workday' from {UNHCR_API}/jobs "
        "but got an HTML page (status 200, content-type text/html)"
    )


async def test_a_login_page_labelled_json_raises(make_client, router):
    router.post(f"{UNHCR_API}/jobs").respond(
        200,
        content=b"<html><head><title>Sign In</title></head><form action='/login'></form></html>",
        headers={"Content-Type": "application/json"},
    )

    with pytest.raises(SourceError, match=r"^workday: expected JSON listing .* got an HTML page"):
        await harvest(make_client(router))


async def test_truncated_json_raises(make_client, router):
    router.post(f"{UNHCR_API}/jobs").respond(
        200, content=b'{"total": 13, "jobPostings": [{"title": "Supply Off'
    )

    with pytest.raises(SourceError) as raised:
        await harvest(make_client(router))

    assert str(raised.value).startswith(
        f"workday: listing for source 'unhcr-workday' from {UNHCR_API}/jobs is not valid JSON"
    )


async def test_an_empty_listing_is_one_complete_page(make_client, router):
    router.post(f"{UNHCR_API}/jobs").respond(200, json={"total": 0, "jobPostings": []})

    pages = await harvest(make_client(router))

    assert [(page.records, page.rejected, page.is_last) for page in pages] == [([], [], True)]


async def test_a_listing_that_ends_before_its_total_is_not_complete(make_client, router):
    first = {
        "total": 3,
        "jobPostings": [{"title": "Supply Officer", "externalPath": "/job/X/Supply-Officer_JR9"}],
    }
    router.post(f"{UNHCR_API}/jobs").mock(
        side_effect=[
            httpx.Response(200, json=first),
            httpx.Response(200, json={"total": 0, "jobPostings": []}),
        ]
    )
    source = SourceConfig(
        id="unhcr-workday",
        adapter="workday",
        base_url=UNHCR_HOST,
        params={"tenant": "unhcr", "site": "External", "limit": 1, "fetch_details": False},
    )

    pages = await harvest(make_client(router), source)

    assert [page.is_last for page in pages] == [False, False]


async def test_odd_postings_are_rejected_without_crashing(make_client, router):
    router.post(f"{UNHCR_API}/jobs").respond(
        200,
        json={
            "total": 3,
            "jobPostings": [
                "JR1",
                {"externalPath": "/job/X/Untitled_JR2", "bulletFields": [None]},
                {"title": "Officer", "externalPath": "/job/X/Officer_JR3"},
            ],
        },
    )
    router.get(f"{UNHCR_API}/job/X/Officer_JR3").respond(200, json={"jobPostingInfo": "gone"})

    pages = await harvest(make_client(router))

    assert pages[0].records == []
    assert pages[0].rejected == [
        RejectedRecord(reason="posting is not an object: 'JR1'"),
        RejectedRecord(external_id="JR2", reason="missing title"),
        RejectedRecord(
            external_id="JR3",
            reason=f"detail {UNHCR_API}/job/X/Officer_JR3 has no 'jobPostingInfo' object",
        ),
    ]


async def test_a_listing_longer_than_max_pages_raises(make_client, router):
    router.post(f"{UNHCR_API}/jobs").respond(
        200, json={"total": 40, "jobPostings": [{"title": "A", "externalPath": "/job/X/A_1"}]}
    )
    source = SourceConfig(
        id="unhcr-workday",
        adapter="workday",
        base_url=UNHCR_HOST,
        params={
            "tenant": "unhcr",
            "site": "External",
            "limit": 1,
            "max_pages": 2,
            "fetch_details": False,
        },
    )

    with pytest.raises(SourceError) as raised:
        await harvest(make_client(router), source)

    assert str(raised.value) == (
        "workday: source 'unhcr-workday' has more than 2 pages of 1 jobs; "
        "raise max_pages or narrow applied_facets"
    )
