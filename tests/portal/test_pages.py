"""The HTML pages over real harvested data (UNICEF 32, World Bank 6, ReliefWeb 8 open
vacancies; the clock frozen at 2026-11-22 12:00 UTC): search with facets, htmx
fragments, detail, organisations, sources, feeds and error pages.

The data is harvested once for the module: these tests only read. Tests that change
the data live in test_pages_changes.py."""

from __future__ import annotations

import feedparser
import pytest
from selectolax.lexbor import LexborHTMLParser

from tests.portal.recorded_site import (
    ACCRA_JPO,
    COX_BAZAR,
    facet_labels,
    harvest_recorded_sources,
    portal_client,
    text,
    texts,
    vacancy_id,
)
from vacancies.tables import Vacancy


@pytest.fixture(scope="module")
async def site(database):
    from vacancies.tables import HarvestRun, Source, SourceLock

    for table in (Vacancy, HarvestRun, SourceLock, Source):
        await table.delete(force=True)
    await harvest_recorded_sources()
    async with portal_client() as client:
        yield client


async def page(site, url: str, **params) -> LexborHTMLParser:
    response = await site.get(url, params={"lang": "en", **params})
    assert response.status_code == 200, response.text
    return LexborHTMLParser(response.text)


# --- Search page ------------------------------------------------------------------------


async def test_search_page_counts_and_lists_the_open_vacancies(site):
    tree = await page(site, "/vacancies")
    assert texts(tree, "h1") == ["Vacancies"]
    assert texts(tree, "#result-count") == ["46 vacancies"]
    assert len(tree.css("ol.results > li")) == 20
    assert all(
        link.attributes["href"].startswith("/vacancies/")
        for link in tree.css("ol.results > li h3 a")
    )


async def test_search_form_is_a_plain_get_form_enhanced_by_htmx(site):
    tree = await page(site, "/vacancies")
    form = tree.css_first("form#filters")
    assert {k: form.attributes[k] for k in ("role", "method", "action")} == {
        "role": "search",
        "method": "get",
        "action": "/vacancies",
    }
    htmx = ("hx-get", "hx-target", "hx-select", "hx-select-oob", "hx-swap", "hx-push-url")
    assert {k: form.attributes[k] for k in (*htmx, "hx-trigger")} == {
        "hx-get": "/vacancies",
        "hx-target": "#results-main",
        "hx-select": "#results-main",
        "hx-select-oob": "#facet-groups,#filter-count",
        "hx-swap": "outerHTML",
        "hx-push-url": "true",
        "hx-trigger": "change, submit",
    }
    q = form.css_first("input#q")
    assert q.attributes["name"] == "q"
    assert q.attributes["hx-trigger"] == "keyup changed delay:400ms, search"
    assert not any(k in q.attributes for k in htmx[1:5]), "q takes the form's swap"
    assert texts(form, "label[for='q']") == ["Search vacancies"]
    assert form.css_first("button[type='submit']") is not None
    assert form.css_first("section#results") is not None


async def test_only_a_small_status_region_is_live(site):
    tree = await page(site, "/vacancies")
    assert tree.css("[aria-live]") == []
    assert [(node.id, text(node)) for node in tree.css("[role='status']")] == [
        ("search-status", "")
    ]
    assert "ds-sr-only" in tree.css_first("#search-status").attributes["class"]


async def test_filters_are_a_disclosure_closed_until_opened_inside_the_form(site):
    tree = await page(site, "/vacancies")
    panel = tree.css_first("form#filters details#filter-panel")
    assert "open" not in panel.attributes
    assert "ds-details" in panel.attributes["class"].split()
    assert texts(tree, "#filter-panel > summary") == ["Filter"]
    assert texts(tree, "#filter-panel > #facet-groups > h2") == ["Filter"]
    choices = "input[type='checkbox'], input[type='radio']"
    assert len(tree.css(f"#filter-panel {choices}")) == len(tree.css(f"form#filters {choices}")) > 0


