"""vacancies.normalize: the duty station and country a vacancy title names.

UNICEF's feed gives the place only in the title. Every title of the recorded feeds in
tests/fixtures/rss and tests/fixtures/feeds is checked here against its exact expected
place (or none), so a new title shape or a changed rule shows up as a failing case.
"""

from __future__ import annotations

from pathlib import Path

import feedparser
import pytest

from vacancies.normalize import Location, location_in_title, normalize_location

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def feed_titles(relative: str) -> list[str]:
    feed = feedparser.parse((FIXTURES / relative).read_bytes())
    return [entry.title for entry in feed.entries if entry.get("title")]


# Every title of the recorded UNICEF feed (rss/cinfoposte_unicef_jobs.xml), in feed order.
UNICEF_TITLES: list[tuple[str, Location | None]] = [
    (
        "Re-advertisement: People and Culture Manager (Organizational Learning and "
        "Development), P-4, Fixed Term Position, DPC, outposted to Budapest, Hungary "
        "#00132723",
        Location("Budapest, Hungary", "HUN"),
    ),
    (
        "Batch Recruitment of 2 positions: Programme Specialist (Portfolio Strategist), "
        "P-3, TA (364 days), #136457 #136458, Office of Innovation-Stockholm, Sweden",
        Location("Stockholm, Sweden", "SWE"),
    ),
    ("Digital Learning Internship -  Maputo, Mozambique", Location("Maputo, Mozambique", "MOZ")),
    (
        "Internship: Social & Community Listening and Data (2 persons) - Part-time. "
        "Dar es salaam, Tanzania. (6 months)",
        Location("Dar es salaam, Tanzania", "TZA"),
    ),
    (
        "Education Specialist, Temporary Appointment (364 days), P-3, Kharkiv, Ukraine, #134662",
        Location("Kharkiv, Ukraine", "UKR"),
    ),
    (
        "Re-advertisement: Education Specialist (Programme Partnerships), P-4, Fixed Term "
        "Position, Amman, Jordan #00133298",
        Location("Amman, Jordan", "JOR"),
    ),
    (
        "Digital Impact Specialist, (Technology for Development) (P-3), Temporary "
        "Appointment, 9 months, #00136347, Digital Impact Division, HQ outposted to "
        "Nairobi, Kenya",
        Location("Nairobi, Kenya", "KEN"),
    ),
    (
        "National Intern: WASH Knowledge Management (KM), Accra Ghana ( Part-Time)",
        Location("Accra, Ghana", "GHA"),
    ),
    (
        "New Internship Recruitment (Two Positions) - To Support Election Advocacy and Child "
        "Participation Initiatives, 5 Months full Time, Lusaka, Zambia",
        Location("Lusaka, Zambia", "ZMB"),
    ),
    (
        "Digital Communication Specialist (Digital Community Engagement and Misinformation "
        "Management), P-3, TA, #00136331, Polio Eradication Programme, Nairobi, Kenya",
        Location("Nairobi, Kenya", "KEN"),
    ),
    (
        "Planning Specialist, P-4, East Asia and Pacific Regional Office (EAPRO), Bangkok, "
        "Thailand #136559 (TA, 4 months)",
        Location("Bangkok, Thailand", "THA"),
    ),
    (
        "Temporary Appointment: Planning, Monitoring & Evaluation Specialist, (P-3), "
        "Bridgetown, Barbados, #136272",
        Location("Bridgetown, Barbados", "BRB"),
    ),
    (
        "Re-advertisement: Emergency Specialist (Access), P-3, Fixed Term Position, Goma, "
        "Dem. Rep. of Congo, #131139",
        Location("Goma, Dem. Rep. of Congo", "COD"),
    ),
    (
        "People & Culture Specialist, P-3, (Talent Development) - Temporary Position "
        "#00136419, 364 days, Digital Impact Division, Digital Core - CIO Office, Spain, "
        "Valencia",
        Location("Valencia, Spain", "ESP"),
    ),
    (
        "READVERTISEMENT: People and Culture Manager (Comp and Social Benefits), P-4, Fixed "
        "Term Position, DHR O/P Istanbul, Republic of Türkiye #00090445",
        Location("Istanbul, Republic of Türkiye", "TUR"),
    ),
    (
        "Re-advertised: Child Protection Specialist, N0-3, Fixed Term, Ankara, Türkiye, "
        "Post # 87009",
        Location("Ankara, Türkiye", "TUR"),
    ),
    (
        "Temporary Appointment: Partnerships Manager (P-4), In Riyadh- Gulf Area Office for "
        "12 Months",
        Location("Riyadh", "SAU"),
    ),
    (
        "JPO-Education Officer (digital learning), P-2, Luanda/Angola (For Finnish Nationals only)",
        Location("Luanda, Angola", "AGO"),
    ),
    (
        # Office of Innovation sits in New York and Stockholm: the title does not say.
        "Innovation Specialist (Market Scoping), P-3, Systems & Services, Office of "
        "Innovation, Temporary Appointment (364 days), #00136398",
        None,
    ),
    (
        "Gender & Adolescent Programme Officer – Temporary appointment – 364 days - Grade P2 "
        "# 136135- Cotonou – Benin WCAR",
        Location("Cotonou, Benin", "BEN"),
    ),
    (
        "Social Policy Specialist (Disability Inclusion), Temporary Appointment (364 days), "
        "P-4, Kyiv, Ukraine, #134613 (re-advertised)",
        Location("Kyiv, Ukraine", "UKR"),
    ),
    (
        "Programme Manager, P-3, Panama Country Office, Panama City (8 months) #136527",
        Location("Panama City", "PAN"),
    ),
    (
        "WASH Officer, (P2), La Paz-Bolivia, # 136480 (Temporary Appointment)",
        Location("La Paz, Bolivia", "BOL"),
    ),
    (
        "Project Manager, (P-4), Temporary Position, 364 days, #00136265, Office of Strategy "
        "& Evidence (OSE) - Innocenti, Florence, Italy",
        Location("Florence, Italy", "ITA"),
    ),
    (
        "Internship: Partnership and Knowledge Management Intern, UNICEF Global Learning "
        "Innovation Hub - Helsinki, Finland, 6 months (In person preferred/full time)",
        Location("Helsinki, Finland", "FIN"),
    ),
    (
        "Project Specialist (Data Governance), (P-3), TA, #00136405, Office of Strategy & "
        "Evidence (OSE) - Innocenti, Florence, Italy",
        Location("Florence, Italy", "ITA"),
    ),
    (
        "People and Culture Specialist, (P-3), Regional Office, Amman-Jordan, Post#127035, "
        "Temporary Appointment for 8 months",
        Location("Amman, Jordan", "JOR"),
    ),
    (
        "Innovation Specialist (Innovative Financing, Outcome-Based Financing), (P-3) TA "
        "(until 31 December 2026), # 136476, Innovative & Alternative Financ Children, PFP, "
        "Geneva, Switzerland",
        Location("Geneva, Switzerland", "CHE"),
    ),
    (
        "Innovation Specialist (Innovative Financing, Sovereign Debt Solutions) (P-3) TA "
        "(until 31 December 2026), # 136477, Innovative & Alternative Finance Children, PFP, "
        "Geneva, Switzerland",
        Location("Geneva, Switzerland", "CHE"),
    ),
    (
        "Child Protection Officer, (P-2), Accra, Ghana (Junior Professional Officer "
        "Position)-Open to Norwegian nationals only",
        Location("Accra, Ghana", "GHA"),
    ),
    (
        "Chief, Liquidity Management, P-5, Fixed Term Position, DFAM, Treasury and "
        "Structured Finance Services, New York, USA #00008215",
        Location("New York, USA", "USA"),
    ),
    (
        "Chief of Field Office  , P3,  Temporary Assignement , # 00136039, Tindouf – Algeria, MENA",
        Location("Tindouf, Algeria", "DZA"),
    ),
]


