"""Harvest throughput: 20,000 vacancies through the whole pipeline, on SQLite and PostgreSQL.

Two workloads per engine, each through an in-process transport, so the measurement
covers the adapters' parsing, normalisation, change detection and the database writes —
not the network:

  bulk   the recorded ReliefWeb pages (tests/fixtures/reliefweb) multiplied to 20,000
         jobs with distinct ids, in pages of 1,000 (the API's maximum), one source.
  mixed  every source of the shipped sources.toml that has a recorded site
         (tests/fixtures/*/sites.toml: Workday, Oracle, Taleo, SuccessFactors, UN Careers,
         UNV, Cornerstone, HTML pages, RSS, ...) scaled to a listing of realistic size
         (benchmarks/scaled_sites.py: whole copies of the recorded vacancies with
         rewritten ids and titles, paged as the platform pages, detail pages included),
         together at least 20,000 vacancies; each harvested once as its own source with
         its shipped params (max_pages raised where the scaled listing needs it). Reported
         per adapter and per source, with the listing and detail requests of each pass.

  mixed ingest  the records the adapters yielded in the mixed passes, kept (outside the
         clock) and fed through the same engine again into new sources, page by page:
         what the database side costs without fetching and parsing.

  mixed in worker processes  the same scaled sites harvested as `portal harvest` runs
         them (portal/harvesting.py): a lane per host, lanes handed to WORKERS worker
         processes (PORTAL_BENCH_WORKERS, default one per core, as `portal harvest` on
         a machine of up to 4 cores), each worker answering from its own copy of the
         scaled sites, built before the clock starts. The targets apply to this one,
         the bulk workload and the mixed ingest; the mixed workload in one process
         (`portal harvest --workers 1`, and the scheduler's jobs) is reported for
         information, with its rates per adapter and per source.

Two passes each:
  new        an empty database takes them all (target >= 2,000 records/s)
  unchanged  the same listings again (target >= 5,000 records/s), which must write no
             vacancy row: checked with triggers counting the rows INSERTed/UPDATEd on
             vacancy (on PostgreSQL per statement: a row-level counter serialised the
             workers' transactions on its row lock).

Usage:
  .venv/bin/python benchmarks/harvest.py                    # both engines
  .venv/bin/python benchmarks/harvest.py --engine sqlite    # one
  PORTAL_BENCH_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test (default)
  PORTAL_BENCH_SCALE=0.1     # a tenth of both workloads, while developing
  PORTAL_BENCH_PROFILE=/tmp/harvest   # cProfile of each mixed pass: /tmp/harvest.ENGINE.PASS.prof

Exit status 1 when a workload misses a target or a count is wrong; the lines starting
"below target:" say which workload (and, for information, which adapters) fell short.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import cProfile
import json
import os
import shutil
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
SCALE = float(os.environ.get("PORTAL_BENCH_SCALE", "1"))
"""Below 1 for a quick run while developing (e.g. 0.1: 2,000 + 2,000 records)."""
RECORDS = round(20_000 * SCALE)
MIXED_RECORDS = 20_000
PAGE = 1_000
SECRETS = {"PORTAL_RELIEFWEB_APPNAME": "norec-benchmark", "PORTAL_UNTALENT_TOKEN": "benchmark"}
WORKERS = int(os.environ.get("PORTAL_BENCH_WORKERS", os.cpu_count() or 1))
"""Worker processes of the mixed workload as ``portal harvest`` runs it (its default
on machines of up to 4 cores is one per core)."""
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
    # A row per statement, counting the rows it wrote: a row-level trigger updating one
    # counter row made every harvest transaction wait for the counter's row lock, so
    # harvests in parallel worker processes stored one at a time.
    "postgres": [
        "CREATE TABLE IF NOT EXISTS bench_writes (n BIGINT NOT NULL)",
        "CREATE FUNCTION bench_count() RETURNS trigger AS $$ BEGIN "
        "INSERT INTO bench_writes SELECT count(*) FROM written; RETURN NULL; END $$ "
        "LANGUAGE plpgsql",
        "CREATE TRIGGER bench_vacancy_insert AFTER INSERT ON vacancy "
        "REFERENCING NEW TABLE AS written FOR EACH STATEMENT EXECUTE FUNCTION bench_count()",
        "CREATE TRIGGER bench_vacancy_update AFTER UPDATE ON vacancy "
        "REFERENCING NEW TABLE AS written FOR EACH STATEMENT EXECUTE FUNCTION bench_count()",
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

    return int((await Vacancy.raw("SELECT coalesce(sum(n), 0) AS n FROM bench_writes"))[0]["n"])


async def measure_mixed(engine: str) -> dict:
    """Every recorded site scaled to a realistic listing size (benchmarks/scaled_sites.py),
    each its own source, harvested once (new) and again (unchanged), in one round."""
    import httpx

    import vacancies.harvest as harvest_module
    from benchmarks.scaled_sites import ScaledSite, bench_base_url, scale_site, sizes
    from scrapers.http import PoliteClient
    from tests.recorded_sites import load_sites
    from vacancies.sources import load_source_specs, sync_sources
    from vacancies.tables import Vacancy

    harvest_source, real_get_adapter = harvest_module.harvest_source, harvest_module.get_adapter
    os.environ.update(SECRETS)
    recorded = load_sites()
    specs = [s for s in load_source_specs(ROOT / "sources.toml") if s.id in recorded]
    wanted = sizes([s.id for s in specs], MIXED_RECORDS, SCALE)

    # Out of the clock: every scaled listing is rendered before the first harvest.
    built = time.perf_counter()
    scaled: dict[str, ScaledSite] = {}
    batch = []
    for spec in specs:
        config = spec.config()
        site = await scale_site(recorded[spec.id], config, wanted[spec.id])
        scaled[spec.id] = site
        params = dict(spec.params)
        if site.max_pages is not None:
            params["max_pages"] = site.max_pages
        batch.append(
            spec.model_copy(
                update={
                    "id": f"{spec.id}-bench",
                    "enabled": True,
                    "params": params,
                    "base_url": bench_base_url(spec.id, spec.base_url),
                }
            )
        )
    build_seconds = time.perf_counter() - built
    await sync_sources(batch, disable_missing=False)

    current: list[ScaledSite] = []

    def handler(request: httpx.Request) -> httpx.Response:
        # Sources are harvested one after the other: whatever host a request goes to (the
        # Cornerstone API lives on another host than the career page), the site being
        # harvested answers.
        return current[-1].handle(request)

    clock = lambda: datetime(2026, 11, 22, 12, 0, tzinfo=UTC)  # noqa: E731
    rows: dict[str, dict] = {}
    failed: list[str] = []
    writes = 0
    profile_to = os.environ.get("PORTAL_BENCH_PROFILE")
    recorder = PageRecorder()
    harvest_module.get_adapter = recorder.wrap(real_get_adapter)
    async with PoliteClient(transport=httpx.MockTransport(handler), delay=0) as client:
        for pass_name in ("new", "unchanged"):
            recorder.pass_name = pass_name
            profiler = cProfile.Profile() if profile_to else None
            before = await _vacancy_writes()
            for spec, original in zip(batch, specs, strict=True):
                site = scaled[original.id]
                current.append(site)
                site.requests.clear()
                if profiler:
                    profiler.enable()
                started = time.perf_counter()
                result = await harvest_source(spec.id, client, clock=clock)
                seconds = time.perf_counter() - started
                if profiler:
                    profiler.disable()
                row = rows.setdefault(
                    original.id,
                    {
                        "source": original.id,
                        "adapter": original.adapter,
                        "vacancies": site.vacancies,
                        "expected_rejected": site.expected["rejected"],
                        "copies": site.copies,
                        "page_size": site.page_size,
                        "pages": len(site.pages),
                        "raised_max_pages": site.raised_max_pages,
                    },
                )
                counts = result.counts
                row[pass_name] = {
                    "seconds": seconds,
                    "status": result.status.value,
                    "counts": counts.as_dict(),
                    "requests": {k: site.requests[k] for k in ("listing", "detail", "other")},
                }
                problems = []
                if result.status.value != "ok":
                    problems.append(f"{result.status.value} {result.error}")
                if pass_name == "new" and (counts.new, counts.rejected) != (
                    site.vacancies,
                    site.expected["rejected"],
                ):
                    problems.append(
                        f"new/rejected {counts.new}/{counts.rejected}, expected "
                        f"{site.vacancies}/{site.expected['rejected']}"
                    )
                if pass_name == "unchanged" and (counts.unchanged, counts.new, counts.updated) != (
                    site.vacancies,
                    0,
                    0,
                ):
                    problems.append(
                        f"unchanged/new/updated {counts.unchanged}/{counts.new}/{counts.updated}, "
                        f"expected {site.vacancies}/0/0"
                    )
                if problems:
                    failed.append(f"{original.id} ({pass_name} pass): " + "; ".join(problems))
            if profiler:
                profiler.dump_stats(f"{profile_to}.{engine}.{pass_name}.prof")
            if pass_name == "new":
                linked = await Vacancy.count().where(
                    Vacancy.source.is_in([spec.id for spec in batch]),
                    Vacancy.canonical.is_not_null(),
                )
            else:
                writes = await _vacancy_writes() - before

    harvest_module.get_adapter = real_get_adapter
    ingest = await measure_mixed_ingest(batch, recorder, clock)
    harvest_module.get_adapter = real_get_adapter
    workers = await measure_mixed_workers(batch, specs, scaled, wanted)

    def total(pass_name: str, key: str) -> float:
        return sum(r[pass_name][key] for r in rows.values() if pass_name in r)

    def requests(pass_name: str, kind: str) -> int:
        return sum(r[pass_name]["requests"][kind] for r in rows.values() if pass_name in r)

    new = sum(r["new"]["counts"]["new"] for r in rows.values())
    unchanged = sum(r["unchanged"]["counts"]["unchanged"] for r in rows.values())
    return {
        "mixed_sources": len(specs),
        "mixed_scale": SCALE,
        "mixed_build_seconds": build_seconds,
        "mixed_expected": sum(site.vacancies for site in scaled.values()),
        "mixed_counts": {
            "new": new,
            "unchanged": unchanged,
            "rejected": sum(r["new"]["counts"]["rejected"] for r in rows.values()),
            "requests": {
                p: {k: requests(p, k) for k in ("listing", "detail", "other")}
                for p in ("new", "unchanged")
            },
            "failed": failed,
        },
        "mixed_new_seconds": total("new", "seconds"),
        "mixed_unchanged_seconds": total("unchanged", "seconds"),
        "mixed_new_per_second": new / total("new", "seconds"),
        "mixed_unchanged_per_second": unchanged / total("unchanged", "seconds"),
        "mixed_vacancy_writes_during_unchanged": writes,
        "mixed_cross_source_links": linked,
        "mixed_per_source": list(rows.values()),
        **ingest,
        **workers,
    }


class PageRecorder:
    """Keeps the pages each adapter yields during the end-to-end mixed passes, per source
    and pass. Pages are frozen pydantic models, so keeping references costs an append per
    page inside the clock and nothing can change them afterwards."""

    def __init__(self) -> None:
        self.pass_name = "new"
        self.pages: dict[tuple[str, str], list] = {}

    def wrap(self, get_adapter):
        recorder = self

        class Recording:
            def __init__(self, adapter) -> None:
                self.adapter = adapter

            async def pages(self, config, client):
                kept = recorder.pages.setdefault((config.id, recorder.pass_name), [])
                async for page in self.adapter.pages(config, client):
                    kept.append(page)
                    yield page

        return lambda name: Recording(get_adapter(name))


class Replay:
    """An adapter that yields, for source ``X-ingest``, the pages the real adapter of
    ``X-bench`` yielded in the same pass: the engine's work without fetching or parsing."""

    def __init__(self, recorder: PageRecorder, pass_name: str) -> None:
        self.recorder, self.pass_name = recorder, pass_name

    async def pages(self, config, client):
        source = config.id.removesuffix("-ingest") + "-bench"
        for page in self.recorder.pages[(source, self.pass_name)]:
            yield page


