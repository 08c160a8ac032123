"""Timeline buckets and the escalation index (its weights are documented in the module)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tocsin.knowledge import load_knowledge
from tocsin.model import Entity, Event, EventDate
from tocsin.timeline import period_start, plot, score, threat_kind, timeline


def ev(etype: str, modality: str, actor_id: str | None, day: int | None,
       trigger: str = "", weapon: str | None = "nuclear weapons") -> Event:
    actor = Entity("X", "RUS", actor_id) if actor_id else None
    return Event(event_id=f"{etype}{day}{modality}", doc="d", content_id="d", type=etype,
                 span=(0, 1), sentence=trigger or etype, actor=actor, target=None,
                 weapon=Entity(weapon) if weapon else None, location=None,
                 date=EventDate(2024, 5, day) if day else None, modality=modality,
                 attribution=None, quote=None, confidence=0.9, language="en", trigger=trigger)


def test_index_weights_rank_modality_and_type() -> None:
    kb = load_knowledge()
    head = score(ev("threat", "asserted", "vladimir-putin", 20), kb)
    minister = score(ev("threat", "asserted", "sergey-lavrov", 20), kb)
    hedged = score(ev("threat", "hedged", "vladimir-putin", 20), kb)
    judged = score(ev("assessment", "asserted", "isw", 20), kb)
    assert head.rank == "head" and minister.rank == "senior"
    assert head.index == 3.0 * 1.5 and hedged.index == head.index / 2
    assert minister.index < head.index and judged.index == 0.0


def test_threats_split_into_explicit_and_risk_signaling() -> None:
    assert threat_kind(ev("threat", "asserted", None, 1, "nuclear war")) == "risk"
    assert threat_kind(ev("threat", "asserted", None, 1, "use nuclear weapons")) == "explicit"
    assert threat_kind(ev("exercise", "asserted", None, 1)) is None


def test_weekly_buckets_and_plot(tmp_path: Path) -> None:
    kb = load_knowledge()
    events = [ev("exercise", "asserted", None, 20), ev("threat", "asserted", None, 22),
              ev("threat", "asserted", None, 28), ev("test", "asserted", None, None)]
    buckets = timeline(events, kb, by="week")
    assert [b.start for b in buckets] == [date(2024, 5, 20), date(2024, 5, 27)]
    assert dict(buckets[0].counts) == {"exercise": 1, "threat": 1}
    assert period_start(date(2024, 5, 22), "month") == date(2024, 5, 1)
    out = tmp_path / "t.png"
    plot(buckets, str(out))
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
