"""The roster import (candidates/roster.py) on Norec's realistic files in
tests/data/roster: every row checked, the valid ones imported each on its own, every
reason of a rejected row reported."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from candidates import accounts, audit, consents, profiles
from candidates.profile_models import ProfileIn
from candidates.roster import (
    RosterUnreadable,
    default_report_path,
    import_roster,
    write_report,
)
from candidates.tables import CandidateProfile, ConsentPurpose, Role, User

DATA = Path(__file__).parents[1] / "data" / "roster"
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)

CSV_REJECTED = [
    (2, "kari.nordmann@example.no", ["email: also on line 9 of the file"]),
    (
        6,
        "sofie.eriksen@example",
        ["email: The part after the @-sign is not valid. It should have a period."],
    ),
    (7, "marius.larsen@example.no", ["skills: unknown skill id 'basket-weaving'"]),
    (
        8,
        "nora.pedersen@example.no",
        ["languages.1.level: Input should be 'A1', 'A2', 'B1', 'B2', 'C1', 'C2' or 'native'"],
    ),
    (9, "kari.nordmann@example.no", ["email: also on line 2 of the file"]),
    (10, "emma.andersen@example.no", ["birth_year: Input should be greater than or equal to 1900"]),
]
CSV_IMPORTED = [
    "ola.hansen@example.no",
    "ingrid.berg@example.no",
    "lars.johansen@example.no",
    "jonas.nilsen@example.no",
    "silje.kristiansen@example.no",
    "anders.haugen@example.no",
]


def rejected(result) -> list[tuple[int, str | None, list[str]]]:
    return [(r.line, r.email, r.reasons) for r in result.rejected]


async def profile_of(email: str):
    user = await accounts.find_user_by_email(email)
    assert user is not None, email
    return user, await profiles.get_profile(user.id)


async def test_the_csv_roster_imports_the_valid_rows_and_reports_the_others(db):
    result = await import_roster(DATA / "roster.csv", now=NOW)
    assert (result.format, result.rows) == ("csv", 12)
    assert result.created == CSV_IMPORTED and result.updated == []
    assert rejected(result) == CSV_REJECTED
    assert await User.count() == 6 and await CandidateProfile.count() == 6

    ingrid, profile = await profile_of("ingrid.berg@example.no")
    assert ingrid.roles == [Role.candidate]
    assert not ingrid.has_password and ingrid.email_verified_at == NOW
    assert profile.citizenships == ["NO", "SE"]
    assert [(lang.code, lang.level) for lang in profile.languages] == [
        ("no", "native"),
        ("en", "C1"),
        ("fr", "C1"),
        ("ar", "A2"),
    ]
    assert profile.skills == [
        "human-rights-law",
        "refugee-law",
        "legal-research",
        "refugee-status-determination",
    ]
    assert profile.regions == ["western-asia", "northern-africa"]
    assert profile.duty_stations == ["JOR", "LBN"]
    assert profile.grades == ["P-1", "P-2", "JPO"]
    assert profile.contract_types == ["jpo", "professional"]
    assert profile.available_from == date(2026, 12, 1)
    assert profile.summary.startswith("Lawyer, LL.M. in international human rights law")
    # No consent column value: no consent recorded.
    assert await consents.current_consents(ingrid.id) == {}

    ola, profile = await profile_of("ola.hansen@example.no")
    assert profile.organizations == ["IMF", "WBG", "UNDP"]
    assert (profile.experience_years, profile.international_years) == (11.0, 7.0)
    assert await consents.current_consents(ola.id) == {
        ConsentPurpose.visible_to_staff: datetime(2023, 11, 2, 8, 0, tzinfo=UTC)
    }
    # A time without a zone is UTC.
    anders, _ = await profile_of("anders.haugen@example.no")
    assert await consents.current_consents(anders.id) == {
        ConsentPurpose.visible_to_staff: datetime(2021, 3, 15, 8, 0, tzinfo=UTC)
    }
    lars, profile = await profile_of("lars.johansen@example.no")
    assert profile.available_from is None and profile.grades == ["P-4", "P-5", "D-1"]
    assert await consents.current_consents(lars.id) == {
        ConsentPurpose.visible_to_staff: datetime(2022, 9, 30, 12, 45, tzinfo=UTC)
    }

    entries = await audit.entries(action="roster_imported")
    assert [(e.actor_id, e.subject_id, e.detail) for e in entries] == [
        (None, None, {"format": "csv", "rows": 12, "created": 6, "updated": 0, "rejected": 6})
    ]
    assert len(await audit.entries(action="user_created")) == 6
    assert len(await audit.entries(action="consent_given")) == 5


async def test_the_jsonl_roster(db):
    result = await import_roster(DATA / "roster.jsonl", now=NOW)
    assert (result.format, result.rows) == ("jsonl", 6)
    assert result.created == [
        "ragnhild.moe@example.no",
        "henrik.dahl@example.no",
        "marte.solberg@example.no",
    ]
    assert rejected(result) == [
        (3, "per.bakken@example.no", ["organizations: unknown organisation 'ACME Relief'"]),
        (5, None, ["not valid JSON (Expecting ',' delimiter)"]),
        (
            7,
            "tone.lie@example.no",
            ["birth_year: Input should be a valid integer, unable to parse string as an integer"],
        ),
    ]
    _, henrik = await profile_of("henrik.dahl@example.no")
    assert [(lang.code, lang.level) for lang in henrik.languages] == [
        ("no", "native"),
        ("en", "C1"),
    ]
    assert henrik.grades == ["P-1", "P-2", "JPO"] and henrik.available_from is None


async def test_an_existing_candidate_is_updated_and_staff_is_refused(db, tmp_path):
    kari = await accounts.create_user("Kari.Nordmann@example.no", [Role.candidate], now=NOW)
    await profiles.save_profile(kari.id, ProfileIn(skills=["gis"]), now=NOW - timedelta(days=30))
    await accounts.create_user("ola.hansen@example.no", [Role.staff], now=NOW)
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "email,skills,languages,visible_to_staff_consent_at\n"
        "kari.nordmann@example.no,epidemiology;gis,nb:native;en:c1,2024-05-14T10:22:00+02:00\n"
        "ola.hansen@example.no,macroeconomics,,\n",
        encoding="utf-8",
    )
    result = await import_roster(roster, now=NOW)
    assert result.updated == ["kari.nordmann@example.no"] and result.created == []
    assert rejected(result) == [
        (
            3,
            "ola.hansen@example.no",
            ["email: belongs to a staff, ministry or admin account, which cannot be a candidate"],
        )
    ]
    profile = await profiles.get_profile(kari.id)
    assert profile.skills == ["epidemiology", "gis"]
    assert [(lang.code, lang.level) for lang in profile.languages] == [
        ("no", "native"),
        ("en", "C1"),
    ]
    assert (profile.created_at, profile.updated_at) == (NOW - timedelta(days=30), NOW)
    assert await consents.current_consents(kari.id) == {
        ConsentPurpose.visible_to_staff: datetime(2024, 5, 14, 8, 22, tzinfo=UTC)
    }


async def test_a_row_collects_every_reason(db, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "email,skills,languages,grades,birth_year,visible_to_staff_consent_at\n"
        "ola@norec,gis;knitting,en;fr:B1,P-9,1850,yesterday\n"
        ",gis,,,,\n",
        encoding="utf-8",
    )
    result = await import_roster(roster, now=NOW)
    assert rejected(result) == [
        (
            2,
            "ola@norec",
            [
                "email: The part after the @-sign is not valid. It should have a period.",
                "visible_to_staff_consent_at: 'yesterday' is not an ISO 8601 date and time",
                "languages: 'en' has no level (write it like en:C1)",
                "birth_year: Input should be greater than or equal to 1900",
            ],
        ),
        (3, None, ["email: missing"]),
    ]
    assert await User.count() == 0


async def test_a_dry_run_writes_nothing(db):
    result = await import_roster(DATA / "roster.csv", now=NOW, dry_run=True)
    assert result.created == CSV_IMPORTED and rejected(result) == CSV_REJECTED
    assert await User.count() == 0
    assert await audit.entries() == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"  \n\n", "the file is empty"),
        (b"%PDF-1.7\x00\x01binary", "a binary file"),
        (b"email;skills\nkari@example.no;gis\n", "the header has no 'email' column"),
        (b"email,skils\nkari@example.no,gis\n", "unknown column(s) 'skils'"),
        ("e-post,ferdigheter\n".encode("latin-1") + b"\xf8\n", "not UTF-8 text"),
    ],
)
async def test_an_unreadable_file_is_refused_whole(db, tmp_path, content, message):
    roster = tmp_path / "roster.csv"
    roster.write_bytes(content)
    with pytest.raises(
        RosterUnreadable, match="^.*" + message.replace("(", r"\(").replace(")", r"\)")
    ):
        await import_roster(roster, now=NOW)
    with pytest.raises(RosterUnreadable, match="No such file"):
        await import_roster(tmp_path / "missing.csv", now=NOW)


async def test_a_header_without_rows_imports_nothing(db, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("email,skills\n", encoding="utf-8")
    result = await import_roster(roster, now=NOW)
    assert (result.rows, result.imported, result.rejected) == (0, 0, [])


async def test_the_report_lists_line_email_and_reasons(db, tmp_path):
    result = await import_roster(DATA / "roster.csv", now=NOW, dry_run=True)
    report = default_report_path(tmp_path / "roster.csv")
    assert report.name == "roster.csv.rejected.csv"
    write_report(result, report)
    with report.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["line", "email", "reasons"]
    assert rows[1:] == [
        [str(line), email, " | ".join(reasons)] for line, email, reasons in CSV_REJECTED
    ]
