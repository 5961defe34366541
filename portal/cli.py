"""The ``portal`` command: database, harvesting, listing, demo, web and scheduler."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from portal.settings import describe_invalid, get_settings

# Wide when piped, so tables are not cut to 80 columns in logs and scripts.
console = Console(stderr=True, width=None if sys.stderr.isatty() else 160)
out = Console(width=None if sys.stdout.isatty() else 160)


def run_async(func: Callable[..., Awaitable[Any]]) -> Callable[..., Any]:
    """Run an async command body with the database open and the schema current."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        async def main() -> Any:
            from portal.database import close_database, open_database, upgrade_schema

            await open_database()
            try:
                await upgrade_schema()
                await _sync_catalogue()
                return await func(*args, **kwargs)
            finally:
                await close_database()

        return asyncio.run(main())

    return wrapper


async def _sync_catalogue() -> None:
    from vacancies.sources import SourcesFileError, sync_catalogue

    try:
        await sync_catalogue(get_settings().sources_file)
    except SourcesFileError as exc:
        raise click.ClickException(str(exc)) from exc


def _json_default(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _print_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=_json_default))


@click.group()
@click.version_option(package_name="norec-portal")
def main() -> None:
    """Norec's recruitment portal: UN and development-bank vacancies for Norwegians."""
    try:
        get_settings()
    except ValidationError as exc:
        raise click.UsageError(f"invalid settings:\n{describe_invalid(exc)}") from None


# --- database -------------------------------------------------------------------------


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@run_async
async def db_upgrade() -> None:
    """Apply pending migrations and load organisations and sources."""
    settings = get_settings()
    console.print(f"database {settings.engine} is up to date; organisations and sources loaded")


# --- sources --------------------------------------------------------------------------


@main.group()
def sources() -> None:
    """Vacancy sources (declared in sources.toml)."""


@sources.command("list")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@run_async
async def sources_list(as_json: bool) -> None:
    """Every source with its schedule and last run."""
    from vacancies.search import list_sources

    rows = await list_sources()
    if as_json:
        _print_json([r.model_dump(mode="json") for r in rows])
        return
    table = Table("id", "adapter", "org", "enabled", "schedule", "last run", "status", "open")
    for r in rows:
        table.add_row(
            r.id + (" (sample)" if r.sample else ""),
            r.adapter,
            r.organization or "",
            ("paused" if r.paused_at else "yes") if r.enabled else "no",
            r.schedule,
            r.last_run_at.strftime("%Y-%m-%d %H:%M") if r.last_run_at else "never",
            r.last_run.status.value if r.last_run else "",
            str(r.open_vacancies),
        )
    out.print(table)


