"""Recorded sites scaled to realistic listing sizes, for the harvest benchmark.

Each recorded site (``tests/fixtures/<adapter>/sites.toml``) holds 2 to 56 vacancies; a
real organisation lists hundreds. ``build_scaled_sites`` turns every recorded site into a
fake site of the same platform holding ``copies`` whole copies of the recorded vacancies:

* The recorded site is harvested once through its real adapter (no database; before any
  timing) to learn each vacancy's id tokens (its external id, or the last segment of its
  URL when the id is a URL) and its title.
* Every recorded file (listing items and detail pages) becomes a template split at those
  tokens and titles. Copy ``c`` rewrites each token by inserting ``c`` as five digits after
  its last digit run (``JR2667012`` -> ``JR266701200003``, ``pecg1`` -> ``pecg100003``;
  without digits, ``-00003`` is appended) and appends to each title a few pseudo-random
  words drawn from (source, copy, title). The words are long enough (half the title's
  length) that rapidfuzz does not call two clones of one post in two sources of the same
  organisation (a cinfo feed and the organisation's own site) the same post; clones
  within one source are never compared. Every copy, the first included, is rewritten, so
  no scaled vacancy keeps a recorded id.
* The listing items of the recorded pages (in the order the adapter read them) are cloned
  ``copies`` times and cut again into pages of the platform's page size — the source's
  shipped ``limit`` / ``take`` / ``page_size`` / ``item_per_page``; for platforms whose
  server fixes the size, the recorded first page's size (UN Talent, AfDB) or Taleo's
  usual 25 — with totals, offsets, "Results 1 – 25 of N" labels and "next" links
  consistent, so the adapter reads a complete listing and marks its last page. All pages
  are rendered when the site is built; a detail page is rendered on request by joining
  its template's parts (a few microseconds).
* Every detail route of the recorded site (by path and the route's query values) is
  answered for every clone with the recorded page rewritten for that clone. Recorded
  rejects (a vacancy the pipeline rejects on purpose) are cloned like the others, so a
  scaled site yields exactly ``copies`` x the recorded ``expected`` counts.

Sizes. ``REALISTIC_SIZE`` is, per source, the ORDER OF MAGNITUDE of open vacancies the
real listing carries (from the organisations' career sites as generally seen; NOT measured
counts). The benchmark scales them by one common factor so that they add up to at least
``MIXED_RECORDS`` (20,000), rounding each source up to whole copies of its recorded site:

=========================  =========================  ===============
source                     platform                   order of size
=========================  =========================  ===============
reliefweb                  ReliefWeb API (aggregator) 3,000
un-careers                 UN Careers (Inspira)       1,500
unv                        UNV platform               1,500
undp-oracle                Oracle Recruiting          1,000
untalent                   UN Talent (aggregator)     1,000
unicef-rss                 PageUp RSS                 500
wfp-workday                Workday                    500
unhcr-workday              Workday                    400
iom-oracle                 Oracle Recruiting          400
who-taleo                  Taleo                      300
worldbank-cornerstone      Cornerstone                300
unhcr-cinfo-rss            cinfo RSS                  300
fao-taleo                  Taleo                      200
worldbank-cinfo-rss        cinfo RSS                  200
ilo-successfactors         SuccessFactors search      150
idb-cinfo-rss              cinfo RSS                  150
adb-taleo                  Taleo                      100
ebrd-successfactors        SuccessFactors search      100
unesco-successfactors      SuccessFactors RSS         100
ebrd-cinfo-rss             cinfo RSS                  100
unfpa-cinfo-rss            cinfo RSS                  50
afdb-html                  HTML listing               80
aiib-html                  HTML listing               30
ndf-html                   HTML listing               5
=========================  =========================  ===============

(sum 11,965; scaled by ~1.67 to reach 20,000, so a full run holds 20,108). Where the
scaled listing needs more pages than the source's ``max_pages`` (shipped, or the
adapter's default; a safety stop), the benchmark raises it for the run and
``ScaledSite.raised_max_pages`` says so: that value would cut a listing of that size.
"""

from __future__ import annotations

import hashlib
import html
import json
import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from scrapers.base import SourceConfig
from scrapers.http import PoliteClient
from scrapers.registry import get_adapter
from tests.recorded_sites import RecordedSite, Route, load_sites

