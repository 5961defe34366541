"""``portal match`` and ``portal matches recompute`` against the test database."""

from __future__ import annotations

import json

from candidates.tables import StoredMatch
from tests.candidates.matching.helpers import candidate, vacancy
from tests.portal.test_cli import portal


async def test_match_needs_exactly_one_of_vacancy_and_candidate(db):
    for args in ((), ("--vacancy", "1", "--candidate", "2")):
        done = portal("match", *args)
        assert done.returncode == 2
        assert "exactly one of --vacancy ID and --candidate ID" in done.stderr


async def test_unknown_ids_are_clear_errors(db):
    await vacancy("v1")
    await candidate("a@example.no")

    done = portal("match", "--vacancy", "987654")
    assert done.returncode == 1
    assert "no open vacancy with id 987654" in done.stderr

    done = portal("match", "--candidate", "987654")
    assert done.returncode == 1
    assert "user 987654 has no candidate profile" in done.stderr


async def test_best_candidates_for_a_vacancy_among_the_visible_ones(db):
    post = await vacancy("v1")
    seen = await candidate("seen@example.no")
    await candidate("unseen@example.no", visible=False)

    done = portal("match", "--vacancy", str(post), "--json")

    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert [m["candidate_id"] for m in data["matches"]] == [seen]
    assert data["not_visible"] == 1
    first = data["matches"][0]
    assert first["candidate"]["email"] == "seen@example.no"
    assert [c["name"] for c in first["components"]][:2] == ["required_skills", "desirable_skills"]
    assert first["eligibility"]["eligible"] is True

    table = portal("match", "--vacancy", str(post))
    assert table.returncode == 0, table.stderr
    assert "seen@example.no" in table.stdout
    assert "1 candidate(s) with a profile are not visible to staff" in table.stderr


async def test_best_vacancies_for_a_candidate_with_top_and_all(db):
    strong = await vacancy("v1")
    await vacancy("v2", grade="D-1", title="Director, Evaluation Office")
    me = await candidate("me@example.no", experience_years=6)

    offered = json.loads(portal("match", "--candidate", str(me), "--json").stdout)["matches"]
    assert [m["vacancy_id"] for m in offered] == [strong]  # D-1 needs 15 years

    everything = portal("match", "--candidate", str(me), "--all", "--json", "--top", "5")
    listed = json.loads(everything.stdout)["matches"]
    assert [m["eligibility"]["eligible"] for m in listed] == [True, False]
    assert listed[1]["eligibility"]["checks"][0]["rule"] == "grade.D-1"

    table = portal("match", "--candidate", str(me), "--all", "--top", "1")
    assert table.returncode == 0, table.stderr
    assert "Programme" in table.stdout  # the title, wrapped in the column
    assert "Director" not in table.stdout
    assert "1 vacancies" in table.stderr


async def test_matches_recompute_reports_what_it_stored(db):
    await vacancy("v1")
    await vacancy("v2", organization="UNICEF")
    await candidate("a@example.no")
    await candidate("b@example.no", visible=False)

    done = portal("matches", "recompute", "--json")

    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["candidates"], report["vacancies"], report["stored"]) == (2, 2, 4)
    assert await StoredMatch.count() == 4
