"""The match pages: "My matches" and one match for a candidate, a vacancy's candidates
for staff. Four vacancies read by the real pipeline from texts of the labelled set and
four candidates with realistic profiles; the pages must show the engine's order, every
reason in the reader's language, eligibility as eligibility, and nothing of a candidate
who does not consent to be visible."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest

from candidates import accounts, audit, consents
from candidates.matching import match_pair, matches_for_candidate, matches_for_vacancy
from candidates.matching.models import VacancyFilters
from candidates.matching.service import clear_cache
from candidates.profile_models import LanguageSkill, ProfileIn
from candidates.profiles import save_profile
from candidates.tables import ConsentPurpose, Role
from portal.web.i18n import set_locale, translations
from tests.portal.account_site import NOW, PASSWORD, account_client, page, submit, text
from vacancies.analysis import analyse_pending
from vacancies.tables import Source, Vacancy

TEXTS = Path(__file__).parents[1] / "data" / "requirements" / "texts"


@dataclass(frozen=True)
class Post:
    key: str
    title: str
    organization: str
    organization_name: str
    grade: str | None
    category: str
    duty_station: str
    country: str
    deadline_days: int
    is_jpo: bool = False
    jpo_sponsors: tuple[str, ...] = ()
    open_to_nationalities: tuple[str, ...] = ()


POSTS = (
    Post(
        "unicef-composed-jpo-child-protection",
        "Junior Professional Officer (JPO) - Child Protection Officer",
        "UNICEF",
        "United Nations Children's Fund",
        "P-2",
        "jpo",
        "Maputo",
        "MOZ",
        20,
        is_jpo=True,
        jpo_sponsors=("NO",),
        open_to_nationalities=("NO",),
    ),
    Post(
        "who-composed-epidemiologist",
        "Epidemiologist (Health Emergencies Programme)",
        "WHO",
        "World Health Organization",
        "P-4",
        "professional",
        "Brazzaville",
        "COG",
        14,
    ),
    Post(
        "undp-composed-climate-specialist",
        "Climate Change Adaptation Specialist",
        "UNDP",
        "United Nations Development Programme",
        "P-4",
        "professional",
        "Tegucigalpa",
        "HND",
        30,
    ),
    Post(
        "worldbank-composed-data-scientist",
        "Data Scientist",
        "WBG",
        "World Bank Group",
        "GF",
        "professional",
        "Washington, DC",
        "USA",
        25,
    ),
)


def langs(**levels: str) -> list[LanguageSkill]:
    return [LanguageSkill(code=code, level=level) for code, level in levels.items()]


PROFILES = {
    # An epidemiologist with field years in Africa: too old for the JPO programme.
    "kari@example.no": ProfileIn(
        citizenships=["NO"],
        birth_year=1988,
        education_level="master",
        education_field="public health",
        education_year=2014,
        languages=langs(no="native", en="C2", fr="B2"),
        experience_years=10,
        international_years=6,
        skills=["epidemiology", "public-health", "health-emergencies", "statistical-software"],
        job_families=["health"],
        organizations=["WHO"],
        regions=["sub-saharan-africa"],
        grades=["P-4"],
        summary="Epidemiologist; outbreak response and surveillance in West and Central Africa.",
    ),
    # A young social worker: the JPO child protection post is made for her.
    "ola@example.no": ProfileIn(
        citizenships=["NO"],
        birth_year=1997,
        education_level="master",
        education_field="social work",
        education_year=2022,
        languages=langs(no="native", en="C1", pt="B1"),
        experience_years=3,
        international_years=1,
        skills=["child-protection", "civil-registration"],
        job_families=["pol"],
        organizations=["UNICEF"],
        regions=["sub-saharan-africa"],
        grades=["P-2", "JPO"],
        contract_types=["jpo"],
        summary="Social worker; child protection case management in Mozambique.",
    ),
    # A data scientist with two citizenships.
    "ingrid@example.no": ProfileIn(
        citizenships=["NO", "SE"],
        birth_year=1986,
        education_level="master",
        education_field="data science",
        education_year=2011,
        languages=langs(no="native", sv="C2", en="C2"),
        experience_years=8,
        international_years=2,
        skills=["data-science", "machine-learning", "python", "remote-sensing", "statistics"],
        job_families=["ict"],
        organizations=["WBG"],
        regions=["northern-america"],
        summary="Machine learning on satellite imagery and household surveys.",
    ),
    # Like Kari, but has never agreed to be visible to staff.
    "per@example.no": ProfileIn(
        citizenships=["NO"],
        birth_year=1990,
        education_level="master",
        education_field="epidemiology",
        education_year=2016,
        languages=langs(no="native", en="C1", fr="B2"),
        experience_years=8,
        skills=["epidemiology", "public-health", "health-emergencies"],
        job_families=["health"],
        organizations=["WHO"],
    ),
}
VISIBLE = ("kari@example.no", "ola@example.no", "ingrid@example.no")


@dataclass
class World:
    vacancies: dict[str, int]
    users: dict[str, int]


async def add_posts() -> dict[str, int]:
    """The posts as a harvest stores them, then read by the requirement pipeline."""
    await Source.insert(
        Source(id="match-test", name="Recorded postings", adapter="rss", base_url="https://x.test/")
    )
    ids = {}
    for post in POSTS:
        rows = await Vacancy.insert(
            Vacancy(
                source="match-test",
                external_id=post.key,
                url=f"https://careers.example.org/{post.key}",
                title=post.title,
                organization_acronym=post.organization,
                organization_name=post.organization_name,
                grade=post.grade,
                category=post.category,
                duty_station=post.duty_station,
                country=post.country,
                posted_at=NOW - timedelta(days=5),
                deadline=NOW + timedelta(days=post.deadline_days),
                description=(TEXTS / f"{post.key}.txt").read_text(encoding="utf-8"),
                content_hash=post.key.ljust(64, "0")[:64],
                status="open",
                first_seen=NOW - timedelta(days=5),
                last_seen=NOW,
                is_jpo=post.is_jpo,
                jpo_sponsors=list(post.jpo_sponsors),
                open_to_nationalities=list(post.open_to_nationalities),
            )
        )
        ids[post.key] = rows[0]["id"]
    await analyse_pending()
    return ids


async def add_candidates(*, with_profiles: bool = True) -> dict[str, int]:
    ids = {}
    for email, profile in PROFILES.items():
        user = await accounts.create_user(email, [Role.candidate], password=PASSWORD, now=NOW)
        if email in VISIBLE:
            await consents.give_consent(
                user.id, ConsentPurpose.visible_to_staff, now=NOW - timedelta(days=2)
            )
        if with_profiles:
            await save_profile(user.id, profile, now=NOW - timedelta(days=1))
        ids[email] = user.id
    return ids


async def seed() -> World:
    # The engine's index is keyed by counts and times, which repeat from test to test
    # (same data, new ids): start each test from a fresh one.
    clear_cache()
    return World(vacancies=await add_posts(), users=await add_candidates())


async def log_in(client: httpx.AsyncClient, email: str) -> None:
    answer = await submit(client, "/account/log-in", email=email, password=PASSWORD)
    assert answer.status_code == 303, answer.text


async def staff_member(client: httpx.AsyncClient, email: str = "radgiver@norec.no") -> int:
    user = await accounts.create_user(email, [Role.staff], password=PASSWORD, now=NOW)
    await log_in(client, email)
    return user.id


def in_language(locale: str, message: str, params: dict) -> str:
    """A sentence of the engine as a page in ``locale`` words it."""
    translated = translations(locale).gettext(message)
    return translated % params if params else translated


@pytest.fixture
async def world(db) -> World:
    return await seed()


@pytest.fixture
async def client(db, smtp_port):
    async with account_client(smtp_port) as c:
        yield c
    set_locale("nb")


def vacancy_ids(html, selector: str) -> list[int]:
    return [int(li.attributes["id"].removeprefix("match-")) for li in html.css(selector)]


# --- My matches ----------------------------------------------------------------------


async def test_my_matches_lists_the_engines_order_with_every_reason(world, client):
    await log_in(client, "kari@example.no")
    response = await client.get("/me/matches", params={"lang": "en"})
    assert response.status_code == 200
    assert response.headers["cache-control"] == "private, no-store"
    html = page(response)
    expected = await matches_for_candidate(world.users["kari@example.no"], today=date(2026, 11, 22))
    assert expected, "Kari qualifies for some posts"
    assert all(m.eligibility.eligible for m in expected)
    assert vacancy_ids(html, "#eligible-matches > li") == [m.vacancy_id for m in expected]
    assert html.css_first("#ineligible-matches") is None
    first = html.css_first("#eligible-matches > li")
    best = expected[0]
    assert text(first.css_first("h3")) == best.vacancy.title
    assert first.css_first("h3 a").attributes["href"] == f"/vacancies/{best.vacancy_id}"
    percent = f"{round(best.score * 100)}%"
    assert text(first.css_first(".match-score__text")) == f"Match: {percent}"
    meter = first.css_first("meter")
    assert meter.attributes["aria-labelledby"] == first.css_first(".match-score__text").id
    assert float(meter.attributes["value"]) == pytest.approx(best.score, abs=0.001)
    assert [text(li.css_first(".match-sentence")) for li in first.css(".match-reasons li")] == [
        c.explanation for c in best.components
    ]
    assert html.css_first("a[aria-current=page]").attributes["href"] == "/me/matches"


async def test_the_best_post_for_each_candidate_is_the_one_a_recruiter_would_pick(world, smtp_port):
    """Not the engine's numbers: the posts their profiles were written for come first."""
    for email, key in [
        ("kari@example.no", "who-composed-epidemiologist"),
        ("ola@example.no", "unicef-composed-jpo-child-protection"),
        ("ingrid@example.no", "worldbank-composed-data-scientist"),
    ]:
        async with account_client(smtp_port) as own:
            await log_in(own, email)
            html = page(await own.get("/me/matches", params={"lang": "en"}))
            assert vacancy_ids(html, "#eligible-matches > li")[0] == world.vacancies[key], email