REALISTIC_SIZE: dict[str, int] = {
    "reliefweb": 3_000,
    "un-careers": 1_500,
    "unv": 1_500,
    "undp-oracle": 1_000,
    "untalent": 1_000,
    "unicef-rss": 500,
    "wfp-workday": 500,
    "unhcr-workday": 400,
    "iom-oracle": 400,
    "who-taleo": 300,
    "worldbank-cornerstone": 300,
    "unhcr-cinfo-rss": 300,
    "fao-taleo": 200,
    "worldbank-cinfo-rss": 200,
    "ilo-successfactors": 150,
    "idb-cinfo-rss": 150,
    "adb-taleo": 100,
    "ebrd-successfactors": 100,
    "unesco-successfactors": 100,
    "ebrd-cinfo-rss": 100,
    "unfpa-cinfo-rss": 50,
    "afdb-html": 80,
    "aiib-html": 30,
    "ndf-html": 5,
}
DEFAULT_SIZE = 100
"""For a recorded source missing from the table (a site added later)."""

TALEO_PAGE_SIZE = 25
_SENTINEL = "\u0000ITEMS\u0000"
_SENTINEL_JSON = json.dumps(_SENTINEL).encode()


# --- Templates: recorded bytes split at ids and titles ---------------------------------


class Rewriter:
    """The tokens (vacancy ids) and titles of one recorded site, and their clones."""

    def __init__(self, source_id: str, tokens: set[str], titles: set[str]) -> None:
        self.source_id = source_id
        self.tokens = {t for t in tokens if t}
        self.title_of: dict[str, str] = {}
        for title in titles:
            for form in _title_forms(title):
                self.title_of.setdefault(form, title)
        for token in self.tokens:
            self.title_of.pop(token, None)
        alternatives = sorted(self.tokens | set(self.title_of), key=len, reverse=True)
        body = "|".join(re.escape(a) for a in alternatives) or r"(?!x)x"
        self.pattern = re.compile(f"(?<![A-Za-z0-9])(?:{body})(?![A-Za-z0-9])")
        self._cache: dict[tuple[str, int], str] = {}

    def template(self, text: str) -> Template:
        parts: list[str] = []
        keys: list[str] = []
        position = 0
        for match in self.pattern.finditer(text):
            parts.append(text[position : match.start()])
            keys.append(match.group(0))
            position = match.end()
        parts.append(text[position:])
        return Template(self, parts, keys)

    def rewrite(self, text: str, copy: int) -> str:
        return self.template(text).render(copy)

    def replacement(self, key: str, copy: int) -> str:
        cached = self._cache.get((key, copy))
        if cached is None:
            if key in self.tokens:
                cached = clone_token(key, copy)
            else:
                cached = f"{key} {title_suffix(self.source_id, copy, self.title_of[key])}"
            self._cache[(key, copy)] = cached
        return cached


@dataclass(frozen=True)
class Template:
    rewriter: Rewriter
    parts: list[str]
    keys: list[str]

    def render(self, copy: int) -> str:
        if not self.keys:
            return self.parts[0]
        out = [self.parts[0]]
        for key, part in zip(self.keys, self.parts[1:], strict=True):
            out.append(self.rewriter.replacement(key, copy))
            out.append(part)
        return "".join(out)


def clone_token(token: str, copy: int) -> str:
    """``token`` for copy ``copy``: five digits inserted after its last digit run."""
    digits = f"{copy:05d}"
    runs = list(re.finditer(r"\d+", token))
    if not runs:
        return f"{token}-{digits}"
    end = runs[-1].end()
    return token[:end] + digits + token[end:]