@sources.command("check")
@click.argument("source_ids", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
def sources_check(source_ids: tuple[str, ...], as_json: bool) -> None:
    """Fetch the first page of SOURCE_IDS (every enabled source when none given) and
    report whether its shape still matches the adapter. Stores nothing.

    Run it after deploying, and on a disabled source before enabling it. Exits 1 if any
    source's shape does not match.
    """
    from vacancies.sources import SourcesFileError, load_source_specs

    try:
        specs = load_source_specs(get_settings().sources_file)
    except SourcesFileError as exc:
        raise click.ClickException(str(exc)) from exc
    by_id = {spec.id: spec for spec in specs}
    unknown = [source_id for source_id in source_ids if source_id not in by_id]
    if unknown:
        raise click.ClickException(f"unknown source(s): {', '.join(unknown)}")
    chosen = [by_id[i] for i in source_ids] if source_ids else [s for s in specs if s.enabled]
    checks = asyncio.run(_check_sources(chosen, quiet=as_json))
    if as_json:
        _print_json([check.as_dict() for check in checks])
    else:
        table = Table("source", "adapter", "shape", "vacancies", "unreadable", "message")
        for check in checks:
            table.add_row(
                check.source_id,
                check.adapter,
                "[green]ok[/green]" if check.ok else "[red]changed[/red]",
                str(check.records),
                str(check.rejected),
                check.message,
            )
        out.print(table)
    if not all(check.ok for check in checks):
        sys.exit(1)


async def _check_sources(specs: list, *, quiet: bool) -> list:
    from vacancies.harvest import client_from_settings
    from vacancies.source_check import check_source

    checks = []
    async with client_from_settings() as client:
        for spec in specs:
            if not quiet:
                console.print(f"[bold]{spec.id}[/bold] checking…")
            checks.append(await check_source(spec, client))
    return checks


# --- harvest --------------------------------------------------------------------------


@main.command()
@click.argument("source_ids", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="machine-readable summary")
@click.option(
    "--workers",
    type=click.IntRange(1),
    help="processes harvesting at once (default PORTAL_HARVEST_WORKERS: the cores, at most 4)",
)
def harvest(source_ids: tuple[str, ...], as_json: bool, workers: int | None) -> None:
    """Harvest SOURCE_IDS (all enabled sources when none given).

    Sources on different hosts are harvested at the same time by worker processes;
    the sources of one host one after the other. Exits 1 if any source failed, after
    harvesting the others.
    """
    results = _harvest(list(source_ids), quiet=as_json, workers=workers)
    if as_json:
        _print_json(
            [
                {
                    "source": r.source_id,
                    "run_id": r.run_id,
                    "status": "skipped" if r.skipped else r.status.value,
                    **r.counts.as_dict(),
                    "error": r.error,
                    "seconds": round(r.seconds, 3),
                }
                for r in results
            ]
        )
    else:
        _print_summary(results)
    if any(r.failed for r in results):
        sys.exit(1)


@run_async
async def _harvest(source_ids: list[str], *, quiet: bool, workers: int | None) -> list:
    from portal.harvesting import harvest_sources
    from vacancies.analysis import analyse_pending
    from vacancies.harvest import enabled_source_ids
    from vacancies.tables import Source

    settings = get_settings()
    if not source_ids:
        source_ids = await enabled_source_ids()
    known = {row["id"] for row in await Source.select(Source.id)}
    unknown = [s for s in source_ids if s not in known]
    if unknown:
        raise click.ClickException(f"unknown source(s): {', '.join(unknown)}")
    workers = workers or settings.harvest_workers
    if not quiet:
        console.print(
            f"harvesting {len(source_ids)} source(s), {min(workers, len(source_ids))} at a time…"
        )
    results = await harvest_sources(
        source_ids,
        workers=workers,
        lock_ttl_seconds=settings.lock_ttl_seconds,
        on_result=None if quiet else _print_progress,
    )
    analysis = await analyse_pending(source_ids=source_ids)
    if not quiet:
        _print_analysis(analysis)
    return results


def _print_analysis(result) -> None:
    console.print(
        f"requirements analysed for {result.analysed} vacancies in {result.seconds:.1f}s"
        + (
            f" ({result.skipped} changed meanwhile, left for the next run)"
            if result.skipped
            else ""
        )
    )


# --- vacancy understanding --------------------------------------------------------------


@main.command()
@click.argument("source_ids", nargs=-1)
@click.option("--limit", type=click.IntRange(1), help="at most this many vacancies")
@click.option("--json", "as_json", is_flag=True, help="machine-readable summary")
@run_async
async def analyse(source_ids: tuple[str, ...], limit: int | None, as_json: bool) -> None:
    """Read the requirements of stored vacancies (of SOURCE_IDS, or all) that have none yet
    or were read by an older pipeline. Harvests do this for what they stored; run it after
    changing the taxonomy or installing a model."""
    from vacancies.analysis import analyse_pending

    result = await analyse_pending(source_ids=list(source_ids) or None, limit=limit)
    if as_json:
        _print_json(result.as_dict())
    else:
        _print_analysis(result)


MAX_EXTRACT_BYTES = 2 * 1024 * 1024
"""``portal extract`` reads at most this much; the pipeline reads less still."""


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True), default="-")
@click.option(
    "--lang",
    type=click.Choice(["auto", "en", "nb"]),
    default="auto",
    show_default=True,
    help="language of the text (auto: Norwegian or English, guessed)",
)
@click.option("--title", help="the vacancy's title, read for JPO facts")
@click.option("--json", "as_json", is_flag=True, help="the Requirements as JSON")
def extract(file: str, lang: str, title: str | None, as_json: bool) -> None:
    """Requirements of one vacancy text (plain text or HTML) in FILE, or standard input
    with -: languages, education, experience, grade and contract mentions, JPO facts,
    skills, job families and SDG themes, each with the words it was read from."""
    from vacancies.analysis import guess_language, use_settings
    from vacancies.nlp import extract as extract_requirements
    from vacancies.nlp import prepare_text
    from vacancies.nlp.pipeline import ModelNotInstalledError

    if file == "-":
        raw = sys.stdin.buffer.read(MAX_EXTRACT_BYTES)
    else:
        try:
            with open(file, "rb") as handle:
                raw = handle.read(MAX_EXTRACT_BYTES)
        except OSError as exc:
            raise click.ClickException(f"cannot read {file}: {exc.strerror}") from exc
    text = raw.decode("utf-8", errors="replace")
    if lang == "auto":
        lang = guess_language(prepare_text(text))
    try:
        use_settings()
        requirements = extract_requirements(text, lang, title=title)
    except ModelNotInstalledError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(requirements.model_dump_json(indent=2))
        return
    _print_requirements(requirements)


