"""Which parts of an article are worth the costly stages.

*Hot* sentences name nuclear weapons (a nuclear word outside civil-nuclear phrases, a
nuclear-capable system, a nuclear treaty). An article without a nuclear term or a weapon
system is not parsed or embedded at all; in one with some, every body paragraph is parsed (a
signal's details and the reactions to it often sit paragraphs away from the word "nuclear")
and the sentences near a hot one, or with a word of some event type, are the learned layer's
candidates.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .cues import Cues
from .gazetteer import Match
from .textutil import WORD_RE, fold

if TYPE_CHECKING:   # nlp loads the learned layer, which asks this module for candidates
    from .knowledge import Weapon
    from .nlp import Resources


def names_capable_system(matches: Sequence[Match], res: Resources) -> bool:
    return bool(_capable_systems(matches, res))


def is_hot(cues: Cues, matches: Sequence[Match], res: Resources) -> bool:
    return bool(cues.nuclear) or names_capable_system(matches, res)


# An article is about a civil nuclear site when its civil-nuclear words (plants, reactors, the
# IAEA, and the harm they can do: "nuclear terrorism", radiation) are at least this many and
# at least CIVIL_RATIO times its words of nuclear weapons. Chosen on the written corpus's
# train and dev splits, the real dev set and the examples: it holds 64 of their 159
# distractors and no signal article (the nearest signal articles have 7 civil words to 6).
CIVIL_MIN = 6
CIVIL_RATIO = 3


def civil_story(cues: Sequence[Cues]) -> bool:
    """Is the article (its sentences' cues) about a civil nuclear site rather than weapons?"""
    civil = weapons = 0
    for c in cues:
        civil += len(c.hits.get("civil_nuclear", ()))
        for hit in c.nuclear:
            if _inside(hit, c.hits.get("civil_hazard", ())):
                civil += 1
            else:
                weapons += 1
    return civil >= CIVIL_MIN and CIVIL_RATIO * weapons <= civil


# Long-range systems whose launch is a strategic signal whatever is said around it (an
# Oreshnik strike, an ICBM flight) keep an article out of the conventional-war gate.
STRATEGIC_SYSTEM = re.compile(r"intermediate|intercontinental|ICBM|SLBM|submarine-launched",
                              re.I)
WAR_EFFECTS_MIN = 2


def conventional_war_story(cues: Sequence[Cues], matches: Sequence[Sequence[Match]],
                           res: Resources) -> bool:
    """Is the article a war report in which dual-capable systems (Iskander, Kinzhal) strike
    conventionally? It names such a system, tells what strikes leave (killed, shot down,
    debris...) at least twice, names no strategic system, and never speaks of nuclear
    weapons except to say what a missile can carry. Chosen on the written corpus's train
    and dev splits, the real dev set and the examples: 17 of their 159 distractors, and no
    signal article, are such reports."""
    effects = 0
    for c in cues:
        aside = list(c.hits.get("civil_hazard", ())) + list(c.hits.get("capability", ()))
        if any(not _inside(h, aside) for h in c.nuclear):
            return False
        effects += len(c.hits.get("war_effects", ()))
    if effects < WAR_EFFECTS_MIN:
        return False
    systems = [w for ms in matches for w in _capable_systems(ms, res)]
    return bool(systems) and not any(STRATEGIC_SYSTEM.search(w.category) for w in systems)


def _capable_systems(matches: Sequence[Match], res: Resources) -> list[Weapon]:
    out = []
    for m in matches:
        ref = m.first("weapon")
        weapon = res.kb.weapon_by_id.get(ref.id) if ref is not None else None
        if weapon is not None and weapon.nuclear_capable:
            out.append(weapon)
    return out


def names_weapons(cues: Cues, matches: Sequence[Match], res: Resources) -> bool:
    """Does the sentence itself name nuclear weapons (not a civil site's hazard)?"""
    hazard = cues.hits.get("civil_hazard", ())
    return any(not _inside(h, hazard) for h in cues.nuclear) or \
        names_capable_system(matches, res)


def names_other_harm(cues: Cues, matches: Sequence[Match], res: Resources) -> bool:
    """Does the sentence name a harm that is not nuclear (terrorism, biological weapons,
    missile strikes, shelling) and no nuclear weapon at all? A reaction or judgment told in
    it is about that harm, even in an article about a nuclear signal."""
    return cues.has("other_harm") and not cues.nuclear and \
        not names_capable_system(matches, res)


def _inside(span: tuple[int, int], spans: Sequence[tuple[int, int]]) -> bool:
    return any(a <= span[0] and span[1] <= b for a, b in spans)


def candidates(hot: Sequence[bool], typed: Sequence[bool], window: int) -> dict[int, int]:
    """Sentence index -> distance to the nearest hot sentence, for the sentences within
    ``window`` of one, and for any sentence with an event-type word in an article with a hot
    sentence (a treaty dispute told over many sentences names the treaty once)."""
    spots = [i for i, h in enumerate(hot) if h]
    if not spots:
        return {}
    out: dict[int, int] = {}
    for i in range(len(hot)):
        d = min(abs(i - j) for j in spots)
        if d <= window or typed[i]:
            out[i] = min(d, window + 1)
    return out


def paragraph_is_hot(folded: str, res: Resources, language: str) -> bool:
    """Cheap gate on a (folded) paragraph: a nuclear word outside civil-nuclear phrases, or a
    nuclear-capable system. Nothing can come of an article without one (the rules need it and
    the judge's candidates are near one), so it is neither parsed nor embedded."""
    lex = res.kb.lexicons.get(language)
    nuclear = lex.cue("nuclear") if lex else None
    if nuclear is not None and nuclear.search(folded):
        civil = lex.cue("civil_nuclear") if lex else None
        spans = [(m.start(), m.end()) for m in civil.finditer(folded)] if civil else []
        if any(not any(a <= m.start() and m.end() <= b for a, b in spans)
               for m in nuclear.finditer(folded)):
            return True
    return could_name_capable_system(folded, res, language) and \
        names_capable_system(res.gazetteer.find(folded, language=language), res)


def could_name_capable_system(folded: str, res: Resources, language: str) -> bool:
    """False when no gazetteer match in ``folded`` can name a nuclear-capable system: no
    alias of one has all its words in the text (nor, in Ukrainian and Russian, in the
    lemmas of its words), so the gazetteer need not be run. Its approximate matches
    (transliteration skeletons, fuzzy surnames) name persons only."""
    refolded = fold(folded)   # what the gazetteer reads
    if _holds_alias(set(WORD_RE.findall(refolded)), res.capable_aliases()):
        return True
    if language not in res.gazetteer.lemma_index:
        return False
    from .slavic import lemma

    lemmas = {fold(lemma(language, folded[m.start() : m.end()]))
              for m in WORD_RE.finditer(refolded)}
    return _holds_alias(lemmas, res.capable_aliases(language))


def _holds_alias(words: set[str], aliases: dict[str, tuple[frozenset[str], ...]]) -> bool:
    return any(alias <= words for w in words for alias in aliases.get(w, ()))
