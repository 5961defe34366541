"""The generic HTML listing adapter against recorded AfDB, AIIB and NDF pages."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import httpx
import pytest
from selectolax.lexbor import LexborHTMLParser

from scrapers.base import SourceConfig
from scrapers.html_listing import HtmlListingAdapter, item_entry
from scrapers.records import SourceError
from tests.recorded_sites import FIXTURES, CountingSite, load_site, shipped_config

SITE_DIR = FIXTURES / "html_listing"


async def harvest(source_id: str, **params):
    async with load_site(source_id).client() as client:
        adapter = HtmlListingAdapter()
        return [page async for page in adapter.pages(shipped_config(source_id, **params), client)]


def records(pages):
    return {record.external_id: record for page in pages for record in page.records}


@pytest.mark.parametrize("source_id", ["afdb-html", "aiib-html", "ndf-html"])
async def test_a_full_harvest_yields_the_expected_counts(source_id):
    pages = await harvest(source_id)

    expected = load_site(source_id).expected
    assert sum(len(page.records) for page in pages) == expected["records"]
    assert sum(len(page.rejected) for page in pages) == expected["rejected"]
    assert pages[-1].is_last and not any(page.is_last for page in pages[:-1])


async def test_the_next_link_is_followed_on_the_sources_host():
    pages = await harvest("afdb-html")

    assert [page.url for page in pages] == [
        "https://www.afdb.org/en/about-us/careers/current-vacancies",
        "https://www.afdb.org/en/about-us/careers/current-vacancies?page=1",
    ]
    assert [len(page.records) + len(page.rejected) for page in pages] == [4, 2]


async def test_an_afdb_vacancy_is_read_from_its_row_and_detail_page():
    job = records(await harvest("afdb-html"))["senior-transport-engineer-rdge2"]

    assert job.url == (
        "https://www.afdb.org/en/about-us/careers/current-vacancies/senior-transport-engineer-rdge2"
    )
    assert job.title == "Senior Transport Engineer, RDGE2"
    assert job.organization == "AfDB"
    assert job.grade == "PL3"
    assert job.duty_station == "Nairobi, Kenya"
    assert job.deadline == datetime(2026, 12, 18, 23, 59, 59)
    assert "Position Grade: PL3" in job.description_html


async def test_the_real_afdb_page_serves_as_a_detail_page():
    job = records(await harvest("afdb-html"))["principal-operations-officer-sefa-pern3"]

    assert job.grade == "PL4"
    assert job.deadline == datetime(2026, 3, 2, 23, 59, 59)
    assert "Sustainable Energy Fund for Africa" in job.description_html


async def test_a_missing_detail_page_rejects_only_that_vacancy():
    pages = await harvest("afdb-html")
    rejected = [r for page in pages for r in page.rejected]

    assert [r.external_id for r in rejected] == ["principal-gender-officer-ahgc0"]
    assert "404" in rejected[0].reason


async def test_regexes_cut_duty_station_and_deadline_out_of_one_text():
    job = records(await harvest("ndf-html"))["investment-officer-africa"]

    assert job.duty_station == "Helsinki, Finland"
    assert job.deadline == datetime(2026, 12, 10, 23, 59, 59)
    assert job.url == "https://www.ndf.int/about-ndf/careers/investment-officer-africa"


async def test_aiib_rows_are_read_without_detail_pages():
    job = records(await harvest("aiib-html"))["counsel-2026-11"]

    assert job.title == "Counsel"
    assert job.duty_station == "Abu Dhabi"
    assert job.deadline == datetime(2026, 12, 20, 23, 59, 59)
    assert job.description_html is None


@pytest.mark.parametrize(
    ("params", "problem"),
    [({"itme": "div"}, "unknown key itme"), ({"item": None}, "item")],
)
async def test_bad_params_are_named(params, problem):
    with pytest.raises(SourceError, match=f"html_listing: invalid params.*{problem}"):
        await harvest("ndf-html", **params)


async def test_a_missing_required_param_is_named():
    bare = SourceConfig(id="x-html", adapter="html_listing", base_url="https://x.org", params={})
    with pytest.raises(SourceError, match="missing item; missing title; missing link"):
        async with load_site("ndf-html").client() as client:
            [page async for page in HtmlListingAdapter().pages(bare, client)]


def serving(body: str, content_type: str = "text/html; charset=utf-8"):
    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body.encode(), headers={"content-type": content_type})

    return handle


def ndf_page(name: str = "ndf_careers.html") -> str:
    return (SITE_DIR / name).read_text()


async def run(make_client, handler, **params):
    client = make_client(handler)
    adapter = HtmlListingAdapter()
    return [page async for page in adapter.pages(shipped_config("ndf-html", **params), client)]


async def test_a_genuinely_empty_listing_is_complete_and_empty(make_client):
    pages = await run(make_client, serving(ndf_page("ndf_careers_empty.html")))

    assert len(pages) == 1 and pages[0].records == [] and pages[0].is_last


@pytest.mark.parametrize(
    ("body", "content_type", "problem"),
    [
        (
            ndf_page().replace('class="vacancy"', 'class="job-card"'),
            "text/html",
            "item selector 'section.vacancies article.vacancy' matches nothing",
        ),
        (
            ndf_page().replace("vacancy__title", "vacancy-heading"),
            "text/html",
            "title selector 'h3.vacancy__title a' matches nothing in an item",
        ),
        ('{"vacancies": []}', "application/json", "is JSON, not the expected HTML page"),
        (
            "<!DOCTYPE html><html><body><form action='/login'><input name=u>"
            "<input type=password></form></body></html>",
            "text/html",
            "is a login page",
        ),
        (ndf_page()[:900], "text/html", r"cut short \(no closing </html>\)"),
    ],
)
async def test_a_changed_or_wrong_page_fails_the_run_naming_the_selector(
    make_client, body, content_type, problem
):
    with pytest.raises(SourceError, match=f"html_listing: source 'ndf-html'.*{problem}"):
        await run(make_client, serving(body, content_type))


async def test_without_empty_text_an_empty_page_is_a_changed_layout(make_client):
    with pytest.raises(SourceError, match="matches nothing"):
        await run(make_client, serving(ndf_page("ndf_careers_empty.html")), empty_text=None)


async def test_a_next_link_back_to_a_seen_page_is_a_loop(make_client):
    looping = ndf_page().replace(
        "</section>", "<a class='next' href='/about-ndf/careers'>Next</a></section>"
    )

    with pytest.raises(SourceError, match="pagination loops"):
        await run(make_client, serving(looping), next="a.next")


async def test_an_id_regex_that_does_not_match_rejects_the_record(make_client):
    pages = await run(make_client, serving(ndf_page()), id_from=r"/jobs/(\d+)")

    assert pages[0].records == []
    assert [r.reason for r in pages[0].rejected] == ["missing id", "missing id"]


# --- listing entries seen before ----------------------------------------------------------


DETAIL_REQUEST = r"/current-vacancies/([\w-]+)\?"
"""Group 1: the vacancy slug whose detail page a request asks for."""
SAME = ["chief-climate-finance-officer-pecg1", "country-economist-rdgw0"]
CHANGED = "team-assistant-pifd2"


async def harvest_counted(site: CountingSite, source: SourceConfig) -> list:
    async with site.client() as client:
        return [page async for page in HtmlListingAdapter().pages(source, client)]


DETAIL_REQUEST = r"/current-vacancies/([\w-]+)\?"
"""Group 1: the id whose detail a request asks for."""


async def test_a_detail_page_is_not_read_again_while_the_listing_entry_is_unchanged():
    site = load_site("afdb-html")
    first = CountingSite(site)
    listed = await harvest_counted(first, shipped_config("afdb-html"))
    fingerprints = {
        key: value for page in listed for key, value in page.listing_fingerprints.items()
    }
    assert fingerprints.keys() == records(listed).keys()
    assert len(first.requests) == 8

    second = CountingSite(site)
    known = {**{i: fingerprints[i] for i in SAME}, CHANGED: "0" * 32}
    pages = await harvest_counted(second, replace(shipped_config("afdb-html"), known=known))

    assert [page.unchanged for page in pages] == [SAME, []]
    assert records(pages).keys() == fingerprints.keys() - set(SAME)
    assert second.matching(DETAIL_REQUEST) == [
        i for i in first.matching(DETAIL_REQUEST) if i not in SAME
    ]
    assert CHANGED in second.matching(DETAIL_REQUEST)
    assert len(second.requests) == len(first.requests) - 2 == 6
    assert records(pages)[CHANGED].description_html
    assert pages[1].listing_fingerprints == {CHANGED: fingerprints[CHANGED]}
    assert [page.rejected for page in pages] == [page.rejected for page in listed]

    # Without details the memo is not used: nothing is skipped, nothing fingerprinted.
    pages = await harvest_counted(
        CountingSite(site), replace(shipped_config("afdb-html", fetch_details=False), known=known)
    )
    assert [page.unchanged for page in pages] == [[], []]
    assert [page.listing_fingerprints for page in pages] == [{}, {}]
    assert set(SAME) <= records(pages).keys()


async def test_a_listing_that_needs_no_detail_page_never_skips():
    # AIIB's rows hold every field: there is no detail request to save, so ``known`` is
    # not consulted and every vacancy comes back as a record.
    site = CountingSite(load_site("aiib-html"))
    plain = await harvest_counted(site, shipped_config("aiib-html"))
    ids = list(records(plain))
    pages = await harvest_counted(
        site, replace(shipped_config("aiib-html"), known=dict.fromkeys(ids, "0" * 32))
    )
    assert [list(records([page])) for page in pages] == [ids]
    assert [(page.unchanged, page.listing_fingerprints) for page in pages] == [([], {})]
    assert len(site.requests) == 2


def test_an_item_entry_leaves_out_position_classes_and_session_ids():
    def entry(classes: str, href: str):
        html = (
            f'<div class="views-row {classes}"><a href="{href}">Country Economist</a>'
            '<span class="field-content">PL4</span></div>'
        )
        return item_entry(LexborHTMLParser(html).css_first("div"))

    plain = entry("views-row-1 views-row-odd", "/current-vacancies/country-economist-rdgw0")
    assert entry("views-row-2 views-row-even", "/current-vacancies/country-economist-rdgw0") == (
        plain
    )
    assert entry("", "/current-vacancies/country-economist-rdgw0;jsessionid=A1B2") == plain
    assert entry("", "/current-vacancies/country-economist-rdgw1") != plain