def test_the_table_holds_every_recorded_unicef_title() -> None:
    assert [title for title, _ in UNICEF_TITLES] == feed_titles("rss/cinfoposte_unicef_jobs.xml")
    placed = [title for title, expected in UNICEF_TITLES if expected is not None]
    assert (len(placed), len(UNICEF_TITLES)) == (31, 32)


@pytest.mark.parametrize(("title", "expected"), UNICEF_TITLES)
def test_location_in_recorded_unicef_titles(title: str, expected: Location | None) -> None:
    assert location_in_title(title) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        # other recorded feeds that write the place in the title
        (
            "International Programme Coordinator P3 Fta Aden Yemen",
            Location("Aden, Yemen", "YEM"),
        ),
        ("National Communication Intern Suva Fiji", Location("Suva, Fiji", "FJI")),
        (
            "Project Manager (Energy Infrastructure), IICA-3, Kyiv, Ukraine",
            Location("Kyiv, Ukraine", "UKR"),
        ),
        ("Procurement Analyst, LICA-9, Copenhagen", Location("Copenhagen", "DNK")),
        # crafted shapes
        ("Officer (Port-au-Prince, Haiti)", Location("Port-au-Prince, Haiti", "HTI")),
        ("Officer, Port-au-Prince-Haiti", Location("Port-au-Prince, Haiti", "HTI")),
        ("Juba South Sudan", Location("Juba, South Sudan", "SSD")),
        ("Officer, P-3, NEW YORK, USA", Location("New York, USA", "USA")),
        ("Programme Officer, Pristina, Kosovo", Location("Pristina, Kosovo", "XKX")),
        ("Chief, Supply - Emergency - Kenya", Location("Kenya", "KEN")),
        ("Multi-Country Office, Suva, Fiji", Location("Suva, Fiji", "FJI")),
        ("Officer, in Nairobi", Location("Nairobi", "KEN")),
        # a city the data file does not know is left out; the country stays
        ("Associate Developer (Java-Backend), Sofia, Bulgaria", Location("Bulgaria", "BGR")),
        ("Programme Officer, Tripoli, Libya", Location("Libya", "LBY")),
    ],
)
def test_location_in_other_titles(title: str, expected: Location) -> None:
    assert location_in_title(title) == expected


