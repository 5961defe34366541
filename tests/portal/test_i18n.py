"""Languages: every message is translated into Bokmål and Nynorsk, and the pages
render in Bokmål (the default), Nynorsk and English."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from selectolax.lexbor import LexborHTMLParser

from portal.web.i18n import CATALOGS
from tests.portal.recorded_site import portal_client, texts


def catalog(name: str, locale: str | None = None):
    path = CATALOGS / name if locale is None else CATALOGS / locale / "LC_MESSAGES" / name
    with Path(path).open("rb") as handle:
        return read_po(handle, locale=locale)


TEMPLATE_IDS = [message.id for message in catalog("messages.pot") if message.id]


@pytest.mark.parametrize("locale", ["nb", "nn"])
def test_every_message_has_a_translation(locale):
    translated = {message.id: message for message in catalog("messages.po", locale) if message.id}
    missing = []
    for msgid in TEMPLATE_IDS:
        message = translated.get(msgid)
        strings = message.string if message else ""
        forms = strings if isinstance(strings, tuple) else (strings,)
        if not message or "fuzzy" in message.flags or not all(forms):
            missing.append(msgid)
    assert missing == []


@pytest.mark.parametrize("locale", ["nb", "nn"])
def test_plural_messages_fill_every_plural_form(locale):
    po = catalog("messages.po", locale)
    plurals = [m for m in po if m.id and isinstance(m.id, tuple)]
    assert plurals
    assert all(len(m.string) == po.num_plurals for m in plurals)


@pytest.fixture
async def site(db):
    async with portal_client() as client:
        yield client


@pytest.mark.parametrize(
    ("lang", "heading", "count"),
    [
        ("nb", "Ledige stillinger", "0 stillinger"),
        ("nn", "Ledige stillingar", "0 stillingar"),
        ("en", "Vacancies", "0 vacancies"),
    ],
)
async def test_search_page_renders_in_each_language(site, lang, heading, count):
    response = await site.get("/vacancies", params={"lang": lang})
    tree = LexborHTMLParser(response.text)
    assert tree.css_first("html").attributes["lang"] == lang
    assert texts(tree, "h1") == [heading]
    assert texts(tree, "#result-count") == [count]


async def test_bokmal_is_the_default_language(site):
    response = await site.get("/sources")
    tree = LexborHTMLParser(response.text)
    assert tree.css_first("html").attributes["lang"] == "nb"
    assert texts(tree, "h1") == ["Kilder"]


async def test_a_chosen_language_is_remembered(site):
    first = await site.get("/organizations", params={"lang": "nn"})
    assert first.cookies["portal_lang"] == "nn"
    again = await site.get("/organizations")  # the client sends the cookie back
    assert texts(LexborHTMLParser(again.text), "h1") == ["Organisasjonar"]


async def test_the_not_found_page_is_translated(site):
    response = await site.get("/vacancies/1", params={"lang": "nn"})
    assert response.status_code == 404
    assert texts(LexborHTMLParser(response.text), "h1") == ["Fann ikkje sida"]
