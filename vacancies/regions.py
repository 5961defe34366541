"""UN M49 regions and sub-regions of countries (``vacancies/data/regions.toml``).

Pure lookups, read once per process: which region a country lies in, and which
countries a region or sub-region slug stands for.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache

from vacancies.normalize import DATA_DIR


@dataclass(frozen=True, slots=True)
class Area:
    """A region or a sub-region."""

    slug: str
    m49: str
    names: dict[str, str]
    """Name per language: en, nb, nn."""
    countries: frozenset[str]
    parent: str | None = None
    """The region's slug, for a sub-region."""

    def name(self, language: str) -> str:
        return self.names.get(language) or self.names["en"]


@dataclass(frozen=True, slots=True)
class Regions:
    regions: tuple[Area, ...]
    sub_regions: tuple[Area, ...]
    by_slug: dict[str, Area]
    region_of: dict[str, str]
    """Country (ISO alpha-3) -> region slug."""
    sub_region_of: dict[str, str]


@cache
def regions() -> Regions:
    with (DATA_DIR / "regions.toml").open("rb") as handle:
        data = tomllib.load(handle)
    top: list[Area] = []
    subs: list[Area] = []
    region_of: dict[str, str] = {}
    sub_region_of: dict[str, str] = {}
    for entry in data["region"]:
        children = [
            Area(
                slug=sub["slug"],
                m49=sub["m49"],
                names=dict(sub["name"]),
                countries=frozenset(sub["countries"]),
                parent=entry["slug"],
            )
            for sub in entry["sub_region"]
        ]
        region = Area(
            slug=entry["slug"],
            m49=entry["m49"],
            names=dict(entry["name"]),
            countries=frozenset().union(*(c.countries for c in children)),
        )
        top.append(region)
        subs.extend(children)
        for child in children:
            for country in child.countries:
                if country in region_of:
                    raise ValueError(f"regions.toml: {country} is listed twice")
                region_of[country] = region.slug
                sub_region_of[country] = child.slug
    by_slug = {area.slug: area for area in (*top, *subs)}
    return Regions(tuple(top), tuple(subs), by_slug, region_of, sub_region_of)


def area(slug: str) -> Area | None:
    return regions().by_slug.get(slug)


def countries_in(slugs: list[str] | tuple[str, ...]) -> list[str]:
    """The ISO alpha-3 codes of the given regions and sub-regions, sorted."""
    codes: set[str] = set()
    for slug in slugs:
        codes |= regions().by_slug[slug].countries
    return sorted(codes)


def areas_of(country: str | None) -> tuple[Area, ...]:
    """The region and sub-region of a country, outermost first; empty when unknown."""
    table = regions()
    if country is None or country not in table.region_of:
        return ()
    return (table.by_slug[table.region_of[country]], table.by_slug[table.sub_region_of[country]])
