"""Staff access to candidates: only candidates who consent to be visible, every look
audited, a refused look neither audited nor told apart from an unknown id."""

from __future__ import annotations

from datetime import timedelta

import pytest

from candidates import accounts, audit, consents
from candidates.privacy import erase_user
from candidates.profiles import save_profile
from candidates.staff_access import (
    CandidateView,
    CurrentConsent,
    NotStaff,
    NotVisible,
    export_candidate,
    view_candidate,
    visible_candidates,
)
from candidates.tables import CandidateCv, ConsentPurpose, Role
from tests.candidates.conftest import NOW
from tests.candidates.test_profiles import KARI

LATER = NOW + timedelta(hours=2)


async def candidate(email: str, *purposes: ConsentPurpose, at=NOW) -> int:
    user = await accounts.create_user(email, [Role.candidate], now=at)
    for purpose in purposes:
        await consents.give_consent(user.id, purpose, now=at + timedelta(minutes=5))
    return user.id


@pytest.fixture
async def staff(db) -> int:
    return (await accounts.create_user("saksbehandler@norec.no", [Role.staff], now=NOW)).id


async def test_the_list_holds_exactly_the_visible_candidates_by_email(staff):
    visible = ConsentPurpose.visible_to_staff
    ola = await candidate("ola@example.no", visible, ConsentPurpose.vacancy_alerts)
    anne = await candidate("anne@example.no", visible)
    await candidate("never@example.no", ConsentPurpose.vacancy_alerts)
    withdrew = await candidate("withdrew@example.no", visible)
    await consents.withdraw_consent(withdrew, visible, now=LATER)
    disabled = await candidate("disabled@example.no", visible)
    await accounts.disable_user(disabled, actor_id=None, now=LATER)
    erased = await candidate("erased@example.no", visible)
    await erase_user(erased, now=LATER)
    # Staff (not a candidate) who consents: not in the list either.
    await consents.give_consent(staff, visible, now=NOW)

    listed = await visible_candidates()
    assert [(c.id, c.email) for c in listed.items] == [
        (anne, "anne@example.no"),
        (ola, "ola@example.no"),
    ]
    assert listed.total == 2
    assert listed.items[0].registered_at == NOW
    assert listed.items[0].visible_since == NOW + timedelta(minutes=5)
    assert listed.items[0].last_active_at is None


async def test_the_list_is_paginated(staff):
    for n in range(5):
        await candidate(f"c{n}@example.no", ConsentPurpose.visible_to_staff)
    second = await visible_candidates(page=2, per_page=2)
    assert [c.email for c in second.items] == ["c2@example.no", "c3@example.no"]
    assert (second.total, second.pages) == (5, 3)
    last = await visible_candidates(page=3, per_page=2)
    assert [c.email for c in last.items] == ["c4@example.no"]
    assert (await visible_candidates(page=4, per_page=2)).items == []
    with pytest.raises(ValueError, match="per_page"):
        await visible_candidates(per_page=101)


async def test_a_view_shows_current_consents_and_is_audited(staff):
    kari = await candidate(
        "kari@example.no", ConsentPurpose.statistics, ConsentPurpose.visible_to_staff
    )
    await consents.give_consent(kari, ConsentPurpose.vacancy_alerts, now=NOW)
    await consents.withdraw_consent(kari, ConsentPurpose.vacancy_alerts, now=LATER)

    view = await view_candidate(staff, kari, now=LATER)
    assert view == CandidateView(
        id=kari,
        email="kari@example.no",
        registered_at=NOW,
        last_active_at=None,
        consents=[
            CurrentConsent(purpose="visible_to_staff", given_at=NOW + timedelta(minutes=5)),
            CurrentConsent(purpose="statistics", given_at=NOW + timedelta(minutes=5)),
        ],
    )
    [entry] = await audit.entries(action="candidate_viewed")
    assert (entry.actor_id, entry.subject_id, entry.at, entry.detail) == (staff, kari, LATER, {})