def _quote(evidence) -> str:
    return "“" + " ".join(evidence.text.split()) + "”"


def _print_requirements(r) -> None:
    table = Table("what", "read as", "evidence", show_lines=False)
    for item in r.languages:
        level = f", {item.level}" if item.level else ""
        table.add_row(
            "language", f"{item.name} ({item.code}): {item.need}{level}", _quote(item.evidence)
        )
    for item in r.education:
        fields = f" in {', '.join(item.fields)}" if item.fields else ""
        table.add_row("education", f"{item.level}{fields}", _quote(item.evidence))
    if r.in_lieu:
        table.add_row(
            "in lieu",
            f"{r.in_lieu.level} + {r.in_lieu.extra_years} more years",
            _quote(r.in_lieu.evidence),
        )
    for item in r.experience:
        extra = ", ".join(x for x in (item.field, item.scope) if x)
        table.add_row(
            "experience",
            f"{item.min_years}+ years" + (f" ({extra})" if extra else ""),
            _quote(item.evidence),
        )
    for item in r.mentions:
        table.add_row(item.kind, item.value, _quote(item.evidence))
    if r.jpo.is_jpo:
        said = "; ".join(
            part
            for part in (
                "JPO post",
                f"sponsored by {', '.join(r.jpo.sponsors)}" if r.jpo.sponsors else "",
                f"open to {', '.join(r.jpo.nationalities)} only" if r.jpo.nationalities else "",
            )
            if part
        )
        table.add_row("JPO", said, _quote(r.jpo.evidence[0]) if r.jpo.evidence else "")
    for item in r.skills:
        table.add_row("skill", f"{item.label} [{item.family}]", _quote(item.evidence[0]))
    for item in r.sdgs:
        table.add_row("SDG", f"{item.goal}. {item.label}", _quote(item.evidence[0]))
    out.print(table)
    years = r.experience_min_years
    summary = [
        f"minimum education: {r.education_min or 'not stated'}",
        f"minimum experience: {'not stated' if years is None else f'{years} years'}",
    ]
    if r.job_families:
        summary.append("job families: " + ", ".join(f.label for f in r.job_families[:3]))
    if r.truncated:
        summary.append("the text was cut: only its beginning was read")
    out.print("\n".join(summary))


@main.group()
def taxonomy() -> None:
    """The skills taxonomy the requirement reader matches."""


@taxonomy.command("import-esco")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="where to write the imported skills (default: PORTAL_TAXONOMY_DIR/esco_skills.toml)",
)
@click.option("--json", "as_json", is_flag=True, help="machine-readable summary")
def taxonomy_import_esco(path: Path, out: Path | None, as_json: bool) -> None:
    """Import the official ESCO skills CSV (skills_en.csv from the ESCO portal): skills
    matching a shipped one add their labels to it, the others join as new skills. The
    result is read with the shipped taxonomy from then on; run `portal analyse` after."""
    from vacancies.taxonomy import TaxonomyError, import_esco

    target = out or get_settings().taxonomy_dir / "esco_skills.toml"
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        result = import_esco(path, target)
    except (TaxonomyError, OSError, UnicodeDecodeError) as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        _print_json(
            {
                "imported": result.imported,
                "merged": result.merged,
                "skipped": result.skipped,
                "problems": list(result.problems),
                "path": str(result.path),
            }
        )
        return
    console.print(
        f"ESCO skills: {result.imported} imported, {result.merged} merged into shipped "
        f"skills, {result.skipped} skipped; written to {result.path}"
    )
    for problem in result.problems:
        console.print(f"  [yellow]{problem}[/yellow]")


