"""Norec's existing roster into the portal: ``portal candidates import FILE`` (issue 7).

The file is CSV with a header row, or JSONL (one JSON object per line): by its
extension (``.csv``; ``.jsonl``/``.ndjson``), else by its content (a first line starting
with ``{`` is JSONL). Columns and keys are ``email`` (required), the fields of
:class:`~candidates.profile_models.ProfileIn`, and ``visible_to_staff_consent_at``.

In CSV, lists are separated by ``;`` (``skills = "epidemiology;gis"``) and languages are
written ``code:level`` (``"nb:native;en:C1;fr:B1"``); an empty cell means "not given".
In JSONL lists are arrays and languages are ``{"code": "en", "level": "C1"}`` objects
or ``"en:C1"`` strings. ``visible_to_staff_consent_at`` is the ISO 8601 time Norec
recorded the person's consent to be seen by staff (a time without a zone is UTC); only
a row with it records that consent, at that time, and a time in the future is refused.

Every row is checked before anything is written: the email address (as sign-up checks
it), the same address twice in the file (every such row is refused: which one is right
cannot be told), the profile's shapes (:class:`ProfileIn`) and codes
(:func:`candidates.profiles.checked`), and the account the address already has. An
address of an existing candidate updates that candidate's profile (and may add the
consent); an address of a staff, ministry or admin account, or of a disabled account,
is refused. A new address becomes a verified candidate account without a password,
like ``portal users create`` without ``--password-stdin`` but with no set-password link:
the person chooses a password with "Forgot your password?".

Each valid row is written in its own transaction, so a row that fails loses nothing
else. The rejected rows go to a report (line number, email if any, every reason). The
import is audited once as ``roster_imported`` with counts only (no personal data),
besides the usual ``user_created``, ``role_granted`` and ``consent_given`` entries.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from candidates import accounts, audit, consents, profiles
from candidates.audit import AuditAction
from candidates.profile_models import ProfileIn
from candidates.profiles import ProfileRefused
from candidates.tables import ConsentPurpose, Role, User, UserRole
from vacancies.db import write_transaction

CONSENT_COLUMN = "visible_to_staff_consent_at"
COLUMNS = ("email", *ProfileIn.model_fields, CONSENT_COLUMN)
LIST_FIELDS = frozenset(
    name
    for name, info in ProfileIn.model_fields.items()
    if "list" in str(info.annotation) and name != "languages"
)
MAX_BYTES = 50 * 1024 * 1024
REPORT_COLUMNS = ("line", "email", "reasons")


class RosterUnreadable(ValueError):
    """The file cannot be read as a roster at all (missing, binary, not UTF-8, empty,
    a CSV without an ``email`` column or with unknown columns)."""


@dataclass
class RosterRow:
    line: int
    raw: dict[str, Any]
    email: str | None = None
    profile: ProfileIn | None = None
    consent_at: datetime | None = None
    user_id: int | None = None
    """The existing candidate's account."""
    reasons: list[str] = field(default_factory=list)


@dataclass
class Rejected:
    line: int
    email: str | None
    reasons: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "email": self.email, "reasons": self.reasons}


@dataclass
class RosterResult:
    path: str
    format: str
    rows: int = 0
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    dry_run: bool = False

    @property
    def imported(self) -> int:
        return len(self.created) + len(self.updated)

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.path,
            "format": self.format,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "created": len(self.created),
            "updated": len(self.updated),
            "rejected": [r.as_dict() for r in self.rejected],
        }


# --- reading ----------------------------------------------------------------------------


def _text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RosterUnreadable(f"{path}: {exc.strerror or exc}") from exc
    if len(data) > MAX_BYTES:
        raise RosterUnreadable(f"{path}: larger than {MAX_BYTES // (1024 * 1024)} MB")
    if b"\x00" in data:
        raise RosterUnreadable(f"{path}: a binary file, not CSV or JSONL")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RosterUnreadable(
            f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})"
        ) from exc
    if not text.strip():
        raise RosterUnreadable(f"{path}: the file is empty")
    return text


def detect_format(path: Path, text: str) -> str:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    return "jsonl" if text.lstrip().startswith("{") else "csv"