@pytest.mark.parametrize(
    ("lang", "params", "summary"),
    [
        ("en", {"organization": "UNICEF"}, "Filter (1 chosen)"),
        (
            "en",
            {"org_type": ["un", "bank"], "region": "africa", "deadline": "7"},
            "Filter (4 chosen)",
        ),
        ("nb", {"organization": "UNICEF", "posted": "30"}, "Filtrer (2 valgt)"),
        ("nn", {"organization": "UNICEF", "posted": "30"}, "Filtrer (2 valde)"),
        ("nn", {"country": "BGD"}, "Filtrer (1 valt)"),
    ],
)
async def test_the_filters_toggle_says_how_many_filters_are_chosen(site, lang, params, summary):
    tree = await page(site, "/vacancies", **params, lang=lang)
    assert texts(tree, "#filter-panel > summary") == [summary]


async def test_every_filter_group_is_a_fieldset_with_a_legend(site):
    tree = await page(site, "/vacancies")
    assert texts(tree, "#results fieldset > legend") == [
        "Junior Professional Officer (JPO)",
        "Type of organisation",
        "Organisation",
        "Category",
        "Grade",
        "Region",
        "Country",
        "Application deadline",
        "Posted",
    ]


async def test_organisation_filter_options_carry_their_counts(site):
    tree = await page(site, "/vacancies")
    assert facet_labels(tree, "organization") == [
        "UNICEF (33)",
        "WBG (6)",
        "IOM (1)",
        "OCHA (1)",
        "UNDP (1)",
        "UNFPA (1)",
        "UNHCR (1)",
        "WFP (1)",
    ]


async def test_organisation_type_counts_un_system_and_development_banks(site):
    tree = await page(site, "/vacancies")
    assert facet_labels(tree, "org_type") == ["UN system (39)", "Development banks (6)"]


async def test_filtering_by_development_banks_lists_the_world_bank_only(site):
    tree = await page(site, "/vacancies", org_type="bank")
    assert texts(tree, "#result-count") == ["6 vacancies"]
    assert set(texts(tree, "ol.results .vacancy-card p:first-of-type a")) == {"WBG"}
    assert "checked" in tree.css_first("#f-org_type-bank").attributes


async def test_counts_of_a_dimension_leave_out_its_own_filter_and_keep_the_others(site):
    tree = await page(site, "/vacancies", organization="UNICEF")
    assert texts(tree, "#result-count") == ["33 vacancies"]
    # other organisations still show what choosing them would add
    assert facet_labels(tree, "organization")[:2] == ["UNICEF (33)", "WBG (6)"]
    # grades count within UNICEF
    assert facet_labels(tree, "grade") == [
        "Intern (5)",
        "NO-C (1)",
        "P-2 (4)",
        "P-3 (15)",
        "P-4 (7)",
        "P-5 (1)",
    ]


async def test_grade_filter_takes_any_spelling_of_a_code(site):
    tree = await page(site, "/vacancies", grade="intern")
    assert texts(tree, "#result-count") == ["5 vacancies"]


async def test_region_filter_covers_the_countries_of_the_region(site):
    tree = await page(site, "/vacancies", region="africa")
    assert texts(tree, "#result-count") == ["15 vacancies"]
    assert facet_labels(tree, "region") == [
        "Africa (15)",
        "Northern Africa (1)",
        "Sub-Saharan Africa (14)",
        "Americas (11)",
        "Latin America and the Caribbean (4)",
        "Northern America (7)",
        "Asia (9)",
        "South-eastern Asia (1)",
        "Southern Asia (2)",
        "Western Asia (6)",
        "Europe (10)",
        "Eastern Europe (3)",
        "Northern Europe (2)",
        "Southern Europe (3)",
        "Western Europe (2)",
    ]


WESTERN_ASIA = [
    "Migration Health Officer (P-2)",
    "Re-advertisement: Education Specialist (Programme Partnerships), P-4, Fixed Term "
    "Position, Amman, Jordan #00133298",
    "Re-advertised: Child Protection Specialist, N0-3, Fixed Term, Ankara, Türkiye, Post # 87009",
    "READVERTISEMENT: People and Culture Manager (Comp and Social Benefits), P-4, Fixed "
    "Term Position, DHR O/P Istanbul, Republic of Türkiye #00090445",
    "Temporary Appointment: Partnerships Manager (P-4), In Riyadh- Gulf Area Office for 12 Months",
    "People and Culture Specialist, (P-3), Regional Office, Amman-Jordan, Post#127035, "
    "Temporary Appointment for 8 months",
]
"""The open vacancies in Western Asia: Gaziantep (ReliefWeb) and five UNICEF posts whose
duty station only the title names (several share a posting time, so order is not fixed)."""


