"""Matching over the database: visibility, the cached index following changes, stored
matches replaced whole."""

from __future__ import annotations

from datetime import timedelta

import pytest

from candidates import consents
from candidates.matching import (
    NoProfile,
    match_pair,
    matches_for_candidate,
    matches_for_vacancy,
    not_visible_count,
    recompute_all,
    recompute_candidate,
    stored_matches_for_candidate,
)
from candidates.matching.engine import MatchIndex
from candidates.matching.models import CandidateFilters, VacancyFilters
from candidates.matching.service import clear_cache, load_candidates, load_vacancies
from candidates.tables import ConsentPurpose, StoredMatch
from tests.candidates.matching.helpers import NOW, TODAY, candidate, profile, save, vacancy
from vacancies.tables import Vacancy


@pytest.fixture(autouse=True)
def fresh_cache():
    clear_cache()
    yield
    clear_cache()


async def test_staff_see_only_visible_candidates_and_a_withdrawal_counts_at_once(db):
    post = await vacancy("v1")
    strong = await candidate("strong@example.no")
    hidden = await candidate("hidden@example.no", visible=False, skills=["monitoring-evaluation"])
    weak = await candidate("weak@example.no", skills=[], summary="")

    ranked = await matches_for_vacancy(post, today=TODAY)

    assert [m.candidate_id for m in ranked] == [strong, weak]
    assert ranked[0].candidate.email == "strong@example.no"
    assert ranked[0].candidate.languages == ["en:C1", "no:native"]
    assert ranked[0].score > ranked[1].score
    assert await not_visible_count(today=TODAY) == 1

    await consents.withdraw_consent(strong, ConsentPurpose.visible_to_staff, now=NOW)
    assert [m.candidate_id for m in await matches_for_vacancy(post, today=TODAY)] == [weak]
    assert hidden not in [m.candidate_id for m in await matches_for_vacancy(post, today=TODAY)]


async def test_unknown_and_closed_vacancies_are_lookup_errors(db):
    closed = await vacancy("closed", status="closed")
    await candidate("a@example.no")
    with pytest.raises(LookupError, match="no open vacancy"):
        await matches_for_vacancy(closed, today=TODAY)
    with pytest.raises(LookupError, match="no open vacancy"):
        await matches_for_vacancy(999_999, today=TODAY)


async def test_a_user_without_profile_gets_no_profile(db):
    await vacancy("v1")
    from candidates import accounts
    from candidates.tables import Role

    user = await accounts.create_user("new@example.no", [Role.candidate], now=NOW)
    with pytest.raises(NoProfile):
        await matches_for_candidate(user.id, today=TODAY)


async def test_a_candidates_matches_follow_profile_and_vacancy_changes(db):
    first = await vacancy("v1")
    me = await candidate("me@example.no", skills=["gis"])

    before = await matches_for_candidate(me, today=TODAY)
    assert [m.vacancy_id for m in before] == [first]
    assert before[0].vacancy.title == "Programme Officer (Monitoring and Evaluation)"
    skills_before = next(c for c in before[0].components if c.name == "required_skills")
    assert skills_before.score == 0.0

    await save(
        me, profile(skills=["monitoring-evaluation", "data-analysis"]), at=NOW + timedelta(1)
    )
    after = await matches_for_candidate(me, today=TODAY)
    skills_after = next(c for c in after[0].components if c.name == "required_skills")
    assert skills_after.score == pytest.approx(2 / 3, abs=1e-4)

    second = await vacancy("v2", organization="UNICEF")
    listed = await matches_for_candidate(me, today=TODAY)
    assert sorted(m.vacancy_id for m in listed) == sorted([first, second])
    only = await matches_for_candidate(
        me, today=TODAY, filters=VacancyFilters(organizations=["UNICEF"])
    )
    assert [m.vacancy_id for m in only] == [second]


async def test_the_index_is_reused_while_nothing_changes(db):
    post = await vacancy("v1")
    await candidate("a@example.no")
    from candidates.matching import service

    await matches_for_vacancy(post, today=TODAY)
    built = service._cache["entry"].index
    await matches_for_vacancy(post, today=TODAY)
    assert service._cache["entry"].index is built
    await Vacancy.update({Vacancy.status: "closed"}).where(Vacancy.id == post)
    with pytest.raises(LookupError):
        await matches_for_vacancy(post, today=TODAY)
    assert service._cache["entry"].index is not built


async def test_match_pair_and_staff_filters(db):
    post = await vacancy("v1")
    fluent = await candidate("fluent@example.no")
    basic = await candidate("basic@example.no", languages=[{"code": "en", "level": "A2"}])

    pair = await match_pair(basic, post, today=TODAY)
    languages = next(c for c in pair.components if c.name == "languages")
    assert languages.score == 0.0
    assert pair.vacancy.id == post

    english = await matches_for_vacancy(
        post, today=TODAY, filters=CandidateFilters(languages=["en"])
    )
    assert [m.candidate_id for m in english] == [fluent]
    with pytest.raises(NoProfile):
        await match_pair(123_456, post, today=TODAY)


