"""The polite client: robots.txt, per-host pacing, conditional GET, retries, size cap."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import httpx
import pytest
import respx

from scrapers.http import (
    DEFAULT_USER_AGENT,
    FetchResult,
    HTTPStatusError,
    PoliteClient,
    parse_retry_after,
)
from scrapers.records import NotModified, SourceError

FEED_URL = "https://careers.example.org/jobs/feed.xml"
ROBOTS_URL = "https://careers.example.org/robots.txt"
MB = 1024 * 1024


@pytest.fixture
def router() -> respx.Router:
    return respx.Router(assert_all_called=False)


# --- what is sent and returned ---------------------------------------------------------


async def test_every_request_carries_the_identifying_user_agent(make_client, router):
    route = router.get(FEED_URL).respond(200, text="<rss/>")

    await make_client(router).fetch("GET", FEED_URL)

    assert route.calls.last.request.headers["User-Agent"] == DEFAULT_USER_AGENT
    assert "https://www.norec.no" in DEFAULT_USER_AGENT


async def test_result_holds_final_url_status_body_and_validators(make_client, router):
    router.get(FEED_URL).respond(
        200,
        content=b'{"jobs": ["P-3 Programme Officer"]}',
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "ETag": '"5f2a-61c3"',
            "Last-Modified": "Fri, 20 Nov 2026 08:00:00 GMT",
        },
    )

    result = await make_client(router).fetch("GET", FEED_URL)

    assert result == FetchResult(
        url=FEED_URL,
        status=200,
        headers=httpx.Headers(),
        content=b'{"jobs": ["P-3 Programme Officer"]}',
        etag='"5f2a-61c3"',
        last_modified="Fri, 20 Nov 2026 08:00:00 GMT",
    )
    assert result.content_type == "application/json"
    assert result.text() == '{"jobs": ["P-3 Programme Officer"]}'
    assert result.json() == {"jobs": ["P-3 Programme Officer"]}


async def test_text_uses_the_declared_charset(make_client, router):
    router.get(FEED_URL).respond(
        200,
        content="Tromsø".encode("latin-1"),
        headers={"Content-Type": "text/plain; charset=latin-1"},
    )

    result = await make_client(router).fetch("GET", FEED_URL)

    assert result.text() == "Tromsø"


async def test_post_sends_query_params_and_json_body(make_client, router):
    route = router.post("https://api.example.org/v2/jobs").respond(200, json={"data": []})

    await make_client(router).fetch(
        "POST", "https://api.example.org/v2/jobs", params={"appname": "norec"}, json={"limit": 5}
    )

    request = route.calls.last.request
    assert request.url == "https://api.example.org/v2/jobs?appname=norec"
    assert json.loads(request.content) == {"limit": 5}


# --- conditional GET -------------------------------------------------------------------


async def test_stored_validators_are_sent_as_conditional_headers(make_client, router):
    route = router.get(FEED_URL).respond(200, text="<rss/>")

    await make_client(router).fetch(
        "GET", FEED_URL, etag='"5f2a-61c3"', last_modified="Fri, 20 Nov 2026 08:00:00 GMT"
    )

    headers = route.calls.last.request.headers
    assert headers["If-None-Match"] == '"5f2a-61c3"'
    assert headers["If-Modified-Since"] == "Fri, 20 Nov 2026 08:00:00 GMT"


async def test_no_conditional_headers_without_validators(make_client, router):
    route = router.get(FEED_URL).respond(200, text="<rss/>")

    await make_client(router).fetch("GET", FEED_URL)

    headers = route.calls.last.request.headers
    assert "If-None-Match" not in headers
    assert "If-Modified-Since" not in headers


async def test_304_raises_not_modified(make_client, router):
    router.get(FEED_URL).respond(304)

    with pytest.raises(NotModified):
        await make_client(router).fetch("GET", FEED_URL, etag='"5f2a-61c3"')


# --- retries -------------------------------------------------------------------------


async def test_429_waits_the_retry_after_seconds_then_succeeds(make_client, router, fake_time):
    route = router.get(FEED_URL).mock(
        side_effect=[
            httpx.Response(429, headers={"Retry-After": "7"}),
            httpx.Response(200, text="<rss/>"),
        ]
    )

    result = await make_client(router).fetch("GET", FEED_URL)

    assert result.status == 200
    assert route.call_count == 2
    assert fake_time.sleeps == [7.0]


async def test_retry_after_as_http_date_is_measured_from_the_server_date(
    make_client, router, fake_time
):
    router.get(FEED_URL).mock(
        side_effect=[
            httpx.Response(
                503,
                headers={
                    "Date": "Wed, 21 Oct 2026 07:28:00 GMT",
                    "Retry-After": "Wed, 21 Oct 2026 07:28:30 GMT",
                },
            ),
            httpx.Response(200, text="<rss/>"),
        ]
    )

    await make_client(router).fetch("GET", FEED_URL)

    assert fake_time.sleeps == [30.0]


async def test_retry_after_is_capped_by_max_retry_after(make_client, router, fake_time):
    router.get(FEED_URL).mock(
        side_effect=[
            httpx.Response(429, headers={"Retry-After": "86400"}),
            httpx.Response(200, text="<rss/>"),
        ]
    )

    await make_client(router, max_retry_after=300.0).fetch("GET", FEED_URL)

    assert fake_time.sleeps == [300.0]


async def test_5xx_is_retried_with_exponential_backoff_then_raises(make_client, router, fake_time):
    route = router.get(FEED_URL).respond(503)

    with pytest.raises(SourceError) as raised:
        await make_client(router, max_retries=3, backoff=1.0).fetch("GET", FEED_URL)

    assert route.call_count == 4
    assert fake_time.sleeps == [1.0, 2.0, 4.0]
    assert str(raised.value) == (
        f"GET {FEED_URL} failed after 4 attempts: status 503 Service Unavailable"
    )


async def test_a_retried_post_resends_the_same_body(make_client, router, fake_time):
    route = router.post("https://api.example.org/v2/jobs").mock(
        side_effect=[httpx.Response(502), httpx.Response(200, json={"data": []})]
    )

    result = await make_client(router).fetch(
        "POST", "https://api.example.org/v2/jobs", json={"offset": 0, "limit": 3}
    )

    assert result.json() == {"data": []}
    assert [json.loads(call.request.content) for call in route.calls] == [
        {"offset": 0, "limit": 3},
        {"offset": 0, "limit": 3},
    ]
    assert fake_time.sleeps == [1.0]


async def test_timeouts_are_retried(make_client, router, fake_time):
    route = router.get(FEED_URL).mock(
        side_effect=[
            httpx.ReadTimeout("timed out"),
            httpx.ConnectTimeout("timed out"),
            httpx.Response(200, text="<rss/>"),
        ]
    )

    result = await make_client(router).fetch("GET", FEED_URL)

    assert result.status == 200
    assert route.call_count == 3
    assert fake_time.sleeps == [1.0, 2.0]


async def test_exhausted_timeouts_raise_naming_the_failure(make_client, router):
    router.get(FEED_URL).mock(side_effect=httpx.ReadTimeout("timed out"))

    with pytest.raises(SourceError) as raised:
        await make_client(router, max_retries=1).fetch("GET", FEED_URL)

    assert str(raised.value) == f"GET {FEED_URL} failed after 2 attempts: ReadTimeout: timed out"


async def test_other_4xx_raise_at_once_without_retrying(make_client, router, fake_time):
    route = router.get(FEED_URL).respond(
        404, text="Not Found", headers={"Content-Type": "text/html"}
    )

    with pytest.raises(HTTPStatusError) as raised:
        await make_client(router).fetch("GET", FEED_URL)

    assert route.call_count == 1
    assert fake_time.sleeps == []
    assert raised.value.status == 404
    assert str(raised.value) == f"GET {FEED_URL} returned status 404 Not Found"


async def test_a_refusal_quotes_the_apis_explanation(make_client, router):
    router.post("https://api.example.org/v2/jobs").respond(
        400, json={"status": 400, "error": {"type": "BadRequest", "message": "Invalid appname"}}
    )

    with pytest.raises(HTTPStatusError) as raised:
        await make_client(router).fetch("POST", "https://api.example.org/v2/jobs")

    assert str(raised.value) == (
        "POST https://api.example.org/v2/jobs returned status 400 Bad Request: "
        '{"status":400,"error":{"type":"BadRequest","message":"Invalid appname"}}'
    )


# --- robots.txt ----------------------------------------------------------------------


async def test_robots_txt_disallowing_the_url_stops_the_fetch(make_client, router):
    router.get(ROBOTS_URL).respond(200, text="User-agent: *\nDisallow: /jobs/\n")
    feed = router.get(FEED_URL).respond(200, text="<rss/>")

    with pytest.raises(SourceError) as raised:
        await make_client(router, obey_robots=True).fetch("GET", FEED_URL)

    assert feed.call_count == 0
    assert str(raised.value) == (
        f"robots.txt of https://careers.example.org disallows {FEED_URL} for {DEFAULT_USER_AGENT}"
    )


async def test_robots_txt_group_for_our_bot_applies_to_us(make_client, router):
    router.get(ROBOTS_URL).respond(
        200, text="User-agent: NorecPortalBot\nDisallow: /\n\nUser-agent: *\nAllow: /\n"
    )
    router.get(FEED_URL).respond(200, text="<rss/>")

    with pytest.raises(
        SourceError, match=r"^robots\.txt of https://careers\.example\.org disallows"
    ):
        await make_client(router, obey_robots=True).fetch("GET", FEED_URL)


async def test_robots_txt_is_fetched_once_per_host(make_client, router):
    robots = router.get(ROBOTS_URL).respond(200, text="User-agent: *\nDisallow: /private/\n")
    router.get(FEED_URL).respond(200, text="<rss/>")
    client = make_client(router, obey_robots=True)

    await client.fetch("GET", FEED_URL)
    await client.fetch("GET", FEED_URL)

    assert robots.call_count == 1


async def test_robots_txt_is_read_again_after_a_day(make_client, router, fake_time):
    robots = router.get(ROBOTS_URL).respond(200, text="User-agent: *\nDisallow: /private/\n")
    router.get(FEED_URL).respond(200, text="<rss/>")
    client = make_client(router, obey_robots=True)

    await client.fetch("GET", FEED_URL)
    fake_time.now += 23 * 3600
    await client.fetch("GET", FEED_URL)
    fake_time.now += 3600
    await client.fetch("GET", FEED_URL)

    assert robots.call_count == 2


async def test_missing_robots_txt_allows_everything(make_client, router):
    router.get(ROBOTS_URL).respond(404)
    router.get(FEED_URL).respond(200, text="<rss/>")

    result = await make_client(router, obey_robots=True).fetch("GET", FEED_URL)

    assert result.status == 200


async def test_unreadable_robots_txt_keeps_us_off_the_site(make_client, router):
    router.get(ROBOTS_URL).respond(503)
    feed = router.get(FEED_URL).respond(200, text="<rss/>")

    with pytest.raises(SourceError) as raised:
        await make_client(router, obey_robots=True, max_retries=1).fetch("GET", FEED_URL)

    assert feed.call_count == 0
    assert str(raised.value) == (
        "robots.txt of https://careers.example.org could not be read (GET "
        f"{ROBOTS_URL} failed after 2 attempts: status 503 Service Unavailable); "
        f"not fetching {FEED_URL}"
    )


async def test_robots_crawl_delay_widens_the_spacing(make_client, router, fake_time):
    router.get(ROBOTS_URL).respond(200, text="User-agent: *\nCrawl-delay: 5\n")
    router.get(FEED_URL).respond(200, text="<rss/>")
    client = make_client(router, obey_robots=True, delay=2.0)

    await client.fetch("GET", FEED_URL)
    await client.fetch("GET", FEED_URL)

    assert fake_time.sleeps == [5.0, 5.0]


# --- pacing --------------------------------------------------------------------------


async def test_consecutive_requests_to_a_host_are_spaced_by_the_delay(
    make_client, router, fake_time
):
    router.get(FEED_URL).respond(200, text="<rss/>")
    client = make_client(router, delay=2.0)

    await client.fetch("GET", FEED_URL)
    await client.fetch("GET", FEED_URL)
    await client.fetch("GET", FEED_URL)

    assert fake_time.sleeps == [2.0, 2.0]


async def test_time_already_passed_counts_towards_the_delay(make_client, router, fake_time):
    router.get(FEED_URL).respond(200, text="<rss/>")
    client = make_client(router, delay=2.0)

    await client.fetch("GET", FEED_URL)
    fake_time.now += 1.5
    await client.fetch("GET", FEED_URL)

    assert fake_time.sleeps == [0.5]


async def test_different_hosts_do_not_wait_for_each_other(make_client, router, fake_time):
    router.get(FEED_URL).respond(200, text="<rss/>")
    router.get("https://jobs.other.example.net/feed").respond(200, text="<rss/>")
    client = make_client(router, delay=2.0)

    await client.fetch("GET", FEED_URL)
    await client.fetch("GET", "https://jobs.other.example.net/feed")

    assert fake_time.sleeps == []


async def test_one_request_at_a_time_per_host():
    in_flight: dict[str, int] = {}
    peak: dict[str, int] = {}

    async def slow_handler(request: httpx.Request) -> httpx.Response:
        host = request.url.host
        in_flight[host] = in_flight.get(host, 0) + 1
        peak[host] = max(peak.get(host, 0), in_flight[host])
        await asyncio.sleep(0.01)
        in_flight[host] -= 1
        return httpx.Response(200, text="ok")

    async with PoliteClient(
        transport=httpx.MockTransport(slow_handler), delay=0.0, obey_robots=False
    ) as client:
        await asyncio.gather(
            client.fetch("GET", "https://a.example.org/1"),
            client.fetch("GET", "https://a.example.org/2"),
            client.fetch("GET", "https://a.example.org/3"),
            client.fetch("GET", "https://b.example.org/1"),
        )

    assert peak == {"a.example.org": 1, "b.example.org": 1}


# --- size cap and broken transfers --------------------------------------------------


async def test_a_streamed_body_beyond_the_cap_is_abandoned(make_client):
    chunks_sent = 0

    async def fifty_megabytes() -> AsyncIterator[bytes]:
        nonlocal chunks_sent
        for _ in range(50 * 16):
            chunks_sent += 1
            yield b"x" * (64 * 1024)

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=fifty_megabytes())

    with pytest.raises(SourceError) as raised:
        await make_client(handler, max_bytes=10 * MB).fetch("GET", FEED_URL)

    assert str(raised.value) == f"response from {FEED_URL} exceeds 10485760 bytes"
    assert chunks_sent == 10 * 16 + 1


async def test_a_declared_content_length_beyond_the_cap_is_refused_unread(make_client):
    body_read = False

    async def body() -> AsyncIterator[bytes]:
        nonlocal body_read
        body_read = True
        yield b"x"

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Length": str(50 * MB)}, content=body())

    with pytest.raises(SourceError) as raised:
        await make_client(handler).fetch("GET", FEED_URL)

    assert str(raised.value) == f"response from {FEED_URL} exceeds 10485760 bytes"
    assert body_read is False


async def test_a_transfer_cut_short_is_retried_then_raises(make_client, fake_time):
    async def cut_short() -> AsyncIterator[bytes]:
        yield b'{"totalCount": 8, "data": [{"id": "4187'
        raise httpx.RemoteProtocolError("peer closed connection without sending complete body")

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=cut_short())

    with pytest.raises(SourceError) as raised:
        await make_client(handler, max_retries=2).fetch("GET", FEED_URL)

    assert str(raised.value) == (
        f"GET {FEED_URL} failed after 3 attempts: RemoteProtocolError: "
        "peer closed connection without sending complete body"
    )
    assert fake_time.sleeps == [1.0, 2.0]


async def test_a_closed_client_sends_nothing(router):
    router.get(FEED_URL).respond(200, text="<rss/>")
    async with PoliteClient(transport=httpx.MockTransport(router.async_handler)) as client:
        pass

    with pytest.raises(RuntimeError):
        await client.fetch("GET", FEED_URL)


# --- Retry-After parsing -------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "server_date", "expected"),
    [
        ("120", None, 120.0),
        (" 0 ", None, 0.0),
        ("Wed, 21 Oct 2026 07:30:00 GMT", "Wed, 21 Oct 2026 07:28:00 GMT", 120.0),
        ("Wed, 21 Oct 2026 07:20:00 GMT", "Wed, 21 Oct 2026 07:28:00 GMT", 0.0),
        ("soon", None, None),
        ("-5", None, None),
        (None, None, None),
    ],
)
def test_parse_retry_after(value, server_date, expected):
    assert parse_retry_after(value, server_date) == expected


# --- recognising HTML pages ------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "content_type", "is_html"),
    [
        (b"<!DOCTYPE html>\n<html><body>Maintenance</body></html>", "application/json", True),
        (b"\xef\xbb\xbf  <html lang='en'><body>Sign in</body></html>", "", True),
        (b"<h1>502 Bad Gateway</h1>", "text/html; charset=utf-8", True),
        (b'<?xml version="1.0"?><rss version="2.0"></rss>', "text/html", False),
        (b'<rss version="2.0"><channel></channel></rss>', "application/rss+xml", False),
        (b'{"totalCount": 0, "data": []}', "text/html", False),
    ],
)
def test_looks_like_html(content, content_type, is_html):
    result = FetchResult(
        url=FEED_URL,
        status=200,
        headers=httpx.Headers({"Content-Type": content_type}),
        content=content,
    )

    assert result.looks_like_html() is is_html
