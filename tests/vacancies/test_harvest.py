"""Harvest runs through the real adapters on recorded payloads: counts, runs, closing
rules, and bad input that must never close or change stored vacancies."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from portal.settings import get_settings
from tests.helpers import Recorded, fixture_bytes, vacancy_write_marks
from vacancies.harvest import harvest_locked, harvest_source, resolve_params
from vacancies.locks import source_lock
from vacancies.sources import load_source_specs, sync_sources
from vacancies.tables import HarvestRun, Source, Vacancy

UNICEF_URL = "https://careers.pageuppeople.com/671/cw/en/rss"
RELIEFWEB_URL = "https://api.reliefweb.int/v2/jobs"
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
UNICEF_ITEMS = 32


def clock(at: datetime = NOW):
    return lambda: at


@pytest.fixture
async def sources(db):
    await sync_sources(load_source_specs(get_settings().sources_file))


def unicef_feed_without(*job_ids: str) -> bytes:
    text = fixture_bytes("rss/cinfoposte_unicef_jobs.xml").decode()
    for job_id in job_ids:
        text = re.sub(
            rf"<item>(?:(?!</item>).)*?/job/{job_id}</link>.*?</item>", "", text, flags=re.S
        )
    return text.encode()


def reliefweb_pages(fail_offset: int | None = None, status: int = 500):
    pages = {0: "jobs_page_1", 3: "jobs_page_2", 6: "jobs_page_3"}

    def respond(request: httpx.Request) -> httpx.Response:
        offset = json.loads(request.content)["offset"]
        if offset == fail_offset:
            return httpx.Response(status, text="upstream error")
        body = fixture_bytes(f"reliefweb/{pages[offset]}.json")
        return httpx.Response(200, content=body, headers={"content-type": "application/json"})

    return respond


async def open_ids(source_id: str) -> set[str]:
    rows = await Vacancy.select(Vacancy.external_id).where(
        Vacancy.source == source_id, Vacancy.status == "open"
    )
    return {r["external_id"] for r in rows}


async def run_row(run_id: int) -> dict:
    return await HarvestRun.select().where(HarvestRun.id == run_id).output(load_json=True).first()


async def test_rss_harvest_stores_the_feed_and_records_the_run(sources):
    recorded = Recorded({UNICEF_URL: fixture_bytes("rss/cinfoposte_unicef_jobs.xml")})
    async with recorded.client() as client:
        result = await harvest_source("unicef-rss", client, clock=clock())

    assert result.status == "ok"
    assert result.counts.as_dict() == {
        "fetched": UNICEF_ITEMS,
        "new": UNICEF_ITEMS,
        "updated": 0,
        "unchanged": 0,
        "closed": 0,
        "rejected": 0,
    }
    run = await run_row(result.run_id)
    assert (run["status"], run["new"], run["error"]) == ("ok", UNICEF_ITEMS, None)
    assert run["finished_at"] == NOW
    source = await Source.select().where(Source.id == "unicef-rss").first()
    assert source["last_success_at"] == NOW
    assert source["consecutive_failures"] == 0
    assert await Vacancy.count().where(Vacancy.organization_acronym == "UNICEF") == UNICEF_ITEMS
    assert recorded.requests[-1].headers["user-agent"].startswith("NorecPortalTests/1.0")


async def test_rss_harvest_reads_unicef_duty_stations_from_the_titles(sources):
    recorded = Recorded({UNICEF_URL: fixture_bytes("rss/cinfoposte_unicef_jobs.xml")})
    async with recorded.client() as client:
        await harvest_source("unicef-rss", client, clock=clock())

    rows = await Vacancy.select(Vacancy.title, Vacancy.duty_station, Vacancy.country).where(
        Vacancy.source == "unicef-rss"
    )
    assert len(rows) == UNICEF_ITEMS
    assert sum(1 for row in rows if row["country"]) == UNICEF_ITEMS - 1
    budapest = next(row for row in rows if row["title"].startswith("Re-advertisement: People"))
    assert (budapest["duty_station"], budapest["country"]) == ("Budapest, Hungary", "HUN")
    assert budapest["title"].endswith("outposted to Budapest, Hungary #00132723")  # as published
    unplaced = [row for row in rows if row["country"] is None]
    assert [(row["title"][:37], row["duty_station"]) for row in unplaced] == [
        ("Innovation Specialist (Market Scoping", None)
    ]


async def test_reharvest_of_unchanged_feed_writes_no_vacancy(sources):
    recorded = Recorded({UNICEF_URL: fixture_bytes("rss/cinfoposte_unicef_jobs.xml")})
    async with recorded.client() as client:
        await harvest_source("unicef-rss", client, clock=clock())
        before = await Vacancy.select().order_by(Vacancy.id).output(load_json=True)
        result = await harvest_source("unicef-rss", client, clock=clock(NOW + timedelta(hours=6)))

    assert result.counts.unchanged == UNICEF_ITEMS
    assert result.counts.new == result.counts.updated == result.counts.closed == 0
    assert await Vacancy.select().order_by(Vacancy.id).output(load_json=True) == before


async def test_complete_listing_closes_vacancies_that_vanished(sources):
    first = Recorded({UNICEF_URL: fixture_bytes("rss/cinfoposte_unicef_jobs.xml")})
    async with first.client() as client:
        await harvest_source("unicef-rss", client, clock=clock())
    second = Recorded({UNICEF_URL: unicef_feed_without("584179", "591530")})
    async with second.client() as client:
        result = await harvest_source("unicef-rss", client, clock=clock(NOW + timedelta(hours=6)))

    assert result.status == "ok"
    assert result.counts.closed == 2
    closed = await Vacancy.select(Vacancy.url, Vacancy.closed_reason).where(
        Vacancy.status == "closed"
    )
    assert sorted(r["url"].rsplit("/", 1)[1] for r in closed) == ["584179", "591530"]
    assert {r["closed_reason"] for r in closed} == {"missing"}
    assert await Vacancy.count() == UNICEF_ITEMS


async def test_conditional_get_304_is_not_modified_and_closes_nothing(sources):
    etag = '"feed-v1"'
    first = Recorded(
        {
            UNICEF_URL: httpx.Response(
                200,
                content=fixture_bytes("rss/cinfoposte_unicef_jobs.xml"),
                headers={"content-type": "application/rss+xml", "etag": etag},
            )
        }
    )
    async with first.client() as client:
        await harvest_source("unicef-rss", client, clock=clock())
    assert (await Source.select(Source.etag).where(Source.id == "unicef-rss").first())[
        "etag"
    ] == etag

    second = Recorded({UNICEF_URL: httpx.Response(304)})
    async with second.client() as client:
        result = await harvest_source("unicef-rss", client, clock=clock(NOW + timedelta(hours=6)))

    assert second.requests[-1].headers["if-none-match"] == etag
    assert result.status == "not_modified"
    assert result.counts.closed == 0
    assert len(await open_ids("unicef-rss")) == UNICEF_ITEMS


async def test_reliefweb_pages_through_the_whole_listing(sources):
    recorded = Recorded({RELIEFWEB_URL: reliefweb_pages()})
    async with recorded.client() as client:
        result = await harvest_source("reliefweb", client, clock=clock())

    assert result.status == "ok"
    assert result.counts.new == 8
    assert [json.loads(r.content)["offset"] for r in recorded.requests if r.method == "POST"] == [
        0,
        3,
        6,
    ]
    assert all(
        r.url.params["appname"] == "norec-portal-test"
        for r in recorded.requests
        if r.method == "POST"
    )


@pytest.mark.parametrize(
    ("payload", "error_part"),
    [
        (fixture_bytes("reliefweb/jobs_malformed.json"), "reliefweb"),
        (fixture_bytes("reliefweb/jobs_truncated.json"), "reliefweb"),
        (fixture_bytes("reliefweb/jobs_renamed_data.json"), "data"),
        (fixture_bytes("reliefweb/error_page.html"), "reliefweb"),
    ],
    ids=["malformed-json", "truncated", "renamed-field", "html-error-page-200"],
)
async def test_broken_reliefweb_page_fails_the_run_and_changes_nothing(
    sources, payload, error_part
):
    good = Recorded({RELIEFWEB_URL: reliefweb_pages()})
    async with good.client() as client:
        await harvest_source("reliefweb", client, clock=clock())
    before = await vacancy_write_marks()

    bad = Recorded({RELIEFWEB_URL: httpx.Response(200, content=payload)})
    async with bad.client() as client:
        result = await harvest_source("reliefweb", client, clock=clock(NOW + timedelta(hours=4)))

    assert result.status == "failed"
    assert error_part in result.error
    assert result.counts.closed == 0
    assert len(await open_ids("reliefweb")) == 8
    run = await run_row(result.run_id)
    assert run["status"] == "failed" and error_part in run["error"]
    source = await Source.select().where(Source.id == "reliefweb").first()
    assert source["consecutive_failures"] == 1
    if not isinstance(before, str):  # PostgreSQL: no vacancy row was rewritten
        assert await vacancy_write_marks() == before


async def test_failure_mid_listing_keeps_pages_read_and_closes_nothing(sources):
    good = Recorded({RELIEFWEB_URL: reliefweb_pages()})
    async with good.client() as client:
        await harvest_source("reliefweb", client, clock=clock())

    flaky = Recorded({RELIEFWEB_URL: reliefweb_pages(fail_offset=3, status=503)})
    async with flaky.client() as client:
        result = await harvest_source("reliefweb", client, clock=clock(NOW + timedelta(hours=4)))

    assert result.status == "partial"
    assert "503" in result.error
    assert result.counts.unchanged == 3
    assert result.counts.closed == 0
    assert len(await open_ids("reliefweb")) == 8


async def test_bad_records_are_rejected_with_reasons_and_the_good_one_stored(sources):
    recorded = Recorded(
        {
            RELIEFWEB_URL: httpx.Response(
                200, content=fixture_bytes("reliefweb/jobs_mixed_quality.json")
            )
        }
    )
    async with recorded.client() as client:
        result = await harvest_source("reliefweb", client, clock=clock())

    assert result.status == "ok"
    assert (result.counts.fetched, result.counts.new, result.counts.rejected) == (5, 1, 4)
    run = await run_row(result.run_id)
    assert run["rejections"] == [
        {"external_id": "4183391", "reason": "missing title"},
        {"external_id": "4183392", "reason": "missing url"},
        {
            "external_id": "4183393",
            "reason": "deadline 2999-12-31T23:59:59+00:00 is more than 3 years after now "
            "(2026-11-22T12:00:00+00:00)",
        },
        {"external_id": "4183394", "reason": "deadline 1900-01-01T23:59:59+00:00 is before 2000"},
    ]
    assert await open_ids("reliefweb") == {"4183390"}


async def test_oversized_response_fails_with_a_clear_reason(sources):
    def huge(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, content=b"x" * 2048, headers={"content-length": str(50 * 1024 * 1024)}
        )

    recorded = Recorded({UNICEF_URL: huge})
    async with recorded.client() as client:
        result = await harvest_source("unicef-rss", client, clock=clock())

    assert result.status == "failed"
    assert "bytes" in result.error
    assert await Vacancy.count() == 0


async def test_malformed_feed_after_good_one_closes_nothing(sources):
    async with Recorded(
        {UNICEF_URL: fixture_bytes("rss/cinfoposte_unicef_jobs.xml")}
    ).client() as client:
        await harvest_source("unicef-rss", client, clock=clock())

    broken = fixture_bytes("rss/cinfoposte_unicef_jobs.xml")[:5000]
    async with Recorded({UNICEF_URL: broken}).client() as client:
        result = await harvest_source("unicef-rss", client, clock=clock(NOW + timedelta(hours=6)))

    assert result.status in ("failed", "partial")
    assert result.counts.closed == 0
    assert len(await open_ids("unicef-rss")) == UNICEF_ITEMS


async def test_empty_listing_does_not_close_everything(sources):
    async with Recorded(
        {UNICEF_URL: fixture_bytes("rss/cinfoposte_unicef_jobs.xml")}
    ).client() as client:
        await harvest_source("unicef-rss", client, clock=clock())
    empty = unicef_feed_without(
        *re.findall(r"/job/(\d+)</link>", fixture_bytes("rss/cinfoposte_unicef_jobs.xml").decode())
    )

    async with Recorded({UNICEF_URL: empty}).client() as client:
        result = await harvest_source("unicef-rss", client, clock=clock(NOW + timedelta(hours=6)))

    assert result.status == "partial"
    assert "empty" in result.error
    assert len(await open_ids("unicef-rss")) == UNICEF_ITEMS


async def test_unknown_adapter_fails_that_source_only(sources):
    await Source.update({Source.adapter: "no-such-platform"}).where(Source.id == "unicef-rss")
    async with Recorded({}).client() as client:
        result = await harvest_source("unicef-rss", client, clock=clock())

    assert result.status == "failed"
    assert "no-such-platform" in result.error


def test_params_read_secrets_from_the_environment():
    assert resolve_params({"appname": "${RW_APP}", "limit": 5}, {"RW_APP": "norec"}) == {
        "appname": "norec",
        "limit": 5,
    }
    with pytest.raises(ValueError, match="RW_APP"):
        resolve_params({"appname": "${RW_APP}"}, {})


async def test_source_held_by_another_process_is_skipped(sources):
    async with source_lock("unicef-rss") as held:
        assert held
        async with Recorded(
            {UNICEF_URL: fixture_bytes("rss/cinfoposte_unicef_jobs.xml")}
        ).client() as client:
            result = await harvest_locked("unicef-rss", client)
    assert result.skipped
    assert result.run_id is None
    assert await HarvestRun.count() == 0

    async with source_lock("unicef-rss") as held_again:
        assert held_again  # released on exit
