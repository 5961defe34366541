"""``portal candidates ...``: Norec's roster import (issue 7).

``portal.cli`` adds this group at its end, so nothing of ``portal.cli`` is imported here
at module level (``python -m portal.cli`` would import it twice, the second time
half-way)."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.group()
def candidates() -> None:
    """Candidate profiles."""


@candidates.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--report",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="where the rejected rows go (default: FILE.rejected.csv next to FILE)",
)
@click.option("--json", "as_json", is_flag=True, help="machine-readable summary on standard output")
@click.option(
    "--dry-run", is_flag=True, help="check every row and write the report, import nothing"
)
def candidates_import(file: Path, report: Path | None, as_json: bool, dry_run: bool) -> None:
    """Import Norec's roster from FILE (CSV with a header row, or JSONL).

    Columns: email (required), the profile's fields (lists separated by ";", languages
    as "nb:native;en:C1") and visible_to_staff_consent_at (ISO 8601). Valid rows are
    imported (new candidates get an account without a password), each in its own
    transaction; rejected rows go to the report with every reason. Exit status: 0 when
    every row was imported, 1 when some were rejected, 2 when FILE cannot be read.
    """
    from portal.cli import run_async

    sys.exit(run_async(_import)(file, report or None, as_json, dry_run))


async def _import(file: Path, report: Path | None, as_json: bool, dry_run: bool) -> int:
    from candidates.clock import utc_now
    from candidates.roster import (
        RosterUnreadable,
        default_report_path,
        import_roster,
        write_report,
    )
    from portal.cli import _print_json, console

    try:
        result = await import_roster(file, now=utc_now(None), dry_run=dry_run)
    except RosterUnreadable as exc:
        console.print(f"[red]cannot read the roster:[/red] {exc}", highlight=False, markup=True)
        return 2
    report = report or default_report_path(file)
    try:
        write_report(result, report)
    except OSError as exc:
        console.print(f"[red]cannot write the report {report}:[/red] {exc}")
        return 2
    if as_json:
        _print_json(result.as_dict() | {"report": str(report)})
    else:
        verb = "would import" if dry_run else "imported"
        console.print(
            f"{result.rows} rows in {file} ({result.format}): {verb} {result.imported} "
            f"({len(result.created)} new, {len(result.updated)} updated), "
            f"rejected {len(result.rejected)}",
            highlight=False,
        )
        for rejected in result.rejected:
            console.print(
                f"  line {rejected.line} {rejected.email or '(no email)'}: "
                + "; ".join(rejected.reasons),
                highlight=False,
                markup=False,
            )
        console.print(f"report of rejected rows: {report}", highlight=False)
    return 1 if result.rejected else 0
