"""Consent per purpose with its history."""

from __future__ import annotations

from datetime import timedelta

import pytest

from candidates import accounts, audit
from candidates.consents import (
    consent_history,
    current_consents,
    give_consent,
    has_consent,
    users_consenting,
    withdraw_consent,
)
from candidates.schemas import ConsentOut
from candidates.tables import Consent, ConsentPurpose
from tests.candidates.conftest import NOW, PASSWORD


@pytest.fixture
async def kari(db):
    return (await accounts.sign_up("kari@example.no", PASSWORD, now=NOW)).user


async def test_consents_are_given_per_purpose_with_time(kari):
    await give_consent(kari.id, ConsentPurpose.visible_to_staff, now=NOW)
    await give_consent(kari.id, "vacancy_alerts", now=NOW + timedelta(minutes=1))
    assert await current_consents(kari.id) == {
        ConsentPurpose.visible_to_staff: NOW,
        ConsentPurpose.vacancy_alerts: NOW + timedelta(minutes=1),
    }
    assert await has_consent(kari.id, "visible_to_staff")
    assert not await has_consent(kari.id, ConsentPurpose.statistics)
    assert await users_consenting(ConsentPurpose.visible_to_staff) == [kari.id]


async def test_giving_twice_keeps_the_first_time(kari):
    first = await give_consent(kari.id, ConsentPurpose.statistics, now=NOW)
    again = await give_consent(kari.id, ConsentPurpose.statistics, now=NOW + timedelta(days=1))
    assert first == again == ConsentOut(purpose=ConsentPurpose.statistics, given_at=NOW)
    assert await Consent.count() == 1


async def test_withdrawing_keeps_the_history_and_giving_again_adds_a_row(kari):
    purpose = ConsentPurpose.career_follow_up
    await give_consent(kari.id, purpose, now=NOW)
    assert await withdraw_consent(kari.id, purpose, now=NOW + timedelta(days=10))
    assert not await withdraw_consent(kari.id, purpose, now=NOW + timedelta(days=11))
    assert await current_consents(kari.id) == {}
    await give_consent(kari.id, purpose, now=NOW + timedelta(days=30))
    assert await consent_history(kari.id) == [
        ConsentOut(purpose=purpose, given_at=NOW, withdrawn_at=NOW + timedelta(days=10)),
        ConsentOut(purpose=purpose, given_at=NOW + timedelta(days=30)),
    ]
    assert await current_consents(kari.id) == {purpose: NOW + timedelta(days=30)}
    actions = [(e.action, e.detail) for e in reversed(await audit.entries(subject_id=kari.id))]
    assert actions[1:] == [
        ("consent_given", {"purpose": "career_follow_up"}),
        ("consent_withdrawn", {"purpose": "career_follow_up"}),
        ("consent_given", {"purpose": "career_follow_up"}),
    ]


async def test_one_standing_consent_per_purpose_in_the_database(kari):
    await give_consent(kari.id, ConsentPurpose.statistics, now=NOW)
    with pytest.raises(Exception, match=r"(?i)unique"):
        await Consent.insert(Consent(user=kari.id, purpose="statistics", given_at=NOW))


async def test_unknown_purpose_is_refused(kari):
    with pytest.raises(ValueError, match="'marketing' is not a valid ConsentPurpose"):
        await give_consent(kari.id, "marketing", now=NOW)
