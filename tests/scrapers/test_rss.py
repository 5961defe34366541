"""The RSS/Atom adapter on real recorded feeds and on broken ones."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import respx

from scrapers.base import SourceConfig
from scrapers.records import NotModified, RejectedRecord, ScrapedVacancy, SourceError
from scrapers.rss import RssAdapter, grade_in_title, job_numbers_in_title

FEED_URL = "https://cinfoposte.github.io/unicef-jobs/unicef_jobs.xml"
RSS_HEADERS = {"Content-Type": "application/rss+xml; charset=utf-8"}

RECORDED_FEEDS_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "rss"
RECORDED_FEEDS = sorted(path.name for path in RECORDED_FEEDS_DIR.glob("*.xml"))

LOCATION_REGEX = r"Location:\s*(?P<duty_station>[^.\n]+)"


@pytest.fixture
def router() -> respx.Router:
    return respx.Router()


def rss_source(url: str = FEED_URL, **params) -> SourceConfig:
    return SourceConfig(id="feed", adapter="rss", base_url=url, params=params)


async def harvest(client, source: SourceConfig):
    return [page async for page in RssAdapter().pages(source, client)]


def serve(router: respx.Router, body: bytes, url: str = FEED_URL, **headers: str) -> respx.Route:
    return router.get(url).respond(200, content=body, headers={**RSS_HEADERS, **headers})


# --- the recorded feeds ----------------------------------------------------------------


def test_every_recorded_feed_is_covered():
    assert RECORDED_FEEDS == [
        "cinfoposte_ebrd_jobs.xml",
        "cinfoposte_iadb_jobs.xml",
        "cinfoposte_unfpa_jobs.xml",
        "cinfoposte_unhcr_jobs.xml",
        "cinfoposte_unicef_jobs.xml",
        "cinfoposte_worldbank_jobs.xml",
    ]


@pytest.mark.parametrize(
    ("feed", "entries"),
    [
        ("cinfoposte_ebrd_jobs.xml", 25),
        ("cinfoposte_iadb_jobs.xml", 10),
        ("cinfoposte_unfpa_jobs.xml", 26),
        ("cinfoposte_unhcr_jobs.xml", 56),
        ("cinfoposte_unicef_jobs.xml", 32),
        ("cinfoposte_worldbank_jobs.xml", 6),
    ],
)
async def test_a_recorded_feed_is_one_complete_page_of_all_its_entries(
    make_client, router, fixture_bytes, feed, entries
):
    serve(router, fixture_bytes(f"rss/{feed}"))

    pages = await harvest(make_client(router), rss_source())

    assert len(pages) == 1
    assert len(pages[0].records) == entries
    assert pages[0].rejected == []
    assert pages[0].is_last is True
    assert all(record.posted_at.tzinfo is UTC for record in pages[0].records)


async def test_a_unicef_entry_is_read_field_by_field(make_client, router, fixture_bytes):
    serve(router, fixture_bytes("rss/cinfoposte_unicef_jobs.xml"))
    source = SourceConfig(
        id="unicef-rss",
        adapter="rss",
        base_url=FEED_URL,
        organization="UNICEF",
        params={"grade_from_title": True, "job_number_from_title": True},
    )

    pages = await harvest(make_client(router), source)

    assert pages[0].records[1] == ScrapedVacancy(
        external_id="2877452780752908",
        url="https://careers.pageuppeople.com/671/cw/en-us/job/591530",
        title=(
            "Batch Recruitment of 2 positions: Programme Specialist (Portfolio Strategist), "
            "P-3, TA (364 days), #136457 #136458, Office of Innovation-Stockholm, Sweden"
        ),
        organization="UNICEF",
        grade="P-3",
        duty_station=None,
        country=None,
        posted_at=datetime(2026, 3, 6, 8, 0, tzinfo=UTC),
        deadline=None,
        description_html=(
            "The UNICEF Venture Fund is seeking a Programme Specialist (Portfolio Strategist, "
            "P3) to strategically manage and grow its investment portfolio of frontier "
            "technology solutions that drive impact for children. The role will lead portfolio "
            "management, company selection, technical assistance coordination, performance "
            "tracking, and partnership development to maximize return on investment and scale "
            "innovative, open-source solutions globally. This is a unique opportunity to shape "
            "emerging technology markets and accelerate results for children through "
            "innovation."
        ),
        extra={"guid": "2877452780752908", "job_numbers": ["136457", "136458"]},
    )


async def test_a_world_bank_entry_is_read_field_by_field(make_client, router, fixture_bytes):
    url = "https://cinfoposte.github.io/worldbank-jobs/worldbank_jobs.xml"
    serve(router, fixture_bytes("rss/cinfoposte_worldbank_jobs.xml"), url=url)
    source = SourceConfig(
        id="worldbank-rss",
        adapter="rss",
        base_url=url,
        params={"organization": "World Bank Group", "location_regex": LOCATION_REGEX},
    )

    pages = await harvest(make_client(router), source)

    assert pages[0].records[0] == ScrapedVacancy(
        external_id="1127930754973037",
        url="https://worldbankgroup.csod.com/ux/ats/careersite/1/home/requisition/38131?c=worldbankgroup",
        title="E T Temporary - Program Assistant",
        organization="World Bank Group",
        grade=None,
        duty_station="Washington, DC",
        country=None,
        posted_at=datetime(2026, 8, 19, 9, 30, 40, tzinfo=UTC),
        deadline=None,
        description_html=(
            "World Bank Group has a vacancy for the position of E T Temporary - Program "
            "Assistant Location: Washington, DC."
        ),
        extra={"guid": "1127930754973037"},
    )


async def test_grades_are_found_in_unicef_titles_as_written(make_client, router, fixture_bytes):
    serve(router, fixture_bytes("rss/cinfoposte_unicef_jobs.xml"))

    pages = await harvest(make_client(router), rss_source(grade_from_title=True))

    grades = [record.grade for record in pages[0].records]
    assert grades == [
        "P-4", "P-3", None, None, "P-3", "P-4", "P-3", None, None, "P-3", "P-4",
        "P-3", "P-3", "P-3", "P-4", "N0-3", "P-4", "P-2", "P-3", "P2", "P-4",
        "P-3", "P2", "P-4", None, "P-3", "P-3", "P-3", "P-3", "P-2", "P-5", "P3",
    ]  # fmt: skip


async def test_duty_stations_come_from_the_location_line_of_unhcr_descriptions(
    make_client, router, fixture_bytes
):
    serve(router, fixture_bytes("rss/cinfoposte_unhcr_jobs.xml"))
    regex = r"Location:\s*(?P<duty_station>.+?)\.\s+Posted:"

    pages = await harvest(make_client(router), rss_source(location_regex=regex))

    stations = [record.duty_station for record in pages[0].records]
    assert stations[:3] == ["Geneva, Switzerland", "Belmopan, Belize", "Kuala Lumpur, Malaysia"]
    assert "Panama (Glob.Prog.), Panama" in stations
    assert None not in stations


async def test_ebrd_guids_that_are_links_serve_as_ids(make_client, router, fixture_bytes):
    serve(router, fixture_bytes("rss/cinfoposte_ebrd_jobs.xml"))

    pages = await harvest(make_client(router), rss_source(location_regex=LOCATION_REGEX))

    first = pages[0].records[0]
    assert first.external_id == (
        "https://jobs.ebrd.com/job/London-Analyst%2C-Impact-Assessment-and-Foresight/1293656001/"
    )
    assert first.duty_station == "London, GB"
    assert first.posted_at == datetime(2026, 2, 15, 9, 57, 21, tzinfo=UTC)


async def test_navigation_items_can_be_skipped_by_title(make_client, router, fixture_bytes):
    serve(router, fixture_bytes("rss/cinfoposte_unfpa_jobs.xml"))

    pages = await harvest(
        make_client(router), rss_source(skip_title_regex="^(Main navigation|Pagination)$")
    )

    assert [record.title for record in pages[0].records] == [
        "International Programme Coordinator P3 Fta Aden Yemen",
        "National Communication Intern Suva Fiji",
    ]
    assert len(pages[0].rejected) == 24
    assert pages[0].rejected[0] == RejectedRecord(
        external_id="0770688461735348", reason="title 'Main navigation' matches skip_title_regex"
    )


async def test_ids_can_be_taken_from_links(make_client, router, fixture_bytes):
    serve(router, fixture_bytes("rss/cinfoposte_worldbank_jobs.xml"))

    pages = await harvest(make_client(router), rss_source(id_from="link"))

    assert pages[0].records[0].external_id == (
        "https://worldbankgroup.csod.com/ux/ats/careersite/1/home/requisition/38131?c=worldbankgroup"
    )
    assert pages[0].records[0].extra == {"guid": "1127930754973037"}


# --- Atom ----------------------------------------------------------------------------


async def test_an_atom_entry_is_read_field_by_field(make_client, router, fixture_bytes):
    url = "https://jobs.unops.org/feeds/vacancies.atom"
    router.get(url).respond(
        200,
        content=fixture_bytes("feeds/unops_vacancies.atom"),
        headers={"Content-Type": "application/atom+xml"},
    )
    source = SourceConfig(
        id="unops-atom",
        adapter="rss",
        base_url=url,
        organization="UNOPS",
        params={"grade_from_title": True, "location_regex": LOCATION_REGEX},
    )

    pages = await harvest(make_client(router), source)

    assert pages[0].records[0] == ScrapedVacancy(
        external_id="tag:jobs.unops.org,2026:vacancy/31234",
        url="https://jobs.unops.org/Pages/ViewVacancy/VADetails.aspx?id=31234",
        title="Project Manager (Energy Infrastructure), IICA-3, Kyiv, Ukraine",
        organization="UNOPS",
        grade="IICA-3",
        duty_station="Kyiv, Ukraine",
        country=None,
        posted_at=datetime(2026, 11, 19, 8, 30, tzinfo=UTC),
        deadline=None,
        description_html=(
            "<p>Location: Kyiv, Ukraine.</p><p>UNOPS supports the repair of "
            "<strong>energy infrastructure</strong> damaged by the war.</p>"
        ),
        extra={
            "guid": "tag:jobs.unops.org,2026:vacancy/31234",
            "categories": ["Project Management", "Infrastructure"],
        },
    )
    assert pages[0].is_last is True


async def test_atom_relative_links_resolve_and_updated_stands_in_for_published(
    make_client, router, fixture_bytes
):
    url = "https://jobs.unops.org/feeds/vacancies.atom"
    router.get(url).respond(
        200,
        content=fixture_bytes("feeds/unops_vacancies.atom"),
        headers={"Content-Type": "application/atom+xml"},
    )

    pages = await harvest(make_client(router), rss_source(url=url))

    second = pages[0].records[1]
    assert second.url == "https://jobs.unops.org/Pages/ViewVacancy/VADetails.aspx?id=31240"
    assert second.posted_at == datetime(2026, 11, 18, 16, 45, tzinfo=UTC)


# --- conditional GET -------------------------------------------------------------------


async def test_the_stored_validators_are_sent_and_the_new_ones_kept(
    make_client, router, fixture_bytes
):
    route = serve(
        router,
        fixture_bytes("rss/cinfoposte_worldbank_jobs.xml"),
        ETag='W/"66c30f40-f5f"',
        **{"Last-Modified": "Wed, 19 Aug 2026 09:30:40 GMT"},
    )
    source = SourceConfig(
        id="worldbank-rss",
        adapter="rss",
        base_url=FEED_URL,
        etag='W/"66b1d2a0-e10"',
        last_modified="Tue, 18 Aug 2026 09:30:12 GMT",
    )

    pages = await harvest(make_client(router), source)

    request = route.calls.last.request
    assert request.headers["If-None-Match"] == 'W/"66b1d2a0-e10"'
    assert request.headers["If-Modified-Since"] == "Tue, 18 Aug 2026 09:30:12 GMT"
    assert (pages[0].etag, pages[0].last_modified) == (
        'W/"66c30f40-f5f"',
        "Wed, 19 Aug 2026 09:30:40 GMT",
    )


async def test_an_unchanged_feed_raises_not_modified(make_client, router):
    router.get(FEED_URL).respond(304)
    source = SourceConfig(id="feed", adapter="rss", base_url=FEED_URL, etag='W/"66b1d2a0-e10"')

    with pytest.raises(NotModified):
        await harvest(make_client(router), source)


# --- broken feeds ----------------------------------------------------------------------


async def test_entries_missing_title_or_link_are_rejected_and_the_rest_survive(
    make_client, router, fixture_bytes
):
    serve(router, fixture_bytes("feeds/missing_fields.xml"))

    pages = await harvest(make_client(router), rss_source())

    assert [record.title for record in pages[0].records] == [
        "Analyst, Impact Assessment and Foresight",
        "Intern, Security",
    ]
    assert pages[0].rejected == [
        RejectedRecord(
            external_id="https://jobs.ebrd.com/job/London-Associate%2C-Impact-Methodology/1293863701/",
            reason="missing title",
        ),
        RejectedRecord(external_id=None, reason="missing link"),
    ]
    assert pages[0].is_last is True


async def test_a_truncated_feed_keeps_the_whole_entries_then_raises(
    make_client, router, fixture_bytes
):
    serve(router, fixture_bytes("feeds/truncated_feed.xml"))
    pages = []

    with pytest.raises(SourceError) as raised:
        async for page in RssAdapter().pages(rss_source(), make_client(router)):
            pages.append(page)

    assert [record.external_id for record in pages[0].records] == [
        "5163097702853410",
        "7307434911283554",
    ]
    assert pages[0].is_last is False
    assert str(raised.value) == (
        "rss: malformed feed: no element found at line 24 (kept the 2 entries before the "
        "error; the listing is incomplete)"
    )


async def test_malformed_xml_without_entries_raises(make_client, router):
    serve(router, b'<?xml version="1.0"?>\n<rss version="2.0"><channel><title>UNHCR</titl></rss>')

    with pytest.raises(SourceError) as raised:
        await harvest(make_client(router), rss_source())

    assert str(raised.value) == "rss: malformed feed: mismatched tag at line 2"


async def test_an_html_page_served_with_200_raises(make_client, router, fixture_bytes):
    serve(router, fixture_bytes("feeds/not_a_feed.html"), **{"Content-Type": "text/html"})

    with pytest.raises(SourceError) as raised:
        await harvest(make_client(router), rss_source())

    assert str(raised.value) == (
        f"rss: expected a feed from {FEED_URL} but got an HTML page "
        "(status 200, content-type text/html)"
    )


async def test_an_html_page_labelled_as_a_feed_is_still_recognised(
    make_client, router, fixture_bytes
):
    serve(router, fixture_bytes("feeds/not_a_feed.html"))

    with pytest.raises(SourceError, match=r"^rss: expected a feed from .* but got an HTML page"):
        await harvest(make_client(router), rss_source())


async def test_a_feed_served_as_text_html_is_still_read(make_client, router, fixture_bytes):
    serve(router, fixture_bytes("rss/cinfoposte_iadb_jobs.xml"), **{"Content-Type": "text/html"})

    pages = await harvest(make_client(router), rss_source())

    assert len(pages[0].records) == 10


async def test_json_is_not_a_feed(make_client, router):
    router.get(FEED_URL).respond(200, json={"jobs": []})

    with pytest.raises(SourceError) as raised:
        await harvest(make_client(router), rss_source())

    assert str(raised.value) == f"rss: response from {FEED_URL} is not an RSS or Atom feed"


async def test_an_empty_channel_is_a_complete_empty_listing(make_client, router):
    serve(
        router,
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>IADB Job Vacancies</title>'
        b"<link>https://jobs.iadb.org/</link><description>none</description></channel></rss>",
    )

    pages = await harvest(make_client(router), rss_source())

    assert pages[0].records == []
    assert pages[0].is_last is True


# --- configuration and helpers -------------------------------------------------------


async def test_a_bad_regex_in_params_is_refused(make_client, router):
    with pytest.raises(SourceError) as raised:
        await harvest(make_client(router), rss_source(location_regex="Location: (?P<duty"))

    assert str(raised.value) == (
        "rss: invalid params for source 'feed': location_regex: "
        "Input should be a valid regular expression"
    )


async def test_unknown_params_are_refused(make_client, router):
    with pytest.raises(SourceError) as raised:
        await harvest(make_client(router), rss_source(grade_in_title=True))

    assert str(raised.value) == "rss: invalid params for source 'feed': unknown key grade_in_title"


@pytest.mark.parametrize(
    ("title", "grade"),
    [
        ("Chief, Liquidity Management, P-5, Fixed Term Position, DFAM, New York, USA", "P-5"),
        ("WASH Officer, (P2), La Paz-Bolivia, # 136480 (Temporary Appointment)", "P2"),
        ("Child Protection Specialist, N0-3, Fixed Term, Ankara, Türkiye", "N0-3"),
        ("Programme Policy Officer (Cash-Based Transfers), NOC, Fixed Term", "NOC"),
        ("Finance Associate, G-6", "G-6"),
        ("Director, Division of Emergency Programmes, D-2", "D-2"),
        ("Procurement Analyst, LICA-9, Copenhagen", "LICA-9"),
        ("JPO-Education Officer (digital learning), P-2, Luanda/Angola", "P-2"),
        ("COVID-19 Response Coordinator", None),
        ("GSS Supply Intern", None),
        ("Senior Mining Specialist", None),
    ],
)
def test_grade_in_title(title, grade):
    assert grade_in_title(title) == grade


def test_job_numbers_in_title_are_kept_as_written():
    assert job_numbers_in_title(
        "People and Culture Specialist, (P-3), Amman-Jordan, Post#127035, #00136419"
    ) == ["127035", "00136419"]
