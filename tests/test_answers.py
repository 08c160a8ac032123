"""The server's answer cache over a real store: kept while the store is unchanged, bounded."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from tocsin.answers import AnswerCache
from tocsin.model import Article, DocumentResult, Paragraph
from tocsin.settings import Settings
from tocsin.store import Store, open_store


def _store(tmp_path: Path) -> Store:
    return open_store(tmp_path / "tocsin.db")


def _store_document(store: Store, n: int) -> None:
    """A write that read routes see: one new document."""
    text = f"Document number {n}."
    cid = f"{n:064x}"
    article = Article(doc=f"d{n}.txt", content_id=cid, text=text, language="en",
                      paragraphs=(Paragraph(0, len(text), "en"),))
    run = store.begin_run(Settings(), ["a write"])
    assert store.save(DocumentResult(doc=f"d{n}.txt", content_id=cid, article=article), run)
    store.finish_run(run, "done", {})


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
        _store_document(store, 1)
        assert store.version() > before
        assert cache.answer("k", compute) == (b"answer 2", False)
        assert cache.stats().hits == 1 and cache.stats().misses == 2


def test_bookkeeping_writes_keep_the_answers(tmp_path: Path) -> None:
    """Runs begun and finished (a watcher's empty polls) and a module's bookkeeping
    transaction change nothing a read route serves; a stored document does."""
    with _store(tmp_path) as store:
        cache = AnswerCache(store)
        assert cache.answer("k", lambda: b"1") == (b"1", False)
        before = store.version()
        store.finish_run(store.begin_run(Settings(), ["an empty poll"]), "done", {})
        with store.transaction(bookkeeping=True):
            pass
        assert store.version() == before
        assert cache.answer("k", lambda: b"2") == (b"1", True)
        _store_document(store, 2)
        assert store.version() > before
        assert cache.answer("k", lambda: b"3") == (b"3", False)


def test_requests_for_an_answer_being_computed_wait_for_it(tmp_path: Path) -> None:
    with _store(tmp_path) as store:
        cache = AnswerCache(store)
        started, release = threading.Event(), threading.Event()
        made: list[str] = []

        def slow() -> bytes:
            made.append("x")
            started.set()
            assert release.wait(10)
            return b"answer"

        results: list[tuple[bytes, bool]] = []
        first = threading.Thread(target=lambda: results.append(cache.answer("k", slow)))
        first.start()
        assert started.wait(10)
        others = [threading.Thread(target=lambda: results.append(cache.answer("k", slow)))
                  for _ in range(3)]
        for t in others:
            t.start()
        time.sleep(0.2)   # they reach the cache while the first is computing
        release.set()
        for t in [first, *others]:
            t.join(10)
        assert made == ["x"]
        assert sorted(results) == [(b"answer", False)] + [(b"answer", True)] * 3


def test_a_failed_computation_fails_its_waiters_and_is_not_kept(tmp_path: Path) -> None:
    with _store(tmp_path) as store:
        cache = AnswerCache(store)

        def broken() -> bytes:
            raise RuntimeError("database gone")

        with pytest.raises(RuntimeError):
            cache.answer("k", broken)
        assert cache.answer("k", lambda: b"fine") == (b"fine", False)


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
        _store_document(writer, 1)
        assert store.version() > before   # a new connection, and it sees the other's write
