"""Extraction speed: vacancy texts per second through the requirement pipeline, one core.

The labelled texts of tests/data/requirements are repeated and cut to about 800 words each
(a typical posting), each made distinct by a reference line, up to --texts texts (default
1,000), and read in their own language. The process pins itself to one core
(``os.sched_setaffinity(0, {0})`` where the platform has it). Timed, after a warm-up:

  tokenizer        ``spacy.blank("en").tokenizer.pipe``: spaCy's bare tokenizer, as shipped
  lean tokenizer   the pipeline's own tokenizer (special cases dropped, see
                   vacancies/nlp/components.py: spaCy's are 20-40x slower on postings)
  nlp.pipe         the pipeline (lemmatizer + norec_* components), docs only
  extract_many     the public API: text preparation, nlp.pipe and the pydantic results

Ratios are given to both tokenizers (the pipeline is faster than spaCy's bare tokenizer).

Target: nlp.pipe >= 200 texts/s (exit 1 below it). Then each kind of pathological input
(empty, 1 MB of one word, 1 MB without a space, 1 MB of binary junk, mixed scripts, 1 MB
of requirement phrases, thousands of headings) through ``extract``: each must finish
within PATHOLOGICAL_LIMIT seconds (exit 1 otherwise). Prints a table and writes the raw
numbers to benchmarks/results/extraction_speed.json.

Usage:
  .venv/bin/python benchmarks/extraction_speed.py [--texts 1000] [--batch-size 64]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT / "tests" / "data" / "requirements"
RESULTS = ROOT / "benchmarks" / "results" / "extraction_speed.json"
WORDS = 800
TARGET = 200.0


def build_texts(count: int) -> list[tuple[str, str]]:
    """(lang, text) pairs of about WORDS words each."""
    with (DATA / "labels.toml").open("rb") as handle:
        labels = tomllib.load(handle)["text"]
    sources = [(label.get("lang", "en"), (DATA / label["file"]).read_text()) for label in labels]
    texts = []
    for n in range(count):
        lang, source = sources[n % len(sources)]
        body = source
        while len(body.split()) < WORDS:
            body = f"{body}\n\n{source}"
        words = 0
        cut = len(body)
        in_word = False
        for i, char in enumerate(body):
            if char.isspace():
                in_word = False
            elif not in_word:
                in_word = True
                words += 1
                if words > WORDS:
                    cut = i
                    break
        texts.append((lang, f"Reference: VA-{100000 + n}\n{body[:cut].rstrip()}\n"))
    return texts


def timed(function) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--texts", type=int, default=1000)
    parser.add_argument("--batch-size", type=int, default=64)
    args = parser.parse_args()

    pinned = False
    if hasattr(os, "sched_setaffinity"):
        try:
            os.sched_setaffinity(0, {0})
            pinned = True
        except OSError:
            pass

    import spacy

    from vacancies.nlp import extract_many, get_nlp

    texts = build_texts(args.texts)
    by_lang: dict[str, list[str]] = {}
    for lang, text in texts:
        by_lang.setdefault(lang, []).append(text)
    words = sum(len(text.split()) for _, text in texts)
    pipelines = {lang: get_nlp(lang) for lang in by_lang}
    blank = spacy.blank("en")
    for lang, group in by_lang.items():  # warm-up: caches, lazily built tables
        list(pipelines[lang].pipe(group[:20]))
        list(extract_many(group[:20], lang))
    list(blank.tokenizer.pipe(texts[0][1] for _ in range(20)))

    def run_tokenizer() -> None:
        for group in by_lang.values():
            for _ in blank.tokenizer.pipe(group, batch_size=args.batch_size):
                pass

    def run_lean_tokenizer() -> None:
        for lang, group in by_lang.items():
            for _ in pipelines[lang].tokenizer.pipe(group, batch_size=args.batch_size):
                pass

    def run_pipe() -> None:
        for lang, group in by_lang.items():
            for _ in pipelines[lang].pipe(group, batch_size=args.batch_size):
                pass

    def run_extract() -> None:
        for lang, group in by_lang.items():
            for _ in extract_many(group, lang, batch_size=args.batch_size):
                pass

    seconds = {
        "tokenizer": timed(run_tokenizer),
        "lean tokenizer": timed(run_lean_tokenizer),
        "nlp.pipe": timed(run_pipe),
        "extract_many": timed(run_extract),
    }
    rates = {name: len(texts) / value for name, value in seconds.items()}
    report = {
        "texts": len(texts),
        "words": words,
        "words_per_text": round(words / len(texts), 1),
        "batch_size": args.batch_size,
        "pinned_to_one_core": pinned,
        "python": platform.python_version(),
        "spacy": spacy.__version__,
        "seconds": {k: round(v, 4) for k, v in seconds.items()},
        "texts_per_second": {k: round(v, 1) for k, v in rates.items()},
        "ratio_to_tokenizer": {
            k: round(seconds[k] / seconds["tokenizer"], 2) for k in ("nlp.pipe", "extract_many")
        },
        "ratio_to_lean_tokenizer": {
            k: round(seconds[k] / seconds["lean tokenizer"], 2)
            for k in ("nlp.pipe", "extract_many")
        },
        "target_texts_per_second": TARGET,
    }
    print(f"{len(texts)} texts, {words / len(texts):.0f} words each, "
          f"{'one core' if pinned else 'NOT pinned'}, batch size {args.batch_size}")  # fmt: skip
    print(f"{'run':<16} {'seconds':>9} {'texts/s':>9} {'x tokenizer':>12} {'x lean':>8}")
    for name in seconds:
        ratio = seconds[name] / seconds["tokenizer"]
        lean = seconds[name] / seconds["lean tokenizer"]
        print(f"{name:<16} {seconds[name]:>9.2f} {rates[name]:>9.1f} {ratio:>12.2f} {lean:>8.2f}")
    worst = pathological()
    report["pathological_seconds"] = worst
    print(f"\n{'pathological input':<34} {'seconds':>9}  (limit {PATHOLOGICAL_LIMIT:.0f} s each)")
    for name, value in worst.items():
        print(f"{name:<34} {value:>9.3f}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    failed = False
    if rates["nlp.pipe"] < TARGET:
        print(f"FAILED: nlp.pipe {rates['nlp.pipe']:.1f} texts/s < {TARGET:.0f}")
        failed = True
    for name, value in worst.items():
        if value > PATHOLOGICAL_LIMIT:
            print(f"FAILED: {name} took {value:.1f} s > {PATHOLOGICAL_LIMIT:.0f} s")
            failed = True
    return 1 if failed else 0


PATHOLOGICAL_LIMIT = 5.0
"""Seconds one pathological input may take through ``extract`` (it is cut to 200,000
characters, so the bound holds whatever its size)."""


def pathological() -> dict[str, float]:
    """Seconds ``extract`` takes on each kind of hostile or broken input."""
    import random

    from vacancies.nlp import extract

    rng = random.Random(7)
    junk = bytes(rng.randrange(256) for _ in range(1_000_000)).decode("utf-8", errors="replace")
    mixed = "Fluency in English is required; العربية مطلوبة; 需要中文; знание русского. " * 4_000
    inputs = {
        "empty": "",
        "1 MB of one word": "experience " * 100_000,
        "1 MB without a space": "x" * 1_000_000,
        "1 MB of binary junk": junk,
        "mixed scripts, 300 KB": mixed,
        "1 MB of requirement phrases": (
            "Master's degree, 5 years of experience, English and French, desirable; " * 14_000
        ),
        "2,000 headings": "Education\nLanguages\nExperience\n" * 700,
    }
    seconds: dict[str, float] = {}
    for name, text in inputs.items():
        started = time.perf_counter()
        extract(text)
        seconds[name] = round(time.perf_counter() - started, 3)
    return seconds


if __name__ == "__main__":
    sys.exit(main())
