"""The ``portal`` command as an operator runs it: real processes, a real local HTTP
server with recorded feeds, the test database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from portal.settings import REPO_ROOT
from tests.helpers import fixture_bytes
from tests.localserver import RecordedServer

PORTAL = [sys.executable, "-m", "portal.cli"]


def portal(
    *args: str,
    env: dict[str, str] | None = None,
    timeout: float = 120,
    input_text: str | None = None,
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*PORTAL, *args],
        capture_output=True,
        text=True,
        input=input_text,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        check=False,
    )


@pytest.fixture
def feeds():
    rss = "application/rss+xml"
    with RecordedServer(
        {
            "/unicef.xml": (200, rss, fixture_bytes("rss/cinfoposte_unicef_jobs.xml")),
            "/worldbank.xml": (200, rss, fixture_bytes("rss/cinfoposte_worldbank_jobs.xml")),
            "/broken.xml": (200, "text/html", b"<html><body><h1>Maintenance</h1></body></html>"),
        }
    ) as server:
        yield server


@pytest.fixture
def local_sources(tmp_path: Path, feeds: RecordedServer) -> dict[str, str]:
    path = tmp_path / "sources.toml"
    path.write_text(
        f"""
[[source]]
id = "unicef-local"
name = "UNICEF (recorded)"
organization = "UNICEF"
adapter = "rss"
base_url = "{feeds.base_url}/unicef.xml"

[[source]]
id = "broken-local"
name = "A feed that serves a maintenance page"
adapter = "rss"
base_url = "{feeds.base_url}/broken.xml"

[[source]]
id = "worldbank-local"
name = "World Bank (recorded)"
organization = "WBG"
adapter = "rss"
base_url = "{feeds.base_url}/worldbank.xml"
[source.params]
location_regex = 'Location:\\s*(?P<duty_station>.+?)\\.?$'
""",
        encoding="utf-8",
    )
    return {"PORTAL_SOURCES_FILE": str(path), "PORTAL_HTTP_DELAY": "0"}


def test_db_upgrade_is_idempotent(db):
    for _ in range(2):
        result = portal("db", "upgrade")
        assert result.returncode == 0, result.stderr


def test_harvest_goes_on_after_a_failing_source_and_exits_1(db, local_sources, feeds):
    result = portal("harvest", "--json", env=local_sources)

    assert result.returncode == 1, result.stderr
    summary = {row["source"]: row for row in json.loads(result.stdout)}
    assert summary["unicef-local"]["status"] == "ok"
    assert summary["unicef-local"]["new"] == 32
    assert summary["worldbank-local"]["status"] == "ok"
    assert summary["worldbank-local"]["new"] == 6
    assert summary["broken-local"]["status"] == "failed"
    assert "HTML" in summary["broken-local"]["error"]
    assert "/robots.txt" in feeds.hits


def test_harvest_of_named_sources_exits_0_when_they_succeed(db, local_sources):
    result = portal("harvest", "unicef-local", env=local_sources)
    assert result.returncode == 0, result.stderr
    assert "unicef-local" in result.stdout


def test_harvest_unknown_source_is_an_error(db, local_sources):
    result = portal("harvest", "nope", env=local_sources)
    assert result.returncode != 0
    assert "unknown source(s): nope" in result.stderr


def test_vacancies_list_json_carries_the_documented_fields(db, local_sources):
    assert portal("harvest", "unicef-local", "worldbank-local", env=local_sources).returncode == 0

    result = portal("vacancies", "list", "--organization", "WBG", "--json", env=local_sources)

    assert result.returncode == 0, result.stderr
    items = json.loads(result.stdout)
    assert len(items) == 6
    assert set(items[0]) == {
        "id",
        "source",
        "external_id",
        "title",
        "organization",
        "grade",
        "category",
        "duty_station",
        "country",
        "posted_at",
        "deadline",
        "url",
        "status",
        "sample",
    }
    assert {i["organization"] for i in items} == {"WBG"}
    assert {i["country"] for i in items} == {"USA"}


def test_sources_list_json(db, local_sources):
    result = portal("sources", "list", "--json", env=local_sources)
    assert result.returncode == 0, result.stderr
    assert [s["id"] for s in json.loads(result.stdout)] == [
        "broken-local",
        "unicef-local",
        "worldbank-local",
    ]


def test_invalid_sources_file_is_reported(db, tmp_path):
    bad = tmp_path / "sources.toml"
    bad.write_text(
        '[[source]]\nid = "x"\nname = "x"\nadapter = "rss"\nbase_url = "u"\n'
        'schedule = "every day"\n'
    )
    result = portal("sources", "list", env={"PORTAL_SOURCES_FILE": str(bad)})
    assert result.returncode != 0
    assert "invalid cron expression" in result.stderr


def test_demo_loads_recorded_feeds_marked_as_sample(db):
    repo_sources = {"PORTAL_SOURCES_FILE": str(REPO_ROOT / "sources.toml")}
    result = portal("demo", "--json", env=repo_sources)

    assert result.returncode == 0, result.stderr
    runs = json.loads(result.stdout)
    assert {r["status"] for r in runs} == {"ok"}
    assert sum(r["new"] for r in runs) > 100

    listed = portal("vacancies", "list", "--json", "--limit", "100", env=repo_sources)
    items = json.loads(listed.stdout)
    assert items and all(item["sample"] for item in items)
    assert all(item["source"].startswith("sample-") for item in items)

    again = json.loads(portal("demo", "--json", env=repo_sources).stdout)
    assert sum(r["new"] + r["updated"] for r in again) == 0


def test_invalid_settings_are_named_without_a_traceback(db):
    result = portal(
        "sources",
        "list",
        env={
            "PORTAL_HARVEST_WORKERS": "0",
            "PORTAL_DATABASE_URL": "mysql://admin:hunter2@db/portal",
        },
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "PORTAL_HARVEST_WORKERS: Input should be greater than or equal to 1 (got '0')" in (
        result.stderr
    )
    assert "PORTAL_DATABASE_URL: " in result.stderr
    assert "hunter2" not in result.stderr
