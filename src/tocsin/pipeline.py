"""One document in, one DocumentResult out: a pure, picklable function of (document,
settings). Models are loaded once per process (see :mod:`tocsin.nlp`), so the same code runs
in a loop, a process pool or a Spark executor with identical results."""

from __future__ import annotations

import logging
import time
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .actors import borrow_actors
from .budget import OverBudget, check, time_limit
from .candidates import (
    civil_story,
    conventional_war_story,
    is_hot,
    names_other_harm,
    names_weapons,
    paragraph_is_hot,
)
from .clean import clean
from .cues import Cues, find_cues
from .dates import history_dates
from .errors import TocsinError, describe_unexpected
from .extract import extract_events
from .gazetteer import Match
from .ingest import read_documents
from .learned import ArticleVectors, SentenceModel, article_vectors
from .model import (
    RESPONSE_TYPES,
    Article,
    DocumentResult,
    Event,
    Note,
    RawDocument,
    Sentence,
    SentenceFacts,
    Skipped,
)
from .nlp import Resources, get_resources
from .settings import Settings
from .textutil import fold

if TYPE_CHECKING:
    from .store import Store

log = logging.getLogger(__name__)

def parse_article(article: Article, res: Resources, deadline: float | None = None
                  ) -> tuple[dict[int, Any], list[Sentence]]:
    """Parse candidate paragraphs (and the one after each, for reactions that refer back)
    with the pipeline of each paragraph's own language; split every body paragraph of a
    supported language into sentences. Offsets stay absolute."""
    docs, sentences, _ = parse_article_capped(article, res, deadline)
    return docs, sentences


def parse_article_capped(article: Article, res: Resources, deadline: float | None = None
                         ) -> tuple[dict[int, Any], list[Sentence], int]:
    """:func:`parse_article`, and how many characters of wanted paragraphs were left
    unparsed because the document's parsed text reached ``settings.max_parsed_chars``.
    Past ``deadline`` (a ``time.monotonic()`` value) :class:`OverBudget` is raised."""
    langs = [lang for lang in res.settings.languages if lang in res.kb.lexicons]
    body = [(i, p) for i, p in enumerate(article.paragraphs)
            if not p.boilerplate and (p.language or article.language) in langs]
    texts = [article.text[p.start : p.end] for _, p in body]
    lang_of = [p.language or article.language for _, p in body]
    folded = [fold(t) for t in texts]
    # An article that names nuclear weapons anywhere is parsed whole: details of a signal
    # and reactions to it often sit paragraphs away from the nuclear word.
    relevant = any(paragraph_is_hot(f, res, lang)
                   for f, lang in zip(folded, lang_of, strict=True))
    wanted = [relevant] * len(body)
    unparsed = _cap_parsed(wanted, texts, res.settings.max_parsed_chars)
    docs: dict[int, Any] = {}
    for lang in dict.fromkeys(lang_of):
        todo = [k for k in range(len(body)) if wanted[k] and lang_of[k] == lang]
        if not todo:
            continue
        parsed = res.pipeline(lang).pipe([texts[k] for k in todo],
                                         batch_size=res.settings.batch_size)
        for k, doc in zip(todo, parsed, strict=True):
            doc.user_data["offset"] = body[k][1].start
            docs[body[k][0]] = doc
            check(deadline)
    sentences: list[Sentence] = []
    for k, (pi, p) in enumerate(body):
        check(deadline)
        doc = docs[pi] if wanted[k] else res.splitter(lang_of[k])(texts[k])
        for s in doc.sents:
            text = s.text
            if not text.strip():
                continue
            start = p.start + s.start_char
            sentences.append(Sentence(start, start + len(text), pi))
    return docs, sentences, unparsed


def _cap_parsed(wanted: list[bool], texts: list[str], cap: int) -> int:
    """Unset ``wanted`` past ``cap`` characters of parsed text (parsing and extraction cost
    tens of µs a character: this bounds a document's time); return the characters left."""
    total = unparsed = 0
    for k, text in enumerate(texts):
        if not wanted[k]:
            continue
        if total + len(text) > cap:
            wanted[k] = False
            unparsed += len(text)
        else:
            total += len(text)
    return unparsed