def _print_progress(result) -> None:
    if result.skipped:
        console.print(f"[bold]{result.source_id}[/bold] [yellow]{result.error}[/yellow]")
        return
    c = result.counts
    colour = "red" if result.failed else "green"
    console.print(
        f"[bold]{result.source_id}[/bold] [{colour}]{result.status.value}[/{colour}] "
        f"fetched {c.fetched}, new {c.new}, "
        f"updated {c.updated}, unchanged {c.unchanged}, closed {c.closed}, "
        f"rejected {c.rejected} in {result.seconds:.1f}s"
    )
    if result.error:
        console.print(f"  [red]{result.error.splitlines()[0]}[/red]")


def _print_summary(results: list) -> None:
    table = Table(
        "source", "status", "fetched", "new", "updated", "unchanged", "closed", "rejected", "error"
    )
    for r in results:
        c = r.counts
        table.add_row(
            r.source_id,
            "skipped" if r.skipped else r.status.value,
            *(str(v) for v in (c.fetched, c.new, c.updated, c.unchanged, c.closed, c.rejected)),
            (r.error or "").splitlines()[0] if r.error else "",
        )
    out.print(table)


# --- vacancies ------------------------------------------------------------------------


@main.group()
def vacancies() -> None:
    """Stored vacancies."""


@vacancies.command("list")
@click.option("--open/--all", "open_only", default=True, show_default=True)
@click.option("--organization", "organizations", multiple=True, help="acronym, repeatable")
@click.option("-q", "--query", help="full-text query")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 100))
@click.option("--page", default=1, show_default=True, type=click.IntRange(1))
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@run_async
async def vacancies_list(
    open_only: bool,
    organizations: tuple[str, ...],
    query: str | None,
    limit: int,
    page: int,
    as_json: bool,
) -> None:
    """List vacancies (open ones by default, closing soonest first)."""
    from vacancies.schemas import VacancyQuery
    from vacancies.search import search_vacancies

    result = await search_vacancies(
        VacancyQuery(
            q=query,
            organization=list(organizations),
            open_only=open_only,
            per_page=limit,
            page=page,
        )
    )
    if as_json:
        fields = [
            "id",
            "source",
            "external_id",
            "title",
            "organization",
            "grade",
            "category",
            "duty_station",
            "country",
            "posted_at",
            "deadline",
            "url",
            "status",
            "sample",
        ]
        _print_json([item.model_dump(mode="json", include=set(fields)) for item in result.items])
        return
    table = Table("id", "title", "org", "grade", "duty station", "deadline", "status")
    for v in result.items:
        table.add_row(
            str(v.id),
            v.title + (" [dim](sample)[/dim]" if v.sample else ""),
            v.organization or v.organization_name or "",
            v.grade or "",
            v.duty_station or "",
            v.deadline.strftime("%Y-%m-%d") if v.deadline else "",
            v.status.value,
        )
    out.print(table)
    console.print(f"{result.total} vacancies; page {result.page}")


# --- demo, web, scheduler ---------------------------------------------------------------


@main.command()
@click.option("--json", "as_json", is_flag=True, help="machine-readable summary")
@run_async
async def demo(as_json: bool) -> None:
    """Load recorded sample feeds (no internet needed), labelled as sample data."""
    from vacancies.analysis import analyse_pending
    from vacancies.demo import load_demo

    results = await load_demo()
    analysis = await analyse_pending(source_ids=[r.source_id for r in results])
    if not as_json:
        _print_analysis(analysis)
    if as_json:
        _print_json(
            [
                {"source": r.source_id, "status": r.status.value, **r.counts.as_dict()}
                for r in results
            ]
        )
        return
    _print_summary(results)
    console.print("Sample data loaded: recorded feeds, marked as sample in lists and the API.")
    if any(r.failed for r in results):
        sys.exit(1)


