"""``tocsin watch``: follow RSS/Atom feeds and folders, process what is new, store it.

One *pass* polls every feed and folder once: a feed is fetched (:mod:`tocsin.fetch`: timeouts,
size cap, redirects re-checked, private addresses refused unless allowed) and parsed with
feedparser; each entry not seen before has its article fetched and processed like any
document; each new file of a folder is read and processed. What was seen is written to the
``watch_items`` table, so a restarted watcher neither fetches nor processes it again; a
document already stored (same content) is never stored twice. A feed or page that fails is
recorded with its reason (a skip, as for files) and the pass goes on; a failed page is tried
again on the next passes, ``max_attempts`` times in all. :func:`watch` repeats passes every
``interval`` seconds until stopped.

Each pass that stores something is a run in ``runs``; stories are rebuilt after it.
"""

from __future__ import annotations

import io
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg_dialect
from sqlalchemy.dialects import sqlite as sqlite_dialect

from . import ingest
from .configfile import get_bool, get_number, get_str_list, read_config_file
from .errors import ConfigError, FetchError, TocsinError, describe_unexpected
from .fetch import FetchPolicy, fetch, make_client
from .knowledge import Knowledge
from .model import DocumentResult, RawDocument, Skipped
from .pipeline import process_item, save_result
from .settings import Settings
from .sources import document_from_bytes
from .store import Store, watch_items

__all__ = ["PassReport", "WatchConfig", "load_watch_config", "watch", "watch_pass"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WatchConfig:
    feeds: tuple[str, ...] = ()
    folders: tuple[str, ...] = ()
    interval: float = 900.0             # seconds between two passes
    policy: FetchPolicy = field(default_factory=FetchPolicy)
    max_items_per_feed: int = 50        # new entries taken from one feed per pass
    max_attempts: int = 3               # a failing page is tried this many times in all
    settle_seconds: float = 2.0         # a file modified more recently waits (being written)

    def __post_init__(self) -> None:
        if not self.feeds and not self.folders:
            raise ConfigError("nothing to watch: give at least one feed or folder")
        if self.interval <= 0:
            raise ConfigError(f"interval must be positive, got {self.interval}")


def load_watch_config(path: Path, **overrides: Any) -> WatchConfig:
    """A WatchConfig from a YAML/TOML file (keys: feeds, folders, interval, allow_private,
    allow_networks, timeout, deadline, max_bytes, max_items_per_feed, max_attempts,
    user_agent); ``overrides`` (from the command line) win when not None; lists are added
    to."""
    data = read_config_file(path) if path else {}
    where = str(path)
    known = {"feeds", "folders", "interval", "allow_private", "allow_networks", "timeout",
             "deadline",
             "max_bytes", "max_items_per_feed", "max_attempts", "user_agent"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)}; known: "
                          f"{', '.join(sorted(known))}")
    return config_from(data, where, **overrides)


def config_from(data: dict[str, Any], where: str, **overrides: Any) -> WatchConfig:
    feeds = get_str_list(data, "feeds", where) + tuple(overrides.get("feeds") or ())
    folders = get_str_list(data, "folders", where) + tuple(overrides.get("folders") or ())
    base = FetchPolicy()
    ua = data.get("user_agent", base.user_agent)
    if not isinstance(ua, str) or not ua.strip():
        raise ConfigError(f"{where}: user_agent must be a non-empty string")
    allow_private = overrides.get("allow_private")
    policy = FetchPolicy(
        allow_private=allow_private if allow_private else get_bool(
            data, "allow_private", False, where),
        allow_networks=get_str_list(data, "allow_networks", where)
        + tuple(overrides.get("allow_networks") or ()),
        timeout=get_number(data, "timeout", base.timeout, where, 0.1),
        deadline=get_number(data, "deadline", base.deadline, where, 0.1),
        max_bytes=int(get_number(data, "max_bytes", base.max_bytes, where, 1)),
        user_agent=ua)
    interval = overrides.get("interval")
    return WatchConfig(
        feeds=tuple(dict.fromkeys(feeds)), folders=tuple(dict.fromkeys(folders)),
        interval=interval if interval is not None else get_number(
            data, "interval", 900.0, where, 1),
        policy=policy,
        max_items_per_feed=int(get_number(data, "max_items_per_feed", 50, where, 1)),
        max_attempts=int(get_number(data, "max_attempts", 3, where, 1)))


@dataclass
class PassReport:
    started: datetime
    run_id: int | None = None
    new_items: int = 0                  # feed entries and files seen for the first time
    documents: int = 0                  # new documents stored
    events: int = 0
    skipped: int = 0
    already_stored: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)   # (feed or page, reason)
    seconds: float = 0.0


