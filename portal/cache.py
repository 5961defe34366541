"""Answers of searches kept in the web process while the catalogue is unchanged.

A search page or API answer is the same for every visitor asking the same question in
the same language, until a harvest (or the expiry job, or an operator) changes the
vacancies. :class:`SearchCache` keeps answers under their question plus the catalogue
version (raised by database triggers on every such change, in any process), so a write
invalidates everything at once and no answer is ever older than the data it shows.

Answers also age with the clock alone ("3 days left", "closing within 7 days"): one
older than half its time limit is still given, and recomputed in the background for the
next visitor, so steady traffic never waits for a popular search; at the time limit it
is dropped. Questions are keyed by the day they are asked on.

Concurrent requests for the same uncached answer share one computation: at 50
connections a popular search would otherwise be computed 50 times at once.

Nothing personal may be cached here: answers are shared by every visitor.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Hashable
from datetime import datetime
from typing import Any, TypeVar

from cachetools import TTLCache

from vacancies.search import catalogue_version

T = TypeVar("T")


class SearchCache:
    def __init__(
        self,
        *,
        seconds: float,
        max_entries: int = 2048,
        timer: Callable[[], float] = time.monotonic,
    ) -> None:
        self.seconds = seconds
        self._timer = timer
        self._answers: TTLCache[Hashable, tuple[Any, float]] = TTLCache(
            max_entries, seconds or 1, timer=timer
        )
        self._pending: dict[Hashable, asyncio.Future[Any]] = {}
        self.hits = 0
        self.misses = 0
        self.refreshes = 0

    async def get(self, key: Hashable, now: datetime, compute: Callable[[], Awaitable[T]]) -> T:
        """The answer to ``key`` asked at ``now``: cached, being computed by another
        request, or computed by ``compute()`` now."""
        if self.seconds <= 0:
            return await compute()
        version = await catalogue_version()
        if version is None:  # no version row: changes could not be seen
            return await compute()
        full_key = (version, now.date(), key)
        entry = self._answers.get(full_key)
        if entry is not None:
            self.hits += 1
            answer, computed_at = entry
            if self._timer() - computed_at > self.seconds / 2 and full_key not in self._pending:
                self.refreshes += 1
                self._start(full_key, compute)
            return answer
        self.misses += 1
        task = self._pending.get(full_key) or self._start(full_key, compute)
        # Shielded: a client that goes away does not cancel the others' answer.
        return await asyncio.shield(task)

    def _start(self, key: Hashable, compute: Callable[[], Awaitable[Any]]) -> asyncio.Future[Any]:
        task = asyncio.ensure_future(compute())
        self._pending[key] = task
        started = self._timer()
        task.add_done_callback(lambda done: self._finish(key, done, started))
        return task

    def _finish(self, key: Hashable, task: asyncio.Future[Any], started: float) -> None:
        self._pending.pop(key, None)
        if not task.cancelled() and task.exception() is None:
            self._answers[key] = (task.result(), started)
