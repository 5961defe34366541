"""The skills taxonomy: job families, skills with the phrases postings use for them, and
the 17 Sustainable Development Goals with the terms that indicate them.

Pure functions: no database, no HTTP. The shipped data lives in TOML files under
``vacancies/data/taxonomy/`` (``job_families.toml``, ``skills.toml``, ``sdgs.toml``); it
is read and validated once per process and cached. Extra skill files in the
``skills.toml`` format (written by :func:`import_esco`) are read on every call, since
they may change while the process runs.

Rules:

* **Ids** are stable slugs (``monitoring-evaluation``) stored with results: unique among
  families, unique among skills. Every skill's family exists; no label is empty.
* **Phrases**: a skill's label and synonyms are matched in vacancy text as
  case-insensitive whole phrases, except those listed in its ``case_sensitive``, which
  must match in exact case. A phrase of one word with fewer than four letters or digits
  ("GIS", "M&E", "AI") must be case-sensitive. Two phrases are the same phrase when they
  are equal after case folding and collapsing whitespace (:func:`phrase_key`).
* **One owner per phrase**: in the shipped data no phrase belongs to two skills (a
  :class:`TaxonomyError` otherwise). Extra files are merged in order, and never create a
  shared phrase: an extra skill whose id exists, or whose label is already a phrase of an
  existing skill, is merged into that skill (its label and synonyms become synonyms,
  and the skill keeps the first ``esco_uri`` it is given); phrases that another skill
  already owns are dropped. A merge never changes the existing skill's id, label or
  family.
* **Fingerprint**: the sha256 of every file loaded, in load order, so results stored
  with it say which data produced them.

:func:`import_esco` turns the ESCO skills CSV (``skills_en.csv`` from the ESCO portal)
into such an extra file; see its docstring for the rules.
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
import tempfile
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

SHIPPED_DIR = Path(__file__).with_name("data") / "taxonomy"
FAMILIES_FILE = "job_families.toml"
SKILLS_FILE = "skills.toml"
SDGS_FILE = "sdgs.toml"

SDG_NUMBERS = range(1, 18)
SHORT_PHRASE_CHARS = 4
"""A one-word phrase with fewer letters/digits than this must be matched in exact case."""

_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


class TaxonomyError(ValueError):
    """A taxonomy data file (or an ESCO CSV) is unreadable or inconsistent; the message
    names the file and the problem."""


@dataclass(frozen=True, slots=True)
class JobFamily:
    id: str
    label: str
    network: str
    """The UN job network the family aligns with ("ITECNET"), or "" if none."""


@dataclass(frozen=True, slots=True)
class Skill:
    id: str
    label: str
    family: str
    synonyms: tuple[str, ...]
    case_sensitive: frozenset[str] = frozenset()
    """Phrases (label or synonyms, as written) that must match in exact case."""
    esco_uri: str | None = None

    def phrases(self) -> tuple[str, ...]:
        """The label, then the synonyms, without repeats (by :func:`phrase_key`)."""
        seen: set[str] = set()
        phrases = []
        for phrase in (self.label, *self.synonyms):
            key = phrase_key(phrase)
            if key not in seen:
                seen.add(key)
                phrases.append(phrase)
        return tuple(phrases)


@dataclass(frozen=True, slots=True)
class SdgGoal:
    number: int
    label: str
    terms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Taxonomy:
    families: tuple[JobFamily, ...]
    skills: tuple[Skill, ...]
    sdgs: tuple[SdgGoal, ...]
    fingerprint: str
    """sha256 hex of the contents of every file loaded."""
    _families_by_id: Mapping[str, JobFamily] = field(init=False, repr=False, compare=False)
    _skills_by_id: Mapping[str, Skill] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_families_by_id", {f.id: f for f in self.families})
        object.__setattr__(self, "_skills_by_id", {s.id: s for s in self.skills})

    def family(self, family_id: str) -> JobFamily:
        """The family with this id; KeyError if there is none."""
        try:
            return self._families_by_id[family_id]
        except KeyError:
            raise KeyError(f"no job family with id {family_id!r}") from None

    def skill(self, skill_id: str) -> Skill:
        """The skill with this id; KeyError if there is none."""
        try:
            return self._skills_by_id[skill_id]
        except KeyError:
            raise KeyError(f"no skill with id {skill_id!r}") from None


def phrase_key(text: str) -> str:
    """What makes two phrases the same: case-folded, whitespace collapsed."""
    return " ".join(text.casefold().split())


def is_short_phrase(phrase: str) -> bool:
    """One word with fewer than four letters or digits ("GIS", "M&E", "R")."""
    words = phrase.split()
    return len(words) == 1 and sum(ch.isalnum() for ch in words[0]) < SHORT_PHRASE_CHARS


# --- Reading and validating the TOML files -----------------------------------------------


def _read_toml(path: Path) -> tuple[dict[str, Any], bytes]:
    """The parsed file and its raw bytes (for the fingerprint)."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise TaxonomyError(f"{path}: cannot read: {error.strerror or error}") from error
    try:
        return tomllib.loads(raw.decode("utf-8")), raw
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise TaxonomyError(f"{path}: not valid UTF-8 TOML: {error}") from error