def sentence_language(article: Article, sentence: Sentence) -> str:
    return article.paragraphs[sentence.paragraph].language or article.language


@dataclass(frozen=True)
class Reading:
    """An article as the rules read it, before any judge: what training learns from."""

    article: Article
    sentences: tuple[Sentence, ...]
    texts: tuple[str, ...]
    hot: tuple[bool, ...]
    typed: tuple[bool, ...]
    facts: tuple[SentenceFacts, ...]
    rule_events: tuple[Event, ...]


@dataclass(frozen=True)
class Prepared:
    """An article parsed, with each sentence's gazetteer matches and lexicon cues."""

    docs: dict[int, Any]
    sentences: list[Sentence]
    matches: list[list[Match]]
    cues: list[Cues]
    texts: list[str]
    hot: list[bool]
    typed: list[bool]
    unparsed: int = 0   # characters past the parse cap (see parse_article_capped)


def prepare(article: Article, res: Resources, deadline: float | None = None) -> Prepared:
    """Parse the article and read every sentence's matches and cues. An article with no
    nuclear term or weapon system is only split into sentences: nothing more can come of it."""
    docs, sentences, unparsed = parse_article_capped(article, res, deadline)
    texts = [article.text[s.start : s.end] for s in sentences]
    if not docs:
        return Prepared(docs, sentences, [], [], texts, [], [], unparsed)
    langs = [sentence_language(article, s) for s in sentences]
    matches = [res.gazetteer.find(article.text, s.start, s.end, lang)
               for s, lang in zip(sentences, langs, strict=True)]
    cues = [find_cues(fold(t), res.kb.lexicons[lang]) for t, lang in zip(texts, langs, strict=True)]
    # (a sentence left unparsed by the cap is not hot: no embedding is computed for it)
    hot = [s.paragraph in docs and is_hot(c, m, res)
           for s, c, m in zip(sentences, cues, matches, strict=True)]
    return Prepared(docs, sentences, matches, cues, texts, hot, [c.typed for c in cues],
                    unparsed)


def read_article(article: Article, settings: Settings) -> Reading:
    res = get_resources(settings)
    p = prepare(article, res)
    if not p.docs:
        return Reading(article, tuple(p.sentences), tuple(p.texts), (), (), (), ())
    events, facts = extract_events(article, p.docs, p.sentences, res, None, p.matches, p.cues)
    return Reading(article, tuple(p.sentences), tuple(p.texts), tuple(p.hot), tuple(p.typed),
                   tuple(facts), tuple(events))


class ArticleJudge:
    """The learned layer's decisions on one article's sentences, and whether one of them
    was sure (:meth:`~tocsin.learned.SentenceModel.sure`): without a sure one, the article's
    events are dropped (see ``SentenceModel.article_threshold``)."""

    def __init__(self, model: SentenceModel, vectors: ArticleVectors | None) -> None:
        self._model = model
        self._vectors = vectors
        self.sure = False

    def __call__(self, facts: SentenceFacts) -> list[tuple[str, float]]:
        if self._vectors is None or facts.index not in self._vectors.candidates:
            return []
        model = self._model
        x = model.with_neighbours(self._vectors.features(facts, model.cue_names)[None, :])
        probs = model.probabilities(x)[0]
        self.sure = self.sure or model.sure(probs)
        return model.decide(probs)


def make_judge(p: Prepared, res: Resources) -> ArticleJudge | None:
    """The learned layer's judge for one article (None: the rules decide alone)."""
    model = res.sentence_model()
    if model is None:
        return None
    return ArticleJudge(model, article_vectors(p.texts, p.hot, p.typed, res.encoder()))


