"""Stories: mentions of one real-world happening, within and across articles and languages.

Clustering is greedy and deterministic. Mentions that carry their own date are visited first,
in date order, then the undated ones (placed by their article's publication date); each joins
the story it links to best, or starts a new one.

A link between two mentions needs compatible *kinds* (signals — threats, tests, deployments… —
may share a story with each other; an assessment or a reaction only with its own type), the
same acting side, and dates inside the window the type allows. An undated mention is taken to
report something that happened on or shortly before its publication day. Evidence then adds
up: the same document and nearby sentences, the same actor, the same specific weapon (a
Burevestnik says more than "nuclear weapons"), the same day, shared numbers and wording.
A mention joins a story only if it does not clash in date with most of the story, which
keeps one long chain of near neighbours from swallowing two happenings.

A story's id is derived from its first mention, so re-running on the same input gives the same
ids.
"""

from __future__ import annotations

import calendar
import hashlib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

from .knowledge import Knowledge
from .model import RESPONSE_TYPES, Event, EventDate
from .textutil import fold, words

# Days two mentions of one happening may lie apart, per type (a deployment is announced,
# built and reported over weeks; a threat is one day's words).
WINDOW_DAYS = {
    "threat": 3, "doctrine": 14, "exercise": 10, "deployment": 7, "readiness": 7,
    "test": 7, "arms_control": 7, "assessment": 7, "reaction": 3, "use": 2,
}
CROSS_TYPE_WINDOW = 7      # a test and the threat that came with it: same week
RECENT_DAYS = 3            # an undated mention most likely reports the last few days
NEAR_CHARS = 400           # "nearby" sentences of one article
MIN_SCORE = 2.0
STOPWORDS = frozenset({  # only words longer than three letters matter (see Mention.of)
    "that", "with", "from", "this", "have", "said", "pour", "dans", "avec", "sont", "leur",
    "також", "було", "який", "было", "также", "который", "about", "their",
})
_NUMBER = re.compile(r"\d[\d\s.,]*\d|\d")
_GENERIC_WEAPON_HINT = ("nuclear",)   # used when no knowledge base is given


@dataclass(frozen=True)
class Mention:
    """What clustering needs of an event."""

    event_id: str
    doc: str
    start: int
    type: str
    actor_name: str | None
    actor_id: str | None
    actor_country: str | None
    weapon: str | None
    specific_weapon: bool
    location: str | None
    event_date: EventDate | None
    published: date | None
    recalled: bool            # the sentence says it recalls something earlier
    language: str
    terms: frozenset[str]
    numbers: frozenset[str]

    @classmethod
    def of(cls, e: Event, published: date | None = None,
           generic_weapons: frozenset[str] | None = None, recalled: bool = False) -> Mention:
        weapon = e.weapon.name if e.weapon else None
        if weapon is None:
            specific = False
        elif generic_weapons is not None:
            specific = weapon not in generic_weapons
        else:
            specific = not any(h in weapon.lower() for h in _GENERIC_WEAPON_HINT)
        return cls(
            event_id=e.event_id, doc=e.doc, start=e.span[0], type=e.type,
            actor_name=e.actor.name if e.actor else None,
            actor_id=(e.actor.id or e.actor.name) if e.actor else None,
            actor_country=e.actor.country if e.actor else None,
            weapon=weapon, specific_weapon=specific,
            location=e.location.country if e.location else None,
            event_date=e.date, published=published, recalled=recalled, language=e.language,
            terms=frozenset(w for w in words(e.sentence) if len(w) > 3 and w not in STOPWORDS),
            numbers=frozenset(_numbers(e.sentence)),
        )

    @cached_property
    def day(self) -> date | None:
        return exact_day(self.event_date)

    @cached_property
    def interval(self) -> tuple[date, date] | None:
        """The days this mention's happening can lie in: its own date; else, when it recalls
        something, any day up to publication; else the last few days before publication."""
        own = date_interval(self.event_date)
        if own is not None or self.published is None:
            return own
        if self.recalled:
            return date.min, self.published
        return self.likely

    @cached_property
    def likely(self) -> tuple[date, date] | None:
        """Where the happening most probably lies: its own date, else (unless recalled) the
        last few days before publication."""
        own = date_interval(self.event_date)
        if own is not None:
            return own
        if self.published is not None and not self.recalled:
            # (a publication date near date.min has no "days before" to subtract)
            recent = timedelta(days=RECENT_DAYS)
            start = self.published - recent if self.published > date.min + recent else date.min
            return start, self.published
        return None


