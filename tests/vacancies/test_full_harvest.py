"""The acceptance run of the source catalogue: ``portal harvest`` over every source of
the shipped sources.toml, each one served by a real HTTP server on 127.0.0.1 from its
recorded pages (tests/fixtures/*/sites.toml), then ``portal sources check`` on the same
servers.

Only the origin of each base_url changes (``https://unhcr.wd3.myworkdayjobs.com`` becomes
``http://127.0.0.1:PORT``); paths, params and adapters are the shipped ones, so a
change to a source's entry that no longer matches its recorded site fails here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import tomli_w

from tests.recorded_sites import SHIPPED_SOURCES, RecordedSite, load_sites, serve_sites
from vacancies.sources import SourceSpec, load_source_specs
from vacancies.tables import Vacancy

REPO = Path(__file__).resolve().parents[2]
SECRETS = {"PORTAL_RELIEFWEB_APPNAME": "norec-portal-test", "PORTAL_UNTALENT_TOKEN": "test-token"}


def shipped_specs() -> list[SourceSpec]:
    return load_source_specs(SHIPPED_SOURCES)


def test_every_enabled_source_has_a_recorded_site_and_every_site_a_source():
    specs = shipped_specs()
    sites = load_sites()
    enabled = {spec.id for spec in specs if spec.enabled}
    assert sorted(enabled - set(sites)) == []
    assert sorted(set(sites) - {spec.id for spec in specs}) == []


def test_the_catalogue_covers_at_least_25_organisations_each_with_platform_and_terms():
    specs = shipped_specs()
    organisations = {spec.organization for spec in specs if spec.organization}
    assert len(organisations) >= 25, sorted(organisations)
    for spec in specs:
        assert spec.terms and len(spec.terms) > 20, spec.id
    # Every source names its adapter, and every adapter named exists.
    from scrapers.registry import adapter_names

    assert {spec.adapter for spec in specs} <= set(adapter_names())


def served_catalogue(
    path: Path, specs: list[SourceSpec], sites: dict[str, RecordedSite], origins: dict[str, str]
) -> list[str]:
    """Write a sources.toml holding every source that has a recorded site, enabled, its
    base_url's origin replaced by its server's; returns their ids."""
    entries = []
    for spec in specs:
        if spec.id not in sites:
            continue
        entry = spec.model_dump(exclude_none=True)
        parts = urlsplit(spec.base_url)
        local = urlsplit(origins[spec.id])
        entry["base_url"] = urlunsplit(
            (local.scheme, local.netloc, parts.path, parts.query, parts.fragment)
        )
        entry["enabled"] = True
        entries.append(entry)
    path.write_text(tomli_w.dumps({"source": entries}), encoding="utf-8")
    return [entry["id"] for entry in entries]


def portal(*args: str, sources_file: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **SECRETS, "PORTAL_SOURCES_FILE": str(sources_file)}
    env["PORTAL_HTTP_DELAY"] = "0"
    return subprocess.run(
        [sys.executable, "-c", "from portal.cli import main; main()", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        cwd=REPO,
    )


@pytest.mark.usefixtures("db")
async def test_portal_harvest_over_all_sources_from_local_servers(tmp_path):
    specs = shipped_specs()
    sites = load_sites()
    sources_file = tmp_path / "sources.toml"
    with serve_sites(sites) as origins:
        served = served_catalogue(sources_file, specs, sites, origins)

        # Every site on its own port: one lane each, three worker processes.
        first = portal("harvest", "--json", "--workers", "3", sources_file=sources_file)
        assert first.returncode == 0, first.stderr[-3000:] + first.stdout[-3000:]
        runs = {run["source"]: run for run in json.loads(first.stdout)}
        assert sorted(runs) == sorted(served)
        for source_id in served:
            expected = sites[source_id].expected
            run = runs[source_id]
            assert (run["status"], run["error"]) == ("ok", None), source_id
            assert run["new"] == expected["records"], source_id
            assert run["rejected"] == expected["rejected"], source_id
            assert (run["updated"], run["unchanged"], run["closed"]) == (0, 0, 0), source_id

        # The second run (in one process) finds everything unchanged, and closes nothing.
        second = portal("harvest", "--json", "--workers", "1", sources_file=sources_file)
        assert second.returncode == 0, second.stderr[-3000:]
        for run in json.loads(second.stdout):
            expected = sites[run["source"]].expected
            assert run["status"] in ("ok", "not_modified"), run
            assert (run["new"], run["closed"]) == (0, 0), run
            if run["status"] == "ok":
                assert run["unchanged"] == expected["records"], run

        checked = portal("sources", "check", "--json", sources_file=sources_file)
        assert checked.returncode == 0, checked.stdout[-3000:]
        checks = {check["source"]: check for check in json.loads(checked.stdout)}
        assert sorted(checks) == sorted(served)
        for source_id, check in checks.items():
            assert check["ok"], check
            assert 0 < check["records"] <= sites[source_id].expected["records"], check

    total = sum(sites[source_id].expected["records"] for source_id in served)

    # Every record is stored; open unless its deadline had passed when it was harvested
    # (the recorded AfDB page is a real one that closed on 2 March 2026; and the recorded
    # deadlines of late 2026 pass as the calendar moves on).
    stored = await Vacancy.select(Vacancy.external_id, Vacancy.status, Vacancy.deadline)
    assert len(stored) == total
    now = datetime.now(UTC)
    for row in stored:
        expired = row["deadline"] is not None and _aware(row["deadline"]) < now
        assert row["status"] == ("closed" if expired else "open"), row


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