def judged_events(article: Article, p: Prepared, res: Resources,
                  deadline: float | None = None) -> list[Event]:
    """The events of a prepared article: the rules read it and the judge (when the settings
    have one) decides. A war report in which dual-capable missiles strike conventionally
    (:func:`~tocsin.candidates.conventional_war_story`) has none. An article with fewer
    than ``settings.judge_alone_min_hot`` hot sentences is read by the rules first, and
    dropped without embedding anything when they see no signal in it (the judge alone would
    keep no event of it, see :func:`corroborated`, or rarely)."""
    settings = res.settings
    if conventional_war_story(p.cues, p.matches, res):
        return []   # decided before any reading or encoding: nothing in it is a signal
    if settings.learned and sum(p.hot) < settings.judge_alone_min_hot:
        _, facts = extract_events(article, p.docs, p.sentences, res, None, p.matches, p.cues)
        if not any(f.rule_type is not None for f in facts):
            return []   # no rule event, and too little for the judge alone
        check(deadline)
    judge = make_judge(p, res)
    events, facts = extract_events(article, p.docs, p.sentences, res, judge,
                                   p.matches, p.cues)
    if judge is not None and not judge.sure:
        return []   # only sentences under the threshold: none would be kept without them
    kept = weapons_told(about_nuclear(corroborated(events, facts, settings), p, res), p, res)
    return borrow_actors(present(kept, article, settings), res.kb)


def about_nuclear(events: list[Event], p: Prepared, res: Resources) -> list[Event]:
    """Without the reactions and judgments whose sentence names a harm that is not nuclear
    and no nuclear weapon ("condemns the missile attacks on Kyiv", "claims about biological
    laboratories"): in an article about a nuclear signal they read like its reactions. On
    the written corpus's train and dev splits this shape holds 4 of 4,858 required gold
    reactions and judgments, and 208 of its hard negatives."""
    cues_of = sentence_cues(p)
    return [e for e in events if e.type not in RESPONSE_TYPES
            or not names_other_harm(*cues_of(e), res)]


def sentence_cues(p: Prepared) -> Callable[[Event], tuple[Cues, list[Match]]]:
    """Event -> the cues and gazetteer matches of the sentence its evidence starts in."""
    starts = [s.start for s in p.sentences]

    def of(e: Event) -> tuple[Cues, list[Match]]:
        k = max(bisect_right(starts, e.span[0]) - 1, 0)
        return p.cues[k], p.matches[k]

    return of


def weapons_told(events: list[Event], p: Prepared, res: Resources) -> list[Event]:
    """In an article about a civil nuclear site (Zaporizhzhia's power plant, a reactor
    build), only events whose own sentence names nuclear weapons: the reactions to shelling
    of a plant ("nuclear terrorism", "reckless") read like signals but are not (spec: civil
    nuclear sites are not events unless tied to a weapons signal)."""
    if not events or not civil_story(p.cues):
        return events
    cues_of = sentence_cues(p)
    return [e for e in events if names_weapons(*cues_of(e), res)]


def present(events: list[Event], article: Article, settings: Settings) -> list[Event]:
    """The events that are not history: dated ``settings.history_years`` or more before the
    article's publication, or told in a sentence whose own dates all are ("On 22 October
    1962 Kennedy warned …"), they are the past (spec: history lessons with no present
    signaller are not events). Undated articles (encyclopaedic text) keep them."""
    published = article.published
    if published is None or not settings.history_years:
        return events
    oldest = published.year - settings.history_years

    def past(e: Event) -> bool:
        if e.date is not None and e.date.year is not None and e.date.year <= oldest:
            return True
        told = history_dates(article.text, e.span[0], e.span[1], e.language, published)
        return told is not None and all(d.date.year is not None and d.date.year <= oldest
                                        for d in told)

    return [e for e in events if not past(e)]


def corroborated(events: list[Event], facts: list[SentenceFacts], settings: Settings
                 ) -> list[Event]:
    """The article's events, or none when only the judge saw a signal and was not sure of
    any: on articles the rules read as empty, the judge's doubtful events were mostly false
    alarms (nuclear power, idioms, conventional weapons), its sure ones real signals told in
    words the lexicons lack."""
    if not events or any(f.rule_type is not None for f in facts):
        return events
    if max(e.confidence for e in events) >= settings.judge_alone_confidence:
        return events
    return []


