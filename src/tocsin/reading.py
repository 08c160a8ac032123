"""What the rules hold while they read an article: the objects passed between the stages.

* :class:`Mention` -- an entity found in the text, resolved to a name and a country.
* :class:`SentenceReading` -- one parsed sentence as the reader sees it: its tokens, cues,
  gazetteer matches, mentions, who speaks in it and how it ties to what came before. Built
  once per sentence (:meth:`tocsin.extract.ArticleExtractor.prepare`), frozen, and handed to
  the stages that type the event (:mod:`tocsin.typing_rules`), resolve its actors
  (:mod:`tocsin.actors`), fill its fields (:mod:`tocsin.fields`) and date it
  (:mod:`tocsin.narrative_dates`).
* :class:`Context` -- what the reader remembers from the sentences already read (the persons
  and bodies named, the last event, the narrative date). The one mutable object: the stages
  read it, the orchestrator and the narrative dating update it. Never shared between articles.

Also here: the span helpers and the lexicon word tests every stage uses.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .cues import Cues
from .gazetteer import Match
from .knowledge import LanguageLexicon, Weapon
from .model import Entity, Event, EventDate, Sentence
from .textutil import fold

Span = tuple[int, int]

STORY_WINDOW = 2       # sentences a sourced continuation may lie after a signal


@dataclass(frozen=True)
class Mention:
    """An entity found in the text, resolved to something with a name and a country."""

    start: int
    end: int
    entity: Entity
    kind: str              # person, state_body, ..., country, group, unknown
    source_kind: str = "official"


@dataclass(frozen=True)
class SentenceReading:
    """One parsed sentence as the rules read it. Token offsets are relative to the paragraph's
    Doc (add ``offset``); cue spans (``cues``, ``modifiers``, ``conditions``,
    ``nuclear_words``) are relative to the sentence start; mentions and matches are absolute."""

    index: int                        # sentence number in the article
    sentence: Sentence
    text: str                         # the sentence's text
    language: str                     # of the sentence's paragraph
    lexicon: LanguageLexicon          # of that language
    cues: Cues
    matches: tuple[Match, ...]        # gazetteer matches
    mentions: tuple[Mention, ...]     # the matches resolved to entities
    weapons: tuple[tuple[Match, Weapon], ...]   # weapon systems named, with their records
    assessors: tuple[Mention, ...]    # intelligence services and analysts named anywhere in
                                      # the article (a report is often named after its claims)
    doc: Any                          # the paragraph's spaCy Doc
    tokens: tuple[Any, ...]           # the sentence's tokens in it
    offset: int                       # the paragraph's start in the article text
    speech_tokens: frozenset[int]     # token indices of speech and belief verbs
    modifiers: tuple[Span, ...]       # adjectives and participles describing a noun
    conditions: tuple[Span, ...]      # "if", "если", "tant que"
    # Nuclear words outside civil-nuclear phrases; else, shortly after an event with a weapon,
    # the words that point back to it ("ces armes"), and that weapon.
    nuclear_words: tuple[Span, ...]
    weapon_before: Entity | None
    # No nuclear word and no nuclear-capable system, but it continues the signal told just
    # before (see :func:`tocsin.typing_rules.inherits_context`).
    inherited: bool
    # Who speaks (see :meth:`tocsin.actors.Actors.find_speaker`): filled in last.
    speaker: Mention | None = None
    speech_cue: str | None = None     # the words that introduce the speaker
    speech_verb: Any = None           # the speech verb whose subject is the speaker

    @property
    def start(self) -> int:
        return self.sentence.start


@dataclass
class Context:
    """What the reader remembers while going through one article: the one mutable object.
    Every stage reads it; :meth:`tocsin.extract.ArticleExtractor.run` updates it after each
    sentence and :class:`tocsin.narrative_dates.NarrativeDates` keeps the narrative date in
    it. One per article, never shared."""

    persons: list[Mention] = field(default_factory=list)
    actors: list[Mention] = field(default_factory=list)
    assessors: list[Mention] = field(default_factory=list)
    last_event: Event | None = None        # the rules' last event (whatever a judge decides)
    last_event_sentence: int = -10
    last_emitted: tuple[Event, int] | None = None   # the last event output, and its sentence
    last_signaller: Entity | None = None   # the actor of the last signal output (not a judgment)
    last_reading: SentenceReading | None = None   # the last parsed sentence (Actors.find_speaker)
    last_date: tuple[EventDate, int] | None = None   # narrative date and its paragraph
    # the narrative date to come back to after a recalled aside, and the aside's paragraph
    before_aside: tuple[tuple[EventDate, int] | None, int] | None = None
    events_so_far: int = 0
    signal_sides: set[str] = field(default_factory=set)   # countries that signalled so far
    # the side of persons the knowledge base does not know, as the article told it, by each
    # word of their name (a surname may come first: "Zhou" after "Zhou Chenming")
    person_countries: dict[str, str] = field(default_factory=dict)

    def country_of(self, name: str) -> str | None:
        known = {self.person_countries[w] for w in name_keys(name) if w in self.person_countries}
        return known.pop() if len(known) == 1 else None

    def note_country(self, name: str, country: str) -> None:
        for w in name_keys(name):
            self.person_countries.setdefault(w, country)

    def remember(self, mentions: Iterable[Mention]) -> None:
        """Keep the persons, the actors and the assessors a sentence named."""
        for mn in mentions:
            if mn.kind in ("person", "title"):
                self.persons.append(mn)
            if mn.kind not in ("adjective",):
                self.actors.append(mn)
            if mn.source_kind in ("intelligence", "analyst") and mn.kind != "media":
                self.assessors.append(mn)


def name_keys(name: str) -> set[str]:
    """The words of a person's name that may stand for it alone (not initials, "de", "Un")."""
    return {w for w in fold(name).split() if len(w) >= 3 and w.isalpha()}


# ---- spans --------------------------------------------------------------------------
def contains(outer: Span, inner: Span) -> bool:
    """Does a longer phrase hold a shorter one ("… aggressive rhetoric to think twice")?"""
    return outer[0] <= inner[0] and inner[1] <= outer[1] and \
        outer[1] - outer[0] > inner[1] - inner[0]


def inside(span: Span, spans: Iterable[Span]) -> bool:
    return any(s <= span[0] and span[1] <= e for s, e in spans)


def overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


# ---- lexicon words ------------------------------------------------------------------
def is_word(lex: LanguageLexicon, cue: str, text: str) -> bool:
    """Does ``text`` (a word or phrase) fully match one of the lexicon's ``cue`` words?"""
    pat = lex.cue(cue)
    return bool(pat and pat.fullmatch(fold(text).strip()))


def has_word(lex: LanguageLexicon, cue: str, text: str) -> bool:
    pat = lex.cue(cue)
    return bool(pat and pat.search(fold(text)))
