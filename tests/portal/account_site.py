"""An HTTP client on the portal for the account pages: the app on the test's event loop
(httpx's ASGI transport), account mail going to a real local SMTP server (aiosmtpd),
and helpers to submit forms with their CSRF token as a browser would."""

from __future__ import annotations

import re
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import httpx
from selectolax.lexbor import LexborHTMLParser

from candidates.mail import Mailer
from portal.app import create_app
from portal.settings import get_settings
from portal.web.i18n import set_locale

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
BASE_URL = "http://portal.test"
PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a quite different long passphrase"


def test_mailer(smtp_port: int) -> Mailer:
    settings = get_settings().model_copy(
        update={
            "smtp_host": "127.0.0.1",
            "smtp_port": smtp_port,
            "smtp_tls": "none",
            "base_url": BASE_URL,
        }
    )
    return Mailer(settings)


@asynccontextmanager
async def account_client(smtp_port: int, *, clock=lambda: NOW, app=None, base_url=BASE_URL):
    app = app or create_app(manage_database=False)
    app.state.clock = clock
    app.state.mailer = test_mailer(smtp_port)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=base_url
    ) as client:
        yield client
    set_locale("nb")


def page(response: httpx.Response) -> LexborHTMLParser:
    return LexborHTMLParser(response.text)


def csrf_token(response: httpx.Response) -> str:
    node = page(response).css_first("input[name='_csrf_token']")
    assert node is not None, f"no CSRF field on {response.url}"
    return node.attributes["value"]


async def submit(
    client: httpx.AsyncClient, form_path: str, to: str | None = None, **fields: str
) -> httpx.Response:
    """GET the page with the form, then POST the fields with the page's CSRF token."""
    shown = await client.get(form_path)
    assert shown.status_code == 200, (form_path, shown.status_code)
    data = {"_csrf_token": csrf_token(shown), **fields}
    return await client.post(to or form_path.split("?")[0], data=data)


def path_of(link: str) -> str:
    return link.removeprefix(BASE_URL)


def link_in(body: str) -> str:
    links = set(re.findall(r"https?://\S+\?token=[A-Za-z0-9_-]+", body))
    assert len(links) == 1, body
    return links.pop()


def text(node) -> str:
    return " ".join(node.text().split())
