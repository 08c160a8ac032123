"""Article -> Events. Rules over the dependency parse, the gazetteer and the lexicon.

How a sentence becomes an event (each step in its own module; this one runs them in order):
1. *Reading* (:meth:`ArticleExtractor.prepare`, objects in :mod:`tocsin.reading`): the
   sentence's tokens, cues, entities and speaker, read once into a frozen
   :class:`~tocsin.reading.SentenceReading`; what earlier sentences told is in the reader's
   memory, :class:`~tocsin.reading.Context`.
2. *Nuclear context*: a nuclear word outside civil-nuclear phrases, or a nuclear-capable
   system (the latter only for physical types: exercise, deployment, test, readiness). A
   sentence without either may still carry a reaction or assessment when it refers back to the
   event of the previous sentence (its actor, or "these statements")
   (:func:`tocsin.typing_rules.inherits_context`).
3. *Who speaks* (:mod:`tocsin.actors`): subject of a speech verb (pronouns and role phrases
   such as "the head of the ministry" resolved to the person named before), or the source after
   "according to".
4. *Which type* (:mod:`tocsin.typing_rules`): reactions (condemnation cue + a referenced
   signal), assessments (an intelligence service or analyst speaks, or the sentence
   characterises a signal: rhetoric, blackmail, purpose, risk, belief), physical types (trigger
   nearest to the nuclear term), threats (the signaller speaks of its own use; if someone else
   speaks of it, assessment).
5. *Fields*: actor (speaker for statements, doer for physical events, "X said Y did Z" gives
   Y; :mod:`tocsin.actors`), target, weapon (most specific), location, modality, quote
   (:mod:`tocsin.fields`), date (same sentence, deadlines excluded; else the narrative's:
   :mod:`tocsin.narrative_dates`), attribution.

With a learned *judge* (:mod:`tocsin.learned`) the rules still read every sentence, and the
judge says which events each sentence carries; an event of a type the rules did not choose is
assembled by the same means (:meth:`ArticleExtractor.event_as`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

from .actors import Actors, stated_actors
from .cues import Cues, find_cues
from .dates import document_years
from .fields import (
    modality,
    modifier_spans,
    pick_location,
    pick_quote,
    pick_target,
    pick_weapon,
    quoted,
    weapons_in,
)
from .gazetteer import Match
from .knowledge import Knowledge
from .model import (
    RESPONSE_TYPES,
    Article,
    Attribution,
    Entity,
    Event,
    Sentence,
    SentenceFacts,
)
from .narrative_dates import HISTORY_BEFORE, WIRE_TAG, NarrativeDates, is_historical
from .nlp import Resources
from .reading import Context, Mention, SentenceReading, Span
from .textutil import fold
from .typing_rules import choose_type, inherits_context
from .voice import Turns, document_voice, interviewee

ANAPHOR_WINDOW = 3      # sentences "these weapons" may lie after the weapons named
# types whose unsigned sentences, in an official text, are the issuer's own statement
VOICED_TYPES = ("assessment", "reaction", "arms_control", "doctrine")
PLACE_WINDOW = 4        # sentences a story's place carries to sentences that name none
JUDGES = ("person", "title", "state_body")   # who a main verb tells the words of
# what only a state with nuclear forces does (in the written gold, none of 2,278 required
# tests and alert changes has another actor; exercises and deployments do: hosts, requests)
FORCES_TYPES = ("test", "readiness", "use")

# A judge reads what the rules saw in a sentence and says which events it carries, each with
# its confidence (see :mod:`tocsin.learned`).
Judge = Callable[[SentenceFacts], list[tuple[str, float]]]


def event_id(content_id: str, etype: str, span: tuple[int, int]) -> str:
    return hashlib.sha1(f"{content_id}:{etype}:{span[0]}:{span[1]}".encode()).hexdigest()[:16]


class ArticleExtractor:
    """Extract events from one article. Holds only per-article state."""

    def __init__(self, article: Article, res: Resources) -> None:
        self.article = article
        self.res = res
        self.kb = res.kb
        self.text = article.text
        self.memory = Context()   # what the reader remembers of the sentences read so far
        self.carried: set[str] = set()   # events whose actor comes from an earlier sentence
        self.years = document_years(article.text)
        # Who held a role "then": the publication date, else the end of the latest year the
        # article mentions (a 2023 story about "the defence minister" means Shoigu).
        recent = [y for _, y in self.years if y >= HISTORY_BEFORE]
        self.ref_date: date | None = article.published or (
            date(max(recent), 12, 31) if recent else None)
        self.date_base: date | None = article.published
        self.historical = is_historical(article, self.years,
                                        res.kb.lexicons[article.language])
        self.actors = Actors(self.kb, res.gazetteer, self.text, self.ref_date, self.memory)
        self.turns = Turns(document_voice(self.text, article.language, self.kb.lexicons,
                                          res.gazetteer, self.actors.mention_from_match),
                           self.kb.lexicons[article.language],
                           interviewee(self.text, article.language, res.gazetteer,
                                       self.actors.mention_from_match))
        self.dates = NarrativeDates(self.text, self.years, self.date_base, self.memory)

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
        # a wire tag ("MOSCOW, May 3 (Reuters) -") says where the report was filed and who
        # carries it: its agency is nothing of the news, its city may be the news's place
        # but is not its actor
        tags = [WIRE_TAG.match(self.text, s.start, s.end) for s in sentences]
        sent_matches = [matches if tag is None else
                        [m for m in matches if not tag.start("agency") <= m.start < tag.end()]
                        for tag, matches in zip(tags, sent_matches, strict=True)]
        # First pass: every assessor named anywhere in the article (a report is often named
        # after the claims it makes), and every known person (a headline's bare name).
        named = [mn for matches in sent_matches for m in matches
                 if (mn := self.actors.mention_from_match(m))]
        assessors = tuple(mn for mn in named if mn.source_kind in ("intelligence", "analyst")
                          and mn.kind != "media")
        self.actors.know_people(named)
        self.dates.read_lead(sentences, self.article.language,
                             self.kb.lexicons[self.article.language])
        memory = self.memory
        events: list[Event] = []
        facts: list[SentenceFacts] = []
        for i, (sent, matches) in enumerate(zip(sentences, sent_matches, strict=True)):
            doc = docs.get(sent.paragraph)
            tag = tags[i]
            after_tag = sent.start if tag is None else tag.end()
            mentions = [mn for m in matches if (mn := self.actors.mention_from_match(m))
                        and mn.start >= after_tag]
            self.actors.voice = self.turns.voice_at(
                self.text, sent.start, sent.paragraph,
                self.article.paragraphs[sent.paragraph].start, mentions)
            lang = self.article.paragraphs[sent.paragraph].language or self.article.language
            lex = self.kb.lexicons[lang]
            cues = sent_cues[i] if sent_cues is not None else \
                find_cues(fold(self.text[sent.start : sent.end]), lex)
            reading = None if doc is None else \
                self.prepare(i, sent, doc, lang, cues, matches, mentions, assessors)
            if reading is not None:
                memory.last_reading = reading
            ev = self.sentence_event(reading) if reading is not None else None
            fact = self.facts(i, sent, lang, cues, ev, matches, mentions, reading)
            facts.append(fact)
            if judge is None:
                chosen = [ev] if ev is not None else []
            else:
                chosen = self.judged(judge(fact), ev, reading)
            chosen = self.judgments_of_another(chosen, ev, reading)
            chosen = [self.done_by_forces(e, reading) for e in chosen]
            events.extend(chosen)
            if chosen:
                memory.last_emitted = (chosen[-1], i)
            signallers = [e.actor for e in chosen if e.actor is not None and e.actor.country
                          and e.type not in RESPONSE_TYPES]
            if signallers:
                memory.last_signaller = signallers[-1]
            if ev is not None:
                memory.last_event = ev
                memory.last_event_sentence = i
                memory.events_so_far += 1
                if ev.type not in RESPONSE_TYPES and ev.actor is not None \
                        and ev.actor.country:
                    memory.signal_sides.add(ev.actor.country)
            memory.remember(mentions)
            self.dates.remember_date(sent, lang, lex, ev)
        return stated_actors(events, frozenset(self.carried), self.kb), facts

    def judged(self, decisions: list[tuple[str, float]], ev: Event | None,
               reading: SentenceReading | None) -> list[Event]:
        """The events the judge chose, with its confidence: the rules' event when the types
        agree, else one assembled for the judge's type from what the rules read."""
        out = []
        for etype, confidence in decisions:
            if ev is not None and ev.type == etype:
                chosen: Event | None = ev
            elif reading is not None:
                chosen = self.event_as(etype, reading)
            else:
                chosen = None
            if chosen is not None:
                out.append(replace(chosen, confidence=confidence))
        return out

    def judgments_of_another(self, chosen: list[Event], ev: Event | None,
                             r: SentenceReading | None) -> list[Event]:
        """The chosen events with each threat voiced by a state that makes none (see
        :func:`judging_another`) read as the assessment it is, that official's: the rules'
        own when they read one, else one assembled for it; its confidence stays the one
        chosen."""
        out: list[Event] = []
        for e in chosen:
            official = self.who_judges(r) if r is not None and e.type == "threat" else None
            if r is not None and official is not None and \
                    judging_another(e, official, r, self.kb):
                judgment = ev if ev is not None and ev.type == "assessment" else \
                    self.event_as("assessment", r)
                if judgment is None or any(o.type == "assessment" for o in (*chosen, *out)):
                    continue   # the sentence's assessment is already chosen
                e = replace(judgment, confidence=e.confidence, actor=official.entity)
            out.append(e)
        return out

    def done_by_forces(self, e: Event, r: SentenceReading | None) -> Event:
        """A test, a change of alert or a use whose actor is a state with no nuclear
        forces (:func:`without_forces`) was read from its reporter ("Ukraine's air force said
        an ICBM was fired from Russia's Astrakhan region"): its doer is the one state with
        forces the sentence names, else the article's last signaller with forces, else no
        one."""
        if e.type not in FORCES_TYPES or e.actor is None or \
                not without_forces(e.actor.country, self.kb):
            return e
        named = {mn.entity.country for mn in (r.mentions if r is not None else ())
                 if mn.kind in ("country", "adjective") and mn.entity.country
                 and not without_forces(mn.entity.country, self.kb)}
        last = self.memory.last_signaller
        if len(named) == 1:
            code = named.pop()
            doer: Entity | None = Entity(self.kb.country_name(code) or code, code, code)
        elif last is not None and not without_forces(last.country, self.kb):
            doer = last
        else:
            doer = None
        return replace(e, actor=doer)

    def who_judges(self, r: SentenceReading) -> Mention | None:
        """Whose words a sentence tells: its speaker, else the person or body its main verb
        is said of ("Kuleba voiced outrage at the prospect that …")."""
        if r.speaker is not None:
            return r.speaker
        subject = self.actors.doer_or_subject(None, r)
        return subject if subject is not None and subject.kind in JUDGES else None

    def facts(self, idx: int, sent: Sentence, lang: str, cues: Cues, ev: Event | None,
              matches: list[Match], mentions: list[Mention],
              reading: SentenceReading | None) -> SentenceFacts:
        """What the rules saw in the sentence (parsed or not): the learned layer's input."""
        explicit = bool(cues.nuclear)
        weapons = weapons_in(self.kb, matches)
        capable = any(w.nuclear_capable for _, w in weapons)
        speaker = reading.speaker if reading is not None else None
        last = self.memory.last_event
        signaller = speaker is not None and last is not None and last.actor is not None and \
            last.type not in RESPONSE_TYPES and \
            speaker.entity.country is not None and speaker.entity.country == last.actor.country
        years = [int(y) for y in re.findall(r"\b(?:19|20)\d\d\b", cues.folded)]
        parties = {mn.entity.id or mn.entity.name for mn in mentions if mn.kind != "adjective"}
        return SentenceFacts(
            index=idx, start=sent.start, end=sent.end, language=lang,
            cues=frozenset(cues.hits), rule_type=ev.type if ev is not None else None,
            explicit=explicit, capable=capable, conventional=bool(weapons) and not capable,
            inherited=reading.inherited if ev is not None and reading is not None else False,
            speaker_kind=speaker.source_kind if speaker is not None else None,
            speaker_is_signaller=signaller, parties=len(parties),
            since_rule_event=min(10, idx - self.memory.last_event_sentence),
            last_rule_type=last.type if last is not None else None,
            historical=self.historical or bool(years and max(years) < HISTORY_BEFORE),
            quoted=quoted(self.text[sent.start : sent.end]))

    # ---- one sentence ---------------------------------------------------------------
    def prepare(self, idx: int, sent: Sentence, doc: Any, lang: str, cues: Cues,
                matches: list[Match], mentions: list[Mention],
                assessors: tuple[Mention, ...]) -> SentenceReading | None:
        """Read the sentence's tokens and speaker once (None when it has no tokens)."""
        off = int(doc.user_data.get("offset", 0))
        tokens = [t for t in doc if sent.start <= t.idx + off < sent.end]
        if not tokens:
            return None
        lex = self.kb.lexicons[lang]
        speech = cues.hits.get("speech", []) + cues.hits.get("belief", [])
        speech_tokens = frozenset(t.i for t in tokens if t.pos_ in ("VERB", "AUX") and any(
            a <= t.idx + off - sent.start < b for a, b in speech))
        nuclear_words = cues.nuclear
        last = self.memory.last_event
        weapon_before = None
        if not nuclear_words and last is not None and last.weapon is not None and \
                idx - self.memory.last_event_sentence <= ANAPHOR_WINDOW:
            # "il n'hésiterait pas à employer ces armes": the weapons named just before
            nuclear_words = cues.hits.get("weapon_anaphor", [])
            if nuclear_words:
                weapon_before = last.weapon
        weapons = weapons_in(self.kb, matches)
        capable = any(w.nuclear_capable for _, w in weapons)
        inherited = not nuclear_words and not capable and \
            inherits_context(idx, cues, mentions, lex, self.memory)
        reading = SentenceReading(
            index=idx, sentence=sent, text=self.text[sent.start : sent.end], language=lang,
            lexicon=lex, cues=cues, matches=tuple(matches), mentions=tuple(mentions),
            weapons=tuple(weapons), assessors=assessors, doc=doc, tokens=tuple(tokens),
            offset=off, speech_tokens=speech_tokens,
            modifiers=tuple(modifier_spans(tokens, sent, off)),
            conditions=tuple(cues.hits.get("conditional", [])),
            nuclear_words=tuple(nuclear_words), weapon_before=weapon_before,
            inherited=inherited)
        speaker, speech_cue, speech_verb = self.actors.find_speaker(reading,
                                                                    self.memory.last_reading)
        return replace(reading, speaker=speaker, speech_cue=speech_cue, speech_verb=speech_verb)

    def sentence_event(self, r: SentenceReading) -> Event | None:
        """The rules' event in a parsed sentence, if any."""
        cues, stext, nuclear_words = r.cues, r.text, r.nuclear_words
        capable = [w for w in r.weapons if w[1].nuclear_capable]
        if self.historical or (cues.has("history") and not cues.has("speech")):
            return None
        years = [int(y) for y in re.findall(r"\b(?:19|20)\d\d\b", stext)]
        if years and max(years) < HISTORY_BEFORE and not cues.has("speech"):
            return None   # "in 1962, Moscow ..." is history, not a signal
        inherited = r.inherited
        if not nuclear_words and not capable and not inherited:
            return None
        if r.weapons and not capable and not nuclear_words:
            return None  # a conventional system only: not a nuclear signal
        speaker, speech_cue = r.speaker, r.speech_cue

        def doer_of(span: Span | None) -> Mention | None:
            return self.actors.doer_of(span, r)

        def verb_subject(span: Span) -> Mention | None:
            return self.actors.verb_subject(span, r)

        etype, trigger = choose_type(r, self.memory, doer_of, verb_subject)
        if etype is None:
            return None
        actor = self.actors.choose_actor(etype, speaker, doer_of(trigger), r)
        if etype == "threat" and speaker is None and cues.has("hedge"):
            etype = "assessment"   # "X could use nuclear weapons", no one speaking: a judgment
            actor = None
        if actor is None and not r.mentions and not capable:
            return None   # no state, body or weapon system anywhere: a metaphor, not a signal
        mode = modality(cues, r.modifiers, trigger)
        return self.build_event(etype, trigger, r, actor, speaker, speech_cue, mode,
                                bool(nuclear_words), inherited)

    def event_as(self, etype: str, r: SentenceReading) -> Event | None:
        """An event of a type the rules did not choose (the judge's), its fields read by the
        same means. A sentence that names no one continues the signal told just before: its
        actor is that signal's (\"the crews practised receiving special munitions\")."""
        spans = r.cues.hits.get("trigger:" + etype, [])
        trigger = max(spans, key=lambda sp: sp[1] - sp[0]) if spans else None
        actor = self.actors.choose_actor(etype, r.speaker,
                                         self.actors.doer_or_subject(trigger, r), r)
        explicit = bool(r.cues.nuclear)
        mode = modality(r.cues, r.modifiers, trigger)
        return self.build_event(etype, trigger, r, actor, r.speaker, r.speech_cue, mode,
                                explicit, not explicit)

    # ---- assembly -------------------------------------------------------------------
    def unnamed_place(self, etype: str, r: SentenceReading, actor: Mention | None
                      ) -> Entity | None:
        """Where a signal happens when its sentence names no place: where the story told
        just before happens ("the crews practised ..." after "drills began in Belarus"),
        else, for drills, tests and alerts, on the actor's own territory."""
        previous = self.memory.last_emitted
        if previous is not None and previous[0].location is not None and \
                r.index - previous[1] <= PLACE_WINDOW:
            return previous[0].location
        if etype in ("exercise", "test", "readiness"):
            return own_territory(self.kb, actor)
        return None

    def build_event(self, etype: str, trigger: Span | None, r: SentenceReading,
                    actor: Mention | None, speaker: Mention | None, speech_cue: str | None,
                    modality: str, explicit: bool, inherited: bool) -> Event:
        sent, stext = r.sentence, r.text
        weapon = pick_weapon(self.kb, self.text, r.matches, explicit, r.weapon_before)
        if etype not in RESPONSE_TYPES and actor is not None and \
                actor.kind == "person" and actor.entity.country is None:
            actor = side_named_after(actor, r) or actor
        if actor is None or (actor.kind == "anonymous" and actor.entity.country is None):
            # no one named, or "a spokesman" of no known side: not a name to print
            voice = self.actors.voice
            if voice is not None and etype in VOICED_TYPES:
                actor = voice   # an official text's unsigned statement is its issuer's
            else:
                actor = self.actors.fallback_actor(etype, r, weapon)
        if etype in RESPONSE_TYPES and (actor is None or actor.entity.country is None):
            actor = self.actors.home_voice(actor, r)
        history = [(sent.start + a, sent.start + b) for a, b in r.cues.hits.get("history", [])]
        location = pick_location(self.kb, self.text, r.lexicon, r.matches, actor, sent, history)
        target = pick_target(etype, r.mentions, actor, location)
        if location is None:
            location = self.unnamed_place(etype, r, actor)
        last = self.memory.last_event
        if target is None and inherited and last is not None and last.actor is not None \
                and (actor is None or last.actor.country != actor.entity.country):
            # a reaction to the previous sentence's signal targets its author
            target = Mention(sent.start, sent.start, last.actor, "previous")
        when = self.dates.pick_date(r, trigger, future=modality == "planned",
                                    judgment=etype in RESPONSE_TYPES)
        attribution = None
        if speaker is not None:
            attribution = Attribution(speaker.entity.name, speaker.source_kind
                                      if speaker.kind != "unknown" else "official", speech_cue)
        quote = pick_quote(stext)
        confidence = 0.45 + (0.2 if explicit else 0.0) + (0.15 if actor and actor.entity.id
                                                          else 0.0)
        confidence += 0.1 if trigger and trigger != (0, 0) else 0.0
        confidence -= 0.15 if inherited and not explicit else 0.0
        span = (sent.start, sent.end)
        eid = event_id(self.article.content_id, etype, span)
        if actor is not None and actor.kind == "previous":   # from fallback_actor
            self.carried.add(eid)
        trig_text = stext[trigger[0] : trigger[1]] if trigger else ""
        return Event(
            event_id=eid,
            doc=self.article.doc, content_id=self.article.content_id, type=etype, span=span,
            sentence=stext, actor=actor.entity if actor else None,
            target=target.entity if target else None, weapon=weapon, location=location,
            date=when, modality=modality, attribution=attribution, quote=quote,
            confidence=max(0.05, min(0.95, confidence)), language=r.language,
            trigger=trig_text,
        )


