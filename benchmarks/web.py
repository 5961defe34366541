"""Web latency: the search page and the search API over 50,000 vacancies in PostgreSQL.

Data. The recorded sample feeds (tests/fixtures/demo.toml, read by the real RSS adapter
as ``portal demo`` reads them) and the recorded vacancy pages (tests/fixtures/
vacancy-pages, their main content as the description, 1-17k characters of text) give
the shapes; a seeded generator varies them into 50,000 postings: every organisation of
vacancies/data/organizations.toml (under its name or an alias, weighted so a few are
large), grade strings of many scales, duty stations from vacancies/data/
duty_stations.toml, titles from the recordings and from role x field combinations,
posting dates over the last 120 days and deadlines from two weeks ago to two months
ahead (so some are closed), about 1% re-posted on an aggregator source (linked as
cross-source duplicates). They go in through the real ingestion path,
``vacancies.ingest.SourceIngestor`` (normalisation, change detection, duplicate
linking, bulk insert), in pages of 1,000, then ``ANALYZE`` as autovacuum would.

Servers. ``portal.app:create_app`` under uvicorn exactly as ``portal serve`` starts it
(factory, proxy headers, access log on, one worker unless ``--workers``) twice: with
its defaults, which reuse a search's answer while the catalogue is unchanged
(portal/cache.py), and with ``PORTAL_SEARCH_CACHE_SECONDS=0``, where every request
computes its answer (what a search nobody asked in the last minute costs). A bare
Litestar app with one "hello" route runs in a third uvicorn process, all on 127.0.0.1.

Load. wrk (Debian package ``wrk``) from 127.0.0.1 only, with a Lua script that cycles
through several different searches and stops each run after a time *and* a request
limit. Per target: one connection, then 50 concurrent connections.

Targets (issue 3): p95 < 50 ms with one client, p95 < 250 ms at 50 connections, for
``/vacancies?q=...`` and ``/api/vacancies?q=...``, judged on the portal as it runs by
default. Exit code 1 if one is missed. The uncached figures are reported beside them.

Usage:
  .venv/bin/python benchmarks/web.py                     # fresh database, dropped after
  .venv/bin/python benchmarks/web.py --keep-database     # keep it (prints its URL)
  .venv/bin/python benchmarks/web.py --database-url postgresql://.../db   # reuse one
  .venv/bin/python benchmarks/web.py --profile           # py-spy profile of the page run
  PORTAL_BENCH_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test (default)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import tomllib
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FIXTURES = ROOT / "tests" / "fixtures"
RESULTS = ROOT / "benchmarks" / "results"

RECORDS = 50_000
PAGE = 1_000
SEED = 2026
DUPLICATE_SHARE = 0.01
NOW = datetime.now(UTC).replace(microsecond=0)

QUERIES = [
    "climate",
    "finance",
    "health",
    "procurement",
    "data analysis",
    "gender",
    "programme specialist",
    "education",
    "nutrition",
    "water sanitation",
    "logistics",
    "human rights",
    "audit",
    "energy",
    "communications",
    "monitoring evaluation",
    "supply chain",
    "legal officer",
    "emergency",
    "protection",
]

TARGET_P95_MS = {1: 50.0, 50: 250.0}
CONNECTIONS = (1, 50)
RUN_SECONDS = 15
MAX_REQUESTS = 300_000
"""Per wrk run: it stops at RUN_SECONDS or after this many responses, whichever first.
A safety bound above what a run reaches in its time (the rate of a run that hit it
would be understated: wrk reports its full duration; such a run is marked)."""
WARMUP_SECONDS = 3

ROLES = [
    "Programme Officer",
    "Programme Specialist",
    "Programme Analyst",
    "Project Manager",
    "Associate Expert",
    "Junior Professional Officer",
    "Technical Specialist",
    "Senior Adviser",
    "Coordinator",
    "Policy Specialist",
    "Consultant",
    "Intern",
    "Finance Officer",
    "Operations Manager",
    "Monitoring and Evaluation Officer",
    "Legal Officer",
    "Procurement Officer",
    "Information Management Officer",
    "Partnerships Specialist",
    "Research Analyst",
    "Economist",
    "Supply Chain Officer",
    "Communications Specialist",
    "Human Resources Business Partner",
    "Investment Officer",
    "Country Representative",
    "Deputy Director",
    "Field Officer",
    "Data Scientist",
    "Knowledge Management Officer",
]
FIELDS = [
    "Climate Change Adaptation",
    "Public Health",
    "Nutrition",
    "Education in Emergencies",
    "Child Protection",
    "Gender Equality",
    "Human Rights",
    "Water, Sanitation and Hygiene",
    "Renewable Energy",
    "Infrastructure Finance",
    "Private Sector Development",
    "Digital Transformation",
    "Data and Analytics",
    "Refugee Protection",
    "Food Security",
    "Disaster Risk Reduction",
    "Governance and Rule of Law",
    "Migration",
    "Supply Chain and Logistics",
    "Internal Audit",
    "Social Protection",
    "Urban Development",
    "Agriculture and Rural Development",
    "Trade and Investment",
    "Peacebuilding",
    "Humanitarian Coordination",
    "Environmental and Social Safeguards",
    "Procurement",
    "Resource Mobilization",
    "Strategic Communications",
    "Debt Management",
    "Health Systems Strengthening",
    "Biodiversity",
    "Fiscal Policy",
    "Emergency Telecommunications",
    "Evaluation",
    "Legal Affairs",
    "Treasury",
    "Youth Employment",
    "Energy Transition",
]
GRADES = [
    ("P-2", 12),
    ("P-3", 16),
    ("P-4", 12),
    ("P-5", 6),
    ("P1", 2),
    ("D-1", 2),
    ("D2", 1),
    ("NOB", 5),
    ("NO-C", 4),
    ("NOA", 2),
    ("GS-5", 5),
    ("G6", 4),
    ("G-7", 2),
    ("FS-5", 1),
    ("NPSA-9", 2),
    ("IPSA-10", 2),
    ("SC-8", 1),
    ("GF", 2),
    ("GG", 2),
    ("PL4", 1),
    ("IS-5", 1),
    ("Consultant", 6),
    ("Internship", 5),
    ("UN Volunteer", 2),
    (None, 10),
]
FIELD_SENTENCES = [
    "The incumbent leads the {field} portfolio of the {office} office and works with "
    "government counterparts, civil society and other {org} teams.",
    "You will design, monitor and evaluate {field} programmes, manage budgets and "
    "report on results to donors and the Executive Board.",
    "Candidates need an advanced university degree in a field related to {field}, and "
    "experience in {office} or a comparable setting is an asset.",
]


# --- data -------------------------------------------------------------------------------


def _organizations() -> list[tuple[str, float]]:
    """(raw organisation string, weight): name or alias, a few organisations large."""
    from vacancies.normalize import load_organizations

    rng = random.Random(SEED)
    return [
        (rng.choice([org.name, org.acronym, *org.aliases[:2]]), 1 / rank**0.6)
        for rank, org in enumerate(load_organizations(), start=1)
    ]


def _duty_stations() -> list[str]:
    stations = tomllib.loads((ROOT / "vacancies/data/duty_stations.toml").read_text())
    return sorted(stations["stations"])


def _long_descriptions() -> list[str]:
    """The main content of the recorded vacancy pages, as HTML fragments."""
    from selectolax.lexbor import LexborHTMLParser

    fragments = []
    for path in sorted((FIXTURES / "vacancy-pages").glob("*.html")):
        tree = LexborHTMLParser(path.read_text(encoding="utf-8"))
        for node in tree.css("script, style, noscript"):
            node.decompose()
        main = tree.css_first("main") or tree.body
        fragments.append(main.html)
    return fragments


async def _recorded_vacancies():
    """The demo's recorded feeds read by the real adapters, as ``portal demo`` does."""
    from scrapers.http import PoliteClient
    from scrapers.registry import get_adapter
    from vacancies.demo import DEMO_FILE, read_samples, recorded_transport
    from vacancies.sources import load_source_specs

    specs = {spec.id: spec for spec in load_source_specs(ROOT / "sources.toml")}
    records = []
    for sample in read_samples(DEMO_FILE):
        spec = specs[sample["source"]]
        config = spec.config()
        transport = recorded_transport({spec.base_url: DEMO_FILE.parent / sample["recording"]})
        async with PoliteClient(transport=transport, delay=0) as client:
            async for page in get_adapter(spec.adapter).pages(config, client):
                records.extend(page.records)
    return records


