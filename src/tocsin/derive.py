"""Derived tables, recomputed from everything stored: near-duplicate links and stories with
their flags. A pure function of the stored data, so an incremental run and one run over
everything give the same result."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from .dedup import find_near_duplicates_in
from .gazetteer import Gazetteer, default_gazetteer
from .knowledge import Knowledge
from .model import Event
from .store import EventFilter, Store
from .stories import cluster, flag, recall_cue
from .textutil import fold

Row = dict[str, Any]


def machine_translated(text: str, kb: Knowledge, gazetteer: Gazetteer) -> bool:
    """Soft flag: calques machine translation leaves ("moyens de défaite"), or one person's
    name written two ways in one article (Shoigu … Shoiga)."""
    folded = fold(text)
    if any((pat := lex.cue("mt_tells")) is not None and pat.search(folded)
           for lex in kb.lexicons.values()):
        return True
    spellings: dict[str, set[str]] = {}
    for m in gazetteer.find(text):
        ref = m.first("actor")
        kb_actor = kb.actor(ref.id) if ref is not None else None
        latin = not any("\u0400" <= c <= "\u04ff" for c in m.text)   # Cyrillic inflects
        if kb_actor is not None and kb_actor.kind == "person" and latin:
            spellings.setdefault(kb_actor.id, set()).add(fold(m.text).split()[-1])
    return any(len(v) >= 2 for v in spellings.values())


def derive(events: Sequence[Event], bodies: Sequence[tuple[str, str, str, date | None]],
           kb: Knowledge) -> tuple[list[Row], list[Row], list[Row]]:
    """(story rows, story-mention rows, duplicate rows) for Store.replace_derived."""
    dups = find_near_duplicates_in([(doc, text, pub) for _, doc, text, pub in bodies])
    cid_of = {doc: cid for cid, doc, _, _ in bodies}
    original_of = {d.doc: d.original for d in dups}
    published = {doc: pub for _, doc, _, pub in bodies}
    stories = cluster(events, published, kb)
    flags = flag(stories, events, published, recall_cue(kb))
    gaz = default_gazetteer()
    translated = {doc for _, doc, text, _ in bodies if machine_translated(text, kb, gaz)}
    story_rows, mention_rows = [], []
    for st in stories:
        # a syndicated copy is the same source as its original
        sources = {original_of.get(m.doc, m.doc) for m in st.mentions}
        days = [d for m in st.mentions if (d := m.day) is not None]
        seen = [p for m in st.mentions if (p := published.get(m.doc)) is not None]
        story_rows.append({
            "story_id": st.story_id, "type": st.kind, "first_day": min(days) if days else None,
            "first_seen": min(seen) if seen else None,
            "n_mentions": len(st.mentions), "n_sources": len(sources),
            "languages": ",".join(st.languages),
            "flags": json.dumps(flags.story_flags[st.story_id] + (
                ["machine_translated"] if any(m.doc in translated for m in st.mentions)
                else [])),
            "title": st.title,
        })
        mention_rows += [{"event_id": m.event_id, "story_id": st.story_id,
                          "novelty": flags.novelty[m.event_id]} for m in st.mentions]
    dup_rows = [{"content_id": cid_of[d.doc], "original_content_id": cid_of[d.original],
                 "similarity": d.similarity} for d in dups]
    return story_rows, mention_rows, dup_rows


def refresh(store: Store, kb: Knowledge) -> None:
    """Recompute the derived tables (duplicates, stories, flags) from everything stored."""
    store.replace_derived(*derive(store.query_events(EventFilter()), store.document_bodies(),
                                  kb))