async def test_posts_not_offered_follow_with_the_rule_that_failed(world, client):
    """Kari (born 1988) is over the JPO programme's age limit: the JPO post is not
    offered; asked for, it comes after the others, with the age rule as the reason."""
    await log_in(client, "kari@example.no")
    jpo = world.vacancies["unicef-composed-jpo-child-protection"]
    offered = page(await client.get("/me/matches", params={"lang": "en"}))
    assert jpo not in vacancy_ids(offered, "#eligible-matches > li")
    assert offered.css_first("#ineligible-matches") is None

    response = await client.get("/me/matches", params={"lang": "en", "ineligible": "true"})
    html = page(response)
    assert "checked" in html.css_first("#filter-ineligible").attributes
    assert vacancy_ids(html, "#eligible-matches > li") == vacancy_ids(
        offered, "#eligible-matches > li"
    )
    assert vacancy_ids(html, "#ineligible-matches > li") == [jpo]
    expected = await matches_for_candidate(
        world.users["kari@example.no"],
        filters=VacancyFilters(include_ineligible=True),
        today=date(2026, 11, 22),
    )
    failed = next(m for m in expected if m.vacancy_id == jpo).eligibility.failed
    assert [check.rule for check in failed] == ["jpo.age"]
    reasons = html.css(f"#match-{jpo} .match-failed li")
    assert [text(li) for li in reasons] == [failed[0].explanation]
    assert text(html.css_first(f"#match-{jpo} .match-failed p")) == "Not offered to you:"


