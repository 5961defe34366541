"""Adapters by name. Adding a platform = one module ``scrapers/<name>.py`` whose adapter
class is decorated with ``@register`` and has ``name = "<name>"``, plus its entries in
sources.toml. Modules are imported only when an adapter is asked for."""

from __future__ import annotations

import importlib
import pkgutil
from typing import TypeVar

from scrapers.base import Adapter

_INFRASTRUCTURE_MODULES = frozenset({"base", "http", "records", "registry"})
"""Modules of this package that hold no adapter."""

_adapters: dict[str, type[Adapter]] = {}

AdapterClass = TypeVar("AdapterClass", bound=type[Adapter])


def register(cls: AdapterClass) -> AdapterClass:
    """Class decorator: make ``cls`` available under ``cls.name``."""
    name = getattr(cls, "name", None)
    if not isinstance(name, str) or not name:
        raise TypeError(f"{cls.__qualname__} needs a class attribute 'name' to be registered")
    known = _adapters.get(name)
    if known is not None and known is not cls:
        raise ValueError(f"adapter name {name!r} is taken by {known.__qualname__}")
    _adapters[name] = cls
    return cls


def get_adapter(name: str) -> Adapter:
    """A fresh instance of the adapter registered as ``name``.

    Imports ``scrapers.<name>`` on first use. Raises ``KeyError`` listing the known
    adapter names when there is none by that name.
    """
    if name not in _adapters and _is_adapter_module_name(name):
        _import_adapter_module(name)
    try:
        adapter_class = _adapters[name]
    except KeyError:
        known = ", ".join(adapter_names()) or "none"
        raise KeyError(f"no adapter named {name!r}; known adapters: {known}") from None
    return adapter_class()


def adapter_names() -> list[str]:
    """Names of all adapters, sorted; imports every adapter module of the package."""
    package = importlib.import_module("scrapers")
    for module in pkgutil.iter_modules(package.__path__):
        if _is_adapter_module_name(module.name):
            _import_adapter_module(module.name)
    return sorted(_adapters)


def _is_adapter_module_name(name: str) -> bool:
    return name.isidentifier() and not name.startswith("_") and name not in _INFRASTRUCTURE_MODULES


def _import_adapter_module(name: str) -> None:
    try:
        importlib.import_module(f"scrapers.{name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"scrapers.{name}":
            raise
