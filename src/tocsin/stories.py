"""Stories: mentions of one real-world happening, within and across articles and languages.

Clustering is greedy and deterministic. Mentions are visited in a fixed order (date, document,
offset); each joins the best compatible story or starts a new one. Compatible means: the same
kind of happening, the same acting side, and dates inside the window the type allows; a shared
actor, weapon or place, or similar wording, then decides between candidates. A story's id is
derived from its first mention, so re-running on the same input gives the same ids.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from .knowledge import Knowledge
from .model import Event, EventDate
from .textutil import fold, words

# Days two dated mentions of one happening may lie apart, per type.
WINDOW_DAYS = {
    "threat": 3, "doctrine": 14, "exercise": 10, "deployment": 45, "readiness": 7,
    "test": 7, "arms_control": 20, "assessment": 7, "reaction": 3, "use": 2,
}
MIN_SCORE = 2.5
STOPWORDS = frozenset({  # only words longer than three letters matter (see Mention.of)
    "that", "with", "from", "this", "have", "said", "pour", "dans", "avec", "sont", "leur",
    "також", "було", "який", "было", "также", "который", "about", "their",
})


@dataclass(frozen=True)
class Mention:
    """What clustering needs of an event."""

    event_id: str
    doc: str
    start: int
    type: str
    actor_id: str | None
    actor_country: str | None
    weapon: str | None
    location: str | None
    date: EventDate | None
    language: str
    terms: frozenset[str]

    @classmethod
    def of(cls, e: Event) -> Mention:
        return cls(
            event_id=e.event_id, doc=e.doc, start=e.span[0], type=e.type,
            actor_id=(e.actor.id or e.actor.name) if e.actor else None,
            actor_country=e.actor.country if e.actor else None,
            weapon=e.weapon.name if e.weapon else None,
            location=e.location.country if e.location else None,
            date=e.date, language=e.language,
            terms=frozenset(w for w in words(e.sentence) if len(w) > 3 and w not in STOPWORDS),
        )


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


def exact_day(d: EventDate | None) -> date | None:
    """The calendar day of a date known to the day, else None."""
    if d is None or d.year is None or d.month is None or d.day is None:
        return None
    try:
        return date(d.year, d.month, d.day)
    except ValueError:
        return None


def _dates_agree(a: EventDate | None, b: EventDate | None, days: int) -> bool:
    """Unknown parts never disagree; known days must be within the window."""
    if a is None or b is None:
        return True
    for part in ("year", "month"):
        x, y = getattr(a, part), getattr(b, part)
        if x is not None and y is not None and x != y and days < 28:
            da, db = exact_day(a), exact_day(b)
            if da is None or db is None:
                return False
    da, db = exact_day(a), exact_day(b)
    if da is not None and db is not None:
        return abs((da - db).days) <= days
    return True


def _score(m: Mention, story: Story) -> float:
    """How well a mention fits a story (0 = incompatible)."""
    best = 0.0
    for other in story.mentions:
        if other.type != m.type and not (m.doc == other.doc and m.actor_id
                                         and m.actor_id == other.actor_id):
            continue   # one statement may carry several types; across articles, one type
        if m.actor_country and other.actor_country and m.actor_country != other.actor_country:
            continue
        if not _dates_agree(m.date, other.date, WINDOW_DAYS.get(m.type, 7)):
            continue
        score = 1.0
        if m.doc == other.doc:
            score += 1.0
        if m.actor_id and m.actor_id == other.actor_id:
            score += 1.5
        if m.weapon and m.weapon == other.weapon:
            score += 1.0
        if m.location and m.location == other.location:
            score += 0.5
        if exact_day(m.date) and exact_day(m.date) == exact_day(other.date):
            score += 1.0
        union = len(m.terms | other.terms)
        if union:
            score += 2.0 * len(m.terms & other.terms) / union
        best = max(best, score)
    return best


def _order(m: Mention) -> tuple[str, str, int]:
    d = m.date
    key = f"{d.year or 9999:04d}-{d.month or 99:02d}-{d.day or 99:02d}" if d else "9999"
    return key, m.doc, m.start


def cluster(events: Iterable[Event], min_score: float = MIN_SCORE) -> list[Story]:
    """Group event mentions into stories (deterministic for the same input)."""
    mentions = sorted((Mention.of(e) for e in events), key=_order)
    stories: list[Story] = []
    for m in mentions:
        scored = [(s, _score(m, s)) for s in stories]
        fits = [(s, sc) for s, sc in scored if sc >= min_score]
        if fits:
            best = max(fits, key=lambda x: (x[1], -stories.index(x[0])))[0]
            best.mentions.append(m)
            continue
        sid = "s" + hashlib.sha1(m.event_id.encode()).hexdigest()[:10]
        stories.append(Story(sid, m.type, [m]))
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
            old = exact_day(m.date) is not None and pub is not None and \
                (pub - exact_day(m.date)).days >= RECALLED_AFTER_DAYS    # type: ignore[operator]
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