@pytest.mark.parametrize(
    "title",
    [
        # parts that are not places
        "Chief, Supply - Emergency",
        "Specialist - Health, Nutrition",
        "Associate Director, ESD Energy, Environment and Sustainability Department",
        "Principal QE - Test Environment Management",
        "Driver, G-3",
        "National Intern: WASH Knowledge Management (KM)",
        "Officer, TA (364 days)",
        # a country inside a longer part
        "Jordan Response Plan Officer",
        "Programme for Ghana",
        "Nutrition Specialist, Kenya Country Office",
        "Officer, Chad-Sudan Crisis",
        "Officer in Nairobi",
        # a city next to a country it is not in
        "Khartoum South Sudan",
        # places of two countries: the source must say which
        "Programme Officer, Somalia (based in Nairobi, Kenya)",
        "Programme Specialist, Nairobi, Somalia",
        # not a place, or a place without a country
        "Consultant, Home-based, Kenya",
        "Climate Finance Specialist (home-based, IPSA-10)",
        "Evaluation Specialist, Multiple, Ethiopia",
        "Officer, Jerusalem",
        "Officer, Tripoli",
        "Representative in Washington, D.C.",
        "",
        None,
    ],
)
def test_no_location_in_titles_that_name_no_single_place(title: str | None) -> None:
    assert location_in_title(title) is None


@pytest.mark.parametrize(
    "feed",
    [
        "rss/cinfoposte_ebrd_jobs.xml",
        "rss/cinfoposte_iadb_jobs.xml",
        "rss/cinfoposte_unhcr_jobs.xml",
        "rss/cinfoposte_worldbank_jobs.xml",
        "feeds/missing_fields.xml",
    ],
)
def test_no_location_in_the_titles_of_feeds_that_do_not_write_one(feed: str) -> None:
    assert {title: location_in_title(title) for title in feed_titles(feed)} == dict.fromkeys(
        feed_titles(feed)
    )


def test_normalize_location_reads_the_title_only_when_the_source_gives_no_place() -> None:
    title = "Education Specialist, P-3, Kharkiv, Ukraine, #134662"
    assert normalize_location(None, None, title=title) == Location("Kharkiv, Ukraine", "UKR")
    assert normalize_location("  ", "", title=title) == Location("Kharkiv, Ukraine", "UKR")
    # whatever the source gives wins, even when it resolves to no country
    assert normalize_location("Lviv", None, title=title) == Location("Lviv", "UKR")
    assert normalize_location(None, "POL", title=title) == Location(None, "POL")
    assert normalize_location("Head Office", None, title=title) == Location("Head Office", None)
    assert normalize_location(None, None, title="Chief, Supply - Emergency") == Location(None, None)
