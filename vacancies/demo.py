"""``portal demo``: recorded feeds harvested through the real adapters, offline.

Each sample stands in for a live source of sources.toml and is stored as its own
source, ``sample-<id>``, with ``is_sample`` set and never enabled for scheduling: lists,
the API and the CLI mark its vacancies as sample data.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import httpx

from portal.settings import REPO_ROOT, get_settings
from scrapers.http import PoliteClient
from vacancies.harvest import HarvestResult, harvest_source
from vacancies.organizations import organization_ids
from vacancies.sources import load_source_specs, source_values, upsert_source

FIXTURES = REPO_ROOT / "tests" / "fixtures"
DEMO_FILE = FIXTURES / "demo.toml"


def recorded_transport(recordings: dict[str, Path]) -> httpx.MockTransport:
    """Serves each URL's recorded body; robots.txt is absent (404); anything else 404."""

    def handler(request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        path = recordings.get(url)
        if path is None:
            return httpx.Response(404, text="not recorded")
        return httpx.Response(
            200, content=path.read_bytes(), headers={"content-type": "application/rss+xml"}
        )

    return httpx.MockTransport(handler)


def read_samples(demo_file: Path) -> list[dict]:
    return tomllib.loads(demo_file.read_text(encoding="utf-8"))["sample"]


async def load_demo(demo_file: Path = DEMO_FILE) -> list[HarvestResult]:
    settings = get_settings()
    live = {spec.id: spec for spec in load_source_specs(settings.sources_file)}
    samples = read_samples(demo_file)
    org_ids = await organization_ids()
    recordings: dict[str, Path] = {}
    sample_ids: list[str] = []
    for sample in samples:
        spec = live.get(sample["source"])
        if spec is None:
            raise ValueError(f"{demo_file}: sample for unknown source {sample['source']!r}")
        sample_id = f"sample-{spec.id}"
        values = source_values(
            spec,
            org_ids,
            name=f"Sample data: {spec.name}, recorded {sample['recorded']}",
            enabled=False,  # never scheduled: recorded data is loaded only by `portal demo`
            is_sample=True,
        )
        await upsert_source(sample_id, values)
        recordings[spec.base_url] = demo_file.parent / sample["recording"]
        sample_ids.append(sample_id)

    results = []
    async with PoliteClient(
        user_agent=settings.user_agent, transport=recorded_transport(recordings), delay=0
    ) as client:
        for sample_id in sample_ids:
            results.append(await harvest_source(sample_id, client))
    return results
