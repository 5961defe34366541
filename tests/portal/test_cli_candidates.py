"""``portal candidates import`` as an operator runs it: a real process on the test
database, Norec's roster files from tests/data/roster."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from candidates import accounts, audit, profiles
from candidates.tables import User

PORTAL = [sys.executable, "-m", "portal.cli"]
DATA = Path(__file__).parents[1] / "data" / "roster"


def portal(*args: str):
    return subprocess.run(
        [*PORTAL, *args], capture_output=True, text=True, timeout=120, env=os.environ, check=False
    )


def roster(tmp_path: Path, name: str) -> Path:
    copy = tmp_path / name
    shutil.copy(DATA / name, copy)
    return copy


async def test_import_writes_the_report_next_to_the_file_and_exits_1(db, tmp_path):
    path = roster(tmp_path, "roster.csv")
    result = portal("candidates", "import", str(path))
    assert result.returncode == 1, result.stderr
    lines = result.stderr.splitlines()
    assert lines[0] == (f"12 rows in {path} (csv): imported 6 (6 new, 0 updated), rejected 6")
    assert lines[1:4] == [
        "  line 2 kari.nordmann@example.no: email: also on line 9 of the file",
        "  line 6 sofie.eriksen@example: email: The part after the @-sign is not valid. It "
        "should have a period.",
        "  line 7 marius.larsen@example.no: skills: unknown skill id 'basket-weaving'",
    ]
    assert lines[-1] == f"report of rejected rows: {path}.rejected.csv"
    with (tmp_path / "roster.csv.rejected.csv").open(encoding="utf-8") as handle:
        report = list(csv.reader(handle))
    assert [row[:2] for row in report] == [
        ["line", "email"],
        ["2", "kari.nordmann@example.no"],
        ["6", "sofie.eriksen@example"],
        ["7", "marius.larsen@example.no"],
        ["8", "nora.pedersen@example.no"],
        ["9", "kari.nordmann@example.no"],
        ["10", "emma.andersen@example.no"],
    ]
    assert await User.count() == 6
    jonas = await accounts.find_user_by_email("jonas.nilsen@example.no")
    profile = await profiles.get_profile(jonas.id)
    assert profile.education_level == "doctorate"
    assert profile.organizations == ["UNEP", "WMO", "UNFCCC"]
    [entry] = await audit.entries(action="roster_imported")
    assert entry.detail == {
        "format": "csv",
        "rows": 12,
        "created": 6,
        "updated": 0,
        "rejected": 6,
    }

    # Again: the same people are updated, nobody is created twice.
    again = portal("candidates", "import", str(path), "--json")
    assert again.returncode == 1, again.stderr
    summary = json.loads(again.stdout)
    assert (summary["created"], summary["updated"], len(summary["rejected"])) == (0, 6, 6)
    assert await User.count() == 6


async def test_json_dry_run_with_a_chosen_report(db, tmp_path):
    path = roster(tmp_path, "roster.jsonl")
    report = tmp_path / "out" / "rejected.csv"
    report.parent.mkdir()
    result = portal(
        "candidates", "import", str(path), "--dry-run", "--json", "--report", str(report)
    )
    assert result.returncode == 1, result.stderr
    assert json.loads(result.stdout) == {
        "file": str(path),
        "format": "jsonl",
        "dry_run": True,
        "rows": 6,
        "created": 3,
        "updated": 0,
        "rejected": [
            {
                "line": 3,
                "email": "per.bakken@example.no",
                "reasons": ["organizations: unknown organisation 'ACME Relief'"],
            },
            {"line": 5, "email": None, "reasons": ["not valid JSON (Expecting ',' delimiter)"]},
            {
                "line": 7,
                "email": "tone.lie@example.no",
                "reasons": [
                    "birth_year: Input should be a valid integer, unable to parse string as an "
                    "integer"
                ],
            },
        ],
        "report": str(report),
    }
    assert report.read_text(encoding="utf-8").splitlines()[0] == "line,email,reasons"
    assert await User.count() == 0
    assert await audit.entries() == []


async def test_every_row_imported_exits_0(db, tmp_path):
    path = tmp_path / "roster"  # no extension: told by its content
    path.write_text(
        '{"email": "ragnhild.moe@example.no", "skills": ["capacity-development"]}\n'
        '{"email": "henrik.dahl@example.no", "languages": ["nb:native", "en:C1"]}\n',
        encoding="utf-8",
    )
    result = portal("candidates", "import", str(path), "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert (summary["format"], summary["created"], summary["rejected"]) == ("jsonl", 2, [])
    assert (tmp_path / "roster.rejected.csv").read_text(encoding="utf-8") == (
        "line,email,reasons\n"
    )


async def test_an_unreadable_file_exits_2(db, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    result = portal("candidates", "import", str(empty))
    assert result.returncode == 2
    assert f"cannot read the roster: {empty}: the file is empty" in result.stderr
    missing = portal("candidates", "import", str(tmp_path / "missing.csv"))
    assert missing.returncode == 2
    assert "No such file or directory" in missing.stderr
    assert not (tmp_path / "empty.csv.rejected.csv").exists()
    assert await User.count() == 0
