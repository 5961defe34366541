"""The match API: a candidate's own matches, one match, a vacancy's candidates and a
visible candidate's matches for staff. The same data as the pages' tests
(:mod:`tests.portal.test_match_pages`): the answers must be the engine's, with the
guards, the 404s and 409s, and the audit entries of the pages."""

from __future__ import annotations

from datetime import date

import pytest

from candidates import accounts, audit, consents
from candidates.matching import match_pair, matches_for_candidate, matches_for_vacancy
from candidates.matching.models import VacancyFilters
from candidates.tables import ConsentPurpose, Role
from tests.portal.account_site import NOW, PASSWORD, account_client
from tests.portal.test_match_pages import World, close, log_in, seed, staff_member

TODAY = date(2026, 11, 22)


@pytest.fixture
async def world(db) -> World:
    return await seed()


@pytest.fixture
async def client(db, smtp_port):
    async with account_client(smtp_port) as c:
        yield c


def dumped(matches) -> list[dict]:
    return [m.model_dump(mode="json") for m in matches]


async def audited() -> list[tuple[int | None, int | None, dict]]:
    entries = await audit.entries(action="candidate_viewed")
    return sorted((e.actor_id, e.subject_id, e.detail) for e in entries)


async def test_my_matches_are_the_engines_with_every_reason(world, client):
    await log_in(client, "kari@example.no")
    response = await client.get("/api/me/matches")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "private, no-store"
    body = response.json()
    kari = world.users["kari@example.no"]
    assert body == dumped(await matches_for_candidate(kari, today=TODAY))
    best = body[0]
    assert best["vacancy"]["id"] == world.vacancies["who-composed-epidemiologist"]
    assert best["vacancy"]["organization"] == "WHO"
    assert [c["name"] for c in best["components"]] == [
        "required_skills",
        "desirable_skills",
        "languages",
        "education",
        "experience",
        "job_family",
        "preferences",
        "text",
    ]
    assert all(c["explanation"] and c["message"] for c in best["components"])
    assert sum(c["contribution"] for c in best["components"]) == pytest.approx(best["score"])
    assert best["eligibility"]["eligible"] is True


async def test_filters_and_top_in_the_query(world, client):
    await log_in(client, "kari@example.no")
    kari = world.users["kari@example.no"]
    jpo = world.vacancies["unicef-composed-jpo-child-protection"]
    body = (await client.get("/api/me/matches", params={"organization": "WHO"})).json()
    assert [m["vacancy_id"] for m in body] == [world.vacancies["who-composed-epidemiologist"]]
    body = (
        await client.get("/api/me/matches", params={"jpo_only": "true", "include_ineligible": "1"})
    ).json()
    assert [m["vacancy_id"] for m in body] == [jpo]
    assert body[0]["eligibility"]["eligible"] is False
    failed = [c["rule"] for c in body[0]["eligibility"]["checks"] if c["hard"] and not c["passed"]]
    assert failed == ["jpo.age"]
    odd = {"organization": "NOPE", "grade": "Z-9", "country": "zzz"}
    for name, value in odd.items():
        answer = await client.get("/api/me/matches", params={name: value})
        assert (answer.status_code, answer.json()) == (200, []), name
    refused = await client.get("/api/me/matches", params={"region": "atlantis"})
    assert refused.status_code == 400
    assert "unknown region 'atlantis'" in refused.json()["detail"]
    body = (await client.get("/api/me/matches", params={"top": "1"})).json()
    assert body == dumped(await matches_for_candidate(kari, top=1, today=TODAY))
    assert len(body) == 1
    assert (await client.get("/api/me/matches", params={"top": "51"})).status_code == 400
    assert (await client.get("/api/me/matches", params={"top": "0"})).status_code == 400


async def test_one_match(world, client):
    await log_in(client, "ola@example.no")
    jpo = world.vacancies["unicef-composed-jpo-child-protection"]
    response = await client.get(f"/api/me/matches/{jpo}")
    assert response.status_code == 200
    ola = world.users["ola@example.no"]
    assert response.json() == (await match_pair(ola, jpo, today=TODAY)).model_dump(mode="json")
    assert response.json()["eligibility"]["eligible"] is True
    missing = await client.get("/api/me/matches/999999")
    assert missing.status_code == 404
    assert missing.json()["detail"] == "no open vacancy with id 999999"


async def test_no_profile_is_409_with_what_to_do(world, client):
    await accounts.create_user("ny@example.no", [Role.candidate], password=PASSWORD, now=NOW)
    await log_in(client, "ny@example.no")
    for path in ("/api/me/matches", "/api/me/matches/1"):
        response = await client.get(path)
        assert response.status_code == 409, path
        assert "no profile yet" in response.json()["detail"]
        assert "/me/profile" in response.json()["detail"]


async def test_my_matches_need_the_candidate_role(world, client):
    assert (await client.get("/api/me/matches")).status_code == 401
    await staff_member(client)
    assert (await client.get("/api/me/matches")).status_code == 403
    assert (await client.get("/api/me/matches/1")).status_code == 403


