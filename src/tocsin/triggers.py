"""Trigger event study: does nuclear signaling intensify after Western decisions?

Intensity is the daily sum of the escalation index (tocsin.timeline). For each trigger, the mean
intensity over ``window`` days after it (the trigger day included) minus the mean over the
``window`` days before it; the study's effect is the mean of those differences over triggers.
Significance comes from a permutation test: the same number of pseudo-triggers is drawn uniformly
over the observed period (fixed seed, so reruns agree), and the p-value is the share of draws
whose effect is at least the observed one.
"""

from __future__ import annotations

import csv
import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from .errors import InputError
from .knowledge import Knowledge
from .model import Event
from .timeline import event_day, score

PERMUTATIONS = 2000
SEED = 20220224


@dataclass(frozen=True)
class Trigger:
    day: date
    label: str
    kind: str = ""


@dataclass(frozen=True)
class TriggerEffect:
    trigger: Trigger
    before: float
    after: float

    @property
    def change(self) -> float:
        return self.after - self.before


@dataclass(frozen=True)
class Study:
    window: int
    effects: tuple[TriggerEffect, ...]
    effect: float             # mean change over triggers
    p_value: float | None     # permutation test; None without enough data
    profile: tuple[tuple[int, float], ...]   # (relative day, mean intensity)


def load_triggers(path: Path) -> list[Trigger]:
    """CSV with columns date (YYYY-MM-DD), label, kind."""
    out = []
    try:
        with path.open(encoding="utf-8", newline="") as f:
            for n, row in enumerate(csv.DictReader(f), start=2):
                try:
                    out.append(Trigger(date.fromisoformat((row.get("date") or "").strip()),
                                       (row.get("label") or "").strip(),
                                       (row.get("kind") or "").strip()))
                except ValueError as exc:
                    raise InputError(f"{path}:{n}: bad date ({exc}); use YYYY-MM-DD") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read triggers ({exc.strerror})") from exc
    return out


def daily_intensity(events: Iterable[Event], kb: Knowledge) -> dict[date, float]:
    series: dict[date, float] = defaultdict(float)
    for e in events:
        d = event_day(e)
        if d is not None and e.date is not None and e.date.day is not None:
            series[d] += score(e, kb).index
    return dict(series)


def _mean(series: dict[date, float], start: date, days: int) -> float:
    return sum(series.get(start + timedelta(days=i), 0.0) for i in range(days)) / days


def _effect(series: dict[date, float], days: Sequence[date], window: int) -> float:
    changes = [_mean(series, d, window) - _mean(series, d - timedelta(days=window), window)
               for d in days]
    return sum(changes) / len(changes) if changes else 0.0


def study(events: Iterable[Event], triggers: Sequence[Trigger], kb: Knowledge,
          window: int = 14, permutations: int = PERMUTATIONS) -> Study:
    series = daily_intensity(events, kb)
    effects = tuple(TriggerEffect(t, _mean(series, t.day - timedelta(days=window), window),
                                  _mean(series, t.day, window)) for t in triggers)
    observed = sum(e.change for e in effects) / len(effects) if effects else 0.0
    profile = tuple(
        (rel, sum(series.get(t.day + timedelta(days=rel), 0.0) for t in triggers)
         / max(1, len(triggers)))
        for rel in range(-window, window))
    p_value = None
    if series and triggers:
        first, last = min(series), max(series)
        span = (last - first).days
        if span > 2 * window:
            rng = random.Random(SEED)
            lo = first + timedelta(days=window)
            hits = 0
            for _ in range(permutations):
                fake = [lo + timedelta(days=rng.randrange(span - 2 * window + 1))
                        for _ in triggers]
                if _effect(series, fake, window) >= observed:
                    hits += 1
            p_value = (hits + 1) / (permutations + 1)
    return Study(window, effects, observed, p_value, profile)


def plot_study(result: Study, path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    xs = [rel for rel, _ in result.profile]
    ys = [v for _, v in result.profile]
    fig, ax = plt.subplots(figsize=(8, 3.5))
    ax.bar(xs, ys, color=["#999" if x < 0 else "#8b0000" for x in xs])
    ax.axvline(-0.5, color="black", linewidth=1)
    ax.set_xlabel("days from trigger")
    ax.set_ylabel("mean escalation index")
    p = f"p = {result.p_value:.3f}" if result.p_value is not None else "p = n/a"
    ax.set_title(f"Signal intensity around {len(result.effects)} triggers "
                 f"(effect {result.effect:+.2f}, {p})")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def candidate_triggers(sentences: Iterable[tuple[str, str, date | None]],
                       kb: Knowledge) -> list[Trigger]:
    """Reported Western decisions found in stored sentences (text, language, publication
    date): an aid package, a weapons decision, a NATO accession, sanctions. Dated by the date
    the sentence gives, else its article's publication date; one per day and kind."""
    from .dates import document_years, find_dates
    from .textutil import fold

    found: dict[tuple[date, str], Trigger] = {}
    for text, language, published in sentences:
        lex = kb.lexicons.get(language)
        if lex is None or (pat := lex.cue("western_decision")) is None:
            continue
        m = pat.search(fold(text))
        if m is None:
            continue
        days = [date(d.date.year, d.date.month, d.date.day)
                for d in find_dates(text, 0, len(text), language, published,
                                    document_years(text), lex.cue("deadline"))
                if not d.deadline and d.date.year and d.date.month and d.date.day]
        day = days[0] if days else published
        if day is None:
            continue
        kind = " ".join(m.group().split()[:4])
        found.setdefault((day, kind), Trigger(day, " ".join(text.split())[:90], kind))
    return [found[k] for k in sorted(found)]
