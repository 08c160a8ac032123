"""Which type of event a sentence reports, by the rules.

* *Continuation*: a sentence without a nuclear word or a nuclear-capable system may still carry
  an event when it refers back to the event just told: a reaction or a judgment of it, or a
  further step of the same procedure (:func:`inherits_context`).
* *Type* (:func:`choose_type`): reactions (condemnation cue + a referenced signal), assessments
  (an intelligence service or analyst speaks, or the sentence characterises a signal:
  rhetoric, blackmail, purpose, risk, belief), physical types (the trigger nearest to the
  nuclear term; a longer trigger phrase wins over one it contains), threats (the signaller
  speaks of its own use; if someone else speaks of it, assessment).

The rules read the sentence (:class:`~tocsin.reading.SentenceReading`) and the reader's memory
(:class:`~tocsin.reading.Context`); they ask :mod:`tocsin.actors` who does what a trigger
names through the resolvers they are given.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from .cues import Cues
from .knowledge import LanguageLexicon
from .model import RESPONSE_TYPES
from .reading import (
    STORY_WINDOW,
    Context,
    Mention,
    SentenceReading,
    Span,
    contains,
    inside,
    is_word,
    overlaps,
)

PHYSICAL = ("test", "exercise", "readiness", "deployment", "arms_control", "doctrine")
WEAPON_ONLY_TYPES = ("exercise", "deployment", "test", "readiness")
WORD = re.compile(r"\w+")
# a launch of these is a strategic signal even when no one says "nuclear"
STRATEGIC = re.compile(r"intercontinental|ICBM|SLBM|submarine-launched|strategic", re.I)
SPECIFICITY = 8.0      # characters of distance each extra word of a trigger is worth
INHERIT_WINDOW = 6     # sentences a reaction may lie after the signal it refers to
MODIFIER_PENALTY = 60.0
MAX_ANCHOR_DISTANCE = 150 # characters between a physical trigger and the nuclear term
ALERT_REACH = 90        # characters from a moving verb to the alert state it puts forces in

# Who does what the words at a (sentence-relative) span name; who is the subject of their verb.
DoerOf = Callable[[Span | None], Mention | None]
SubjectOf = Callable[[Span], Mention | None]


def inherits_context(idx: int, cues: Cues, mentions: Sequence[Mention], lex: LanguageLexicon,
                     memory: Context) -> bool:
    """Does a sentence without a nuclear word continue the signal of a sentence just
    before? Reactions and judgments that refer back to it, and further steps of the same
    kind of event ("the law was signed on 2 November")."""
    last = memory.last_event
    if last is None:
        return False
    gap = idx - memory.last_event_sentence
    names_actor = any(last.actor is not None and mn.entity.id == last.actor.id
                      for mn in mentions)
    names_side = any(last.actor is not None and mn.entity.country == last.actor.country
                     for mn in mentions if mn.kind != "adjective")
    if cues.has("trigger:" + last.type) and gap <= 2 and last.type in PHYSICAL and (
            last.type not in ("deployment", "exercise")
            or points_back(cues, "trigger:" + last.type, lex)):
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
    names_signaller = names_actor and last.type not in RESPONSE_TYPES
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
        memory.events_so_far >= 2


def points_back(cues: Cues, name: str, lex: LanguageLexicon) -> bool:
    """Is one of the cue's words introduced by a demonstrative ("these drills", "the
    first stage of the drills", "ces exercices")?"""
    for a, _ in cues.hits.get(name, []):
        before = cues.folded[max(0, a - 30):a].split()
        if before and is_word(lex, "demonstrative", before[-1]):
            return True
    return False


def justifies_own_signal(speaker: Mention, mentions: Sequence[Mention], memory: Context) -> bool:
    """Is the speaker the author (or the author's side) of the signal just before?"""
    last = memory.last_event
    if last is None or last.actor is None or last.type in RESPONSE_TYPES:
        return False
    same = speaker.entity.id is not None and speaker.entity.id == last.actor.id
    own = same or bool(speaker.entity.country
                       and speaker.entity.country == last.actor.country)
    # "it was not appropriate for Putin to say": another signaller named is answered
    answered = any(mn.entity.country and mn.entity.country != speaker.entity.country
                   and mn.entity.country in memory.signal_sides
                   for mn in mentions if mn.kind != "adjective")
    return own and not answered