async def generate(total: int):
    """``total`` scraped records in the recorded shapes, varied (seeded)."""
    from scrapers.records import ScrapedVacancy

    rng = random.Random(SEED)
    recorded = await _recorded_vacancies()
    long_bodies = _long_descriptions()
    organizations = _organizations()
    org_names = [name for name, _ in organizations]
    org_weights = [weight for _, weight in organizations]
    grades = [grade for grade, _ in GRADES]
    grade_weights = [weight for _, weight in GRADES]
    stations = _duty_stations()
    records = []
    for n in range(total):
        base = recorded[n % len(recorded)]
        field = rng.choice(FIELDS)
        organization = rng.choices(org_names, org_weights)[0]
        station = "Home-based" if rng.random() < 0.05 else rng.choice(stations)
        # A third as recorded (grades, places and job numbers in the title), the rest composed.
        title = base.title if rng.random() < 0.35 else f"{rng.choice(ROLES)}, {field}"
        posted = NOW - timedelta(days=rng.uniform(0, 120))
        deadline = None if rng.random() < 0.15 else NOW + timedelta(days=rng.uniform(-14, 60))
        if deadline is not None and deadline < posted:
            deadline = posted + timedelta(days=rng.uniform(7, 30))
        intro = " ".join(
            sentence.format(field=field.lower(), office=station, org=organization)
            for sentence in FIELD_SENTENCES
        )
        body = rng.choice(long_bodies) if rng.random() < 0.6 else (base.description_html or "")
        records.append(
            ScrapedVacancy(
                external_id=f"bench-{n}",
                url=f"https://careers.example.org/jobs/{n}",
                title=title,
                organization=organization,
                grade=rng.choices(grades, grade_weights)[0],
                duty_station=station,
                posted_at=posted,
                deadline=deadline,
                description_html=f"<p>{intro}</p>{body}",
                extra={"job_number": str(100_000 + n)},
            )
        )
    return records


