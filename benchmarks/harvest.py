"""Harvest throughput: 20,000 vacancies through the whole pipeline, on SQLite and PostgreSQL.

The payload is the recorded ReliefWeb pages (tests/fixtures/reliefweb) multiplied to
20,000 jobs with distinct ids, served in pages of 1,000 (the API's maximum) through an
in-process transport, so the measurement covers the adapter's parsing, normalisation,
change detection and the database writes — not the network.

Two runs per engine:
  new        an empty database takes all 20,000 (target >= 2,000 records/s)
  unchanged  the same listing again (target >= 5,000 records/s), which must write no
             vacancy row: checked with a trigger counting UPDATEs/INSERTs on vacancy.

Usage:
  .venv/bin/python benchmarks/harvest.py                    # both engines
  .venv/bin/python benchmarks/harvest.py --engine sqlite    # one
  PORTAL_BENCH_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test (default)
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FIXTURES = ROOT / "tests" / "fixtures" / "reliefweb"
RECORDS = 20_000
PAGE = 1_000
TARGET_NEW = 2_000
TARGET_UNCHANGED = 5_000


def build_jobs(total: int) -> list[dict]:
    recorded = []
    for name in ("jobs_page_1", "jobs_page_2", "jobs_page_3"):
        recorded += json.loads((FIXTURES / f"{name}.json").read_text())["data"]
    jobs = []
    for n in range(total):
        job = copy.deepcopy(recorded[n % len(recorded)])
        job_id = str(5_000_000 + n)
        job["id"] = job_id
        fields = job["fields"]
        fields["id"] = int(job_id)
        fields["url"] = f"https://reliefweb.int/job/{job_id}"
        fields["title"] = f"{fields['title']} ({n // len(recorded) + 1})"
        jobs.append(job)
    return jobs


def transport(jobs: list[dict]):
    import httpx

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        body = json.loads(request.content)
        offset, limit = body["offset"], body["limit"]
        page = jobs[offset : offset + limit]
        payload = {"totalCount": len(jobs), "count": len(page), "data": page}
        return httpx.Response(200, json=payload)

    return httpx.MockTransport(handler)


WRITE_COUNTER = {
    "sqlite": [
        "CREATE TABLE IF NOT EXISTS bench_writes (n INTEGER NOT NULL)",
        "INSERT INTO bench_writes VALUES (0)",
        "CREATE TRIGGER bench_vacancy_update AFTER UPDATE ON vacancy "
        "BEGIN UPDATE bench_writes SET n = n + 1; END",
        "CREATE TRIGGER bench_vacancy_insert AFTER INSERT ON vacancy "
        "BEGIN UPDATE bench_writes SET n = n + 1; END",
    ],
    "postgres": [
        "CREATE TABLE IF NOT EXISTS bench_writes (n BIGINT NOT NULL)",
        "INSERT INTO bench_writes VALUES (0)",
        "CREATE FUNCTION bench_count() RETURNS trigger AS $$ BEGIN "
        "UPDATE bench_writes SET n = n + 1; RETURN NULL; END $$ LANGUAGE plpgsql",
        "CREATE TRIGGER bench_vacancy_write AFTER INSERT OR UPDATE ON vacancy "
        "FOR EACH ROW EXECUTE FUNCTION bench_count()",
    ],
}


async def measure(engine: str) -> dict:
    from portal.database import close_database, open_database, upgrade_schema
    from scrapers.http import PoliteClient
    from vacancies.harvest import harvest_source
    from vacancies.organizations import sync_organizations
    from vacancies.tables import Source, Vacancy

    await open_database()
    try:
        await upgrade_schema()
        await sync_organizations()
        await Source.insert(
            Source(
                id="reliefweb-bench",
                name="ReliefWeb (benchmark)",
                adapter="reliefweb",
                base_url="https://api.reliefweb.int",
                params={"appname": "norec-benchmark", "limit": PAGE, "max_pages": 100},
            )
        )
        jobs = build_jobs(RECORDS)
        results: dict = {"engine": engine, "records": RECORDS}
        clock = lambda: datetime(2026, 11, 22, 12, 0, tzinfo=UTC)  # noqa: E731
        async with PoliteClient(transport=transport(jobs), delay=0) as client:
            started = time.perf_counter()
            first = await harvest_source("reliefweb-bench", client, clock=clock)
            results["new_seconds"] = time.perf_counter() - started
            results["new_status"] = first.status.value
            results["new_counts"] = first.counts.as_dict()

            for statement in WRITE_COUNTER[engine]:
                await Vacancy.raw(statement)
            started = time.perf_counter()
            second = await harvest_source("reliefweb-bench", client, clock=clock)
            results["unchanged_seconds"] = time.perf_counter() - started
            results["unchanged_status"] = second.status.value
            results["unchanged_counts"] = second.counts.as_dict()
            writes = await Vacancy.raw("SELECT n FROM bench_writes")
            results["vacancy_writes_during_unchanged"] = writes[0]["n"]
        results["new_per_second"] = RECORDS / results["new_seconds"]
        results["unchanged_per_second"] = RECORDS / results["unchanged_seconds"]
        return results
    finally:
        await close_database()


def _postgres_admin_url() -> str:
    return os.environ.get("PORTAL_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def run_child(engine: str) -> dict:
    """Each engine in its own process: Piccolo binds its engine when tables import."""
    env = dict(os.environ)
    tmp = tempfile.mkdtemp(prefix="portal-bench-")
    database = None
    if engine == "sqlite":
        env["PORTAL_DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite"
    else:
        database = f"portal_bench_{uuid.uuid4().hex[:10]}"
        _psql_admin(f'CREATE DATABASE "{database}"')
        parts = urlsplit(_postgres_admin_url())
        env["PORTAL_DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{database}"))
    try:
        out = subprocess.run(
            [sys.executable, __file__, "--child", engine],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
    except subprocess.CalledProcessError as exc:
        sys.stderr.write(exc.stdout + exc.stderr)
        raise
    finally:
        if database:
            _psql_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    return json.loads(out.stdout.strip().splitlines()[-1])


def _psql_admin(sql: str) -> None:
    import asyncpg

    async def run() -> None:
        connection = await asyncpg.connect(_postgres_admin_url())
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    asyncio.run(run())


def report(rows: list[dict]) -> str:
    lines = [
        f"Harvest of {RECORDS:,} ReliefWeb-shaped records in pages of {PAGE:,} "
        f"(python {sys.version.split()[0]}, {os.cpu_count()} cores)",
        "",
        "| engine | new: records/s (target 2,000) | unchanged: records/s (target 5,000) "
        "| vacancy writes during unchanged run |",
        "| --- | --- | --- | --- |",
    ]
    for r in rows:
        lines.append(
            f"| {r['engine']} | {r['new_per_second']:,.0f} ({r['new_seconds']:.1f} s) "
            f"| {r['unchanged_per_second']:,.0f} ({r['unchanged_seconds']:.1f} s) "
            f"| {r['vacancy_writes_during_unchanged']} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=["sqlite", "postgres"], action="append")
    parser.add_argument("--child", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(asyncio.run(measure(args.child))))
        return 0
    rows = [run_child(engine) for engine in args.engine or ["sqlite", "postgres"]]
    print(report(rows))
    results_dir = ROOT / "benchmarks" / "results"
    results_dir.mkdir(exist_ok=True)
    (results_dir / "harvest.json").write_text(json.dumps(rows, indent=2))
    ok = all(
        r["new_counts"]["new"] == RECORDS
        and r["unchanged_counts"]["unchanged"] == RECORDS
        and r["vacancy_writes_during_unchanged"] == 0
        and r["new_per_second"] >= TARGET_NEW
        and r["unchanged_per_second"] >= TARGET_UNCHANGED
        for r in rows
    )
    print("targets met" if ok else "TARGETS NOT MET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