@main.command()
@click.option("--host", default=None, help="default PORTAL_HOST (127.0.0.1)")
@click.option("--port", default=None, type=int, help="default PORTAL_PORT (8000)")
@click.option("--workers", default=None, type=int, help="processes, default PORTAL_WORKERS (1)")
@click.option("--reload", is_flag=True, help="restart on code changes (development)")
def serve(host: str | None, port: int | None, workers: int | None, reload: bool) -> None:
    """Run the web portal and JSON API."""
    import uvicorn

    settings = get_settings()
    _prepare()
    uvicorn.run(
        "portal.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=None if reload else (workers or settings.workers),
        reload=reload,
        proxy_headers=True,
    )


@run_async
async def _prepare() -> None:
    """Migrations and catalogue before the web process starts serving."""


@main.command()
def scheduler() -> None:
    """Run the harvest scheduler in this process until SIGTERM/SIGINT."""
    from scheduler.runner import run_scheduler

    run_scheduler()


# --- users ----------------------------------------------------------------------------

# The values of candidates.tables.Role (not imported here: importing tables binds the
# database engine, which commands do only once the environment is read).
ROLES = ("candidate", "staff", "ministry", "admin")


@main.group()
def users() -> None:
    """Accounts and their roles (for operators; actions are audited as the system)."""


def _user_json(user) -> dict[str, Any]:
    return user.model_dump(mode="json")


async def _user_by_email(email: str):
    from candidates.accounts import find_user_by_email

    user = await find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"no user with email {email}")
    return user


@users.command("create")
@click.option("--email", required=True, help="the person's email address")
@click.option(
    "--role", "roles", multiple=True, required=True, type=click.Choice(ROLES), help="repeatable"
)
@click.option(
    "--password-stdin",
    is_flag=True,
    help="read the password from standard input instead of issuing a set-password link",
)
@click.option(
    "--link-hours",
    default=72,
    show_default=True,
    type=click.IntRange(1, 24 * 14),
    help="how long the set-password link works",
)
@click.option("--mail", "send_mail", is_flag=True, help="also mail the link to the person")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
def users_create(
    email: str,
    roles: tuple[str, ...],
    password_stdin: bool,
    link_hours: int,
    send_mail: bool,
    as_json: bool,
) -> None:
    """Create a verified user with ROLEs.

    Without --password-stdin the account has no password yet: the command prints a
    single-use link (valid --link-hours) where the person chooses one, and mails it
    with --mail.
    """
    password = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise click.ClickException("no password on standard input")
    _users_create(email, roles, password, link_hours, send_mail, as_json)


@run_async
async def _users_create(
    email: str,
    roles: tuple[str, ...],
    password: str | None,
    link_hours: int,
    send_mail: bool,
    as_json: bool,
) -> None:
    from datetime import timedelta

    from candidates.accounts import AccountError
    from candidates.administration import create_account, mail_welcome
    from candidates.mail import MailError
    from candidates.passwords import PasswordPolicyError

    try:
        created = await create_account(
            email,
            roles,
            actor_id=None,
            password=password,
            link_lifetime=timedelta(hours=link_hours),
        )
    except (AccountError, PasswordPolicyError) as exc:
        raise click.ClickException(str(exc)) from exc
    user, issued = created.user, created.issued
    result = _user_json(user)
    if issued is not None:
        result["set_password_url"] = created.set_password_url
        result["set_password_expires_at"] = issued.expires_at
        if send_mail:
            try:
                await mail_welcome(issued)
            except MailError as exc:
                raise click.ClickException(
                    f"user {user.email} created, but the link could not be mailed: {exc}\n"
                    f"set-password link: {result['set_password_url']}"
                ) from exc
    if as_json:
        _print_json(result)
        return
    console.print(f"created user {user.id} {user.email} ({', '.join(user.roles)})")
    if password is None:
        console.print(
            f"single-use set-password link, valid until "
            f"{issued.expires_at:%Y-%m-%d %H:%M} UTC" + (" (mailed):" if send_mail else ":")
        )
        click.echo(result["set_password_url"])