async def measure_mixed_ingest(batch: list, recorder: PageRecorder, clock) -> dict:
    """The mixed workload's ingestion alone, as the harvest issue's target defines it
    ("ingest 20,000 recorded vacancies"): the records the eleven adapters produced from
    the scaled sites in the end-to-end passes (kept by ``PageRecorder``, outside the
    clock), fed through the same ``harvest_source`` (run bookkeeping, normalisation,
    change detection, cross-source duplicates, closing) into new sources ``X-ingest``,
    page by page as the adapters paged them: new, then unchanged. The end-to-end sources'
    vacancies are closed first, so the duplicate search sees the same open pool size as
    the end-to-end new pass did."""
    import vacancies.harvest as harvest_module
    from scrapers.http import PoliteClient
    from vacancies.sources import sync_sources
    from vacancies.tables import Vacancy

    real_get_adapter = harvest_module.get_adapter
    await Vacancy.update({Vacancy.status: "closed"}).where(
        Vacancy.source.is_in([spec.id for spec in batch])
    )
    ingest_batch = [
        spec.model_copy(update={"id": spec.id.removesuffix("-bench") + "-ingest"}) for spec in batch
    ]
    await sync_sources(ingest_batch, disable_missing=False)
    seconds: dict[str, float] = {}
    counts: dict[str, dict[str, int]] = {}
    failed: list[str] = []
    writes = 0
    async with PoliteClient(delay=0) as client:  # never used: nothing is fetched
        for pass_name in ("new", "unchanged"):
            harvest_module.get_adapter = lambda name, p=pass_name: Replay(recorder, p)
            before = await _vacancy_writes()
            total = {"new": 0, "unchanged": 0, "updated": 0, "rejected": 0}
            elapsed = 0.0
            profile_to = os.environ.get("PORTAL_BENCH_PROFILE")
            profiler = cProfile.Profile() if profile_to else None
            for spec in ingest_batch:
                if profiler:
                    profiler.enable()
                started = time.perf_counter()
                result = await harvest_module.harvest_source(spec.id, client, clock=clock)
                elapsed += time.perf_counter() - started
                if profiler:
                    profiler.disable()
                if result.status.value != "ok":
                    failed.append(f"{spec.id} ({pass_name}): {result.status.value} {result.error}")
                for key in total:
                    total[key] += getattr(result.counts, key)
            seconds[pass_name], counts[pass_name] = elapsed, total
            if profiler:
                profiler.dump_stats(f"{profile_to}.{pass_name}.ingest.prof")
            if pass_name == "unchanged":
                writes = await _vacancy_writes() - before
    harvest_module.get_adapter = real_get_adapter
    return {
        "ingest_counts": counts,
        "ingest_failed": failed,
        **_pass_rates("ingest", counts["new"]["new"], counts["unchanged"]["unchanged"], seconds),
        "ingest_vacancy_writes_during_unchanged": writes,
    }


