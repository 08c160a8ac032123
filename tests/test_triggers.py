"""Event study around triggers, with its permutation test, on synthetic series."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from tocsin.errors import InputError
from tocsin.knowledge import load_knowledge
from tocsin.model import Entity, Event, EventDate
from tocsin.triggers import Trigger, load_triggers, study

START = date(2023, 1, 1)


def threat(day: date, n: int) -> Event:
    return Event(event_id=f"t{day}{n}", doc="d", content_id="d", type="threat", span=(0, 1),
                 sentence="threat", actor=Entity("Russia", "RUS", "RUS"), target=None,
                 weapon=Entity("nuclear weapons"), location=None,
                 date=EventDate(day.year, day.month, day.day), modality="asserted",
                 attribution=None, quote=None, confidence=0.9, language="en")


def test_signals_after_triggers_give_a_positive_significant_effect() -> None:
    triggers = [Trigger(START + timedelta(days=d), f"decision {d}") for d in (60, 150, 240)]
    events = [threat(START + timedelta(days=d), 0) for d in range(0, 365, 9)]   # baseline
    for t in triggers:
        events += [threat(t.day + timedelta(days=k), k) for k in range(0, 7)]   # burst after
    result = study(events, triggers, load_knowledge(), window=10, permutations=400)
    assert result.effect > 0 and all(e.change > 0 for e in result.effects)
    assert result.p_value is not None and result.p_value < 0.05
    again = study(events, triggers, load_knowledge(), window=10, permutations=400)
    assert again.p_value == result.p_value   # fixed seed: reruns agree


def test_no_relation_is_not_significant() -> None:
    triggers = [Trigger(START + timedelta(days=d), "x") for d in (60, 150, 240)]
    events = [threat(START + timedelta(days=d), 0) for d in range(0, 365)]   # flat
    result = study(events, triggers, load_knowledge(), window=10, permutations=400)
    assert result.p_value is not None and result.p_value > 0.05


def test_bad_trigger_file(tmp_path: Path) -> None:
    f = tmp_path / "t.csv"
    f.write_text("date,label,kind\n2023-13-40,oops,x\n", encoding="utf-8")
    with pytest.raises(InputError, match="bad date"):
        load_triggers(f)


def test_candidate_triggers_found_in_sentences() -> None:
    from tocsin.triggers import candidate_triggers

    found = candidate_triggers([
        ("On November 17, 2024, Washington authorised Kyiv to use ATACMS missiles deep "
         "inside Russia.", "en", date(2024, 11, 18)),
        ("La Finlande a rejoint l'OTAN mardi.", "fr", date(2023, 4, 5)),
        ("The weather was mild in Kyiv.", "en", date(2024, 1, 1)),
    ], load_knowledge())
    assert [(t.day, t.kind.split()[0]) for t in found] == [
        (date(2023, 4, 4), "rejoint"), (date(2024, 11, 17), "authorised")]
