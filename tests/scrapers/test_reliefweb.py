"""The ReliefWeb API v2 adapter against recorded payloads in the documented shape."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import httpx
import pytest
import respx

from scrapers.base import SourceConfig
from scrapers.records import RejectedRecord, ScrapedVacancy, SourceError
from scrapers.reliefweb import DEFAULT_FIELDS, ReliefWebAdapter

API = "https://api.reliefweb.int"
ENDPOINT = f"{API}/v2/jobs"

SOURCE = SourceConfig(
    id="reliefweb-jobs",
    adapter="reliefweb",
    base_url=API,
    params={"appname": "norec-portal-test", "limit": 3},
)


@pytest.fixture
def router() -> respx.Router:
    return respx.Router()


def json_response(body: bytes, status: int = 200) -> httpx.Response:
    return httpx.Response(status, content=body, headers={"Content-Type": "application/json"})


async def harvest(client, source: SourceConfig = SOURCE):
    return [page async for page in ReliefWebAdapter().pages(source, client)]


def serve_pages(router: respx.Router, fixture_bytes, *names: str) -> respx.Route:
    return router.post(ENDPOINT).mock(
        side_effect=[json_response(fixture_bytes(f"reliefweb/{name}")) for name in names]
    )


async def test_pages_follow_offsets_until_total_count(make_client, router, fixture_bytes):
    route = serve_pages(
        router, fixture_bytes, "jobs_page_1.json", "jobs_page_2.json", "jobs_page_3.json"
    )

    pages = await harvest(make_client(router))

    assert [len(page.records) for page in pages] == [3, 3, 2]
    assert [page.is_last for page in pages] == [False, False, True]
    assert [json.loads(call.request.content)["offset"] for call in route.calls] == [0, 3, 6]
    assert [page.url for page in pages] == [
        f"{ENDPOINT}?offset=0&limit=3",
        f"{ENDPOINT}?offset=3&limit=3",
        f"{ENDPOINT}?offset=6&limit=3",
    ]


async def test_all_jobs_of_the_listing_are_read(make_client, router, fixture_bytes):
    serve_pages(router, fixture_bytes, "jobs_page_1.json", "jobs_page_2.json", "jobs_page_3.json")

    pages = await harvest(make_client(router))

    assert [
        (record.external_id, record.organization) for page in pages for record in page.records
    ] == [
        ("4187321", "UNICEF"),
        ("4186905", "WFP"),
        ("4186712", "UNHCR"),
        ("4186344", "IOM"),
        ("4185998", "UNDP"),
        ("4185720", "NRC"),
        ("4185101", "OCHA"),
        ("4184876", "UNFPA"),
    ]
    assert all(page.rejected == [] for page in pages)


async def test_request_names_the_app_and_asks_for_the_fields_it_needs(
    make_client, router, fixture_bytes
):
    route = serve_pages(router, fixture_bytes, "jobs_mixed_quality.json")
    source = SourceConfig(
        id="reliefweb-jobs",
        adapter="reliefweb",
        base_url=API + "/",
        params={
            "appname": "norec-portal-test",
            "limit": 3,
            "filter": {"field": "source.type.name", "value": "International Organization"},
            "sort": ["date.created:desc"],
        },
    )

    await harvest(make_client(router), source)

    request = route.calls.last.request
    assert request.url == f"{ENDPOINT}?appname=norec-portal-test"
    assert request.headers["Accept"] == "application/json"
    assert json.loads(request.content) == {
        "offset": 0,
        "limit": 3,
        "preset": "latest",
        "fields": {"include": list(DEFAULT_FIELDS)},
        "filter": {"field": "source.type.name", "value": "International Organization"},
        "sort": ["date.created:desc"],
    }


async def test_a_profile_replaces_the_field_list(make_client, router, fixture_bytes):
    route = serve_pages(router, fixture_bytes, "jobs_mixed_quality.json")
    source = SourceConfig(
        id="reliefweb-jobs",
        adapter="reliefweb",
        base_url=API,
        params={"appname": "norec-portal-test", "profile": "full", "limit": 10},
    )

    await harvest(make_client(router), source)

    assert json.loads(route.calls.last.request.content) == {
        "offset": 0,
        "limit": 10,
        "preset": "latest",
        "profile": "full",
    }


async def test_a_job_is_read_field_by_field(make_client, router, fixture_bytes):
    serve_pages(router, fixture_bytes, "jobs_page_1.json", "jobs_page_2.json", "jobs_page_3.json")

    pages = await harvest(make_client(router))

    assert pages[0].records[0] == ScrapedVacancy(
        external_id="4187321",
        url="https://reliefweb.int/job/4187321",
        title=(
            "Child Protection Specialist (Emergency), P-3, Temporary Appointment (364 days), "
            "Cox's Bazar"
        ),
        organization="UNICEF",
        grade=None,
        duty_station="Cox's Bazar, Bangladesh",
        country="BGD",
        posted_at=datetime(2026, 11, 20, tzinfo=UTC),
        deadline=datetime(2026, 12, 4, 23, 59, 59, tzinfo=UTC),
        description_html=(
            "<p>UNICEF works in some of the world's toughest places to reach the world's most "
            "disadvantaged children.</p>\n<h3>How can you make a difference?</h3>\n<p>Under the "
            "supervision of the Child Protection Manager, the specialist leads case management "
            "and MHPSS programming for Rohingya refugee children in the camps of Cox's "
            "Bazar.</p>\n<ul>\n<li>Advanced university degree in social work, psychology or "
            "law.</li>\n<li>A minimum of five years of relevant experience, including in "
            "emergencies.</li>\n<li>Fluency in English is required; Bangla is an asset.</li>\n"
            "</ul>"
        ),
        extra={
            "sources": ["United Nations Children's Fund"],
            "countries": ["Bangladesh"],
            "cities": ["Cox's Bazar"],
            "type": ["Job"],
            "career_categories": ["Program/Project Management"],
            "experience": ["5-9 years"],
            "theme": ["Protection and Human Rights"],
            "url_alias": (
                "https://reliefweb.int/job/4187321/"
                "child-protection-specialist-emergency-p-3-temporary-appointment-364-days-coxs-bazar"
            ),
            "status": "published",
            "date_changed": "2026-11-21T09:14:03+00:00",
        },
    )


async def test_a_job_without_a_city_has_no_duty_station_but_keeps_its_countries(
    make_client, router, fixture_bytes
):
    serve_pages(router, fixture_bytes, "jobs_page_1.json", "jobs_page_2.json", "jobs_page_3.json")

    pages = await harvest(make_client(router))

    home_based = pages[1].records[1]
    assert home_based.title == "Climate Finance Specialist (home-based, IPSA-10)"
    assert home_based.duty_station is None
    assert home_based.country == "KEN"
    assert home_based.extra["countries"] == ["Kenya", "Uganda", "United Republic of Tanzania"]
    assert home_based.deadline == datetime(2027, 1, 8, 23, 59, 59, tzinfo=UTC)


async def test_incomplete_jobs_are_rejected_and_the_rest_survive(
    make_client, router, fixture_bytes
):
    serve_pages(router, fixture_bytes, "jobs_mixed_quality.json")

    pages = await harvest(make_client(router))

    assert [record.external_id for record in pages[0].records] == ["4183390", "4183393", "4183394"]
    assert pages[0].rejected == [
        RejectedRecord(external_id="4183391", reason="missing title"),
        RejectedRecord(external_id="4183392", reason="missing url"),
    ]
    assert pages[0].is_last is True


async def test_absurd_closing_dates_pass_through_for_the_engine_to_judge(
    make_client, router, fixture_bytes
):
    serve_pages(router, fixture_bytes, "jobs_mixed_quality.json")

    pages = await harvest(make_client(router))

    deadlines = {record.external_id: record.deadline for record in pages[0].records}
    assert deadlines["4183393"] == datetime(2999, 12, 31, 23, 59, 59, tzinfo=UTC)
    assert deadlines["4183394"] == datetime(1900, 1, 1, 23, 59, 59, tzinfo=UTC)


async def test_items_without_id_or_fields_are_rejected(make_client, router):
    payload = {
        "totalCount": 3,
        "count": 3,
        "data": [
            {
                "score": 1,
                "fields": {"title": "Field Coordinator", "url": "https://reliefweb.int/job/1"},
            },
            {"id": "4180001", "score": 1},
            "4180002",
        ],
    }
    router.post(ENDPOINT).respond(200, json=payload)

    pages = await harvest(make_client(router))

    assert pages[0].records == []
    assert pages[0].rejected == [
        RejectedRecord(external_id=None, reason="missing id"),
        RejectedRecord(external_id="4180001", reason="item has no 'fields' object"),
        RejectedRecord(external_id=None, reason="item is not an object: '4180002'"),
    ]


async def test_an_empty_listing_is_one_complete_page(make_client, router):
    router.post(ENDPOINT).respond(200, json={"totalCount": 0, "count": 0, "data": []})

    pages = await harvest(make_client(router))

    assert len(pages) == 1
    assert pages[0].records == []
    assert pages[0].is_last is True


async def test_a_listing_that_moves_while_paging_is_not_complete(
    make_client, router, fixture_bytes
):
    second_page = json.loads(fixture_bytes("reliefweb/jobs_page_2.json"))
    second_page["totalCount"] = 6
    router.post(ENDPOINT).mock(
        side_effect=[
            json_response(fixture_bytes("reliefweb/jobs_page_1.json")),
            json_response(json.dumps(second_page).encode()),
        ]
    )

    pages = await harvest(make_client(router))

    assert [len(page.records) for page in pages] == [3, 3]
    assert [page.is_last for page in pages] == [False, False]


async def test_a_listing_longer_than_max_pages_raises(make_client, router, fixture_bytes):
    serve_pages(router, fixture_bytes, "jobs_page_1.json", "jobs_page_2.json")
    source = SourceConfig(
        id="reliefweb-jobs",
        adapter="reliefweb",
        base_url=API,
        params={"appname": "norec-portal-test", "limit": 3, "max_pages": 2},
    )
    pages = []

    with pytest.raises(SourceError) as raised:
        async for page in ReliefWebAdapter().pages(source, make_client(router)):
            pages.append(page)

    assert len(pages) == 2
    assert str(raised.value) == (
        "reliefweb: source 'reliefweb-jobs' has more than 2 pages of 3 jobs; "
        "raise max_pages or narrow the filter"
    )


# --- broken responses ------------------------------------------------------------------


async def test_malformed_json_raises_naming_the_adapter(make_client, router, fixture_bytes):
    serve_pages(router, fixture_bytes, "jobs_malformed.json")

    with pytest.raises(SourceError) as raised:
        await harvest(make_client(router))

    assert str(raised.value) == (
        f"reliefweb: response from {ENDPOINT}?appname=norec-portal-test is not valid JSON "
        "(Expecting property name enclosed in double quotes: line 14 column 7 (char 345))"
    )


async def test_a_truncated_body_raises_naming_the_adapter(make_client, router, fixture_bytes):
    serve_pages(router, fixture_bytes, "jobs_truncated.json")

    with pytest.raises(SourceError, match=r"^reliefweb: response from .* is not valid JSON"):
        await harvest(make_client(router))


async def test_an_html_page_served_with_200_raises(make_client, router, fixture_bytes):
    router.post(ENDPOINT).respond(
        200,
        content=fixture_bytes("reliefweb/error_page.html"),
        headers={"Content-Type": "text/html; charset=utf-8"},
    )

    with pytest.raises(SourceError) as raised:
        await harvest(make_client(router))

    assert str(raised.value) == (
        f"reliefweb: expected JSON from {ENDPOINT}?appname=norec-portal-test but got an HTML "
        "page (status 200, content-type text/html)"
    )


async def test_an_html_page_labelled_as_json_is_still_recognised(
    make_client, router, fixture_bytes
):
    serve_pages(router, fixture_bytes, "error_page.html")

    with pytest.raises(SourceError, match=r"^reliefweb: expected JSON .* but got an HTML page"):
        await harvest(make_client(router))


async def test_a_payload_without_a_data_list_raises(make_client, router, fixture_bytes):
    serve_pages(router, fixture_bytes, "jobs_renamed_data.json")

    with pytest.raises(SourceError) as raised:
        await harvest(make_client(router))

    assert str(raised.value) == "reliefweb: response has no 'data' list"


async def test_a_payload_without_total_count_raises(make_client, router):
    router.post(ENDPOINT).respond(200, json={"count": 0, "data": []})

    with pytest.raises(SourceError) as raised:
        await harvest(make_client(router))

    assert str(raised.value) == "reliefweb: response has no 'totalCount' number"


async def test_a_failure_on_a_later_page_raises_after_the_earlier_pages(
    make_client, router, fixture_bytes
):
    router.post(ENDPOINT).mock(
        side_effect=[
            json_response(fixture_bytes("reliefweb/jobs_page_1.json")),
            httpx.Response(500),
            httpx.Response(500),
        ]
    )
    pages = []

    with pytest.raises(SourceError, match="failed after 2 attempts: status 500"):
        async for page in ReliefWebAdapter().pages(SOURCE, make_client(router, max_retries=1)):
            pages.append(page)

    assert [len(page.records) for page in pages] == [3]


# --- configuration -------------------------------------------------------------------


async def test_a_source_without_appname_is_refused_before_any_request(make_client, router):
    source = SourceConfig(id="reliefweb-jobs", adapter="reliefweb", base_url=API, params={})

    with pytest.raises(SourceError) as raised:
        await harvest(make_client(router), source)

    assert str(raised.value) == (
        "reliefweb: source 'reliefweb-jobs' has no 'appname' param "
        "(ReliefWeb requires a pre-approved appname; set it in the settings)"
    )


async def test_unknown_params_are_refused(make_client, router):
    source = SourceConfig(
        id="reliefweb-jobs",
        adapter="reliefweb",
        base_url=API,
        params={"appname": "norec-portal-test", "limt": 50},
    )

    with pytest.raises(SourceError) as raised:
        await harvest(make_client(router), source)

    assert str(raised.value) == (
        "reliefweb: invalid params for source 'reliefweb-jobs': unknown key limt"
    )


def test_closing_day_at_midnight_means_open_through_that_day():
    from scrapers.reliefweb import closing_deadline

    assert closing_deadline("2026-12-04T00:00:00+00:00") == datetime(
        2026, 12, 4, 23, 59, 59, tzinfo=UTC
    )
    assert closing_deadline("2026-12-04T17:00:00+00:00") == datetime(2026, 12, 4, 17, 0, tzinfo=UTC)
    assert closing_deadline(None) is None
