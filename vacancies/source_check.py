"""Does a live source still look the way its adapter expects?

``portal sources check`` runs this after a deployment, or before an operator enables a
source: for each source it reads the first page of the listing (with whatever detail
requests that page needs), through the adapter and the polite client, and reports
whether the shape still matches. Nothing is stored and no vacancy is touched: a check
that fails says which adapter and which piece is missing, and the next harvest of that
source would fail the same way without closing anything.

No database: the sources come from sources.toml (``SourceSpec``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from scrapers.http import PoliteClient
from scrapers.records import SourceError
from scrapers.registry import get_adapter
from vacancies.sources import ParameterError, SourceSpec


@dataclass(frozen=True)
class ShapeCheck:
    """What the first page of one source looked like."""

    source_id: str
    adapter: str
    ok: bool
    message: str
    records: int = 0
    """Vacancies read from the first page."""
    rejected: int = 0
    """Records of the first page the adapter could not read."""
    url: str | None = None
    """The page that was read, when one was."""
    seconds: float = 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "source": self.source_id,
            "adapter": self.adapter,
            "ok": self.ok,
            "message": self.message,
            "records": self.records,
            "rejected": self.rejected,
            "url": self.url,
            "seconds": round(self.seconds, 3),
        }


async def check_source(
    spec: SourceSpec, client: PoliteClient, *, environ: dict[str, str] | None = None
) -> ShapeCheck:
    """Read the first page of ``spec``'s listing and judge its shape. Never raises for a
    problem of the source: every outcome is a ``ShapeCheck``."""
    started = time.monotonic()

    def outcome(ok: bool, message: str, **counts: object) -> ShapeCheck:
        return ShapeCheck(
            spec.id, spec.adapter, ok, message, seconds=time.monotonic() - started, **counts
        )

    try:
        adapter = get_adapter(spec.adapter)
        config = spec.config(environ)
    except (KeyError, ParameterError) as exc:
        return outcome(False, f"{spec.id}: {exc.args[0] if exc.args else exc}")

    pages = adapter.pages(config, client)
    try:
        page = await anext(pages, None)
    except SourceError as exc:
        return outcome(False, str(exc))
    except Exception as exc:  # an adapter bug is reported, not raised: check the others
        return outcome(False, f"{spec.adapter}: internal error: {type(exc).__name__}: {exc}")
    finally:
        await pages.aclose()

    if page is None:
        return outcome(False, f"{spec.adapter}: the listing yielded no page at all")
    counts = {"records": len(page.records), "rejected": len(page.rejected), "url": page.url}
    if page.records:
        message = f"shape matches: {len(page.records)} vacancies on the first page"
        if page.rejected:
            message += f", {len(page.rejected)} unreadable ({page.rejected[0].reason})"
        return outcome(True, message, **counts)
    if page.rejected:
        return outcome(
            False,
            f"{spec.adapter}: every record of the first page was unreadable, e.g. "
            f"{page.rejected[0].reason}",
            **counts,
        )
    if page.is_last:
        return outcome(True, "shape matches: the listing is empty", **counts)
    return outcome(False, f"{spec.adapter}: the first page held no vacancies", **counts)
