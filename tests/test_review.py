"""Analyst review on the store: corrections win everywhere, rejections leave queries and
stories, the audit is append-only, reviews survive re-processing, gold export. Runs on SQLite
and, with TOCSIN_TEST_PG_URL, on PostgreSQL (the ``open_db`` fixture of test_store)."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from tocsin.derive import refresh
from tocsin.errors import NotFoundError, ReviewError
from tocsin.evaluate import load_gold
from tocsin.knowledge import Knowledge, load_knowledge
from tocsin.review import gold_records, review_event, review_history, reviews_of, write_gold
from tocsin.settings import Settings
from tocsin.store import EventFilter, Store

from . import test_store as _ts
from .test_store import EN_ID, EN_RESULT, FR_RESULT, Opener

# the store fixtures, on SQLite and (with TOCSIN_TEST_PG_URL) on PostgreSQL
db_target, open_db, store, filled = _ts.db_target, _ts.open_db, _ts.store, _ts.filled


@pytest.fixture(scope="module")
def kb() -> Knowledge:
    return load_knowledge()


def _event(db: Store, event_id: str, review: str = "any") -> object:
    found = [e for e in db.query_events(EventFilter(review=review)) if e.event_id == event_id]
    return found[0] if found else None


def test_correct_actor_wins_in_queries_and_is_audited(filled: Store) -> None:
    at = datetime(2031, 3, 5, 12, 0, tzinfo=UTC)
    review = review_event(filled, "ev-threat", "correct", reviewer="ana",
                          changes={"actor": {"name": "Sudmark Navy", "country": "xs"}},
                          note="the speaker quotes the navy", now=at)
    assert review.status == "corrected"
    assert review.changes == {"actor": {"name": "Sudmark Navy", "country": "XS", "id": None}}
    assert review.machine["actor"]["name"] == "Aldric Venn"
    ev = _event(filled, "ev-threat")
    assert ev.actor.name == "Sudmark Navy" and ev.actor.country == "XS"  # type: ignore[attr-defined]
    # filters see the reviewed value, not the machine's
    assert [e.event_id for e in filled.query_events(EventFilter(actor="sudmark navy"))] == [
        "ev-threat"]
    assert "ev-threat" not in [e.event_id for e in filled.query_events(EventFilter(actor="venn"))]
    assert [e.event_id for e in filled.query_events(EventFilter(review="corrected"))] == [
        "ev-threat"]
    (record,) = review_history(filled, "ev-threat")
    assert (record.reviewer, record.action, record.note, record.at) == (
        "ana", "correct", "the speaker quotes the navy", at)
    assert record.before["status"] == "unreviewed"
    assert record.before["actor"]["name"] == "Aldric Venn"
    assert record.after["actor"]["name"] == "Sudmark Navy" and record.after["status"] == "corrected"


def test_corrections_accumulate_and_a_machine_value_drops_one(filled: Store) -> None:
    review_event(filled, "ev-test", "correct", reviewer="ana",
                 changes={"type": "threat", "date": "2030-05-01"})
    review_event(filled, "ev-test", "correct", reviewer="ben", changes={"modality": "asserted"})
    ev = _event(filled, "ev-test")
    assert (ev.type, ev.date.isoformat(), ev.modality) == (  # type: ignore[attr-defined]
        "threat", "2030-05-01", "asserted")
    with filled.engine.connect() as conn:   # cameo/plover follow the reviewed type
        cameo = conn.scalar(sa.text("SELECT cameo FROM events WHERE event_id = 'ev-test'"))
    assert cameo == "1385"
    # back to the machine's type and date: those corrections disappear
    review = review_event(filled, "ev-test", "correct", reviewer="ana",
                          changes={"type": "test", "date": {"year": 2030}})
    assert review.changes == {"modality": "asserted"} and review.status == "corrected"
    review = review_event(filled, "ev-test", "correct", reviewer="ana",
                          changes={"modality": "planned"})
    assert review.status == "accepted" and review.changes == {}
    assert [h.reviewer for h in review_history(filled, "ev-test")] == ["ana", "ben", "ana", "ana"]


def test_reject_leaves_queries_and_stories_and_accept_takes_it_back(filled: Store,
                                                                    kb: Knowledge) -> None:
    refresh(filled, kb)
    assert any(s["n_mentions"] for s in filled.stored_stories())
    mentioned = {e.event_id for s in filled.stored_stories()
                 for e, _ in filled.story_mentions_of(s["story_id"])}
    assert "ev-reaction" in mentioned
    review_event(filled, "ev-reaction", "reject", reviewer="ana", note="not a reaction", kb=kb)
    assert "ev-reaction" not in [e.event_id for e in filled.query_events()]
    assert [e.event_id for e in filled.query_events(EventFilter(review="rejected"))] == [
        "ev-reaction"]
    assert len(filled.query_events(EventFilter(review="any"))) == 4
    mentioned = {e.event_id for s in filled.stored_stories()
                 for e, _ in filled.story_mentions_of(s["story_id"])}
    assert "ev-reaction" not in mentioned
    review_event(filled, "ev-reaction", "accept", reviewer="ben", kb=kb)
    assert reviews_of(filled)["ev-reaction"].status == "accepted"
    assert "ev-reaction" in [e.event_id for e in filled.query_events()]
    assert {e.event_id for e in filled.query_events(EventFilter(review="unreviewed"))} == {
        "ev-test", "ev-exercise", "ev-threat"}


def test_corrected_actor_gets_its_knowledge_base_id(filled: Store, kb: Knowledge) -> None:
    putin = next(a for a in kb.actors if a.name == "Vladimir Putin")
    review = review_event(filled, "ev-exercise", "correct", reviewer="ana",
                          changes={"actor": {"name": "Vladimir Putin"}}, kb=kb)
    assert review.changes["actor"] == {"name": "Vladimir Putin", "country": putin.country,
                                       "id": putin.id}


def test_bad_reviews_are_refused_and_change_nothing(filled: Store) -> None:
    before = filled.snapshot()
    cases = [
        ("ev-threat", "delete", {}),
        ("ev-threat", "correct", {}),
        ("ev-threat", "accept", {"type": "test"}),
        ("ev-threat", "correct", {"type": "bombing"}),
        ("ev-threat", "correct", {"modality": "maybe"}),
        ("ev-threat", "correct", {"date": "2031-02-30"}),
        ("ev-threat", "correct", {"date": {"year": 2031, "day": 3}}),
        ("ev-threat", "correct", {"target": {"name": "X"}}),
        ("ev-threat", "correct", {"actor": {"name": "  "}}),
        ("ev-threat", "correct", {"actor": {"name": "A", "country": "R;S"}}),
    ]
    for event_id, action, changes in cases:
        with pytest.raises(ReviewError):
            review_event(filled, event_id, action, reviewer="ana", changes=changes)
    with pytest.raises(ReviewError):
        review_event(filled, "ev-threat", "accept", reviewer=" ")
    with pytest.raises(NotFoundError):
        review_event(filled, "no-such-event", "accept", reviewer="ana")
    assert filled.snapshot() == before
    assert reviews_of(filled) == {}


def test_audit_is_append_only(filled: Store) -> None:
    review_event(filled, "ev-threat", "accept", reviewer="ana")
    for statement in ("UPDATE review_audit SET reviewer = 'mallory'", "DELETE FROM review_audit"):
        with pytest.raises(sa_exc.DBAPIError), filled.engine.begin() as conn:
            conn.execute(sa.text(statement))
    assert [h.reviewer for h in review_history(filled, "ev-threat")] == ["ana"]


def test_reviews_survive_reprocessing(filled: Store) -> None:
    review_event(filled, "ev-threat", "correct", reviewer="ana",
                 changes={"actor": {"name": "Sudmark Navy", "country": "XS"}})
    review_event(filled, "ev-exercise", "reject", reviewer="ana")
    # the same content saved again (a re-run): nothing changes, nothing duplicated
    snapshot = filled.snapshot()
    run = filled.begin_run(Settings(), ["news"])
    assert filled.save(EN_RESULT, run) is False
    assert filled.snapshot() == snapshot
    # the article processed again from scratch: its rows are new, the reviews apply again
    with filled.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM story_mentions"))
        conn.execute(sa.text("DELETE FROM events WHERE content_id = :c"), {"c": EN_ID})
        conn.execute(sa.text("DELETE FROM sentences WHERE content_id = :c"), {"c": EN_ID})
        conn.execute(sa.text("DELETE FROM documents WHERE content_id = :c"), {"c": EN_ID})
    assert _event(filled, "ev-threat") is None
    assert filled.save(EN_RESULT, run) is True
    ev = _event(filled, "ev-threat")
    assert ev.actor.name == "Sudmark Navy"  # type: ignore[attr-defined]
    assert "ev-exercise" not in [e.event_id for e in filled.query_events()]
    assert filled.snapshot() == snapshot
    assert len(review_history(filled, "ev-threat")) == 1
    assert set(reviews_of(filled)) == {"ev-threat", "ev-exercise"}


def test_gold_export(filled: Store, kb: Knowledge, tmp_path: Path) -> None:
    assert list(gold_records(filled)) == []
    refresh(filled, kb)
    review_event(filled, "ev-threat", "correct", reviewer="ana",
                 changes={"actor": {"name": "Sudmark Navy", "country": "XS"},
                          "date": "2031-03-02"})
    review_event(filled, "ev-reaction", "reject", reviewer="ana")
    review_event(filled, "ev-test", "accept", reviewer="ana")
    records = {r["doc"]: r for r in gold_records(filled)}
    assert set(records) == {"news/venn.txt", "news/venn-fr.html"}
    en = records["news/venn.txt"]
    assert en["language"] == "en" and en["published"] == "2031-03-04"
    by_id = {e["event_id"]: e for e in en["events"]}
    assert set(by_id) == {"ev-threat", "ev-exercise"}          # the rejected one is left out
    threat = by_id["ev-threat"]
    assert threat["actor"] == {"names": ["Sudmark Navy"], "country": "XS"}
    assert threat["date"] == {"year": 2031, "month": 3, "day": 2}
    assert threat["modality"] == ["conditional"] and threat["weapon"] == "Vardstorm"
    assert threat["optional"] is False and threat["story"]
    assert threat["evidence"] in EN_RESULT.article.text  # type: ignore[union-attr]
    assert by_id["ev-exercise"]["optional"] is True              # nobody reviewed it
    assert records["news/venn-fr.html"]["events"][0]["type"] == "test"
    out = io.StringIO()
    assert write_gold(filled, out) == 2
    path = tmp_path / "gold.jsonl"
    path.write_text(out.getvalue(), encoding="utf-8")
    docs = {d.doc: d for d in load_gold(path)}                  # the evaluator reads it
    assert [g.type for g in docs["news/venn.txt"].events] == ["threat", "exercise"]
    assert json.loads(out.getvalue().splitlines()[0])["doc"] == "news/venn-fr.html"


def test_review_of_a_fresh_database_round_trips(open_db: Opener) -> None:
    db = open_db()
    run = db.begin_run(Settings(), ["news"])
    db.save(FR_RESULT, run)
    review_event(db, "ev-test", "correct", reviewer="ana",
                 changes={"weapon": {"name": "Vardstorm-2"}})
    db.close()
    again = open_db()
    assert _event(again, "ev-test").weapon.name == "Vardstorm-2"  # type: ignore[attr-defined]


def test_rerunning_tocsin_run_keeps_reviews(tmp_path: Path, kb: Knowledge) -> None:
    """The real pipeline through the command line: review, run the same files again, export."""
    from click.testing import CliRunner

    from tocsin.cli import cli
    from tocsin.store import open_store

    from .conftest import EXAMPLES

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("en_belarus_storage.html", "fr_isw_belarus.txt"):
        (corpus / name).write_bytes((EXAMPLES / "corpus" / name).read_bytes())
    db = str(tmp_path / "t.db")
    runner = CliRunner()
    assert runner.invoke(cli, ["run", str(corpus), "--db", db]).exit_code == 0
    with open_store(db) as s:
        found = s.query_events()
        first, second = found[0], found[1]
        review_event(s, first.event_id, "correct", reviewer="ana", kb=kb,
                     changes={"actor": {"name": "Alexander Lukashenko"}, "modality": "hedged"})
        review_event(s, second.event_id, "reject", reviewer="ana", kb=kb)
        before = s.snapshot()
        n_events = len(s.query_events(EventFilter(review="any")))
    result = runner.invoke(cli, ["run", str(corpus), "--db", db])
    assert result.exit_code == 0 and "2 already stored" in result.stdout
    with open_store(db) as s:
        assert s.snapshot() == before
        assert len(s.query_events(EventFilter(review="any"))) == n_events
        again = {e.event_id: e for e in s.query_events()}
        assert again[first.event_id].actor.name == "Alexander Lukashenko"  # type: ignore[union-attr]
        assert again[first.event_id].actor.country == "BLR"  # type: ignore[union-attr]
        assert second.event_id not in again
        assert len(review_history(s, first.event_id)) == 1
        assert set(reviews_of(s)) == {first.event_id, second.event_id}
    listed = runner.invoke(cli, ["events", "--db", db, "--format", "jsonl"])
    rows = {json.loads(line)["event_id"]: json.loads(line) for line in listed.stdout.splitlines()}
    assert rows[first.event_id]["actor"]["name"] == "Alexander Lukashenko"
    assert rows[first.event_id]["modality"] == "hedged" and second.event_id not in rows
    out = tmp_path / "gold.jsonl"
    result = runner.invoke(cli, ["export", "--gold", "--db", db, "--out", str(out)])
    assert result.exit_code == 0, result.output
    docs = load_gold(out)
    gold = [g.raw for d in docs for g in d.events if g.raw["event_id"] == first.event_id]
    assert gold[0]["actor"]["names"] == ["Alexander Lukashenko"]
    assert gold[0]["modality"] == ["hedged"] and gold[0]["optional"] is False
