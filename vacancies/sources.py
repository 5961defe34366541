"""Sources declared in ``sources.toml`` and their rows in the database.

An operator adds a feed by adding an entry to the file: no code change. Sources removed
from the file are disabled, never deleted (their vacancies and runs stay).
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from apscheduler.triggers.cron import CronTrigger
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from scrapers.base import SourceConfig
from vacancies.tables import Source

_ENV_REFERENCE = re.compile(r"^\$\{([A-Z0-9_]+)\}$")


class SourceSpec(BaseModel):
    """One ``[[source]]`` entry of sources.toml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{1,63}$")
    name: str
    adapter: str
    base_url: str
    organization: str | None = None
    """Acronym of the organisation all of the source's vacancies belong to, if any."""
    schedule: str = "0 */6 * * *"
    enabled: bool = True
    terms: str | None = None
    """Terms of use and rate limits noted by whoever added the source."""
    params: dict[str, Any] = Field(default_factory=dict)

    @field_validator("schedule")
    @classmethod
    def _valid_cron(cls, value: str) -> str:
        try:
            CronTrigger.from_crontab(value, timezone="UTC")
        except ValueError as exc:
            raise ValueError(f"invalid cron expression {value!r}: {exc}") from exc
        return value

    def config(self, environ: Mapping[str, str] | None = None) -> SourceConfig:
        """The adapter's view of this entry, its ``"${VAR}"`` params resolved from
        ``environ`` (default: the process environment); ``ParameterError`` when one is
        not set."""
        return SourceConfig(
            id=self.id,
            adapter=self.adapter,
            base_url=self.base_url,
            organization=self.organization,
            params=resolve_params(self.params, environ),
        )


class ParameterError(ValueError):
    """A source parameter refers to an environment variable that is not set."""


def resolve_params(
    params: dict[str, Any], environ: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Replace ``"${VAR}"`` values with environment variables, so secrets and app names
    (e.g. ``appname = "${PORTAL_RELIEFWEB_APPNAME}"``) stay out of sources.toml."""
    environ = os.environ if environ is None else environ
    resolved: dict[str, Any] = {}
    for key, value in params.items():
        match = _ENV_REFERENCE.match(value) if isinstance(value, str) else None
        if match:
            name = match.group(1)
            if not environ.get(name):
                raise ParameterError(f"parameter {key!r} needs the environment variable {name}")
            value = environ[name]
        resolved[key] = value
    return resolved


class SourcesFileError(ValueError):
    """sources.toml is missing or invalid; the message says where."""


def load_source_specs(path: Path) -> list[SourceSpec]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise SourcesFileError(f"sources file not found: {path}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SourcesFileError(f"{path}: not valid TOML: {exc}") from exc
    specs: list[SourceSpec] = []
    for index, entry in enumerate(data.get("source", [])):
        try:
            specs.append(SourceSpec.model_validate(entry))
        except ValidationError as exc:
            label = entry.get("id", f"#{index + 1}") if isinstance(entry, dict) else index
            raise SourcesFileError(f"{path}: source {label}: {exc}") from exc
    ids = [spec.id for spec in specs]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise SourcesFileError(f"{path}: duplicate source ids: {', '.join(duplicates)}")
    return specs


def source_values(spec: SourceSpec, org_ids: dict[str, int], **overrides: Any) -> dict:
    """The Source columns a spec declares (harvest state is not among them)."""
    values = {
        Source.name: spec.name,
        Source.adapter: spec.adapter,
        Source.base_url: spec.base_url,
        Source.params: spec.params,
        Source.schedule: spec.schedule,
        Source.enabled: spec.enabled,
        Source.organization: org_ids.get(spec.organization or ""),
    }
    values.update({getattr(Source, name): value for name, value in overrides.items()})
    return values


async def upsert_source(source_id: str, values: dict) -> None:
    """Create the row or update its declared columns, keeping its harvest state."""
    if await Source.exists().where(Source.id == source_id):
        await Source.update(values).where(Source.id == source_id)
    else:
        await Source.insert(Source(id=source_id, **{c._meta.name: v for c, v in values.items()}))


async def sync_sources(specs: list[SourceSpec], *, disable_missing: bool = True) -> None:
    """Create or update a Source row per spec; disable rows no longer declared.

    Harvest state (validators, last run, failure count) is kept.
    """
    from vacancies.organizations import organization_ids

    org_ids = await organization_ids()
    for spec in specs:
        await upsert_source(spec.id, source_values(spec, org_ids))
    if disable_missing:
        declared = [spec.id for spec in specs]
        stale = Source.update({Source.enabled: False}).where(Source.is_sample.eq(False))
        if declared:
            stale = stale.where(Source.id.not_in(declared))
        await stale


async def sync_catalogue(sources_file: Path) -> list[SourceSpec]:
    """Organisations from the shipped alias table, then sources from ``sources_file``."""
    from vacancies.organizations import sync_organizations

    await sync_organizations()
    specs = load_source_specs(sources_file)
    await sync_sources(specs)
    return specs