def _numbers(text: str) -> list[str]:
    """Figures quoted in a sentence (ranges, counts, distances): the same in every language.
    Four-digit years are left out: they say when, not what."""
    out = []
    for raw in _NUMBER.findall(text):
        digits = re.sub(r"\D", "", raw)
        if len(digits) >= 2 and not (len(digits) == 4 and digits.startswith(("19", "20"))):
            out.append(digits)
    return out


@dataclass
class Story:
    story_id: str
    type: str
    mentions: list[Mention] = field(default_factory=list)

    @property
    def docs(self) -> list[str]:
        return sorted({m.doc for m in self.mentions})

    @property
    def languages(self) -> list[str]:
        return sorted({m.language for m in self.mentions})

    @property
    def kind(self) -> str:
        """The type most of its mentions have (a test reported with its threat is a test)."""
        return _most_common(m.type for m in self.mentions) or self.type

    @property
    def title(self) -> str:
        """"test: Russia — Sarmat": the usual type, the actor named most often (among its
        mentions of that type), and the weapon named most often."""
        actor = _most_common(m.actor_name for m in self.mentions if m.type == self.kind) or \
            _most_common(m.actor_name for m in self.mentions)
        # the weapon named most often; a specific system wins a tie with a generic term
        ranked = sorted(self.mentions, key=lambda m: not m.specific_weapon)
        weapon = _most_common(m.weapon for m in ranked)
        return f"{self.kind}: {actor or 'unknown actor'}" + (f" — {weapon}" if weapon else "")


def _most_common(values: Iterable[str | None]) -> str | None:
    """The most frequent value (the first seen among equals), ignoring None."""
    counts: dict[str, int] = {}
    for v in values:
        if v is not None:
            counts[v] = counts.get(v, 0) + 1
    return max(counts, key=lambda v: counts[v]) if counts else None


def exact_day(d: EventDate | None) -> date | None:
    """The calendar day of a date known to the day, else None."""
    return d.as_day() if d is not None else None


def date_interval(d: EventDate | None) -> tuple[date, date] | None:
    """First and last day a (possibly partial) date covers; None without a year."""
    if d is None or d.year is None:
        return None
    day = exact_day(d)
    if day is not None:
        return day, day
    try:
        if d.month is not None:
            last = calendar.monthrange(d.year, d.month)[1]
            return date(d.year, d.month, 1), date(d.year, d.month, last)
        return date(d.year, 1, 1), date(d.year, 12, 31)
    except ValueError:
        return None


def _gap(a: tuple[date, date] | None, b: tuple[date, date] | None) -> int:
    """Days between two intervals (0 when they overlap or one is unknown)."""
    if a is None or b is None:
        return 0
    if a[1] < b[0]:
        return (b[0] - a[1]).days
    if b[1] < a[0]:
        return (a[0] - b[1]).days
    return 0


def _window(m: Mention, other: Mention) -> int:
    if m.type == other.type:
        return WINDOW_DAYS.get(m.type, 7)
    return min(CROSS_TYPE_WINDOW, WINDOW_DAYS.get(m.type, 7), WINDOW_DAYS.get(other.type, 7))


def _dates_clash(m: Mention, other: Mention) -> bool:
    a, b = m.interval, other.interval
    if a is not None and b is not None:
        return _gap(a, b) > _window(m, other)
    # "le 23 mars" with no year still clashes with 21 November of any year
    apart = _days_apart_in_year(m.event_date, other.event_date)
    return apart is not None and apart > _window(m, other)


def _days_apart_in_year(a: EventDate | None, b: EventDate | None) -> int | None:
    """Fewest days between two month-days, whatever their years (a lower bound of the true
    distance), or None when either lacks a day."""
    x, y = _day_of_year(a), _day_of_year(b)
    if x is None or y is None:
        return None
    return min(abs(x - y), 365 - abs(x - y))


def _day_of_year(d: EventDate | None) -> int | None:
    """Day of the year of a month-day (in a common year), or None without both."""
    if d is None or d.month is None or d.day is None:
        return None
    try:
        return date(2001, d.month, d.day).timetuple().tm_yday
    except ValueError:
        return None


def _dated(m: Mention) -> bool:
    return m.interval is not None or _day_of_year(m.event_date) is not None


def _different_days(m: Mention, other: Mention) -> bool:
    return m.day is not None and other.day is not None and m.day != other.day


