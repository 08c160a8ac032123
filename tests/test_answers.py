"""The server's answer cache over a real store: kept while the store is unchanged, bounded."""

from __future__ import annotations

from pathlib import Path

from tocsin.answers import AnswerCache
from tocsin.settings import Settings
from tocsin.store import Store, open_store


def _store(tmp_path: Path) -> Store:
    return open_store(tmp_path / "tocsin.db")


def test_an_answer_is_computed_once_per_store_version(tmp_path: Path) -> None:
    with _store(tmp_path) as store:
        cache = AnswerCache(store)
        made: list[str] = []

        def compute() -> bytes:
            made.append("x")
            return b"answer %d" % len(made)

        assert cache.answer("k", compute) == (b"answer 1", False)
        assert cache.answer("k", compute) == (b"answer 1", True)
        before = store.version()
        store.finish_run(store.begin_run(Settings(), ["a write"]), "done", {})
        assert store.version() > before
        assert cache.answer("k", compute) == (b"answer 2", False)
        assert cache.stats().hits == 1 and cache.stats().misses == 2


def test_the_cache_is_bounded_by_entries_and_bytes(tmp_path: Path) -> None:
    with _store(tmp_path) as store:
        cache = AnswerCache(store, max_entries=3, max_bytes=1_000)
        for key in "abcd":
            cache.answer(key, lambda: b"." * 50)
        assert cache.stats().entries == 3
        assert cache.answer("a", lambda: b"new")[1] is False     # the oldest left first
        assert cache.answer("d", lambda: b"new")[1] is True
        cache.answer("big", lambda: b"." * 101)                   # over a tenth: not kept
        assert cache.answer("big", lambda: b"")[1] is False
        for i in range(3):
            cache.answer(f"wide{i}", lambda: b"." * 90)
        assert cache.stats().bytes <= 1_000


def test_no_cache(tmp_path: Path) -> None:
    with _store(tmp_path) as store:
        cache = AnswerCache(store, max_entries=0)
        assert not cache.enabled
        assert cache.answer("k", lambda: b"1") == (b"1", False)
        assert cache.answer("k", lambda: b"2") == (b"2", False)


def test_the_version_survives_a_broken_connection(tmp_path: Path) -> None:
    with _store(tmp_path) as store, _store(tmp_path) as writer:
        before = store.version()
        store._version_conn.close()   # as if the database had dropped it
        writer.finish_run(writer.begin_run(Settings(), ["a write"]), "done", {})
        assert store.version() > before   # a new connection, and it sees the other's write
