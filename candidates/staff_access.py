"""What Norec staff may see of candidates, and the audit of every look. No HTTP.

A candidate is *visible* to staff when, at the moment of the request, the account

- holds the candidate role,
- is neither erased nor disabled, and
- consents to :attr:`ConsentPurpose.visible_to_staff` (a standing consent, not withdrawn).

Everything is read from the database on each call (nothing is cached), so a consent
withdrawn takes effect on the very next request. A candidate who is not visible, for
whatever reason, and an id that names no one raise the same :class:`NotVisible`: the web
layer answers 404 and reveals nothing about whether the account exists.

:func:`view_candidate` and :func:`export_candidate` append ``candidate_viewed`` and
``candidate_exported`` to the audit log (actor: the staff member, subject: the
candidate; ids only), *before* the data is returned, so no data leaves without its
entry. A refused look is not audited: no personal data was seen.

:class:`CandidateView` is what staff see of one candidate: the account, the standing
consents, the profile (:mod:`candidates.profiles`) and the text read from the latest CV
(``candidate_cv``), so the page, the API and the export show the same.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from candidates import audit
from candidates.audit import AuditAction
from candidates.clock import utc_now
from candidates.profile_models import Profile
from candidates.profiles import get_profile
from candidates.tables import CandidateCv, Consent, ConsentPurpose, Role, User, UserRole

MAX_PER_PAGE = 100


class NotVisible(LookupError):
    """No candidate with this id is visible to staff (never consented, withdrew, erased,
    disabled, not a candidate, or no such account: deliberately not told apart)."""

    def __init__(self, candidate_id: int) -> None:
        super().__init__(f"no visible candidate with id {candidate_id}")


class NotStaff(PermissionError):
    """The acting user is not an enabled member of Norec staff."""


class VisibleCandidate(BaseModel):
    """One line of the staff's candidate list."""

    id: int
    email: str
    registered_at: datetime
    last_active_at: datetime | None
    visible_since: datetime = Field(description="when the candidate consented to be visible")


class CandidateList(BaseModel):
    items: list[VisibleCandidate]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


class CurrentConsent(BaseModel):
    purpose: ConsentPurpose
    given_at: datetime


class CandidateView(BaseModel):
    """What staff may see of one candidate: the account, the standing consents, the
    profile and the text of the latest CV."""

    id: int
    email: str
    registered_at: datetime
    last_active_at: datetime | None
    consents: list[CurrentConsent] = Field(description="standing consents, by purpose")
    profile: Profile | None = Field(default=None, description="None until one is saved")
    cv_text: str | None = Field(
        default=None, description="the text read from the latest CV; None without one"
    )


class CandidateExport(BaseModel):
    """A download of what staff may see of one candidate."""

    exported_at: datetime
    exported_by: int = Field(description="the staff member's id")
    candidate: CandidateView


def visible_condition():
    """The condition on ``portal_user`` rows of candidates visible to staff now."""
    candidates = UserRole.select(UserRole.user).where(UserRole.role == Role.candidate.value)
    consenting = Consent.select(Consent.user).where(
        (Consent.purpose == ConsentPurpose.visible_to_staff.value) & Consent.withdrawn_at.is_null()
    )
    return (
        User.id.is_in(candidates)
        & User.id.is_in(consenting)
        & User.erased_at.is_null()
        & User.disabled_at.is_null()
    )


async def _consents_of(user_ids: list[int]) -> dict[int, dict[ConsentPurpose, datetime]]:
    found: dict[int, dict[ConsentPurpose, datetime]] = {i: {} for i in user_ids}
    if user_ids:
        rows = await Consent.select(Consent.user, Consent.purpose, Consent.given_at).where(
            Consent.user.is_in(user_ids) & Consent.withdrawn_at.is_null()
        )
        for row in rows:
            found[row["user"]][ConsentPurpose(row["purpose"])] = row["given_at"]
    return found


async def visible_candidates(*, page: int = 1, per_page: int = 50) -> CandidateList:
    """The candidates staff may see now, by email address, one page at a time."""
    if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        raise ValueError(f"page must be >= 1 and per_page between 1 and {MAX_PER_PAGE}")
    total = await User.count().where(visible_condition())
    rows = (
        await User.select(User.id, User.email, User.created_at, User.last_active_at)
        .where(visible_condition())
        .order_by(User.email)
        .order_by(User.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    consents = await _consents_of([row["id"] for row in rows])
    items = [
        VisibleCandidate(
            id=row["id"],
            email=row["email"],
            registered_at=row["created_at"],
            last_active_at=row["last_active_at"],
            visible_since=consents[row["id"]][ConsentPurpose.visible_to_staff],
        )
        for row in rows
        # A consent withdrawn between the two reads: not shown.
        if ConsentPurpose.visible_to_staff in consents[row["id"]]
    ]
    return CandidateList(items=items, total=total, page=page, per_page=per_page)


async def _require_staff(staff_id: int) -> None:
    holders = UserRole.select(UserRole.user).where(UserRole.role == Role.staff.value)
    if not await User.exists().where(
        (User.id == staff_id)
        & User.id.is_in(holders)
        & User.erased_at.is_null()
        & User.disabled_at.is_null()
    ):
        raise NotStaff(f"user {staff_id} is not an enabled member of staff")


async def _candidate(candidate_id: int) -> CandidateView:
    row = (
        await User.select(User.id, User.email, User.created_at, User.last_active_at)
        .where((User.id == candidate_id) & visible_condition())
        .first()
    )
    if row is None:
        raise NotVisible(candidate_id)
    consents = (await _consents_of([candidate_id]))[candidate_id]
    if ConsentPurpose.visible_to_staff not in consents:
        raise NotVisible(candidate_id)
    cv = await CandidateCv.select(CandidateCv.text).where(CandidateCv.user == candidate_id).first()
    return CandidateView(
        id=row["id"],
        email=row["email"],
        registered_at=row["created_at"],
        last_active_at=row["last_active_at"],
        consents=[
            CurrentConsent(purpose=purpose, given_at=consents[purpose])
            for purpose in ConsentPurpose
            if purpose in consents
        ],
        profile=await get_profile(candidate_id),
        cv_text=None if cv is None else cv["text"],
    )


async def view_candidate(
    staff_id: int, candidate_id: int, *, now: datetime | None = None
) -> CandidateView:
    """One visible candidate, for ``staff_id`` to see; audited as ``candidate_viewed``.

    Raises :class:`NotVisible` (nothing audited) or :class:`NotStaff`."""
    await _require_staff(staff_id)
    view = await _candidate(candidate_id)
    await audit.record(
        AuditAction.candidate_viewed,
        actor_id=staff_id,
        subject_id=candidate_id,
        now=utc_now(now),
    )
    return view


async def export_candidate(
    staff_id: int, candidate_id: int, *, now: datetime | None = None
) -> dict[str, Any]:
    """What staff may see of one candidate as JSON-ready data (times in ISO 8601 UTC),
    for a download; audited as ``candidate_exported``. Raises like :func:`view_candidate`."""
    now = utc_now(now)
    await _require_staff(staff_id)
    view = await _candidate(candidate_id)
    await audit.record(
        AuditAction.candidate_exported, actor_id=staff_id, subject_id=candidate_id, now=now
    )
    return CandidateExport(exported_at=now, exported_by=staff_id, candidate=view).model_dump(
        mode="json"
    )