def _near(m: Mention, other: Mention) -> bool:
    return m.doc == other.doc and abs(m.start - other.start) <= NEAR_CHARS


def _is_state(m: Mention) -> bool:
    return bool(m.actor_id) and m.actor_id == m.actor_country


def _same_actor(m: Mention, other: Mention) -> bool:
    """One actor, or, in one article, a state and one of its own: a drill's details
    reported as Russia's (their sentences name no one) belong with Putin's order of that
    drill told just before. Across articles a state and its president are two voices."""
    if not m.actor_id or not other.actor_id:
        return False
    return m.actor_id == other.actor_id or (
        m.doc == other.doc and m.actor_country == other.actor_country
        and (_is_state(m) or _is_state(other)))


def link(m: Mention, other: Mention) -> float:
    """Evidence that two mentions report one happening (0 = they cannot)."""
    if (m.type in RESPONSE_TYPES or other.type in RESPONSE_TYPES) and m.type != other.type:
        return 0.0
    if m.actor_country and other.actor_country and m.actor_country != other.actor_country:
        return 0.0
    if _dates_clash(m, other):
        return 0.0
    same_actor = _same_actor(m, other)
    same_weapon = bool(m.weapon) and m.weapon == other.weapon
    same_day = m.day is not None and m.day == other.day
    same_side = bool(m.actor_country) and m.actor_country == other.actor_country
    if m.type != other.type and not (
            (same_weapon and m.specific_weapon)
            or (((_near(m, other) and same_side) or same_actor)
                and not _different_days(m, other) and not (m.recalled or other.recalled))):
        return 0.0   # a test and a threat are one story only when something ties them
    if m.type == "threat" == other.type and m.actor_id and other.actor_id and not same_actor:
        return 0.0   # two officials' threats on one day are two stories
    if m.type in RESPONSE_TYPES:
        if m.actor_id and other.actor_id and not same_actor and not _near(m, other):
            return 0.0   # each side's reaction is its own story
        if m.doc != other.doc and not (_dated(m) and _dated(other)):
            return 0.0   # the same critics say the same things every month: need a date
    score = 1.0 if m.type == other.type else 0.0
    if m.doc == other.doc:
        score += 1.0 + (0.5 if _near(m, other) else 0.0)
    if same_actor:
        score += 1.0
    elif same_side:
        score += 0.25
    if same_weapon:
        score += 1.5 if m.specific_weapon else 0.25
    if m.location and m.location == other.location:
        score += 0.5
    if same_day:
        score += 1.5
    elif m.likely is not None and other.likely is not None and _gap(m.likely, other.likely) == 0:
        score += 0.75
    if m.numbers & other.numbers:
        score += 0.75
    union = len(m.terms | other.terms)
    if union:
        score += 2.0 * len(m.terms & other.terms) / union
    return score


def _fit(m: Mention, story: Story) -> float:
    """How well a mention fits a story: its best link, provided it does not clash in date
    with most of the story's dated mentions."""
    if m.actor_country and any(o.actor_country and o.actor_country != m.actor_country
                               for o in story.mentions):
        return 0.0   # no chaining across sides through mentions with no actor
    dated = [o for o in story.mentions if _dated(o)]
    if 2 * sum(_dates_clash(m, o) for o in dated) > len(dated):
        return 0.0
    return max(link(m, o) for o in story.mentions)


def _order(m: Mention) -> tuple[int, date, str, int]:
    own = date_interval(m.event_date)
    if own is not None:
        return (0 if own[0] == own[1] else 1), own[0], m.doc, m.start
    return 2, m.published or date.max, m.doc, m.start


REACH = max(WINDOW_DAYS.values())   # no link spans more days than this


@dataclass
class _Span:
    """The days a story's mentions cover, to skip stories a mention cannot join."""

    lo: date = date.max
    hi: date = date.min
    floating: bool = False   # a mention with no time at all: anything may link to it

    def add(self, m: Mention) -> None:
        when = m.interval
        if when is None:
            self.floating = True
        else:
            self.lo, self.hi = min(self.lo, when[0]), max(self.hi, when[1])

    def reachable(self, m: Mention) -> bool:
        when = m.interval
        if when is None or self.floating:
            return True
        return (when[0] - self.hi).days <= REACH and (self.lo - when[1]).days <= REACH


