"""Adapters are found by the name sources.toml gives them."""

from __future__ import annotations

import subprocess
import sys
from typing import ClassVar

import pytest

from scrapers import registry
from scrapers.registry import adapter_names, get_adapter, register
from scrapers.reliefweb import ReliefWebAdapter
from scrapers.rss import RssAdapter

ADAPTERS = [
    "cornerstone",
    "html_listing",
    "oracle_recruiting",
    "reliefweb",
    "rss",
    "successfactors",
    "taleo",
    "un_careers",
    "un_talent",
    "unv",
    "workday",
]
KNOWN = ", ".join(ADAPTERS)


def test_adapters_are_found_by_name():
    assert isinstance(get_adapter("reliefweb"), ReliefWebAdapter)
    assert isinstance(get_adapter("rss"), RssAdapter)


def test_every_adapter_module_of_the_package_is_listed():
    assert adapter_names() == ADAPTERS


def test_an_unknown_name_raises_key_error_listing_the_known_ones():
    with pytest.raises(KeyError) as raised:
        get_adapter("inspira")

    assert raised.value.args[0] == f"no adapter named 'inspira'; known adapters: {KNOWN}"


@pytest.mark.parametrize("name", ["http", "base", "records", "registry", "../portal", "_private"])
def test_infrastructure_modules_and_odd_names_are_not_adapters(name):
    with pytest.raises(KeyError, match=f"known adapters: {KNOWN}"):
        get_adapter(name)


def test_adapter_modules_are_imported_only_when_asked_for():
    script = (
        "import sys\n"
        "from scrapers.registry import get_adapter\n"
        "assert 'scrapers.rss' not in sys.modules\n"
        "assert 'scrapers.reliefweb' not in sys.modules\n"
        "get_adapter('rss')\n"
        "assert 'scrapers.rss' in sys.modules\n"
        "assert 'scrapers.reliefweb' not in sys.modules\n"
    )

    completed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )

    assert completed.returncode == 0, completed.stderr


def test_a_registered_class_is_served_under_its_name(monkeypatch):
    monkeypatch.setattr(registry, "_adapters", dict(registry._adapters))

    @register
    class UnCareersAdapter:
        name: ClassVar[str] = "uncareers"

        async def pages(self, source, client):
            yield  # pragma: no cover

    assert isinstance(get_adapter("uncareers"), UnCareersAdapter)


def test_registering_the_same_class_twice_is_harmless():
    assert register(RssAdapter) is RssAdapter
    assert isinstance(get_adapter("rss"), RssAdapter)


def test_a_name_cannot_be_taken_twice():
    class AnotherRss:
        name: ClassVar[str] = "rss"

    with pytest.raises(ValueError, match="adapter name 'rss' is taken by RssAdapter"):
        register(AnotherRss)


def test_a_class_without_a_name_cannot_be_registered():
    class Nameless:
        pass

    with pytest.raises(TypeError, match="Nameless needs a class attribute 'name'"):
        register(Nameless)
