"""Alerts: rules over stored events and the escalation index, delivered once each.

Rules live in a YAML or TOML file::

    webhook: https://hooks.example.org/tocsin     # where "webhook" delivers (POST, JSON)
    webhook_secret_env: TOCSIN_WEBHOOK_SECRET     # optional: HMAC-SHA256 signature header
    base_url: https://tocsin.example.org           # optional: links to events and stories
    rules:
      - name: russian-threats
        when: {type: [threat, readiness, use], actor_country: [RUS], modality: [asserted]}
        deliver: [webhook, log]
      - name: index-surge
        index: {by: week, factor: 2, baseline: 12, min_index: 1}
        deliver: [log]

An *event rule* matches each stored event whose fields are all in the lists given (``type``,
``actor_country``, ``modality``, ``language``, ``weapon_id``, ``location_country``; plus
``min_confidence`` and ``since``, a date: older dated events are ignored). An *index rule*
fires for each period whose escalation index (:mod:`tocsin.timeline`) is above ``factor``
times the median of the ``baseline`` periods before it (empty periods count as 0) and at least
``min_index``.

Each alert is delivered **once per channel**, also across restarts and concurrent checkers: a
row of ``alerts_sent`` is claimed (unique key) before the delivery and marked ``sent`` after
it. A failed webhook delivery is marked ``failed`` and tried again at the next check, at most
``max_attempts`` times. A process killed between the claim and the mark leaves the alert
``pending``: it is not sent again (at most once, never twice); ``tocsin alerts`` lists it.
The webhook payload carries the ``alert_id`` too, so a receiver can drop a duplicate itself.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import statistics
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg_dialect
from sqlalchemy.dialects import sqlite as sqlite_dialect

from . import __version__
from .configfile import get_number, get_str_list, read_config_file
from .errors import ConfigError
from .knowledge import Knowledge
from .model import EVENT_TYPES, MODALITIES, Event
from .store import EventFilter, Store, alerts_sent
from .timeline import period_start, timeline

__all__ = ["AlertConfig", "AlertReport", "EventRule", "IndexRule", "check_alerts",
           "load_alert_config"]

log = logging.getLogger(__name__)
CHANNELS = ("webhook", "log")
EVENT_KEYS = ("type", "actor_country", "modality", "language", "weapon_id",
              "location_country")


@dataclass(frozen=True)
class EventRule:
    name: str
    where: dict[str, tuple[str, ...]]        # field -> allowed values
    min_confidence: float = 0.0
    since: date | None = None
    deliver: tuple[str, ...] = ("log",)

    def matches(self, e: Event) -> bool:
        values = {
            "type": e.type, "modality": e.modality, "language": e.language,
            "actor_country": e.actor.country if e.actor else None,
            "weapon_id": e.weapon.id if e.weapon else None,
            "location_country": (e.location.country if e.location else None),
        }
        if e.confidence < self.min_confidence:
            return False
        if self.since is not None and e.date is not None and e.date.year is not None:
            last = date(e.date.year, e.date.month or 12, e.date.day or 28)
            if last < self.since:
                return False
        return all(values[k] in allowed for k, allowed in self.where.items())


@dataclass(frozen=True)
class IndexRule:
    name: str
    by: str = "week"
    factor: float = 2.0
    baseline: int = 12
    min_index: float = 1.0
    since: date | None = None
    deliver: tuple[str, ...] = ("log",)


@dataclass(frozen=True)
class AlertConfig:
    rules: tuple[EventRule | IndexRule, ...]
    webhook: str | None = None
    webhook_secret: str | None = field(default=None, repr=False)   # never printed
    base_url: str | None = None
    timeout: float = 10.0
    max_attempts: int = 5


@dataclass
class AlertReport:
    sent: list[tuple[str, str, str]] = field(default_factory=list)      # (rule, key, channel)
    failed: list[tuple[str, str, str, str]] = field(default_factory=list)  # ... + reason
    pending: int = 0                     # claimed by a process that did not finish


# --------------------------------------------------------------------------------------------
# Configuration
# --------------------------------------------------------------------------------------------


def load_alert_config(path: Path) -> AlertConfig:
    """Rules from a YAML/TOML file; ConfigError names the file, rule and key at fault."""
    data = read_config_file(path)
    where = str(path)
    unknown = sorted(set(data) - {"webhook", "webhook_secret_env", "base_url", "timeout",
                                  "max_attempts", "rules"})
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)}")
    webhook = data.get("webhook")
    if webhook is not None and (not isinstance(webhook, str)
                                or not webhook.startswith(("http://", "https://"))):
        raise ConfigError(f"{where}: webhook must be an http(s) URL")
    secret = None
    secret_env = data.get("webhook_secret_env")
    if secret_env is not None:
        secret = os.environ.get(str(secret_env))
        if not secret:
            raise ConfigError(f"{where}: webhook_secret_env names {secret_env}, which is not "
                              "set in the environment")
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise ConfigError(f"{where}: rules must be a non-empty list")
    rules = [_rule(r, f"{where}: rule {i + 1}", webhook is not None)
             for i, r in enumerate(raw_rules)]
    names = [r.name for r in rules]
    if len(set(names)) != len(names):
        raise ConfigError(f"{where}: rule names must be unique")
    base_url = data.get("base_url")
    if base_url is not None and not isinstance(base_url, str):
        raise ConfigError(f"{where}: base_url must be a URL")
    return AlertConfig(rules=tuple(rules), webhook=webhook, webhook_secret=secret,
                       base_url=base_url.rstrip("/") if base_url else None,
                       timeout=get_number(data, "timeout", 10.0, where, 0.1),
                       max_attempts=int(get_number(data, "max_attempts", 5, where, 1)))


def _rule(raw: Any, where: str, has_webhook: bool) -> EventRule | IndexRule:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected a mapping")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{where}: every rule needs a name")
    where = f"{where} ({name})"
    deliver = get_str_list(raw, "deliver", where) or (("webhook",) if has_webhook else ("log",))
    bad = [d for d in deliver if d not in CHANNELS]
    if bad:
        raise ConfigError(f"{where}: deliver to {', '.join(CHANNELS)}, not {', '.join(bad)}")
    if "webhook" in deliver and not has_webhook:
        raise ConfigError(f"{where}: delivers to webhook but no webhook URL is configured")
    since = _date(raw.get("since"), where)
    if ("when" in raw) == ("index" in raw):
        raise ConfigError(f"{where}: give either 'when' (event fields) or 'index'")
    if "index" in raw:
        spec = raw["index"] or {}
        if not isinstance(spec, dict):
            raise ConfigError(f"{where}: index must be a mapping")
        by = spec.get("by", "week")
        if by not in ("day", "week", "month"):
            raise ConfigError(f"{where}: index.by must be day, week or month")
        return IndexRule(name=name, by=by, factor=get_number(spec, "factor", 2.0, where),
                         baseline=int(get_number(spec, "baseline", 12, where, 1)),
                         min_index=get_number(spec, "min_index", 1.0, where),
                         since=since, deliver=deliver)
    when = raw["when"] or {}
    if not isinstance(when, dict):
        raise ConfigError(f"{where}: when must be a mapping")
    unknown = sorted(set(when) - set(EVENT_KEYS) - {"min_confidence"})
    if unknown:
        raise ConfigError(f"{where}: unknown field(s) {', '.join(unknown)}; known: "
                          f"{', '.join(EVENT_KEYS)}, min_confidence")
    where_values = {k: get_str_list(when, k, where) for k in EVENT_KEYS if k in when}
    for k, allowed, known in (("type", where_values.get("type", ()), EVENT_TYPES),
                              ("modality", where_values.get("modality", ()), MODALITIES)):
        wrong = [v for v in allowed if v not in known]
        if wrong:
            raise ConfigError(f"{where}: {k} {', '.join(wrong)} unknown; known: "
                              f"{', '.join(known)}")
    return EventRule(name=name, where=where_values,
                     min_confidence=get_number(when, "min_confidence", 0.0, where),
                     since=since, deliver=deliver)


def _date(value: Any, where: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise ConfigError(f"{where}: since must be a date (YYYY-MM-DD)") from exc


# --------------------------------------------------------------------------------------------
# Candidates
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    rule: str
    key: str
    channels: tuple[str, ...]
    payload: dict[str, Any]
    line: str                                # the log line


def alert_id(rule: str, key: str) -> str:
    return hashlib.sha256(f"{rule}\0{key}".encode()).hexdigest()[:24]


def _event_candidates(store: Store, rule: EventRule, config: AlertConfig
                      ) -> Iterator[Candidate]:
    countries = rule.where.get("actor_country")
    flt = EventFilter(countries=countries or None,
                      min_confidence=rule.min_confidence or None)
    stories = _story_of(store)
    for batch in store.iter_event_batches(flt, 1000):
        for e, doc in batch:
            if not rule.matches(e):
                continue
            yield _event_candidate(rule, e, doc, stories.get(e.event_id), config)


def _story_of(store: Store) -> dict[str, str]:
    from .store import story_mentions

    with store.engine.connect() as conn:
        return dict(conn.execute(sa.select(story_mentions.c.event_id,
                                           story_mentions.c.story_id)).all())


def _event_candidate(rule: EventRule, e: Event, doc: dict[str, Any], story: str | None,
                     config: AlertConfig) -> Candidate:
    actor = f"{e.actor.name} ({e.actor.country or '?'})" if e.actor else "unknown actor"
    when = e.date.isoformat() if e.date else "undated"
    summary = f"{e.type} by {actor}, {e.modality}, {when}"
    base = config.base_url
    payload = {
        "alert_id": alert_id(rule.name, e.event_id), "rule": rule.name, "kind": "event",
        "summary": summary,
        "event": e.to_json(),
        "evidence": {"sentence": e.sentence, "span": [e.span[0], e.span[1]], "doc": e.doc,
                     "url": doc.get("url"), "title": doc.get("title"),
                     "published": doc["published"].isoformat() if doc.get("published")
                     else None},
        "story_id": story,
        "links": {"article": doc.get("url"),
                  "event": f"{base}/events/{e.event_id}" if base else None,
                  "story": f"{base}/stories/{story}" if base and story else None},
    }
    line = (f"ALERT {rule.name}: {summary} — {' '.join(e.sentence.split())[:300]!r} "
            f"[{e.event_id} in {doc.get('url') or e.doc}]")
    return Candidate(rule.name, e.event_id, rule.deliver, payload, line)


def _index_candidates(store: Store, rule: IndexRule, kb: Knowledge, config: AlertConfig
                      ) -> Iterator[Candidate]:
    events = store.query_events(EventFilter())
    buckets = timeline(events, kb, by=rule.by)
    if not buckets:
        return
    by_start = {b.start: b.index for b in buckets}
    for b in buckets:
        if rule.since is not None and b.start < period_start(rule.since, rule.by):
            continue
        history = [by_start.get(p, 0.0) for p in _previous(b.start, rule.by, rule.baseline)]
        median = statistics.median(history)
        if b.index < rule.min_index or b.index <= rule.factor * median:
            continue
        key = f"{rule.by}:{b.start.isoformat()}"
        top = sorted((e for e in events if _period_of(e, rule.by) == b.start),
                     key=lambda e: (-e.confidence, e.event_id))[:5]
        summary = (f"escalation index {b.index:.1f} for the {rule.by} of {b.start}, above "
                   f"{rule.factor:g} x the median {median:.1f} of the {rule.baseline} "
                   f"{rule.by}s before")
        payload = {
            "alert_id": alert_id(rule.name, key), "rule": rule.name, "kind": "index",
            "summary": summary, "period": b.start.isoformat(), "by": rule.by,
            "index": round(b.index, 3), "median": round(median, 3), "factor": rule.factor,
            "counts": dict(b.counts),
            "evidence": [{"event_id": e.event_id, "type": e.type, "sentence": e.sentence,
                          "doc": e.doc} for e in top],
            "links": {"timeline": f"{config.base_url}/timeline?by={rule.by}"
                      if config.base_url else None},
        }
        yield Candidate(rule.name, key, rule.deliver, payload, f"ALERT {rule.name}: {summary}")


def _previous(start: date, by: str, n: int) -> list[date]:
    out = []
    current = start
    for _ in range(n):
        if by == "month":
            current = (current.replace(day=1) - timedelta(days=1)).replace(day=1)
        else:
            current = current - timedelta(days=7 if by == "week" else 1)
        out.append(current)
    return out


def _period_of(e: Event, by: str) -> date | None:
    from .timeline import event_day

    day = event_day(e)
    return period_start(day, by) if day else None


# --------------------------------------------------------------------------------------------
# Delivery, once
# --------------------------------------------------------------------------------------------


def _claim(store: Store, cand: Candidate, channel: str, max_attempts: int) -> bool:
    """Take the right to deliver ``cand`` on ``channel``: a new row, or a failed one that
    may be tried again. False when it was sent, is being sent, or failed too often."""
    aid = alert_id(cand.rule, cand.key)
    now = datetime.now(UTC)
    insert = (pg_dialect.insert(alerts_sent) if store.dialect == "postgresql"
              else sqlite_dialect.insert(alerts_sent))
    with store.transaction(bookkeeping=True) as conn:
        row = conn.execute(insert.values(
            alert_id=aid, channel=channel, rule=cand.rule, key=cand.key, status="pending",
            attempts=1, created_at=now, updated_at=now, error=None,
        ).on_conflict_do_nothing().returning(alerts_sent.c.alert_id)).first()
        if row is not None:
            return True
        retried = conn.execute(
            alerts_sent.update()
            .where(alerts_sent.c.alert_id == aid, alerts_sent.c.channel == channel,
                   alerts_sent.c.status == "failed", alerts_sent.c.attempts < max_attempts)
            .values(status="pending", attempts=alerts_sent.c.attempts + 1, updated_at=now)
            .returning(alerts_sent.c.alert_id)).first()
        return retried is not None


def _settled(store: Store, rule: str, max_attempts: int) -> set[tuple[str, str]]:
    """(key, channel) of this rule's alerts that will not be delivered again."""
    a = alerts_sent.c
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(a.key, a.channel).where(
            a.rule == rule, sa.or_(a.status != "failed", a.attempts >= max_attempts))).all()
    return {(r.key, r.channel) for r in rows}