def process_article(article: Article, settings: Settings,
                    started: float | None = None) -> DocumentResult:
    """Parse and extract; over the time budget (counted from ``started``), a skip."""
    res = get_resources(settings)
    if article.language not in settings.languages or article.language not in res.kb.lexicons:
        return DocumentResult(
            article.doc, article.content_id, None,
            skipped=Skipped("language", f"unsupported language '{article.language}' "
                            f"(supported: {', '.join(settings.languages)})", article.doc,
                            article.content_id), notes=article.notes)
    deadline = (started or time.monotonic()) + settings.max_seconds
    embedded_before = res.encoder().calls if settings.learned else 0
    events: list[Event] = []
    try:
        p = prepare(article, res, deadline)
        if p.docs:
            events = judged_events(article, p, res, deadline)
        check(deadline)
    except OverBudget:
        return _over_budget(article.doc, article.content_id, article.notes, settings)
    notes = article.notes + ((Note("extract", f"warning: {p.unparsed} characters of signal "
                                   f"paragraphs past the first {settings.max_parsed_chars} "
                                   "not parsed; split the document to extract them"),)
                             if p.unparsed else ())
    events = [e for e in events if e.confidence >= settings.min_confidence]
    # what the costly stages saw of this document (benchmarks report the shares)
    cost = {"sentences": len(p.sentences), "parsed": len(p.sentences) if p.docs else 0,
            "embedded": (res.encoder().calls - embedded_before) if settings.learned else 0}
    return DocumentResult(article.doc, article.content_id, article, tuple(p.sentences),
                          tuple(events), notes=notes, extra={"cost": cost})


def _over_budget(doc: str, cid: str, notes: tuple[Note, ...], settings: Settings
                 ) -> DocumentResult:
    return DocumentResult(
        doc, cid, None, notes=notes,
        skipped=Skipped("extract", f"over the time budget of {settings.max_seconds:g} s per "
                        "document; split the document or raise the budget", doc, cid))


def process_document(raw: RawDocument, settings: Settings) -> DocumentResult:
    """The unit of work: clean, identify the language, parse, extract; within the time
    budget (see :mod:`tocsin.budget`), else a skip."""
    started = time.monotonic()
    try:
        with time_limit(settings.max_seconds):
            cleaned = clean(raw, settings)
            if isinstance(cleaned, Skipped):
                return DocumentResult(raw.doc, raw.content_id, None, skipped=cleaned,
                                      notes=raw.notes)
            return process_article(cleaned, settings, started)
    except OverBudget:
        return _over_budget(raw.doc, raw.content_id, raw.notes, settings)


def process_item(item: RawDocument | Skipped, settings: Settings) -> DocumentResult:
    """The document boundary: an unexpected exception in one document becomes a recorded
    skip (its traceback goes to the log) and the batch goes on. A TocsinError (bad settings,
    a missing model, a broken knowledge base) is not about this document: it propagates."""
    if isinstance(item, Skipped):
        return DocumentResult(item.doc, item.content_id or "", None, skipped=item)
    try:
        return process_document(item, settings)
    except TocsinError:
        raise   # a configuration or knowledge-base problem: every document would fail
    except Exception as exc:  # noqa: BLE001 - the document boundary: record, go on
        log.exception("processing %s failed", item.doc)
        return DocumentResult(item.doc, item.content_id, None, notes=item.notes,
                              skipped=Skipped("error", describe_unexpected(exc), item.doc,
                                              item.content_id))


def extract_paths(paths: Iterable[str], settings: Settings) -> Iterator[DocumentResult]:
    """Ingest and process everything under ``paths``, in order."""
    for item in read_documents(paths, settings):
        yield process_item(item, settings)


def save_result(store: Store, result: DocumentResult, run_id: int) -> bool:
    """Store one result; a result the database refuses (not a lock or a full disk, which
    stop the run) is stored as a skip saying why instead. True when something new was
    written."""
    try:
        return store.save(result, run_id)
    except TocsinError:
        raise   # the database itself is unusable (locked, full, read-only): stop the run
    except Exception as exc:  # noqa: BLE001 - the storage boundary of one document
        log.exception("storing %s failed", result.doc)
        refused = Skipped("store", describe_unexpected(exc), result.doc)
        return store.save(DocumentResult(result.doc, result.content_id, None, skipped=refused),
                          run_id)


def save_counted(store: Store, result: DocumentResult, run_id: int,
                 counts: MutableMapping[str, int]) -> None:
    """:func:`save_result`, tallying what a run summary reports (documents, skipped,
    events, new)."""
    if result.skipped:
        counts["skipped"] += 1
    else:
        counts["documents"] += 1
        counts["events"] += len(result.events)
    if save_result(store, result, run_id):
        counts["new"] += 1