def _text(entry: Mapping[str, Any], key: str, where: str, *, empty_ok: bool = False) -> str:
    value = entry.get(key)
    if not isinstance(value, str):
        raise TaxonomyError(f"{where}: {key!r} must be a string, not {value!r}")
    value = " ".join(value.split())
    if not value and not empty_ok:
        raise TaxonomyError(f"{where}: {key!r} is empty")
    return value


def _texts(entry: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise TaxonomyError(f"{where}: {key!r} must be a list of strings")
    texts = tuple(" ".join(item.split()) for item in value)
    if not all(texts):
        raise TaxonomyError(f"{where}: {key!r} has an empty string")
    return texts


def _entries(data: Mapping[str, Any], table: str, path: Path, *, required: bool) -> list[dict]:
    entries = data.get(table, [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise TaxonomyError(f"{path}: {table!r} must be an array of tables ([[{table}]])")
    if required and not entries:
        raise TaxonomyError(f"{path}: no [[{table}]] entries")
    return entries


def _check_keys(entry: Mapping[str, Any], allowed: frozenset[str], where: str) -> None:
    unknown = sorted(set(entry) - allowed)
    if unknown:
        raise TaxonomyError(f"{where}: unknown key(s) {', '.join(map(repr, unknown))}")


def _check_id(value: str, where: str) -> None:
    if not _ID.fullmatch(value):
        raise TaxonomyError(f"{where}: id {value!r} is not a lowercase slug like 'data-analysis'")


_FAMILY_KEYS = frozenset({"id", "label", "network"})
_SKILL_KEYS = frozenset({"id", "label", "family", "synonyms", "case_sensitive", "esco_uri"})
_GOAL_KEYS = frozenset({"number", "label", "terms"})


def parse_families(data: Mapping[str, Any], path: Path) -> tuple[JobFamily, ...]:
    """The [[family]] entries of a job_families.toml, validated (unique slug ids)."""
    families: dict[str, JobFamily] = {}
    for number, entry in enumerate(_entries(data, "family", path, required=True), 1):
        where = f"{path}: family #{number}"
        _check_keys(entry, _FAMILY_KEYS, where)
        family_id = _text(entry, "id", where)
        _check_id(family_id, where)
        if family_id in families:
            raise TaxonomyError(f"{where}: duplicate family id {family_id!r}")
        label = _text(entry, "label", where)
        network = _text(entry, "network", where, empty_ok=True) if "network" in entry else ""
        families[family_id] = JobFamily(family_id, label, network)
    return tuple(families.values())


def parse_skills(
    data: Mapping[str, Any], path: Path, family_ids: Iterable[str], *, required: bool = True
) -> tuple[Skill, ...]:
    """The [[skill]] entries of a skills file, each validated on its own: slug id unique in
    the file, known family, non-empty label, case_sensitive phrases among the skill's
    phrases, short phrases case-sensitive. Shared phrases are checked by the caller."""
    known_families = frozenset(family_ids)
    skills: dict[str, Skill] = {}
    for number, entry in enumerate(_entries(data, "skill", path, required=required), 1):
        where = f"{path}: skill #{number}"
        _check_keys(entry, _SKILL_KEYS, where)
        skill_id = _text(entry, "id", where)
        _check_id(skill_id, where)
        where = f"{path}: skill {skill_id!r}"
        if skill_id in skills:
            raise TaxonomyError(f"{where}: duplicate skill id")
        family = _text(entry, "family", where)
        if family not in known_families:
            raise TaxonomyError(f"{where}: unknown family {family!r}")
        esco_uri = _text(entry, "esco_uri", where) if "esco_uri" in entry else None
        skill = Skill(
            id=skill_id,
            label=_text(entry, "label", where),
            family=family,
            synonyms=_texts(entry, "synonyms", where),
            case_sensitive=frozenset(_texts(entry, "case_sensitive", where)),
            esco_uri=esco_uri,
        )
        phrases = (skill.label, *skill.synonyms)
        strays = sorted(skill.case_sensitive - set(phrases))
        if strays:
            raise TaxonomyError(f"{where}: case_sensitive {strays} are not its label or synonyms")
        short = [p for p in phrases if is_short_phrase(p) and p not in skill.case_sensitive]
        if short:
            raise TaxonomyError(
                f"{where}: short phrase(s) {short} would match ordinary words; "
                "list them in case_sensitive or make them longer"
            )
        skills[skill_id] = skill
    return tuple(skills.values())


def parse_sdgs(data: Mapping[str, Any], path: Path) -> tuple[SdgGoal, ...]:
    """The [[goal]] entries of sdgs.toml: numbers 1-17, each once, labels and terms."""
    goals: dict[int, SdgGoal] = {}
    for index, entry in enumerate(_entries(data, "goal", path, required=True), 1):
        where = f"{path}: goal #{index}"
        _check_keys(entry, _GOAL_KEYS, where)
        number = entry.get("number")
        if not isinstance(number, int) or isinstance(number, bool) or number not in SDG_NUMBERS:
            raise TaxonomyError(f"{where}: number must be an integer 1-17, not {number!r}")
        if number in goals:
            raise TaxonomyError(f"{where}: duplicate goal number {number}")
        terms = _texts(entry, "terms", where)
        if not terms:
            raise TaxonomyError(f"{where}: no terms")
        goals[number] = SdgGoal(number, _text(entry, "label", where), terms)
    return tuple(goals[number] for number in sorted(goals))


def _check_shared_phrases(skills: Iterable[Skill], path: Path) -> None:
    owners: dict[str, str] = {}
    for skill in skills:
        for phrase in skill.phrases():
            owner = owners.setdefault(phrase_key(phrase), skill.id)
            if owner != skill.id:
                raise TaxonomyError(
                    f"{path}: phrase {phrase!r} belongs to both {owner!r} and {skill.id!r}"
                )


def _fingerprint(raws: Iterable[bytes]) -> str:
    digest = hashlib.sha256()
    for raw in raws:
        digest.update(hashlib.sha256(raw).digest())
    return digest.hexdigest()


@cache
def _shipped() -> tuple[Taxonomy, tuple[bytes, ...]]:
    """The shipped taxonomy and the raw bytes of its files, read once per process."""
    families_data, families_raw = _read_toml(SHIPPED_DIR / FAMILIES_FILE)
    skills_data, skills_raw = _read_toml(SHIPPED_DIR / SKILLS_FILE)
    sdgs_data, sdgs_raw = _read_toml(SHIPPED_DIR / SDGS_FILE)
    families = parse_families(families_data, SHIPPED_DIR / FAMILIES_FILE)
    skills = parse_skills(skills_data, SHIPPED_DIR / SKILLS_FILE, (f.id for f in families))
    _check_shared_phrases(skills, SHIPPED_DIR / SKILLS_FILE)
    sdgs = parse_sdgs(sdgs_data, SHIPPED_DIR / SDGS_FILE)
    raws = (families_raw, skills_raw, sdgs_raw)
    return Taxonomy(families, skills, sdgs, _fingerprint(raws)), raws


def _merge_skills(skills: list[Skill], extra: Iterable[Skill]) -> None:
    """Add extra skills to ``skills`` in place, by the merge rules of the module docstring."""
    index = {skill.id: position for position, skill in enumerate(skills)}
    owners = {phrase_key(p): skill.id for skill in skills for p in skill.phrases()}
    for new in extra:
        target_id = new.id if new.id in index else owners.get(phrase_key(new.label))
        target = skills[index[target_id]] if target_id is not None else None
        owner_id = target.id if target is not None else new.id
        base = set(map(phrase_key, target.phrases())) if target is not None else set()
        kept = [
            phrase
            for phrase in new.phrases()
            if owners.get(phrase_key(phrase), owner_id) == owner_id
            and phrase_key(phrase) not in base
        ]
        if target is None:  # a new skill: its label is no other skill's phrase
            label = new.label
            merged = replace(
                new, synonyms=tuple(kept[1:]), case_sensitive=new.case_sensitive & set(kept)
            )
            index[new.id] = len(skills)
            skills.append(merged)
        else:
            label = target.label
            merged = replace(
                target,
                synonyms=(*target.synonyms, *kept),
                case_sensitive=target.case_sensitive | (new.case_sensitive & set(kept)),
                esco_uri=target.esco_uri or new.esco_uri,
            )
            skills[index[target.id]] = merged
        for phrase in (label, *kept):
            owners[phrase_key(phrase)] = owner_id


def load_taxonomy(extra_skill_files: Iterable[Path] = ()) -> Taxonomy:
    """The shipped families, skills and SDGs, plus the skills of ``extra_skill_files``
    (skills.toml format, e.g. written by :func:`import_esco`) merged in order.

    Raises :class:`TaxonomyError` naming the file if one is unreadable or inconsistent.
    The shipped part is cached; extra files are read on every call.
    """
    shipped, raws = _shipped()
    extra_paths = [Path(path) for path in extra_skill_files]
    if not extra_paths:
        return shipped
    family_ids = [family.id for family in shipped.families]
    skills = list(shipped.skills)
    extra_raws = []
    for path in extra_paths:
        data, raw = _read_toml(path)
        _merge_skills(skills, parse_skills(data, path, family_ids, required=False))
        extra_raws.append(raw)
    return Taxonomy(
        shipped.families, tuple(skills), shipped.sdgs, _fingerprint((*raws, *extra_raws))
    )


# --- Writing skills files ----------------------------------------------------------------

_TOML_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


def toml_string(text: str) -> str:
    """``text`` as a TOML basic string: quotes, backslashes and control characters escaped."""
    escaped = "".join(
        _TOML_ESCAPES.get(ch) or (f"\\u{ord(ch):04X}" if ord(ch) < 0x20 or ord(ch) == 0x7F else ch)
        for ch in text
    )
    return f'"{escaped}"'


def skills_toml(skills: Iterable[Skill], header: str = "") -> str:
    """Skills in the skills.toml format, each optional key only when it has a value;
    ``header`` becomes comment lines at the top."""
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    for skill in skills:
        lines += [
            "",
            "[[skill]]",
            f"id = {toml_string(skill.id)}",
            f"label = {toml_string(skill.label)}",
            f"family = {toml_string(skill.family)}",
            f"synonyms = [{', '.join(map(toml_string, skill.synonyms))}]",
        ]
        if skill.case_sensitive:
            phrases = [p for p in skill.phrases() if p in skill.case_sensitive]
            lines.append(f"case_sensitive = [{', '.join(map(toml_string, phrases))}]")
        if skill.esco_uri:
            lines.append(f"esco_uri = {toml_string(skill.esco_uri)}")
    return "\n".join(lines) + "\n"


def _write_atomically(path: Path, text: str) -> None:
    """Write via a temporary file in the same directory and rename: never a partial file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed before the rename
        "w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False
    )
    try:
        with handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


# --- ESCO import -------------------------------------------------------------------------

ESCO_REQUIRED_COLUMNS = ("conceptUri", "preferredLabel")
ESCO_RELEASED = "released"
MAX_PROBLEMS = 20

GENERIC_LABELS = frozenset(
    {
        "administration",
        "analysis",
        "budget",
        "budgets",
        "communication",
        "communications",
        "coordination",
        "data",
        "design",
        "development",
        "education",
        "engineering",
        "evaluation",
        "finance",
        "meeting",
        "meetings",
        "health",
        "innovation",
        "law",
        "leadership",
        "learning",
        "management",
        "marketing",
        "monitoring",
        "operations",
        "planning",
        "policy",
        "programme",
        "program",
        "project",
        "protection",
        "quality",
        "report",
        "reporting",
        "reports",
        "research",
        "safety",
        "sales",
        "security",
        "service",
        "services",
        "strategy",
        "support",
        "teaching",
        "technology",
        "training",
        "writing",
    }
)
"""One-word labels too common in postings to stand for a skill on their own."""


def is_generic_label(label: str) -> bool:
    """Too generic to match safely: one word of fewer than four letters or digits, or a
    word of :data:`GENERIC_LABELS`."""
    return is_short_phrase(label) or phrase_key(label) in GENERIC_LABELS


FAMILY_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("finance", ("budget", "accounting", "accountant", "audit", "financ", "invoice", "tax",
                 "treasury", "bookkeeping", "ledger", "payroll")),
    ("supply", ("procure", "logistic", "supply chain", "warehous", "inventor", "tender",
                "purchas", "shipment", "freight", "supplier")),
    ("ict", ("software", "network", "database", "computer", "ict", "programming", "cloud",
             "cyber", "web", "server", "spreadsheet", "data", "algorithm", "digital")),
    ("hr", ("recruit", "human resource", "staff", "employee", "personnel")),
    ("legal", ("legal", "law", "legislat", "litigat", "court", "treaty", "treaties")),
    ("health", ("health", "medical", "patient", "disease", "clinical", "nurs", "medicine",
                "epidemi", "vaccin")),
    ("science", ("environment", "climate", "energy", "ecolog", "water", "agricultur",
                 "engineer", "forest", "biodiversity", "pollution", "waste")),
    ("education", ("teach", "curricul", "student", "pupil", "school", "lesson")),
    ("safety", ("security", "safety", "hazard")),
    ("info", ("communicat", "media", "publication", "public relations", "translat",
              "interpret", "journalis", "press", "edit")),
    ("pol", ("humanitarian", "peace", "conflict", "refugee", "human rights", "politic",
             "diplomat", "migra")),
    ("econ", ("econom", "policy", "policies", "poverty", "evaluat", "statistic", "research",
              "survey")),
    ("mgmt", ("project", "programme", "administrat", "office", "plan", "strateg", "team",
              "stakeholder")),
)  # fmt: skip
"""The family of an imported ESCO skill: the family whose keywords (word beginnings)
occur most often in its preferred and alternative labels, or if none does, in its
description and definition; ties go to the family listed first; no hit means "other"."""

_FAMILY_PATTERNS = tuple(
    (family, re.compile(r"\b(?:" + "|".join(map(re.escape, words)) + ")", re.IGNORECASE))
    for family, words in FAMILY_KEYWORDS
)
FALLBACK_FAMILY = "other"


def esco_family(labels: Iterable[str], description: str, family_ids: Iterable[str]) -> str:
    """The family for an imported ESCO skill by the rule of :data:`FAMILY_KEYWORDS`,
    among ``family_ids`` (``"other"`` when no keyword family is one of them)."""
    known = frozenset(family_ids)
    for text in ("\n".join(labels), description):
        scores = [
            (len(pattern.findall(text)), family)
            for family, pattern in _FAMILY_PATTERNS
            if family in known
        ]
        best = max(scores, key=lambda score: score[0], default=(0, ""))
        if best[0]:
            return best[1]
    return FALLBACK_FAMILY


@dataclass(frozen=True)
class EscoImport:
    imported: int
    """ESCO skills written as new skills (id ``esco-<uuid>``)."""
    merged: int
    """ESCO skills merged into an existing skill."""
    skipped: int
    """Rows not used (not released, no label, too generic, duplicate)."""
    problems: tuple[str, ...]
    """Why rows were skipped: the first :data:`MAX_PROBLEMS`."""
    path: Path


def _read_esco_rows(csv_path: Path) -> list[dict[str, str]]:
    """The CSV's rows as dicts keyed by stripped column names; UTF-8 with or without BOM."""
    try:
        with csv_path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            columns = [(name or "").strip() for name in reader.fieldnames or ()]
            missing = [name for name in ESCO_REQUIRED_COLUMNS if name not in columns]
            if missing:
                raise TaxonomyError(
                    f"{csv_path}: not an ESCO skills CSV: missing column(s) "
                    f"{', '.join(missing)} (has: {', '.join(columns) or 'no header'})"
                )
            reader.fieldnames = columns
            return [{k: v or "" for k, v in row.items() if isinstance(k, str)} for row in reader]
    except OSError as error:
        raise TaxonomyError(f"{csv_path}: cannot read: {error.strerror or error}") from error
    except UnicodeDecodeError as error:
        raise TaxonomyError(f"{csv_path}: not UTF-8: {error}") from error
    except csv.Error as error:
        raise TaxonomyError(f"{csv_path}: malformed CSV: {error}") from error


def _labels(cell: str) -> list[str]:
    """The labels of a multi-label ESCO cell (one per line), whitespace collapsed."""
    return [" ".join(line.split()) for line in cell.splitlines() if line.strip()]


def _esco_id(uri: str) -> str | None:
    """``esco-<last path segment of the URI>``, or None if that segment is no slug."""
    segment = uri.rstrip("/").rsplit("/", 1)[-1].lower()
    return f"esco-{segment}" if segment and _ID.fullmatch(segment) else None


def import_esco(csv_path: Path, out_path: Path, *, taxonomy: Taxonomy | None = None) -> EscoImport:
    """Read the ESCO skills CSV and write its skills to ``out_path`` as a skills file for
    ``load_taxonomy(extra_skill_files=[out_path])``.

    * Columns ``conceptUri`` and ``preferredLabel`` are required (TaxonomyError naming the
      missing ones, and nothing written). ``altLabels`` holds more labels, one a line;
      ``hiddenLabels`` (misspellings, search terms) are not used.
    * Skipped: rows whose ``status`` is not "released" (when the column exists), rows
      without a label or URI, repeated URIs, and (unless they merge) rows whose preferred
      label is generic (:func:`is_generic_label`) or already a phrase of a skill written
      for an earlier row.
    * Merged: a row whose preferred label or an alternative label equals (case-insensitive)
      a phrase of a skill of ``taxonomy`` (the shipped one by default): its labels become
      synonyms of that skill and its URI the skill's ``esco_uri`` unless it has one.
    * Imported: any other row, as skill ``esco-<last URI segment>`` in the family given by
      :func:`esco_family`, with its alternative labels as synonyms.
    * Generic labels are never added as synonyms, nor labels another skill already owns.

    The file is written whole or not at all (temporary file, then rename). It is
    self-contained: import against the shipped taxonomy (the default), not one loaded with
    the file being replaced.
    """
    taxonomy = taxonomy if taxonomy is not None else load_taxonomy()
    rows = _read_esco_rows(csv_path)
    family_ids = [family.id for family in taxonomy.families]
    if FALLBACK_FAMILY not in family_ids:
        raise TaxonomyError(f"the taxonomy has no {FALLBACK_FAMILY!r} family for ESCO skills")
    skills = {skill.id: skill for skill in taxonomy.skills}
    existing = {phrase_key(p): skill.id for skill in taxonomy.skills for p in skill.phrases()}
    owners = dict(existing)  # and the phrases written so far
    entries: dict[str, Skill] = {}  # what the file will hold, by skill id, in row order
    seen_uris: set[str] = set()
    imported = merged = skipped = 0
    problems: list[str] = []

    for number, row in enumerate(rows, 1):
        uri = row.get("conceptUri", "").strip()
        preferred = " ".join(row.get("preferredLabel", "").split())
        labels = [preferred, *_labels(row.get("altLabels", ""))] if preferred else []
        usable = [label for label in labels if not is_generic_label(label)]
        target = next((existing[k] for k in map(phrase_key, usable) if k in existing), None)
        new_id = _esco_id(uri)
        status = row.get("status", ESCO_RELEASED).strip()
        reason = None
        if status.casefold() != ESCO_RELEASED:
            reason = f"status {status!r}, not released"
        elif not preferred:
            reason = "no preferredLabel"
        elif not uri:
            reason = "no conceptUri"
        elif new_id is None:
            reason = f"conceptUri {uri!r} has no usable last segment"
        elif uri in seen_uris:
            reason = "conceptUri repeated"
        elif target is None and new_id in skills:
            target = new_id  # imported before, its labels changed since
        elif target is None and is_generic_label(preferred):
            reason = f"preferredLabel {preferred!r} too generic to match safely"
        elif target is None and phrase_key(preferred) in owners:
            owner = owners[phrase_key(preferred)]
            reason = f"preferredLabel {preferred!r} is already a phrase of {owner!r}"
        if reason is not None:
            skipped += 1
            if len(problems) < MAX_PROBLEMS:
                problems.append(f"row {number} ({uri or 'no conceptUri'}): {reason}")
            continue
        seen_uris.add(uri)
        skill_id = target if target is not None else str(new_id)
        base = entries.get(skill_id) or skills.get(skill_id)
        if base is None:
            family = esco_family(
                labels, f"{row.get('description', '')}\n{row.get('definition', '')}", family_ids
            )
            base = Skill(skill_id, preferred, family, (), esco_uri=uri)
            imported += 1
        else:
            merged += 1
            if skill_id not in entries:  # the file repeats the skill with ESCO's labels only
                label_case = base.case_sensitive & {base.label}
                base = Skill(base.id, base.label, base.family, (), label_case, base.esco_uri or uri)
        known = {phrase_key(p) for p in base.phrases()}
        additions: list[str] = []
        for label in usable:
            key = phrase_key(label)
            if key not in known and owners.get(key, skill_id) == skill_id:
                known.add(key)
                additions.append(label)
                owners[key] = skill_id
        owners[phrase_key(base.label)] = skill_id
        entries[skill_id] = replace(base, synonyms=(*base.synonyms, *additions))

    text = skills_toml(
        entries.values(),
        header=(
            "Skills imported from ESCO (European Skills, Competences, Qualifications and\n"
            f"Occupations) by vacancies.taxonomy.import_esco from {_printable(csv_path.name)}.\n"
            "Regenerate it rather than edit it. Load with\n"
            "load_taxonomy(extra_skill_files=[this file])."
        ),
    )
    # Read it back as the loader will: a bug here must raise, not leave a file it rejects.
    parse_skills(tomllib.loads(text), out_path, family_ids, required=False)
    _write_atomically(out_path, text)
    return EscoImport(imported, merged, skipped, tuple(problems), out_path)


def _printable(text: str) -> str:
    return "".join(ch if ch.isprintable() else "?" for ch in text)
