"""Words for codes shown on the pages, in the request's language: categories,
organisation kinds and types, sort orders, windows, countries and regions."""

from __future__ import annotations

from functools import cache

import pycountry
from babel import Locale
from babel.lists import format_list

from portal.web.i18n import current_locale, ngettext
from portal.web.i18n import gettext as _
from vacancies.regions import area


def category_label(code: str | None) -> str:
    labels = {
        "professional": _("Professional"),
        "director": _("Director"),
        "general_service": _("General Service"),
        "national_officer": _("National Professional Officer"),
        "field_service": _("Field Service"),
        "consultant": _("Consultancy"),
        "intern": _("Internship"),
        "volunteer": _("UN Volunteer"),
        "jpo": _("Junior Professional Officer (JPO)"),
        "other": _("Other contract"),
    }
    return labels.get(code or "", code or "")


def org_type_label(code: str) -> str:
    labels = {"un": _("UN system"), "bank": _("Development banks")}
    return labels.get(code, code)


def kind_label(kind: str) -> str:
    labels = {
        "un_secretariat": _("UN Secretariat"),
        "fund_programme": _("UN fund or programme"),
        "specialized_agency": _("UN specialized agency"),
        "related_organization": _("UN related organisation"),
        "development_bank": _("Multilateral development bank"),
        "other": _("Other international organisation"),
    }
    return labels.get(kind, kind)


def sort_label(code: str) -> str:
    labels = {
        "deadline": _("Closing soon"),
        "posted": _("Newest"),
        "relevance": _("Best match"),
    }
    return labels.get(code, code)


def deadline_window_label(days: int | str) -> str:
    return ngettext("Within %(num)d day", "Within %(num)d days", int(days))


def posted_window_label(days: int | str) -> str:
    if int(days) == 1:
        return _("Last 24 hours")
    return ngettext("Last %(num)d day", "Last %(num)d days", int(days))


def closed_reason_label(reason: str | None) -> str:
    labels = {
        "missing": _("It is no longer in the source's listing."),
        "deadline": _("Its application deadline has passed."),
    }
    return labels.get(reason or "", _("The source no longer lists it as open."))


@cache
def _alpha2(alpha3: str) -> str | None:
    if alpha3 == "XKX":  # Kosovo: user-assigned codes (see vacancies/data/countries.toml)
        return "XK"
    country = pycountry.countries.get(alpha_3=alpha3)
    return country.alpha_2 if country else None


def country_name(alpha3: str | None) -> str:
    """The country's name in the request's language (Babel's territory names), else
    pycountry's English name, else the code."""
    if not alpha3:
        return ""
    return _country_name(alpha3, current_locale())


@cache
def _country_name(alpha3: str, locale: str) -> str:
    alpha2 = _alpha2(alpha3)
    if alpha2:
        name = Locale.parse(locale).territories.get(alpha2)
        if name:
            return name
        country = pycountry.countries.get(alpha_2=alpha2)
        if country:
            return getattr(country, "common_name", None) or country.name
    return alpha3


def region_name(slug: str) -> str:
    found = area(slug)
    return found.name(current_locale()) if found else slug


def is_sub_region(slug: str) -> bool:
    found = area(slug)
    return bool(found and found.parent)


def country_name_alpha2(alpha2: str) -> str:
    """A country's name, by its ISO 3166-1 alpha-2 code, in the request's language."""
    return _country_name_alpha2(alpha2, current_locale())


@cache
def _country_name_alpha2(alpha2: str, locale: str) -> str:
    name = Locale.parse(locale).territories.get(alpha2)
    if name:
        return name
    country = pycountry.countries.get(alpha_2=alpha2)
    return (getattr(country, "common_name", None) or country.name) if country else alpha2


def _countries(codes: list[str]) -> str:
    """ "Denmark, Finland and Sweden", in the request's language."""
    names = [country_name_alpha2(code) for code in codes]
    return format_list(names, locale=current_locale()) if names else ""


def jpo_facet_label(value: str) -> str:
    return _("JPO posts")


def jpo_badges(v) -> list[str]:
    """What a vacancy's JPO facts say, as short badges: "JPO — sponsored by Norway",
    "Open to Norwegian nationals only"."""
    badges = []
    if v.is_jpo:
        if v.jpo_sponsors:
            badges.append(
                _("JPO — sponsored by %(countries)s", countries=_countries(v.jpo_sponsors))
            )
        else:
            badges.append(_("JPO post"))
    if v.open_to_nationalities == ["NO"]:
        badges.append(_("Open to Norwegian nationals only"))
    elif v.open_to_nationalities:
        badges.append(
            _(
                "Open only to nationals of %(countries)s",
                countries=_countries(v.open_to_nationalities),
            )
        )
    return badges