async def test_sub_region_filter(site):
    tree = await page(site, "/vacancies", region="western-asia")
    assert texts(tree, "#result-count") == ["6 vacancies"]
    assert sorted(texts(tree, "ol.results h3")) == sorted(WESTERN_ASIA)


async def test_country_options_are_named_in_the_page_language(site):
    tree = await page(site, "/vacancies", lang="nb")
    assert facet_labels(tree, "country") == [
        "USA (7)",
        "Kenya (3)",
        "Tyrkia (3)",
        "Sveits (2)",
        "Kongo (2)",
        "Ghana (2)",
        "Italia (2)",
        "Jordan (2)",
        "Ukraina (2)",
        "Afghanistan (1)",
        "Angola (1)",
        "Benin (1)",
        "Bangladesh (1)",
        "Bolivia (1)",
        "Barbados (1)",
        "Algerie (1)",
        "Spania (1)",
        "Finland (1)",
        "Haiti (1)",
        "Ungarn (1)",
        "Mosambik (1)",
        "Nigeria (1)",
        "Panama (1)",
        "Saudi-Arabia (1)",
        "Sør-Sudan (1)",
        "Sverige (1)",
        "Thailand (1)",
        "Tanzania (1)",
        "Zambia (1)",
    ]


async def test_deadline_window_lists_vacancies_closing_within_it(site):
    tree = await page(site, "/vacancies", deadline="14")
    assert texts(tree, "#result-count") == ["2 vacancies"]
    assert texts(tree, "ol.results h3") == ["Migration Health Officer (P-2)", COX_BAZAR]
    assert facet_labels(tree, "deadline") == [
        "Any time",
        "Within 7 days (0)",
        "Within 14 days (2)",
        "Within 30 days (4)",
    ]


async def test_posted_window_lists_vacancies_posted_within_it(site):
    tree = await page(site, "/vacancies", posted="7")
    assert texts(tree, "#result-count") == ["5 vacancies"]
    assert facet_labels(tree, "posted") == [
        "Any time",
        "Last 24 hours (0)",
        "Last 7 days (5)",
        "Last 30 days (8)",
    ]


async def test_chosen_value_without_matches_stays_listed_to_be_unchosen(site):
    tree = await page(site, "/vacancies", organization="WBG", grade="P-3")
    assert texts(tree, "#result-count") == ["0 vacancies"]
    assert "P-3 (0)" in facet_labels(tree, "grade")
    assert texts(tree, "#no-results") == [
        "No vacancies match this search. Try fewer filters or other words."
    ]


async def test_newest_first_sort(site):
    tree = await page(site, "/vacancies", sort="posted", organization="UNHCR")
    assert texts(tree, "ol.results h3")[:1] == ["Associate Protection Officer, NOA, Maiduguri"]
    tree = await page(site, "/vacancies", sort="posted")
    assert texts(tree, "ol.results h3")[:2] == [
        COX_BAZAR,
        "Programme Policy Officer (Cash-Based Transfers), NOC, Fixed Term",
    ]


async def test_a_text_search_is_sorted_by_relevance_unless_asked(site):
    tree = await page(site, "/vacancies", q="protection")
    selected = tree.css_first("select#sort option[selected]")
    assert selected.attributes["value"] == "relevance"
    assert "protection" in texts(tree, "ol.results h3")[0].lower()


async def test_pagination_links_to_previous_and_next_pages(site):
    tree = await page(site, "/vacancies", page="2")
    assert tree.css_first("nav.ds-pagination").attributes["aria-label"] == "Pages"
    assert tree.css_first("a[rel='prev']").attributes["href"] == "/vacancies?lang=en&page=1"
    assert tree.css_first("a[rel='next']").attributes["href"] == "/vacancies?lang=en&page=3"
    assert texts(tree, ".ds-pagination [aria-current='true']") == ["2"]
    assert tree.css_first("ol.results").attributes["start"] == "21"