@users.command("list")
@click.option("--role", type=click.Choice(ROLES), help="only holders of this role")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@run_async
async def users_list(role: str | None, as_json: bool) -> None:
    """Every user with roles and state."""
    from candidates.accounts import list_users

    rows = await list_users(role=role)
    if as_json:
        _print_json([_user_json(u) for u in rows])
        return
    table = Table("id", "email", "roles", "verified", "state", "created", "last active")
    for u in rows:
        table.add_row(
            str(u.id),
            u.email,
            ", ".join(u.roles),
            "yes" if u.verified else "no",
            "disabled" if u.disabled else ("no password" if not u.has_password else "active"),
            u.created_at.strftime("%Y-%m-%d"),
            u.last_active_at.strftime("%Y-%m-%d") if u.last_active_at else "",
        )
    out.print(table)
    console.print(f"{len(rows)} users")


async def _administer(step: Awaitable[Any]) -> Any:
    """Await one change of :mod:`candidates.administration` (the rules the admin pages
    follow: not the last active admin, not an erased account); a refusal is an error
    message, not a traceback."""
    from candidates.accounts import AccountError

    try:
        return await step
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc


@users.command("disable")
@click.argument("email")
@run_async
async def users_disable(email: str) -> None:
    """Refuse EMAIL's sign-ins from now on (not the last active admin)."""
    from candidates.administration import set_disabled

    user_id = (await _user_by_email(email)).id
    user = await _administer(set_disabled(user_id, True, actor_id=None))
    console.print(f"{user.email} is disabled (since {user.disabled_at:%Y-%m-%d %H:%M} UTC)")


@users.command("enable")
@click.argument("email")
@run_async
async def users_enable(email: str) -> None:
    """Let EMAIL sign in again."""
    from candidates.administration import set_disabled

    user_id = (await _user_by_email(email)).id
    user = await _administer(set_disabled(user_id, False, actor_id=None))
    console.print(f"{user.email} is enabled")


@users.command("roles")
@click.argument("email")
@click.option("--add", "added", multiple=True, type=click.Choice(ROLES), help="repeatable")
@click.option("--remove", "removed", multiple=True, type=click.Choice(ROLES), help="repeatable")
@run_async
async def users_roles(email: str, added: tuple[str, ...], removed: tuple[str, ...]) -> None:
    """Show EMAIL's roles, or change them with --add and --remove."""
    from candidates.administration import change_roles

    both = set(added) & set(removed)
    if both:
        raise click.ClickException(f"both added and removed: {', '.join(sorted(both))}")
    user = await _user_by_email(email)
    if added or removed:
        wanted = (set(user.roles) | set(added)) - set(removed)
        user = await _administer(change_roles(user.id, wanted, actor_id=None))
    click.echo(f"{user.email}: {', '.join(user.roles) or '(no roles)'}")


@users.command("export")
@click.argument("email")
@run_async
async def users_export(email: str) -> None:
    """Print everything stored about EMAIL as JSON (audited as an export)."""
    from candidates.privacy import export_audited

    user = await _user_by_email(email)
    _print_json(await export_audited(user.id, actor_id=None))


@users.command("erase")
@click.argument("email")
@click.option("--yes", is_flag=True, help="do not ask for confirmation")
@run_async
async def users_erase(email: str, yes: bool) -> None:
    """Erase EMAIL's personal data for good, keeping an anonymous tombstone."""
    from candidates.privacy import LastAdmin, erase_user

    user = await _user_by_email(email)
    if not yes:
        click.confirm(f"Erase {user.email} (user {user.id}) for good?", abort=True, err=True)
    try:
        await erase_user(user.id, actor_id=None)
    except LastAdmin as exc:
        raise click.ClickException(str(exc)) from exc
    console.print(f"erased user {user.id}: only an anonymous tombstone is left")


def _add_commands() -> None:
    from portal.cli_candidates import candidates
    from portal.cli_matching import match, matches

    main.add_command(candidates)
    main.add_command(match)
    main.add_command(matches)


_add_commands()

if __name__ == "__main__":
    main()
