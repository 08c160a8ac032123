"""A self-contained HTML brief: charts embedded as data URIs, no network needed to view it.

Sections: the period and its numbers, the timeline chart and escalation index, the top stories
with their evidence sentences and sources, and the flags the stories carry so far.
"""

from __future__ import annotations

import base64
import html
import tempfile
from collections import Counter
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

from .knowledge import Knowledge
from .model import Event
from .stories import Story, cluster, flag, recall_cue
from .timeline import Bucket, event_day, fill_gaps, next_period, plot, score, timeline

CSS = """
body{font-family:system-ui,sans-serif;max-width:960px;margin:2em auto;color:#222}
h1{margin-bottom:0} .sub{color:#666;margin-top:.2em}
table{border-collapse:collapse;width:100%;font-size:14px}
td,th{border-bottom:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top}
.story{border-left:4px solid #8b0000;padding:.2em 1em;margin:1em 0}
.flag{display:inline-block;background:#eee;border-radius:3px;padding:0 5px;margin-right:4px;
font-size:12px} blockquote{margin:.3em 0;color:#333} img{max-width:100%}
"""


def _chart(buckets: list[Bucket], by: str) -> str:
    """The timeline chart as a base64 PNG data URI (empty string when there is nothing)."""
    if not buckets:
        return ""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "timeline.png"
        plot(buckets, str(path), by=by)
        data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f"data:image/png;base64,{data}"


def _in_period(e: Event, since: date | None, until: date | None) -> bool:
    if since is None and until is None:
        return True
    day = event_day(e)
    return day is not None and (since is None or day >= since) and (until is None or day <= until)


def _period_label(buckets: list[Bucket], by: str, since: date | None,
                  until: date | None) -> str:
    """The period the brief covers: the bounds asked for, else those of the dated mentions."""
    first = since or (buckets[0].start if buckets else None)
    last = until or (next_period(buckets[-1].start, by) - timedelta(days=1)
                     if buckets else None)
    if first is None and last is None:
        return "all dates (no dated mention)"
    return f"{first or 'the start'} to {last or 'today'}, by {by}"


def _period_rows(buckets: list[Bucket], by: str) -> list[tuple[str, int, str]]:
    """Table rows: one per period with mentions; a run of quiet periods is one row."""
    rows: list[tuple[str, int, str]] = []
    filled = fill_gaps(buckets, by)
    i = 0
    while i < len(filled):
        b = filled[i]
        if b.counts:
            rows.append((b.start.isoformat(), sum(b.counts.values()), f"{b.index:.1f}"))
            i += 1
            continue
        j = i
        while j + 1 < len(filled) and not filled[j + 1].counts:
            j += 1
        end = next_period(filled[j].start, by) - timedelta(days=1)
        rows.append((f"{b.start} to {end}: none", 0, "0.0"))
        i = j + 1
    return rows


def _flags(story: Story) -> list[str]:
    """Presentation flags (the credibility flags come from tocsin.stories.flag)."""
    flags = ["single_source"] if len(story.docs) == 1 else []
    if len(story.languages) > 1:
        flags.append("multilingual")
    return flags


def render(events: Sequence[Event], kb: Knowledge, title: str = "Nuclear signaling brief",
           since: date | None = None, until: date | None = None, by: str = "week",
           top: int = 10, published: dict[str, date | None] | None = None) -> str:
    """The brief as one HTML string."""
    chosen = [e for e in events if _in_period(e, since, until)]
    by_id = {e.event_id: e for e in chosen}
    buckets = timeline(chosen, kb, by=by)
    chart = _chart(buckets, by)
    stories = cluster(chosen, published, kb)
    flags = flag(stories, chosen, published or {}, recall_cue(kb))

    def weight(st: Story) -> float:
        return sum(score(by_id[m.event_id], kb).index for m in st.mentions) + len(st.docs)

    ranked = sorted(stories, key=lambda st: (-weight(st), st.story_id))[:top]
    types = Counter(e.type for e in chosen)
    period = _period_label(buckets, by, since, until)
    parts = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
             f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body>",
             f"<h1>{html.escape(title)}</h1>",
             f"<p class='sub'>Period {html.escape(period)} · {len(chosen)} mentions · "
             f"{len(stories)} stories · "
             + ", ".join(f"{t} {n}" for t, n in types.most_common()) + "</p>",
             "<h2>Timeline and escalation index</h2>"]
    if chart:
        parts.append(f"<img id='timeline' alt='timeline chart' src='{chart}'>")
    else:
        parts.append("<p>No dated mention in this period.</p>")
    parts.append(f"<table><tr><th>{by}</th><th>mentions</th><th>index</th></tr>")
    for label, n, index in _period_rows(buckets, by):
        parts.append(f"<tr><td>{html.escape(label)}</td><td>{n}</td><td>{index}</td></tr>")
    parts.append("</table><h2>Top stories</h2>")
    for st in ranked:
        first = by_id[st.mentions[0].event_id]
        when = event_day(first)
        repeats = sum(flags.novelty[m.event_id] == "repeat" for m in st.mentions)
        names = list(dict.fromkeys(flags.story_flags[st.story_id] + _flags(st)))
        names += [f"{repeats} repeat"] if repeats else []
        badges = "".join(f"<span class='flag'>{html.escape(f)}</span>" for f in names)
        parts.append(f"<div class='story'><h3>{html.escape(st.title)} · "
                     f"{when or 'undated'}</h3><p>{badges}"
                     f"{len(st.mentions)} mentions in {len(st.docs)} documents "
                     f"({', '.join(st.languages)})</p>")
        for m in st.mentions[:3]:
            e = by_id[m.event_id]
            source = html.escape(e.doc)
            parts.append(f"<blockquote>{html.escape(' '.join(e.sentence.split()))}"
                         f"<br><small>{source} [{e.span[0]}–{e.span[1]}]</small></blockquote>")
        parts.append("</div>")
    parts.append("<p class='sub'>Generated by Tocsin. Index weights: see tocsin.timeline.</p>"
                 "</body></html>")
    return "\n".join(parts)