async def test_last_page_has_no_next_link(site):
    tree = await page(site, "/vacancies", page="3")
    assert len(tree.css("ol.results > li")) == 6
    assert tree.css_first("a[rel='next']") is None


async def test_htmx_request_gets_the_results_fragment_only(site):
    response = await site.get(
        "/vacancies", params={"org_type": "bank", "lang": "en"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response.headers["vary"] == "HX-Request"
    assert "<html" not in response.text
    fragment = LexborHTMLParser(response.text)
    assert texts(fragment, "#result-count") == ["6 vacancies"]
    assert facet_labels(fragment, "org_type") == ["UN system (39)", "Development banks (6)"]
    # The parts the search form takes from it (hx-select, hx-select-oob), once each.
    for part in ("#results-main", "#facet-groups", "#filter-count"):
        assert len(fragment.css(part)) == 1, part
    assert texts(fragment, "#filter-count") == ["(1 chosen)"]
    assert fragment.css_first("#results-main #result-count") is not None


async def test_htmx_history_restore_gets_the_whole_page(site):
    response = await site.get(
        "/vacancies",
        params={"lang": "en"},
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert response.text.startswith("<!doctype html>")


async def test_feed_links_follow_the_search(site):
    tree = await page(site, "/vacancies", organization="UNICEF", grade="P-3", page="2")
    expected = "/vacancies/feed.atom?organization=UNICEF&grade=P-3"
    assert tree.css_first("a#feed-link").attributes["href"] == expected
    alternate = tree.css_first("head link[rel='alternate'][type='application/atom+xml']")
    assert alternate.attributes["href"] == expected


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"country": "Norway"}, "country"),
        ({"category": "astronaut"}, "category"),
        ({"region": "atlantis"}, "region"),
        ({"org_type": "ngo"}, "org_type"),
        ({"deadline": "5"}, "deadline"),
        ({"posted": "soon"}, "posted"),
        ({"sort": "random"}, "sort"),
        ({"page": "0"}, "page"),
    ],
)
async def test_a_wrong_search_value_is_a_readable_400_page(site, params, named):
    response = await site.get("/vacancies", params={"lang": "en", **params})
    assert response.status_code == 400
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    tree = LexborHTMLParser(response.text)
    assert texts(tree, "h1") == ["The address could not be read"]
    assert [node.text() for node in tree.css("#errors li code")] == [named]


# --- Vacancy page -----------------------------------------------------------------------


async def test_vacancy_page_shows_the_facts(site):
    vacancy = await vacancy_id(COX_BAZAR)
    tree = await page(site, f"/vacancies/{vacancy}")
    assert texts(tree, "h1") == [COX_BAZAR]
    facts = dict(zip(texts(tree, ".facts dt"), texts(tree, ".facts dd"), strict=True))
    assert facts["Organisation"] == "United Nations Children's Fund (UNICEF)"
    assert facts["Duty station"] == "Cox's Bazar, Bangladesh"
    assert facts["Country"] == "Bangladesh"
    assert facts["Application deadline"] == "Dec 4, 2026, 11:59:59 PM (12 days left)"
    assert facts["Posted"] == "November 20, 2026"
    assert facts["Source"] == "ReliefWeb jobs · last seen Nov 22, 2026, 12:00:00 PM"
    org_link = tree.css_first(".facts dd a")
    assert org_link.attributes["href"] == "/organizations/UNICEF"
    assert tree.css_first("#closed-notice") is None


async def test_vacancy_page_explains_the_grade(site):
    vacancy = await vacancy_id(COX_BAZAR)
    tree = await page(site, f"/vacancies/{vacancy}")
    assert texts(tree, ".grade-guide") == [
        "Professional: usually at least 5 years of relevant experience and an advanced "
        "university degree (master's or equivalent)."
    ]


async def test_a_jpo_post_explains_both_its_grade_and_the_jpo_programme(site):
    vacancy = await vacancy_id(ACCRA_JPO)
    tree = await page(site, f"/vacancies/{vacancy}", lang="nb")
    guide = texts(tree, ".grade-guide")
    assert (
        guide[0]
        == "Juniornivå: vanligvis minst 2 års relevant erfaring og mastergrad eller tilsvarende."
    )
    assert guide[1].startswith("Junior Professional Officer (JPO): en stilling på inngangsnivå")


