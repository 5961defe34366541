"""vacancies.normalize: grades, places, dates, organisations, text and content hashes.

Inputs are taken from real postings where there is one: the recorded UNjobs pages in
tests/fixtures/vacancy-pages and the titles of the recorded feeds in tests/fixtures/rss.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from selectolax.lexbor import LexborHTMLParser

from vacancies.normalize import (
    GRADE_CATEGORIES,
    ORGANIZATION_KINDS,
    Grade,
    Location,
    OrganizationInfo,
    check_plausible_dates,
    content_hash,
    html_to_text,
    load_organizations,
    normalize_location,
    normalize_title,
    parse_grade,
    resolve_country,
    resolve_organization,
    title_key,
    to_utc,
)

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "vacancy-pages"
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def posting_html(name: str) -> str:
    """The posting of a recorded UNjobs page: what an adapter hands to html_to_text."""
    page = LexborHTMLParser((PAGES / f"vacancy_{name}.html").read_text(encoding="utf-8"))
    node = page.css_first("div.fp-snippet")
    assert node is not None
    return node.html or ""


# --- Grades: raw grade strings ----------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # UN professional and director
        ("P3", Grade("P-3", "professional")),
        ("P-3", Grade("P-3", "professional")),
        ("P 3", Grade("P-3", "professional")),
        ("P.3", Grade("P-3", "professional")),
        ("p-1", Grade("P-1", "professional")),
        ("P-5", Grade("P-5", "professional")),
        ("P–4", Grade("P-4", "professional")),
        ("P-4/P-5", Grade("P-4", "professional")),
        ("D-1", Grade("D-1", "director")),
        ("D2", Grade("D-2", "director")),
        ("ASG", Grade("ASG", "director")),
        ("USG", Grade("USG", "director")),
        ("Under-Secretary-General", Grade("USG", "director")),
        ("Assistant Secretary General", Grade("ASG", "director")),
        # general service
        ("G-6", Grade("G-6", "general_service")),
        ("GS-6", Grade("G-6", "general_service")),
        ("G6", Grade("G-6", "general_service")),
        ("GS6", Grade("G-6", "general_service")),
        ("GS 6", Grade("G-6", "general_service")),
        ("G-1", Grade("G-1", "general_service")),
        # national officers, letters and UNICEF's numbers
        ("NOA", Grade("NO-A", "national_officer")),
        ("NO-B", Grade("NO-B", "national_officer")),
        ("NoC", Grade("NO-C", "national_officer")),
        ("NO B", Grade("NO-B", "national_officer")),
        ("NOD", Grade("NO-D", "national_officer")),
        ("NO-E", Grade("NO-E", "national_officer")),
        ("NO-2", Grade("NO-B", "national_officer")),
        ("Level: NO-2", Grade("NO-B", "national_officer")),
        ("N0-3", Grade("NO-C", "national_officer")),
        # field service
        ("FS-4", Grade("FS-4", "field_service")),
        ("FS5", Grade("FS-5", "field_service")),
        ("FS-7", Grade("FS-7", "field_service")),
        # UNDP and UNOPS personnel contracts
        ("NPSA8", Grade("NPSA-8", "other")),
        ("NPSA-8", Grade("NPSA-8", "other")),
        ("NPSA-11", Grade("NPSA-11", "other")),
        ("IPSA 10", Grade("IPSA-10", "other")),
        ("IPSA-12", Grade("IPSA-12", "other")),
        ("LICA-5", Grade("LICA-5", "other")),
        ("LICA 11", Grade("LICA-11", "other")),
        ("IICA-2", Grade("IICA-2", "other")),
        ("SB-4", Grade("SB-4", "other")),
        ("SC-7", Grade("SC-7", "other")),
        ("SC11", Grade("SC-11", "other")),
        # contract types
        ("Consultant", Grade("Consultant", "consultant")),
        ("Individual Consultant", Grade("Consultant", "consultant")),
        ("Consultancy", Grade("Consultant", "consultant")),
        ("IC", Grade("Consultant", "consultant")),
        ("STC", Grade("Consultant", "consultant")),
        ("Intern", Grade("Intern", "intern")),
        ("Internship", Grade("Intern", "intern")),
        ("UN Volunteer", Grade("UNV", "volunteer")),
        ("UNV", Grade("UNV", "volunteer")),
        ("International UN Volunteer", Grade("UNV", "volunteer")),
        ("National UN Volunteer", Grade("UNV", "volunteer")),
        ("UN Youth Volunteer", Grade("UNV", "volunteer")),
        ("Specialist UN Volunteer", Grade("UNV", "volunteer")),
        ("JPO", Grade("JPO", "jpo")),
        ("Junior Professional Officer", Grade("JPO", "jpo")),
        ("JPO, P-2", Grade("P-2", "jpo")),
        # World Bank Group
        ("GF", Grade("GF", "professional")),
        ("Grade GF", Grade("GF", "professional")),
        ("GG", Grade("GG", "professional")),
        ("GH", Grade("GH", "professional")),
        ("GE", Grade("GE", "professional")),
        ("GA", Grade("GA", "general_service")),
        ("GD", Grade("GD", "general_service")),
        ("GI", Grade("GI", "director")),
        ("GJ", Grade("GJ", "director")),
        # development banks, as the recorded pages write them
        ("TI2", Grade("TI-2", "professional")),
        ("PL4", Grade("PL-4", "professional")),
        ("PL-5", Grade("PL-5", "professional")),
        ("IS-5", Grade("IS-5", "professional")),
        ("IS9", Grade("IS-9", "director")),
        ("NS3", Grade("NS-3", "national_officer")),
        ("AS-4", Grade("AS-4", "general_service")),
    ],
)
def test_parse_grade_reads_raw_grade_strings(raw: str, expected: Grade) -> None:
    assert parse_grade(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "   ",
        "Fixed Term",
        "Temporary Appointment",
        "P-6",
        "G-8",
        "NO-F",
        "GK",
        "IPSA-7",
        "FS",
        "General Service",
        "Level 1",
    ],
)
def test_parse_grade_returns_none_for_raw_strings_without_a_grade(raw: str | None) -> None:
    assert parse_grade(raw) is None


# --- Grades: titles ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        (
            "Programme Specialist, P-3, TA (364 days), #136457",
            Grade("P-3", "professional"),
        ),
        (
            "Re-advertisement: People and Culture Manager (Organizational Learning and "
            "Development), P-4, Fixed Term Position, DPC, outposted to Budapest, Hungary "
            "#00132723",
            Grade("P-4", "professional"),
        ),
        ("International Programme Coordinator P3 Fta Aden Yemen", Grade("P-3", "professional")),
        (
            "Gender & Adolescent Programme Officer – Temporary appointment – 364 days - "
            "Grade P2 # 136135- Cotonou – Benin WCAR",
            Grade("P-2", "professional"),
        ),
        ("WASH Officer, (P2), La Paz-Bolivia, # 136480", Grade("P-2", "professional")),
        ("Chief of Field Office  , P3,  Temporary Assignement", Grade("P-3", "professional")),
        ("Director, Division of Programmes (D-1)", Grade("D-1", "director")),
        ("Driver, G-3", Grade("G-3", "general_service")),
        ("Senior Programme Assistant (GS6)", Grade("G-6", "general_service")),
        ("Administrative Assistant GS-5 Kabul", Grade("G-5", "general_service")),
        ("Programme Analyst, NOB", Grade("NO-B", "national_officer")),
        ("Programme Analyst - NOB", Grade("NO-B", "national_officer")),
        ("Health Officer NO-C, Juba", Grade("NO-C", "national_officer")),
        (
            "Re-advertised: Child Protection Specialist, N0-3, Fixed Term, Ankara, Türkiye, "
            "Post # 87009",
            Grade("NO-C", "national_officer"),
        ),
        ("Logistics Assistant (FS-5), MINUSCA", Grade("FS-5", "field_service")),
        ("Finance Associate, NPSA8, Suva", Grade("NPSA-8", "other")),
        ("Project Manager IPSA-10 Bangkok", Grade("IPSA-10", "other")),
        ("Engineer LICA-9", Grade("LICA-9", "other")),
        ("Logistics Officer, SC7", Grade("SC-7", "other")),
        ("Senior Economist, GG", Grade("GG", "professional")),
        ("Operations Officer (Grade GF)", Grade("GF", "professional")),
        ("Project evaluation (IC)", Grade("Consultant", "consultant")),
        ("Power Transmission and Distribution Consultant", Grade("Consultant", "consultant")),
        (
            "Roster of Research Consultants - Harmful Practices, Gender, Rights, and "
            "Protection Unit",
            Grade("Consultant", "consultant"),
        ),
        ("IDB. Technology Adoption and Change Management Intern", Grade("Intern", "intern")),
        ("Intern, Java Software engineer", Grade("Intern", "intern")),
        (
            "Internship: Social & Community Listening and Data (2 persons) - Part-time",
            Grade("Intern", "intern"),
        ),
        ("Protection Officer (UNV)", Grade("UNV", "volunteer")),
        ("Programme Officer - International UN Volunteer", Grade("UNV", "volunteer")),
        (
            "Associate Programme Officer (JPO), P-2",
            Grade("P-2", "jpo"),
        ),
        (
            "JPO-Education Officer (digital learning), P-2, Luanda/Angola "
            "(For Finnish Nationals only)",
            Grade("P-2", "jpo"),
        ),
        (
            "Child Protection Officer, (P-2), Accra, Ghana (Junior Professional Officer "
            "Position)-Open to Norwegian nationals only",
            Grade("P-2", "jpo"),
        ),
        ("Junior Professional Officer in Climate Finance", Grade("JPO", "jpo")),
    ],
)
def test_parse_grade_reads_titles(title: str, expected: Grade) -> None:
    assert parse_grade(None, title) == expected


@pytest.mark.parametrize(
    "title",
    [
        "COVID-19 Response Coordinator",
        "G20 Sherpa Office Liaison",
        "G7 Presidency Liaison Officer",
        "NO-2 emission monitoring expert",
        "Air Quality Specialist (NO2 and PM2.5)",
        "Food Security (FS) Officer",
        "FS Cluster Coordinator",
        "Economic Analyst",
        "ICT Officer",
        "Public Health Specialist",
        "Supply Chain (SC) Officer",
        "Logistics Officer SC7",
        "SB Secretariat Assistant",
        "GF Liaison Officer",
        "Programme Analyst NOB",
        "Special Assistant to the Under-Secretary-General",
        "Internal Audit Specialist",
        "International Relations Officer",
        "Volunteer Management Specialist",
        "Inspector General",
        "Associate Director, ESD Energy, Environment and Sustainability Department",
        "Representative in Washington, D.C.",
        "Senior Mining Specialist",
        "Batch Recruitment No. 2",
    ],
)
def test_parse_grade_does_not_read_lookalikes_in_titles(title: str) -> None:
    assert parse_grade(None, title) is None


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Special Envoy (USG)", Grade("USG", "director")),
        ("Deputy Special Representative, ASG, Juba", Grade("ASG", "director")),
        ("USG Office Assistant", None),
    ],
)
def test_parse_grade_reads_senior_appointments_only_as_title_segments(
    title: str, expected: Grade | None
) -> None:
    assert parse_grade(None, title) == expected


def test_parse_grade_prefers_the_raw_string_to_the_title() -> None:
    assert parse_grade("Consultant", "Programme Officer, P-3") == Grade("Consultant", "consultant")
    assert parse_grade("NOC", "Programme Officer, P-3") == Grade("NO-C", "national_officer")


def test_parse_grade_reads_the_title_when_the_raw_string_says_nothing() -> None:
    assert parse_grade("Fixed Term", "Driver, G-3") == Grade("G-3", "general_service")
    assert parse_grade(None, "Driver, G-3") == Grade("G-3", "general_service")


def test_parse_grade_makes_jpo_the_category_wherever_jpo_is_said() -> None:
    assert parse_grade("P-2", "Associate Protection Officer (JPO)") == Grade("P-2", "jpo")
    assert parse_grade("JPO", "Associate Protection Officer, P-2") == Grade("P-2", "jpo")
    assert parse_grade("JPO", "Associate Protection Officer") == Grade("JPO", "jpo")
    assert parse_grade("Consultant", "Adviser (JPO)") == Grade("JPO", "jpo")


def test_parse_grade_reads_the_grades_of_the_recorded_pages() -> None:
    assert parse_grade("TI2", "Senior Investment Specialist") == Grade("TI-2", "professional")
    assert parse_grade("PL4", "Principal Operations Officer (SEFA), PERN3") == Grade(
        "PL-4", "professional"
    )
    assert parse_grade(None, "Associate Developer (Java-Backend)") is None


def test_grade_categories_are_the_documented_ones() -> None:
    documented = {
        "professional",
        "director",
        "general_service",
        "national_officer",
        "field_service",
        "consultant",
        "intern",
        "volunteer",
        "jpo",
        "other",
    }
    assert documented == GRADE_CATEGORIES


# --- Locations ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("duty_station", "expected"),
    [
        ("New York", Location("New York", "USA")),
        ("NEW YORK", Location("New York", "USA")),
        ("Geneva", Location("Geneva", "CHE")),
        ("Geneva, Switzerland", Location("Geneva, Switzerland", "CHE")),
        ("Geneva ,  Switzerland ", Location("Geneva, Switzerland", "CHE")),
        ("Nairobi", Location("Nairobi", "KEN")),
        ("Nairobi (Kenya)", Location("Nairobi (Kenya)", "KEN")),
        ("Rome", Location("Rome", "ITA")),
        ("Vienna", Location("Vienna", "AUT")),
        ("Bangkok", Location("Bangkok", "THA")),
        ("Copenhagen", Location("Copenhagen", "DNK")),
        ("Washington, DC", Location("Washington, DC", "USA")),
        ("Washington, D.C.", Location("Washington, D.C.", "USA")),
        ("WASHINGTON, DC", Location("Washington, DC", "USA")),
        ("Manila", Location("Manila", "PHL")),
        ("Manila, Philippines", Location("Manila, Philippines", "PHL")),
        ("Abidjan", Location("Abidjan", "CIV")),
        ("Kyiv", Location("Kyiv", "UKR")),
        ("Kiev", Location("Kiev", "UKR")),
        ("The Hague", Location("The Hague", "NLD")),
        ("Bonn", Location("Bonn", "DEU")),
        ("Budapest, Hungary", Location("Budapest, Hungary", "HUN")),
        ("Panama City", Location("Panama City", "PAN")),
        ("Amman", Location("Amman", "JOR")),
        ("Dakar", Location("Dakar", "SEN")),
        ("Addis Ababa", Location("Addis Ababa", "ETH")),
        ("Bogota", Location("Bogota", "COL")),
        ("Sofia, Bulgaria", Location("Sofia, Bulgaria", "BGR")),
        ("Florence, Italy", Location("Florence, Italy", "ITA")),
        ("Washington, United States", Location("Washington, United States", "USA")),
        (
            "Office of Innovation-Stockholm, Sweden",
            Location("Office of Innovation-Stockholm, Sweden", "SWE"),
        ),
        (
            "Abidjan or Nairobi, Côte d'Ivoire",
            Location("Abidjan or Nairobi, Côte d'Ivoire", "CIV"),
        ),
        (
            "Pohnpei, Federated States of Micronesia",
            Location("Pohnpei, Federated States of Micronesia", "FSM"),
        ),
        ("Goma, Dem. Rep. of Congo", Location("Goma, Dem. Rep. of Congo", "COD")),
        ("Dar es salaam, Tanzania", Location("Dar es salaam, Tanzania", "TZA")),
        ("Spain, Valencia", Location("Spain, Valencia", "ESP")),
        ("La Paz-Bolivia", Location("La Paz-Bolivia", "BOL")),
        ("Tindouf – Algeria, MENA", Location("Tindouf – Algeria, MENA", "DZA")),
        ("Multi-Country Office Washington", Location("Multi-Country Office Washington", "USA")),
        (
            "Tehran, Iran (Islamic Republic of)",
            Location("Tehran, Iran (Islamic Republic of)", "IRN"),
        ),
        ("Pristina, Kosovo", Location("Pristina, Kosovo", "XKX")),
        ("Ankara, Türkiye", Location("Ankara, Türkiye", "TUR")),
        (
            "DAR ES SALAAM, UNITED REPUBLIC OF TANZANIA",
            Location("Dar es Salaam, United Republic of Tanzania", "TZA"),
        ),
        ("PORT-AU-PRINCE, HAITI", Location("Port-au-Prince, Haiti", "HTI")),
        ("Kenya", Location("Kenya", "KEN")),
        # no country to be had
        ("Jerusalem", Location("Jerusalem", None)),
        ("Abidjan or Nairobi", Location("Abidjan or Nairobi", None)),
        (
            "Asian Development Bank Headquarters",
            Location("Asian Development Bank Headquarters", None),
        ),
        # not a place
        ("Home-based", Location("Home-based", None)),
        ("Home Based", Location("Home-based", None)),
        ("home based", Location("Home-based", None)),
        ("Remote", Location("Home-based", None)),
        ("Remote/Work from home", Location("Home-based", None)),
        ("Multiple", Location("Multiple locations", None)),
        ("Multiple locations", Location("Multiple locations", None)),
        ("Various", Location("Multiple locations", None)),
        ("Home-based, Kenya", Location("Home-based", "KEN")),
        (None, Location(None, None)),
        ("", Location(None, None)),
        ("   ", Location(None, None)),
    ],
)
def test_normalize_location(duty_station: str | None, expected: Location) -> None:
    assert normalize_location(duty_station) == expected


@pytest.mark.parametrize(
    ("duty_station", "country", "expected"),
    [
        ("Nairobi", "UGA", Location("Nairobi", "UGA")),
        ("Geneva", "ch", Location("Geneva", "CHE")),
        ("Geneva", "Switzerland", Location("Geneva", "CHE")),
        ("Sofia", "Bulgaria", Location("Sofia", "BGR")),
        ("Home-based", "Kenya", Location("Home-based", "KEN")),
        (None, "Norway", Location(None, "NOR")),
        ("Geneva", "Narnia", Location("Geneva", "CHE")),
        ("Geneva", "", Location("Geneva", "CHE")),
    ],
)
def test_normalize_location_lets_a_given_country_win(
    duty_station: str | None, country: str, expected: Location
) -> None:
    assert normalize_location(duty_station, country) == expected


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Côte d'Ivoire", "CIV"),
        ("Cote d'Ivoire", "CIV"),
        ("COTE D’IVOIRE", "CIV"),
        ("Ivory Coast", "CIV"),
        ("DR Congo", "COD"),
        ("Democratic Republic of the Congo", "COD"),
        ("Congo, The Democratic Republic of the", "COD"),
        ("Congo", "COG"),
        ("Türkiye", "TUR"),
        ("Turkey", "TUR"),
        ("Syria", "SYR"),
        ("Syrian Arab Republic", "SYR"),
        ("Iran", "IRN"),
        ("Russia", "RUS"),
        ("Russian Federation", "RUS"),
        ("Vietnam", "VNM"),
        ("Viet Nam", "VNM"),
        ("Laos", "LAO"),
        ("Lao PDR", "LAO"),
        ("Bolivia", "BOL"),
        ("Bolivia (Plurinational State of)", "BOL"),
        ("Tanzania", "TZA"),
        ("United Republic of Tanzania", "TZA"),
        ("Venezuela", "VEN"),
        ("Moldova", "MDA"),
        ("Republic of Moldova", "MDA"),
        ("Palestine", "PSE"),
        ("State of Palestine", "PSE"),
        ("occupied Palestinian territory", "PSE"),
        ("Kosovo", "XKX"),
        ("South Korea", "KOR"),
        ("Republic of Korea", "KOR"),
        ("Democratic People's Republic of Korea", "PRK"),
        ("United States of America", "USA"),
        ("UK", "GBR"),
        ("Czech Republic", "CZE"),
        ("Norway", "NOR"),
        ("KE", "KEN"),
        ("KEN", "KEN"),
        ("nor", "NOR"),
        ("XKX", "XKX"),
        ("Korea", None),
        ("Virgin Islands", None),
        ("Narnia", None),
        ("", None),
        (None, None),
    ],
)
def test_resolve_country(name: str | None, code: str | None) -> None:
    assert resolve_country(name) == code


# --- Dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "assume_tz", "expected"),
    [
        ("2026-12-31T23:59:00-05:00", "UTC", datetime(2027, 1, 1, 4, 59, tzinfo=UTC)),
        ("2026-12-31T23:59:00Z", "America/New_York", datetime(2026, 12, 31, 23, 59, tzinfo=UTC)),
        ("2026-12-31T23:59:00+01:00", "UTC", datetime(2026, 12, 31, 22, 59, tzinfo=UTC)),
        ("31-Dec-2026", "UTC", datetime(2026, 12, 31, tzinfo=UTC)),
        ("02-Mar-2026", "Africa/Abidjan", datetime(2026, 3, 2, tzinfo=UTC)),
        ("March 3, 2026", "UTC", datetime(2026, 3, 3, tzinfo=UTC)),
        (
            "Monday, March 2, 2026 11:59 p.m.",
            "Asia/Manila",
            datetime(2026, 3, 2, 15, 59, tzinfo=UTC),
        ),
        ("March 3, 2026 5:00 PM EST", "UTC", datetime(2026, 3, 3, 22, 0, tzinfo=UTC)),
        ("30 December 2026 23:59 GMT+01:00", "UTC", datetime(2026, 12, 30, 22, 59, tzinfo=UTC)),
        ("2026-03-02 10:00 UTC+3", "UTC", datetime(2026, 3, 2, 7, 0, tzinfo=UTC)),
        ("2026-03-02", "Europe/Oslo", datetime(2026, 3, 1, 23, 0, tzinfo=UTC)),
        # naive wall times in New York, across both DST changes of 2026
        ("2026-03-08 01:30", "America/New_York", datetime(2026, 3, 8, 6, 30, tzinfo=UTC)),
        ("2026-03-08 03:30", "America/New_York", datetime(2026, 3, 8, 7, 30, tzinfo=UTC)),
        ("2026-07-01 12:00", "America/New_York", datetime(2026, 7, 1, 16, 0, tzinfo=UTC)),
        ("2026-11-01 01:30", "America/New_York", datetime(2026, 11, 1, 5, 30, tzinfo=UTC)),
        ("2026-11-01 03:00", "America/New_York", datetime(2026, 11, 1, 8, 0, tzinfo=UTC)),
    ],
)
def test_to_utc_reads_strings(value: str, assume_tz: str, expected: datetime) -> None:
    result = to_utc(value, assume_tz=assume_tz)
    assert result == expected
    assert result is not None and result.tzinfo is UTC


def test_to_utc_converts_aware_datetimes() -> None:
    oslo = datetime(2026, 6, 1, 9, 0, tzinfo=ZoneInfo("Europe/Oslo"))
    assert to_utc(oslo, assume_tz="America/New_York") == datetime(2026, 6, 1, 7, 0, tzinfo=UTC)
    offset = datetime(2026, 6, 1, 9, 0, tzinfo=timezone(timedelta(hours=-4)))
    assert to_utc(offset) == datetime(2026, 6, 1, 13, 0, tzinfo=UTC)


def test_to_utc_reads_naive_datetimes_in_the_assumed_zone() -> None:
    naive = datetime(2026, 1, 15, 17, 0)
    assert to_utc(naive) == datetime(2026, 1, 15, 17, 0, tzinfo=UTC)
    assert to_utc(naive, assume_tz="America/New_York") == datetime(2026, 1, 15, 22, 0, tzinfo=UTC)
    assert to_utc(naive, assume_tz="Asia/Manila") == datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
    assert to_utc(date(2026, 1, 15), assume_tz="Europe/Oslo") == datetime(
        2026, 1, 14, 23, 0, tzinfo=UTC
    )


def test_to_utc_reads_day_first_dates_when_told() -> None:
    assert to_utc("02/03/2026") == datetime(2026, 2, 3, tzinfo=UTC)
    assert to_utc("02/03/2026", dayfirst=True) == datetime(2026, 3, 2, tzinfo=UTC)
    assert to_utc("2026-03-02", dayfirst=True) == datetime(2026, 3, 2, tzinfo=UTC)


@pytest.mark.parametrize("value", [None, "", "   "])
def test_to_utc_passes_nothing_through(value: str | None) -> None:
    assert to_utc(value) is None


@pytest.mark.parametrize(
    "text", ["not a date", "31st of Nevember", "10 Mar 2026 12:00 IST", "2026-13-45"]
)
def test_to_utc_names_the_text_it_cannot_read(text: str) -> None:
    with pytest.raises(ValueError, match=text):
        to_utc(text)


def test_to_utc_refuses_naive_values_when_no_zone_is_assumed() -> None:
    with pytest.raises(ValueError, match="no time zone"):
        to_utc(datetime(2026, 1, 1, 12, 0), assume_tz=None)
    assert to_utc("2026-01-01T12:00:00+02:00", assume_tz=None) == datetime(
        2026, 1, 1, 10, 0, tzinfo=UTC
    )


def test_to_utc_leaves_missing_date_parts_in_1900_so_they_are_refused() -> None:
    undated = to_utc("March 3")
    assert undated == datetime(1900, 3, 3, tzinfo=UTC)
    assert check_plausible_dates(undated, None, now=NOW) == (
        "posted_at 1900-03-03T00:00:00+00:00 is before 2000"
    )


def test_to_utc_refuses_an_unknown_zone() -> None:
    with pytest.raises(ValueError, match="Mars/Olympus_Mons"):
        to_utc("2026-01-01 12:00", assume_tz="Mars/Olympus_Mons")


@pytest.mark.parametrize(
    ("posted_at", "deadline", "reason"),
    [
        (
            datetime(2026, 3, 4, tzinfo=UTC),
            None,
            "posted_at 2026-03-04T00:00:00+00:00 is more than 2 days in the future "
            "(now 2026-03-01T12:00:00+00:00)",
        ),
        (
            datetime(1999, 12, 31, tzinfo=UTC),
            None,
            "posted_at 1999-12-31T00:00:00+00:00 is before 2000",
        ),
        (
            None,
            datetime(1970, 1, 1, tzinfo=UTC),
            "deadline 1970-01-01T00:00:00+00:00 is before 2000",
        ),
        (
            None,
            datetime(2029, 3, 2, tzinfo=UTC),
            "deadline 2029-03-02T00:00:00+00:00 is more than 3 years after now "
            "(2026-03-01T12:00:00+00:00)",
        ),
        (
            datetime(2026, 2, 20, tzinfo=UTC),
            datetime(2026, 2, 10, tzinfo=UTC),
            "deadline 2026-02-10T00:00:00+00:00 is before posted_at 2026-02-20T00:00:00+00:00",
        ),
    ],
)
def test_check_plausible_dates_gives_the_reason(
    posted_at: datetime | None, deadline: datetime | None, reason: str
) -> None:
    assert check_plausible_dates(posted_at, deadline, now=NOW) == reason


@pytest.mark.parametrize(
    ("posted_at", "deadline"),
    [
        (None, None),
        (datetime(2026, 2, 16, tzinfo=UTC), datetime(2026, 3, 2, 15, 59, tzinfo=UTC)),
        (datetime(2026, 3, 3, 11, 0, tzinfo=UTC), None),
        (None, datetime(2029, 2, 28, tzinfo=UTC)),
        (datetime(2000, 1, 1, tzinfo=UTC), datetime(2000, 1, 1, tzinfo=UTC)),
        (datetime(2026, 2, 16), datetime(2026, 3, 2)),
    ],
)
def test_check_plausible_dates_accepts_ordinary_dates(
    posted_at: datetime | None, deadline: datetime | None
) -> None:
    assert check_plausible_dates(posted_at, deadline, now=NOW) is None


# --- Organisations -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "acronym"),
    [
        ("UNICEF", "UNICEF"),
        ("unicef", "UNICEF"),
        ("United Nations Children's Fund", "UNICEF"),
        ("United Nations Childrens Fund", "UNICEF"),
        ("UNITED NATIONS CHILDREN’S FUND", "UNICEF"),
        ("Fonds des Nations Unies pour l'enfance", "UNICEF"),
        ("UNICEF - United Nations Children's Fund", "UNICEF"),
        ("United Nations Children's Fund (UNICEF)", "UNICEF"),
        ("UN", "UN"),
        ("United Nations Secretariat", "UN"),
        ("UNDP", "UNDP"),
        ("PNUD", "UNDP"),
        ("Programme des Nations Unies pour le developpement", "UNDP"),
        ("UNHCR, the UN Refugee Agency", "UNHCR"),
        ("ACNUR", "UNHCR"),
        ("World Food Programme", "WFP"),
        ("UN Women", "UN Women"),
        ("UN-Women", "UN Women"),
        ("UN-Habitat", "UN-Habitat"),
        ("UNWTO", "UN Tourism"),
        ("World Tourism Organization", "UN Tourism"),
        ("World Trade Organization", "WTO"),
        ("Organisation mondiale de la Santé", "WHO"),
        ("Organisation mondiale de la Sante", "WHO"),
        ("International Labour Office", "ILO"),
        ("IOM - UN Migration", "IOM"),
        ("World Bank", "WBG"),
        ("World Bank Group", "WBG"),
        ("IBRD", "WBG"),
        ("IFC", "WBG"),
        ("International Finance Corporation", "WBG"),
        ("MIGA", "WBG"),
        ("Asian Development Bank", "ADB"),
        ("AfDB", "AfDB"),
        ("Banque africaine de développement", "AfDB"),
        ("Banque africaine de developpement", "AfDB"),
        ("EBRD", "EBRD"),
        ("Inter-American Development Bank", "IDB"),
        ("IADB", "IDB"),
        ("Nordic Development Fund", "NDF"),
        ("Nordic Investment Bank", "NIB"),
        ("Council of Europe Development Bank", "CEB"),
        ("OECD", "OECD"),
        # close spellings of long names
        ("United Nations Office for Project Service", "UNOPS"),
        ("Internatonal Fund for Agricultural Development", "IFAD"),
        ("Organisation for the Prohibition of Chemical Weapon", "OPCW"),
    ],
)
def test_resolve_organization(name: str, acronym: str) -> None:
    info = resolve_organization(name)
    assert info is not None
    assert info.acronym == acronym


@pytest.mark.parametrize(
    "name",
    [
        None,
        "",
        "UNDPP",
        "UNICE",
        "WPF",
        "United Nations Development Fund",
        "Nordic Development Bank",
        "Inter-American Investment Corporation",
        "Norwegian Refugee Council",
        "UNICEF - World Bank",
    ],
)
def test_resolve_organization_does_not_guess(name: str | None) -> None:
    assert resolve_organization(name) is None


def test_load_organizations_covers_the_un_system_and_the_banks() -> None:
    organizations = load_organizations()
    acronyms = {info.acronym for info in organizations}
    assert {
        "UN", "UNDP", "UNICEF", "UNHCR", "WFP", "UNFPA", "UN Women", "UNOPS", "UNEP",
        "UN-Habitat", "UNRWA", "UNCTAD", "UNODC", "OCHA", "OHCHR", "UNAIDS", "UNV", "FAO",
        "ILO", "UNESCO", "WHO", "IFAD", "ITU", "UNIDO", "WMO", "IMO", "WIPO", "UPU", "ICAO",
        "UN Tourism", "IAEA", "IOM", "WTO", "UNFCCC", "ITC", "UNICC", "UNSSC", "CTBTO",
        "OPCW", "WBG", "IMF", "ADB", "AfDB", "AIIB", "EBRD", "EIB", "IDB", "IsDB", "NDF",
        "NIB", "CEB", "OECD",
    } <= acronyms  # fmt: skip
    assert len(acronyms) == len(organizations)
    assert {info.kind for info in organizations} <= ORGANIZATION_KINDS
    assert all(isinstance(info, OrganizationInfo) for info in organizations)


def test_organization_info_carries_kind_and_aliases() -> None:
    unicef = resolve_organization("UNICEF")
    assert unicef is not None
    assert (unicef.acronym, unicef.name, unicef.kind) == (
        "UNICEF",
        "United Nations Children's Fund",
        "fund_programme",
    )
    assert "Fonds des Nations Unies pour l'enfance" in unicef.aliases
    wbg = resolve_organization("IDA")
    assert wbg is not None and (wbg.acronym, wbg.kind) == ("WBG", "development_bank")
    with pytest.raises(AttributeError):
        wbg.acronym = "WB"  # type: ignore[misc]


# --- Text -------------------------------------------------------------------------------------

CRAFTED = """
<html><head><title>Vacancy</title><style>p { color: red }</style></head>
<body>
  <header>Site header</header>
  <nav><a href="/">Home</a> | <a href="/jobs">Jobs</a></nav>
  <h1>Programme   Specialist</h1>
  <p>UNICEF works in <b>over 190</b> countries &amp; territories.<br>Apply&nbsp;now.</p>
  <div>Duty station: <strong>Nairobi</strong></div><div>Grade: P-3</div>
  <ul>
    <li>Lead the team;</li>
    <li> Manage <em>partnerships</em>. </li>
  </ul>
  <table><tr><th>Closing date</th><td>31 Dec 2026</td></tr></table>
  <script>var x = "<p>not text</p>";</script>
  <noscript>Enable JavaScript</noscript>
  <!-- a comment -->
  <p></p><p>   </p>
  <p>R&eacute;sum&eacute; &lt;required&gt;</p>
  <footer>Footer text</footer>