async def load(total: int) -> dict:
    """Generate and ingest ``total`` vacancies over eight sources plus an aggregator."""
    from scrapers.records import ScrapedPage
    from vacancies.ingest import SourceIngestor
    from vacancies.tables import Source, Vacancy

    started = time.perf_counter()
    records = await generate(total)
    generated = time.perf_counter() - started
    feeds = 8
    by_source: dict[str, list] = {f"bench-feed-{i}": [] for i in range(feeds)}
    feed_of = {name: i % feeds for i, (name, _) in enumerate(_organizations())}
    for record in records:
        # Each organisation is carried by one feed, as organisations run their own sites.
        by_source[f"bench-feed-{feed_of[record.organization]}"].append(record)
    rng = random.Random(SEED + 1)
    reposted = rng.sample(records, int(total * DUPLICATE_SHARE))
    by_source["bench-aggregator"] = [
        r.model_copy(update={"external_id": f"agg-{r.external_id}", "url": f"{r.url}?via=agg"})
        for r in reposted
    ]
    for source_id in by_source:
        await Source.insert(
            Source(
                id=source_id,
                name=f"Benchmark source {source_id}",
                adapter="rss",
                base_url=f"https://careers.example.org/{source_id}.xml",
                enabled=False,
                last_run_at=NOW,
                last_success_at=NOW,
            )
        )
    started = time.perf_counter()
    for source_id, source_records in by_source.items():
        ingestor = SourceIngestor(source_id, now=NOW)
        for offset in range(0, len(source_records), PAGE):
            chunk = source_records[offset : offset + PAGE]
            outcome = await ingestor.ingest_page(
                ScrapedPage(
                    url=f"https://careers.example.org/{source_id}.xml?page={offset // PAGE}",
                    records=chunk,
                    is_last=offset + PAGE >= len(source_records),
                )
            )
            assert outcome.counts.rejected == 0, outcome.rejections[:3]
    ingested = time.perf_counter() - started
    await Vacancy.raw("ANALYZE")
    rows = await Vacancy.raw(
        "SELECT count(*) AS total, "
        "count(*) FILTER (WHERE status = 'open') AS open, "
        "count(*) FILTER (WHERE canonical IS NOT NULL) AS duplicates, "
        "count(DISTINCT organization_acronym) AS organizations, "
        "count(DISTINCT grade) AS grades, count(DISTINCT country) AS countries, "
        "avg(length(description))::int AS avg_description_chars "
        "FROM vacancy"
    )
    return {**rows[0], "generate_seconds": generated, "ingest_seconds": ingested}