def _pass_rates(prefix: str, new: int, unchanged: int, seconds: dict[str, float]) -> dict:
    """The seconds and records/s of a workload's two passes, keyed ``PREFIX_...``."""
    return {
        f"{prefix}_new_seconds": seconds["new"],
        f"{prefix}_unchanged_seconds": seconds["unchanged"],
        f"{prefix}_new_per_second": new / seconds["new"],
        f"{prefix}_unchanged_per_second": unchanged / seconds["unchanged"],
    }


def fixed_clock() -> datetime:
    return datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def _worker_ready(_: int) -> int:
    """Holds a worker a moment, so that each of the first tasks lands on its own."""
    time.sleep(1.0)
    return os.getpid()


async def measure_mixed_workers(batch: list, specs: list, scaled: dict, wanted: dict) -> dict:
    """The mixed workload as ``portal harvest`` runs it (``portal.harvesting``): the scaled
    sites harvested as sources ``X-workers`` by ``WORKERS`` worker processes, each
    source a lane of its own (one host each), new and then unchanged. The workers are
    started and have built their copies of the scaled sites before the clock starts;
    everything else (handing out lanes, the workers opening the database and their
    clients for each lane, the results coming back) is timed. The other mixed sources'
    vacancies are closed first, as for the mixed ingest."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from benchmarks.scaled_sites import scaled_client, start_worker
    from portal.harvesting import harvest_sources
    from vacancies.sources import sync_sources
    from vacancies.tables import Vacancy

    await Vacancy.update({Vacancy.status: "closed"}).where(Vacancy.status == "open")
    workers_batch = [
        spec.model_copy(update={"id": spec.id.removesuffix("-bench") + "-workers"})
        for spec in batch
    ]
    await sync_sources(workers_batch, disable_missing=False)
    source_ids = [spec.id for spec in workers_batch]
    original = {spec.id: spec.id.removesuffix("-bench") for spec in batch}
    executor = ProcessPoolExecutor(
        max_workers=WORKERS,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=start_worker,
        initargs=([spec.config() for spec in specs], wanted),
    )
    loop = asyncio.get_running_loop()
    started = time.perf_counter()
    pids = await asyncio.gather(
        *(loop.run_in_executor(executor, _worker_ready, n) for n in range(WORKERS))
    )
    start_seconds = time.perf_counter() - started
    seconds: dict[str, float] = {}
    totals: dict[str, dict[str, int]] = {}
    failed: list[str] = []
    written: dict[str, int] = {}
    try:
        for pass_name in ("new", "unchanged"):
            before = await _vacancy_writes()
            started = time.perf_counter()
            results = await harvest_sources(
                source_ids,
                workers=WORKERS,
                lock_ttl_seconds=3600,
                executor=executor,
                client_factory=scaled_client,
                clock=fixed_clock,
            )
            seconds[pass_name] = time.perf_counter() - started
            totals[pass_name] = {
                key: sum(getattr(r.counts, key) for r in results)
                for key in ("new", "updated", "unchanged", "rejected")
            }
            for spec, result in zip(batch, results, strict=True):
                site = scaled[original[spec.id]]
                counts = result.counts
                if pass_name == "new":
                    got = (counts.new, counts.rejected)
                    want = (site.vacancies, site.expected["rejected"])
                else:
                    got = (counts.unchanged, counts.new, counts.updated)
                    want = (site.vacancies, 0, 0)
                if result.status.value != "ok" or got != want:
                    failed.append(
                        f"{result.source_id} ({pass_name} pass): {result.status.value} {got}, "
                        f"expected {want} {result.error or ''}".rstrip()
                    )
            written[pass_name] = await _vacancy_writes() - before
    finally:
        executor.shutdown(wait=True)
    return {
        "workers": WORKERS,
        "workers_distinct_processes": len(set(pids)),
        "workers_start_seconds": start_seconds,
        "workers_counts": totals,
        "workers_failed": failed,
        **_pass_rates("workers", totals["new"]["new"], totals["unchanged"]["unchanged"], seconds),
        "workers_vacancy_writes_during_new": written["new"],
        "workers_vacancy_writes_during_unchanged": written["unchanged"],
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
        results["vacancy_writes_during_unchanged"] = await _vacancy_writes()
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
        shutil.rmtree(tmp, ignore_errors=True)
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


def _adapters(r: dict) -> dict[str, dict]:
    """The per-source rows of one engine's mixed run, summed per adapter."""
    adapters: dict[str, dict] = {}
    for row in r["mixed_per_source"]:
        a = adapters.setdefault(
            row["adapter"],
            {"sources": 0, "vacancies": 0, "new": 0.0, "unchanged": 0.0, "requests": {}},
        )
        a["sources"] += 1
        a["vacancies"] += row["vacancies"]
        for pass_name in ("new", "unchanged"):
            a[pass_name] += row[pass_name]["seconds"]
            for kind, n in row[pass_name]["requests"].items():
                key = f"{pass_name}_{kind}"
                a["requests"][key] = a["requests"].get(key, 0) + n
    return adapters