async def test_staff_get_a_vacancys_candidates_and_each_is_audited(world, client):
    staff = await staff_member(client)
    epi = world.vacancies["who-composed-epidemiologist"]
    response = await client.get(f"/api/staff/vacancies/{epi}/candidates")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "private, no-store"
    body = response.json()
    expected = await matches_for_vacancy(epi, today=TODAY)
    assert body == dumped(expected)
    ids = [m["candidate_id"] for m in body]
    assert world.users["per@example.no"] not in ids
    assert ids[0] == world.users["kari@example.no"]
    assert body[0]["candidate"]["email"] == "kari@example.no"
    assert await audited() == sorted((staff, i, {"vacancy_id": epi}) for i in ids)


async def test_staff_filters_in_the_query(world, client):
    await staff_member(client)
    jpo = world.vacancies["unicef-composed-jpo-child-protection"]
    url = f"/api/staff/vacancies/{jpo}/candidates"
    every = (await client.get(url)).json()
    assert [m["eligibility"]["eligible"] for m in every] == [True, False, False]
    only = (await client.get(url, params={"eligible_only": "true"})).json()
    assert [m["candidate_id"] for m in only] == [world.users["ola@example.no"]]
    swedes = (await client.get(url, params={"citizenship": "se"})).json()
    assert [m["candidate_id"] for m in swedes] == [world.users["ingrid@example.no"]]
    assert (await client.get(url, params={"min_score": "1.5"})).status_code == 400
    wrong = await client.get(url, params={"language": "__dict__", "citizenship": "-4.1"})
    assert wrong.status_code == 400
    assert wrong.json()["detail"] == (
        "language '__dict__' is not an ISO 639-1 language code; "
        "citizenship '-4.1' is not an ISO 3166 alpha-2 code"
    )


async def test_a_vacancys_candidates_need_staff_and_a_known_vacancy(world, client):
    epi = world.vacancies["who-composed-epidemiologist"]
    assert (await client.get(f"/api/staff/vacancies/{epi}/candidates")).status_code == 401
    await log_in(client, "kari@example.no")
    assert (await client.get(f"/api/staff/vacancies/{epi}/candidates")).status_code == 403
    assert (
        await client.get(f"/api/staff/candidates/{world.users['ola@example.no']}/matches")
    ).status_code == 403
    assert await audited() == []


async def test_unknown_vacancy_is_404_and_not_audited(world, client):
    await staff_member(client)
    response = await client.get("/api/staff/vacancies/999999/candidates")
    assert response.status_code == 404
    assert response.json()["detail"] == "no open vacancy with id 999999"
    assert await audited() == []


async def test_staff_see_a_visible_candidates_matches_ineligible_ones_included(world, client):
    staff = await staff_member(client)
    kari = world.users["kari@example.no"]
    response = await client.get(f"/api/staff/candidates/{kari}/matches")
    assert response.status_code == 200
    body = response.json()
    expected = await matches_for_candidate(
        kari, filters=VacancyFilters(include_ineligible=True), today=TODAY
    )
    assert body == dumped(expected)
    # Staff are not hidden the JPO post Kari is too old for: it comes last, marked.
    assert body[-1]["vacancy_id"] == world.vacancies["unicef-composed-jpo-child-protection"]
    assert body[-1]["eligibility"]["eligible"] is False
    assert await audited() == [(staff, kari, {})]


async def test_a_candidate_who_is_not_visible_is_404_like_an_unknown_id(world, client):
    await staff_member(client)
    per = world.users["per@example.no"]
    hidden = await client.get(f"/api/staff/candidates/{per}/matches")
    unknown = await client.get("/api/staff/candidates/999999/matches")
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.json()["detail"] == f"no visible candidate with id {per}"
    assert await audited() == []


async def test_a_visible_candidate_without_a_profile_is_409(world, client):
    user = await accounts.create_user("tom@example.no", [Role.candidate], now=NOW)
    await consents.give_consent(user.id, ConsentPurpose.visible_to_staff, now=NOW)
    await staff_member(client)
    response = await client.get(f"/api/staff/candidates/{user.id}/matches")
    assert response.status_code == 409
    assert response.json()["detail"] == f"candidate {user.id} has no profile yet"


async def test_a_closed_post_is_404_in_both_directions(world, client, smtp_port):
    epi = world.vacancies["who-composed-epidemiologist"]
    await close(epi)
    await log_in(client, "kari@example.no")
    mine = await client.get(f"/api/me/matches/{epi}")
    assert mine.status_code == 404
    assert mine.json()["detail"] == f"no open vacancy with id {epi}"
    async with account_client(smtp_port) as staff_client:
        await staff_member(staff_client)
        response = await staff_client.get(f"/api/staff/vacancies/{epi}/candidates")
    assert response.status_code == 404
    assert await audited() == []
