"""Harvest throughput: 20,000 vacancies through the whole pipeline, on SQLite and PostgreSQL.

Two workloads per engine, each through an in-process transport, so the measurement
covers the adapters' parsing, normalisation, change detection and the database writes —
not the network:

  bulk   the recorded ReliefWeb pages (tests/fixtures/reliefweb) multiplied to 20,000
         jobs with distinct ids, in pages of 1,000 (the API's maximum), one source.
  mixed  every source of the shipped sources.toml that has a recorded site
         (tests/fixtures/*/sites.toml: Workday, Oracle, Taleo, SuccessFactors, UN Careers,
         UNV, HTML pages, RSS, ...), each harvested as its own source with its shipped
         params, detail pages included; repeated in rounds (fresh source ids, the
         previous round's vacancies closed so they are not cross-source duplicates)
         until at least 20,000 vacancies have been stored — so the table grows as in
         the bulk run while every round is a realistic mix of small sources.

Two passes each:
  new        an empty database takes them all (target >= 2,000 records/s)
  unchanged  the same listings again (target >= 5,000 records/s), which must write no
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
MIXED_RECORDS = 20_000
PAGE = 1_000
SECRETS = {"PORTAL_RELIEFWEB_APPNAME": "norec-benchmark", "PORTAL_UNTALENT_TOKEN": "benchmark"}
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
    from vacancies.organizations import sync_organizations

    await open_database()
    try:
        await upgrade_schema()
        await sync_organizations()
        bulk = await measure_bulk(engine)
        if os.environ.get("PORTAL_BENCH_SKIP_MIXED"):
            return {"engine": engine, **bulk}
        # The bulk listing stays in the table as history, out of the open pool.
        from vacancies.tables import Vacancy

        await Vacancy.update({Vacancy.status: "closed"}).where(Vacancy.source == "reliefweb-bench")
        return {"engine": engine, **bulk, **await measure_mixed(engine)}
    finally:
        await close_database()


async def _vacancy_writes() -> int:
    from vacancies.tables import Vacancy

    return (await Vacancy.raw("SELECT n FROM bench_writes"))[0]["n"]


async def measure_mixed(engine: str) -> dict:
    """Every recorded site as its own source, in rounds, until MIXED_RECORDS are stored."""
    import math

    import httpx

    from scrapers.http import PoliteClient
    from tests.recorded_sites import load_sites
    from vacancies.harvest import harvest_source
    from vacancies.sources import load_source_specs, sync_sources
    from vacancies.tables import Vacancy

    os.environ.update(SECRETS)
    sites = load_sites()
    specs = [s for s in load_source_specs(ROOT / "sources.toml") if s.id in sites]
    per_round = sum(sites[s.id].expected["records"] for s in specs)
    rounds = math.ceil(MIXED_RECORDS / per_round)
    hosts: dict[str, str] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        return sites[hosts[request.url.host]].handle(request)

    clock = lambda: datetime(2026, 11, 22, 12, 0, tzinfo=UTC)  # noqa: E731
    totals = {"new": 0.0, "unchanged": 0.0}
    counts = {"new": 0, "unchanged": 0, "rejected": 0, "requests": 0, "failed": []}
    per_adapter: dict[str, dict[str, float]] = {}
    writes = 0
    requests = 0

    def counting(request: httpx.Request) -> httpx.Response:
        nonlocal requests
        requests += 1
        return handler(request)

    async with PoliteClient(transport=httpx.MockTransport(counting), delay=0) as client:
        for round_no in range(rounds):
            batch = []
            for spec in specs:
                host = f"{spec.id}.round{round_no}.bench.test"
                hosts[host] = spec.id
                parts = urlsplit(spec.base_url)
                batch.append(
                    spec.model_copy(
                        update={
                            "id": f"{spec.id}-r{round_no}",
                            "enabled": True,
                            "base_url": urlunsplit(parts._replace(scheme="https", netloc=host)),
                        }
                    )
                )
            await sync_sources(batch, disable_missing=False)
            for pass_name in ("new", "unchanged"):
                before = await _vacancy_writes()
                for spec, original in zip(batch, specs, strict=True):
                    started = time.perf_counter()
                    result = await harvest_source(spec.id, client, clock=clock)
                    seconds = time.perf_counter() - started
                    totals[pass_name] += seconds
                    adapter = per_adapter.setdefault(
                        original.adapter, {"records": 0, "new": 0.0, "unchanged": 0.0}
                    )
                    adapter[pass_name] += seconds
                    if result.status.value != "ok":
                        counts["failed"].append(f"{spec.id}: {result.status.value} {result.error}")
                    if pass_name == "new":
                        counts["new"] += result.counts.new
                        counts["rejected"] += result.counts.rejected
                        adapter["records"] += result.counts.new
                    else:
                        counts["unchanged"] += result.counts.unchanged
                if pass_name == "unchanged":
                    writes += await _vacancy_writes() - before
            # Out of the clock: this round's vacancies leave the open pool, so the next
            # round's identical copies are not linked to them as cross-source duplicates.
            await Vacancy.update({Vacancy.status: "closed"}).where(
                Vacancy.source.is_in([spec.id for spec in batch])
            )
    counts["requests"] = requests
    return {
        "mixed_sources": len(specs),
        "mixed_rounds": rounds,
        "mixed_counts": counts,
        "mixed_new_seconds": totals["new"],
        "mixed_unchanged_seconds": totals["unchanged"],
        "mixed_new_per_second": counts["new"] / totals["new"],
        "mixed_unchanged_per_second": counts["unchanged"] / totals["unchanged"],
        "mixed_vacancy_writes_during_unchanged": writes,
        "mixed_per_adapter": per_adapter,
    }


async def measure_bulk(engine: str) -> dict:
    from scrapers.http import PoliteClient
    from vacancies.harvest import harvest_source
    from vacancies.tables import Source, Vacancy

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
    results: dict = {"records": RECORDS}
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
        f"Harvest throughput (python {sys.version.split()[0]}, {os.cpu_count()} cores)",
        "",
        "| engine | workload | new: records/s (target 2,000) "
        "| unchanged: records/s (target 5,000) | vacancy writes during unchanged run |",
        "| --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        mixed = r["mixed_counts"]
        lines.append(
            f"| {r['engine']} | bulk: {RECORDS:,} ReliefWeb-shaped, pages of {PAGE:,} "
            f"| {r['new_per_second']:,.0f} ({r['new_seconds']:.1f} s) "
            f"| {r['unchanged_per_second']:,.0f} ({r['unchanged_seconds']:.1f} s) "
            f"| {r['vacancy_writes_during_unchanged']} |"
        )
        lines.append(
            f"| {r['engine']} | mixed: {mixed['new']:,} from {r['mixed_sources']} sources "
            f"x {r['mixed_rounds']} rounds, {mixed['requests']:,} requests "
            f"| {r['mixed_new_per_second']:,.0f} ({r['mixed_new_seconds']:.1f} s) "
            f"| {r['mixed_unchanged_per_second']:,.0f} ({r['mixed_unchanged_seconds']:.1f} s) "
            f"| {r['mixed_vacancy_writes_during_unchanged']} |"
        )
    lines += ["", "Mixed workload by adapter (seconds over all rounds, both passes):", ""]
    lines += ["| engine | adapter | vacancies | new: records/s | unchanged: records/s |"]
    lines += ["| --- | --- | --- | --- | --- |"]
    for r in rows:
        for name, a in sorted(r["mixed_per_adapter"].items()):
            lines.append(
                f"| {r['engine']} | {name} | {a['records']:,} "
                f"| {a['records'] / a['new']:,.0f} | {a['records'] / a['unchanged']:,.0f} |"
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
        and not r["mixed_counts"]["failed"]
        and r["mixed_counts"]["new"] >= MIXED_RECORDS
        and r["mixed_counts"]["unchanged"] == r["mixed_counts"]["new"]
        and r["mixed_vacancy_writes_during_unchanged"] == 0
        and r["mixed_new_per_second"] >= TARGET_NEW
        and r["mixed_unchanged_per_second"] >= TARGET_UNCHANGED
        for r in rows
    )
    for r in rows:
        for failure in r["mixed_counts"]["failed"]:
            print(f"mixed run on {r['engine']} failed: {failure}")
    print("targets met" if ok else "TARGETS NOT MET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