async def test_an_export_is_json_ready_and_audited(staff):
    kari = await candidate("kari@example.no", ConsentPurpose.visible_to_staff)
    data = await export_candidate(staff, kari, now=LATER)
    assert data == {
        "exported_at": "2026-03-02T11:30:00Z",
        "exported_by": staff,
        "candidate": {
            "id": kari,
            "email": "kari@example.no",
            "registered_at": "2026-03-02T09:30:00Z",
            "last_active_at": None,
            "consents": [{"purpose": "visible_to_staff", "given_at": "2026-03-02T09:35:00Z"}],
            "profile": None,
            "cv_text": None,
        },
    }
    [entry] = await audit.entries(action="candidate_exported")
    assert (entry.actor_id, entry.subject_id) == (staff, kari)
    assert await audit.entries(action="candidate_viewed") == []


async def test_the_view_and_the_export_hold_the_profile_and_the_cv_text(staff):
    kari = await candidate("kari@example.no", ConsentPurpose.visible_to_staff)
    saved = await save_profile(kari, KARI, now=NOW)
    await CandidateCv.insert(
        CandidateCv(
            user=kari,
            filename="kari-cv.docx",
            media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            size=21877,
            text="Kari Nordmann\nEpidemiologist, Norwegian Institute of Public Health 2019-2025",
            lang="en",
            suggestions={},
            uploaded_at=NOW,
        )
    )
    view = await view_candidate(staff, kari, now=LATER)
    assert view.profile == saved
    assert view.cv_text == (
        "Kari Nordmann\nEpidemiologist, Norwegian Institute of Public Health 2019-2025"
    )
    data = await export_candidate(staff, kari, now=LATER)
    assert data["candidate"]["profile"]["skills"] == [
        "epidemiology",
        "project-management",
        "monitoring-evaluation",
    ]
    assert data["candidate"]["profile"]["languages"][0] == {"code": "no", "level": "native"}
    assert data["candidate"]["profile"]["available_from"] == "2027-02-01"
    assert data["candidate"]["cv_text"] == view.cv_text
    assert [(e.action, e.actor_id, e.subject_id) for e in await audit.entries()][:2] == [
        ("candidate_exported", staff, kari),
        ("candidate_viewed", staff, kari),
    ]


@pytest.mark.parametrize("reason", ["never", "withdrew", "disabled", "erased", "not a candidate"])
async def test_a_refused_look_raises_not_visible_and_is_not_audited(staff, reason):
    visible = ConsentPurpose.visible_to_staff
    person = await candidate("person@example.no", *([] if reason == "never" else [visible]))
    if reason == "withdrew":
        await consents.withdraw_consent(person, visible, now=LATER)
    elif reason == "disabled":
        await accounts.disable_user(person, actor_id=None, now=LATER)
    elif reason == "erased":
        await erase_user(person, now=LATER)
    elif reason == "not a candidate":
        await accounts.set_roles(person, [Role.ministry], actor_id=None, now=LATER)
    for look in (view_candidate, export_candidate):
        with pytest.raises(NotVisible, match=f"no visible candidate with id {person}"):
            await look(staff, person)
    actions = {e.action for e in await audit.entries(limit=1000)}
    assert not actions & {"candidate_viewed", "candidate_exported"}


async def test_an_unknown_id_is_refused_alike(staff):
    with pytest.raises(NotVisible, match="no visible candidate with id 999999"):
        await view_candidate(staff, 999_999)


async def test_withdrawing_takes_effect_on_the_next_look(staff):
    kari = await candidate("kari@example.no", ConsentPurpose.visible_to_staff)
    assert (await view_candidate(staff, kari)).id == kari
    await consents.withdraw_consent(kari, ConsentPurpose.visible_to_staff, now=LATER)
    with pytest.raises(NotVisible):
        await view_candidate(staff, kari)
    assert (await visible_candidates()).items == []
    assert len(await audit.entries(action="candidate_viewed")) == 1


async def test_only_enabled_staff_may_look(staff):
    kari = await candidate("kari@example.no", ConsentPurpose.visible_to_staff)
    admin = (await accounts.create_user("admin@norec.no", [Role.admin], now=NOW)).id
    with pytest.raises(NotStaff):
        await view_candidate(admin, kari)
    await accounts.disable_user(staff, actor_id=None, now=LATER)
    with pytest.raises(NotStaff):
        await export_candidate(staff, kari)
    assert await audit.entries(action="candidate_viewed") == []
