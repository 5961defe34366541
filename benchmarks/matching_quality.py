"""Matching quality: nDCG@10 of the matcher against the hand-graded set in tests/data/matching.

The set (README.md there) holds candidate profiles, vacancies and graded relevance
(0-3) judged by hand as a Norec adviser would. This script builds what the portal
builds from stored rows: ``VacancyFacts`` with the requirements the real pipeline reads
(``vacancies.nlp.extract``) and ``CandidateFacts`` with the confirmed profile and no CV
text, then one ``MatchIndex`` over all of them, and measures both directions:

  candidates  for each candidate, the 10 vacancies ``top_vacancies`` offers them
              (eligible ones only, as the candidate sees them by default);
  vacancies   for each vacancy, the 10 candidates ``top_candidates`` lists for staff
              (eligible first, then the others, as staff see them).

nDCG@10 = DCG@10 / ideal DCG@10 with gain 2^grade - 1 and discount log2(rank + 1);
unlisted pairs are grade 0. The ideal ranking is the judged grades sorted, so a
relevant item the matcher fails to offer (or calls ineligible) costs its gain. Items
without any relevant counterpart (ideal DCG 0: the set's distractor vacancies) are left
out of the means and counted. Target: mean >= 0.8 in each direction on the selected
items (exit 1 otherwise).

String ids map to the engine's ints by their number: c07 -> 7, v23 -> 23.

Usage:
  .venv/bin/python benchmarks/matching_quality.py                # all items
  .venv/bin/python benchmarks/matching_quality.py --split dev    # tune on dev only
Writes the figures to benchmarks/results/matching_quality.json.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from datetime import time as dtime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from candidates.matching.models import CandidateFacts, VacancyFacts  # noqa: E402
from candidates.profile_models import ProfileIn  # noqa: E402

DATA = ROOT / "tests" / "data" / "matching"
RESULTS = ROOT / "benchmarks" / "results" / "matching_quality.json"
TODAY = date(2026, 3, 1)
"""Before every deadline in the set: the day the judgements describe."""
TARGET = 0.8
K = 10
WORST = 5
SPLITS = ("dev", "test", "all")


@dataclass(frozen=True)
class LabelledSet:
    candidates: list[dict]
    vacancies: list[dict]
    grades: dict[tuple[str, str], int]
    """(candidate id, vacancy id) -> grade; missing pairs are 0."""


def _toml(name: str) -> dict:
    with (DATA / name).open("rb") as handle:
        return tomllib.load(handle)


def load_set() -> LabelledSet:
    grades = {
        (g["candidate"], g["vacancy"]): int(g["grade"]) for g in _toml("judgements.toml")["grades"]
    }
    return LabelledSet(
        candidates=_toml("candidates.toml")["candidate"],
        vacancies=_toml("vacancies.toml")["vacancy"],
        grades=grades,
    )


def number(label_id: str) -> int:
    """ "c07" -> 7, "v23" -> 23: the engine's integer id for a label id."""
    return int(label_id[1:])


def candidate_facts(row: Mapping) -> CandidateFacts:
    return CandidateFacts(
        id=number(row["id"]), profile=ProfileIn.model_validate(row["profile"]), cv_text=""
    )


def vacancy_facts(row: Mapping) -> VacancyFacts:
    """The row as ingestion would store it, with the pipeline's requirements."""
    from vacancies.nlp import extract

    description = (DATA / row["file"]).read_text(encoding="utf-8")
    deadline = datetime.combine(row["deadline"], dtime(23, 59), tzinfo=UTC)
    return VacancyFacts(
        id=number(row["id"]),
        title=row["title"],
        organization=row.get("organization"),
        grade=row.get("grade"),
        category=row.get("category"),
        country=row.get("country"),
        duty_station=row.get("duty_station"),
        deadline=deadline,
        is_jpo=row.get("is_jpo", False),
        jpo_sponsors=row.get("jpo_sponsors", []),
        open_to_nationalities=row.get("open_to_nationalities", []),
        description=description,
        requirements=extract(description, row["lang"], title=row["title"]),
    )


def dcg(gains: Iterable[int]) -> float:
    return sum((2**grade - 1) / math.log2(rank + 2) for rank, grade in enumerate(gains))


def ndcg(ranked: list[int], judged: Iterable[int], k: int = K) -> float | None:
    """nDCG@k of ``ranked`` grades against every judged grade of the item; None when
    nothing is relevant (the ideal DCG is 0)."""
    ideal = dcg(sorted(judged, reverse=True)[:k])
    if ideal == 0:
        return None
    return dcg(ranked[:k]) / ideal