def _rate(records: int, seconds: float) -> float:
    return records / seconds if seconds else float("inf")


def misses(r: dict) -> list[str]:
    """Which workload (and which adapter of the mixed one) misses a target."""
    out = []
    for workload, new, unchanged in (
        ("bulk", r["new_per_second"], r["unchanged_per_second"]),
        (
            f"mixed, {r.get('workers')} worker processes",
            r.get("workers_new_per_second"),
            r.get("workers_unchanged_per_second"),
        ),
        ("mixed ingest", r.get("ingest_new_per_second"), r.get("ingest_unchanged_per_second")),
        (
            "mixed, one process (information: portal harvest --workers 1)",
            r.get("mixed_new_per_second"),
            r.get("mixed_unchanged_per_second"),
        ),
    ):
        if new is not None and new < TARGET_NEW:
            out.append(f"{r['engine']} {workload}: new {new:,.0f}/s < {TARGET_NEW:,}/s")
        if unchanged is not None and unchanged < TARGET_UNCHANGED:
            out.append(
                f"{r['engine']} {workload}: unchanged {unchanged:,.0f}/s < {TARGET_UNCHANGED:,}/s"
            )
    for name, a in sorted(_adapters(r).items()) if "mixed_per_source" in r else ():
        new, unchanged = _rate(a["vacancies"], a["new"]), _rate(a["vacancies"], a["unchanged"])
        if new < TARGET_NEW or unchanged < TARGET_UNCHANGED:
            out.append(
                f"{r['engine']} mixed, one process, adapter {name}: new {new:,.0f}/s, "
                f"unchanged {unchanged:,.0f}/s (information: targets are per workload)"
            )
    return out