def _csv_rows(text: str, path: Path) -> list[tuple[int, dict[str, Any]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise RosterUnreadable(f"{path}: no header row") from exc
    names = [h.strip().lower() for h in header]
    if "email" not in names:
        raise RosterUnreadable(f"{path}: the header has no 'email' column")
    if unknown := [n for n in names if n not in COLUMNS]:
        raise RosterUnreadable(
            f"{path}: unknown column(s) {', '.join(repr(n) for n in unknown)}; "
            f"expected some of {', '.join(COLUMNS)}"
        )
    if len(set(names)) != len(names):
        twice = sorted(n for n, c in Counter(names).items() if c > 1)
        raise RosterUnreadable(f"{path}: column(s) {', '.join(twice)} appear twice")
    rows: list[tuple[int, dict[str, Any]]] = []
    line = reader.line_num + 1
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                row: dict[str, Any] = dict(zip(names, (c.strip() for c in cells), strict=False))
                if len(cells) > len(names):
                    row["__extra__"] = len(cells) - len(names)
                rows.append((line, row))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise RosterUnreadable(f"{path}, line {reader.line_num}: {exc}") from exc
    return rows


def _jsonl_rows(text: str) -> list[tuple[int, dict[str, Any]]]:
    rows: list[tuple[int, dict[str, Any]]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            rows.append((number, {"__error__": f"not valid JSON ({exc.msg})"}))
            continue
        if not isinstance(value, dict):
            rows.append((number, {"__error__": "not a JSON object"}))
            continue
        rows.append((number, value))
    return rows


def read_roster(path: Path) -> tuple[str, list[tuple[int, dict[str, Any]]]]:
    """(format, [(line number, record)]). Raises :class:`RosterUnreadable`."""
    text = _text(path)
    kind = detect_format(path, text)
    return kind, (_csv_rows(text, path) if kind == "csv" else _jsonl_rows(text))


# --- one row ----------------------------------------------------------------------------


def _split(value: Any) -> Any:
    if isinstance(value, str):
        return [item.strip() for item in value.split(";") if item.strip()]
    return value


def _language(item: Any) -> Any:
    if isinstance(item, str):
        code, sep, level = item.partition(":")
        if not sep:
            raise ValueError(f"{item.strip()!r} has no level (write it like en:C1)")
        level = level.strip()
        return {
            "code": code.strip().lower(),
            "level": level.lower() if level.lower() == "native" else level.upper(),
        }
    return item


def profile_input(raw: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The record's ProfileIn fields, with CSV's strings turned into lists, and the
    reasons found doing so."""
    reasons: list[str] = []
    data: dict[str, Any] = {}
    for key, value in raw.items():
        if key in ("email", CONSENT_COLUMN) or key.startswith("__"):
            continue
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if key in LIST_FIELDS:
            value = _split(value)
        elif key == "languages":
            try:
                value = [_language(item) for item in _split(value)]
            except ValueError as exc:
                reasons.append(f"languages: {exc}")
                continue
        data[key] = value
    return data, reasons


def _pydantic_reasons(exc: ValidationError) -> list[str]:
    reasons = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"]) or "row"
        reasons.append(f"{where}: {error['msg']}")
    return reasons


def _consent_time(value: Any, now: datetime) -> datetime:
    if not isinstance(value, str):
        raise ValueError("not an ISO 8601 date and time")
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise ValueError(f"{value!r} is not an ISO 8601 date and time") from exc
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    if when > now:
        raise ValueError(f"{value!r} is in the future")
    return when


async def _check_row(row: RosterRow, now: datetime) -> None:
    raw = row.raw
    if "__error__" in raw:
        row.reasons.append(raw["__error__"])
        return
    if "__extra__" in raw:
        row.reasons.append(f"{raw['__extra__']} more cell(s) than the header has columns")
    email = raw.get("email")
    if not isinstance(email, str) or not email.strip():
        row.reasons.append("email: missing")
    else:
        row.email = email.strip()
        try:
            row.email = accounts.normalise_email(email)
        except accounts.InvalidEmail as exc:
            row.reasons.append(f"email: {exc}")
    consent = raw.get(CONSENT_COLUMN)
    if consent not in (None, ""):
        try:
            row.consent_at = _consent_time(consent, now)
        except ValueError as exc:
            row.reasons.append(f"{CONSENT_COLUMN}: {exc}")
    data, reasons = profile_input(raw)
    row.reasons.extend(reasons)
    try:
        profile = ProfileIn.model_validate(data)
    except ValidationError as exc:
        row.reasons.extend(_pydantic_reasons(exc))
        return
    try:
        row.profile = await profiles.checked(profile, now=now)
    except ProfileRefused as refused:
        row.reasons.extend(f"{name}: {message}" for name, message in refused.errors.items())


async def _check_account(row: RosterRow) -> None:
    """The existing account of the row's address: a candidate's is updated, others are
    refused."""
    found = await User.select(User.id, User.disabled_at).where(User.email == row.email).first()
    if found is None:
        return
    roles = {
        r["role"] for r in await UserRole.select(UserRole.role).where(UserRole.user == found["id"])
    }
    if roles - {Role.candidate.value}:
        row.reasons.append(
            "email: belongs to a staff, ministry or admin account, which cannot be a candidate"
        )
    elif Role.candidate.value not in roles:
        row.reasons.append("email: belongs to an account without the candidate role")
    elif found["disabled_at"] is not None:
        row.reasons.append("email: belongs to a disabled account")
    else:
        row.user_id = found["id"]


async def _write(row: RosterRow, now: datetime) -> bool:
    """The row's account, profile and consent in one transaction; True if the account
    was created."""
    assert row.email is not None and row.profile is not None
    async with write_transaction():
        created = row.user_id is None
        if created:
            user = await accounts.create_user(row.email, [Role.candidate], actor_id=None, now=now)
            row.user_id = user.id
        assert row.user_id is not None
        await profiles.save_profile(row.user_id, row.profile, now=now)
        if row.consent_at is not None:
            await consents.give_consent(
                row.user_id, ConsentPurpose.visible_to_staff, now=row.consent_at
            )
    return created


async def import_roster(path: Path, *, now: datetime, dry_run: bool = False) -> RosterResult:
    """Check every row, write the valid ones (not with ``dry_run``). Raises
    :class:`RosterUnreadable`."""
    kind, records = read_roster(path)
    result = RosterResult(path=str(path), format=kind, rows=len(records), dry_run=dry_run)
    rows = [RosterRow(line, raw) for line, raw in records]
    for row in rows:
        await _check_row(row, now)
    lines_of: dict[str, list[int]] = {}
    for row in rows:
        if row.email and not any(r.startswith("email:") for r in row.reasons):
            lines_of.setdefault(row.email, []).append(row.line)
    for row in rows:
        others = [n for n in lines_of.get(row.email or "", []) if n != row.line]
        if others:
            row.reasons.append(
                f"email: also on line {', '.join(str(n) for n in others)} of the file"
            )
    for row in rows:
        if not row.reasons:
            await _check_account(row)
        if row.reasons:
            result.rejected.append(Rejected(row.line, row.email, row.reasons))
            continue
        if dry_run:
            (result.updated if row.user_id else result.created).append(row.email or "")
            continue
        try:
            created = await _write(row, now)
        except (accounts.AccountError, ProfileRefused) as exc:
            result.rejected.append(Rejected(row.line, row.email, [f"not imported: {exc}"]))
            continue
        (result.created if created else result.updated).append(row.email or "")
    if not dry_run:
        await audit.record(
            AuditAction.roster_imported,
            actor_id=None,
            subject_id=None,
            detail={
                "format": kind,
                "rows": result.rows,
                "created": len(result.created),
                "updated": len(result.updated),
                "rejected": len(result.rejected),
            },
            now=now,
        )
    return result


# --- the report -------------------------------------------------------------------------


def default_report_path(path: Path) -> Path:
    return path.with_name(path.name + ".rejected.csv")


def write_report(result: RosterResult, report: Path) -> None:
    """The rejected rows as CSV (line, email, reasons joined by " | "); a header only
    when none was rejected."""
    with report.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(REPORT_COLUMNS)
        for rejected in result.rejected:
            writer.writerow([rejected.line, rejected.email or "", " | ".join(rejected.reasons)])
