"""Search across languages: full-text and entity filters on canonical knowledge-base ids.

An analyst types English ("Belarus", "Iskander", "Shoigu"); the events were written in French,
Russian or Ukrainian ("Biélorussie", "Белоруссия", "Іскандер", "Choïgou"). Two mechanisms
bridge that, both driven by the knowledge base (``tocsin/kb``), never by names written here:

* **entity filters** (``actor``, ``country``, ``weapon``, ``location``) resolve the user's
  words to canonical ids (an ISO code, an actor / weapon / place id) with the same gazetteer the
  extractor uses (accent-free, transliteration-tolerant), and filter on the ids stored with each
  event; the languages of the documents then do not matter;
* **full-text** words that name a knowledge-base entity are expanded into all its aliases in
  all languages (a group of alternatives), other words are searched as they are. The store runs
  the query on SQLite's FTS5 or PostgreSQL's tsvector, both case- and accent-insensitive.

The library never prints: an unknown name is an :class:`~tocsin.errors.InputError` that says
what was not found.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .errors import InputError
from .gazetteer import Gazetteer, Ref, build_gazetteer
from .knowledge import Knowledge
from .model import Event
from .store import EventFilter, Store
from .textutil import WORD_RE, fold

__all__ = ["SearchQuery", "build_filter", "entity_aliases", "expand_text", "resolve",
           "search_events"]

# Which gazetteer entries each filter accepts, best first.
_KINDS: dict[str, tuple[str, ...]] = {
    "actor": ("actor", "country"),            # a state is an actor too ("Russia warned …")
    "country": ("country", "adjective"),
    "weapon": ("weapon",),
    "location": ("place", "country"),
}
_CODE_KINDS = ("country", "location")


@dataclass(frozen=True)
class SearchQuery:
    """What the user asked for; each field optional, all AND-ed."""

    text: str | None = None
    actor: str | None = None
    country: str | None = None
    weapon: str | None = None
    location: str | None = None
    story: str | None = None
    type: str | None = None
    language: str | None = None
    since: date | None = None
    until: date | None = None
    min_confidence: float | None = None
    limit: int | None = None
    expand: bool = True    # expand entity names in ``text`` into their aliases


def resolve(kb: Knowledge, gazetteer: Gazetteer, kind: str, value: str) -> tuple[str, ...]:
    """Canonical ids named by ``value`` for the filter ``kind`` (actor, country, weapon,
    location). Several values may be given, separated by commas. A country or location may
    also be given by its code (``RUS``, ``NATO``). Raises InputError when a value names
    nothing the knowledge base knows for this filter."""
    if kind not in _KINDS:
        raise ValueError(f"unknown filter {kind!r}; expected one of {', '.join(_KINDS)}")
    ids: list[str] = []
    for part in (p.strip() for p in value.split(",")):
        if not part:
            continue
        found = _resolve_one(kb, gazetteer, kind, part)
        if not found:
            raise InputError(f"--{kind} {part!r}: no {kind} of that name in the knowledge base "
                             "(try another spelling, an id, or --text)")
        ids.extend(i for i in found if i not in ids)
    if not ids:
        raise InputError(f"--{kind}: no name given")
    return tuple(ids)


def _resolve_one(kb: Knowledge, gazetteer: Gazetteer, kind: str, part: str) -> list[str]:
    code = part.upper()
    if kind in _CODE_KINDS and code in kb.country_by_code:
        return [code]
    exact_ids: dict[str, dict[str, object]] = {
        "actor": dict(kb.by_id), "weapon": dict(kb.weapon_by_id),
        "location": dict(kb.place_by_id)}
    if part in exact_ids.get(kind, {}):
        return [part]
    if kind == "actor" and code in kb.country_by_code:
        return [code]
    wanted = _KINDS[kind]
    matches = [m for m in gazetteer.find(part) if m.how != "fuzzy" or kind == "actor"]
    # the whole value must be one name ("Belarus", "Vladimir Putin"), not a phrase around it
    whole = [m for m in matches if _covers(m.text, part)]
    for m in whole or matches:
        refs = [r for r in m.refs if r.kind in wanted]
        if refs:
            return list(dict.fromkeys(r.id for r in refs))
    return []


def _covers(matched: str, value: str) -> bool:
    return WORD_RE.findall(fold(matched)) == WORD_RE.findall(fold(value))


def entity_aliases(kb: Knowledge, ref: Ref) -> tuple[str, ...]:
    """Every name of one knowledge-base entry in every language (its canonical name first)."""
    if ref.kind in ("country", "adjective"):
        c = kb.country_by_code.get(ref.id)
        if c is None:
            return ()
        names = [c.name, *_flat(c.aliases), *_flat(c.adjectives)]
    elif ref.kind == "actor":
        a = kb.actor(ref.id)
        if a is None:
            return ()
        names = [a.name, *_flat(a.aliases)]
    elif ref.kind == "weapon":
        w = kb.weapon_by_id.get(ref.id)
        if w is None:
            return ()
        names = [w.name, *_flat(w.aliases)]
    elif ref.kind == "place":
        p = kb.place_by_id.get(ref.id)
        if p is None:
            return ()
        names = [p.name, *_flat(p.aliases)]
    else:
        return ()
    return tuple(dict.fromkeys(n for n in names if WORD_RE.search(n)))


def _flat(aliases: dict[str, tuple[str, ...]]) -> list[str]:
    return [a for items in aliases.values() for a in items]


def expand_text(kb: Knowledge, gazetteer: Gazetteer, text: str, expand: bool = True
                ) -> tuple[tuple[str, ...], ...]:
    """The full-text query as groups of alternatives (all groups must match). A run of words
    naming a knowledge-base entity becomes one group of all its names; any other word is a
    group of itself (``word*`` keeps its prefix star)."""
    groups: list[tuple[str, ...]] = []
    matches = []
    if expand:
        matches = [m for m in gazetteer.find(text) if m.how in ("exact", "lemma", "skeleton")]
    pos = 0
    for m in matches:
        groups.extend((w,) for w in _plain_words(text[pos:m.start]))
        aliases: list[str] = [m.text]
        for ref in m.refs[:1]:
            aliases.extend(entity_aliases(kb, ref))
        groups.append(tuple(dict.fromkeys(aliases)))
        pos = m.end
    groups.extend((w,) for w in _plain_words(text[pos:]))
    if not groups:
        raise InputError(f"--text {text!r} contains no searchable word")
    return tuple(groups)


def _plain_words(text: str) -> list[str]:
    out = []
    for m in WORD_RE.finditer(text):
        star = text[m.end():m.end() + 1] == "*"
        out.append(m.group(0) + ("*" if star else ""))
    return [w for w in out if w.strip("_*")]


def build_filter(query: SearchQuery, kb: Knowledge, gazetteer: Gazetteer | None = None
                 ) -> EventFilter:
    """The store filter for ``query``: names resolved to ids, text expanded."""
    gz = gazetteer or build_gazetteer(kb)

    def ids(kind: str, value: str | None) -> tuple[str, ...] | None:
        return resolve(kb, gz, kind, value) if value else None

    actor_ids: tuple[str, ...] | None = None
    actor_name: str | None = None
    if query.actor:
        try:
            actor_ids = ids("actor", query.actor)
        except InputError:
            # speakers the knowledge base does not know keep their name only
            actor_name = query.actor
    try:
        return EventFilter(
            type=query.type, actor=actor_name, language=query.language, since=query.since,
            until=query.until,
            min_confidence=query.min_confidence, limit=query.limit,
            text_groups=expand_text(kb, gz, query.text, query.expand) if query.text else None,
            actor_ids=actor_ids, countries=ids("country", query.country),
            weapon_ids=ids("weapon", query.weapon), location_ids=ids("location", query.location),
            story_id=query.story or None,
        )
    except ValueError as exc:
        raise InputError(str(exc)) from exc


def search_events(store: Store, query: SearchQuery, kb: Knowledge,
                  gazetteer: Gazetteer | None = None) -> list[Event]:
    """Events matching ``query``, ordered as :meth:`Store.query_events` orders them."""
    return store.query_events(build_filter(query, kb, gazetteer))
