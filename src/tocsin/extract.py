"""Article -> Events. Rules over the dependency parse, the gazetteer and the lexicon.

How a sentence becomes an event:
1. *Nuclear context*: a nuclear word outside civil-nuclear phrases, or a nuclear-capable
   system (the latter only for physical types: exercise, deployment, test, readiness). A
   sentence without either may still carry a reaction or assessment when it refers back to the
   event of the previous sentence (its actor, or "these statements").
2. *Who speaks*: subject of a speech verb (pronouns and role phrases such as "the head of the
   ministry" resolved to the person named before), or the source after "according to".
3. *Which type*: reactions (condemnation cue + a referenced signal), assessments (an
   intelligence service or analyst speaks, or the sentence characterises a signal: rhetoric,
   blackmail, purpose, risk, belief), physical types (trigger nearest to the nuclear term),
   threats (the signaller speaks of its own use; if someone else speaks of it, assessment).
4. *Fields*: actor (speaker for statements, doer for physical events, "X said Y did Z" gives
   Y), target, weapon (most specific), location, date (same sentence, deadlines excluded),
   modality, attribution, quote.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from .cues import Cues, find_cues
from .dates import (
    DateMention,
    document_years,
    find_anaphors,
    find_dates,
    relative_to,
    shift,
)
from .gazetteer import Match, Ref
from .knowledge import Actor, Knowledge
from .model import Article, Attribution, Entity, Event, EventDate, Sentence, SentenceFacts
from .nlp import Resources
from .textutil import fold

PHYSICAL = ("test", "exercise", "readiness", "deployment", "arms_control", "doctrine")
SPEECH_TYPES = ("threat", "reaction", "assessment", "doctrine")
WEAPON_ONLY_TYPES = ("exercise", "deployment", "test", "readiness")
WORD = re.compile(r"\w+")
TACTICAL_ID = "tactical-nuclear-weapons"
# a launch of these is a strategic signal even when no one says "nuclear"
STRATEGIC = re.compile(r"intercontinental|ICBM|SLBM|submarine-launched|strategic", re.I)
# prepositions that make a noun's modifier a place rather than an owner (all languages)
LOCATIVE_CASES = {fold(w) for w in (
    "в", "во", "на", "у", "із", "из", "au", "aux", "en", "dans", "à", "sur", "in", "at", "on",
    "into", "near", "près")}
TACTICAL = re.compile(fold(r"\s*(?:tactiques?|tactical|non-?strat\w+|тактичн\w*|тактическ\w*)"))
QUOTE_RE = re.compile(r"[«“\"]\s*([^«»“”\"]{20,}?)\s*[»”\"]")
HISTORY_BEFORE = 2000  # years before this, alone in a sentence, mark history or background
GENERIC_WEAPON = "nuclear weapons"
SPECIFICITY = 8.0      # characters of distance each extra word of a trigger is worth
INHERIT_WINDOW = 6     # sentences a reaction may lie after the signal it refers to
MODIFIER_PENALTY = 60.0
MAX_ANCHOR_DISTANCE = 150 # characters between a physical trigger and the nuclear term
ANAPHOR_WINDOW = 3      # sentences "these weapons" may lie after the weapons named
UNINFLECTED = ("fr", "en")   # owners need a preposition here; Slavic genitives do not
ALERT_REACH = 90        # characters from a moving verb to the alert state it puts forces in
ASIDE_DAYS = 3          # a recalled date this far back is an aside, not the story's day
DATE_CARRY = 2          # paragraphs a narrative date carries over
STORY_WINDOW = 2       # sentences a sourced continuation may lie after a signal
NEGATION_WINDOW = 60   # characters between a negation and the trigger it negates

# A judge reads what the rules saw in a sentence and says which events it carries, each with
# its confidence (see :mod:`tocsin.learned`).
Judge = Callable[[SentenceFacts], list[tuple[str, float]]]


@dataclass(frozen=True)
class Mention:
    """An entity found in the text, resolved to something with a name and a country."""

    start: int
    end: int
    entity: Entity
    kind: str              # person, state_body, ..., country, group, unknown
    source_kind: str = "official"


@dataclass
class Context:
    """What the reader remembers while going through one article (never shared)."""

    persons: list[Mention] = field(default_factory=list)
    actors: list[Mention] = field(default_factory=list)
    assessors: list[Mention] = field(default_factory=list)
    last_event: Event | None = None
    last_event_sentence: int = -10
    last_date: tuple[EventDate, int] | None = None   # narrative date and its paragraph
    # the narrative date to come back to after a recalled aside, and the aside's paragraph
    before_aside: tuple[tuple[EventDate, int] | None, int] | None = None
    events_so_far: int = 0
    signal_sides: set[str] = field(default_factory=set)   # countries that signalled so far


def event_id(content_id: str, etype: str, span: tuple[int, int]) -> str:
    return hashlib.sha1(f"{content_id}:{etype}:{span[0]}:{span[1]}".encode()).hexdigest()[:16]


def _contains(outer: tuple[int, int], inner: tuple[int, int]) -> bool:
    """Does a longer phrase hold a shorter one ("… aggressive rhetoric to think twice")?"""
    return outer[0] <= inner[0] and inner[1] <= outer[1] and \
        outer[1] - outer[0] > inner[1] - inner[0]


def _inside(span: tuple[int, int], spans: Iterable[tuple[int, int]]) -> bool:
    return any(s <= span[0] and span[1] <= e for s, e in spans)


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


class ArticleExtractor:
    """Extract events from one article. Holds only per-article state."""

    def __init__(self, article: Article, res: Resources) -> None:
        self.article = article
        self.res = res
        self.kb: Knowledge = res.kb
        self.lang = article.language           # of the sentence being read (paragraphs differ)
        self.lex = res.kb.lexicons[article.language]
        self.text = article.text
        self.ctx = Context()
        self._mentions: list[Mention] = []            # of the sentence being read
        self._matches: list[Match] = []
        self._tokens: list[Any] = []
        self._offset = 0
        self._sentence_index = 0
        self._sentence_start = 0
        self._speech_verb: Any = None
        self._speech_tokens: set[int] = set()
        self._modifiers: list[tuple[int, int]] = []
        self._conditions: list[tuple[int, int]] = []
        self._weapon_before: Entity | None = None   # what a weapon anaphor points back to
        self._prepared = False            # tokens and speaker of the sentence read already
        self._tokens_found = False
        self._speaker: Mention | None = None
        self._speech_cue: str | None = None
        self._inherited = False
        self._all_assessors: list[Mention] = []
        self._final_last: tuple[Event, int] | None = None   # the last event emitted
        self.years = document_years(article.text)
        # Who held a role "then": the publication date, else the end of the latest year the
        # article mentions (a 2023 story about "the defence minister" means Shoigu).
        recent = [y for _, y in self.years if y >= HISTORY_BEFORE]
        self.ref_date: date | None = article.published or (
            date(max(recent), 12, 31) if recent else None)
        self.date_base: date | None = article.published
        self.historical = self.is_historical()

    def is_historical(self) -> bool:
        """A history piece: its opening names a past episode and no year it mentions is
        recent. Its nuclear talk has no present signaller."""
        body = self.article.body
        if not body:
            return False
        opening = fold(self.text[body[0].start : body[min(2, len(body) - 1)].end])
        # Several years, all before 1991, and the opening names a past episode or dates
        # itself there. One old year is a comparison ("the worst since 1962"), not history.
        old_years = {y for _, y in self.years if y < HISTORY_BEFORE}
        if len(old_years) < 2 or len(old_years) != len({y for _, y in self.years}):
            return False
        history = self.lex.cue("history")
        return bool(history and history.search(opening)) or bool(
            re.search(r"\b(?:19[0-8]\d)\b", opening))

    def is_word(self, cue: str, text: str) -> bool:
        """Does ``text`` (a word or phrase) fully match one of the lexicon's ``cue`` words?"""
        pat = self.lex.cue(cue)
        return bool(pat and pat.fullmatch(fold(text).strip()))

    def has_word(self, cue: str, text: str) -> bool:
        pat = self.lex.cue(cue)
        return bool(pat and pat.search(fold(text)))

    # ---- entities -------------------------------------------------------------------
    def mention_from_match(self, m: Match) -> Mention | None:
        ref = m.first("actor", "country", "adjective", "title")
        if ref is None:
            return None
        if ref.kind == "title":
            return self.resolve_title(m)
        return self.mention_from_ref(ref, m.start, m.end)

    def resolve_title(self, m: Match) -> Mention | None:
        """'le ministre russe de la Défense' -> who held that role: someone the article
        already named, else the holder at the reference date; unknown otherwise."""
        holders: list[Actor] = []
        for ref in m.refs:
            if ref.kind != "title":
                continue
            actor_id, _, idx = ref.id.partition("#")
            a = self.kb.actor(actor_id)
            if a is not None:
                holders.append(a)
                if a.roles[int(idx)].held_on(self.ref_date) and self.ref_date is not None:
                    holders.insert(0, holders.pop())
        named = {mn.entity.id for mn in self.ctx.persons}
        chosen = next((a for a in holders if a.id in named), None)
        if chosen is None and self.ref_date is not None:
            chosen = next((a for a in holders if any(
                r.held_on(self.ref_date) for r in a.roles)), None)
        if chosen is None:
            return None
        return Mention(m.start, m.end, Entity(chosen.name, chosen.country, chosen.id), "title",
                       chosen.source_kind)

    def mention_from_ref(self, ref: Ref, start: int, end: int) -> Mention | None:
        if ref.kind == "actor":
            a = self.kb.actor(ref.id)
            if a is None:
                return None
            return Mention(start, end, Entity(a.name, a.country, a.id), a.kind, a.source_kind)
        if ref.kind == "country":
            name = self.kb.country_name(ref.id) or ref.id
            return Mention(start, end, Entity(name, ref.id, ref.id), "country")
        if ref.kind == "adjective":
            name = self.kb.country_name(ref.id) or ref.id
            return Mention(start, end, Entity(name, ref.id, ref.id), "adjective")
        return None

    def remember(self, mentions: list[Mention]) -> None:
        for mn in mentions:
            if mn.kind in ("person", "title"):
                self.ctx.persons.append(mn)
            if mn.kind not in ("adjective",):
                self.ctx.actors.append(mn)
            if mn.source_kind in ("intelligence", "analyst") and mn.kind != "media":
                self.ctx.assessors.append(mn)

    # ---- main loop ------------------------------------------------------------------
    def run(self, docs: dict[int, Any], sentences: list[Sentence],
            judge: Judge | None = None, sent_matches: list[list[Match]] | None = None,
            sent_cues: list[Cues] | None = None) -> tuple[list[Event], list[SentenceFacts]]:
        """``docs`` maps paragraph index -> parsed spaCy Doc (only candidate paragraphs).

        Without a ``judge`` the rules decide. With one, the rules still read every sentence
        (their context never depends on the judge, so that the facts the judge is trained on
        are the facts it sees), and the judge says which events each sentence carries."""
        if sent_matches is None:
            sent_matches = [self.res.gazetteer.find(
                self.text, s.start, s.end, self.article.paragraphs[s.paragraph].language)
                for s in sentences]
        # First pass: every assessor named anywhere in the article (a report is often named
        # after the claims it makes).
        all_assessors: list[Mention] = []
        for matches in sent_matches:
            for m in matches:
                mn = self.mention_from_match(m)
                if mn and mn.source_kind in ("intelligence", "analyst") and mn.kind != "media":
                    all_assessors.append(mn)
        events: list[Event] = []
        facts: list[SentenceFacts] = []
        for i, (sent, matches) in enumerate(zip(sentences, sent_matches, strict=True)):
            doc = docs.get(sent.paragraph)
            mentions = [mn for m in matches if (mn := self.mention_from_match(m))]
            self.lang = self.article.paragraphs[sent.paragraph].language or self.article.language
            self.lex = self.kb.lexicons[self.lang]
            cues = sent_cues[i] if sent_cues is not None else \
                find_cues(fold(self.text[sent.start : sent.end]), self.lex)
            self._prepared = False
            ev = None
            if doc is not None:
                ev = self.sentence_event(i, sent, doc, matches, mentions, all_assessors, cues)
            fact = self.facts(i, sent, cues, ev, matches, mentions, doc, all_assessors)
            facts.append(fact)
            if judge is None:
                chosen = [ev] if ev is not None else []
            else:
                chosen = self.judged(judge(fact), ev, i, sent, doc, cues, matches, mentions,
                                     all_assessors)
            events.extend(chosen)
            if chosen:
                self._final_last = (chosen[-1], i)
            if ev is not None:
                self.ctx.last_event = ev
                self.ctx.last_event_sentence = i
                self.ctx.events_so_far += 1
                if ev.type not in ("assessment", "reaction") and ev.actor is not None \
                        and ev.actor.country:
                    self.ctx.signal_sides.add(ev.actor.country)
            self.remember(mentions)
            self.remember_date(sent, ev)
        return events, facts

    def judged(self, decisions: list[tuple[str, float]], ev: Event | None, idx: int,
               sent: Sentence, doc: Any, cues: Cues, matches: list[Match],
               mentions: list[Mention], all_assessors: list[Mention]) -> list[Event]:
        """The events the judge chose, with its confidence: the rules' event when the types
        agree, else one assembled for the judge's type from what the rules read."""
        out = []
        for etype, confidence in decisions:
            if ev is not None and ev.type == etype:
                chosen: Event | None = ev
            elif doc is not None:
                chosen = self.event_as(etype, idx, sent, doc, cues, matches, mentions,
                                       all_assessors)
            else:
                chosen = None
            if chosen is not None:
                out.append(replace(chosen, confidence=confidence))
        return out

    def facts(self, idx: int, sent: Sentence, cues: Cues, ev: Event | None,
              matches: list[Match], mentions: list[Mention], doc: Any,
              all_assessors: list[Mention]) -> SentenceFacts:
        civil = cues.hits.get("civil_nuclear", [])
        explicit = any(not _inside(h, civil) for h in cues.hits.get("nuclear", []))
        weapons = self.weapons_in(matches)
        capable = any(w.nuclear_capable for _, w in weapons)
        speaker = None
        if doc is not None and self.prepare(idx, sent, doc, cues, matches, mentions,
                                            all_assessors):
            speaker = self._speaker
        last = self.ctx.last_event
        signaller = speaker is not None and last is not None and last.actor is not None and \
            last.type not in ("assessment", "reaction") and \
            speaker.entity.country is not None and speaker.entity.country == last.actor.country
        years = [int(y) for y in re.findall(r"\b(?:19|20)\d\d\b", cues.folded)]
        parties = {mn.entity.id or mn.entity.name for mn in mentions if mn.kind != "adjective"}
        return SentenceFacts(
            index=idx, start=sent.start, end=sent.end, language=self.lang,
            cues=frozenset(cues.hits), rule_type=ev.type if ev is not None else None,
            explicit=explicit, capable=capable, conventional=bool(weapons) and not capable,
            inherited=self._inherited if ev is not None else False,
            speaker_kind=speaker.source_kind if speaker is not None else None,
            speaker_is_signaller=signaller, parties=len(parties),
            since_rule_event=min(10, idx - self.ctx.last_event_sentence),
            last_rule_type=last.type if last is not None else None,
            historical=self.historical or bool(years and max(years) < HISTORY_BEFORE),
            quoted=bool(QUOTE_RE.search(self.text[sent.start : sent.end])))

    # ---- one sentence ---------------------------------------------------------------
    def prepare(self, idx: int, sent: Sentence, doc: Any, cues: Cues, matches: list[Match],
                mentions: list[Mention], all_assessors: list[Mention]) -> bool:
        """Read the sentence's tokens and speaker once (False when it has no tokens)."""
        if self._prepared:
            return self._tokens_found
        self._prepared = True
        off = self._para_offset(doc)
        tokens = [t for t in doc if sent.start <= t.idx + off < sent.end]
        self._tokens_found = bool(tokens)
        if not tokens:
            return False
        self._speech_verb = None
        speech = cues.hits.get("speech", []) + cues.hits.get("belief", [])
        self._speech_tokens = {t.i for t in tokens if t.pos_ in ("VERB", "AUX") and any(
            a <= t.idx + off - sent.start < b for a, b in speech)}
        self._speaker, self._speech_cue = self.find_speaker(doc, tokens, cues, sent, mentions,
                                                            all_assessors)
        self._mentions = mentions
        self._matches = matches
        self._tokens = tokens
        self._offset = off
        self._sentence_index = idx
        self._sentence_start = sent.start
        self._modifiers = self.modifier_spans(tokens, sent, off)
        self._conditions = cues.hits.get("conditional", [])
        self._all_assessors = all_assessors
        return True

    def doer_at(self, span: tuple[int, int] | None, sent: Sentence) -> Mention | None:
        return self.doer_of(span, sent, self._tokens, self._offset, self._mentions,
                            self._all_assessors)

    def sentence_event(self, idx: int, sent: Sentence, doc: Any, matches: list[Match],
                       mentions: list[Mention], all_assessors: list[Mention],
                       cues: Cues) -> Event | None:
        s0, s1 = sent.start, sent.end
        stext = self.text[s0:s1]
        civil = cues.hits.get("civil_nuclear", [])
        nuclear_words = [h for h in cues.hits.get("nuclear", []) if not _inside(h, civil)]
        last = self.ctx.last_event
        self._weapon_before = None
        self._inherited = False
        if not nuclear_words and last is not None and last.weapon is not None and \
                idx - self.ctx.last_event_sentence <= ANAPHOR_WINDOW:
            # "il n'hésiterait pas à employer ces armes": the weapons named just before
            nuclear_words = cues.hits.get("weapon_anaphor", [])
            if nuclear_words:
                self._weapon_before = last.weapon
        weapons = self.weapons_in(matches)
        capable = [w for w in weapons if w[1].nuclear_capable]
        if self.historical or (cues.has("history") and not cues.has("speech")):
            return None
        years = [int(y) for y in re.findall(r"\b(?:19|20)\d\d\b", stext)]
        if years and max(years) < HISTORY_BEFORE and not cues.has("speech"):
            return None   # "in 1962, Moscow ..." is history, not a signal
        inherited = not nuclear_words and not capable and \
            self.inherits_context(idx, cues, mentions)
        self._inherited = inherited
        if not nuclear_words and not capable and not inherited:
            return None
        if weapons and not capable and not nuclear_words:
            return None  # a conventional system only: not a nuclear signal
        if not self.prepare(idx, sent, doc, cues, matches, mentions, all_assessors):
            return None
        speaker, speech_cue = self._speaker, self._speech_cue

        def doer_of(span: tuple[int, int] | None) -> Mention | None:
            return self.doer_at(span, sent)

        etype, trigger = self.choose_type(cues, nuclear_words, capable, speaker, inherited,
                                          doer_of)
        if etype is None:
            return None
        actor = self.choose_actor(etype, speaker, doer_of(trigger), sent, mentions,
                                  all_assessors)
        if etype == "threat" and speaker is None and cues.has("hedge"):
            etype = "assessment"   # "X could use nuclear weapons", no one speaking: a judgment
            actor = None
        if actor is None and not mentions and not capable:
            return None   # no state, body or weapon system anywhere: a metaphor, not a signal
        modality = self.modality(cues, self._modifiers, trigger)
        return self.build_event(etype, trigger, sent, stext, cues, matches, mentions, actor,
                                speaker, speech_cue, modality, bool(nuclear_words), inherited)

    def event_as(self, etype: str, idx: int, sent: Sentence, doc: Any, cues: Cues,
                 matches: list[Match], mentions: list[Mention],
                 all_assessors: list[Mention]) -> Event | None:
        """An event of a type the rules did not choose (the judge's), its fields read by the
        same means. A sentence that names no one continues the signal told just before: its
        actor is that signal's (\"the crews practised receiving special munitions\")."""
        if not self.prepare(idx, sent, doc, cues, matches, mentions, all_assessors):
            return None
        stext = self.text[sent.start : sent.end]
        speaker, speech_cue = self._speaker, self._speech_cue
        spans = cues.hits.get("trigger:" + etype, [])
        trigger = max(spans, key=lambda sp: sp[1] - sp[0]) if spans else None
        actor = self.choose_actor(etype, speaker, self.doer_at(trigger, sent), sent, mentions,
                                  all_assessors)
        civil = cues.hits.get("civil_nuclear", [])
        explicit = any(not _inside(h, civil) for h in cues.hits.get("nuclear", []))
        modality = self.modality(cues, self._modifiers, trigger)
        return self.build_event(etype, trigger, sent, stext, cues, matches, mentions, actor,
                                speaker, speech_cue, modality, explicit, not explicit)

    def _para_offset(self, doc: Any) -> int:
        return int(doc.user_data.get("offset", 0))

    def weapons_in(self, matches: list[Match]) -> list[tuple[Match, Any]]:
        out = []
        for m in matches:
            ref = m.first("weapon")
            if ref is not None and ref.id in self.kb.weapon_by_id:
                out.append((m, self.kb.weapon_by_id[ref.id]))
        return out

    def inherits_context(self, idx: int, cues: Cues, mentions: list[Mention]) -> bool:
        """Does a sentence without a nuclear word continue the signal of a sentence just
        before? Reactions and judgments that refer back to it, and further steps of the same
        kind of event ("the law was signed on 2 November")."""
        last = self.ctx.last_event
        if last is None:
            return False
        gap = idx - self.ctx.last_event_sentence
        names_actor = any(last.actor is not None and mn.entity.id == last.actor.id
                          for mn in mentions)
        names_side = any(last.actor is not None and mn.entity.country == last.actor.country
                         for mn in mentions if mn.kind != "adjective")
        if cues.has("trigger:" + last.type) and gap <= 2 and last.type in PHYSICAL and (
                last.type not in ("deployment", "exercise")
                or self.points_back(cues, "trigger:" + last.type)):
            # "the law was signed on 2 November", "ces exercices avaient été annoncés le 6
            # mai": the same procedure or the same drills go on
            return True
        if gap <= 1 and last.type in ("exercise", "test", "threat") and \
                cues.has("trigger:" + last.type) and (names_actor or cues.has("speech")):
            # "the exercises were ordered by Putin earlier this month"; "there would be no
            # other way out, he wrote"
            return True
        if cues.has("reaction") and (gap == 1 or (gap <= INHERIT_WINDOW and (
                cues.has("signal_reference") or names_side))):
            return True
        judging = cues.has("assessment") or cues.has("belief")
        assessor_named = any(mn.source_kind in ("intelligence", "analyst") for mn in mentions)
        # naming the author of a signal (not of an earlier judgment) refers back to it
        names_signaller = names_actor and last.type not in ("assessment", "reaction")
        if gap <= 2 and (judging or assessor_named) and (
                cues.has("signal_reference") or names_signaller):
            return True
        # a judgment voiced right after the signal ("they believe the drills do not mean...")
        if gap <= 1 and judging and (cues.has("speech") or cues.has("source_cue")
                                     or cues.has("assessor_group")):
            return True
        # in a story already about a nuclear signal, a sourced statement that names a type
        # of signal or judges one continues it ("the drills were ordered by Putin")
        triggered = any(k.startswith("trigger:") for k in cues.hits)
        sourced = cues.has("speech") or cues.has("source_cue")
        return gap <= STORY_WINDOW and sourced and (triggered or judging) and \
            self.ctx.events_so_far >= 2

    # ---- speaker --------------------------------------------------------------------
    def find_speaker(self, doc: Any, tokens: list[Any], cues: Cues, sent: Sentence,
                     mentions: list[Mention], all_assessors: list[Mention]
                     ) -> tuple[Mention | None, str | None]:
        s0 = sent.start
        off = self._para_offset(doc)
        # "according to X" / "selon X": the source follows the cue.
        for a, b in cues.hits.get("speech", []):
            if "-t-" in cues.folded[a:b] and self.ctx.persons:
                # "..., a-t-il écrit": the inverted pronoun points to the person named before
                return self.ctx.persons[-1], self.text[s0 + a : s0 + b]
        for cs, ce in cues.hits.get("source_cue", []):
            cue_text = self.text[s0 + cs : s0 + ce].strip()
            group = cues.first("assessor_group")
            if group and cs <= group[0] <= ce + 20:
                resolved = self.nearest_assessor(s0, all_assessors)
                if resolved:
                    return resolved, cue_text
            following = cues.folded[ce : ce + 7].split(",")[0].strip()
            if self.is_word("pronoun_plural", following):
                if self.ctx.assessors:   # "selon eux": the analysts named before
                    return self.ctx.assessors[-1], cue_text
            elif self.is_word("pronoun", following) and self.ctx.persons:
                return self.ctx.persons[-1], cue_text   # "selon lui", "according to him"
            after = [mn for mn in mentions if s0 + ce <= mn.start <= s0 + ce + 80]
            if after and after[0].kind in ("country", "adjective") and self.has_word(
                    "assessor_group", cues.folded[cs : after[0].end - s0]):
                service = self.intelligence_of(after[0])   # "according to Ukrainian intelligence"
                if service is not None:
                    return service, cue_text
            after = [mn for mn in after if mn.kind != "adjective"]
            if after:
                return after[0], cue_text
            named = self.person_after(doc, s0 + ce, group is not None)
            if named is not None:
                return named, cue_text
            if self.has_word("role_head", cues.folded[ce : ce + 25]) and self.ctx.persons:
                return self.ctx.persons[-1], cue_text   # "according to the president"
        # Belief verbs ("ISW is convinced that") introduce a speaker as speech verbs do.
        speech_spans = cues.hits.get("speech", []) + cues.hits.get("belief", [])
        if not doc.has_annotation("DEP"):
            return self.speaker_by_order(speech_spans, cues, sent, mentions)
        for t in tokens:
            tstart = t.idx + off - s0
            if t.pos_ not in ("VERB", "AUX") or not any(
                    a <= tstart < b for a, b in speech_spans):
                continue
            verb = t if t.pos_ == "VERB" else t.head
            subjects = self.subjects_of(verb)
            post = None if subjects else self.postposed_speaker(verb)
            if post is not None:
                subjects.append(post)
            found = [m for subj in subjects
                     if (m := self.np_mention(subj, off, mentions, all_assessors))]
            if found:
                # "the secretary of the council, John Doe, said": the person, not the body
                persons = [m for m in found if m.kind in ("person", "title")]
                self._speech_verb = verb
                return (persons or found)[0], verb.text
        # A subject that is an intelligence service / analyst group, whatever the verb.
        group = cues.first("assessor_group")
        if group is not None and group[0] < 30:
            resolved = self.nearest_assessor(s0, all_assessors)
            if resolved:
                return resolved, None
        return None, None

    @classmethod
    def subject_of(cls, verb: Any) -> Any | None:
        subjects = cls.subjects_of(verb)
        return subjects[0] if subjects else None

    @staticmethod
    def subjects_of(verb: Any) -> list[Any]:
        """Subjects of a verb, or of the verb it depends on for participles and
        infinitives ("..., affirmant que" takes the subject of the main verb)."""
        for tok in (verb, verb.head):
            found = [c for c in tok.children   # not expletives: "il s'agit de"
                     if c.dep_ in ("nsubj", "nsubj:pass", "nsubjpass")]
            if found:
                return found
            if tok.dep_ not in ("advcl", "xcomp", "conj", "acl"):
                break
        return []

    def display_name(self, text: str) -> str:
        """Canonical form of a name the knowledge base does not know (Latin nominative)."""
        if self.lang in ("uk", "ru"):
            from .slavic import person_name

            return person_name(text, self.lang)
        return text

    def intelligence_of(self, country: Mention) -> Mention | None:
        """'British intelligence', 'розвідка України': the country's intelligence service
        (the generic one when the knowledge base has it)."""
        services = [a for a in self.kb.actors
                    if a.kind == "intelligence" and a.country == country.entity.country]
        if not services:
            return None
        best = min(services, key=lambda a: ("intelligence" not in a.name.lower(), len(a.name)))
        return Mention(country.start, country.end, Entity(best.name, best.country, best.id),
                       "intelligence", "intelligence")

    def person_after(self, doc: Any, pos: int, assessor: bool) -> Mention | None:
        """A person the knowledge base does not know, named by NER right after ``pos``."""
        off = self._para_offset(doc)
        for e in doc.ents:
            start = e.start_char + off
            if e.label_ in ("PER", "PERSON") and pos <= start <= pos + 60:
                kind = "analyst" if assessor else "official"
                return Mention(start, e.end_char + off,
                               Entity(self.display_name(e.text), None, None), "person", kind)
        return None

    def speaker_by_order(self, speech_spans: list[tuple[int, int]], cues: Cues, sent: Sentence,
                         mentions: list[Mention]) -> tuple[Mention | None, str | None]:
        """Without a parser (Ukrainian): the entity closest before the speech verb in its
        clause, else the one right after it ("— заявив Шойгу"), else a pronoun's referent."""
        s0 = sent.start
        for a, b in speech_spans:
            clause_start = self.clause_start(cues.folded, a)
            before = [mn for mn in mentions if s0 + clause_start <= mn.start and mn.end <= s0 + a
                      and mn.kind != "adjective"]
            if before:
                persons = [mn for mn in before if mn.kind in ("person", "title")]
                return (persons or before)[-1], self.text[s0 + a : s0 + b]
            after = [mn for mn in mentions if s0 + b <= mn.start <= s0 + b + 25
                     and mn.kind != "adjective"]
            if after:
                return after[0], self.text[s0 + a : s0 + b]
            if self.has_word("pronoun", cues.folded[max(clause_start, a - 15) : a]) \
                    and self.ctx.persons:
                return self.ctx.persons[-1], self.text[s0 + a : s0 + b]
        return None, None

    def clause_start(self, folded: str, pos: int) -> int:
        """Start of the clause holding ``pos``: after the last complementiser or colon."""
        pat = self.lex.cue("clause_break")
        found = [m.end() for m in pat.finditer(folded, 0, pos)] if pat else []
        return found[-1] if found else 0

    def doer_by_order(self, span: tuple[int, int], sent: Sentence,
                      mentions: list[Mention]) -> Mention | None:
        """Without a parser: the state, body or group named last before the trigger, in the
        trigger's clause."""
        folded = fold(self.text[sent.start : sent.end])
        start = sent.start + self.clause_start(folded, span[0])
        before = [mn for mn in mentions if start <= mn.start and mn.end <= sent.start + span[0]]
        for mn in reversed(before):
            if mn.kind != "adjective":
                return mn
            tail = folded[mn.end - sent.start : mn.end - sent.start + 25]
            head = folded[max(0, mn.start - sent.start - 25) : mn.start - sent.start]
            if self.has_word("group_noun", tail) or self.has_word("group_noun", head):
                return Mention(mn.start, mn.end, mn.entity, "group")
        return self.doer_after(span, sent, mentions, folded)

    def doer_after(self, span: tuple[int, int], sent: Sentence, mentions: list[Mention],
                   folded: str) -> Mention | None:
        """Free word order ("рішенням розмістити зброю в Білорусі Кремль узяв …"): the first
        state or body after the trigger in its clause that is not a place ("в Білорусі")."""
        pat = self.lex.cue("clause_break")
        nxt = pat.search(folded, span[1]) if pat else None
        end = sent.start + (nxt.start() if nxt else len(folded))
        place = self.lex.cue("locative")
        for mn in mentions:
            if not (sent.start + span[1] <= mn.start and mn.end <= end) or \
                    mn.kind == "adjective":
                continue
            if place is not None and place.search(folded[: mn.start - sent.start]):
                continue
            return mn
        return None

    @staticmethod
    def postposed_speaker(verb: Any) -> Any | None:
        """'« ... », a déclaré Litvinenko': the parser often takes the speaker after the
        verb for an object; a proper noun right after a speech verb is its speaker."""
        for c in verb.children:
            if c.i > verb.i and c.i - verb.i <= 3 and c.pos_ == "PROPN":
                return c
        return None

    def np_mention(self, head: Any, off: int, mentions: list[Mention],
                   all_assessors: list[Mention]) -> Mention | None:
        """The entity a noun phrase names. The mention returned spans the whole phrase, so
        that appositions ("X, secretary of the Council of Y") count as the same party."""
        left = head.left_edge.idx + off
        right = head.right_edge.idx + len(head.right_edge.text) + off
        # overlap, not inclusion: a parser may split "Vladimir Poutine" into two subjects
        inside = [mn for mn in mentions if mn.start < right and left < mn.end]
        word = fold(head.text)
        np_folded = fold(self.text[left:right])
        head_span = (head.idx + off, head.idx + off + len(head.text))

        def whole(mn: Mention, kind: str | None = None) -> Mention:
            return Mention(left, right, mn.entity, kind or mn.kind, mn.source_kind)

        if inside and all(mn.kind in ("adjective", "country") for mn in inside) and \
                self.has_word("assessor_group", np_folded):
            service = self.intelligence_of(inside[0])
            if service is not None:
                return whole(service)
        if not inside or all(mn.kind == "adjective" for mn in inside):
            person = self.unknown_person(head, off)
            if person is not None:
                return Mention(person.start, person.end, Entity(
                    person.entity.name, inside[0].entity.country if inside else None), "person")
            if inside and (self.is_word("org_head", word) or self.is_word("org_head", head.lemma_)
                           or self.is_word("group_noun", word)):
                # "le ministère français des Affaires étrangères": the state speaks
                return whole(inside[0], "state_body")
        official = self.is_word("role_head", word) or self.is_word("official_noun", word)
        if inside and official and self.unknown_person(head, off) is None and \
                all(mn.kind in ("country", "adjective") for mn in inside):
            # "a NATO official", "a senior US defence official": that side speaks, unnamed
            return whole(inside[0], "state_body")
        if inside and head.pos_ == "PROPN" and all(mn.kind in ("country", "adjective")
                                                   for mn in inside) \
                and self.unknown_person(head, off) is None:
            # "South Korea's Joint Chiefs of Staff": a body of that state
            return whole(inside[0], "state_body")
        if not inside:
            crews = self.weapon_crews(head, left, right)
            if crews is not None:
                return crews
            if self.is_word("head_of_state", np_folded.strip()):
                leader = self.leader_before()
                if leader is not None:   # "the head of state also ordered …": Putin
                    return whole(leader)
            if self.is_word("org_head", word):
                named = self.named_before(word)
                if named is not None:   # "le ministère" after "le ministère russe de la Défense"
                    return whole(named)
            if self.is_word("role_head", word) or self.is_word("org_head", word):
                # "a department spokesman said": an official the article does not name
                return Mention(left, right, Entity(" ".join(self.text[left:right].split()),
                                                   None, None), "anonymous", "official")
            if self.is_word("pronoun", word):   # "he", not "anyone"
                teller = self.reporting_subject(head, off)
                if teller is not None:   # "Moscou assure qu'elle ne procédera à aucun essai"
                    return whole(teller)
                before = [mn for mn in self._mentions if mn.kind in ("person", "title")
                          and mn.end <= left]
                if before:   # "Biden said Putin was not joking when he talked about..."
                    return whole(before[-1])
                return whole(self.ctx.persons[-1]) if self.ctx.persons else None
            if self.has_word("assessor_group", np_folded):
                found = self.nearest_assessor(left, all_assessors)
                return whole(found) if found else None
            return self.unknown_person(head, off)
        if self.is_word("assessor_group", word) or self.has_word("assessor_group",
                                                                  np_folded[:25]):
            # "les experts du Centre ..." speak as analysts, whatever body employs them
            base = next((mn for mn in inside if mn.kind not in ("adjective",)), inside[0])
            return Mention(left, right, base.entity, base.kind, "analyst")
        persons = [mn for mn in inside if mn.kind in ("person", "title")]
        if persons:
            return whole(persons[0])
        orgs = [mn for mn in inside if mn.kind not in ("country", "adjective")]
        if orgs:
            org = orgs[0]
            if self.is_word("role_head", word) or self.is_word("role_head", head.lemma_):
                holder = self.role_holder(org)
                if holder is not None:
                    return whole(holder)
            return whole(org)
        # A country names the doer only as the head ("la Russie a remis") or with a group
        # noun ("les troupes biélorusses"), not inside "la construction ... au Bélarus".
        on_head = [mn for mn in inside if _overlaps((mn.start, mn.end), head_span)]
        if on_head:
            return whole(on_head[0], "country")
        if self.is_word("group_noun", word) or self.is_word("group_noun", head.lemma_):
            return whole(inside[0], "group")
        return None

    def weapon_crews(self, head: Any, left: int, right: int) -> Mention | None:
        """'the MiG-31 crews': a group named by the system it operates -> its country."""
        if not (self.is_word("group_noun", head.text) or self.is_word("group_noun", head.lemma_)):
            return None
        for m in self._matches:
            ref = m.first("weapon")
            if ref is None or not (left <= m.start < right):
                continue
            w = self.kb.weapon_by_id.get(ref.id)
            if w is not None and w.country and not w.generic:
                name = self.kb.country_name(w.country) or w.country
                return Mention(left, right, Entity(name, w.country, w.country), "crews")
        return None

    def unknown_person(self, head: Any, off: int) -> Mention | None:
        """A person the knowledge base does not know, named inside the phrase (spaCy NER)."""
        left, right = head.left_edge.i, head.right_edge.i
        ent = next((e for e in head.doc.ents if left <= e.start and e.end <= right + 1
                    and e.label_ in ("PER", "PERSON")
                    and not any(m.first("weapon", "place", "country")
                                for m in self.res.gazetteer.find(e.text))), None)
        if ent is None:
            return None
        return Mention(head.left_edge.idx + off, head.right_edge.idx + off
                       + len(head.right_edge.text), Entity(self.display_name(ent.text), None,
                                                           None), "person")

    def role_holder(self, org: Mention) -> Mention | None:
        """'the head of the ministry' -> the person named before who holds a role there."""
        for mn in reversed(self.ctx.persons):
            a = self.kb.actor(mn.entity.id or "")
            if a is None:
                continue
            if any(r.org == org.entity.id for r in a.roles):
                return mn
        for mn in reversed(self.ctx.persons[-3:]):
            if mn.entity.country == org.entity.country:
                return mn
        return None

    def nearest_assessor(self, pos: int, all_assessors: list[Mention]) -> Mention | None:
        if not all_assessors:
            return None
        return min(all_assessors, key=lambda mn: abs(mn.start - pos))

    # ---- type -----------------------------------------------------------------------
    def choose_type(self, cues: Cues, nuclear_words: list[tuple[int, int]],
                    capable: list[tuple[Match, Any]], speaker: Mention | None,
                    inherited: bool, doer_of: Any) -> tuple[str | None, tuple[int, int] | None]:
        s0 = self._sentence_start   # weapon matches are absolute; cue spans sentence-relative
        anchors = nuclear_words + [(m.start - s0, m.end - s0) for m, _ in capable]
        found = {k.split(":", 1)[1]: v for k, v in cues.hits.items() if k.startswith("trigger:")}
        launches = cues.hits.get("launch", [])
        strategic = any(STRATEGIC.search(w.category) for _, w in capable)
        if "test" in found and not nuclear_words and not strategic:
            # a dual-capable missile fired in combat is not a test unless called one
            found["test"] = [t for t in found["test"] if not any(_overlaps(t, x)
                                                                 for x in launches)]
        if cues.has("reaction"):
            # "dismissed the threats as blackmail", "called the new doctrine blackmail":
            # a trigger that names the signal reacted to is not a new signal
            refs = cues.hits.get("signal_reference", [])
            found = {k: [t for t in v if not any(_overlaps(t, r) and not _contains(t, r)
                                                 for r in refs)]
                     for k, v in found.items()}
        found = _longest_triggers({k: v for k, v in found.items() if v})
        if not nuclear_words:
            keep = set(WEAPON_ONLY_TYPES) if capable else set()
            if inherited and self.ctx.last_event is not None:
                # inside a nuclear story every kind of step counts, not only the last one's
                keep |= set(PHYSICAL) - {"deployment", "exercise"}
                keep.add(self.ctx.last_event.type)
            found = {k: v for k, v in found.items() if k in keep}
        assessor = speaker is not None and speaker.source_kind in ("intelligence", "analyst") \
            and speaker.kind != "media"
        # a judging word inside a trigger phrase ("… with aggressive rhetoric to think twice")
        # is part of that phrase, not a judgment
        trigger_spans = [t for v in found.values() for t in v]
        characterising = any(not _inside(h, trigger_spans)
                             for h in cues.hits.get("assessment", []))
        believing = cues.has("belief")
        physical = sorted(((t, *self._nearest(found[t], anchors, cues.folded)) for t in PHYSICAL
                           if t in found), key=lambda x: x[2] + self._modifier_penalty(x[1]))
        # a trigger far from any nuclear term describes something else in the sentence
        physical = [p for p in physical if p[2] <= MAX_ANCHOR_DISTANCE or not anchors
                    or p[0] not in WEAPON_ONLY_TYPES]
        threat = self._nearest(found["threat"], anchors, cues.folded) if "threat" in found \
            else None
        judgment = cues.first("assessment") or cues.first("belief") or (0, 0)
        main = physical[0][1] if physical else threat[0] if threat else None
        doer = doer_of(main) if main is not None else None
        other_party = speaker is not None and any(
            mn.entity.country and mn.entity.country != speaker.entity.country
            and mn.kind != "adjective"   # "Belarusian aircraft" describes, it does not act
            and not _overlaps((mn.start, mn.end), (speaker.start, speaker.end))
            for mn in self._mentions)
        own_response = main is not None and any(
            _overlaps(main, r) for r in cues.hits.get("own_response", []))
        if own_response:
            other_side = False   # "grounds for a nuclear response": the speaker's side's
        elif doer is not None and speaker is not None:
            other_side = bool(doer.entity.country and speaker.entity.country
                              and doer.entity.country != speaker.entity.country
                              and not _overlaps((doer.start, doer.end),
                                                (speaker.start, speaker.end)))
        else:
            # no doer found: another party named counts only in a judgment ("X is not
            # joking"); a threat names its target as a matter of course
            other_side = other_party and (characterising or believing or cues.has("hedge"))
        # A reaction answers an actual signal: one referred to, the one just before, or a
        # party named -- but "outrage at the possibility that X might use" is a judgment.
        reacting = cues.has("reaction") and (cues.has("signal_reference") or inherited
                                             or bool(physical)
                                             or (other_party and "threat" not in found))
        if cues.has("warning") and speaker is not None and not assessor and other_party:
            return "reaction", cues.first("warning")   # "warned Moscow of the consequences"
        if reacting and speaker is not None and self.justifies_own_signal(speaker):
            reacting = False   # Putin explaining his own order by NATO's "aggressive statements"
        if reacting and speaker is not None and not assessor and (
                other_side or not (physical or threat) or inherited):
            # one side answering another's signal (not a side describing its own move)
            return "reaction", cues.first("reaction")
        if assessor:
            if physical and not (characterising or believing or cues.has("hedge")):
                return physical[0][0], physical[0][1]
            return "assessment", judgment
        if characterising and speaker is None:
            subject = self.verb_subject(judgment) if judgment != (0, 0) else None
            if subject is not None and subject.source_kind == "official" and \
                    subject.kind in ("person", "title") and not believing:
                # "Medvedev resorted to nuclear blackmail again": the writer names the signal
                return "threat", judgment
            return "assessment", judgment      # the writer (or a report) characterises a signal
        if characterising and not physical and not threat and other_party and \
                cues.has("signal_reference") and not cues.has("belief") and \
                speaker is not None and speaker.kind not in ("media",):
            # an official characterising another side's words answers them
            return "reaction", cues.first("signal_reference")
        if other_side and (characterising or believing or (threat and not physical)):
            return "assessment", judgment      # one side judging the other's signal
        if characterising and not physical and not threat and speaker is not None:
            return "assessment", judgment
        if inherited and not nuclear_words and not capable:
            last = self.ctx.last_event
            if last is not None and last.type in found and last.type in PHYSICAL:
                return last.type, found[last.type][0]   # the same story goes on
            if physical:
                return physical[0][0], physical[0][1]   # a further step of the story
            if last is not None and last.type == "threat" and "threat" in found and \
                    speaker is not None and self.justifies_own_signal(speaker):
                return "threat", found["threat"][0]   # the same side's threat goes on
            if speaker is None:
                # "Defence analysts said the move was symbolic": an unnamed assessor
                return ("assessment", judgment) if cues.has("assessor_group") else (None, None)
            if self.justifies_own_signal(speaker):
                return None, None   # the signaller explaining itself adds no new signal
            return ("reaction", cues.first("reaction")) if cues.has("reaction") else \
                ("assessment", judgment)
        last = self.ctx.last_event
        if physical and physical[0][0] == "test" and last is not None and \
                last.type == "exercise" and self._recent(2) and \
                any(_overlaps(physical[0][1], x) for x in launches):
            return "exercise", physical[0][1]   # launches during drills are the drills
        if physical and physical[0][0] == "deployment" and last is not None and \
                last.type == "exercise" and self._recent(1) and not nuclear_words[1:]:
            return "exercise", physical[0][1]   # moving launchers is what the drill rehearses
        if physical:
            t, span, dist = physical[0]
            if threat and threat[1] < dist and t not in ("test", "exercise"):
                return "threat", threat[0]
            return t, span
        if threat:
            return "threat", threat[0]
        if believing and speaker is not None:
            return "assessment", judgment
        return None, None

    def _recent(self, gap: int) -> bool:
        return self._sentence_index - self.ctx.last_event_sentence <= gap

    def _modifier_penalty(self, span: tuple[int, int]) -> float:
        """'les systèmes déjà livrés': a participle describing a noun is background, not the
        event the sentence reports."""
        return MODIFIER_PENALTY if any(_overlaps(span, m) for m in self._modifiers) else 0.0

    @staticmethod
    def _nearest(spans: list[tuple[int, int]], anchors: list[tuple[int, int]],
                 stext: str = "") -> tuple[tuple[int, int], float]:
        """The trigger closest to a nuclear term; a longer (more specific) phrase counts as
        closer: "special regime of combat duty" beats a bare "placed" (per extra word)."""
        best = spans[0]
        best_d = float(10**6)
        for s in spans:
            for a in anchors or [(0, 0)]:
                words = len(WORD.findall(stext[s[0] : s[1]])) if stext else 1
                d = max(0, max(a[0], s[0]) - min(a[1], s[1])) - SPECIFICITY * (words - 1)
                if d < best_d:
                    best, best_d = s, d
        return best, best_d

    # ---- actor ----------------------------------------------------------------------
    def doer_of(self, span: tuple[int, int] | None, sent: Sentence, tokens: list[Any],
                off: int, mentions: list[Mention], all_assessors: list[Mention]
                ) -> Mention | None:
        """Who does what the trigger at ``span`` (sentence-relative) names: the subject of
        the nearest governing verb that has one."""
        if span is None:
            return None
        if not tokens or not tokens[0].doc.has_annotation("DEP"):
            return self.doer_by_order(span, sent, mentions)
        tpos = sent.start + span[0]
        tok = next((t for t in tokens if t.idx + off <= tpos < t.idx + off + len(t) + 1), None)
        for _ in range(6):
            if tok is None or tok is self._speech_verb or tok.i in self._speech_tokens:
                return None   # the reported clause ends here: its doer was not named
            if tok.pos_ == "NOUN":
                # "the raised alert of Russia's forces", "la décision de la Russie de placer"
                for c in self.owners(tok):
                    found = self.np_mention(c, off, mentions, all_assessors)
                    if found is not None:
                        return found
            subj = self.subject_of(tok)
            if subj is not None:
                if self.in_later_condition(span[0], subj.idx + off - sent.start):
                    return None   # "ready to test if the US does": the US only sets the condition
                found = self.np_mention(subj, off, mentions, all_assessors)
                if found is not None:
                    return found
            if tok.head is tok:
                return None
            tok = tok.head
        return None

    def reporting_subject(self, pronoun: Any, off: int) -> Mention | None:
        """"X says that he/she/it …": the subject of the verb whose complement clause the
        pronoun opens is who the pronoun stands for, person or state."""
        clause = pronoun.head
        if pronoun.dep_ not in ("nsubj", "nsubj:pass") or clause.dep_ != "ccomp":
            return None
        subj = self.subject_of(clause.head)
        if subj is None or subj.i > pronoun.i or self.is_word("pronoun", fold(subj.text)):
            return None
        return next((mn for mn in self._mentions if mn.kind != "adjective"
                     and mn.start <= subj.idx + off < mn.end), None)

    def points_back(self, cues: Cues, name: str) -> bool:
        """Is one of the cue's words introduced by a demonstrative ("these drills", "the
        first stage of the drills", "ces exercices")?"""
        for a, _ in cues.hits.get(name, []):
            before = cues.folded[max(0, a - 30):a].split()
            if before and self.is_word("demonstrative", before[-1]):
                return True
        return False

    def leader_before(self) -> Mention | None:
        """The head of state or government this article named last."""
        for mn in reversed(self.ctx.persons):
            actor = self.kb.actor(mn.entity.id or "")
            if actor is not None and actor.rank(self.ref_date) == "head":
                return mn
        return None

    def named_before(self, word: str) -> Mention | None:
        """The body this article last named with ``word`` in its name ("the ministry")."""
        for mn in reversed(self.ctx.actors):
            if mn.kind not in ("country", "adjective") and \
                    re.search(rf"\b{re.escape(word)}\b", fold(self.text[mn.start:mn.end])):
                return mn
        return None

    def justifies_own_signal(self, speaker: Mention) -> bool:
        """Is the speaker the author (or the author's side) of the signal just before?"""
        last = self.ctx.last_event
        if last is None or last.actor is None or last.type in ("assessment", "reaction"):
            return False
        same = speaker.entity.id is not None and speaker.entity.id == last.actor.id
        own = same or bool(speaker.entity.country
                           and speaker.entity.country == last.actor.country)
        # "it was not appropriate for Putin to say": another signaller named is answered
        answered = any(mn.entity.country and mn.entity.country != speaker.entity.country
                       and mn.entity.country in self.ctx.signal_sides
                       for mn in self._mentions if mn.kind != "adjective")
        return own and not answered

    def in_later_condition(self, trigger: int, subject: int) -> bool:
        """Is there an "if"/"если"/"tant que" between the trigger and the subject after it?"""
        return any(trigger < c[0] < subject for c in self._conditions)

    def verb_subject(self, span: tuple[int, int]) -> Mention | None:
        """Subject of the verb that governs the words at ``span`` (not their owner)."""
        tokens, off = self._tokens, self._offset
        tpos = self._sentence_start + span[0]
        tok = next((t for t in tokens if t.idx + off <= tpos < t.idx + off + len(t) + 1), None)
        for _ in range(6):
            if tok is None or not tok.doc.has_annotation("DEP"):
                return None
            if tok.pos_ in ("VERB", "AUX"):
                subj = self.subject_of(tok)
                if subj is None or subj.pos_ not in ("PROPN", "PRON"):
                    return None   # "the activation of X's rhetoric coincides": not X
                return self.np_mention(subj, off, self._mentions, [])
            if tok.head is tok:
                return None
            tok = tok.head
        return None

    @staticmethod
    def owners(noun: Any) -> list[Any]:
        """Possessors of a noun: "Russia's forces", "the alert of X", "la décision de X"."""
        out = []
        for c in noun.children:
            if c.dep_ in ("nmod", "poss", "nmod:poss"):
                cases = {fold(g.text) for g in c.children if g.dep_ == "case"}
                if cases & LOCATIVE_CASES:
                    continue   # "placement in Belarus": where, not whose
                if any(g.dep_ == "mark" for g in c.children) or (
                        c.dep_ == "nmod" and not cases and noun.doc.lang_ in UNINFLECTED):
                    continue   # "un essai si les États-Unis …": a misparsed clause, not whose
                out.append(c)
            elif c.dep_ == "prep" and c.lower_ in ("of", "by"):
                out.extend(g for g in c.children if g.dep_ == "pobj")
        return out

    def choose_actor(self, etype: str, speaker: Mention | None, doer: Mention | None,
                     sent: Sentence, mentions: list[Mention],
                     all_assessors: list[Mention]) -> Mention | None:
        if etype in SPEECH_TYPES:
            if speaker is not None:
                return speaker
            if etype == "assessment":
                return self.nearest_assessor(sent.start, all_assessors)
        if doer is not None and doer.kind == "crews" and speaker is not None:
            return speaker   # a system's maker is a weak guess at its operator
        return doer or speaker or self.first_actor(mentions)

    @staticmethod
    def first_actor(mentions: list[Mention]) -> Mention | None:
        for mn in mentions:
            if mn.kind not in ("adjective", "country"):
                return mn
        return None

    # ---- modality -------------------------------------------------------------------
    @staticmethod
    def modifier_spans(tokens: list[Any], sent: Sentence, off: int) -> list[tuple[int, int]]:
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

    def modality(self, cues: Cues, modifiers: list[tuple[int, int]] | None = None,
                 trigger: tuple[int, int] | None = None) -> str:
        modifiers = modifiers or []
        near = trigger if trigger and trigger != (0, 0) else None

        def live(name: str) -> bool:
            return any(not any(_overlaps(h, m) for m in modifiers) for h in cues.hits.get(name, []))

        blockers = cues.hits.get("negation_blockers", [])
        # A negation counts in the trigger's neighbourhood only: "X, who never hides it,
        # announced drills" is not a negated exercise.
        negations = [h for h in cues.hits.get("negation", []) if not _inside(h, blockers)
                     and not any(_overlaps(h, b) for b in blockers)
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

    # ---- assembly -------------------------------------------------------------------
    def build_event(self, etype: str, trigger: tuple[int, int] | None, sent: Sentence,
                    stext: str, cues: Cues, matches: list[Match], mentions: list[Mention],
                    actor: Mention | None, speaker: Mention | None, speech_cue: str | None,
                    modality: str, explicit: bool, inherited: bool) -> Event:
        weapon = self.pick_weapon(matches, explicit)
        if actor is None or (actor.kind == "anonymous" and actor.entity.country is None):
            # no one named, or "a spokesman" of no known side: not a name to print
            actor = self.fallback_actor(etype, sent, weapon)
        location = self.pick_location(matches, actor, sent)
        target = self.pick_target(etype, mentions, actor, location)
        last = self.ctx.last_event
        if target is None and inherited and last is not None and last.actor is not None \
                and (actor is None or last.actor.country != actor.entity.country):
            # a reaction to the previous sentence's signal targets its author
            target = Mention(sent.start, sent.start, last.actor, "previous")
        when = self.pick_date(sent, trigger, future=modality == "planned")
        attribution = None
        if speaker is not None:
            attribution = Attribution(speaker.entity.name, speaker.source_kind
                                      if speaker.kind != "unknown" else "official", speech_cue)
        quote = None
        qm = QUOTE_RE.search(stext)
        if qm and len(qm.group(1).split()) >= 4:
            quote = qm.group(1).strip()
        confidence = 0.45 + (0.2 if explicit else 0.0) + (0.15 if actor and actor.entity.id
                                                          else 0.0)
        confidence += 0.1 if trigger and trigger != (0, 0) else 0.0
        confidence -= 0.15 if inherited and not explicit else 0.0
        span = (sent.start, sent.end)
        trig_text = stext[trigger[0] : trigger[1]] if trigger else ""
        return Event(
            event_id=event_id(self.article.content_id, etype, span),
            doc=self.article.doc, content_id=self.article.content_id, type=etype, span=span,
            sentence=stext, actor=actor.entity if actor else None,
            target=target.entity if target else None, weapon=weapon, location=location,
            date=when, modality=modality, attribution=attribution, quote=quote,
            confidence=max(0.05, min(0.95, confidence)), language=self.lang,
            trigger=trig_text,
        )

    def fallback_actor(self, etype: str, sent: Sentence, weapon: Entity | None
                       ) -> Mention | None:
        """Who acts when the sentence names no one: the actor of the event told just before
        when it plays the same part (a signal's details continue the signal; a judgment goes
        on judging), else the state that fields the system named ("a Sarmat was launched")."""
        judging = ("assessment", "reaction")
        previous = self._final_last
        if previous is not None and previous[0].actor is not None and \
                self._sentence_index - previous[1] <= STORY_WINDOW and \
                (previous[0].type in judging) == (etype in judging):
            return Mention(sent.start, sent.start, previous[0].actor, "previous")
        if etype not in judging and weapon is not None and weapon.id is not None:
            system = self.kb.weapon_by_id.get(weapon.id)
            if system is not None and system.country and not system.generic:
                name = self.kb.country_name(system.country) or system.country
                return Mention(sent.start, sent.start,
                               Entity(name, system.country, system.country), "country")
        return None

    def pick_weapon(self, matches: list[Match], explicit: bool) -> Entity | None:
        found = self.weapons_in(matches)
        specific = [w for _, w in found if not w.generic and w.nuclear_capable]
        if specific:
            return Entity(specific[0].name, specific[0].country, specific[0].id)
        generic = [(m, w) for m, w in found if w.generic]
        if generic:
            # the most specific generic term: a longer canonical name says more
            m, g = max(generic, key=lambda mw: len(mw[1].name))
            after = fold(self.text[m.end : m.end + 24])
            if g.id != TACTICAL_ID and TACTICAL.match(after):
                tactical = self.kb.weapon_by_id.get(TACTICAL_ID)
                if tactical is not None:   # "munitions nucléaires tactiques"
                    return Entity(tactical.name, None, tactical.id)
            return Entity(g.name, None, g.id)
        if self._weapon_before is not None:
            return self._weapon_before   # "the new missile": the weapon named just before
        if explicit:
            # "a nuclear strike", "nuclear drills": explicitly nuclear, no system named
            return Entity(GENERIC_WEAPON, None, None)
        return None

    def pick_location(self, matches: list[Match], actor: Mention | None,
                      sent: Sentence) -> Entity | None:
        for m in matches:
            ref = m.first("place")
            if ref is not None and m.first("actor") is None:
                p = self.kb.place_by_id[ref.id]
                return Entity(p.name, p.country, p.id)
        for m in matches:
            ref = m.first("country")
            if ref is None or m.first("actor") is not None:
                continue
            if actor is not None and _overlaps((m.start, m.end), (actor.start, actor.end)):
                continue
            before = fold(self.text[max(sent.start, m.start - 16) : m.start])
            locative = self.lex.cue("locative")
            if locative is not None and locative.search(before):
                return Entity(self.kb.country_name(ref.id) or ref.id, ref.id, ref.id)
        return None

    @staticmethod
    def pick_target(etype: str, mentions: list[Mention], actor: Mention | None,
                    location: Entity | None) -> Mention | None:
        own = actor.entity.country if actor else None
        for mn in mentions:
            if mn.entity.country is None or mn.entity.country == own:
                continue
            if location is not None and mn.entity.id == location.id:
                continue
            if actor is not None and _overlaps((mn.start, mn.end), (actor.start, actor.end)):
                continue
            return mn
        return None

    def sentence_dates(self, sent: Sentence, future: bool = False) -> list[DateMention]:
        return [d for d in find_dates(self.text, sent.start, sent.end, self.lang,
                                      self.date_base, self.years, self.lex.cue("deadline"),
                                      future)
                if not d.deadline and (d.date.year is None or d.date.year >= HISTORY_BEFORE)]

    def pick_date(self, sent: Sentence, trigger: tuple[int, int] | None,
                  future: bool = False) -> EventDate | None:
        """The date nearest the trigger in the sentence; else "three days later" from the
        date told before; else the date of the paragraph's narrative so far."""
        self.end_aside(sent)
        found = self.sentence_dates(sent, future)
        if not future:   # what already happened cannot be dated after its own report
            found = [d for d in found if not self.upcoming(d.date)]
        own = [d for d in found if not d.reference and not self.in_modifier_clause(d.start)]
        if own:
            # the most precise date, then the nearest: "on Tuesday" beats "in 2010"
            anchor = sent.start + (trigger[0] if trigger else 0)
            rank = {"day": 0, "month": 1, "year": 2, "none": 3}
            return min(own, key=lambda d: (rank[d.date.precision],
                                           abs(d.start - anchor))).date
        refs = [d for d in found if d.reference]
        if refs:
            # "on Sunday …, three days after he sent troops in on February 24"
            return relative_to(refs[0], self.text[sent.start : sent.end], self.lang)
        if found:
            return None   # only background dates ("the treaty, signed in 2010, …")
        last = self.ctx.last_date
        if last is None:
            return None
        anaphors = find_anaphors(self.text, sent.start, sent.end, self.lang)
        if anaphors:
            return shift(last[0], anaphors[0].days)
        if self.recalls(sent):
            return None   # "a month after Putin suspended …": not the story's day
        # the story's date holds for the next paragraph too ("He added that ...")
        return last[0] if sent.paragraph - last[1] <= DATE_CARRY else None

    def in_modifier_clause(self, pos: int) -> bool:
        """Is the token at ``pos`` inside a clause that describes a noun ("the treaty, signed
        in 2010, …", "the Iskander, which Belarus received in 2022")? Its date is background."""
        tokens, off = self._tokens, self._offset
        tok = next((t for t in tokens if t.idx + off <= pos < t.idx + off + len(t) + 1), None)
        if tok is None or not tok.doc.has_annotation("DEP"):
            return False
        for _ in range(5):
            if tok.dep_ in ("acl", "relcl", "acl:relcl", "appos"):
                return True
            if tok.head is tok or tok.dep_ in ("ROOT", "ccomp", "parataxis"):
                return False
            tok = tok.head
        return False

    def recalls(self, sent: Sentence) -> bool:
        recall = self.lex.cue("recall")
        return recall is not None and bool(recall.search(fold(self.text[sent.start:sent.end])))

    def remember_date(self, sent: Sentence, event: Event | None) -> None:
        """Keep the narrative date: the event's date, else the last date the sentence tells.
        A recalled date ("Nous rappelons que le 6 décembre …") holds for the rest of its
        paragraph only; then the story's own date comes back."""
        self.end_aside(sent)
        if event is not None and event.date is not None:
            told: EventDate | None = event.date
        else:
            found = [d for d in self.sentence_dates(sent) if not self.upcoming(d.date)]
            told = found[-1].date if found else None
        if told is None:
            return
        if self.ctx.before_aside is None and self.recalls(sent) and self.goes_back(told):
            self.ctx.before_aside = (self.ctx.last_date, sent.paragraph)
        self.ctx.last_date = (told, sent.paragraph)

    def goes_back(self, told: EventDate) -> bool:
        """Is a date well before the story's own day (the narrative date so far, else the
        publication day)? "MOSCOW, May 21 - … two weeks after Putin ordered" does not."""
        reference = self.ctx.last_date[0].as_day() if self.ctx.last_date else self.date_base
        day = told.as_day()
        if day is None and told.year is not None:
            day = date(told.year, told.month or 12, 28 if told.month else 31)
        return reference is not None and day is not None and \
            (reference - day).days > ASIDE_DAYS

    def end_aside(self, sent: Sentence) -> None:
        aside = self.ctx.before_aside
        if aside is not None and sent.paragraph != aside[1]:
            self.ctx.last_date, self.ctx.before_aside = aside[0], None

    def upcoming(self, d: EventDate) -> bool:
        """A day after publication ("training starts on April 3") is a plan, not the day the
        story happened."""
        day = d.as_day()
        return day is not None and self.date_base is not None and day > self.date_base


def _longest_triggers(found: dict[str, list[tuple[int, int]]]) -> dict[str, list[tuple[int, int]]]:
    """A trigger inside a longer one gives way: the longer phrase says more ("special mode of
    combat duty" is readiness, though "combat duty" alone would be a deployment; "force those
    who threaten Russia to think twice" is one threat, not "threaten")."""
    spans = [span for v in found.values() for span in v]
    kept = {t: [span for span in v if not any(_contains(other, span) for other in spans)]
            for t, v in found.items()}
    # "transfer the forces to a special mode of combat duty", "put them on high alert": the
    # verb moves forces into a state of readiness, it does not deploy anything
    alerts = kept.get("readiness", [])
    kept["deployment"] = [d for d in kept.get("deployment", []) if not any(
        0 <= a[0] - d[1] <= ALERT_REACH for a in alerts)]
    return {t: v for t, v in kept.items() if v}


def extract_events(article: Article, docs: dict[int, Any], sentences: list[Sentence],
                   res: Resources, judge: Judge | None = None,
                   matches: list[list[Match]] | None = None, cues: list[Cues] | None = None
                   ) -> tuple[list[Event], list[SentenceFacts]]:
    return ArticleExtractor(article, res).run(docs, sentences, judge, matches, cues)