</body></html>
"""


def test_html_to_text_on_crafted_html() -> None:
    assert html_to_text(CRAFTED) == (
        "Programme Specialist\n"
        "\n"
        "UNICEF works in over 190 countries & territories.\n"
        "Apply now.\n"
        "\n"
        "Duty station: Nairobi\n"
        "Grade: P-3\n"
        "\n"
        "• Lead the team;\n"
        "• Manage partnerships.\n"
        "\n"
        "Closing date | 31 Dec 2026\n"
        "\n"
        "Résumé <required>"
    )


def test_html_to_text_handles_upper_case_markup_and_nested_lists() -> None:
    html = "<P>One<BR>Two</P><UL><LI><p>Item</p></LI><LI>Parent<ul><li>Child</li></ul></LI></UL>"
    assert html_to_text(html) == "One\nTwo\n\n• Item\n\n• Parent\n\n• Child"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, ""),
        ("", ""),
        ("  Plain   text  ", "Plain text"),
        ("First line\nSecond   line", "First line\nSecond line"),
        ("Para one\n\n\n\nPara two\r\n  more", "Para one\n\nPara two\nmore"),
        ("R&amp;D unit, 3 < 4", "R&D unit, 3 < 4"),
    ],
)
def test_html_to_text_tidies_plain_text(text: str | None, expected: str) -> None:
    assert html_to_text(text) == expected


def test_html_to_text_on_a_recorded_adb_posting() -> None:
    text = html_to_text(posting_html("adb_1771263200267"))
    lines = text.split("\n")
    assert lines[:7] == [
        "Reference Number: 260045",
        "",
        "Position Grade: TI2",
        "",
        "Department: Private Sector Operations Department",
        "",
        "Division: Equity Investments Unit",
    ]
    assert "Closing Date: Monday, March 2, 2026 11:59 p.m. (2359 Manila Time, 0800 GMT)" in lines
    assert (
        "• Originate new equity investments which satisfy ADB's development impact and "
        "financial objectives - working in close collaboration with ADB's sector teams "
        "and Resident Missions."
    ) in lines
    assert "<" not in text and ">" not in text
    assert "\n\n\n" not in text
    assert all(line == line.strip() and "  " not in line for line in lines)


def test_html_to_text_on_a_recorded_afdb_posting_drops_the_glossary_aside() -> None:
    text = html_to_text(posting_html("afdb_1770744174826"))
    lines = text.split("\n")
    assert lines[:5] == [
        "Full vacancy title: Principal Operations Officer (SEFA), PERN3",
        "",
        "Location: Abidjan or Nairobi",
        "",
        "Position Grade: PL4",
    ]
    assert "THE BANK:" in lines
    assert "Key Term" not in text
    assert "promotes large and small-scale renewable energy" not in text
    assert "glossary" not in text.lower()
    assert "<" not in text


def test_html_to_text_on_a_recorded_unicef_posting() -> None:
    text = html_to_text(posting_html("unicef_1758304366129"))
    lines = text.split("\n")
    assert "Position type: Consultant" in lines
    assert "Department/Office: Innocenti-Global Off Research &Foresight" in lines
    assert lines[-1] == "Whatsapp Facebook LinkedIn Email App"
    assert "<" not in text


def test_normalize_title_keeps_the_wording() -> None:
    assert (
        normalize_title(
            "Chief of Field Office  , P3,  Temporary Assignement , # 00136039, Tindouf – Algeria"
        )
        == "Chief of Field Office, P3, Temporary Assignement, # 00136039, Tindouf – Algeria"
    )
    assert normalize_title("Re-advertisement: Planning Specialist\u200b") == (
        "Re-advertisement: Planning Specialist"
    )


@pytest.mark.parametrize(
    ("title", "key"),
    [
        (
            "Programme Specialist, P-3, TA (364 days), #136457",
            "programme specialist ta 364 days",
        ),
        (
            "Re-advertisement: Emergency Specialist (Access), P-3, Fixed Term Position, Goma, "
            "Dem. Rep. of Congo, #131139",
            "emergency specialist access fixed term position goma dem rep of congo",
        ),
        (
            "Social Policy Specialist (Disability Inclusion), Temporary Appointment (364 days), "
            "P-4, Kyiv, Ukraine, #134613 (re-advertised)",
            "social policy specialist disability inclusion temporary appointment 364 days "
            "kyiv ukraine",
        ),
        (
            "Re-advertised: Child Protection Specialist, N0-3, Fixed Term, Ankara, Türkiye, "
            "Post # 87009",
            "child protection specialist fixed term ankara turkiye",
        ),
        ("Data Analyst (Req12345)", "data analyst"),
        ("Senior Economist, GG – Req 98765", "senior economist"),
        ("Associate Programme Officer (JPO), P-2", "associate programme officer jpo"),
    ],
)
def test_title_key(title: str, key: str) -> None:
    assert title_key(title) == key


def test_title_key_makes_two_spellings_of_one_post_equal() -> None:
    assert title_key("Programme Manager, P-3, Panama Country Office #136527") == title_key(
        "PROGRAMME MANAGER - Panama Country Office"
    )


# --- Content hash --------------------------------------------------------------------------


def test_content_hash_is_stable_and_ignores_key_order() -> None:
    fields = {
        "title": "Programme Specialist",
        "grade": "P-3",
        "deadline": datetime(2026, 3, 2, 15, 59, tzinfo=UTC),
        "country": None,
        "extra": {"job_no": "584249", "tags": ["a", "b"]},
    }
    reordered = dict(reversed(list(fields.items())))
    assert content_hash(fields) == content_hash(reordered)
    assert content_hash(fields) == content_hash(dict(fields))
    assert len(content_hash(fields)) == 64
    assert content_hash({"a": 1}) == (
        "015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862"
    )


def test_content_hash_sees_instants_not_zones() -> None:
    utc = {"deadline": datetime(2026, 3, 2, 15, 59, tzinfo=UTC)}
    manila = {"deadline": datetime(2026, 3, 2, 23, 59, tzinfo=ZoneInfo("Asia/Manila"))}
    naive = {"deadline": datetime(2026, 3, 2, 15, 59)}
    assert content_hash(utc) == content_hash(manila) == content_hash(naive)


@pytest.mark.parametrize(
    "changed",
    [
        {"title": "Programme Specialist (re-advertised)"},
        {"grade": "P-4"},
        {"deadline": datetime(2026, 3, 2, 16, 0, tzinfo=UTC)},
        {"country": "KEN"},
        {"extra": {"job_no": "584250"}},
        {"description": None},
    ],
)
def test_content_hash_changes_with_any_value(changed: dict[str, object]) -> None:
    base: dict[str, object] = {
        "title": "Programme Specialist",
        "grade": "P-3",
        "deadline": datetime(2026, 3, 2, 15, 59, tzinfo=UTC),
        "country": None,
        "extra": {"job_no": "584249"},
    }
    assert content_hash(base) != content_hash({**base, **changed})


def test_content_hash_refuses_values_it_cannot_encode() -> None:
    with pytest.raises(TypeError, match="object"):
        content_hash({"x": object()})
