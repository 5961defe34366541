"""Languages of the web pages: Norwegian Bokmål (default), Nynorsk and English.

Messages come from Babel catalogs (``portal/web/locales/<locale>/LC_MESSAGES/
messages.po``, compiled to ``.mo`` by ``make``); English is the source language. The
locale of a request is chosen by ``?lang=``, then the ``portal_lang`` cookie (set when
a person switches), then Accept-Language, then Bokmål. Dates and numbers are formatted
per locale with Babel.
"""

from __future__ import annotations

import contextvars
from datetime import UTC, datetime
from functools import cache, lru_cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

LOCALES = ("nb", "nn", "en")
DEFAULT_LOCALE = "nb"
COOKIE = "portal_lang"
CATALOGS = Path(__file__).with_name("locales")
LANGUAGE_NAMES = {"nb": "Norsk (bokmål)", "nn": "Norsk (nynorsk)", "en": "English"}

_current = contextvars.ContextVar("portal_locale", default=DEFAULT_LOCALE)


def current_locale() -> str:
    return _current.get()


def set_locale(locale: str) -> contextvars.Token:
    return _current.set(locale if locale in LOCALES else DEFAULT_LOCALE)


@cache
def translations(locale: str) -> NullTranslations:
    if locale == "en":
        return NullTranslations()
    loaded = Translations.load(str(CATALOGS), [locale], domain="messages")
    if not isinstance(loaded, Translations):
        # The catalogs are compiled by `make`; without them pages fall back to English.
        return NullTranslations()
    if locale == "nn":  # a message not yet in Nynorsk reads better in Bokmål than English
        loaded.add_fallback(translations("nb"))
    return loaded


def gettext(message: str, **variables: object) -> str:
    text = translations(current_locale()).gettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, n: int, **variables: object) -> str:
    text = translations(current_locale()).ngettext(singular, plural, n)
    return text % {"num": n, **variables}


def plural_form(singular: str, plural: str, n: int) -> str:
    """The translated form for ``n``, not yet formatted: Jinja's new-style ``ngettext``
    formats it with the template's variables (``num`` defaults to ``n``)."""
    return translations(current_locale()).ngettext(singular, plural, n)


def negotiate(query_lang: str | None, cookie: str | None, accept_language: str | None) -> str:
    for candidate in (query_lang, cookie):
        if candidate in LOCALES:
            return candidate
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()
        if tag in ("nb", "no", "nb-no", "no-no"):
            return "nb"
        if tag in ("nn", "nn-no"):
            return "nn"
        if tag.startswith("en"):
            return "en"
    return DEFAULT_LOCALE


@cache
def _parsed_locale(code: str) -> Locale:
    return Locale.parse(code)


def _babel_locale() -> Locale:
    # Parsing a locale per formatted number was a quarter of the search page's time.
    return _parsed_locale(current_locale())


def fmt_date(value: datetime | None, form: str = "long") -> str:
    if value is None:
        return ""
    return format_date(value, format=form, locale=_babel_locale())


def fmt_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return format_datetime(value, format="medium", tzinfo=UTC, locale=_babel_locale())


def fmt_number(value: int | float) -> str:
    return _formatted_number(value, current_locale())


@lru_cache(maxsize=8192)
def _formatted_number(value: int | float, locale: str) -> str:
    # A search page formats about 270 counts; Babel's format_decimal was a fifth of the
    # page's time. The same counts recur across pages and requests.
    return format_decimal(value, locale=_parsed_locale(locale))


def days_left(deadline: datetime | None, now: datetime | None = None) -> int | None:
    if deadline is None:
        return None
    now = now or datetime.now(UTC)
    return (deadline.date() - now.date()).days
