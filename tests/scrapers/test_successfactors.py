"""The SuccessFactors adapter against recorded Career Site Builder sites."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import httpx
import pytest
from selectolax.lexbor import LexborHTMLParser

from scrapers.base import SourceConfig
from scrapers.records import SourceError
from scrapers.successfactors import SuccessFactorsAdapter, row_entry
from tests.recorded_sites import FIXTURES, CountingSite, load_site, shipped_config

SITE_DIR = FIXTURES / "successfactors"


async def harvest(source_id: str, **params):
    async with load_site(source_id).client() as client:
        return [
            page
            async for page in SuccessFactorsAdapter().pages(
                shipped_config(source_id, **params), client
            )
        ]


def records(pages):
    return {record.external_id: record for page in pages for record in page.records}


@pytest.mark.parametrize(
    "source_id", ["ilo-successfactors", "ebrd-successfactors", "unesco-successfactors"]
)
async def test_a_full_harvest_yields_the_expected_counts(source_id):
    pages = await harvest(source_id)

    expected = load_site(source_id).expected
    assert sum(len(page.records) for page in pages) == expected["records"]
    assert sum(len(page.rejected) for page in pages) == expected["rejected"]
    assert pages[-1].is_last and not any(page.is_last for page in pages[:-1])


async def test_search_pages_follow_startrow_until_the_total():
    pages = await harvest("ilo-successfactors")

    assert [page.url for page in pages] == [
        "https://jobs.ilo.org/search/?startrow=0",
        "https://jobs.ilo.org/search/?startrow=25",
    ]
    assert [len(page.records) + len(page.rejected) for page in pages] == [25, 2]


async def test_an_ilo_job_is_read_from_the_row_and_its_job_page():
    job = records(await harvest("ilo-successfactors"))["1287450101"]

    assert (
        job.url == "https://jobs.ilo.org/job/Geneva-Programme-Officer-Labour-Migration/1287450101/"
    )
    assert job.title == "Programme Officer (Labour Migration)"
    assert job.organization == "ILO"
    assert job.grade == "P3"
    assert job.duty_station == "Geneva, CH"
    assert job.posted_at == datetime(2026, 11, 20)
    assert job.deadline == datetime(2026, 12, 11, 23, 59, 59)
    assert job.extra == {
        "job_id": "1287450101",
        "vacancy_number": "RAPS/1/2026/1408",
        "contract_type": "Fixed-term (Technical Cooperation)",
        "organization_unit": "MIGRANT",
        "department": "MIGRANT",
    }
    assert "Deadline for applications" in job.description_html


async def test_ilo_grades_of_national_officers_and_directors_are_kept_raw():
    jobs = records(await harvest("ilo-successfactors"))

    assert jobs["1287450360"].grade == "NO-B"
    assert jobs["1287450656"].grade == "D1"
    assert jobs["1287450693"].duty_station == "Nairobi, KE"


async def test_ebrd_dates_are_day_first_and_its_fields_kept():
    job = records(await harvest("ebrd-successfactors"))["1293656001"]

    assert job.title == "Analyst, Impact Assessment and Foresight"
    assert job.grade is None
    assert job.duty_station == "London, GB"
    assert job.deadline == datetime(2026, 12, 3, 23, 59, 59)
    assert job.extra["requisition_id"] == "36210"
    assert job.extra["contract_length"] == "3 years"


async def test_a_job_page_that_is_not_a_csb_page_or_is_gone_rejects_only_that_job():
    pages = await harvest("ebrd-successfactors")
    rejected = {r.external_id: r.reason for page in pages for r in page.rejected}

    assert "has no 'span[itemprop=description]'" in rejected["1291898101"]
    assert "404" in rejected["1290677501"]


async def test_the_rss_listing_splits_the_location_out_of_the_title():
    pages = await harvest("unesco-successfactors")
    job = records(pages)["1301231"]

    assert pages[0].url.startswith("https://careers.unesco.org/services/rss/job/?locale=en_US")
    assert job.title == "Chief of Section, Inclusive Policy Lab"
    assert job.duty_station == "Paris, FR"
    assert job.grade == "P-5"
    assert job.posted_at == datetime(2026, 11, 17, 8, 0, tzinfo=UTC)
    assert job.deadline == datetime(2026, 12, 15, 23, 59, 59)
    assert job.extra["contract_type"] == "Fixed Term"


async def test_a_capped_feed_is_not_taken_as_complete():
    pages = await harvest("unesco-successfactors", rss_max_items=6)

    assert not pages[-1].is_last


async def test_without_details_the_listing_alone_is_read():
    pages = await harvest("ilo-successfactors", fetch_details=False)
    job = records(pages)["1287450101"]

    assert len(records(pages)) == 27
    assert job.deadline is None and job.grade is None and job.duty_station == "Geneva, CH"


@pytest.mark.parametrize(
    ("params", "problem"),
    [({"listing": "atom"}, "listing"), ({"pagesize": 10}, "unknown key pagesize")],
)
async def test_bad_params_are_named(params, problem):
    with pytest.raises(SourceError, match=f"successfactors: invalid params.*{problem}"):
        await harvest("ilo-successfactors", **params)


def serving(body: bytes | str, content_type: str = "text/html; charset=utf-8", status: int = 200):
    content = body.encode() if isinstance(body, str) else body

    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=content, headers={"content-type": content_type})

    return handle


def listing_page() -> str:
    return (SITE_DIR / "ilo_search_0.html").read_text()


async def run(make_client, handler, **params):
    client = make_client(handler)
    return [
        page
        async for page in SuccessFactorsAdapter().pages(
            shipped_config("ilo-successfactors", **params), client
        )
    ]


@pytest.mark.parametrize(
    ("body", "content_type", "problem"),
    [
        ('{"jobSearchResult": []}', "application/json", "is JSON, not the expected HTML page"),
        (
            "<!DOCTYPE html><html><body><form><input name=user>"
            "<input type=password></form></body></html>",
            "text/html",
            "is a login page",
        ),
        (listing_page()[:9000], "text/html", r"cut short \(no closing </html>\)"),
        (listing_page().replace("data-row", "job-row"), "text/html", "no 'tr.data-row' rows"),
        (listing_page().replace("jobTitle-link", "job-title-link"), "text/html", "a.jobTitle-link"),
        (
            listing_page().replace("paginationLabel", "pageLabel"),
            "text/html",
            "span.paginationLabel",
        ),
    ],
)
async def test_a_changed_or_wrong_listing_fails_the_run_naming_what_is_missing(
    make_client, body, content_type, problem
):
    with pytest.raises(
        SourceError, match=f"successfactors: source 'ilo-successfactors'.*{problem}"
    ):
        await run(make_client, serving(body, content_type), fetch_details=False)


async def test_a_page_whose_label_disagrees_with_its_rows_is_truncated(make_client):
    page = listing_page().replace("Results 1 to 25", "x").replace("<b>1 – 25</b>", "<b>1 – 24</b>")

    with pytest.raises(SourceError, match="says results 1 to 24 but the page holds 25"):
        await run(make_client, serving(page), fetch_details=False)


async def test_a_genuinely_empty_search_is_a_complete_empty_listing(make_client):
    empty = (
        "<!DOCTYPE html><html><body><div class='searchResultsShell'>"
        "<p>There are currently no open jobs matching your search.</p></div></body></html>"
    )

    pages = await run(make_client, serving(empty))

    assert len(pages) == 1 and pages[0].records == [] and pages[0].is_last


async def test_html_instead_of_the_feed_is_named(make_client):
    with pytest.raises(SourceError, match=r"expected the RSS job feed .* but got an HTML page"):
        await run(make_client, serving(listing_page()), listing="rss")


async def test_a_search_that_ignores_startrow_is_caught(make_client):
    with pytest.raises(SourceError, match="paging by startrow no longer works"):
        await run(make_client, serving(listing_page()), fetch_details=False)


# --- listing entries seen before ----------------------------------------------------------


DETAIL_REQUEST = r"^/job/[^?]*/(\d+)/\?"
"""Group 1: the job id whose job page a request asks for."""


async def harvest_counted(site: CountingSite, source: SourceConfig) -> list:
    async with site.client() as client:
        return [page async for page in SuccessFactorsAdapter().pages(source, client)]


@pytest.mark.parametrize(
    ("source_id", "same", "changed", "requests"),
    [
        # CSB search rows: two pages; the changed job is on the second.
        ("ilo-successfactors", ["1287450101", "1287450249"], "1287451063", 29),
        # The RSS job feed: one page.
        ("unesco-successfactors", ["1301220", "1301242"], "1301275", 7),
    ],
)
async def test_a_job_page_is_not_read_again_while_the_listing_entry_is_unchanged(
    source_id, same, changed, requests
):
    site = load_site(source_id)
    first = CountingSite(site)
    listed = await harvest_counted(first, shipped_config(source_id))
    fingerprints = {
        key: value for page in listed for key, value in page.listing_fingerprints.items()
    }
    assert fingerprints.keys() == records(listed).keys()
    assert len(first.requests) == requests

    second = CountingSite(site)
    known = {**{i: fingerprints[i] for i in same}, changed: "0" * 32}
    pages = await harvest_counted(second, replace(shipped_config(source_id), known=known))

    assert pages[0].unchanged == same
    assert all(page.unchanged == [] for page in pages[1:])
    assert records(pages).keys() == fingerprints.keys() - set(same)
    assert second.matching(DETAIL_REQUEST) == [
        i for i in first.matching(DETAIL_REQUEST) if i not in same
    ]
    assert changed in second.matching(DETAIL_REQUEST)
    assert len(second.requests) == requests - 2
    assert records(pages)[changed].description_html
    assert pages[-1].listing_fingerprints[changed] == fingerprints[changed]
    assert [page.rejected for page in pages] == [page.rejected for page in listed]

    # Without details the memo is not used: nothing is skipped, nothing fingerprinted.
    pages = await harvest_counted(
        CountingSite(site), replace(shipped_config(source_id, fetch_details=False), known=known)
    )
    assert all(page.unchanged == [] and page.listing_fingerprints == {} for page in pages)
    assert set(same) <= records(pages).keys()


def test_a_row_entry_leaves_out_position_classes_and_session_ids():
    def row(attributes: str, href: str) -> str:
        return (
            f'<table><tr class="data-row {attributes}"><td><a class="jobTitle-link" '
            f'href="{href}">Statistician</a></td><td><span class="jobDate">Nov 20, 2026</span>'
            "</td></tr></table>"
        )

    def entry(html: str):
        return row_entry(LexborHTMLParser(html).css_first("tr"))

    plain = entry(row("odd", "/job/Geneva-Statistician/1287450286/"))
    assert entry(row("even", "/job/Geneva-Statistician/1287450286/;jsessionid=AB12")) == plain
    assert entry(row("odd", "/job/Geneva-Statistician/1287450286/?sid=99&x=1")) == entry(
        row("odd", "/job/Geneva-Statistician/1287450286/?x=1")
    )
    assert entry(row("odd", "/job/Geneva-Statistician/1287450287/")) != plain