async def test_filters_narrow_the_list(world, client):
    await log_in(client, "kari@example.no")
    html = page(await client.get("/me/matches", params={"lang": "en", "organization": "WHO"}))
    assert vacancy_ids(html, "#eligible-matches > li") == [
        world.vacancies["who-composed-epidemiologist"]
    ]
    selected = html.css_first("#filter-organization option[selected]")
    assert selected.attributes["value"] == "WHO"

    html = page(
        await client.get("/me/matches", params={"lang": "en", "jpo": "true", "ineligible": "true"})
    )
    assert vacancy_ids(html, "#eligible-matches > li") == []
    assert vacancy_ids(html, "#ineligible-matches > li") == [
        world.vacancies["unicef-composed-jpo-child-protection"]
    ]
    assert text(html.css_first("#match-count")) == "1 post"


async def test_a_region_narrows_the_list_and_an_unknown_one_is_refused(world, client):
    await log_in(client, "ingrid@example.no")
    html = page(await client.get("/me/matches", params={"lang": "en", "region": "americas"}))
    shown = vacancy_ids(html, "li.match")
    assert world.vacancies["who-composed-epidemiologist"] not in shown
    assert world.vacancies["unicef-composed-jpo-child-protection"] not in shown
    assert world.vacancies["worldbank-composed-data-scientist"] in shown
    refused = await client.get("/me/matches", params={"lang": "en", "region": "atlantis"})
    assert refused.status_code == 400
    assert [text(li) for li in page(refused).css("#errors li")] == ["region: unknown region"]


