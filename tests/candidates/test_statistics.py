"""Statistics for the ministry: counts with small cells (1 or 2 people) suppressed, and
figures that would give one away suppressed too, as Statistics Norway does; erased
accounts kept in the sign-ups of their year, breakdowns only of consenting candidates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from candidates import accounts, consents
from candidates.privacy import erase_user
from candidates.statistics import Cell, Suppression, compute_statistics, protect
from candidates.tables import ConsentPurpose, Role, User
from tests.portal.recorded_site import harvest_recorded_sources

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
SMALL = Cell(count=None, suppressed=Suppression.small)
SECONDARY = Cell(count=None, suppressed=Suppression.secondary)


def shown(n: int) -> Cell:
    return Cell(count=n)


def rows(table) -> dict[str, Cell]:
    return {row.key: row.cell for row in table.rows}


@pytest.mark.parametrize(
    ("count", "cell"),
    [(0, shown(0)), (1, SMALL), (2, SMALL), (3, shown(3)), (4, shown(4)), (120, shown(120))],
)
def test_counts_of_one_or_two_are_suppressed(count, cell):
    assert protect({"x": count}) == {"x": cell}


def test_a_sum_with_one_hidden_cell_hides_its_smallest_shown_cell_too():
    # The 0 is spared (it describes no one); the 3 is the smallest figure left.
    counts = {"2024": 9, "2025": 2, "2026": 0, "2027": 3, "2028": 6, "total": 20}
    assert protect(counts, [counts]) == {
        "2024": shown(9),
        "2025": SMALL,
        "2026": shown(0),
        "2027": SECONDARY,
        "2028": shown(6),
        "total": shown(20),
    }
    # Two suppressed cells in a sum give neither away; without a sum nothing is derived.
    two = {"a": 2, "b": 1, "c": 7, "total": 10}
    assert protect(two, [two]) == {"a": SMALL, "b": SMALL, "c": shown(7), "total": shown(10)}
    assert protect({"a": 2, "b": 3}) == {"a": SMALL, "b": shown(3)}


def test_hiding_follows_the_sums_from_one_to_the_next():
    """registered + erased = signed up: a small erasure count hides the sign-ups total
    (the registered count is spared), which then must not stand alone in its table."""
    counts = {"registered": 30, "erased": 2, "signed_up": 32, "2025": 12, "2026": 20}
    cells = protect(counts, [["signed_up", "registered", "erased"], ["2025", "2026", "signed_up"]])
    assert cells == {
        "registered": shown(30),
        "erased": SMALL,
        "signed_up": SECONDARY,
        "2025": SECONDARY,
        "2026": shown(20),
    }


async def add(email: str, at: datetime, *purposes: ConsentPurpose, roles=(Role.candidate,)) -> int:
    user = await accounts.create_user(email, roles, now=at)
    for purpose in purposes:
        await consents.give_consent(user.id, purpose, now=at)
    return user.id


def year(y: int, month: int = 3) -> datetime:
    return datetime(y, month, 10, 9, 0, tzinfo=UTC)


@pytest.fixture
async def people(db):
    """17 candidates signed up (6 in 2024, 3 in 2025, 8 in 2026); 2 of them erased (one
    in 2025, one in 2026); staff and ministry accounts, one of them erased."""
    visible, alerts, stats = (
        ConsentPurpose.visible_to_staff,
        ConsentPurpose.vacancy_alerts,
        ConsentPurpose.statistics,
    )
    ids = [await add(f"a{n}@example.no", year(2024), visible, stats) for n in range(6)]
    ids += [await add(f"b{n}@example.no", year(2025), visible, alerts) for n in range(3)]
    ids += [await add(f"c{n}@example.no", year(2026), alerts, stats) for n in range(5)]  # 9..13
    ids += [await add(f"d{n}@example.no", year(2026), visible) for n in range(3)]
    await erase_user(ids[0], now=year(2025, 6))
    await erase_user(ids[9], now=year(2026, 5))
    # Withdrawn consent counts no more.
    await consents.withdraw_consent(ids[10], stats, now=year(2026, 6))
    # d0 alone agrees to career follow-up.
    await consents.give_consent(ids[14], ConsentPurpose.career_follow_up, now=year(2026, 4))
    staff = await add("staff@norec.no", year(2024), visible, stats, roles=[Role.staff])
    await add("ministry@mfa.no", year(2025), stats, roles=[Role.ministry])
    await add("former@norec.no", year(2025), roles=[Role.staff])
    await erase_user(staff, now=year(2026, 2))
    # Statistics consenters now: a1..a5 and c2..c4 (8); their last use of the portal:
    # a1..a4 recently, a5, c2 and c3 this year, c4 never.
    recent, this_year = NOW - timedelta(days=10), NOW - timedelta(days=200)
    lasts = [recent] * 4 + [this_year] * 3 + [None]
    for user_id, last in zip(ids[1:6] + ids[11:14], lasts, strict=True):
        await User.update({User.last_active_at: last}).where(User.id == user_id)
    return ids


async def test_registered_candidates_count_every_candidate_not_erased(people):
    figures = await compute_statistics(now=NOW)
    assert figures.registered_candidates == shown(15)
    assert figures.smallest_shown == 3


async def test_erased_accounts_still_count_in_the_sign_ups_of_their_year(people):
    figures = await compute_statistics(now=NOW)
    # Erased candidate accounts: 1 in 2025, 1 in 2026 (the erased staff account is not);
    # the 0 of 2024 is shown.
    assert rows(figures.erasures_by_year) == {"2024": shown(0), "2025": SMALL, "2026": SMALL}
    assert figures.erasures_by_year.total == SMALL
    # 17 sign-ups = 15 registered + 2 erased: the sign-ups total would give the 2 away.
    # The registered count is smaller, but it is the headline figure: spared.
    assert figures.sign_ups_by_year.total == SECONDARY
    assert figures.registered_candidates == shown(15)
    # 2024: 6 (one of them erased since), 2025: 3, 2026: 8 (one erased). With the total
    # suppressed, the smallest row goes too, or the others would give the total away.
    assert rows(figures.sign_ups_by_year) == {
        "2024": shown(6),
        "2025": SECONDARY,
        "2026": shown(8),
    }


async def test_nothing_more_is_suppressed_once_no_small_count_needs_it(people):
    await erase_user(people[6], now=year(2026, 7))  # b0, who signed up in 2025
    figures = await compute_statistics(now=NOW)
    # 3 erasures (1 in 2025, 2 in 2026): the total is shown and gives neither year away.
    assert rows(figures.erasures_by_year) == {"2024": shown(0), "2025": SMALL, "2026": SMALL}
    assert figures.erasures_by_year.total == shown(3)
    # So sign-ups (still 17: b0 counts in 2025) are shown in full.
    assert rows(figures.sign_ups_by_year) == {"2024": shown(6), "2025": shown(3), "2026": shown(8)}
    assert figures.sign_ups_by_year.total == shown(17)
    assert figures.registered_candidates == shown(14)


async def test_consents_per_purpose_count_standing_consents_of_candidates(people):
    figures = await compute_statistics(now=NOW)
    assert rows(figures.consents_by_purpose) == {
        # a1..a5, b0..b2, d0..d2 (a0 erased)
        "visible_to_staff": shown(11),
        # b0..b2 and c1..c4 (c0 erased)
        "vacancy_alerts": shown(7),
        # d0 only; no sum ties these rows, so nothing else is suppressed.
        "career_follow_up": SMALL,
        # a1..a5 and c2..c4 (c0 erased, c1 withdrew)
        "statistics": shown(8),
    }
    assert figures.consents_by_purpose.total is None


async def test_breakdowns_count_only_candidates_consenting_to_statistics(people):
    figures = await compute_statistics(now=NOW)
    # One never (c4) would be given away by 8 - 4 - 3: the 3 goes too.
    assert rows(figures.activity) == {
        "last_90_days": shown(4),
        "last_year": SECONDARY,
        "longer_ago": SMALL,
    }
    assert figures.activity.total == shown(8)

    # Withdrawing drops the candidate (c2, used this year) out of the breakdowns at once.
    await consents.withdraw_consent(people[11], ConsentPurpose.statistics, now=NOW)
    figures = await compute_statistics(now=NOW)
    assert rows(figures.activity) == {
        "last_90_days": shown(4),
        "last_year": SMALL,
        "longer_ago": SMALL,
    }
    assert figures.activity.total == shown(7)
    assert figures.registered_candidates == shown(15)


async def test_nothing_personal_is_in_the_figures(people):
    text = (await compute_statistics(now=NOW)).model_dump_json()
    assert "@" not in text
    assert "email" not in text


async def test_an_empty_portal_has_zeros_for_this_year(db):
    figures = await compute_statistics(now=NOW)
    assert figures.registered_candidates == shown(0)
    assert rows(figures.sign_ups_by_year) == {"2026": shown(0)}
    assert figures.vacancies.open_vacancies == 0
    assert figures.vacancies.by_organization == []


async def test_open_vacancies_per_organisation_and_grade_band(db):
    await harvest_recorded_sources()
    vacancies = (await compute_statistics(now=NOW)).vacancies
    assert vacancies.open_vacancies == 46
    assert [(o.acronym, o.open_vacancies) for o in vacancies.by_organization] == [
        ("UNICEF", 33),
        ("WBG", 6),
        ("IOM", 1),
        ("OCHA", 1),
        ("UNHCR", 1),
        ("UNDP", 1),
        ("UNFPA", 1),
        ("WFP", 1),
    ]
    # Most vacancies first, then by name ("Office of the United Nations High Commissioner
    # for Refugees" before "United Nations Development Programme").
    assert vacancies.by_organization[1].name == "World Bank Group"
    # One ReliefWeb posting from an organisation not in the catalogue.
    assert vacancies.without_organization == 1
    assert [(g.category, g.open_vacancies) for g in vacancies.by_grade_band] == [
        ("professional", 28),
        ("national_officer", 3),
        ("intern", 5),
        ("jpo", 2),
        ("other", 1),
    ]
    # The World Bank's feed gives no grades.
    assert vacancies.without_grade_band == 7