def _mark(store: Store, cand: Candidate, channel: str, status: str,
          error: str | None = None) -> None:
    with store.transaction(bookkeeping=True) as conn:
        conn.execute(alerts_sent.update()
                     .where(alerts_sent.c.alert_id == alert_id(cand.rule, cand.key),
                            alerts_sent.c.channel == channel)
                     .values(status=status, error=error, updated_at=datetime.now(UTC)))


def _post(http: httpx.Client, config: AlertConfig, payload: dict[str, Any]) -> str | None:
    """POST the payload; None when the receiver took it (2xx), else why not."""
    assert config.webhook is not None
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
    headers = {"Content-Type": "application/json", "Idempotency-Key": payload["alert_id"]}
    if config.webhook_secret:
        digest = hmac.new(config.webhook_secret.encode(), body, hashlib.sha256).hexdigest()
        headers["X-Tocsin-Signature"] = f"sha256={digest}"
    try:
        response = http.post(config.webhook, content=body, headers=headers)
    except httpx.HTTPError as exc:
        return f"{type(exc).__name__}: {' '.join(str(exc).split())[:200]}"
    if 200 <= response.status_code < 300:
        return None
    return f"HTTP {response.status_code}"


def check_alerts(store: Store, config: AlertConfig, kb: Knowledge,
                 client: httpx.Client | None = None) -> AlertReport:
    """Evaluate every rule on what is stored; deliver each new alert once per channel."""
    report = AlertReport()
    http = client or httpx.Client(
        follow_redirects=False, trust_env=False, timeout=httpx.Timeout(config.timeout),
        headers={"User-Agent": f"Tocsin/{__version__} alerts"})
    try:
        for rule in config.rules:
            settled = _settled(store, rule.name, config.max_attempts)
            cands = (_index_candidates(store, rule, kb, config) if isinstance(rule, IndexRule)
                     else _event_candidates(store, rule, config))
            for cand in cands:
                for channel in cand.channels:
                    if (cand.key, channel) in settled:
                        continue     # sent, being sent, or given up: no write at all
                    if not _claim(store, cand, channel, config.max_attempts):
                        continue
                    why = None
                    if channel == "webhook":
                        why = _post(http, config, {**cand.payload,
                                                   "sent_at": datetime.now(UTC).isoformat()})
                    else:
                        log.warning("%s", cand.line)
                    if why is None:
                        _mark(store, cand, channel, "sent")
                        report.sent.append((cand.rule, cand.key, channel))
                    else:
                        _mark(store, cand, channel, "failed", why)
                        report.failed.append((cand.rule, cand.key, channel, why))
        with store.engine.connect() as conn:
            report.pending = conn.scalar(sa.select(sa.func.count()).select_from(alerts_sent)
                                         .where(alerts_sent.c.status == "pending")) or 0
    finally:
        if client is None:
            http.close()
    return report
