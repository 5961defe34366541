"""Building the extraction pipeline: once per process per language.

``build_nlp("en")`` reads ``config.cfg`` (``nlp.lang`` overridden for bokmål), builds a
blank language with the lookup lemmatizer and the project's components and initialises
them. With ``model="en_core_web_md"`` an installed spaCy package is loaded instead and
the project's components are added after its own; the package's components keep their
trained weights (only ours are initialised).
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Iterable
from pathlib import Path

import spacy
from spacy import util
from spacy.language import Language

from . import components  # noqa: F401 - registers the norec_* factories
from .components import COMPONENTS

CONFIG = Path(__file__).with_name("config.cfg")
LANGUAGES = {"en": "en", "nb": "nb", "no": "nb", "nn": "nb"}
"""Accepted ``lang`` values -> spaCy language; Nynorsk is read with the bokmål pipeline."""

_lock = threading.Lock()
_cache: dict[str, Language] = {}


class ModelNotInstalledError(RuntimeError):
    """The spaCy package named as model is not installed."""


def spacy_lang(lang: str) -> str:
    try:
        return LANGUAGES[lang.lower()]
    except KeyError:
        raise ValueError(f"unsupported language {lang!r}: use one of {sorted(LANGUAGES)}") from None


def load_config(lang: str = "en", extra_skill_files: Iterable[str | Path] = ()) -> util.Config:
    overrides = {
        "nlp.lang": spacy_lang(lang),
        "components.norec_skills.extra_skill_files": [str(p) for p in extra_skill_files],
    }
    return util.load_config(CONFIG, overrides=overrides)


def build_nlp(
    lang: str = "en", model: str | None = None, extra_skill_files: Iterable[str | Path] = ()
) -> Language:
    """A new, initialised pipeline (see the module docstring)."""
    config = load_config(lang, extra_skill_files)
    if model is None:
        nlp = util.load_model_from_config(config, auto_fill=True, validate=True)
        nlp.initialize()
        return nlp
    if importlib.util.find_spec(model) is None and not Path(model).exists():
        raise ModelNotInstalledError(
            f"spaCy model {model!r} is not installed: install it (python -m spacy download "
            f"{model}) or leave the model setting empty to use the blank pipeline"
        )
    nlp = spacy.load(model)
    if nlp.lang != spacy_lang(lang):
        raise ValueError(f"model {model!r} is for {nlp.lang!r}, not {lang!r}")
    settings = config["initialize"]["components"]
    for name in COMPONENTS:
        block = {k: v for k, v in config["components"][name].items() if k != "factory"}
        nlp.add_pipe(config["components"][name]["factory"], name=name, config=block)
    for name in COMPONENTS:
        nlp.get_pipe(name).initialize(lambda: [], nlp=nlp, **settings.get(name, {}))
    return nlp


_options: dict[str, object] = {"model": None, "extra_skill_files": ()}


def configure(model: str | None = None, extra_skill_files: Iterable[str | Path] = ()) -> None:
    """Process-wide build options for :func:`get_nlp` (from the portal's settings): an
    installed spaCy package for English text (``nlp_model``; bokmål stays blank) and the
    operator's extra skill files. Drops the pipelines built so far."""
    with _lock:
        _options["model"] = model or None
        _options["extra_skill_files"] = tuple(str(p) for p in extra_skill_files)
        _cache.clear()


def get_nlp(lang: str = "en") -> Language:
    """The process's pipeline for ``lang``, built on first use (see :func:`configure`)."""
    key = spacy_lang(lang)
    nlp = _cache.get(key)
    if nlp is None:
        with _lock:
            nlp = _cache.get(key)
            if nlp is None:
                model = _options["model"] if key == "en" else None
                extra = _options["extra_skill_files"]
                nlp = _cache[key] = build_nlp(key, model=model, extra_skill_files=extra)
    return nlp
