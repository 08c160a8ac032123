"""Answers of a server's read routes, kept while the store is unchanged.

A team's dashboards ask the same few pages again and again (the newest events, one type, one
country). :class:`AnswerCache` keeps the encoded answer of each request under the store's
version (:meth:`tocsin.store.Store.version`, one row that every write transaction of any
process increments, except bookkeeping such as runs), so a repeated request costs one read of
that row instead of its queries. Nothing stale is ever served: an answer is used only while
the version it was computed at is still the store's, and the first request after a write
empties the cache. So the answers kept here must read only what changes the version:
documents, sentences, events, reviews, stories — not runs, watch items or alerts.

One cache per server process, bounded by entries and by bytes (least recently used answers
leave first); answers larger than a tenth of the bytes are not kept.

Requests for an answer that is being computed wait for it instead of computing it again.
Right after a write every client misses at once, mostly on the same few pages; without this
the database ran each of them once per waiting client (API load benchmark on PostgreSQL).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass

from .store import Store

__all__ = ["AnswerCache", "CacheStats"]


@dataclass(frozen=True)
class CacheStats:
    hits: int
    misses: int
    entries: int
    bytes: int


class AnswerCache:
    """Encoded answers by request key, valid at one store version. Thread-safe."""

    def __init__(self, store: Store, max_entries: int = 1000,
                 max_bytes: int = 32_000_000) -> None:
        self._store = store
        self._max_entries = max_entries
        self._max_bytes = max_bytes
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, bytes] = OrderedDict()
        self._bytes = 0
        self._version: int | None = None
        self._hits = self._misses = 0
        # answers being computed at ``_version``, by key: later requests wait for them
        self._pending: dict[str, Future[bytes]] = {}

    @property
    def enabled(self) -> bool:
        return self._max_entries > 0

    def answer(self, key: str, compute: Callable[[], bytes]) -> tuple[bytes, bool]:
        """The answer for ``key`` and whether it came from the cache; ``compute`` makes it
        when the cache has none at the store's current version."""
        if not self.enabled:
            return compute(), False
        version = self._store.version()   # before computing: never older than its answer
        with self._lock:
            if version != self._version:
                self._entries.clear()
                self._pending.clear()
                self._bytes, self._version = 0, version
            body = self._entries.get(key)
            if body is not None:
                self._entries.move_to_end(key)
                self._hits += 1
                return body, True
            pending = self._pending.get(key)
            if pending is None:
                self._misses += 1
                mine: Future[bytes] = Future()
                self._pending[key] = mine
            else:
                self._hits += 1
        if pending is not None:   # computed by another request at this version
            return pending.result(), True
        try:
            body = compute()
        except BaseException as exc:
            mine.set_exception(exc)   # the waiting requests fail as this one does
            self._settle(key, mine)
            raise
        mine.set_result(body)
        self._keep(key, body, version)
        self._settle(key, mine)
        return body, False

    def _settle(self, key: str, pending: Future[bytes]) -> None:
        with self._lock:
            if self._pending.get(key) is pending:
                del self._pending[key]

    def _keep(self, key: str, body: bytes, version: int) -> None:
        # An answer computed while another process wrote may show that write already; it
        # is kept under the older version, which the next request finds changed.
        if len(body) > self._max_bytes // 10:
            return
        with self._lock:
            if version != self._version or key in self._entries:
                return
            self._entries[key] = body
            self._bytes += len(body)
            while len(self._entries) > self._max_entries or self._bytes > self._max_bytes:
                _, dropped = self._entries.popitem(last=False)
                self._bytes -= len(dropped)

    def stats(self) -> CacheStats:
        with self._lock:
            return CacheStats(self._hits, self._misses, len(self._entries), self._bytes)
