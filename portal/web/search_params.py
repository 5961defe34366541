"""The vacancy search as it lives in the page's URL (``/vacancies?...``), shared by the
search page and the feeds: parsing into a :class:`VacancyQuery` and writing it back.

The URL names follow the JSON API's, except the two windows: ``deadline`` (closing
within 7, 14 or 30 days) and ``posted`` (posted in the last 1, 7 or 30 days). ``jpo=true``
keeps JPO posts only; ``sponsor=NO`` (repeatable) those a donor country sponsors.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar.datastructures import MultiDict
from litestar.exceptions import ValidationException
from pydantic import ValidationError

from vacancies.schemas import VacancyQuery
from vacancies.search import DEADLINE_WINDOWS, POSTED_WINDOWS

LIST_PARAMS = ("organization", "org_type", "category", "grade", "country", "region", "sponsor")
WINDOW_PARAMS = {
    "deadline": ("deadline_within_days", DEADLINE_WINDOWS),
    "posted": ("posted_within_days", POSTED_WINDOWS),
}
PER_PAGE = 20


def parse_search(params: MultiDict, *, per_page: int = PER_PAGE) -> VacancyQuery:
    """The query of a search URL; unknown parameters (``lang``) are ignored. A wrong
    value raises ValidationException naming the parameter, with a readable message."""
    values: dict[str, Any] = {
        name: [v for v in params.getall(name, []) if v] for name in LIST_PARAMS
    }
    errors: list[dict[str, str]] = []
    for name, (field, windows) in WINDOW_PARAMS.items():
        raw = params.get(name) or None
        if raw is None:
            continue
        if not raw.isdigit() or int(raw) not in windows:
            allowed = ", ".join(str(w) for w in windows)
            errors.append({"key": name, "message": f"must be one of {allowed}, got {raw!r}"})
        else:
            values[field] = int(raw)
    jpo = params.get("jpo") or None
    if jpo is not None:
        if jpo not in ("true", "false"):
            errors.append({"key": "jpo", "message": f"must be true or false, got {jpo!r}"})
        else:
            values["jpo"] = jpo == "true"
    q = (params.get("q") or "").strip()
    values["q"] = q or None
    sort = params.get("sort") or ("relevance" if q else "deadline")
    values.update(sort=sort, page=params.get("page") or 1, per_page=per_page)
    try:
        query = VacancyQuery(**values)
    except ValidationError as exc:
        errors.extend(
            {"key": _page_name(str(error["loc"][0])), "message": _message(error)}
            for error in exc.errors()
        )
    if errors:
        raise ValidationException(detail="invalid search", extra=errors)
    return query


def _page_name(field: str) -> str:
    for name, (query_field, _) in WINDOW_PARAMS.items():
        if query_field == field:
            return name
    return field


def _message(error: dict) -> str:
    message = str(error["msg"]).removeprefix("Value error, ")
    given = error.get("input")
    return f"{message} (got {given!r})" if isinstance(given, str | int) else message


def search_params(query: VacancyQuery, **changes: Any) -> list[tuple[str, str]]:
    """The URL parameters of a query (defaults left out), with ``changes`` applied:
    ``page=2``; ``None`` removes a parameter."""
    state: dict[str, Any] = {name: list(getattr(query, name)) for name in LIST_PARAMS}
    state["q"] = query.q
    state["deadline"] = query.deadline_within_days
    state["posted"] = query.posted_within_days
    state["jpo"] = "true" if query.jpo else None
    default_sort = "relevance" if query.q else "deadline"
    state["sort"] = query.sort if query.sort != default_sort else None
    state["page"] = query.page if query.page > 1 else None
    state.update(changes)
    pairs: list[tuple[str, str]] = []
    for name in ("q", *LIST_PARAMS, "jpo", "deadline", "posted", "sort", "page"):
        value = state.get(name)
        if value is None or value == []:
            continue
        for item in value if isinstance(value, list) else [value]:
            pairs.append((name, str(item)))
    return pairs


def search_url(path: str, query: VacancyQuery, **changes: Any) -> str:
    """``path`` with the query's parameters: ``/vacancies/feed.atom?q=...``."""
    pairs = search_params(query, **changes)
    return f"{path}?{urlencode(pairs)}" if pairs else path
