"""Alerts (issue 10, item 6): rules from a file, webhook POSTs to a real local receiver and log
lines, each alert sent exactly once, also across restarts; on SQLite and (when set)
PostgreSQL."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests import test_store
from tests.localhttp import Route, Server, serve
from tests.test_search import PUTIN, RUSSIA, fill, result
from tests.test_watch import article, atom
from tocsin.alerts import AlertConfig, EventRule, IndexRule, _claim, check_alerts, load_alert_config
from tocsin.alerts import Candidate as AlertCandidate
from tocsin.cli import cli
from tocsin.errors import ConfigError
from tocsin.knowledge import Knowledge, load_knowledge
from tocsin.model import EventDate
from tocsin.settings import Settings
from tocsin.store import Store, open_store

db_target, open_db = test_store.db_target, test_store.open_db

RULE = EventRule("rus-deploy", {"type": ("deployment", "threat"), "actor_country": ("RUS",),
                                "modality": ("asserted",)}, deliver=("webhook", "log"))


@pytest.fixture(scope="module")
def kb() -> Knowledge:
    return load_knowledge()


@pytest.fixture
def receiver() -> Server:
    with serve({"/hook": Route(200, b"ok")}) as s:
        yield s


@pytest.fixture
def db(open_db: test_store.Opener) -> Store:
    return fill(open_db())


def posts(server: Server) -> list[dict[str, object]]:
    return [json.loads(body) for path, _h, body in server.posts if path == "/hook"]


def test_event_alerts_sent_once_across_restarts(db: Store, receiver: Server, kb: Knowledge,
                                                caplog: pytest.LogCaptureFixture) -> None:
    config = AlertConfig(rules=(RULE,), webhook=f"{receiver.base}/hook",
                         base_url="https://tocsin.example.org")
    with caplog.at_level(logging.WARNING, logger="tocsin.alerts"):
        report = check_alerts(db, config, kb)
    got = posts(receiver)
    assert sorted(p["event"]["event_id"] for p in got) == ["ev-en", "ev-fr", "ev-ru"]  # type: ignore[index]
    assert len(report.sent) == 6 and not report.failed      # 3 alerts x (webhook, log)
    one = next(p for p in got if p["event"]["event_id"] == "ev-fr")  # type: ignore[index]
    assert one["rule"] == "rus-deploy" and one["kind"] == "event"
    assert "Biélorussie" in one["evidence"]["sentence"]  # type: ignore[index]
    assert one["links"]["event"] == "https://tocsin.example.org/events/ev-fr"  # type: ignore[index]
    assert len([r for r in caplog.records if "ALERT rus-deploy" in r.getMessage()]) == 3
    headers = {k.lower(): v for k, v in receiver.posts[0][1].items()}
    assert headers["idempotency-key"] == got[0]["alert_id"]

    # again, and after a "restart" (the store opened anew): nothing is sent twice
    assert check_alerts(db, config, kb).sent == []
    assert len(receiver.posts) == 3
    # a new matching event: exactly one more POST
    run = db.begin_run(Settings(), ["more"])
    db.save(result("en/b.txt", "en", "Russia threatened to use nuclear weapons. Fine.",
                   [("ev-new", "threat", {"actor": RUSSIA})]), run)
    assert [(r, k, c) for r, k, c in check_alerts(db, config, kb).sent] == [
        ("rus-deploy", "ev-new", "webhook"), ("rus-deploy", "ev-new", "log")]
    assert len(receiver.posts) == 4


def test_restart_does_not_resend(receiver: Server, kb: Knowledge, tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    config = AlertConfig(rules=(RULE,), webhook=f"{receiver.base}/hook")
    with open_store(str(path)) as store:
        fill(store)
        assert len(check_alerts(store, config, kb).sent) == 6
    with open_store(str(path)) as store:
        assert check_alerts(store, config, kb).sent == []
    assert len(receiver.posts) == 3


def test_failed_webhook_is_retried_then_sent_once(db: Store, receiver: Server,
                                                   kb: Knowledge) -> None:
    receiver.routes["/hook"] = Route(503, b"busy")
    config = AlertConfig(rules=(EventRule("fr", {"language": ("fr",)},
                                          deliver=("webhook",)),),
                         webhook=f"{receiver.base}/hook", max_attempts=3)
    first = check_alerts(db, config, kb)
    assert first.sent == [] and first.failed[0][3] == "HTTP 503"
    receiver.routes["/hook"] = Route(204)
    assert len(check_alerts(db, config, kb).sent) == 1
    assert check_alerts(db, config, kb).sent == []
    assert len(receiver.posts) == 2            # one refused, one taken, none after


def test_unreachable_webhook_gives_up_after_max_attempts(db: Store, kb: Knowledge) -> None:
    config = AlertConfig(rules=(EventRule("fr", {"language": ("fr",)},
                                          deliver=("webhook",)),),
                         webhook="http://127.0.0.1:9/hook", max_attempts=2, timeout=2)
    assert len(check_alerts(db, config, kb).failed) == 1
    assert len(check_alerts(db, config, kb).failed) == 1
    assert check_alerts(db, config, kb).failed == []     # given up, recorded as failed


def test_claim_is_exclusive(db: Store) -> None:
    cand = AlertCandidate("r", "k", ("log",), {}, "line")
    assert _claim(db, cand, "log", 3) is True
    assert _claim(db, cand, "log", 3) is False    # pending: another checker has it


def test_index_rule(db: Store, kb: Knowledge, receiver: Server) -> None:
    run = db.begin_run(Settings(), ["weeks"])
    text = "Russia held a nuclear exercise. It was routine."
    for week in range(12):                 # a quiet baseline: one exercise a week
        day = date(2025, 1, 6) + timedelta(weeks=week)
        db.save(result(f"w/{week}.txt", "en", text + f" W{week}.",
                       [(f"ex{week}", "exercise", {"actor": RUSSIA, "date": EventDate(
                           day.year, day.month, day.day)})]), run)
    surge = "Putin threatened nuclear strikes. He repeated it. Again he did."
    db.save(result("w/surge.txt", "en", surge,
                   [(f"th{i}", "threat", {"actor": PUTIN, "date": EventDate(2025, 4, 2)})
                    for i in range(3)]), run)
    config = AlertConfig(rules=(IndexRule("surge", by="week", factor=2, baseline=12,
                                          since=date(2025, 3, 1), deliver=("webhook",)),),
                         webhook=f"{receiver.base}/hook")
    report = check_alerts(db, config, kb)
    # quiet weeks (index 1.5, median 1.5) raise nothing; the surge week does
    assert [k for _r, k, _c in report.sent] == ["week:2025-03-31"]
    payload = next(p for p in posts(receiver) if p["period"] == "2025-03-31")
    assert payload["index"] > 2 * payload["median"]  # type: ignore[operator]
    assert {e["event_id"] for e in payload["evidence"]} == {"th0", "th1", "th2"}  # type: ignore[union-attr]
    assert check_alerts(db, config, kb).sent == []


def test_alert_config_file_and_signature(tmp_path: Path, receiver: Server, kb: Knowledge,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOOK_SECRET", "s3cret")
    rules = tmp_path / "rules.yaml"
    rules.write_text(f"webhook: {receiver.base}/hook\nwebhook_secret_env: HOOK_SECRET\n"
                     "rules:\n  - name: ru\n    when: {language: [ru], type: [deployment]}\n")
    config = load_alert_config(rules)
    assert "s3cret" not in repr(config)
    with open_store(str(tmp_path / "s.db")) as store:
        fill(store)
        assert len(check_alerts(store, config, kb).sent) == 1
    _path, headers, body = receiver.posts[0]
    sig = {k.lower(): v for k, v in headers.items()}["x-tocsin-signature"]
    assert sig == "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    toml = tmp_path / "r.toml"
    toml.write_text('[[rules]]\nname = "x"\nindex = {by = "week", factor = 3}\n')
    assert isinstance(load_alert_config(toml).rules[0], IndexRule)
    for bad, why in [
        ("rules: []\n", "non-empty"),
        ("rules:\n  - name: a\n    when: {type: [bluster]}\n", "bluster unknown"),
        ("rules:\n  - name: a\n    when: {colour: [red]}\n", "unknown field"),
        ("rules:\n  - name: a\n    deliver: [webhook]\n    when: {type: [threat]}\n",
         "no webhook"),
        ("rules:\n  - name: a\n", "either 'when'"),
        ("webhook_secret_env: NOPE_NOT_SET\nrules:\n  - name: a\n    when: {}\n", "not set"),
    ]:
        rules.write_text(bad)
        with pytest.raises(ConfigError, match=why):
            load_alert_config(rules)


def test_watch_with_alerts_end_to_end(tmp_path: Path) -> None:
    """tocsin watch --once --alerts: the receiver gets one POST per matching event; a second
    watch (a restart) sends nothing again."""
    with serve({"/hook": Route(200)}) as s:
        s.routes["/atom.xml"] = Route(body=atom(s.base, "/a.html"),
                                      headers={"Content-Type": "application/atom+xml"})
        s.routes["/a.html"] = Route(body=article("alert"), headers={"Content-Type": "text/html"})
        rules = tmp_path / "alerts.toml"
        rules.write_text(f'webhook = "{s.base}/hook"\n[[rules]]\nname = "drills"\n'
                         'when = {type = ["exercise"], actor_country = ["RUS"]}\n')
        db = str(tmp_path / "w.db")
        cmd = ["watch", "--db", db, "--once", "--allow-network", "127.0.0.1/32",
               "--feed", f"{s.base}/atom.xml", "--alerts", str(rules)]
        first = CliRunner().invoke(cli, cmd)
        assert first.exit_code == 0, first.output
        with open_store(db) as store:
            drills = [e for e in store.query_events() if e.type == "exercise"
                      and e.actor is not None and e.actor.country == "RUS"]
        assert drills and len([p for p in s.posts if p[0] == "/hook"]) == len(drills)
        assert "alert sent: drills" in first.stderr
        again = CliRunner().invoke(cli, cmd)
        assert again.exit_code == 0 and "alert sent" not in again.stderr
        assert len([p for p in s.posts if p[0] == "/hook"]) == len(drills)
        alone = CliRunner().invoke(cli, ["alerts", "--db", db, "--config", str(rules)])
        assert alone.exit_code == 0 and "0 alerts sent" in alone.stderr