# --- servers ----------------------------------------------------------------------------


def hello_app():
    """A bare Litestar app with one route: the floor of the framework and server."""
    from litestar import Litestar, MediaType, get

    @get("/hello", media_type=MediaType.TEXT)
    async def hello() -> str:
        return "hello"

    return Litestar(route_handlers=[hello])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A uvicorn process on 127.0.0.1, started as ``portal serve`` starts the portal."""

    def __init__(self, app: str, log: Path, *extra: str, env: dict | None = None) -> None:
        self.port = _free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log = log
        command = [sys.executable, "-m", "uvicorn", app, "--factory", "--proxy-headers"]
        command += ["--host", "127.0.0.1", "--port", str(self.port), *extra]
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                command, cwd=ROOT, stdout=out, stderr=out, env={**os.environ, **(env or {})}
            )

    def wait_ready(self, path: str, timeout: float = 30) -> None:
        import httpx

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited:\n{self.log.read_text()}")
            try:
                if httpx.get(self.base_url + path, timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"server not ready after {timeout}s:\n{self.log.read_text()}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


# --- load -------------------------------------------------------------------------------

WRK_SCRIPT = """
-- Cycles through the paths listed in a file (one a line), stops after a number of
-- responses, and prints the latency distribution as one JSON line.
local paths = {}
local index = 0
local responses = 0
local limit = 0