def cluster(events: Iterable[Event], published: Mapping[str, date | None] | None = None,
            kb: Knowledge | None = None, min_score: float = MIN_SCORE) -> list[Story]:
    """Group event mentions into stories (deterministic for the same input). ``published``
    (doc -> publication day) places undated mentions in time; ``kb`` tells generic weapon
    terms from specific systems."""
    pub = published or {}
    generic = frozenset(w.name for w in kb.weapons if w.generic) if kb is not None else None
    recalls = recall_cue(kb) if kb is not None else (lambda e: False)
    mentions = sorted((Mention.of(e, pub.get(e.doc), generic, recalls(e)) for e in events),
                      key=_order)
    stories: list[Story] = []
    spans: list[_Span] = []
    for m in mentions:
        best, best_score = -1, min_score
        for i, (st, span) in enumerate(zip(stories, spans, strict=True)):
            if not span.reachable(m):
                continue   # dates too far apart for any link (cheap: most stories)
            sc = _fit(m, st)
            if sc >= best_score and (best < 0 or sc > best_score):
                best, best_score = i, sc
        if best < 0:
            sid = "s" + hashlib.sha1(m.event_id.encode()).hexdigest()[:10]
            stories.append(Story(sid, m.type, []))
            spans.append(_Span())
        stories[best].mentions.append(m)
        spans[best].add(m)
    return stories


def b_cubed(predicted: Sequence[Sequence[str]], gold: dict[str, str]) -> tuple[float, float, float]:
    """B³ precision, recall and F1 of predicted clusters (lists of item ids) against gold
    labels (item id -> story label), over the items present in both."""
    label_of = {item: i for i, items in enumerate(predicted) for item in items}
    items = [i for i in gold if i in label_of]
    if not items:
        return 0.0, 0.0, 0.0
    p = r = 0.0
    for i in items:
        same_pred = {j for j in items if label_of[j] == label_of[i]}
        same_gold = {j for j in items if gold[j] == gold[i]}
        both = len(same_pred & same_gold)
        p += both / len(same_pred)
        r += both / len(same_gold)
    p, r = p / len(items), r / len(items)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


# ---- flags ---------------------------------------------------------------------------------
REPEAT_AFTER_DAYS = 1   # a mention published a day or more after its story was first seen
RECALLED_AFTER_DAYS = 7  # a signal dated this long before the article reporting it is recalled


@dataclass(frozen=True)
class Flags:
    """Per-mention novelty and per-story credibility flags."""

    novelty: dict[str, str]              # event_id -> "new" | "repeat"
    story_flags: dict[str, list[str]]    # story_id -> ["single_source", "unsourced", ...]


def flag(stories: Sequence[Story], events: Sequence[Event], published: dict[str, date | None],
         recall_cue: Callable[[Event], bool]) -> Flags:
    """``repeat`` when a mention recalls its story ("as Putin said in March", "нагадаємо") or
    appears a week or more after the story was first seen; ``new`` otherwise.
    ``single_source``: one document carries the story; ``unsourced``: an intelligence or
    anonymous claim with no named source in any mention."""
    by_id = {e.event_id: e for e in events}
    novelty: dict[str, str] = {}
    story_flags: dict[str, list[str]] = {}
    for st in stories:
        seen = [published.get(m.doc) for m in st.mentions if published.get(m.doc)]
        first_seen = min(d for d in seen if d is not None) if seen else None
        for m in st.mentions:
            e = by_id[m.event_id]
            pub = published.get(m.doc)
            late = first_seen is not None and pub is not None and \
                (pub - first_seen).days >= REPEAT_AFTER_DAYS
            old = m.day is not None and pub is not None and \
                (pub - m.day).days >= RECALLED_AFTER_DAYS
            novelty[m.event_id] = "repeat" if recall_cue(e) or late or old else "new"
        flags = []
        if len(st.docs) == 1:
            flags.append("single_source")
        claims = [by_id[m.event_id] for m in st.mentions]
        if all(e.attribution is None or e.attribution.kind in ("anonymous", "none")
               for e in claims) and any(e.type == "assessment" for e in claims):
            flags.append("unsourced")
        story_flags[st.story_id] = flags
    return Flags(novelty, story_flags)


def recall_cue(kb: Knowledge) -> Callable[[Event], bool]:
    """Does an event's sentence recall an earlier statement (per its language's lexicon)?"""

    def check(e: Event) -> bool:
        lex = kb.lexicons.get(e.language)
        pat = lex.cue("recall") if lex else None
        return bool(pat and pat.search(fold(e.sentence)))

    return check