async def test_a_short_list_offers_more(world, client):
    await log_in(client, "ingrid@example.no")
    html = page(await client.get("/me/matches", params={"lang": "en", "top": "1"}))
    assert len(html.css("#eligible-matches > li")) == 1
    more = html.css_first("#show-more")
    assert more.attributes["href"] == "/me/matches?lang=en&top=50"
    assert text(more) == "Show more matches"
    html = page(await client.get("/me/matches", params={"lang": "en", "top": "50"}))
    assert html.css_first("#show-more") is None
    assert (await client.get("/me/matches", params={"top": "51"})).status_code == 400


async def test_without_a_profile_the_page_says_where_to_make_one(world, client):
    await accounts.create_user("ny@example.no", [Role.candidate], password=PASSWORD, now=NOW)
    await log_in(client, "ny@example.no")
    html = page(await client.get("/me/matches", params={"lang": "en"}))
    notice = html.css_first("#no-profile")
    assert text(notice.css_first("h2")) == "You have no profile yet"
    assert [a.attributes["href"] for a in notice.css("a")] == ["/me/profile", "/me/cv"]
    assert html.css_first("#match-filters") is None
    post = world.vacancies["who-composed-epidemiologist"]
    html = page(await client.get(f"/me/matches/{post}", params={"lang": "en"}))
    assert html.css_first("#no-profile") is not None
    assert html.css_first("#components") is None


async def test_the_page_reads_in_norwegian(world, client):
    await log_in(client, "ola@example.no")
    response = await client.get("/me/matches", params={"lang": "nb"})
    html = page(response)
    assert text(html.css_first("h1")) == "Mine treff"
    expected = await matches_for_candidate(world.users["ola@example.no"], today=date(2026, 11, 22))
    first = html.css_first("#eligible-matches > li")
    sentences = [text(s) for s in first.css(".match-reasons .match-sentence")]
    assert sentences == [in_language("nb", c.message, c.params) for c in expected[0].components]
    # Translated, not the English sentences.
    assert sentences != [c.explanation for c in expected[0].components]
    nynorsk = page(await client.get("/me/matches", params={"lang": "nn"}))
    assert text(nynorsk.css_first("h1")) == "Treffa mine"
    assert text(nynorsk.css_first("#eligible-heading")) == (
        "Stillingar du er kvalifisert for, beste treff først"
    )
    # Norwegian writes a space (no-break) before the per cent sign.
    assert first.css_first(".match-score__text").text() == (
        f"Treff: {round(expected[0].score * 100)}\u00a0%"
    )


# --- one match -----------------------------------------------------------------------


