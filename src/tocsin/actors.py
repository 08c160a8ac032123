"""Who speaks and who acts in a sentence.

* *Entities*: a gazetteer match becomes a :class:`~tocsin.reading.Mention` with a name and a
  country; a title ("the Russian defence minister") becomes the person who held it then.
* *Speaker*: the subject of a speech or belief verb, or the source after "according to"
  (pronouns and role phrases such as "the head of the ministry" resolved to the person named
  before). Without a parser (Ukrainian), the entity closest to the speech verb in its clause.
* *Doer*: who does what a trigger names -- the subject of the nearest governing verb, or the
  owner of the trigger noun ("la décision de la Russie de placer"); "X said Y did Z" gives Y.
* *Noun phrases*: the entity a subject names, resolving pronouns, unnamed officials ("a NATO
  official"), bodies named before ("the ministry"), crews named by their system, analysts.
* *Actor*: the speaker for statements, the doer for physical events; when the sentence names
  no one, the actor of the event just told or the state that fields the system named.

One :class:`Actors` per article: it holds the knowledge base, the text and the reader's memory
(:class:`~tocsin.reading.Context`); each sentence comes in as a
:class:`~tocsin.reading.SentenceReading`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from .gazetteer import Gazetteer, Match, Ref
from .knowledge import Actor, Knowledge, LanguageLexicon
from .model import RESPONSE_TYPES, Entity, Event
from .reading import (
    STORY_WINDOW,
    Context,
    Mention,
    SentenceReading,
    Span,
    has_word,
    is_word,
    name_keys,
    overlaps,
)
from .textutil import fold

SPEECH_TYPES = ("threat", "reaction", "assessment", "doctrine")
# prepositions that make a noun's modifier a place rather than an owner (all languages)
LOCATIVE_CASES = {fold(w) for w in (
    "в", "во", "на", "у", "із", "из", "au", "aux", "en", "dans", "à", "sur", "in", "at", "on",
    "into", "near", "près")}
# prepositions that make a noun's modifier a partner or an opponent, not an owner: "the
# treaty's application with Russia", "les sanctions contre la Russie"
PARTNER_CASES = {fold(w) for w in (
    "with", "against", "between", "toward", "towards", "avec", "contre", "entre", "envers",
    "с", "со", "против", "между", "з", "зі", "проти", "між")}
UNINFLECTED = ("fr", "en")   # owners need a preposition here; Slavic genitives do not
TITLE_CHARS = 60    # how far before a name its title ("the Kyiv analyst") is looked for


class Actors:
    """Resolves the speakers, doers and actors of one article's sentences."""

    def __init__(self, kb: Knowledge, gazetteer: Gazetteer, text: str, ref_date: date | None,
                 memory: Context) -> None:
        self.kb = kb
        self.gazetteer = gazetteer
        self.text = text
        # Who held a role "then" (see :class:`tocsin.extract.ArticleExtractor`).
        self.ref_date = ref_date
        self.memory = memory
        # The issuer of an official text, when its header names one (:mod:`tocsin.voice`):
        # its first person and its unsigned judgments.
        self.voice: Mention | None = None
        # name word -> the known person the article names with it (see know_people)
        self.people: dict[str, Mention] = {}

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
        named = {mn.entity.id for mn in self.memory.persons}
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

    # ---- speaker --------------------------------------------------------------------
    def find_speaker(self, r: SentenceReading, previous: SentenceReading | None
                     ) -> tuple[Mention | None, str | None, Any]:
        """Who speaks in the sentence, the words that say so, and the speech verb whose
        subject it is (None when found otherwise). Called while the reading is built:
        ``r.speaker`` is not set yet. ``previous`` is the parsed sentence read before."""
        s0 = r.start
        off = r.offset
        cues, mentions, persons = r.cues, r.mentions, self.memory.persons
        # "according to X" / "selon X": the source follows the cue.
        for a, b in cues.hits.get("speech", []):
            if "-t-" in cues.folded[a:b] and persons:
                # "..., a-t-il écrit": the inverted pronoun points to the person named before
                return persons[-1], self.text[s0 + a : s0 + b], None
        for cs, ce in cues.hits.get("source_cue", []):
            cue_text = self.text[s0 + cs : s0 + ce].strip()
            group = cues.first("assessor_group")
            if group and cs <= group[0] <= ce + 20:
                resolved = nearest_assessor(s0, r.assessors)
                if resolved:
                    return resolved, cue_text, None
            following = cues.folded[ce : ce + 7].split(",")[0].strip()
            if is_word(r.lexicon, "pronoun_plural", following):
                if self.memory.assessors:   # "selon eux": the analysts named before
                    return self.memory.assessors[-1], cue_text, None
            elif is_word(r.lexicon, "pronoun", following) and persons:
                return persons[-1], cue_text, None   # "selon lui", "according to him"
            after = [mn for mn in mentions if s0 + ce <= mn.start <= s0 + ce + 80]
            if after and after[0].kind in ("country", "adjective") and has_word(
                    r.lexicon, "assessor_group", cues.folded[cs : after[0].end - s0]):
                service = self.intelligence_of(after[0])   # "according to Ukrainian intelligence"
                if service is not None:
                    return service, cue_text, None
            after = [mn for mn in after if mn.kind != "adjective"]
            if after:
                return after[0], cue_text, None
            named = self.person_after(r, s0 + ce, group is not None)
            if named is not None:
                return named, cue_text, None
            if has_word(r.lexicon, "role_head", cues.folded[ce : ce + 25]) and persons:
                return persons[-1], cue_text, None   # "according to the president"
        # Belief verbs ("ISW is convinced that") introduce a speaker as speech verbs do.
        speech_spans = cues.hits.get("speech", []) + cues.hits.get("belief", [])
        if not r.doc.has_annotation("DEP"):
            return (*self.speaker_by_order(speech_spans, r), None)
        for t in r.tokens:
            tstart = t.idx + off - s0
            if t.pos_ not in ("VERB", "AUX") or not any(
                    a <= tstart < b for a, b in speech_spans):
                continue
            verb = t if t.pos_ == "VERB" else t.head
            subjects = subjects_of(verb)
            post = None if subjects else postposed_speaker(verb)
            if post is not None:
                subjects.append(post)
            # The subject is resolved against the parsed sentence read before, not this one:
            # a pronoun points to the last person that sentence named, else to the person the
            # article named last. So the rules have always found speakers; resolving against
            # this sentence instead would be a rule change.
            found = [m for subj in subjects if (m := self.np_mention(
                subj, r, r.assessors, previous.mentions if previous else (),
                previous.matches if previous else ()))]
            if found:
                # "the secretary of the council, John Doe, said": the person, not the body
                named_persons = [m for m in found if m.kind in ("person", "title")]
                return (named_persons or found)[0], verb.text, verb
        # A subject that is an intelligence service / analyst group, whatever the verb.
        group = cues.first("assessor_group")
        if group is not None and group[0] < 30:
            resolved = nearest_assessor(s0, r.assessors)
            if resolved:
                return resolved, None, None
        return None, None, None

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

    def person_after(self, r: SentenceReading, pos: int, assessor: bool) -> Mention | None:
        """A person the knowledge base does not know, named by NER right after ``pos``."""
        off = r.offset
        for e in r.doc.ents:
            start = e.start_char + off
            if e.label_ in ("PER", "PERSON") and pos <= start <= pos + 60:
                kind = "analyst" if assessor else "official"
                name = display_name(e.text, r.language)
                return Mention(start, e.end_char + off,
                               Entity(name, self.memory.country_of(name), None), "person", kind)
        return None

    def speaker_by_order(self, speech_spans: list[Span], r: SentenceReading
                         ) -> tuple[Mention | None, str | None]:
        """Without a parser (Ukrainian): the entity closest before the speech verb in its
        clause, else the one right after it ("— заявив Шойгу"), else a pronoun's referent."""
        s0 = r.start
        cues = r.cues
        mentions = sorted((*r.mentions, *self.unnamed_persons(r)), key=lambda mn: mn.start)
        for a, b in speech_spans:
            start = clause_start(r.lexicon, cues.folded, a)
            before = [mn for mn in mentions if s0 + start <= mn.start and mn.end <= s0 + a
                      and mn.kind != "adjective"]
            if before:
                persons = [mn for mn in before if mn.kind in ("person", "title")]
                return (persons or before)[-1], self.text[s0 + a : s0 + b]
            after = [mn for mn in mentions if s0 + b <= mn.start <= s0 + b + 25
                     and mn.kind != "adjective"]
            if after:
                return after[0], self.text[s0 + a : s0 + b]
            if has_word(r.lexicon, "pronoun", cues.folded[max(start, a - 15) : a]) \
                    and self.memory.persons:
                return self.memory.persons[-1], self.text[s0 + a : s0 + b]
        return None, None

    def unnamed_persons(self, r: SentenceReading) -> list[Mention]:
        """Persons the knowledge base does not know, found by the pipeline's NER outside
        every knowledge-base mention, with the side named just before them ("the Kyiv
        analyst Andrii Hnatenko") or told before; an analyst when an analyst word precedes."""
        off, out = r.offset, []
        for e in r.doc.ents:
            start, end = e.start_char + off, e.end_char + off
            if e.label_ not in ("PER", "PERSON") or not (r.start <= start < r.sentence.end) or any(
                    mn.start < end and start < mn.end for mn in r.mentions):
                continue
            title_from = max(r.start, start - TITLE_CHARS)
            title = fold(self.text[title_from:start])
            kind = "analyst" if has_word(r.lexicon, "assessor_group", title) else "official"
            out.append(self.person_mention(e.text, title_from, start, (start, end), r, kind))
        return out

    # ---- doer -----------------------------------------------------------------------
    def doer_of(self, span: Span | None, r: SentenceReading) -> Mention | None:
        """Who does what the trigger at ``span`` (sentence-relative) names: the subject of
        the nearest governing verb that has one."""
        if span is None:
            return None
        tokens, off = r.tokens, r.offset
        if not tokens or not tokens[0].doc.has_annotation("DEP"):
            return self.doer_by_order(span, r)
        clause = condition_clause(r, span[0])
        if clause is not None:
            return self.main_clause_subject(r, clause)
        tok = token_at(r, span[0])
        for _ in range(6):
            if tok is None or tok is r.speech_verb or tok.i in r.speech_tokens:
                return None   # the reported clause ends here: its doer was not named
            if tok.pos_ == "NOUN":
                # "the raised alert of Russia's forces", "la décision de la Russie de placer"
                for c in owners(tok):
                    found = self.np_mention(c, r, r.assessors, r.mentions, r.matches)
                    if found is not None:
                        return found
            subj = subject_of(tok)
            if subj is not None:
                if in_later_condition(r, span[0], subj.idx + off - r.start):
                    return None   # "ready to test if the US does": the US only sets the condition
                found = self.np_mention(subj, r, r.assessors, r.mentions, r.matches)
                if found is not None:
                    return found
            if tok.head is tok:
                return None
            tok = tok.head
        return None

    def doer_or_subject(self, span: Span | None, r: SentenceReading) -> Mention | None:
        """The trigger's doer; with no trigger (a type the judge chose, the rules found no
        word for), the subject of the sentence's main verb: "Pyongyang a lancé un missile",
        "Washington n'a vu aucune raison de ..." """
        if span is not None:
            return self.doer_of(span, r)
        if not r.tokens or not r.tokens[0].doc.has_annotation("DEP"):
            return None
        root = next((t for t in r.tokens if t.dep_ == "ROOT"), None)
        if root is None or root is r.speech_verb:
            return None
        subj = subject_of(root if root.pos_ != "AUX" else root.head)
        if subj is None:
            return None
        return self.np_mention(subj, r, r.assessors, r.mentions, r.matches)

    def main_clause_subject(self, r: SentenceReading, clause: Span) -> Mention | None:
        """The subject of the sentence's main verb, when that verb is outside ``clause``: a
        trigger inside a condition is the main clause's act ("If the US tests, Russia will
        test too", "Russia will respond if the US tests"), not the condition's."""
        off = r.offset
        for t in r.tokens:
            pos = t.idx + off - r.start
            if t.dep_ == "ROOT" and not clause[0] <= pos < clause[1]:
                subj = subject_of(t)
                if subj is not None and not clause[0] <= subj.idx + off - r.start < clause[1]:
                    return self.np_mention(subj, r, r.assessors, r.mentions, r.matches)
        return None

    def doer_by_order(self, span: Span, r: SentenceReading) -> Mention | None:
        """Without a parser: the state, body or group named last before the trigger, in the
        trigger's clause."""
        sent = r.sentence
        folded = fold(self.text[sent.start : sent.end])
        start = sent.start + clause_start(r.lexicon, folded, span[0])
        before = [mn for mn in r.mentions
                  if start <= mn.start and mn.end <= sent.start + span[0]]
        for mn in reversed(before):
            if mn.kind != "adjective":
                return mn
            tail = folded[mn.end - sent.start : mn.end - sent.start + 25]
            head = folded[max(0, mn.start - sent.start - 25) : mn.start - sent.start]
            if has_word(r.lexicon, "group_noun", tail) or has_word(r.lexicon, "group_noun", head):
                return Mention(mn.start, mn.end, mn.entity, "group")
        return self.doer_after(span, r, folded)

    def doer_after(self, span: Span, r: SentenceReading, folded: str) -> Mention | None:
        """Free word order ("рішенням розмістити зброю в Білорусі Кремль узяв …"): the first
        state or body after the trigger in its clause that is not a place ("в Білорусі")."""
        sent = r.sentence
        pat = r.lexicon.cue("clause_break")
        nxt = pat.search(folded, span[1]) if pat else None
        end = sent.start + (nxt.start() if nxt else len(folded))
        place = r.lexicon.cue("locative")
        for mn in r.mentions:
            if not (sent.start + span[1] <= mn.start and mn.end <= end) or \
                    mn.kind == "adjective":
                continue
            if place is not None and place.search(folded[: mn.start - sent.start]):
                continue
            return mn
        return None

    def verb_subject(self, span: Span, r: SentenceReading) -> Mention | None:
        """Subject of the verb that governs the words at ``span`` (not their owner)."""
        clause = condition_clause(r, span[0])
        if clause is not None:
            return self.main_clause_subject(r, clause)
        tok = token_at(r, span[0])
        for _ in range(6):
            if tok is None or not tok.doc.has_annotation("DEP"):
                return None
            if tok.pos_ in ("VERB", "AUX"):
                subj = subject_of(tok)
                if subj is None or subj.pos_ not in ("PROPN", "PRON"):
                    return None   # "the activation of X's rhetoric coincides": not X
                return self.np_mention(subj, r, (), r.mentions, r.matches)
            if tok.head is tok:
                return None
            tok = tok.head
        return None

    def reporting_subject(self, pronoun: Any, r: SentenceReading,
                          told: Sequence[Mention]) -> Mention | None:
        """"X says that he/she/it …": the subject of the verb whose complement clause the
        pronoun opens is who the pronoun stands for, person or state."""
        clause = pronoun.head
        if pronoun.dep_ not in ("nsubj", "nsubj:pass") or clause.dep_ != "ccomp":
            return None
        subj = subject_of(clause.head)
        if subj is None or subj.i > pronoun.i or is_word(r.lexicon, "pronoun", fold(subj.text)):
            return None
        return next((mn for mn in told if mn.kind != "adjective"
                     and mn.start <= subj.idx + r.offset < mn.end), None)

    # ---- noun phrases ---------------------------------------------------------------
    def np_mention(self, head: Any, r: SentenceReading, assessors: Sequence[Mention],
                   told: Sequence[Mention], systems: Sequence[Match]) -> Mention | None:
        """The entity a noun phrase names. The mention returned spans the whole phrase, so
        that appositions ("X, secretary of the Council of Y") count as the same party.

        ``told`` are the mentions a pronoun may point back to (those before the phrase), and
        ``systems`` the weapon matches that may name crews ("the MiG-31 crews"): the
        sentence's own, except when its speaker is found (see :meth:`find_speaker`). The
        phrase itself is resolved against the sentence's mentions (``r.mentions``)."""
        lex, off = r.lexicon, r.offset
        left = head.left_edge.idx + off
        right = head.right_edge.idx + len(head.right_edge.text) + off
        # overlap, not inclusion: a parser may split "Vladimir Poutine" into two subjects
        inside = [mn for mn in r.mentions if mn.start < right and left < mn.end]
        word = fold(head.text)
        np_folded = fold(self.text[left:right])
        head_span = (head.idx + off, head.idx + off + len(head.text))

        def whole(mn: Mention, kind: str | None = None) -> Mention:
            return Mention(left, right, mn.entity, kind or mn.kind, mn.source_kind)

        # the phrase names states only ("South Korea's …", "the Russian …")
        sides_only = bool(inside) and all(mn.kind in ("adjective", "country") for mn in inside)
        if sides_only and has_word(lex, "assessor_group", np_folded):
            service = self.intelligence_of(inside[0])
            if service is not None:
                return whole(service)
        person = self.unknown_person(head, r)
        if person is not None and not any(mn.kind in ("person", "title") for mn in inside) \
                and (person.entity.country or all(mn.kind == "adjective" for mn in inside)):
            country = person.entity.country or (inside[0].entity.country if inside else None)
            if country is not None:
                self.memory.note_country(person.entity.name, country)
            return Mention(person.start, person.end, Entity(person.entity.name, country,
                                                            person.entity.id), "person")
        if inside and all(mn.kind == "adjective" for mn in inside) and (
                is_word(lex, "org_head", word) or is_word(lex, "org_head", head.lemma_)
                or is_word(lex, "group_noun", word)):
            # "le ministère français des Affaires étrangères": the state speaks
            return whole(inside[0], "state_body")
        if sides_only and person is None:
            if any(m.first("weapon") and overlaps((m.start, m.end), head_span)
                   for m in r.matches):
                # "Russian tactical nuclear weapons were stationed in Belarus": their owner
                # acts (its own span: the phrase may hold where they went)
                owner = inside[0]
                return Mention(owner.start, owner.end, owner.entity, "country")
            if is_word(lex, "org_head", word) or is_word(lex, "org_head", head.lemma_) or \
                    is_word(lex, "role_head", word) or is_word(lex, "official_noun", word) or \
                    head.pos_ == "PROPN":
                # a body or an unnamed official of that state: "South Korea's unification
                # ministry", "a senior US defence official", "South Korea's Joint Chiefs"
                return whole(inside[0], "state_body")
        if not inside:
            crews = self.weapon_crews(head, left, right, lex, systems)
            if crews is not None:
                return crews
            if is_word(lex, "head_of_state", np_folded.strip()):
                leader = self.leader_before()
                if leader is not None:   # "the head of state also ordered …": Putin
                    return whole(leader)
            if is_word(lex, "org_head", word):
                named = self.named_before(word)
                if named is not None:   # "le ministère" after "le ministère russe de la Défense"
                    return whole(named)
            if is_word(lex, "role_head", word) or is_word(lex, "org_head", word):
                # "a department spokesman said": an official the article does not name
                return Mention(left, right, Entity(" ".join(self.text[left:right].split()),
                                                   None, None), "anonymous", "official")
            if self.voice is not None and is_word(lex, "first_person", word):
                return whole(self.voice)   # "we regret", "nous appelons": the issuer
            if is_word(lex, "pronoun", word):   # "he", not "anyone"
                teller = self.reporting_subject(head, r, told)
                if teller is not None:   # "Moscou assure qu'elle ne procédera à aucun essai"
                    return whole(teller)
                before = [mn for mn in told if mn.kind in ("person", "title")
                          and mn.end <= left]
                if before:   # "Biden said Putin was not joking when he talked about..."
                    return whole(before[-1])
                persons = self.memory.persons
                return whole(persons[-1]) if persons else None
            if has_word(lex, "assessor_group", np_folded):
                found = nearest_assessor(left, assessors)
                return whole(found) if found else None
            return person
        if is_word(lex, "assessor_group", word) or has_word(lex, "assessor_group",
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
            if is_word(lex, "role_head", word) or is_word(lex, "role_head", head.lemma_):
                holder = self.role_holder(org)
                if holder is not None:
                    return whole(holder)
            return whole(org)
        # A country names the doer only as the head ("la Russie a remis") or with a group
        # noun ("les troupes biélorusses"), not inside "la construction ... au Bélarus".
        on_head = [mn for mn in inside if overlaps((mn.start, mn.end), head_span)]
        if on_head:
            return whole(on_head[0], "country")
        if is_word(lex, "group_noun", word) or is_word(lex, "group_noun", head.lemma_):
            return whole(inside[0], "group")
        return None

    def weapon_crews(self, head: Any, left: int, right: int, lex: LanguageLexicon,
                     systems: Sequence[Match]) -> Mention | None:
        """'the MiG-31 crews': a group named by the system it operates -> its country."""
        if not (is_word(lex, "group_noun", head.text) or is_word(lex, "group_noun", head.lemma_)):
            return None
        for m in systems:
            ref = m.first("weapon")
            if ref is None or not (left <= m.start < right):
                continue
            w = self.kb.weapon_by_id.get(ref.id)
            if w is not None and w.country and not w.generic:
                name = self.kb.country_name(w.country) or w.country
                return Mention(left, right, Entity(name, w.country, w.country), "crews")
        return None

    def unknown_person(self, head: Any, r: SentenceReading) -> Mention | None:
        """A person the knowledge base does not know, named inside the phrase (spaCy NER)."""
        left, right = head.left_edge.i, head.right_edge.i
        ent = next((e for e in head.doc.ents if left <= e.start and e.end <= right + 1
                    and e.label_ in ("PER", "PERSON")
                    and not any(m.first("weapon", "place", "country")
                                for m in self.gazetteer.find(e.text))), None)
        if ent is None:
            return None
        off = r.offset
        return self.person_mention(ent.text, head.left_edge.idx + off, ent.start_char + off,
                                   (head.left_edge.idx + off,
                                    head.right_edge.idx + off + len(head.right_edge.text)), r)

    def person_mention(self, text: str, title_from: int, name_at: int, span: Span,
                       r: SentenceReading, source_kind: str = "official") -> Mention:
        """A person named ``text`` by NER, as a mention over ``span``: the known person of
        the article whose name holds it ("Kim" in a headline, "Kim Jong Un" in the body),
        else a new person of the side named in the title before the name, between
        ``title_from`` and ``name_at`` ("le Premier ministre japonais Fumio Kishida"), else
        of the side the article told of them before."""
        name = display_name(text, r.language)
        known = self.person_named(name)
        if known is not None:
            return Mention(span[0], span[1], known.entity, "person", known.source_kind)
        before = [mn for mn in r.mentions if mn.kind in ("adjective", "country")
                  and title_from <= mn.start and mn.end <= name_at]
        country = before[-1].entity.country if before else self.memory.country_of(name)
        if country is not None:
            self.memory.note_country(name, country)
        return Mention(span[0], span[1], Entity(name, country, None), "person", source_kind)

    def know_people(self, mentions: Sequence[Mention]) -> None:
        """Remember the words of the names of the known persons the whole article names,
        so that a shorter form anywhere, even before the full name (a headline's "Kim"), is
        the same person. A word two of them share names neither."""
        owners: dict[str, set[str]] = {}
        first: dict[str, Mention] = {}
        for mn in mentions:
            if mn.kind != "person" or not mn.entity.id:
                continue
            for w in name_keys(mn.entity.name) | name_keys(self.text[mn.start:mn.end]):
                owners.setdefault(w, set()).add(mn.entity.id)
                first.setdefault(w, mn)
        self.people = {w: first[w] for w, ids in owners.items() if len(ids) == 1}

    def person_named(self, name: str) -> Mention | None:
        """The known person of this article whose name holds every word of ``name``."""
        keys = name_keys(name)
        if not keys or any(w not in self.people for w in keys):
            return None
        found = {self.people[w].entity.id: self.people[w] for w in keys}
        return next(iter(found.values())) if len(found) == 1 else None

    def role_holder(self, org: Mention) -> Mention | None:
        """'the head of the ministry' -> the person named before who holds a role there."""
        for mn in reversed(self.memory.persons):
            a = self.kb.actor(mn.entity.id or "")
            if a is None:
                continue
            if any(r.org == org.entity.id for r in a.roles):
                return mn
        for mn in reversed(self.memory.persons[-3:]):
            if mn.entity.country == org.entity.country:
                return mn
        return None

    def leader_before(self) -> Mention | None:
        """The head of state or government this article named last."""
        for mn in reversed(self.memory.persons):
            actor = self.kb.actor(mn.entity.id or "")
            if actor is not None and actor.rank(self.ref_date) == "head":
                return mn
        return None

    def named_before(self, word: str) -> Mention | None:
        """The body this article last named with ``word`` in its name ("the ministry")."""
        for mn in reversed(self.memory.actors):
            if mn.kind not in ("country", "adjective") and \
                    re.search(rf"\b{re.escape(word)}\b", fold(self.text[mn.start:mn.end])):
                return mn
        return None

    # ---- actor ----------------------------------------------------------------------
    def choose_actor(self, etype: str, speaker: Mention | None, doer: Mention | None,
                     r: SentenceReading) -> Mention | None:
        if etype in SPEECH_TYPES:
            if speaker is not None:
                return speaker
            if self.voice is not None and etype in RESPONSE_TYPES:
                return self.voice   # an official text's unsigned judgment is its issuer's
            if etype == "assessment":
                return nearest_assessor(r.start, r.assessors)
            if etype == "reaction":
                # no one speaks: whoever does the judging verb ("NATO condemned"), else the
                # judge of the sentence before (see fallback_actor) — the first state named
                # in an unsigned judgment is the one judged ("Russia's claimed suspension is
                # legally invalid"), not the judge
                return doer
        if etype == "arms_control" and "compliance_charge" in r.cues.hits:
            # "Russia was in material breach of the treaty", in a US statement: the
            # compliance dispute is raised by the accuser, and the accused is its target
            accuser = speaker or self.voice
            if accuser is not None and accuser.entity.country and (
                    doer is None or doer.entity.country != accuser.entity.country):
                return accuser
        if doer is not None and doer.kind == "crews" and speaker is not None:
            return speaker   # a system's maker is a weak guess at its operator
        return doer or speaker or self.doer_or_subject(None, r) or first_actor(r.mentions)

    def fallback_actor(self, etype: str, r: SentenceReading, weapon: Entity | None
                       ) -> Mention | None:
        """Who acts when the sentence names no one: the actor of the event told just before
        when it plays the same part (a signal's details continue the signal; a judgment goes
        on judging), else the state that fields the system named ("a Sarmat was
        launched"). A quoted speaker is not the voice of the unsigned judgments around the
        quote (in news and analysis those are the writer's), so none is taken from them."""
        judging = RESPONSE_TYPES
        previous = self.memory.last_emitted
        if previous is not None and previous[0].actor is not None and \
                r.index - previous[1] <= STORY_WINDOW and \
                (previous[0].type in judging) == (etype in judging):
            return Mention(r.start, r.start, previous[0].actor, "previous")
        if etype not in judging and weapon is not None and weapon.id is not None:
            system = self.kb.weapon_by_id.get(weapon.id)
            if system is not None and system.country and not system.generic:
                name = self.kb.country_name(system.country) or system.country
                return Mention(r.start, r.start,
                               Entity(name, system.country, system.country), "country")
        if etype not in judging and r.mentions and \
                all(mn.kind == "adjective" for mn in r.mentions) and \
                len({mn.entity.country for mn in r.mentions}) == 1:
            # "a new Russian ballistic missile was used": the one side the sentence names,
            # by its adjective only, owns what it describes
            return r.mentions[0]
        if etype not in judging and self.memory.last_signaller is not None:
            # a signal's detail told further on ("the revision lowers that bar"): the
            # article's last signaller
            return Mention(r.start, r.start, self.memory.last_signaller, "previous")
        return None

    def home_voice(self, actor: Mention | None, r: SentenceReading) -> Mention | None:
        """An unsigned judgment, or one by a person of unknown side, speaks from the side
        the press of its language mostly quotes (``home_country`` in the lexicon): a
        Ukrainian article's unnamed "experts", a French daily's researcher. Languages with
        no such side (English) leave it unknown."""
        if self.voice is not None:
            return actor if actor is not None and actor.entity.country else self.voice
        home = r.lexicon.home_country
        country = self.kb.country_by_code.get(home) if home else None
        if country is None:
            return actor
        if actor is not None:   # a named person: keep the name, give the side
            return Mention(actor.start, actor.end, Entity(actor.entity.name, country.code,
                                                          actor.entity.id), actor.kind,
                           actor.source_kind)
        return Mention(r.start, r.start, Entity(country.name, country.code, country.code),
                       "country")


def state_of(kb: Knowledge, actor: Entity) -> Entity:
    """The actor's state as an actor (the actor itself when its country is unknown)."""
    name = kb.country_name(actor.country)
    return Entity(name, actor.country, actor.country) if name is not None else actor


def acting_state(kb: Knowledge, actor: Entity) -> Entity:
    """The state a person acts for, as the actor of a signal whose sentence does not name
    them ("a Yars was launched from Plesetsk" after "Putin ordered the drills" is Russia's
    launch, not Putin's). Anyone else (a ministry, an analyst, a state) stays who they are."""
    known = kb.actor(actor.id) if actor.id else None
    return state_of(kb, actor) if known is not None and known.kind == "person" else actor


def command_as_state(kb: Knowledge, actor: Entity) -> Entity:
    """A command named after a territory (a military district) is where drills happen
    more than who signals: "units of the Southern Military District practised ..." is the
    state's exercise."""
    return state_of(kb, actor) if actor.id is not None and actor.id in kb.place_by_id \
        else actor


def stated_actors(events: Sequence[Event], carried: frozenset[str], kb: Knowledge
                  ) -> list[Event]:
    """The actors an article's events are reported with: a signal's actor carried from an
    earlier sentence (``carried``: event ids) is the state of the person who acted there,
    and a territorial command is its state. Done once the article is read, so that the
    reading itself (and what the learned layer sees) still follows the person."""
    out = []
    for e in events:
        actor = e.actor
        if actor is not None and e.event_id in carried and e.type not in RESPONSE_TYPES:
            actor = acting_state(kb, actor)
        if actor is not None:
            actor = command_as_state(kb, actor)
        out.append(e if actor is e.actor else replace(e, actor=actor))
    return out


def borrow_actors(events: Sequence[Event], kb: Knowledge) -> list[Event]:
    """An article's events whose sentence names no side take the side of the next event of
    the same kind (signal or judgment) that has one, else of the last before. A headline
    names its signaller later ("NUCLEAR WAR IF WE LOSE" above "Medvedev warned …"); a
    judgment told before its author is named is that author's, a signal is the state's
    (:func:`acting_state`). Reading sentence by sentence (:meth:`Actors.fallback_actor`)
    only sees what came before."""
    def judging(e: Event) -> bool:
        return e.type in RESPONSE_TYPES

    def sided(e: Event) -> bool:
        return e.actor is not None and e.actor.country is not None

    out = list(events)
    for i, e in enumerate(events):
        if sided(e):
            continue
        after = (o for o in events[i + 1:] if sided(o) and judging(o) == judging(e))
        before = (o for o in reversed(events[:i]) if sided(o) and judging(o) == judging(e))
        donor = next(after, None) or next(before, None)
        if donor is not None and donor.actor is not None:
            out[i] = replace(e, actor=donor.actor if judging(e) else
                             acting_state(kb, donor.actor))
    return out


# ---- the parse --------------------------------------------------------------------------
def subject_of(verb: Any) -> Any | None:
    subjects = subjects_of(verb)
    return subjects[0] if subjects else None


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


def postposed_speaker(verb: Any) -> Any | None:
    """'« ... », a déclaré Litvinenko': the parser often takes the speaker after the
    verb for an object; a proper noun right after a speech verb is its speaker."""
    for c in verb.children:
        if c.i > verb.i and c.i - verb.i <= 3 and c.pos_ == "PROPN":
            return c
    return None


def owners(noun: Any) -> list[Any]:
    """Possessors of a noun: "Russia's forces", "the alert of X", "la décision de X"."""
    out = []
    for c in noun.children:
        if c.dep_ in ("nmod", "poss", "nmod:poss"):
            cases = {fold(g.text) for g in c.children if g.dep_ == "case"}
            if cases & LOCATIVE_CASES:
                continue   # "placement in Belarus": where, not whose
            if cases & PARTNER_CASES:
                continue   # "l'application du traité avec la Russie": with whom, not whose
            if any(g.dep_ == "mark" for g in c.children) or (
                    c.dep_ == "nmod" and not cases and noun.doc.lang_ in UNINFLECTED):
                continue   # "un essai si les États-Unis …": a misparsed clause, not whose
            out.append(c)
        elif c.dep_ == "prep" and c.lower_ in ("of", "by"):
            out.extend(g for g in c.children if g.dep_ == "pobj")
    return out


def clause_start(lex: LanguageLexicon, folded: str, pos: int) -> int:
    """Start of the clause holding ``pos``: after the last complementiser or colon."""
    pat = lex.cue("clause_break")
    found = [m.end() for m in pat.finditer(folded, 0, pos)] if pat else []
    return found[-1] if found else 0


def token_at(r: SentenceReading, pos: int) -> Any | None:
    """The parsed token at sentence-relative ``pos`` (or the one the position follows)."""
    at = r.start + pos
    return next((t for t in r.tokens if t.idx + r.offset <= at < t.idx + r.offset + len(t) + 1),
                None)


def condition_clause(r: SentenceReading, pos: int) -> Span | None:
    """The conditional clause ("if …", "если …", "si …") holding sentence-relative ``pos``:
    from the conditional word to the next comma, or to the end of the sentence."""
    for a, b in r.conditions:
        if a <= pos:
            comma = r.text.find(",", b)
            end = comma if comma >= 0 else len(r.text)
            if pos < end:
                return (a, end)
    return None


def in_later_condition(r: SentenceReading, trigger: int, subject: int) -> bool:
    """Is there an "if"/"если"/"tant que" between the trigger and the subject after it?"""
    return any(trigger < c[0] < subject for c in r.conditions)


# ---- small helpers ----------------------------------------------------------------------
def display_name(text: str, language: str) -> str:
    """Canonical form of a name the knowledge base does not know (Latin nominative)."""
    if language in ("uk", "ru"):
        from .slavic import person_name

        return person_name(text, language)
    return text


def nearest_assessor(pos: int, assessors: Sequence[Mention]) -> Mention | None:
    if not assessors:
        return None
    return min(assessors, key=lambda mn: abs(mn.start - pos))


def first_actor(mentions: Sequence[Mention]) -> Mention | None:
    for mn in mentions:
        if mn.kind not in ("adjective", "country"):
            return mn
    return None
