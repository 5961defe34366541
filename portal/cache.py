"""Answers of searches kept in the web process while the catalogue is unchanged.

A search page or API answer is the same for every visitor asking the same question in
the same language, until a harvest (or the expiry job, or an operator) changes the
vacancies. :class:`SearchCache` keeps answers under their question plus the catalogue
version (raised by database triggers on every such change, in any process), so a write
invalidates everything at once and no answer is ever older than the data it shows. A
time limit bounds what changes with the clock alone ("3 days left", "closing within 7
days"), and questions are keyed by the minute they are asked in.

Concurrent requests for the same uncached answer share one computation: at 50
connections a popular search would otherwise be computed 50 times at once.

Nothing personal may be cached here: answers are shared by every visitor.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from datetime import datetime
from typing import Any, TypeVar

from cachetools import TTLCache

from vacancies.search import catalogue_version

T = TypeVar("T")


class SearchCache:
    def __init__(self, *, seconds: float, max_entries: int = 2048) -> None:
        self.seconds = seconds
        self._answers: TTLCache[Hashable, Any] = TTLCache(max_entries, seconds or 1)
        self._pending: dict[Hashable, asyncio.Future[Any]] = {}
        self.hits = 0
        self.misses = 0

    async def get(self, key: Hashable, now: datetime, compute: Callable[[], Awaitable[T]]) -> T:
        """The answer to ``key`` asked at ``now``: cached, being computed by another
        request, or computed by ``compute()`` now."""
        if self.seconds <= 0:
            return await compute()
        version = await catalogue_version()
        if version is None:  # no version row: changes could not be seen
            return await compute()
        full_key = (version, now.replace(second=0, microsecond=0), key)
        try:
            answer = self._answers[full_key]
        except KeyError:
            pass
        else:
            self.hits += 1
            return answer
        self.misses += 1
        task = self._pending.get(full_key)
        if task is None:
            task = asyncio.ensure_future(compute())
            self._pending[full_key] = task
            task.add_done_callback(lambda done: self._finish(full_key, done))
        # Shielded: a client that goes away does not cancel the others' answer.
        return await asyncio.shield(task)

    def _finish(self, key: Hashable, task: asyncio.Future[Any]) -> None:
        self._pending.pop(key, None)
        if not task.cancelled() and task.exception() is None:
            self._answers[key] = task.result()

    def clear(self) -> None:
        self._answers.clear()