function init(args)
  for line in io.lines(args[1]) do
    paths[#paths + 1] = line
  end
  limit = tonumber(args[2])
  index = math.random(#paths) - 1
end

function request()
  index = index % #paths + 1
  return wrk.format("GET", paths[index])
end

function response(status, headers, body)
  responses = responses + 1
  if responses >= limit then
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"p50": %d, "p90": %d, "p95": %d, "p99": %d, "mean": %.1f, "max": %d}}\\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency.mean, latency.max))
end
"""


def wrk(base_url: str, paths: list[str], connections: int, seconds: int, work: Path) -> dict:
    """One wrk run against 127.0.0.1: ``connections`` keep-alive connections for at most
    ``seconds`` and at most MAX_REQUESTS responses."""
    assert urlsplit(base_url).hostname == "127.0.0.1"
    script = work / "cycle.lua"
    script.write_text(WRK_SCRIPT)
    path_file = work / f"paths-{uuid.uuid4().hex[:8]}.txt"
    path_file.write_text("\n".join(paths) + "\n")
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s"]
    command += ["-s", str(script), base_url, "--", str(path_file), str(MAX_REQUESTS)]
    out = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 30, check=True
    ).stdout
    line = next(line for line in out.splitlines() if line.startswith("WRK_JSON "))
    raw = json.loads(line.removeprefix("WRK_JSON "))
    seconds_run = raw["duration_us"] / 1e6
    latency = {k: v / 1000 for k, v in raw["latency_us"].items()}
    return {
        "connections": connections,
        "stopped_by_request_limit": raw["requests"] >= MAX_REQUESTS,
        "requests": raw["requests"],
        "seconds": seconds_run,
        "requests_per_second": raw["requests"] / seconds_run,
        "bytes_per_response": raw["bytes"] / max(raw["requests"], 1),
        "errors": raw["errors"],
        "latency_ms": latency,
    }


def search_paths() -> dict[str, list[str]]:
    return {
        "page": [f"/vacancies?{urlencode({'q': q})}" for q in QUERIES],
        "api": [f"/api/vacancies?{urlencode({'q': q})}" for q in QUERIES],
    }


def check_answers(portal: Server, uncached: Server) -> dict[str, int]:
    """Every benchmarked URL answers 200, every query finds something, and the cached
    portal gives the same answers as the uncached one (asked twice: the second answer
    comes from its cache)."""
    import httpx

    hits = {}
    with (
        httpx.Client(base_url=portal.base_url, timeout=30) as client,
        httpx.Client(base_url=uncached.base_url, timeout=30) as reference,
    ):
        for query in QUERIES:
            expected = reference.get("/api/vacancies", params={"q": query})
            assert expected.status_code == 200, (query, expected.status_code, expected.text[:300])
            for _ in range(2):
                api = client.get("/api/vacancies", params={"q": query})
                page = client.get("/vacancies", params={"q": query})
                assert api.status_code == 200, (query, api.status_code, api.text[:300])
                assert page.status_code == 200, (query, page.status_code, page.text[:300])
                assert api.json() == expected.json(), f"{query!r}: cached answer differs"
            hits[query] = api.json()["total"]
            assert hits[query] > 0, f"{query!r} finds nothing: not a meaningful benchmark"
    return hits


def profile(portal: Server, paths: list[str], work: Path) -> Path | None:
    """py-spy samples the portal's process while wrk drives the page at 50 connections."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(spy).exists():
        print("py-spy is not installed (pip install py-spy): no profile", file=sys.stderr)
        return None
    output = RESULTS / "web-page-profile.txt"
    command = [spy, "record", "--pid", str(portal.process.pid), "--duration", str(RUN_SECONDS)]
    command += ["--rate", "200", "--format", "raw", "--output", str(output), "--nonblocking"]
    recorder = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wrk(portal.base_url, paths, 50, RUN_SECONDS, work)
    recorder.wait(timeout=RUN_SECONDS + 60)
    return output


PROFILE_PARTS = (
    ("template rendering (Jinja2)", "Template.render (jinja2/"),
    ("database driver (asyncpg, Piccolo)", ("asyncpg/", "piccolo/")),
    ("facet counts in Python", "_count_facets (vacancies/search.py"),
    ("JSON serialisation", ("msgspec", "encode_json", "serialization")),
)


def summarize_profile(path: Path, top: int = 20) -> dict:
    """From py-spy's collapsed stacks (CPU samples of the server process): the share of
    samples spent in each part of the request, and the project's functions (and
    templates) most often on the stack."""
    parts: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        samples = int(count)
        total += samples
        part = next(
            (
                name
                for name, markers in PROFILE_PARTS
                if any(m in stack for m in ([markers] if isinstance(markers, str) else markers))
            ),
            "other (server, framework, routing)",
        )
        parts[part] += samples
        frames = set()
        for frame in stack.split(";"):
            name, _, where = frame.rpartition(" (")
            if where.startswith(("portal/", "vacancies/")) or ".html:" in where:
                frames.add(f"{name} ({where.rpartition(':')[0]})")  # lines merged
        for frame in frames:
            inclusive[frame] += samples
    return {
        "samples": total,
        "parts": {name: n / total for name, n in parts.most_common()},
        "functions": {frame: n / total for frame, n in inclusive.most_common(top)},
    }