async def test_one_match_shows_every_component_and_every_check(world, client):
    await log_in(client, "ola@example.no")
    jpo = world.vacancies["unicef-composed-jpo-child-protection"]
    response = await client.get(f"/me/matches/{jpo}", params={"lang": "en"})
    assert response.status_code == 200
    html = page(response)
    assert text(html.css_first("h1")) == (
        "How you match: Junior Professional Officer (JPO) - Child Protection Officer"
    )
    expected = await match_pair(world.users["ola@example.no"], jpo, today=date(2026, 11, 22))
    rows = html.css("#components tbody tr")
    assert [row.attributes["id"] for row in rows] == [
        f"component-{c.name}" for c in expected.components
    ]
    assert [text(row.css_first("th")) for row in rows] == [
        c.explanation for c in expected.components
    ]
    total = sum(c.weight for c in expected.components)
    assert [text(row.css_first("td")) for row in rows] == [
        f"{round(c.contribution * 100)} of {round(100 * c.weight / total)}"
        if c.weight
        else "Not counted"
        for c in expected.components
    ]
    # The JPO post names no desirable skill: that part does not count.
    assert text(html.css_first("#component-desirable_skills td")) == "Not counted"
    assert text(html.css_first("#components tfoot td")) == f"{round(expected.score * 100)} of 100"
    checks = html.css("#checks tbody tr")
    assert [text(row.css_first("th")) for row in checks] == [
        c.explanation for c in expected.eligibility.checks
    ]
    assert {c.rule for c in expected.eligibility.checks} >= {
        "jpo.nationality",
        "jpo.age",
        "jpo.degree",
        "jpo.experience",
    }
    assert [text(row.css_first("td")) for row in checks] == ["Met"] * len(checks)
    assert text(html.css_first("#eligibility-verdict")) == (
        "You meet every rule this post has, so it is offered to you."
    )


async def test_a_failed_and_an_unknown_check_are_told_in_words(world, client, smtp_port):
    """Kari fails the JPO age limit; without a year of birth Ola's age is unknown, which
    never fails her."""
    jpo = world.vacancies["unicef-composed-jpo-child-protection"]
    await log_in(client, "kari@example.no")
    html = page(await client.get(f"/me/matches/{jpo}", params={"lang": "en"}))
    results = {
        row.attributes["id"]: text(row.css_first("td")) for row in html.css("#checks tbody tr")
    }
    assert results["check-jpo-age"] == "Not met"
    assert results["check-jpo-nationality"] == "Met"
    assert text(html.css_first("#eligibility-verdict")).startswith(
        "You do not meet every rule this post has"
    )

    ola = world.users["ola@example.no"]
    no_birth_year = PROFILES["ola@example.no"].model_copy(update={"birth_year": None})
    await save_profile(ola, no_birth_year, now=NOW)
    async with account_client(smtp_port) as own:
        await log_in(own, "ola@example.no")
        html = page(await own.get(f"/me/matches/{jpo}", params={"lang": "en"}))
    results = {
        row.attributes["id"]: text(row.css_first("td")) for row in html.css("#checks tbody tr")
    }
    assert results["check-jpo-age"] == "Not known"
    assert text(html.css_first("#eligibility-verdict")) == (
        "You meet every rule this post has, so it is offered to you."
    )


async def test_an_unknown_post_is_404(world, client):
    await log_in(client, "ola@example.no")
    response = await client.get("/me/matches/999999", params={"lang": "en"})
    assert response.status_code == 404


# --- who may see what ----------------------------------------------------------------