def report(rows: list[dict]) -> str:
    lines = [
        f"Harvest throughput (python {sys.version.split()[0]}, {os.cpu_count()} cores)",
        "",
        "| engine | workload | new: records/s (target 2,000) "
        "| unchanged: records/s (target 5,000) | vacancy writes during unchanged run |",
        "| --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        lines.append(
            f"| {r['engine']} | bulk: {RECORDS:,} ReliefWeb-shaped, pages of {PAGE:,} "
            f"| {r['new_per_second']:,.0f} ({r['new_seconds']:.1f} s) "
            f"| {r['unchanged_per_second']:,.0f} ({r['unchanged_seconds']:.1f} s) "
            f"| {r['vacancy_writes_during_unchanged']} |"
        )
        if "mixed_counts" not in r:
            continue
        mixed = r["mixed_counts"]
        req = mixed["requests"]
        lines.append(
            f"| {r['engine']} | mixed as `portal harvest` runs it: the same {mixed['new']:,} "
            f"in {r['workers']} worker processes "
            f"| {r['workers_new_per_second']:,.0f} ({r['workers_new_seconds']:.1f} s) "
            f"| {r['workers_unchanged_per_second']:,.0f} ({r['workers_unchanged_seconds']:.1f} s) "
            f"| {r['workers_vacancy_writes_during_unchanged']} |"
        )
        lines.append(
            f"| {r['engine']} | mixed, one process: {mixed['new']:,} from "
            f"{r['mixed_sources']} sources of "
            f"realistic size; requests new {req['new']['listing']:,} listing + "
            f"{req['new']['detail']:,} detail, unchanged {req['unchanged']['listing']:,} + "
            f"{req['unchanged']['detail']:,} "
            f"| {r['mixed_new_per_second']:,.0f} ({r['mixed_new_seconds']:.1f} s) "
            f"| {r['mixed_unchanged_per_second']:,.0f} ({r['mixed_unchanged_seconds']:.1f} s) "
            f"| {r['mixed_vacancy_writes_during_unchanged']} |"
        )
        lines.append(
            f"| {r['engine']} | mixed ingest: the same {r['ingest_counts']['new']['new']:,} "
            f"records as the adapters paged them, without fetching or parsing "
            f"| {r['ingest_new_per_second']:,.0f} ({r['ingest_new_seconds']:.1f} s) "
            f"| {r['ingest_unchanged_per_second']:,.0f} ({r['ingest_unchanged_seconds']:.1f} s) "
            f"| {r['ingest_vacancy_writes_during_unchanged']} |"
        )
    mixed_rows = [r for r in rows if "mixed_per_source" in r]
    if mixed_rows:
        lines += [
            "",
            "Mixed workload by adapter (requests: listing + detail pages per pass):",
            "",
            "| engine | adapter | sources | vacancies | requests new | requests unchanged "
            "| new: records/s | unchanged: records/s |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for r in mixed_rows:
            for name, a in sorted(_adapters(r).items()):
                q = a["requests"]
                lines.append(
                    f"| {r['engine']} | {name} | {a['sources']} | {a['vacancies']:,} "
                    f"| {q['new_listing']:,} + {q['new_detail']:,} "
                    f"| {q['unchanged_listing']:,} + {q['unchanged_detail']:,} "
                    f"| {_rate(a['vacancies'], a['new']):,.0f} ({a['new']:.2f} s) "
                    f"| {_rate(a['vacancies'], a['unchanged']):,.0f} ({a['unchanged']:.2f} s) |"
                )
        lines += [
            "",
            "Mixed workload by source (copies of the recorded site, page size x pages):",
            "",
            "| engine | source | vacancies (+ rejected) | copies | pages | requests new "
            "| requests unchanged | new: records/s | unchanged: records/s |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for r in mixed_rows:
            for row in r["mixed_per_source"]:
                new, same = row["new"], row["unchanged"]
                raised = f", {row['raised_max_pages']}" if row["raised_max_pages"] else ""
                lines.append(
                    f"| {r['engine']} | {row['source']} | {row['vacancies']:,} "
                    f"(+{row['expected_rejected']:,}) | {row['copies']} "
                    f"| {row['page_size']} x {row['pages']}{raised} "
                    f"| {new['requests']['listing']} + {new['requests']['detail']} "
                    f"| {same['requests']['listing']} + {same['requests']['detail']} "
                    f"| {_rate(row['vacancies'], new['seconds']):,.0f} "
                    f"| {_rate(row['vacancies'], same['seconds']):,.0f} |"
                )
        for r in mixed_rows:
            lines.append(
                f"\n{r['engine']}: scaled sites built in {r['mixed_build_seconds']:.1f} s "
                f"(not timed); cross-source duplicate links among the scaled sources: "
                f"{r['mixed_cross_source_links']}; {r['workers']} worker processes started "
                f"and built their sites in {r['workers_start_seconds']:.1f} s (not timed)"
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
    ) and all(
        not r["mixed_counts"]["failed"]
        and r["mixed_counts"]["new"] == r["mixed_expected"] >= MIXED_RECORDS * SCALE
        and r["mixed_counts"]["unchanged"] == r["mixed_counts"]["new"]
        and r["mixed_vacancy_writes_during_unchanged"] == 0
        and not r["workers_failed"]
        and r["workers_counts"]["new"]["new"] == r["mixed_counts"]["new"]
        and r["workers_counts"]["unchanged"]["unchanged"] == r["mixed_counts"]["new"]
        and r["workers_vacancy_writes_during_new"] >= r["mixed_counts"]["new"]
        and r["workers_vacancy_writes_during_unchanged"] == 0
        and r["workers_distinct_processes"] == r["workers"]
        and r["workers_new_per_second"] >= TARGET_NEW
        and r["workers_unchanged_per_second"] >= TARGET_UNCHANGED
        and not r["ingest_failed"]
        and r["ingest_counts"]["new"]["new"] == r["mixed_counts"]["new"]
        and r["ingest_counts"]["unchanged"]["unchanged"] == r["mixed_counts"]["new"]
        and r["ingest_vacancy_writes_during_unchanged"] == 0
        and r["ingest_new_per_second"] >= TARGET_NEW
        and r["ingest_unchanged_per_second"] >= TARGET_UNCHANGED
        for r in rows
        if "mixed_counts" in r
    )
    for r in rows:
        for failure in r.get("mixed_counts", {}).get("failed", []):
            print(f"mixed run on {r['engine']} failed: {failure}")
        for failure in r.get("ingest_failed", []):
            print(f"mixed ingest on {r['engine']} failed: {failure}")
        for failure in r.get("workers_failed", []):
            print(f"mixed in worker processes on {r['engine']} failed: {failure}")
        if "workers" in r and r["workers_distinct_processes"] != r["workers"]:
            print(
                f"{r['engine']}: {r['workers_distinct_processes']} of {r['workers']} worker "
                "processes started before the clock"
            )
        for miss in misses(r):
            print(f"below target: {miss}")
    print("targets met" if ok else "TARGETS NOT MET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