class _Pass:
    """The state of one pass: the store, the lazily begun run, the counts."""

    def __init__(self, store: Store, config: WatchConfig, settings: Settings,
                 http: httpx.Client) -> None:
        self.store, self.config, self.settings, self.http = store, config, settings, http
        self.report = PassReport(started=datetime.now(UTC))

    def run_id(self) -> int:
        if self.report.run_id is None:
            inputs = [*self.config.feeds, *self.config.folders]
            self.report.run_id = self.store.begin_run(self.settings, inputs)
        return self.report.run_id

    # -- what was seen ------------------------------------------------------------------

    def seen(self, source: str) -> dict[str, tuple[str, int]]:
        with self.store.engine.connect() as conn:
            rows = conn.execute(sa.select(watch_items.c.item, watch_items.c.status,
                                          watch_items.c.attempts)
                                .where(watch_items.c.source == source)).all()
        return {r.item: (r.status, r.attempts) for r in rows}

    def mark(self, source: str, item: str, status: str, content_id: str | None = None,
             reason: str | None = None) -> None:
        now = datetime.now(UTC)
        insert = (pg_dialect.insert(watch_items) if self.store.dialect == "postgresql"
                  else sqlite_dialect.insert(watch_items))
        stmt = insert.values(source=source, item=item, status=status, content_id=content_id,
                             reason=reason, attempts=1, first_seen=now, last_seen=now)
        stmt = stmt.on_conflict_do_update(
            index_elements=[watch_items.c.source, watch_items.c.item],
            set_={"status": status, "content_id": content_id, "reason": reason,
                  "attempts": watch_items.c.attempts + 1, "last_seen": now})
        with self.store.transaction(bookkeeping=True) as conn:
            conn.execute(stmt)

    def wanted(self, seen: dict[str, tuple[str, int]], item: str) -> bool:
        if item not in seen:
            return True
        status, attempts = seen[item]
        return status == "error" and attempts < self.config.max_attempts

    # -- recording ----------------------------------------------------------------------

    def error(self, doc: str, stage: str, reason: str) -> None:
        self.report.errors.append((doc, reason))
        skip = Skipped(stage, reason, doc)
        save_result(self.store, DocumentResult(doc, "", None, skipped=skip), self.run_id())

    def process(self, item: RawDocument | Skipped) -> DocumentResult | None:
        """Process and store one document; None when its content is already stored."""
        if isinstance(item, RawDocument) and self.store.is_known(item.content_id):
            self.report.already_stored += 1
            return None
        result = process_item(item, self.settings)
        if result.skipped is not None:
            self.report.skipped += 1
        else:
            self.report.documents += 1
            self.report.events += len(result.events)
        save_result(self.store, result, self.run_id())
        return result

    # -- feeds --------------------------------------------------------------------------

    def feed(self, url: str) -> None:
        import feedparser

        try:
            fetched = fetch(url, self.config.policy, self.http)
        except FetchError as exc:
            self.error(url, "feed", str(exc))
            return
        parsed = feedparser.parse(io.BytesIO(fetched.body), response_headers={
            "content-location": fetched.url, "content-type": fetched.content_type})
        entries = list(parsed.get("entries") or [])
        if not entries and parsed.get("bozo"):
            why = parsed.get("bozo_exception")
            detail = " ".join(str(why).split())[:200] if why else "unreadable"
            self.error(url, "feed", f"not an RSS/Atom feed: {detail}")
            return
        feed_title = (parsed.get("feed") or {}).get("title")
        seen = self.seen(url)
        taken = 0
        for entry in entries:
            key = _entry_key(entry)
            if key is None or not self.wanted(seen, key):
                continue
            if taken >= self.config.max_items_per_feed:
                break     # the rest on the next pass
            taken += 1
            if key not in seen:
                self.report.new_items += 1
            self.entry(url, key, entry, feed_title)

    def entry(self, feed_url: str, key: str, entry: Any, feed_title: str | None) -> None:
        link = entry.get("link")
        title = entry.get("title")
        published = _entry_date(entry)
        source = feed_title or httpx.URL(feed_url).host
        if link:
            try:
                page = fetch(link, self.config.policy, self.http)
            except FetchError as exc:
                self.error(link, "fetch", str(exc))
                self.mark(feed_url, key, "error", reason=str(exc))
                return
            item = document_from_bytes(link, page.body, self.settings, url=page.url,
                                       title=title, published=published, source=source,
                                       content_type=page.content_type)
        else:
            body = _entry_body(entry)
            doc = f"{feed_url}#{key}"
            if not body:
                self.error(doc, "feed", "entry has neither a link nor a text")
                self.mark(feed_url, key, "skipped", reason="no link, no text")
                return
            item = document_from_bytes(doc, body.encode("utf-8"), self.settings,
                                       title=title, published=published, source=source,
                                       content_type="text/html")
        result = self.process(item)
        if result is None or result.skipped is None:
            self.mark(feed_url, key, "done", content_id=item.content_id or None)
        else:
            self.mark(feed_url, key, "skipped", content_id=item.content_id or None,
                      reason=result.skipped.reason)

    # -- folders ------------------------------------------------------------------------

    def folder(self, folder: str) -> None:
        seen = self.seen(folder)
        now = time.time()
        try:
            paths = list(ingest.iter_paths([folder]))
        except TocsinError as exc:     # the folder is gone: recorded, the pass goes on
            self.error(folder, "watch", str(exc))
            return
        for given, path in paths:
            try:
                st = path.stat()
            except OSError as exc:
                self.error(given, "watch", f"unreadable: {exc.strerror or exc}")
                continue
            if now - st.st_mtime < self.config.settle_seconds:
                continue       # still being written, perhaps: next pass
            key = f"{path}:{st.st_size}:{st.st_mtime_ns}"
            if not self.wanted(seen, key):
                continue
            self.report.new_items += 1
            status, cid, reason = "done", None, None
            for item in ingest.read_file(given, path, self.settings):
                result = self.process(item)
                cid = item.content_id or cid
                if result is not None and result.skipped is not None:
                    status, reason = "skipped", result.skipped.reason
            self.mark(folder, key, status, content_id=cid, reason=reason)


