"""Download my data, delete my account: what is exported, and exactly what is left."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from piccolo.columns import ForeignKey
from piccolo.conf.apps import Finder

from candidates import accounts, audit, consents, privacy, throttling
from candidates.privacy import LastAdmin, erase_user, export_user_data
from candidates.profile_models import LanguageSkill, ProfileIn
from candidates.profiles import save_profile, save_vacancy
from candidates.sessions import save_session
from candidates.tables import (
    AuditLog,
    CandidateCv,
    ConsentPurpose,
    EmailToken,
    Role,
    StoredMatch,
    ThrottleScope,
    User,
)
from tests.candidates.conftest import NOW, PASSWORD
from tests.candidates.test_profiles import add_vacancy
from vacancies.tables import Vacancy

T0 = NOW
T1 = NOW + timedelta(hours=1)
T2 = NOW + timedelta(days=2)
T3 = NOW + timedelta(days=3)
ERASED = NOW + timedelta(days=10)
DAY = timedelta(days=1)


def iso(when) -> str:
    return when.isoformat()


@pytest.fixture
async def admin(db):
    return await accounts.create_user("admin@norec.no", [Role.admin], now=T0)


async def kari_with_history(admin) -> int:
    """A candidate a year into using the portal: verified, consents given and withdrawn,
    a failed sign-in, a pending email change, a role given by an admin."""
    issued = await accounts.sign_up("Kari.Nordmann@example.no", PASSWORD, now=T0)
    kari = issued.user.id
    await accounts.verify_email(issued.token, now=T1)
    await consents.give_consent(kari, ConsentPurpose.visible_to_staff, now=T1)
    await consents.give_consent(kari, ConsentPurpose.vacancy_alerts, now=T1)
    await consents.withdraw_consent(kari, ConsentPurpose.vacancy_alerts, now=T2)
    with pytest.raises(accounts.InvalidCredentials):
        await accounts.authenticate(
            "kari.nordmann@example.no", "wrong password!", "10.0.0.7", now=T2
        )
    await accounts.authenticate("kari.nordmann@example.no", PASSWORD, "10.0.0.7", now=T3)
    with pytest.raises(accounts.InvalidCredentials):
        await accounts.authenticate("kari.nordmann@example.no", "wrong again!!", "10.0.0.7", now=T3)
    await accounts.request_email_change(kari, "kari@nordmann.no", now=T3)
    await accounts.grant_role(kari, Role.staff, actor_id=admin.id, now=T3)
    await save_session("kari's session id", '{"csrf": "x"}', user_id=kari, expires_at=T3 + DAY)
    await save_profile(kari, KARI_PROFILE, now=T2)
    await CandidateCv.insert(
        CandidateCv(
            user=kari,
            filename="CV Kari Nordmann.pdf",
            media_type="application/pdf",
            size=48213,
            text="Kari Nordmann. MSc Public Health, University of Bergen, 2019.",
            lang="en",
            suggestions={"skills": ["epidemiology"]},
            uploaded_at=T2,
            reviewed_at=T3,
        )
    )
    vacancy = await add_vacancy("Epidemiologist, P-2, Nairobi")
    await save_vacancy(kari, vacancy, now=T3)
    await StoredMatch.insert(
        StoredMatch(
            user=kari,
            vacancy=vacancy,
            score=0.72,
            eligible=True,
            components={"skills_required": 1.0, "languages": 0.5},
            computed_at=T3,
        )
    )
    return kari


KARI_PROFILE = ProfileIn(
    citizenships=["NO"],
    birth_year=1993,
    education_level="master",
    education_field="Public health",
    education_year=2019,
    languages=[LanguageSkill(code="nb", level="native"), LanguageSkill(code="en", level="C1")],
    experience_years=5,
    international_years=2,
    skills=["epidemiology"],
    job_families=["health"],
    duty_stations=["KEN"],
    grades=["P-2"],
    summary="Epidemiologist.",
)


async def test_export_holds_everything_stored_about_the_person(admin):
    kari = await kari_with_history(admin)
    vacancy = (await Vacancy.select(Vacancy.id).first())["id"]

    data = await export_user_data(kari)

    assert json.loads(json.dumps(data)) == data
    assert data == {
        "account": {
            "id": kari,
            "email": "kari.nordmann@example.no",
            "created_at": iso(T0),
            "email_verified_at": iso(T1),
            "last_active_at": iso(T3),
            "disabled_at": None,
            "purge_warned_at": None,
            "erased_at": None,
            "has_password": True,
            "roles": ["candidate", "staff"],
        },
        "consents": [
            {"purpose": "visible_to_staff", "given_at": iso(T1), "withdrawn_at": None},
            {"purpose": "vacancy_alerts", "given_at": iso(T1), "withdrawn_at": iso(T2)},
        ],
        "email_tokens": [
            {
                "purpose": "verify_email",
                "created_at": iso(T0),
                "expires_at": iso(T0 + timedelta(hours=48)),
                "used_at": iso(T1),
                "new_email": None,
            },
            {
                "purpose": "change_email",
                "created_at": iso(T3),
                "expires_at": iso(T3 + timedelta(hours=24)),
                "used_at": None,
                "new_email": "kari@nordmann.no",
            },
        ],
        # The failure before the successful sign-in was cleared by it.
        "login_failures": [{"at": iso(T3)}],
        "audit_log": [
            {
                "at": iso(T0),
                "action": "user_signed_up",
                "actor_id": kari,
                "subject_id": kari,
                "detail": {"roles": ["candidate"]},
            },
            {
                "at": iso(T1),
                "action": "email_verified",
                "actor_id": kari,
                "subject_id": kari,
                "detail": {},
            },
            {
                "at": iso(T1),
                "action": "consent_given",
                "actor_id": kari,
                "subject_id": kari,
                "detail": {"purpose": "visible_to_staff"},
            },
            {
                "at": iso(T1),
                "action": "consent_given",
                "actor_id": kari,
                "subject_id": kari,
                "detail": {"purpose": "vacancy_alerts"},
            },
            {
                "at": iso(T2),
                "action": "consent_withdrawn",
                "actor_id": kari,
                "subject_id": kari,
                "detail": {"purpose": "vacancy_alerts"},
            },
            {
                "at": iso(T3),
                "action": "role_granted",
                "actor_id": admin.id,
                "subject_id": kari,
                "detail": {"role": "staff"},
            },
        ],
        "sessions": [{"expires_at": iso(T3 + DAY)}],
        "profile": [
            {
                "citizenships": ["NO"],
                "birth_year": 1993,
                "education_level": "master",
                "education_field": "Public health",
                "education_year": 2019,
                "languages": [{"code": "no", "level": "native"}, {"code": "en", "level": "C1"}],
                "experience_years": 5.0,
                "international_years": 2.0,
                "skills": ["epidemiology"],
                "job_families": ["health"],
                "organizations": [],
                "regions": [],
                "duty_stations": ["KEN"],
                "grades": ["P-2"],
                "contract_types": [],
                "available_from": None,
                "summary": "Epidemiologist.",
                "created_at": iso(T2),
                "updated_at": iso(T2),
            }
        ],
        "cv": [
            {
                "filename": "CV Kari Nordmann.pdf",
                "media_type": "application/pdf",
                "size": 48213,
                "text": "Kari Nordmann. MSc Public Health, University of Bergen, 2019.",
                "lang": "en",
                "suggestions": {"skills": ["epidemiology"]},
                "uploaded_at": iso(T2),
                "reviewed_at": iso(T3),
            }
        ],
        "saved_vacancies": [
            {"vacancy_id": vacancy, "title": "Epidemiologist, P-2, Nairobi", "saved_at": iso(T3)}
        ],
        "matches": [
            {
                "vacancy_id": vacancy,
                "score": 0.72,
                "eligible": True,
                "components": {"skills_required": 1.0, "languages": 0.5},
                "computed_at": iso(T3),
            }
        ],
    }


async def test_export_has_no_token_hashes_and_names_only_the_persons_own_address(admin):
    kari = await kari_with_history(admin)
    text = json.dumps(await export_user_data(kari))
    for row in await EmailToken.select(EmailToken.token_hash):
        assert row["token_hash"] not in text
    assert "admin@norec.no" not in text
    assert "10.0.0.7" not in text


async def test_export_of_an_unknown_user_is_refused(db):
    with pytest.raises(accounts.UnknownUser):
        await export_user_data(12345)


async def _everything_mentioning(user_id: int, email: str) -> dict[str, list[dict]]:
    """Every row of every table that holds the user's id (in a foreign key to users or
    an audit actor/subject), their email, or the hash throttling keys them by."""
    account_key = throttling.key_hash(ThrottleScope.account, email)
    found: dict[str, list[dict]] = {}
    for table in Finder().get_table_classes():
        id_columns = [
            c._meta.db_column_name
            for c in table._meta.columns
            if (isinstance(c, ForeignKey) and c._foreign_key_meta.resolved_references is User)
            or c._meta.db_column_name in {"actor_id", "subject_id"}
        ]
        if table is User:
            id_columns.append("id")
        for row in await table.select():
            text = json.dumps(row, default=str).lower()
            if (
                any(row.get(c) == user_id for c in id_columns)
                or email in text
                or account_key in text
            ):
                found.setdefault(table._meta.tablename, []).append(row)
    return found


async def test_erasure_leaves_only_the_tombstone_and_the_audit_entries(admin):
    kari = await kari_with_history(admin)
    before = await _everything_mentioning(kari, "kari.nordmann@example.no")
    assert set(before) == {
        "portal_user", "user_role", "email_token", "consent", "login_failure", "audit_log",
        "user_session", "candidate_profile", "candidate_cv", "saved_vacancy",
        "candidate_match",
    }  # fmt: skip
    audit_before = len(before["audit_log"])

    erasure = await erase_user(kari, actor_id=admin.id, now=ERASED)

    assert erasure == privacy.Erasure(kari, ERASED, erased_now=True)
    left = await _everything_mentioning(kari, "kari.nordmann@example.no")
    assert set(left) == {"portal_user", "audit_log"}
    [tombstone] = left["portal_user"]
    assert tombstone == {
        "id": kari,
        "email": f"erased-{kari}@erased.invalid",
        "password_hash": None,
        "email_verified_at": None,
        "disabled_at": ERASED,
        "created_at": T0,
        "last_active_at": None,
        "purge_warned_at": None,
        "erased_at": ERASED,
    }
    assert len(left["audit_log"]) == audit_before + 1
    entries = await audit.entries(subject_id=kari, limit=1)
    assert [(e.actor_id, e.action, e.detail) for e in entries] == [
        (admin.id, "user_erased", {"reason": "request", "roles": ["candidate", "staff"]})
    ]
    # Nothing personal in the whole log.
    for row in await AuditLog.select():
        assert "kari" not in json.dumps(row, default=str).lower()
    # The admin's own account is untouched.
    assert (await accounts.get_user(admin.id)).email == "admin@norec.no"


async def test_export_after_erasure_is_only_the_tombstone(admin):
    kari = await kari_with_history(admin)
    await erase_user(kari, now=ERASED)
    assert await export_user_data(kari) == {
        "account": {
            "id": kari,
            "email": f"erased-{kari}@erased.invalid",
            "created_at": iso(T0),
            "email_verified_at": None,
            "last_active_at": None,
            "disabled_at": iso(ERASED),
            "purge_warned_at": None,
            "erased_at": iso(ERASED),
            "has_password": False,
            "roles": [],
        },
        "consents": [],
        "email_tokens": [],
        "login_failures": [],
        "audit_log": [],
        "sessions": [],
        "profile": [],
        "cv": [],
        "saved_vacancies": [],
        "matches": [],
    }


async def test_erasure_is_idempotent(admin):
    kari = await kari_with_history(admin)
    await erase_user(kari, now=ERASED)
    again = await erase_user(kari, actor_id=admin.id, now=ERASED + timedelta(days=1))
    assert again == privacy.Erasure(kari, ERASED, erased_now=False)
    erased = [e for e in await audit.entries(subject_id=kari) if e.action == "user_erased"]
    assert len(erased) == 1


async def test_the_erased_person_cannot_sign_in_and_the_address_is_free_again(admin):
    kari = await kari_with_history(admin)
    await erase_user(kari, now=ERASED)
    with pytest.raises(accounts.InvalidCredentials):
        await accounts.authenticate("kari.nordmann@example.no", PASSWORD, None, now=ERASED)
    again = await accounts.sign_up("kari.nordmann@example.no", PASSWORD, now=ERASED)
    assert again.user.id > kari


async def test_the_last_active_admin_cannot_be_erased(admin):
    with pytest.raises(LastAdmin):
        await erase_user(admin.id, now=ERASED)
    assert (await accounts.get_user(admin.id)).email == "admin@norec.no"
    other = await accounts.create_user("ops@norec.no", [Role.admin], now=T0)
    await accounts.disable_user(other.id, actor_id=None, now=T0)
    with pytest.raises(LastAdmin):  # a disabled admin does not count
        await erase_user(admin.id, now=ERASED)
    await accounts.enable_user(other.id, actor_id=None, now=T0)
    assert (await erase_user(admin.id, now=ERASED)).erased_now
    with pytest.raises(LastAdmin):
        await erase_user(other.id, now=ERASED)


async def test_a_registered_section_is_exported_and_erased(admin):
    kari = (await accounts.sign_up("kari@example.no", PASSWORD, now=T0)).user.id
    erased: list[int] = []

    async def export(user_id: int):
        return [{"cv": f"cv of {user_id}"}]

    async def erase(user_id: int, now):
        erased.append(user_id)

    privacy.register_section(privacy.PersonalDataSection("shortlists", export, erase))
    try:
        assert (await export_user_data(kari))["shortlists"] == [{"cv": f"cv of {kari}"}]
        await erase_user(kari, now=ERASED)
        assert erased == [kari]
        assert (await export_user_data(kari))["shortlists"] == []
    finally:
        privacy._sections.pop("shortlists")
    with pytest.raises(ValueError, match="core section"):
        privacy.register_section(privacy.PersonalDataSection("account", export, erase))
