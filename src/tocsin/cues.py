"""The lexicon's cues in one sentence: which cue lists and event-type triggers fire, and where.

Every later stage reads a sentence through its :class:`Cues` (computed once per sentence):
the candidate filter, the rules that type and fill events, and the learned layer's features.
"""

from __future__ import annotations

from dataclasses import dataclass

from .knowledge import LanguageLexicon


@dataclass(frozen=True)
class Cues:
    folded: str
    hits: dict[str, list[tuple[int, int]]]   # cue name -> spans relative to sentence start

    def has(self, name: str) -> bool:
        return bool(self.hits.get(name))

    def first(self, name: str) -> tuple[int, int] | None:
        spans = self.hits.get(name)
        return spans[0] if spans else None

    @property
    def nuclear(self) -> list[tuple[int, int]]:
        """Nuclear words outside civil-nuclear phrases ("nuclear power plant")."""
        civil = self.hits.get("civil_nuclear", [])
        return [h for h in self.hits.get("nuclear", [])
                if not any(s <= h[0] and h[1] <= e for s, e in civil)]

    @property
    def typed(self) -> bool:
        """Does a word of some event type (a trigger, a reaction, a judgment) fire?"""
        return any(k.startswith("trigger:") for k in self.hits) or \
            self.has("reaction") or self.has("assessment") or self.has("warning")


def find_cues(folded: str, lex: LanguageLexicon) -> Cues:
    hits: dict[str, list[tuple[int, int]]] = {}
    for name, pat in lex.cues.items():
        spans = [(m.start(), m.end()) for m in pat.finditer(folded)]
        if spans:
            hits[name] = spans
    for name, pat in lex.triggers.items():
        spans = [(m.start(), m.end()) for m in pat.finditer(folded)]
        blocked = [(m.start(), m.end()) for b in lex.trigger_blockers.get(name, ())
                   for m in b.finditer(folded)]
        spans = [s for s in spans if not any(b[0] <= s[0] < b[1] for b in blocked)]
        if spans:
            hits["trigger:" + name] = spans
    return Cues(folded, hits)
