"""Frozen dataclasses that flow one way through the pipeline:
RawDocument -> Article -> Event -> (later) Story.  All are picklable."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

EVENT_TYPES: tuple[str, ...] = (
    "threat", "doctrine", "exercise", "deployment", "readiness",
    "test", "arms_control", "assessment", "reaction", "use",
)
# judgments of someone else's signal (the spec's assessment and reaction), not signals
RESPONSE_TYPES = frozenset({"assessment", "reaction"})
MODALITIES: tuple[str, ...] = ("asserted", "hedged", "conditional", "negated", "planned")
ATTRIBUTION_KINDS: tuple[str, ...] = (
    "official", "intelligence", "analyst", "media", "anonymous", "none",
)
# Codes from the spec's table (events.md).
CAMEO: dict[str, str | None] = {
    "threat": "1385", "doctrine": None, "exercise": "150", "deployment": "154",
    "readiness": "152", "test": "150", "arms_control": "16x/03x", "assessment": None,
    "reaction": "11x/13x", "use": "2042",
}
PLOVER: dict[str, str] = {
    "threat": "THREATEN · violence · cbrn",
    "doctrine": "THREATEN · cbrn",
    "exercise": "MOBILIZE · weapons",
    "deployment": "MOBILIZE · weapons",
    "readiness": "MOBILIZE · weapons",
    "test": "MOBILIZE · weapons",
    "arms_control": "REJECT / AGREE · cbrn",
    "assessment": "misinformation",
    "reaction": "ACCUSE / REJECT",
    "use": "ASSAULT · unconventional · cbrn",
}

DocKind = Literal["text", "html"]


@dataclass(frozen=True)
class RawDocument:
    """One document as read from disk, before cleaning."""

    doc: str                 # the path as given; records of JSONL/CSV files get "path#N"
    content_id: str          # sha256 of the decoded content: the stable identity
    content: str             # decoded text (kind="text") or HTML source (kind="html")
    kind: DocKind = "text"
    encoding: str = "utf-8"
    url: str | None = None
    title: str | None = None
    published: date | None = None
    source: str | None = None
    notes: tuple[Note, ...] = ()   # what reading changed (bytes replaced...), kept on record
    crawled: date | None = None    # when a web archive fetched it: the last publication fallback


@dataclass(frozen=True)
class Note:
    """Something changed or cut while a document was read or cleaned; the document itself
    was kept. Stored beside the skips so that nothing is lost in silence."""

    stage: str     # ingest | clean | extract
    reason: str    # starts with "warning: "


@dataclass(frozen=True)
class Paragraph:
    start: int
    end: int
    language: str | None
    boilerplate: bool = False   # dropped from extraction (teasers, menus, share buttons...)
    reason: str | None = None   # why it was judged boilerplate


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    paragraph: int           # index into Article.paragraphs


@dataclass(frozen=True)
class Article:
    """Cleaned document. All offsets point into ``text`` which is the decoded file for plain
    text and the extracted main text for HTML."""

    doc: str
    content_id: str
    text: str
    language: str
    paragraphs: tuple[Paragraph, ...]
    title: str | None = None
    url: str | None = None
    published: date | None = None
    source: str | None = None
    kind: DocKind = "text"
    notes: tuple[Note, ...] = ()

    @property
    def body(self) -> tuple[Paragraph, ...]:
        return tuple(p for p in self.paragraphs if not p.boilerplate)


@dataclass(frozen=True)
class Entity:
    name: str
    country: str | None = None
    id: str | None = None     # knowledge-base id when resolved


@dataclass(frozen=True)
class Attribution:
    name: str | None
    kind: str                 # one of ATTRIBUTION_KINDS
    cue: str | None = None


@dataclass(frozen=True)
class EventDate:
    year: int | None = None
    month: int | None = None
    day: int | None = None

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year" if self.year else "none"

    def isoformat(self) -> str:
        """"2023-03-25", "2023-03" or "2023" (what is known, never invented)."""
        return "-".join(f"{x:02d}" for x in (self.year, self.month, self.day) if x)

    def as_day(self) -> date | None:
        """The calendar day, when the date is known to the day and valid."""
        if self.year is None or self.month is None or self.day is None:
            return None
        try:
            return date(self.year, self.month, self.day)
        except ValueError:
            return None


@dataclass(frozen=True)
class Event:
    event_id: str
    doc: str
    content_id: str
    type: str
    span: tuple[int, int]          # the evidence sentence, offsets into Article.text
    sentence: str
    actor: Entity | None
    target: Entity | None
    weapon: Entity | None
    location: Entity | None
    date: EventDate | None
    modality: str
    attribution: Attribution | None
    quote: str | None
    confidence: float
    language: str
    trigger: str = ""              # the words that fired the rule (for debugging / audit)

    @property
    def cameo(self) -> str | None:
        return CAMEO.get(self.type)

    @property
    def plover(self) -> str | None:
        return PLOVER.get(self.type)

    def to_json(self) -> dict[str, Any]:
        """The stable output record of ``tocsin extract --format jsonl``."""

        def ent(e: Entity | None, with_country: bool = True) -> dict[str, Any] | None:
            if e is None:
                return None
            return {"name": e.name, "country": e.country} if with_country else {"name": e.name}

        return {
            "event_id": self.event_id,
            "doc": self.doc,
            "type": self.type,
            "span": [self.span[0], self.span[1]],
            "sentence": self.sentence,
            "actor": ent(self.actor),
            "target": ent(self.target),
            "weapon": ent(self.weapon, with_country=False),
            "location": ent(self.location),
            # spelled out rather than dataclasses.asdict (a deep copy): a page of the API
            # serialises hundreds of these
            "date": ({"year": self.date.year, "month": self.date.month, "day": self.date.day}
                     if self.date else None),
            "modality": self.modality,
            "attribution": ({"name": self.attribution.name, "kind": self.attribution.kind,
                             "cue": self.attribution.cue} if self.attribution else None),
            "quote": self.quote,
            "confidence": round(self.confidence, 3),
            "language": self.language,
            "cameo": self.cameo,
            "plover": self.plover,
        }


@dataclass(frozen=True)
class SentenceFacts:
    """What the rules saw in one sentence: the learned layer's view of the rules (its cues
    become features), recorded whether or not the rules made an event of it."""

    index: int                 # sentence number in the article
    start: int
    end: int
    language: str
    cues: frozenset[str]       # lexicon cues and "trigger:<type>" names that fire
    rule_type: str | None      # the event type the rules chose, if any
    explicit: bool             # a nuclear word outside civil-nuclear phrases
    capable: bool              # a nuclear-capable system is named
    conventional: bool         # systems are named, none nuclear-capable
    inherited: bool            # the rules read it as continuing the signal before
    speaker_kind: str | None   # official, intelligence, analyst, media, anonymous
    speaker_is_signaller: bool # the speaker is the side of the signal just told
    parties: int               # distinct states or bodies named
    since_rule_event: int      # sentences since the rules' last event (capped)
    last_rule_type: str | None
    historical: bool           # a history piece, or a sentence dated before 2000
    quoted: bool


@dataclass(frozen=True)
class Skipped:
    """A document (or record) that was not processed, and why. A value, not an exception."""

    stage: str     # ingest | clean | language | extract | error (an unexpected exception)
    reason: str
    doc: str
    content_id: str | None = None


@dataclass(frozen=True)
class DocumentResult:
    """Everything one document produced: what the store writes in one transaction."""

    doc: str
    content_id: str
    article: Article | None
    sentences: tuple[Sentence, ...] = ()
    events: tuple[Event, ...] = ()
    skipped: Skipped | None = None
    notes: tuple[Note, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)