def evaluate(data: LabelledSet, index, split: str) -> dict:
    """Per-item nDCG@10 in both directions for the items of ``split``."""
    cids = [row["id"] for row in data.candidates]
    vids = [row["id"] for row in data.vacancies]
    splits = {row["id"]: row["split"] for row in [*data.candidates, *data.vacancies]}
    chosen = {i for i in [*cids, *vids] if split == "all" or splits[i] == split}

    def grade(cid: str, vid: str) -> int:
        return data.grades.get((cid, vid), 0)

    def c_key(n: int) -> str:
        return f"c{n:02d}"

    def v_key(n: int) -> str:
        return f"v{n:02d}"

    candidates: dict[str, dict] = {}
    for cid in cids:
        if cid not in chosen:
            continue
        offered = [v_key(m.vacancy_id) for m in index.top_vacancies(number(cid), n=K)]
        score = ndcg([grade(cid, vid) for vid in offered], [grade(cid, vid) for vid in vids])
        candidates[cid] = {
            "split": splits[cid],
            "ndcg": score,
            "offered": [[vid, grade(cid, vid)] for vid in offered],
            "relevant": sorted(
                ([vid, grade(cid, vid)] for vid in vids if grade(cid, vid) > 0),
                key=lambda pair: -pair[1],
            ),
        }
    vacancies: dict[str, dict] = {}
    for vid in vids:
        if vid not in chosen:
            continue
        listed = [c_key(m.candidate_id) for m in index.top_candidates(number(vid), n=K)]
        score = ndcg([grade(cid, vid) for cid in listed], [grade(cid, vid) for cid in cids])
        vacancies[vid] = {
            "split": splits[vid],
            "ndcg": score,
            "listed": [[cid, grade(cid, vid)] for cid in listed],
            "relevant": sorted(
                ([cid, grade(cid, vid)] for cid in cids if grade(cid, vid) > 0),
                key=lambda pair: -pair[1],
            ),
        }
    return {"candidates": candidates, "vacancies": vacancies}


def summary(items: Mapping[str, dict], splits: Iterable[str] = SPLITS) -> dict:
    """Mean nDCG per split over the items with a relevant counterpart."""
    out = {}
    for split in splits:
        scores = [
            item["ndcg"]
            for item in items.values()
            if item["ndcg"] is not None and (split == "all" or item["split"] == split)
        ]
        left_out = sum(
            1
            for item in items.values()
            if item["ndcg"] is None and (split == "all" or item["split"] == split)
        )
        if scores or left_out:
            out[split] = {
                "mean": round(sum(scores) / len(scores), 4) if scores else None,
                "items": len(scores),
                "left_out": left_out,
            }
    return out


def print_report(result: dict, means: dict) -> None:
    print(f"nDCG@{K}        split   mean    items  left out (no relevant item)")
    for direction in ("candidates", "vacancies"):
        for split, row in means[direction].items():
            mean = "  -   " if row["mean"] is None else f"{row['mean']:.4f}"
            print(f"{direction:<13} {split:<6}  {mean}  {row['items']:>5}  {row['left_out']:>5}")
    for direction, shown in (("candidates", "offered"), ("vacancies", "listed")):
        items = [(key, item) for key, item in result[direction].items() if item["ndcg"] is not None]
        items.sort(key=lambda pair: (pair[1]["ndcg"], pair[0]))
        print(f"\nworst {WORST} {direction} ({shown} top {K} as id:grade; judged relevant):")
        for key, item in items[:WORST]:
            got = " ".join(f"{other}:{grade}" for other, grade in item[shown])
            want = " ".join(f"{other}:{grade}" for other, grade in item["relevant"])
            print(f"  {key} [{item['split']}] nDCG {item['ndcg']:.3f}")
            print(f"      {shown}: {got or '(nothing)'}")
            print(f"      relevant: {want}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--split", choices=SPLITS, default="all")
    args = parser.parse_args()

    from candidates.matching.engine import MatchIndex

    started = time.perf_counter()
    data = load_set()
    candidates = [candidate_facts(row) for row in data.candidates]
    vacancies = [vacancy_facts(row) for row in data.vacancies]
    read = time.perf_counter()
    index = MatchIndex.build(candidates, vacancies, today=TODAY)
    result = evaluate(data, index, args.split)
    shown = SPLITS if args.split == "all" else (args.split,)
    means = {direction: summary(result[direction], shown) for direction in result}
    finished = time.perf_counter()

    print_report(result, means)
    print(
        f"\n{len(candidates)} candidates, {len(vacancies)} vacancies; "
        f"extraction {read - started:.1f} s, matching {finished - read:.2f} s"
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "split": args.split,
                "today": TODAY.isoformat(),
                "k": K,
                "target": TARGET,
                "means": means,
                "ids": {
                    "candidates": {row["id"]: number(row["id"]) for row in data.candidates},
                    "vacancies": {row["id"]: number(row["id"]) for row in data.vacancies},
                },
                "items": result,
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    print(f"wrote {RESULTS.relative_to(ROOT)}")
    failed = [
        direction
        for direction in means
        if (means[direction].get(args.split) or {}).get("mean") is None
        or means[direction][args.split]["mean"] < TARGET
    ]
    if failed:
        print(f"below target {TARGET} on {args.split}: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