def choose_type(r: SentenceReading, memory: Context, doer_of: DoerOf, verb_subject: SubjectOf
                ) -> tuple[str | None, Span | None]:
    """The event type of the sentence and the words that say it (sentence-relative), or
    (None, None) when the rules see no event."""
    cues, nuclear_words, speaker, inherited = r.cues, r.nuclear_words, r.speaker, r.inherited
    capable = [w for w in r.weapons if w[1].nuclear_capable]
    s0 = r.start   # weapon matches are absolute; cue spans sentence-relative
    anchors = list(nuclear_words) + [(m.start - s0, m.end - s0) for m, _ in capable]
    found = {k.split(":", 1)[1]: v for k, v in cues.hits.items() if k.startswith("trigger:")}
    launches = cues.hits.get("launch", [])
    strategic = any(STRATEGIC.search(w.category) for _, w in capable)
    if "test" in found and not nuclear_words and not strategic:
        # a dual-capable missile fired in combat is not a test unless called one
        found["test"] = [t for t in found["test"] if not any(overlaps(t, x)
                                                             for x in launches)]
    if cues.has("reaction"):
        # "dismissed the threats as blackmail", "called the new doctrine blackmail":
        # a trigger that names the signal reacted to is not a new signal
        refs = cues.hits.get("signal_reference", [])
        found = {k: [t for t in v if not any(overlaps(t, ref) and not contains(t, ref)
                                             for ref in refs)]
                 for k, v in found.items()}
    found = _longest_triggers({k: v for k, v in found.items() if v})
    if not nuclear_words:
        keep = set(WEAPON_ONLY_TYPES) if capable else set()
        if inherited and memory.last_event is not None:
            # inside a nuclear story every kind of step counts, not only the last one's
            keep |= set(PHYSICAL) - {"deployment", "exercise"}
            keep.add(memory.last_event.type)
        found = {k: v for k, v in found.items() if k in keep}
    assessor = speaker is not None and speaker.source_kind in ("intelligence", "analyst") \
        and speaker.kind != "media"
    # a judging word inside a trigger phrase ("… with aggressive rhetoric to think twice")
    # is part of that phrase, not a judgment
    trigger_spans = [t for v in found.values() for t in v]
    characterising = any(not inside(h, trigger_spans)
                         for h in cues.hits.get("assessment", []))
    believing = cues.has("belief")
    physical = sorted(((t, *_nearest(found[t], anchors, cues.folded)) for t in PHYSICAL
                       if t in found), key=lambda x: x[2] + _modifier_penalty(x[1], r.modifiers))
    # a trigger far from any nuclear term describes something else in the sentence
    physical = [p for p in physical if p[2] <= MAX_ANCHOR_DISTANCE or not anchors
                or p[0] not in WEAPON_ONLY_TYPES]
    threat = _nearest(found["threat"], anchors, cues.folded) if "threat" in found \
        else None
    judgment = cues.first("assessment") or cues.first("belief") or (0, 0)
    main = physical[0][1] if physical else threat[0] if threat else None
    doer = doer_of(main) if main is not None else None
    other_party = speaker is not None and any(
        mn.entity.country and mn.entity.country != speaker.entity.country
        and mn.kind != "adjective"   # "Belarusian aircraft" describes, it does not act
        and not overlaps((mn.start, mn.end), (speaker.start, speaker.end))
        for mn in r.mentions)
    own_response = main is not None and any(
        overlaps(main, x) for x in cues.hits.get("own_response", []))
    if own_response:
        other_side = False   # "grounds for a nuclear response": the speaker's side's
    elif doer is not None and speaker is not None:
        other_side = bool(doer.entity.country and speaker.entity.country
                          and doer.entity.country != speaker.entity.country
                          and not overlaps((doer.start, doer.end),
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
    if reacting and speaker is not None and justifies_own_signal(speaker, r.mentions, memory):
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
        subject = verb_subject(judgment) if judgment != (0, 0) else None
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
        last = memory.last_event
        if last is not None and last.type in found and last.type in PHYSICAL:
            return last.type, found[last.type][0]   # the same story goes on
        if physical:
            return physical[0][0], physical[0][1]   # a further step of the story
        if last is not None and last.type == "threat" and "threat" in found and \
                speaker is not None and justifies_own_signal(speaker, r.mentions, memory):
            return "threat", found["threat"][0]   # the same side's threat goes on
        if speaker is None:
            # "Defence analysts said the move was symbolic": an unnamed assessor
            return ("assessment", judgment) if cues.has("assessor_group") else (None, None)
        if justifies_own_signal(speaker, r.mentions, memory):
            return None, None   # the signaller explaining itself adds no new signal
        return ("reaction", cues.first("reaction")) if cues.has("reaction") else \
            ("assessment", judgment)
    last = memory.last_event

    def recent(gap: int) -> bool:
        return r.index - memory.last_event_sentence <= gap

    if physical and physical[0][0] == "test" and last is not None and \
            last.type == "exercise" and recent(2) and \
            any(overlaps(physical[0][1], x) for x in launches):
        return "exercise", physical[0][1]   # launches during drills are the drills
    if physical and physical[0][0] == "deployment" and last is not None and \
            last.type == "exercise" and recent(1) and not nuclear_words[1:]:
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


def _modifier_penalty(span: Span, modifiers: Sequence[Span]) -> float:
    """'les systèmes déjà livrés': a participle describing a noun is background, not the
    event the sentence reports."""
    return MODIFIER_PENALTY if any(overlaps(span, m) for m in modifiers) else 0.0


def _nearest(spans: list[Span], anchors: list[Span], stext: str = "") -> tuple[Span, float]:
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


def _longest_triggers(found: dict[str, list[Span]]) -> dict[str, list[Span]]:
    """A trigger inside a longer one gives way: the longer phrase says more ("special mode of
    combat duty" is readiness, though "combat duty" alone would be a deployment; "force those
    who threaten Russia to think twice" is one threat, not "threaten")."""
    spans = [span for v in found.values() for span in v]
    kept = {t: [span for span in v if not any(contains(other, span) for other in spans)]
            for t, v in found.items()}
    # "transfer the forces to a special mode of combat duty", "put them on high alert": the
    # verb moves forces into a state of readiness, it does not deploy anything
    alerts = kept.get("readiness", [])
    kept["deployment"] = [d for d in kept.get("deployment", []) if not any(
        0 <= a[0] - d[1] <= ALERT_REACH for a in alerts)]
    return {t: v for t, v in kept.items() if v}