def _entry_key(entry: Any) -> str | None:
    for name in ("id", "link", "title"):
        value = entry.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()[:2000]
    return None


def _entry_date(entry: Any) -> date | None:
    for name in ("published_parsed", "updated_parsed"):
        value = entry.get(name)
        if value:
            try:
                return date(value.tm_year, value.tm_mon, value.tm_mday)
            except (ValueError, AttributeError):
                continue
    return None


def _entry_body(entry: Any) -> str | None:
    content = entry.get("content")
    if content and isinstance(content, list) and content[0].get("value"):
        return str(content[0]["value"])
    summary = entry.get("summary")
    return str(summary) if summary else None


def watch_pass(store: Store, config: WatchConfig, settings: Settings, kb: Knowledge,
               client: httpx.Client | None = None) -> PassReport:
    """Poll every feed and folder once; process and store what is new. A TocsinError about
    the store or the configuration propagates (the run is then marked failed); anything
    about one feed, page or file is recorded and the pass goes on."""
    from .derive import refresh

    start = time.monotonic()
    http = client or make_client(config.policy)
    state = _Pass(store, config, settings, http)
    status = "failed"
    try:
        for source, poll in ([(f, state.feed) for f in config.feeds]
                             + [(d, state.folder) for d in config.folders]):
            try:
                poll(source)
            except TocsinError:
                raise
            except Exception as exc:  # noqa: BLE001 - one source's bug must not stop the rest
                log.exception("watching %s failed", source)
                state.error(source, "watch", describe_unexpected(exc))
        status = "done"
    except KeyboardInterrupt:
        status = "interrupted"      # what was saved is consistent; the next pass goes on
        raise
    finally:
        if client is None:
            http.close()
        report = state.report
        if report.run_id is not None:
            if report.documents:
                refresh(store, kb)
            store.finish_run(report.run_id, status, {
                "documents": report.documents, "events": report.events,
                "skipped": report.skipped, "already stored": report.already_stored,
                "errors": len(report.errors), "new items": report.new_items})
        report.seconds = time.monotonic() - start
    return report


def watch(store: Store, config: WatchConfig, settings: Settings, kb: Knowledge, *,
          once: bool = False, stop: threading.Event | None = None,
          after_pass: Sequence[Callable[[Store, PassReport], None]] = ()) -> None:
    """Run passes every ``config.interval`` seconds until ``stop`` is set (or one, with
    ``once``). Each of ``after_pass`` is called with the store and the pass's report
    (alerts, printing)."""
    stop = stop or threading.Event()
    with make_client(config.policy) as http:
        while True:
            report = watch_pass(store, config, settings, kb, http)
            for hook in after_pass:
                hook(store, report)
            if once or stop.wait(config.interval):
                return