async def test_visitors_log_in_first_and_staff_are_refused_my_matches(world, client):
    response = await client.get("/me/matches", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/account/log-in"
    await staff_member(client)
    assert (await client.get("/me/matches")).status_code == 403
    jpo = world.vacancies["unicef-composed-jpo-child-protection"]
    assert (await client.get(f"/me/matches/{jpo}")).status_code == 403


async def test_candidates_cannot_see_a_vacancys_candidates(world, client):
    await log_in(client, "kari@example.no")
    jpo = world.vacancies["unicef-composed-jpo-child-protection"]
    assert (await client.get(f"/staff/vacancies/{jpo}/candidates")).status_code == 403
    assert await audited() == []


# --- staff: a vacancy's candidates -----------------------------------------------------


async def audited() -> list[tuple[int | None, int | None, dict]]:
    entries = await audit.entries(action="candidate_viewed")
    return sorted((e.actor_id, e.subject_id, e.detail) for e in entries)


def candidate_ids(html, selector: str) -> list[int]:
    return [int(li.attributes["id"].removeprefix("candidate-")) for li in html.css(selector)]


async def test_staff_see_the_ranked_explained_candidates_and_each_is_audited(world, client):
    staff = await staff_member(client)
    epi = world.vacancies["who-composed-epidemiologist"]
    response = await client.get(f"/staff/vacancies/{epi}/candidates", params={"lang": "en"})
    assert response.status_code == 200
    assert response.headers["cache-control"] == "private, no-store"
    html = page(response)
    assert text(html.css_first("h1")) == (
        "Candidates for Epidemiologist (Health Emergencies Programme)"
    )
    expected = await matches_for_vacancy(epi, today=date(2026, 11, 22))
    users = world.users
    shown = candidate_ids(html, "#eligible-candidates > li") + candidate_ids(
        html, "#ineligible-candidates > li"
    )
    assert shown == [m.candidate_id for m in expected]
    # Per never agreed to be seen: whatever his score, he is not there.
    assert users["per@example.no"] not in shown
    assert set(shown) == {users[email] for email in VISIBLE}
    assert shown[0] == users["kari@example.no"]
    kari = html.css_first(f"#candidate-{users['kari@example.no']}")
    assert kari.css_first("h3 a").attributes["href"] == f"/staff/candidates/{shown[0]}"
    assert text(kari.css_first("h3")) == "kari@example.no"
    assert text(kari.css_first(".match-facts")) == (
        "Master's degree · 10 years of experience · Norwegian native, English C2, French B2"
    )
    best = expected[0]
    assert [text(s) for s in kari.css(".match-reasons .match-sentence")] == [
        c.explanation for c in best.components
    ]
    assert await audited() == sorted((staff, m.candidate_id, {"vacancy_id": epi}) for m in expected)


async def test_ineligible_candidates_are_listed_after_with_the_rule(world, client):
    await staff_member(client)
    jpo = world.vacancies["unicef-composed-jpo-child-protection"]
    html = page(await client.get(f"/staff/vacancies/{jpo}/candidates", params={"lang": "en"}))
    users = world.users
    assert candidate_ids(html, "#eligible-candidates > li") == [users["ola@example.no"]]
    later = candidate_ids(html, "#ineligible-candidates > li")
    assert sorted(later) == sorted([users["kari@example.no"], users["ingrid@example.no"]])
    expected = await matches_for_vacancy(jpo, today=date(2026, 11, 22))
    for match in expected[1:]:
        item = html.css_first(f"#candidate-{match.candidate_id}")
        assert text(item.css_first(".match-failed p")) == "Not eligible:"
        assert [text(li) for li in item.css(".match-failed li")] == [
            c.explanation for c in match.eligibility.failed
        ]
    html = page(
        await client.get(
            f"/staff/vacancies/{jpo}/candidates", params={"lang": "en", "eligible_only": "true"}
        )
    )
    assert candidate_ids(html, "#eligible-candidates > li") == [users["ola@example.no"]]
    assert html.css_first("#ineligible-candidates") is None


async def test_staff_filters(world, client):
    await staff_member(client)
    epi = world.vacancies["who-composed-epidemiologist"]
    users = world.users

    async def shown(**params) -> list[int]:
        url = f"/staff/vacancies/{epi}/candidates"
        html = page(await client.get(url, params={"lang": "en", **params}))
        return candidate_ids(html, "li.match")

    # French at B2 or better: Kari (B2); Per (B2) is not visible.
    assert await shown(language="fr") == [users["kari@example.no"]]
    assert await shown(citizenship="SE") == [users["ingrid@example.no"]]
    expected = await matches_for_vacancy(epi, today=date(2026, 11, 22))
    threshold = round(expected[0].score * 100)
    assert await shown(min_score=str(threshold)) == [
        m.candidate_id for m in expected if m.score * 100 >= threshold
    ]
    assert (await client.get(f"/staff/vacancies/{epi}/candidates?min_score=101")).status_code == 400


async def test_an_unknown_vacancy_is_404_for_staff_and_nothing_is_audited(world, client):
    await staff_member(client)
    response = await client.get("/staff/vacancies/999999/candidates", params={"lang": "en"})
    assert response.status_code == 404
    assert await audited() == []


async def test_the_staff_page_reads_in_norwegian(world, client):
    await staff_member(client)
    epi = world.vacancies["who-composed-epidemiologist"]
    html = page(await client.get(f"/staff/vacancies/{epi}/candidates", params={"lang": "nb"}))
    assert text(html.css_first("#eligible-heading")) == "Kvalifiserte kandidater, beste treff først"
    expected = await matches_for_vacancy(epi, today=date(2026, 11, 22))
    first = html.css_first("li.match")
    assert [text(s) for s in first.css(".match-reasons .match-sentence")] == [
        in_language("nb", c.message, c.params) for c in expected[0].components
    ]


async def close(vacancy_id: int) -> None:
    await Vacancy.update(
        {Vacancy.status: "closed", Vacancy.closed_at: NOW, Vacancy.closed_reason: "missing"}
    ).where(Vacancy.id == vacancy_id)


async def test_a_closed_post_says_so_and_ranks_no_one(world, client, smtp_port):
    epi = world.vacancies["who-composed-epidemiologist"]
    await close(epi)
    await log_in(client, "kari@example.no")
    html = page(await client.get(f"/me/matches/{epi}", params={"lang": "en"}))
    assert text(html.css_first("#closed-notice")) == (
        "This vacancy is closed: it is no longer matched with profiles."
    )
    assert html.css_first("#components") is None
    assert html.css_first("#no-profile") is None
    mine = page(await client.get("/me/matches", params={"lang": "en"}))
    assert epi not in vacancy_ids(mine, "#eligible-matches > li")

    async with account_client(smtp_port) as staff_client:
        await staff_member(staff_client)
        url = f"/staff/vacancies/{epi}/candidates"
        html = page(await staff_client.get(url, params={"lang": "en"}))
    assert html.css_first("#closed-notice") is not None
    assert html.css("li.match") == []
    assert html.css_first("#no-candidates") is None
    assert await audited() == []


async def test_the_first_candidate_of_a_new_portal_gets_the_no_profile_page(db, client):
    """No profile at all in the database yet (a fresh installation)."""
    clear_cache()
    await add_posts()
    await accounts.create_user("forst@example.no", [Role.candidate], password=PASSWORD, now=NOW)
    await log_in(client, "forst@example.no")
    response = await client.get("/me/matches", params={"lang": "en"})
    assert response.status_code == 200
    assert page(response).css_first("#no-profile") is not None
    assert (await client.get("/api/me/matches")).status_code == 409


def test_a_translation_that_does_not_fit_its_parameters_falls_back_to_english(monkeypatch):
    """A fuzzy catalog entry borrowed from another message (other placeholders) must
    cost the translation, not the page."""
    from candidates.matching.models import Component
    from portal.web import matches as pages

    component = Component(
        name="experience",
        score=1.0,
        weight=2.0,
        contribution=0.16,
        explanation="The post asks for 2 years of experience; you have 3.",
        message="The post asks for %(asked)s years of experience; you have %(yours)s.",
        params={"asked": 2, "yours": 3},
    )
    monkeypatch.setattr(pages, "_", lambda message: "Kun for statsborgere av %(countries)s")
    assert pages.sentence(component) == "The post asks for 2 years of experience; you have 3."
    monkeypatch.setattr(pages, "_", lambda message: "Stillingen krever %(asked)s års erfaring.")
    assert pages.sentence(component) == "Stillingen krever 2 års erfaring."