async def _expected_pairs(kept: int) -> set[tuple[int, int]]:
    """Each side's best ``kept`` by the pure engine over the same facts."""
    index = MatchIndex.build(await load_candidates(), await load_vacancies(), today=TODAY)
    pairs = set()
    for c in index.candidates:
        every = index.top_vacancies(c.id, kept, filters=VacancyFilters(include_ineligible=True))
        pairs |= {(c.id, m.vacancy_id) for m in every}
    for v in index.vacancies:
        pairs |= {(m.candidate_id, v.id) for m in index.top_candidates(v.id, kept)}
    return pairs


async def _stored() -> set[tuple[int, int]]:
    rows = await StoredMatch.select(StoredMatch.user, StoredMatch.vacancy)
    return {(row["user"], row["vacancy"]) for row in rows}


async def test_recompute_stores_the_best_of_both_sides_and_replaces_old_rows(db):
    posts = [
        await vacancy("v1"),
        await vacancy("v2", grade="P-5", organization="UNICEF"),
        await vacancy("v3", analysed=False, title="Statistician"),
    ]
    closed = await vacancy("v4", status="closed")
    people = [
        await candidate("a@example.no"),
        await candidate("b@example.no", experience_years=1, skills=["gis"]),
        await candidate("c@example.no", visible=False, organizations=["UNICEF"]),
        await candidate("d@example.no", languages=[{"code": "fr", "level": "C2"}]),
    ]

    report = await recompute_all(today=TODAY, kept=2)

    stored = await _stored()
    assert stored == await _expected_pairs(2)
    assert (report.candidates, report.vacancies, report.stored) == (4, 3, len(stored))
    assert all(v != closed for _, v in stored)
    assert {c for c, _ in stored} == set(people)  # consent applies when staff read
    row = (
        await StoredMatch.select()
        .where(StoredMatch.user == people[0], StoredMatch.vacancy == posts[0])
        .output(load_json=True)
        .first()
    )
    pair = await match_pair(people[0], posts[0], today=TODAY)
    assert row["score"] == pytest.approx(pair.score, abs=1e-4)
    assert row["components"] == {c.name: c.score for c in pair.components if c.weight > 0}

    # A vacancy closes and a candidate leaves: the next recompute leaves no old row.
    await Vacancy.update({Vacancy.status: "closed"}).where(Vacancy.id == posts[1])
    await recompute_all(today=TODAY, kept=2)
    stored = await _stored()
    assert stored == await _expected_pairs(2)
    assert all(v != posts[1] for _, v in stored)


async def test_one_candidates_recompute_and_the_stored_list(db):
    posts = [await vacancy(f"v{n}") for n in range(3)]
    await vacancy("v-closed", status="closed")
    me = await candidate("me@example.no")
    other = await candidate("other@example.no")
    await recompute_all(today=TODAY, kept=2)
    others_rows = await StoredMatch.count().where(StoredMatch.user == other)

    stored = await recompute_candidate(me, today=TODAY)

    assert stored == 3
    assert {v for c, v in await _stored() if c == me} == set(posts)
    assert await StoredMatch.count().where(StoredMatch.user == other) == others_rows
    listed = await stored_matches_for_candidate(me, top=2)
    assert len(listed) == 2
    assert [m.score for m in listed] == sorted((m.score for m in listed), reverse=True)
    assert listed[0].vacancy.title == "Programme Officer (Monitoring and Evaluation)"
    assert set(listed[0].components) >= {"required_skills", "languages", "text"}

    await Vacancy.update({Vacancy.status: "closed"}).where(Vacancy.id.is_in(posts[:2]))
    assert [m.vacancy.id for m in await stored_matches_for_candidate(me)] == [posts[2]]


@pytest.mark.sqlite_only
async def test_the_bulk_replace_on_sqlite_leaves_the_indexes_as_they_were(db):
    await vacancy("v1")
    await candidate("a@example.no")
    query = (
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
        "AND tbl_name = 'candidate_match' ORDER BY name"
    )
    before = await StoredMatch.raw(query)

    await recompute_all(today=TODAY, kept=5)

    assert await StoredMatch.raw(query) == before
    assert "candidate_match_user_vacancy" in {row["name"] for row in before}


async def test_a_changed_profile_updates_the_cached_index_without_a_rebuild(db):
    from candidates import accounts
    from candidates.matching import service

    post = await vacancy("v1")
    people = [await candidate(f"p{n}@example.no", skills=["gis"]) for n in range(10)]
    await matches_for_vacancy(post, today=TODAY)
    built = service._cache["entry"].index

    await save(
        people[2], profile(skills=["monitoring-evaluation", "data-analysis"]), at=NOW + timedelta(1)
    )
    await accounts.disable_user(people[4], actor_id=None, now=NOW + timedelta(1))
    ranked = await matches_for_vacancy(post, today=TODAY)

    updated = service._cache["entry"].index
    assert updated is not built
    assert updated.v is built.v  # the vacancies' side was kept: an update, not a rebuild
    assert people[4] not in updated.cand_pos
    assert ranked[0].candidate_id == people[2]
    fresh = MatchIndex.build(await load_candidates(), await load_vacancies(), today=TODAY)
    expected = fresh.top_candidates(post, 20)
    assert [(m.candidate_id, m.score) for m in ranked] == [
        (m.candidate_id, m.score) for m in expected
    ]
    assert ranked[0].components == expected[0].components
