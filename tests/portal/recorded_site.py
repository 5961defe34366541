"""The data the portal tests run on: three real sources harvested from their recorded
payloads at a fixed time, an HTTP client on the app with its clock frozen there, and
helpers to read the pages."""

from __future__ import annotations

from contextlib import asynccontextmanager
from datetime import UTC, datetime

import httpx
from selectolax.lexbor import LexborHTMLParser

from portal.app import create_app
from portal.settings import get_settings
from tests.helpers import Recorded, fixture_bytes
from tests.vacancies.test_harvest import RELIEFWEB_URL, UNICEF_URL, reliefweb_pages
from vacancies.harvest import harvest_source
from vacancies.sources import load_source_specs, sync_sources
from vacancies.tables import Vacancy

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
WORLDBANK_URL = "https://cinfoposte.github.io/worldbank-jobs/worldbank_jobs.xml"
SOURCES = ("unicef-rss", "worldbank-cinfo-rss", "reliefweb")

COX_BAZAR = (
    "Child Protection Specialist (Emergency), P-3, Temporary Appointment (364 days), Cox's Bazar"
)
ACCRA_JPO = (
    "Child Protection Officer, (P-2), Accra, Ghana (Junior Professional Officer Position)"
    "-Open to Norwegian nationals only"
)


async def harvest_recorded_sources() -> None:
    """UNICEF's feed (32 open), the World Bank's (6) and ReliefWeb's three pages (8)."""
    await sync_sources(load_source_specs(get_settings().sources_file))
    recorded = Recorded(
        {
            UNICEF_URL: fixture_bytes("rss/cinfoposte_unicef_jobs.xml"),
            WORLDBANK_URL: fixture_bytes("rss/cinfoposte_worldbank_jobs.xml"),
            RELIEFWEB_URL: reliefweb_pages(),
        }
    )
    async with recorded.client() as client:
        for source_id in SOURCES:
            await harvest_source(source_id, client, clock=lambda: NOW)


@asynccontextmanager
async def portal_client():
    """The app on the test's own event loop (where the database pool lives), through
    httpx's ASGI transport, with the clock frozen at NOW."""
    app = create_app(manage_database=False)
    app.state.clock = lambda: NOW
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://portal.test") as client:
        yield client


# --- Reading pages ---------------------------------------------------------------------


def text(node) -> str:
    """The node's text with runs of white space as one space, as a reader sees it."""
    return " ".join(node.text().split())


def texts(tree: LexborHTMLParser, selector: str) -> list[str]:
    return [text(node) for node in tree.css(selector)]


def facet_labels(tree: LexborHTMLParser, name: str) -> list[str]:
    inputs = tree.css(f"input[name='{name}']")
    return [text(tree.css_first(f"label[for='{i.attributes['id']}']")) for i in inputs]


async def vacancy_id(title: str) -> int:
    row = await Vacancy.select(Vacancy.id).where(Vacancy.title == title).first()
    return row["id"]
