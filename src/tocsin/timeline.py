"""Timeline and escalation index: counts of signals per period, and a transparent score.

The escalation index of one mention is a product of documented weights::

    index = TYPE[type] * MODALITY[modality] * EXPLICIT[explicit] * RANK[speaker rank] * NOVELTY

* TYPE: how strong a kind of signal is (a threat 3.0 ... an arms-control step 1.0). Assessments
  and reactions are other parties' words about signals: weight 0, they are counted but do not
  raise the index.
* MODALITY: asserted 1.0, planned 0.8, conditional 0.7, hedged 0.5, negated 0.2 (a denial
  lowers tension).
* EXPLICIT: a signal that names nuclear weapons or a system 1.0; one that does not 0.7.
* RANK: head of state or government 1.5, minister / senior official 1.2, other 1.0.
* NOVELTY: 1.0 for a new story, 0.5 for a restatement (until stories are stored, every mention
  counts as new).

Threats are split into *explicit* threats (use of nuclear weapons against someone) and *risk
signaling* (warnings of nuclear war, apocalypse, escalation) by their trigger words.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from .knowledge import Knowledge
from .model import Event
from .textutil import fold

TYPE_WEIGHT = {"use": 5.0, "threat": 3.0, "doctrine": 2.5, "readiness": 2.5, "deployment": 2.0,
               "test": 2.0, "exercise": 1.5, "arms_control": 1.0, "assessment": 0.0,
               "reaction": 0.0}
MODALITY_WEIGHT = {"asserted": 1.0, "planned": 0.8, "conditional": 0.7, "hedged": 0.5,
                   "negated": 0.2}
EXPLICIT_WEIGHT = {True: 1.0, False: 0.7}
RANK_WEIGHT = {"head": 1.5, "senior": 1.2, "other": 1.0}
RISK_WORDS = ("guerre", "war", "apocalyp", "armageddon", "escalad", "escalat", "catastroph",
              "війн", "войн", "ескалац", "эскалац", "апокаліпс", "апокалипс")


@dataclass(frozen=True)
class Scored:
    event: Event
    index: float
    rank: str
    threat_kind: str | None   # "explicit" | "risk" for threats


@dataclass
class Bucket:
    start: date
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    index: float = 0.0
    by_country: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def speaker_rank(event: Event, kb: Knowledge) -> str:
    """Rank of the actor at the event's date (or now) from the knowledge base roles."""
    actor = kb.actor(event.actor.id) if event.actor and event.actor.id else None
    if actor is None:
        return "other"
    when = None
    if event.date and event.date.year:
        when = date(event.date.year, event.date.month or 6, event.date.day or 15)
    return actor.rank(when)


def threat_kind(event: Event) -> str | None:
    if event.type != "threat":
        return None
    text = fold(event.trigger or event.sentence)
    return "risk" if any(w in text for w in RISK_WORDS) else "explicit"


def score(event: Event, kb: Knowledge, novelty: float = 1.0) -> Scored:
    rank = speaker_rank(event, kb)
    value = (TYPE_WEIGHT.get(event.type, 1.0) * MODALITY_WEIGHT.get(event.modality, 1.0)
             * EXPLICIT_WEIGHT[event.weapon is not None] * RANK_WEIGHT[rank] * novelty)
    return Scored(event, round(value, 3), rank, threat_kind(event))


def period_start(d: date, by: str) -> date:
    if by == "day":
        return d
    if by == "week":
        return d - timedelta(days=d.weekday())
    if by == "month":
        return d.replace(day=1)
    raise ValueError(f"unknown period {by!r}: use day, week or month")


def event_day(event: Event) -> date | None:
    d = event.date
    if d is None or d.year is None or d.month is None:
        return None
    try:
        return date(d.year, d.month, d.day or 1)
    except ValueError:
        return None


def timeline(events: Iterable[Event], kb: Knowledge, by: str = "week",
             since: date | None = None, until: date | None = None) -> list[Bucket]:
    """Counts per period by type and actor country, and the summed escalation index.
    Events without a date (or with only a year) are left out of the timeline."""
    buckets: dict[date, Bucket] = {}
    for e in events:
        day = event_day(e)
        if day is None or (since and day < since) or (until and day > until):
            continue
        start = period_start(day, by)
        b = buckets.setdefault(start, Bucket(start))
        b.counts[e.type] += 1
        if e.actor and e.actor.country:
            b.by_country[e.actor.country] += 1
        b.index += score(e, kb).index
    return [buckets[k] for k in sorted(buckets)]


BAR_DAYS = {"day": 0.8, "week": 5, "month": 25}


def next_period(start: date, by: str) -> date:
    """The start of the period after the one starting on ``start``."""
    if by == "day":
        return start + timedelta(days=1)
    if by == "week":
        return start + timedelta(days=7)
    if by == "month":
        return (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    raise ValueError(f"unknown period {by!r}: use day, week or month")


def fill_gaps(buckets: list[Bucket], by: str) -> list[Bucket]:
    """Every period from the first bucket to the last, the empty ones with zero counts, so
    that a chart or a table shows quiet periods as quiet (not as a line across them)."""
    if not buckets:
        return []
    have = {b.start: b for b in buckets}
    out: list[Bucket] = []
    current = buckets[0].start
    while current <= buckets[-1].start:
        out.append(have.get(current) or Bucket(current))
        current = next_period(current, by)
    return out


def plot(buckets: list[Bucket], path: str, title: str = "Nuclear signaling",
         by: str = "week") -> None:
    """Stacked counts per type and the escalation index, as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    buckets = fill_gaps(buckets, by)     # quiet periods drawn as quiet
    types = [t for t in TYPE_WEIGHT if any(b.counts.get(t) for b in buckets)]
    xs = [b.start for b in buckets]
    # each bar covers its period (from its first day), not a span centred on that day
    widths = [0.9 * (next_period(b.start, by) - b.start).days for b in buckets]
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(10, 6), sharex=True)
    bottom = [0] * len(buckets)
    for t in types:
        values = [b.counts.get(t, 0) for b in buckets]
        ax1.bar(xs, values, bottom=bottom, label=t, width=widths, align="edge")
        bottom = [x + y for x, y in zip(bottom, values, strict=True)]
    ax1.set_ylabel(f"mentions per {by}")
    if types:
        ax1.legend(fontsize=7, ncol=4)
    ax1.set_title(title)
    if buckets:     # the index of a period drawn over the whole period (a step)
        ends = [*xs[1:], next_period(xs[-1], by)]
        ax2.step([*xs, ends[-1]], [*(b.index for b in buckets), buckets[-1].index],
                 where="post", color="darkred")
    ax2.set_ylabel(f"escalation index per {by}")
    fig.autofmt_xdate()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
