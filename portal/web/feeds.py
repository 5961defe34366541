"""Atom 1.0 and RSS 2.0 feeds of a vacancy search, built with feedgen."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urljoin

from feedgen.feed import FeedGenerator

from portal import __version__
from portal.web.i18n import current_locale, fmt_date
from portal.web.i18n import gettext as _
from portal.web.labels import country_name
from portal.web.search_params import search_url
from vacancies.schemas import VacancyOut, VacancyPage, VacancyQuery


def _summary(vacancy: VacancyOut) -> str:
    parts = [vacancy.organization or vacancy.organization_name or _("Unknown organisation")]
    if vacancy.grade:
        parts.append(vacancy.grade)
    place = vacancy.duty_station or country_name(vacancy.country)
    if place:
        parts.append(place)
    if vacancy.deadline:
        parts.append(_("Deadline %(date)s", date=fmt_date(vacancy.deadline, "medium")))
    if vacancy.sample:
        parts.append(_("Sample data"))
    return " · ".join(parts)


def _feed(
    query: VacancyQuery, results: VacancyPage, *, base_url: str, self_path: str, now: datetime
) -> FeedGenerator:
    self_url = urljoin(base_url, search_url(self_path, query))
    feed = FeedGenerator()
    feed.id(self_url)
    feed.title(_("Vacancies – Norec international careers"))
    about = _("Open positions in the UN system and the multilateral development banks.")
    feed.subtitle(about)
    feed.description(about)
    feed.link(href=urljoin(base_url, search_url("/vacancies", query)), rel="alternate")
    feed.link(href=self_url, rel="self")
    feed.language(current_locale())
    feed.generator("Norec portal", version=__version__)
    feed.updated(max((v.last_seen for v in results.items), default=now))
    # feedgen lists the entry added last first: add them in reverse to keep the order.
    for vacancy in reversed(results.items):
        url = urljoin(base_url, f"/vacancies/{vacancy.id}")
        entry = feed.add_entry()
        entry.id(url)
        entry.guid(url, permalink=True)
        entry.title(vacancy.title)
        entry.link(href=url, rel="alternate")
        entry.summary(_summary(vacancy))
        entry.updated(vacancy.last_seen)
        entry.published(vacancy.posted_at or vacancy.first_seen)
        if vacancy.organization:
            entry.category(term=vacancy.organization)
    return feed


def atom_feed(query: VacancyQuery, results: VacancyPage, *, base_url: str, now: datetime) -> bytes:
    """The search's results as Atom 1.0; entries link to the vacancy pages."""
    feed = _feed(query, results, base_url=base_url, self_path="/vacancies/feed.atom", now=now)
    return feed.atom_str(pretty=True)


def rss_feed(query: VacancyQuery, results: VacancyPage, *, base_url: str, now: datetime) -> bytes:
    """The search's results as RSS 2.0; items link to the vacancy pages."""
    feed = _feed(query, results, base_url=base_url, self_path="/vacancies/feed.rss", now=now)
    return feed.rss_str(pretty=True)
