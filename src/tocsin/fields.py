"""An event's fields besides its actor and date: weapon, location, target, quote, modality.

* *Weapon*: the most specific system named (a nuclear-capable system, else the most specific
  generic term, "munitions nucléaires tactiques" read as tactical), else the weapon a phrase
  such as "these weapons" points back to, else "nuclear weapons" when the sentence says
  nuclear.
* *Location*: a place the knowledge base knows, else a country after a locative preposition.
* *Target*: the first state or body of another side than the actor's.
* *Quote*: the first long quotation in the sentence.
* *Modality*: conditional, negated (near the trigger), hedged, planned or asserted; hedges and
  plans inside a phrase describing a noun ("the planned counter-offensive") do not count.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from .cues import Cues
from .gazetteer import Match
from .knowledge import Knowledge, LanguageLexicon, Place, Weapon
from .model import Entity, Sentence
from .reading import Mention, Span, inside, overlaps
from .textutil import fold

TACTICAL_ID = "tactical-nuclear-weapons"
TACTICAL = re.compile(fold(r"\s*(?:tactiques?|tactical|non-?strat\w+|тактичн\w*|тактическ\w*)"))
GENERIC_WEAPON = "nuclear weapons"
# an opening quote, 20+ characters without quotes, a closing quote (linear: no nested
# quantifiers; the caller strips the spaces)
QUOTE_RE = re.compile(r"[«“\"]([^«»“”\"]{20,})[»”\"]")
NEGATION_WINDOW = 60   # characters between a negation and the trigger it negates


def weapons_in(kb: Knowledge, matches: Sequence[Match]) -> list[tuple[Match, Weapon]]:
    """The weapon systems among the gazetteer matches, with their knowledge-base records."""
    out = []
    for m in matches:
        ref = m.first("weapon")
        if ref is not None and ref.id in kb.weapon_by_id:
            out.append((m, kb.weapon_by_id[ref.id]))
    return out


def pick_weapon(kb: Knowledge, text: str, matches: Sequence[Match], explicit: bool,
                weapon_before: Entity | None) -> Entity | None:
    found = weapons_in(kb, matches)
    specific = [w for _, w in found if not w.generic and w.nuclear_capable]
    if specific:
        return Entity(specific[0].name, specific[0].country, specific[0].id)
    generic = [(m, w) for m, w in found if w.generic]
    if generic:
        # the most specific generic term: a longer canonical name says more
        m, g = max(generic, key=lambda mw: len(mw[1].name))
        after = fold(text[m.end : m.end + 24])
        if g.id != TACTICAL_ID and TACTICAL.match(after):
            tactical = kb.weapon_by_id.get(TACTICAL_ID)
            if tactical is not None:   # "munitions nucléaires tactiques"
                return Entity(tactical.name, None, tactical.id)
        return Entity(g.name, None, g.id)
    if weapon_before is not None:
        return weapon_before   # "the new missile": the weapon named just before
    if explicit:
        # "a nuclear strike", "nuclear drills": explicitly nuclear, no system named
        return Entity(GENERIC_WEAPON, None, None)
    return None


def pick_location(kb: Knowledge, text: str, lex: LanguageLexicon, matches: Sequence[Match],
                  actor: Mention | None, sent: Sentence, history: Sequence[Span] = ()
                  ) -> Entity | None:
    """Where the sentence places its signal. ``history``: absolute spans of names that stand
    for a past happening (the lexicon's ``history`` cue: Hiroshima, Chernobyl); a place named
    by one is a comparison or a memory ("three times the bombs dropped on Hiroshima"), not
    where a present signal happens."""
    for m in matches:
        ref = m.first("place")
        if ref is not None and m.first("actor") is None and \
                not any(overlaps((m.start, m.end), h) for h in history):
            p = kb.place_by_id[ref.id]
            return Entity(p.name, p.country or waters_of(p, actor), p.id)
    locative, territory = lex.cue("locative"), lex.cue("territory")
    if locative is None:
        return None

    def placed(before: str) -> bool:
        """Does the text before a country name put it as a place ("in", "on the territory
        of", "sur le territoire")?"""
        if locative.search(before):
            return True
        tail = territory_tail(territory).search(before) if territory is not None else None
        return tail is not None and bool(locative.search(before[: tail.start()]))

    for m in matches:
        ref = m.first("country") or m.first("adjective")
        if ref is None or m.first("actor") is not None:
            continue
        if actor is not None and overlaps((m.start, m.end), (actor.start, actor.end)):
            continue
        before = fold(text[max(sent.start, m.start - 32) : m.start])
        if ref.kind == "adjective":
            # an adjective is a place only before or after a word for territory:
            # "on Belarusian territory", "на белорусской территории", "sur le sol biélorusse"
            after = fold(text[m.end : min(sent.end, m.end + 16)]).lstrip()
            ok = (locative.search(before) is not None and territory is not None
                  and territory.match(after) is not None) or \
                (territory is not None and territory_tail(territory).search(before) is not None
                 and placed(before))
        else:
            ok = placed(before)
        if ok:
            return Entity(kb.country_name(ref.id) or ref.id, ref.id, ref.id)
    return None


def waters_of(place: Place, actor: Mention | None) -> str | None:
    """Shared waters are the actor's when its state is on their shores: a Russian launch from
    the Barents Sea happens in Russia's waters, an American patrol there in no one's."""
    country = actor.entity.country if actor is not None else None
    return country if country is not None and country in place.coast else None


@lru_cache(maxsize=8)
def territory_tail(territory: re.Pattern[str]) -> re.Pattern[str]:
    """The territory word ending a text ("… on the territory of ", "… sur le sol ")."""
    return re.compile(f"(?:{territory.pattern})\\s*$")


def pick_target(etype: str, mentions: Sequence[Mention], actor: Mention | None,
                location: Entity | None) -> Mention | None:
    own = actor.entity.country if actor else None
    for mn in mentions:
        if mn.entity.country is None or mn.entity.country == own:
            continue
        if location is not None and mn.entity.id == location.id:
            continue
        if actor is not None and overlaps((mn.start, mn.end), (actor.start, actor.end)):
            continue
        return mn
    return None


def quoted(stext: str) -> bool:
    """Does the sentence hold a quotation (20 characters or more)?"""
    return bool(QUOTE_RE.search(stext))


def pick_quote(stext: str) -> str | None:
    """The first quotation of four words or more in the sentence."""
    qm = QUOTE_RE.search(stext)
    if qm and len(qm.group(1).split()) >= 4:
        return qm.group(1).strip()
    return None


def modifier_spans(tokens: Sequence[Any], sent: Sentence, off: int) -> list[Span]:
    """Sentence-relative spans of adjectives/participles that modify a noun: "the planned
    counter-offensive" does not make the sentence's own statement planned."""
    def participle(t: Any) -> bool:
        return "Part" in t.morph.get("VerbForm") or t.tag_ == "VBN"

    def bare(t: Any) -> bool:   # "les systèmes déjà livrés": no auxiliary
        return not any(c.dep_.startswith("aux") for c in t.children)

    return [(t.idx + off - sent.start, t.idx + off - sent.start + len(t)) for t in tokens
            if (t.dep_ in ("amod", "acl") and (t.pos_ == "ADJ" or participle(t)))
            or (t.pos_ == "VERB" and participle(t) and bare(t) and t.dep_ != "ROOT"
                and "Tense=Pres" not in str(t.morph))]


def modality(cues: Cues, modifiers: Sequence[Span] | None = None,
             trigger: Span | None = None) -> str:
    modifiers = modifiers or []
    near = trigger if trigger and trigger != (0, 0) else None

    def live(name: str) -> bool:
        return any(not any(overlaps(h, m) for m in modifiers) for h in cues.hits.get(name, []))

    blockers = cues.hits.get("negation_blockers", [])
    # A negation counts in the trigger's neighbourhood only: "X, who never hides it,
    # announced drills" is not a negated exercise.
    negations = [h for h in cues.hits.get("negation", []) if not inside(h, blockers)
                 and not any(overlaps(h, b) for b in blockers)
                 and (near is None or abs(h[0] - near[0]) <= NEGATION_WINDOW)]
    if cues.has("conditional"):
        return "conditional"
    if negations:
        return "negated"
    if live("hedge"):
        return "hedged"
    if live("planned"):
        return "planned"
    return "asserted"