# --- report -----------------------------------------------------------------------------


def report(results: dict) -> str:
    data = results["data"]
    lines = [
        f"{data['total']:,} vacancies in PostgreSQL ({data['open']:,} open, "
        f"{data['duplicates']:,} cross-source duplicates, {data['organizations']} "
        f"organisations, {data['grades']} grades, {data['countries']} countries, "
        f"descriptions {data['avg_description_chars']:,} characters on average); "
        f"{len(QUERIES)} different queries; python {sys.version.split()[0]}, "
        f"{os.cpu_count()} cores, {results['workers']} uvicorn worker(s), wrk on 127.0.0.1",
        "",
        "| target | connections | requests | requests/s | p50 ms | p95 ms | p99 ms "
        "| p95 target | vs hello (req/s) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    hello = {run["connections"]: run for run in results["runs"]["hello"]}
    for target, runs in results["runs"].items():
        for run in runs:
            latency = run["latency_ms"]
            goal = TARGET_P95_MS[run["connections"]] if target in JUDGED else None
            verdict = "" if goal is None else f"< {goal:.0f} {_mark(latency['p95'] < goal)}"
            ratio = hello[run["connections"]]["requests_per_second"] / run["requests_per_second"]
            lines.append(
                f"| {LABELS[target]} | {run['connections']} | {run['requests']:,} "
                f"| {run['requests_per_second']:,.0f} | {latency['p50']:.1f} "
                f"| {latency['p95']:.1f} | {latency['p99']:.1f} | {verdict} "
                f"| {'1' if target == 'hello' else f'1/{ratio:.1f}'} |"
            )
    return "\n".join(lines)


LABELS = {
    "hello": "bare Litestar `/hello`",
    "api": "`/api/vacancies?q=…`",
    "page": "`/vacancies?q=…` (page)",
    "api_uncached": "`/api/vacancies?q=…`, cache off",
    "page_uncached": "`/vacancies?q=…` (page), cache off",
}
JUDGED = ("api", "page")
"""The targets are judged on the portal as it runs by default (cache on)."""


def _mark(ok: bool) -> str:
    return "met" if ok else "**missed**"


def targets_met(results: dict) -> bool:
    ok = set(JUDGED) <= set(results["runs"])
    for target in JUDGED:
        for run in results["runs"].get(target, []):
            errors = sum(run["errors"].values())
            ok &= errors == 0 and run["latency_ms"]["p95"] < TARGET_P95_MS[run["connections"]]
    return ok


# --- main -------------------------------------------------------------------------------


def _admin_url() -> str:
    return os.environ.get("PORTAL_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _admin(sql: str) -> None:
    import asyncpg

    async def run() -> None:
        connection = await asyncpg.connect(_admin_url())
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    asyncio.run(run())


async def prepare(total: int, fresh: bool) -> dict | None:
    from portal.database import close_database, open_database, upgrade_schema
    from vacancies.organizations import sync_organizations
    from vacancies.tables import Vacancy

    await open_database()
    try:
        await upgrade_schema()
        await sync_organizations()
        if fresh:
            return await load(total)
        rows = await Vacancy.raw(
            "SELECT count(*) AS total, count(*) FILTER (WHERE status = 'open') AS open, "
            "count(*) FILTER (WHERE canonical IS NOT NULL) AS duplicates, "
            "count(DISTINCT organization_acronym) AS organizations, "
            "count(DISTINCT grade) AS grades, count(DISTINCT country) AS countries, "
            "avg(length(description))::int AS avg_description_chars FROM vacancy"
        )
        return rows[0]
    finally:
        await close_database()


def measure(args: argparse.Namespace, work: Path) -> dict:
    data = asyncio.run(prepare(args.records, fresh=args.database_url is None))
    print(f"data: {json.dumps(data, default=str)}", file=sys.stderr)
    workers = ["--workers", str(args.workers)] if args.workers > 1 else []
    portal = Server("portal.app:create_app", work / "portal.log", *workers)
    uncached = Server(
        "portal.app:create_app",
        work / "portal-uncached.log",
        *workers,
        env={"PORTAL_SEARCH_CACHE_SECONDS": "0"},
    )
    hello = Server("web:hello_app", work / "hello.log", "--app-dir", str(ROOT / "benchmarks"))
    try:
        for server in (portal, uncached):
            server.wait_ready("/health")
        hello.wait_ready("/hello")
        hits = check_answers(portal, uncached)
        paths = search_paths()
        targets = {
            "hello": (hello, ["/hello"]),
            "api": (portal, paths["api"]),
            "page": (portal, paths["page"]),
            "api_uncached": (uncached, paths["api"]),
            "page_uncached": (uncached, paths["page"]),
        }
        runs: dict[str, list[dict]] = {}
        if args.only:
            targets = {k: v for k, v in targets.items() if k == "hello" or k in args.only}
        for name, (server, target_paths) in targets.items():
            wrk(server.base_url, target_paths, 10, WARMUP_SECONDS, work)
            runs[name] = []
            for connections in CONNECTIONS:
                run = wrk(server.base_url, target_paths, connections, RUN_SECONDS, work)
                print(f"{name} c={connections}: {json.dumps(run)}", file=sys.stderr)
                runs[name].append(run)
        results = {
            "date": NOW.isoformat(),
            "workers": args.workers,
            "data": data,
            "queries": hits,
            "run_seconds": RUN_SECONDS,
            "max_requests": MAX_REQUESTS,
            "runs": runs,
        }
        if args.profile:
            output = profile(uncached, paths["page"], work)
            if output:
                results["page_profile"] = summarize_profile(output)
        return results
    finally:
        for server in (portal, uncached, hello):
            server.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=RECORDS)
    parser.add_argument("--database-url", help="use this database as it is (no loading)")
    parser.add_argument("--keep-database", action="store_true")
    parser.add_argument("--profile", action="store_true", help="py-spy the uncached page")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn workers per portal")
    parser.add_argument(
        "--only", nargs="+", choices=list(LABELS), help="measure only these targets (and hello)"
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is needed: apt-get install wrk", file=sys.stderr)
        return 2

    # The portal refuses to serve without a secret key outside development mode.
    os.environ.setdefault("PORTAL_SECRET_KEY", secrets.token_urlsafe(48))
    database = None
    if args.database_url:
        os.environ["PORTAL_DATABASE_URL"] = args.database_url
    else:
        database = f"portal_bench_web_{uuid.uuid4().hex[:10]}"
        _admin(f'CREATE DATABASE "{database}"')
        parts = urlsplit(_admin_url())
        os.environ["PORTAL_DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{database}"))
    try:
        with tempfile.TemporaryDirectory(prefix="portal-bench-web-") as tmp:
            results = measure(args, Path(tmp))
    finally:
        if database and not args.keep_database:
            _admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        elif database:
            print(f"database kept: {os.environ['PORTAL_DATABASE_URL']}", file=sys.stderr)

    print(report(results))
    if "page_profile" in results:
        print("\nWhere the page's CPU time goes at 50 connections (py-spy samples):")
        for group in ("parts", "functions"):
            for name, share in results["page_profile"][group].items():
                print(f"{share:6.1%}  {name}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "web.json").write_text(json.dumps(results, indent=2, default=str))
    ok = targets_met(results)
    print("targets met" if ok else "TARGETS NOT MET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