def title_suffix(source_id: str, copy: int, title: str) -> str:
    """Pseudo-random lowercase words, about half as long as ``title`` (at least 12
    letters): two clones of one title in two sources stay apart in rapidfuzz's eyes."""
    wanted = max(12, len(title) // 2)
    letters: list[str] = []
    counter = 0
    while len(letters) < wanted:
        seed = f"{source_id}|{copy}|{title}|{counter}".encode()
        digest = hashlib.blake2b(seed, digest_size=32).digest()
        letters += [chr(ord("a") + b % 26) for b in digest]
        counter += 1
    letters = letters[:wanted]
    return " ".join("".join(letters[i : i + 6]) for i in range(0, len(letters), 6))


def _title_forms(title: str) -> set[str]:
    forms = {
        title,
        html.escape(title, quote=False),
        html.escape(title),
        html.escape(title).replace("&#x27;", "&#39;"),
        json.dumps(title)[1:-1],
        json.dumps(title, ensure_ascii=False)[1:-1],
    }
    return {f for f in forms if len(f) >= 3}


def id_tokens(external_id: str, url: str | None) -> set[str]:
    """The strings that identify one vacancy in the recorded bytes."""
    tokens = set()
    if external_id.startswith(("http://", "https://")):
        tokens.add(_last_segment(external_id))
    else:
        tokens.add(external_id)
    if url:
        segment = _last_segment(url)
        if re.search(r"\d", segment):
            tokens.add(segment)
    return {t for t in tokens if len(t) >= 3}


def _last_segment(url: str) -> str:
    path = urlsplit(url).path.rstrip("/")
    return path.rsplit("/", 1)[-1]


# --- Platforms: where a listing's items are, how its pages are asked for -------------------


@dataclass
class Listing:
    """A recorded listing page split into its template and its items (text each)."""

    template: Any
    items: list[str]


@dataclass(frozen=True)
class Platform:
    is_listing: Callable[[Route], bool]
    split: Callable[[str], Listing]
    render: Callable[[Any, list[str], int, int, int], str]
    """(template, items, page index, total, page size) -> page text"""
    page_index: Callable[[httpx.Request, int], int | None]
    page_size: Callable[[dict[str, Any], Listing], int]


def _json_body(request: httpx.Request) -> dict[str, Any]:
    try:
        body = json.loads(request.content or b"null")
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _query(request: httpx.Request) -> dict[str, list[str]]:
    return parse_qs(request.url.query.decode(), keep_blank_values=True)


def _dig(obj: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        obj = obj[step]
    return obj


def _json_platform(
    is_listing: Callable[[Route], bool],
    path: tuple[Any, ...],
    fill: Callable[[Any, int, int, int, int], None],
    page_index: Callable[[httpx.Request, int], int | None],
    page_size: Callable[[dict[str, Any], Listing], int],
) -> Platform:
    def split(text: str) -> Listing:
        payload = json.loads(text)
        items = [json.dumps(item, ensure_ascii=False) for item in _dig(payload, path)]
        return Listing(payload, items)

    def render(template: Any, items: list[str], k: int, total: int, size: int) -> str:
        payload = json.loads(json.dumps(template))
        _dig(payload, path[:-1])[path[-1]] = _SENTINEL
        fill(payload, k, total, size, len(items))
        text = json.dumps(payload, ensure_ascii=False)
        return text.replace(_SENTINEL_JSON.decode(), "[" + ",".join(items) + "]")

    return Platform(is_listing, split, render, page_index, page_size)


def _by_offset(value: Any, size: int) -> int | None:
    if not isinstance(value, int) or value % size:
        return None
    return value // size


def _param(name: str, default: int | None = None) -> Callable[[dict[str, Any], Listing], int]:
    def size(params: dict[str, Any], first: Listing) -> int:
        value = params.get(name, default)
        return int(value) if value is not None else len(first.items)

    return size


def _recorded_size(params: dict[str, Any], first: Listing) -> int:
    return len(first.items)


def _fill_reliefweb(p: Any, k: int, total: int, size: int, n: int) -> None:
    p["totalCount"], p["count"] = total, n


def _fill_workday(p: Any, k: int, total: int, size: int, n: int) -> None:
    p["total"] = total if k == 0 else 0  # Workday states the total on the first page only


def _fill_oracle(p: Any, k: int, total: int, size: int, n: int) -> None:
    search = p["items"][0]
    search["TotalJobsCount"], search["Offset"], search["Limit"] = total, k * size, size
    p["hasMore"] = k * size + n < total


def _fill_taleo(p: Any, k: int, total: int, size: int, n: int) -> None:
    p["pagingData"] = {"currentPageNo": k + 1, "pageSize": size, "totalCount": total}


def _fill_un_careers(p: Any, k: int, total: int, size: int, n: int) -> None:
    p["data"]["count"] = total


def _fill_unv(p: Any, k: int, total: int, size: int, n: int) -> None:
    p["value"]["total"] = total


def _fill_total(p: Any, k: int, total: int, size: int, n: int) -> None:
    p["total"] = total


def _fill_cornerstone(p: Any, k: int, total: int, size: int, n: int) -> None:
    p["data"]["totalCount"] = total


_ORACLE_OFFSET = re.compile(r"(?:^|,)offset=(\d+)")


def _oracle_index(request: httpx.Request, size: int) -> int | None:
    finder = (_query(request).get("finder") or [""])[0]
    match = _ORACLE_OFFSET.search(finder)
    return _by_offset(int(match.group(1)), size) if match else None


def _query_int(request: httpx.Request, name: str, default: int | None = None) -> int | None:
    values = _query(request).get(name)
    if not values:
        return default
    try:
        return int(values[0])
    except ValueError:
        return None


def _minus_one(value: Any) -> int | None:
    return value - 1 if isinstance(value, int) and value >= 1 else None


# HTML and XML listings: items are elements found by their opening tag, ended by balance.


def _element_end(text: str, start: int, tag: str) -> int:
    depth = 0
    for match in re.compile(rf"<(/?){tag}\b[^>]*?(/?)>", re.I).finditer(text, start):
        if match.group(2):
            continue
        depth += -1 if match.group(1) else 1
        if depth == 0:
            return match.end()
    raise ValueError(f"unbalanced <{tag}>")


@dataclass
class _Markup:
    prefix: str
    suffix: str


def _markup_platform(
    is_listing: Callable[[Route], bool],
    marker: Callable[[str], tuple[re.Pattern[str], str]],
    finish: Callable[[str, int, int, int, int], str],
    page_index: Callable[[httpx.Request, int], int | None],
    page_size: Callable[[dict[str, Any], Listing], int],
) -> Platform:
    def split(text: str) -> Listing:
        pattern, tag = marker(text)
        items: list[str] = []
        position = 0
        first_start = last_end = None
        while match := pattern.search(text, position):
            end = _element_end(text, match.start(), tag)
            items.append(text[match.start() : end])
            first_start = match.start() if first_start is None else first_start
            last_end = position = end
        if first_start is None:
            return Listing(_Markup(text, ""), [])
        return Listing(_Markup(text[:first_start], text[last_end:]), items)

    def render(template: _Markup, items: list[str], k: int, total: int, size: int) -> str:
        page = template.prefix + "\n".join(items) + template.suffix
        return finish(page, k, total, size, len(items))

    return Platform(is_listing, split, render, page_index, page_size)


def _class_marker(tag: str, css_class: str) -> tuple[re.Pattern[str], str]:
    pattern = rf"<{tag}\b[^>]*\bclass=\"(?:[^\"]*\s)?{re.escape(css_class)}(?:\s[^\"]*)?\"[^>]*>"
    return re.compile(pattern), tag


_SF_LABEL = re.compile(r"<span class=\"paginationLabel\"[^>]*>.*?</span>", re.S)


def _finish_successfactors(page: str, k: int, total: int, size: int, n: int) -> str:
    first, last = k * size + 1, k * size + n
    label = (
        f'<span class="paginationLabel" aria-label="Results {first} to {last}">'
        f"Results <b>{first} – {last}</b> of <b>{total}</b></span>"
    )
    return _SF_LABEL.sub(lambda _: label, page, count=1)


_PAGER = re.compile(r"<ul class=\"pager\">.*?</ul>", re.S)


def _finish_pager(page: str, k: int, total: int, size: int, n: int) -> str:
    items = [f'<li class="pager-current{" first" if k == 0 else ""}">{k + 1}</li>']
    if k > 0:
        previous = f"?page={k - 1}" if k > 1 else "?"
        items.append(f'<li class="pager-previous"><a href="{previous}">‹ previous</a></li>')
    if (k + 1) * size < total:
        items.append(f'<li class="pager-next"><a href="?page={k + 1}">next ›</a></li>')
    pager = '<ul class="pager">' + "".join(items) + "</ul>"
    return _PAGER.sub(lambda _: pager, page, count=1)


def _unchanged(page: str, k: int, total: int, size: int, n: int) -> str:
    return page


def _whole(params: dict[str, Any], first: Listing) -> int:
    return 10**9  # one page holds the whole listing


def _first_page(request: httpx.Request, size: int) -> int | None:
    return 0


def _html_listing_marker(item_selector: str) -> Callable[[str], tuple[re.Pattern[str], str]]:
    last = item_selector.split()[-1]
    tag, _, css_class = last.partition(".")
    return lambda text: _class_marker(tag, css_class)


def _html_listing(params: dict[str, Any], base_url: str) -> Platform:
    paged = bool(params.get("next"))
    listing_path = urlsplit(base_url).path
    return _markup_platform(
        lambda route: route.path == listing_path,
        _html_listing_marker(params["item"]),
        _finish_pager if paged else _unchanged,
        (lambda r, size: _query_int(r, "page", 0)) if paged else _first_page,
        _recorded_size if paged else _whole,
    )


_RSS = _markup_platform(
    lambda route: True,  # an RSS site is its feed
    lambda text: (re.compile(r"<item\b[^>]*>"), "item"),
    _unchanged,
    _first_page,
    _whole,
)


def _successfactors(params: dict[str, Any]) -> Platform:
    if params.get("listing") == "rss":
        return _markup_platform(
            lambda route: "/rss/" in route.path,
            lambda text: (re.compile(r"<item\b[^>]*>"), "item"),
            _unchanged,
            _first_page,
            _whole,
        )
    return _markup_platform(
        lambda route: route.path.rstrip("/").endswith("/search"),
        lambda text: _class_marker("tr", "data-row"),
        _finish_successfactors,
        lambda r, size: _by_offset(_query_int(r, "startrow", 0), size),
        _param("page_size", 25),
    )


def platform_for(adapter: str, params: dict[str, Any], base_url: str) -> Platform:
    if adapter == "html_listing":
        return _html_listing(params, base_url)
    if adapter == "successfactors":
        return _successfactors(params)
    if adapter == "rss":
        return _RSS
    return _JSON_PLATFORMS[adapter]


_JSON_PLATFORMS: dict[str, Platform] = {
    "reliefweb": _json_platform(
        lambda r: r.method == "POST" and r.path.endswith("/jobs"),
        ("data",),
        _fill_reliefweb,
        lambda r, size: _by_offset(_json_body(r).get("offset"), size),
        _param("limit", 200),
    ),
    "workday": _json_platform(
        lambda r: r.method == "POST" and r.path.endswith("/jobs"),
        ("jobPostings",),
        _fill_workday,
        lambda r, size: _by_offset(_json_body(r).get("offset"), size),
        _param("limit", 20),
    ),
    "oracle_recruiting": _json_platform(
        lambda r: r.path.endswith("/recruitingCEJobRequisitions"),
        ("items", 0, "requisitionList"),
        _fill_oracle,
        _oracle_index,
        _param("limit", 25),
    ),
    "taleo": _json_platform(
        lambda r: r.method == "POST" and r.path.endswith("/searchjobs"),
        ("requisitionList",),
        _fill_taleo,
        lambda r, size: _minus_one(_json_body(r).get("pageNo")),
        lambda params, first: TALEO_PAGE_SIZE,
    ),
    "un_careers": _json_platform(
        lambda r: r.method == "POST" and "/jo/list/" in r.path,
        ("data", "list"),
        _fill_un_careers,
        lambda r, size: (_json_body(r).get("pagination") or {}).get("page"),
        _param("item_per_page", 50),
    ),
    "unv": _json_platform(
        lambda r: r.method == "POST" and "Search" in r.path,
        ("value", "result"),
        _fill_unv,
        lambda r, size: _by_offset(_json_body(r).get("skip"), size),
        _param("take", 50),
    ),
    "un_talent": _json_platform(
        lambda r: r.path.endswith("/api/v1/jobs"),
        ("jobs",),
        _fill_total,
        lambda r, size: _minus_one(_query_int(r, "page")),
        _recorded_size,
    ),
    "cornerstone": _json_platform(
        lambda r: r.method == "POST" and r.path.endswith("/external/jobs"),
        ("data", "requisitions"),
        _fill_cornerstone,
        lambda r, size: _minus_one(_json_body(r).get("pageNumber")),
        _param("page_size", 25),
    ),
}


# --- The scaled site -------------------------------------------------------------------------


@dataclass
class Probe:
    """One harvest of the recorded site through its adapter (no database)."""

    tokens: set[str]
    titles: set[str]
    listing_routes: list[Route]
    records: int
    rejected: int


async def probe(site: RecordedSite, config: SourceConfig, platform: Platform) -> Probe:
    used: list[Route] = []

    def handle(request: httpx.Request) -> httpx.Response:
        query = _query(request)
        body = request.read()
        for route in site.routes:
            if route.matches(request.method, request.url.path, query, body):
                if platform.is_listing(route) and route not in used:
                    used.append(route)
                break
        return site.handle(request)

    tokens: set[str] = set()
    titles: set[str] = set()
    records = rejected = 0
    async with PoliteClient(transport=httpx.MockTransport(handle), delay=0) as client:
        async for page in get_adapter(config.adapter).pages(config, client):
            for record in page.records:
                records += 1
                tokens |= id_tokens(record.external_id, record.url)
                titles.add(record.title)
            for rejection in page.rejected:
                rejected += 1
                if rejection.external_id:
                    tokens |= id_tokens(rejection.external_id, None)
            if page.is_last:
                break
    return Probe(tokens, titles, used, records, rejected)


@dataclass
class ScaledSite:
    source_id: str
    adapter: str
    copies: int
    page_size: int
    pages: list[bytes]
    listing_content_type: str
    expected: dict[str, int]
    items_per_copy: int
    max_pages: int | None = None
    """The max_pages the benchmark must set (None: the shipped one is enough)."""
    raised_max_pages: str | None = None
    requests: Counter[str] = field(default_factory=Counter)
    _platform: Platform | None = None
    _listing_keys: set[tuple[str, str]] = field(default_factory=set)
    _details: dict[tuple[str, str], dict[tuple[str, ...], dict[tuple[str, ...], Any]]] = field(
        default_factory=dict
    )

    @property
    def vacancies(self) -> int:
        return self.expected["records"]

    def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        method = request.method.upper()
        if (method, path) in self._listing_keys:
            self.requests["listing"] += 1
            assert self._platform is not None
            k = self._platform.page_index(request, self.page_size)
            if k is None or not 0 <= k < len(self.pages):
                return httpx.Response(404, text="no such page")
            return httpx.Response(
                200, content=self.pages[k], headers={"content-type": self.listing_content_type}
            )
        by_keys = self._details.get((method, path))
        if by_keys:
            query = _query(request)
            for names, table in by_keys.items():
                values = tuple((query.get(name) or [""])[0] for name in names)
                answer = table.get(values)
                if answer is not None:
                    self.requests["detail"] += 1
                    status, content_type, template, copy = answer
                    body = template.render(copy).encode() if template is not None else b""
                    return httpx.Response(
                        status, content=body, headers={"content-type": content_type}
                    )
        self.requests["other"] += 1
        return httpx.Response(404, text="not recorded")


def _decode(content: bytes) -> str:
    return content.decode("utf-8")


async def scale_site(site: RecordedSite, config: SourceConfig, vacancies_wanted: int) -> ScaledSite:
    """``site`` scaled to at least ``vacancies_wanted`` accepted vacancies (whole copies)."""
    params = dict(config.params)
    platform = platform_for(config.adapter, params, config.base_url)
    found = await probe(site, config, platform)
    per_copy = site.expected["records"]
    if found.records < per_copy:
        raise ValueError(f"{site.source_id}: the recorded site yields {found.records} records")
    copies = max(1, math.ceil(vacancies_wanted / max(per_copy, 1)))
    rewriter = Rewriter(site.source_id, found.tokens, found.titles)

    listings = [platform.split(_decode(route.answer()[2])) for route in found.listing_routes]
    if not listings:
        raise ValueError(f"{site.source_id}: no listing page recorded")
    templates = [rewriter.template(item) for listing in listings for item in listing.items]
    size = platform.page_size(params, listings[0])
    total = copies * len(templates)
    size = min(size, total) if size >= 10**9 else size
    pages: list[bytes] = []
    for k in range(math.ceil(total / size)):
        items = [
            templates[i % len(templates)].render(i // len(templates))
            for i in range(k * size, min(total, (k + 1) * size))
        ]
        pages.append(platform.render(listings[0].template, items, k, total, size).encode())
    listing_content_type = found.listing_routes[0].answer()[1]

    scaled = ScaledSite(
        source_id=site.source_id,
        adapter=config.adapter,
        copies=copies,
        page_size=size,
        pages=pages,
        listing_content_type=listing_content_type,
        expected={
            "records": copies * per_copy,
            "rejected": copies * site.expected["rejected"],
        },
        items_per_copy=len(templates),
        _platform=platform,
    )
    shipped = params.get("max_pages")
    limit = int(shipped) if shipped is not None else _default_max_pages(config.adapter)
    if len(pages) > 1 and (limit is None or limit < len(pages)):
        scaled.max_pages = len(pages) + 1
        if limit is not None:
            origin = "shipped" if shipped is not None else "adapter default"
            scaled.raised_max_pages = f"max_pages {limit} ({origin}) -> {len(pages) + 1}"

    listed = {id(route) for route in found.listing_routes}
    for route in site.routes:
        if id(route) in listed or platform.is_listing(route):
            scaled._listing_keys.add((route.method, route.path))
            continue
        status, content_type, content = route.answer()
        template = rewriter.template(_decode(content)) if content else None
        names = tuple(sorted(route.query))
        for copy in range(copies):
            path = rewriter.rewrite(route.path, copy)
            values = tuple(rewriter.rewrite(route.query[name], copy) for name in names)
            table = scaled._details.setdefault((route.method, path), {}).setdefault(names, {})
            table.setdefault(values, (status, content_type, template, copy))
    return scaled


def _default_max_pages(adapter: str) -> int | None:
    """The ``max_pages`` default of an adapter's params model, if it has one."""
    import importlib

    from pydantic import BaseModel

    module = importlib.import_module(f"scrapers.{adapter}")
    for value in vars(module).values():
        if isinstance(value, type) and issubclass(value, BaseModel) and value is not BaseModel:
            field_info = value.model_fields.get("max_pages")
            if field_info is not None and isinstance(field_info.default, int):
                return field_info.default
    return None


def sizes(source_ids: list[str], total: int, scale: float = 1.0) -> dict[str, int]:
    """Per source, the vacancies wanted: its realistic size times the common factor that
    makes them add up to ``total``, times ``scale`` (a smaller run while developing)."""
    realistic = {s: REALISTIC_SIZE.get(s, DEFAULT_SIZE) for s in source_ids}
    factor = total / sum(realistic.values())
    return {s: max(1, math.ceil(n * factor * scale)) for s, n in realistic.items()}


# --- The scaled sites in harvest worker processes ---------------------------------------------
#
# ``portal.harvesting.harvest_sources`` runs lanes in worker processes, which cannot be
# handed an in-process transport: each worker builds the same scaled sites when it
# starts (``start_worker``: deterministic, so they are the sites the parent built) and
# its clients answer from them (``scaled_client``). Every scaled source lives on a host of
# its own (``SOURCE.bench.test``); a request to any other host (the Cornerstone API,
# whose host the career page names) goes to the site last asked.

BENCH_HOST = ".bench.test"
_worker_sites: dict[str, ScaledSite] = {}
_last_site: list[ScaledSite] = []


def bench_base_url(source_id: str, base_url: str) -> str:
    """``base_url`` moved to the source's own benchmark host."""
    parts = urlsplit(base_url)
    return parts._replace(scheme="https", netloc=f"{source_id}{BENCH_HOST}").geturl()


def start_worker(configs: list[SourceConfig], wanted: dict[str, int]) -> None:
    """A worker process's initializer: build every scaled site (before any timing)."""
    import asyncio

    async def build() -> None:
        recorded = load_sites()
        for config in configs:
            _worker_sites[config.id] = await scale_site(
                recorded[config.id], config, wanted[config.id]
            )

    asyncio.run(build())


def scaled_client() -> PoliteClient:
    """A client factory for the workers: no delay, every request answered by a scaled site."""
    return PoliteClient(transport=httpx.MockTransport(_answer), delay=0)


def _answer(request: httpx.Request) -> httpx.Response:
    site = _worker_sites.get(request.url.host.removesuffix(BENCH_HOST))
    if site is None:
        site = _last_site[-1]
    else:
        _last_site[:] = [site]
    return site.handle(request)
