"""The careers.un.org (Inspira) adapter against recorded payloads in the observed shape."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

import httpx
import pytest
import respx

from scrapers.base import SourceConfig
from scrapers.records import RejectedRecord, ScrapedVacancy, SourceError
from scrapers.un_careers import UnCareersAdapter
from tests.recorded_sites import CountingSite, load_site

SITE = "https://careers.un.org"
LISTING = f"{SITE}/api/public/opening/jo/list/filteredV2/en"

PARAMS = {
    "language": "en",
    "item_per_page": 10,
    "sort_by": "jobId",
    "sort_direction": -1,
    "fetch_details": True,
    "max_pages": 100,
}
"""The params of the un-careers entry proposed for sources.toml."""

SOURCE = SourceConfig(
    id="un-careers", adapter="un_careers", base_url=SITE, organization="UN", params=PARAMS
)


def source_with(**params) -> SourceConfig:
    return SourceConfig(
        id="un-careers",
        adapter="un_careers",
        base_url=SITE,
        organization="UN",
        params={**PARAMS, **params},
    )


async def harvest(client, source: SourceConfig = SOURCE):
    async with client:
        return [page async for page in UnCareersAdapter().pages(source, client)]


def records(pages) -> dict[str, ScrapedVacancy]:
    return {record.external_id: record for page in pages for record in page.records}


@pytest.fixture
def router() -> respx.Router:
    return respx.Router()


# --- the recorded site -------------------------------------------------------------------


async def test_a_full_harvest_yields_the_expected_counts():
    site = load_site("un-careers")

    pages = await harvest(site.client())

    assert sum(len(page.records) for page in pages) == site.expected["records"] == 12
    assert sum(len(page.rejected) for page in pages) == site.expected["rejected"] == 2


async def test_pages_follow_the_page_number_until_count():
    pages = await harvest(load_site("un-careers").client())

    assert [len(page.records) + len(page.rejected) for page in pages] == [10, 4]
    assert [page.is_last for page in pages] == [False, True]
    assert [page.url for page in pages] == [
        f"{LISTING}?page=0&itemPerPage=10",
        f"{LISTING}?page=1&itemPerPage=10",
    ]


async def test_the_request_body_carries_filter_and_pagination(make_client, router, fixture_bytes):
    route = router.post(LISTING).mock(
        side_effect=[
            httpx.Response(200, content=fixture_bytes("un_careers/jo_list_page_0.json")),
            httpx.Response(200, content=fixture_bytes("un_careers/jo_list_page_1.json")),
        ]
    )
    router.get(f"{SITE}/api/public/opening/joV2/268318/en").respond(
        200, content=fixture_bytes("un_careers/jo_detail_268318.json")
    )
    router.get(f"{SITE}/api/public/opening/joV2/268301/en").respond(404, text="not found")
    source = source_with(filter_config={"jn": ["POLNET"]})

    await harvest(make_client(router), source)

    assert [json.loads(call.request.content) for call in route.calls] == [
        {
            "filterConfig": {"jn": ["POLNET"]},
            "pagination": {"page": page, "itemPerPage": 10, "sortBy": "jobId", "sortDirection": -1},
        }
        for page in (0, 1)
    ]


async def test_an_opening_is_read_field_by_field():
    found = records(await harvest(load_site("un-careers").client()))

    ocha = found["268412"]
    assert ocha.url == f"{SITE}/jobSearchDescription/268412?language=en"
    assert ocha.title == "HUMANITARIAN AFFAIRS OFFICER"
    assert ocha.organization == "Office for the Coordination of Humanitarian Affairs"
    assert ocha.grade == "P-4"
    assert ocha.duty_station == "NAIROBI"
    assert ocha.country is None
    assert ocha.posted_at == datetime(2026, 11, 18, 5, 0, tzinfo=UTC)
    assert ocha.deadline == datetime(2026, 12, 17, 4, 59, 59, tzinfo=UTC)
    assert ocha.description_html is not None
    assert ocha.description_html.startswith("<div class='jobPostingDetail'>")
    assert "regional humanitarian needs overview" in ocha.description_html
    assert ocha.extra == {
        "posting_title": "HUMANITARIAN AFFAIRS OFFICER, P4",
        "job_code_title": "HUMANITARIAN AFFAIRS OFFICER",
        "department": "Office for the Coordination of Humanitarian Affairs",
        "department_code": "OCHA",
        "job_family": "Humanitarian Affairs",
        "job_family_code": "HUM",
        "category": "Professional and Higher Categories",
        "category_code": "PD",
        "job_network": "Political, Peace and Humanitarian",
        "recruitment_type": "Position Specific",
        "duty_station_codes": ["4210"],
    }


async def test_each_secretariat_entity_is_kept_as_the_organisation():
    found = records(await harvest(load_site("un-careers").client()))

    assert found["268407"].organization == "United Nations Environment Programme"
    assert found["268399"].organization == "United Nations Human Settlements Programme"
    assert found["268388"].organization == "United Nations Office on Drugs and Crime"
    assert found["268366"].grade == "NO-B"
    assert found["268366"].duty_station == "BOGOTA"
    assert found["268366"].deadline == datetime(2026, 11, 30, 4, 59, 59, tzinfo=UTC)


async def test_several_duty_stations_are_joined_and_kept():
    found = records(await harvest(load_site("un-careers").client()))

    consultancy = found["268344"]
    assert consultancy.grade == "I-1"
    assert consultancy.duty_station == "AMMAN; HOME BASED"
    assert consultancy.extra["duty_stations"] == ["AMMAN", "HOME BASED"]
    assert consultancy.extra["recruitment_type"] == "Consultant"
    assert "jn" not in consultancy.extra


async def test_a_missing_description_is_read_from_the_detail():
    found = records(await harvest(load_site("un-careers").client()))

    kabul = found["268318"]
    assert kabul.description_html is not None
    assert "alternative development programme" in kabul.description_html
    assert kabul.duty_station == "KABUL"
    assert kabul.deadline == datetime(2026, 12, 2, 4, 59, 59, tzinfo=UTC)


async def test_incomplete_openings_and_failed_details_are_rejected_and_the_rest_survive():
    pages = await harvest(load_site("un-careers").client())

    assert [rejection for page in pages for rejection in page.rejected] == [
        RejectedRecord(external_id="268352", reason="missing jobTitle"),
        RejectedRecord(
            external_id="268301",
            reason=(
                f"detail {SITE}/api/public/opening/joV2/268301/en: GET "
                f"{SITE}/api/public/opening/joV2/268301/en returned status 404 Not Found: "
                "not recorded"
            ),
        ),
    ]


async def test_details_can_be_switched_off(make_client, router, fixture_bytes):
    router.post(LISTING).mock(
        side_effect=[
            httpx.Response(200, content=fixture_bytes("un_careers/jo_list_page_0.json")),
            httpx.Response(200, content=fixture_bytes("un_careers/jo_list_page_1.json")),
        ]
    )
    detail = router.get(url__regex=r"/joV2/")

    pages = await harvest(make_client(router), source_with(fetch_details=False))

    assert detail.calls.call_count == 0
    found = records(pages)
    assert found["268318"].description_html is None
    assert found["268301"].description_html is None
    assert sum(len(page.rejected) for page in pages) == 1


async def test_a_bare_end_date_means_through_that_day(make_client, router):
    item = {"jobId": 1, "jobTitle": "LEGAL OFFICER", "jobDescription": "<p>x</p>"}
    payload = {
        "status": 1,
        "data": {
            "list": [{**item, "endDate": "2026-12-09", "startDate": "2026-11-20"}],
            "count": 1,
        },
    }
    router.post(LISTING).respond(200, json=payload)

    pages = await harvest(make_client(router))

    assert pages[0].records[0].deadline == datetime(2026, 12, 9, 23, 59, 59)
    assert pages[0].records[0].organization == "UN"


# --- params ------------------------------------------------------------------------------


async def test_an_unknown_param_is_refused(make_client, router):
    with pytest.raises(SourceError) as raised:
        await harvest(make_client(router), source_with(page_size=10))

    assert str(raised.value) == (
        "un_careers: invalid params for source 'un-careers': unknown key page_size"
    )


async def test_a_page_size_over_the_limit_is_refused(make_client, router):
    with pytest.raises(SourceError, match=r"^un_careers: invalid params .*item_per_page"):
        await harvest(make_client(router), source_with(item_per_page=500))


async def test_a_listing_longer_than_max_pages_raises():
    with pytest.raises(SourceError) as raised:
        await harvest(load_site("un-careers").client(), source_with(max_pages=1))

    assert str(raised.value) == (
        "un_careers: source 'un-careers' has more than 1 pages of 10 job openings; "
        "raise max_pages or narrow filter_config"
    )


# --- changed shapes ----------------------------------------------------------------------


async def test_a_renamed_list_raises_naming_the_missing_piece(make_client, router, fixture_bytes):
    router.post(LISTING).respond(200, content=fixture_bytes("un_careers/jo_list_renamed.json"))

    with pytest.raises(SourceError) as raised:
        await harvest(make_client(router))

    assert str(raised.value) == "un_careers: response has no 'data.list' list"


async def test_a_missing_count_raises(make_client, router):
    router.post(LISTING).respond(200, json={"status": 1, "data": {"list": []}})

    with pytest.raises(SourceError, match=r"^un_careers: response has no 'data.count' number$"):
        await harvest(make_client(router))


async def test_an_error_envelope_raises_with_its_message(make_client, router):
    router.post(LISTING).respond(200, json={"status": 0, "message": "Invalid request."})

    with pytest.raises(SourceError) as raised:
        await harvest(make_client(router))

    assert str(raised.value) == f"un_careers: {LISTING} answered with an error: Invalid request."


async def test_the_app_shell_instead_of_json_raises(make_client, router):
    router.post(LISTING).respond(
        200,
        content=b"<!doctype html><html><head><title>UN Careers</title></head>"
        b"<body><app-root></app-root></body></html>",
        headers={"Content-Type": "text/html"},
    )

    with pytest.raises(SourceError) as raised:
        await harvest(make_client(router))

    assert str(raised.value) == (
        f"un_careers: expected JSON from {LISTING} but got an HTML page "
        "(status 200, content-type text/html)"
    )


async def test_a_login_page_raises(make_client, router, fixture_bytes):
    router.post(LISTING).respond(
        200,
        content=fixture_bytes("un_careers/login_page.html"),
        headers={"Content-Type": "text/html; charset=utf-8"},
    )

    with pytest.raises(SourceError, match=r"^un_careers: expected JSON .* but got an HTML page"):
        await harvest(make_client(router))


async def test_truncated_json_raises(make_client, router, fixture_bytes):
    router.post(LISTING).respond(200, content=fixture_bytes("un_careers/jo_list_truncated.json"))

    with pytest.raises(SourceError, match=r"^un_careers: response from .* is not valid JSON"):
        await harvest(make_client(router))


async def test_an_empty_listing_is_one_complete_page(make_client, router):
    router.post(LISTING).respond(200, json={"status": 1, "data": {"list": [], "count": 0}})

    pages = await harvest(make_client(router))

    assert len(pages) == 1
    assert pages[0].records == []
    assert pages[0].is_last is True


async def test_odd_items_are_rejected_without_crashing(make_client, router):
    payload = {
        "status": 1,
        "data": {
            "list": [
                "268999",
                {"jobTitle": "LEGAL OFFICER", "jobDescription": "<p>x</p>", "endDate": "x"},
                {
                    "jobId": True,
                    "jobTitle": ["not", "text"],
                    "dutyStation": "GENEVA",
                    "dept": 7,
                    "jobDescription": 5,
                    "endDate": 12,
                },
                {
                    "jobId": 268998,
                    "jobTitle": "LEGAL OFFICER",
                    "jobDescription": "<p>x</p>",
                    "dutyStation": [None, {"code": 1}],
                    "dept": "OLA",
                    "jf": [],
                    "startDate": "soon",
                    "endDate": "2026-12-31T04:59:59.000Z",
                },
            ],
            "count": 4,
        },
    }
    router.post(LISTING).respond(200, json=payload)

    pages = await harvest(make_client(router), source_with(fetch_details=False))

    assert pages[0].rejected == [
        RejectedRecord(external_id=None, reason="item is not an object: '268999'"),
        RejectedRecord(external_id=None, reason="missing jobId"),
        RejectedRecord(external_id=None, reason="missing jobId, jobTitle"),
    ]
    [legal] = pages[0].records
    assert legal.organization == "OLA"
    assert legal.duty_station is None
    assert legal.posted_at is None
    assert legal.extra["unparsed_dates"] == {"startDate": "soon"}


# --- listing entries seen before ----------------------------------------------------------


async def test_a_detail_is_not_read_again_while_the_listing_entry_is_unchanged():
    first = CountingSite(load_site("un-careers"))
    pages = await harvest(first.client())
    fingerprints = {
        key: value for page in pages for key, value in page.listing_fingerprints.items()
    }
    # Only an opening whose listing lacks description or deadline has a detail to save.
    assert fingerprints.keys() == {"268318"}
    assert first.requests.count("/api/public/opening/joV2/268318/en?") == 1
    assert len(first.requests) == 4

    # Listed as before: no detail, no record, counted unchanged. An opening complete in
    # the listing is never skipped, whatever ``known`` says of it.
    same = CountingSite(load_site("un-careers"))
    known = {"268318": fingerprints["268318"], "268412": "0" * 32}
    pages = await harvest(same.client(), replace(SOURCE, known=known))
    assert [page.unchanged for page in pages] == [[], ["268318"]]
    assert [page.listing_fingerprints for page in pages] == [{}, {}]
    assert "268318" not in records(pages)
    assert "268412" in records(pages)
    assert len(records(pages)) == 11
    assert same.requests == [r for r in first.requests if "/joV2/268318/" not in r]
    assert len(same.requests) == 3

    # A changed entry (another fingerprint stored) is read in full again.
    changed = CountingSite(load_site("un-careers"))
    pages = await harvest(changed.client(), replace(SOURCE, known={"268318": "0" * 32}))
    assert [page.unchanged for page in pages] == [[], []]
    assert records(pages)["268318"].description_html
    assert pages[1].listing_fingerprints == {"268318": fingerprints["268318"]}
    assert changed.requests == first.requests

    # Without details the memo is not used: nothing is skipped, nothing fingerprinted.
    known = {"268318": fingerprints["268318"]}
    pages = await harvest(
        load_site("un-careers").client(), replace(source_with(fetch_details=False), known=known)
    )
    assert [page.unchanged for page in pages] == [[], []]
    assert [page.listing_fingerprints for page in pages] == [{}, {}]
    assert "268318" in records(pages)
