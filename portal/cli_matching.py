"""``portal match`` and ``portal matches ...`` (issue 7).

``portal.cli`` adds these commands at its end, so nothing of ``portal.cli`` is imported
here at module level (``python -m portal.cli`` would import it twice, the second time
half-way).
"""

from __future__ import annotations

from typing import Any

import click


@click.group()
def matches() -> None:
    """Stored matches."""


@matches.command("recompute")
@click.option("--json", "as_json", is_flag=True, help="machine-readable report")
def matches_recompute(as_json: bool) -> None:
    """Recompute every stored match: each candidate's best open vacancies and each open
    vacancy's best candidates (PORTAL_MATCHES_KEPT of each), replaced in one transaction."""
    from portal.cli import _print_json, console, run_async

    @run_async
    async def run():
        from candidates.matching import recompute_all

        return await recompute_all()

    report = run()
    if as_json:
        _print_json(report.model_dump(mode="json"))
        return
    console.print(
        f"stored {report.stored:,} matches for {report.candidates:,} candidates and "
        f"{report.vacancies:,} open vacancies in {report.seconds:.1f} s"
    )


@click.command()
@click.option("--vacancy", "vacancy_id", type=int, help="best candidates for this vacancy")
@click.option("--candidate", "candidate_id", type=int, help="best vacancies for this user")
@click.option("--top", default=20, show_default=True, type=click.IntRange(1, 500))
@click.option(
    "--all",
    "include_all",
    is_flag=True,
    help="with --candidate: also posts a hard eligibility rule rules out (listed last)",
)
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
def match(
    vacancy_id: int | None, candidate_id: int | None, top: int, include_all: bool, as_json: bool
) -> None:
    """Best vacancies for a candidate, or best candidates for a vacancy, each with its
    score, its components and its eligibility.

    For --vacancy only candidates visible to staff (consent) are ranked; the output says
    how many others were left out. Exit status 1 for an unknown id.
    """
    if (vacancy_id is None) == (candidate_id is None):
        raise click.UsageError("give exactly one of --vacancy ID and --candidate ID")
    from portal.cli import run_async

    @run_async
    async def run():
        from candidates.matching import (
            NoProfile,
            matches_for_candidate,
            matches_for_vacancy,
            not_visible_count,
        )
        from candidates.matching.models import VacancyFilters

        try:
            if vacancy_id is not None:
                found = await matches_for_vacancy(vacancy_id, top=top)
                return found, await not_visible_count()
            filters = VacancyFilters(include_ineligible=include_all)
            return await matches_for_candidate(candidate_id, top=top, filters=filters), 0
        except NoProfile as error:
            raise click.ClickException(f"{error} (or is not an active candidate)") from error
        except LookupError as error:
            raise click.ClickException(str(error)) from error

    found, hidden = run()
    if as_json:
        _json(found, hidden, vacancy_id is not None)
    else:
        _table(found, hidden, vacancy_id is not None)


def _json(found: list, hidden: int, for_vacancy: bool) -> None:
    from portal.cli import _print_json

    data: dict[str, Any] = {"matches": [m.model_dump(mode="json") for m in found]}
    if for_vacancy:
        data["not_visible"] = hidden
    _print_json(data)


def _table(found: list, hidden: int, for_vacancy: bool) -> None:
    from rich.table import Table

    from portal.cli import console, out

    table = Table(
        "#", "candidate" if for_vacancy else "vacancy", "score", "components", "eligibility"
    )
    for rank, m in enumerate(found, start=1):
        if for_vacancy:
            who = f"{m.candidate.id} {m.candidate.email}"
        else:
            v = m.vacancy
            who = f"{v.id} {v.title} ({v.organization or '?'}, {v.grade or '?'})"
        parts = "\n".join(
            f"{c.name} {c.score:.2f} x{c.weight:g}: {c.explanation}" for c in m.components
        )
        table.add_row(str(rank), who, f"{m.score:.3f}", parts, _eligibility(m))
    out.print(table)
    noun = "candidates" if for_vacancy else "vacancies"
    console.print(f"{len(found)} {noun}")
    if for_vacancy and hidden:
        console.print(
            f"{hidden} candidate(s) with a profile are not visible to staff (no consent, "
            "disabled or erased) and were not ranked"
        )


def _eligibility(m) -> str:
    if not m.eligibility.checks:
        return "no rules apply"
    head = "eligible" if m.eligibility.eligible else "[red]NOT eligible[/red]"
    lines = [head]
    for check in m.eligibility.checks:
        mark = "ok" if check.passed else ("FAILED" if check.hard else "unknown")
        lines.append(f"{mark}: {check.explanation}")
    return "\n".join(lines)