@pytest.mark.parametrize(
    ("lang", "badges"),
    [
        ("en", ["JPO post", "Open to Norwegian nationals only"]),
        ("nb", ["JPO-stilling", "Kun for norske statsborgere"]),
        ("nn", ["JPO-stilling", "Berre for norske statsborgarar"]),
    ],
)
async def test_a_jpo_post_shows_its_badges(site, lang, badges):
    vacancy = await vacancy_id(ACCRA_JPO)
    tree = await page(site, f"/vacancies/{vacancy}", lang=lang)
    assert texts(tree, "#jpo-badges .ds-tag") == badges


async def test_a_sponsored_jpo_post_names_its_sponsor(site):
    tree = await page(site, "/vacancies", jpo="true", lang="nb")
    cards = {
        text(card.css_first("h3")): texts(card, ".jpo-badges .ds-tag")
        for card in tree.css("ol.results > li")
    }
    assert cards == {
        ACCRA_JPO: ["JPO-stilling", "Kun for norske statsborgere"],
        "JPO-Education Officer (digital learning), P-2, Luanda/Angola (For Finnish Nationals "
        "only)": ["JPO – finansiert av Finland", "Kun for statsborgere av Finland"],
    }


async def test_the_jpo_filter_keeps_jpo_posts_and_sponsor_their_sponsor(site):
    tree = await page(site, "/vacancies")
    jpo = tree.css_first("#f-jpo-true")
    assert jpo is not None and "checked" not in jpo.attributes
    assert text(tree.css_first("label[for=f-jpo-true]")) == "JPO posts (2)"

    chosen = await page(site, "/vacancies", jpo="true")
    assert texts(chosen, "#result-count") == ["2 vacancies"]
    assert "checked" in chosen.css_first("#f-jpo-true").attributes

    sponsored = await page(site, "/vacancies", sponsor="FI")
    assert texts(sponsored, "#result-count") == ["1 vacancy"]
    assert "checked" in sponsored.css_first("#f-sponsor-fi").attributes
    assert text(sponsored.css_first("label[for=f-sponsor-fi]")) == "Finland"


async def test_a_wrong_jpo_or_sponsor_value_is_a_bad_request(site):
    for params in ({"jpo": "maybe"}, {"sponsor": "NOR"}):
        response = await site.get("/vacancies", params={"lang": "en", **params})
        assert response.status_code == 400


async def test_vacancy_page_links_to_the_posting_at_the_source(site):
    vacancy = (
        await Vacancy.select(Vacancy.id, Vacancy.url).where(Vacancy.title == COX_BAZAR).first()
    )
    tree = await page(site, f"/vacancies/{vacancy['id']}")
    apply = tree.css_first("a#apply-link")
    assert apply.attributes["href"] == vacancy["url"]
    assert text(apply) == "Read more and apply at the source"


async def test_vacancy_description_keeps_its_paragraphs(site):
    row = (
        await Vacancy.select(Vacancy.id, Vacancy.description)
        .where(Vacancy.title == COX_BAZAR)
        .first()
    )
    tree = await page(site, f"/vacancies/{row['id']}")
    expected = [part.strip("\n") for part in row["description"].split("\n\n") if part.strip()]
    assert [node.text() for node in tree.css("p.description")] == expected
    assert len(expected) > 1


async def test_unknown_vacancy_is_a_404_page(site):
    response = await site.get("/vacancies/999999", params={"lang": "en"})
    assert response.status_code == 404
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert texts(LexborHTMLParser(response.text), "h1") == ["Page not found"]


# --- Organisations ----------------------------------------------------------------------


async def test_organisations_are_grouped_with_their_open_positions(site):
    tree = await page(site, "/organizations")
    assert texts(tree, "h2") == ["UN system", "Development banks", "Other organisations"]
    unicef = tree.css_first("#group-un + .table-scroll #org-unicef")
    assert texts(unicef, "th, td") == [
        "United Nations Children's Fund (UNICEF)",
        "UN fund or programme",
        "33",
    ]
    wbg = tree.css_first("#group-bank + .table-scroll #org-wbg")
    assert texts(wbg, "th, td") == ["World Bank Group (WBG)", "Multilateral development bank", "6"]