def without_forces(code: str | None, kb: Knowledge) -> bool:
    """Is ``code`` a state the knowledge base knows to have no nuclear forces, none hosted and
    no nuclear alliance (Ukraine, Poland, Japan …)? False when the base marks no state."""
    country = kb.country_by_code.get(code or "")
    return kb.marks_nuclear and country is not None and country.kind == "state" and \
        country.nuclear is None


def judging_another(e: Event, speaker: Mention, r: SentenceReading, kb: Knowledge) -> bool:
    """Is this threat the words of ``speaker`` (the speaker, or the person the main verb is
    said of), named in its sentence, an official of a state that makes no nuclear threats
    (no nuclear weapons, none hosted, no nuclear alliance of its own: Ukraine, Poland,
    Japan …)? Such a state's officials speaking of nuclear use speak of another's:
    "Ukraine's security council secretary said the possibility that Putin uses tactical
    nuclear weapons cannot be excluded" judges Russia's intent (an assessment), and so does
    "X voiced outrage that Putin could use …" (a use such an official calls possible,
    whoever its doer)."""
    if e.type != "threat" or e.actor is None or not kb.marks_nuclear:
        return False   # a knowledge base that marks no state's status: no state is known
    if (e.actor.country != speaker.entity.country or speaker is not r.speaker) and \
            not r.cues.has("hedge"):
        return False   # "Kuleba said Putin threatened …": Putin's threat, Kuleba its source
    # the speaker's phrase ("Oleksandr Lytvynenko, secretary of …") is their name's
    named_here = any(mn.entity == speaker.entity and mn.start < speaker.end
                     and speaker.start < mn.end for mn in r.mentions)
    return named_here and without_forces(speaker.entity.country, kb)


def side_named_after(person: Mention, r: SentenceReading) -> Mention | None:
    """A person of no known side (a presenter, a reporter who quotes) signals nothing
    himself: "Borodin quoted Ryabkov: Russia reserves the right to respond" is Russia's
    threat. The side named after them: a person of known side, else a body, else a state."""
    after = [mn for mn in r.mentions if mn.start >= person.end and mn.entity.country]
    for kinds in (("person", "title"), ("state_body", "military", "intelligence"),
                  ("country",)):
        found = next((mn for mn in after if mn.kind in kinds), None)
        if found is not None:
            return found
    return None


def own_territory(kb: Knowledge, actor: Mention | None) -> Entity | None:
    country = kb.country_by_code.get(actor.entity.country or "") if actor else None
    if country is None or country.kind == "alliance":
        return None
    return Entity(country.name, country.code, country.code)


def extract_events(article: Article, docs: dict[int, Any], sentences: list[Sentence],
                   res: Resources, judge: Judge | None = None,
                   matches: list[list[Match]] | None = None, cues: list[Cues] | None = None
                   ) -> tuple[list[Event], list[SentenceFacts]]:
    return ArticleExtractor(article, res).run(docs, sentences, judge, matches, cues)