async def test_organisation_page_lists_its_open_vacancies_paginated(site):
    tree = await page(site, "/organizations/unicef")
    assert texts(tree, "h1") == ["United Nations Children's Fund (UNICEF)"]
    assert texts(tree, "#result-count") == ["33 vacancies"]
    assert len(tree.css("ol.results > li")) == 20
    assert (
        tree.css_first("a[rel='next']").attributes["href"] == "/organizations/unicef?lang=en&page=2"
    )


async def test_unknown_organisation_is_a_404_page(site):
    response = await site.get("/organizations/NOPE")
    assert response.status_code == 404


# --- Sources ----------------------------------------------------------------------------


async def test_sources_page_shows_each_source_with_its_last_run(site):
    tree = await page(site, "/sources")
    row = tree.css_first("tr#source-unicef-rss")
    cells = row.css("td")
    assert text(cells[0]) == "Nov 22, 2026, 12:00:00 PM"
    assert text(cells[1]) == "OK"
    counts = dict(zip(texts(cells[2], "dt"), texts(cells[2], "dd"), strict=True))
    assert counts == {
        "fetched": "32",
        "new": "32",
        "updated": "0",
        "unchanged": "0",
        "closed": "0",
        "rejected": "0",
    }
    assert text(cells[3]) == "0"
    assert texts(tree, "tr#source-unhcr-cinfo-rss td")[0] == "Never run"


# --- Feeds ------------------------------------------------------------------------------


async def test_atom_feed_of_a_search(site):
    response = await site.get("/vacancies/feed.atom", params={"organization": "WBG"})
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0
    assert feed.version == "atom10"
    assert len(feed.entries) == 6
    ids = [
        row["id"]
        for row in await Vacancy.select(Vacancy.id).where(Vacancy.organization_acronym == "WBG")
    ]
    assert {entry.link for entry in feed.entries} == {
        f"http://portal.test/vacancies/{i}" for i in ids
    }


async def test_rss_feed_of_a_search(site):
    response = await site.get("/vacancies/feed.rss", params={"region": "western-asia"})
    assert response.headers["content-type"] == "application/rss+xml; charset=utf-8"
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0
    assert feed.version == "rss20"
    assert sorted(entry.title for entry in feed.entries) == sorted(WESTERN_ASIA)
    vacancy = await vacancy_id("Migration Health Officer (P-2)")
    assert feed.entries[0].link == f"http://portal.test/vacancies/{vacancy}"


async def test_feed_lists_newest_first_unless_the_search_sorts(site):
    feed = feedparser.parse((await site.get("/vacancies/feed.atom")).content)
    assert feed.entries[0].title == COX_BAZAR
    sorted_feed = feedparser.parse(
        (await site.get("/vacancies/feed.atom", params={"sort": "deadline"})).content
    )
    assert sorted_feed.entries[0].title == "Migration Health Officer (P-2)"


async def test_feed_with_a_wrong_value_is_a_400(site):
    response = await site.get("/vacancies/feed.rss", params={"region": "atlantis"})
    assert response.status_code == 400


# --- The JSON API's new filters -----------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "total"),
    [
        ({"region": "africa"}, 15),
        ({"region": "northern-america"}, 7),
        ({"org_type": "bank"}, 6),
        ({"org_type": "un"}, 39),
        ({"deadline_within_days": "14"}, 2),
        ({"posted_within_days": "7"}, 5),
        ({"grade": "intern"}, 5),
    ],
)
async def test_api_filters_by_region_type_and_windows(site, params, total):
    response = await site.get("/api/vacancies", params=params)
    assert response.status_code == 200
    assert response.json()["total"] == total


@pytest.mark.parametrize("path", ["/vacancies/abc", "/no-such-page"])
async def test_paths_no_route_matches_get_the_html_404_page_in_the_chosen_language(site, path):
    response = await site.get(path, params={"lang": "en"})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert '<html lang="en"' in response.text


async def test_unknown_api_path_is_a_json_404(site):
    response = await site.get("/api/no-such-thing")
    assert response.status_code == 404
    assert response.json() == {"status_code": 404, "detail": "Not Found"}
