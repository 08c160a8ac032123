"""One document in, one DocumentResult out: a pure, picklable function of (document,
settings). Models are loaded once per process (see :mod:`tocsin.nlp`), so the same code runs
in a loop, a process pool or a Spark executor with identical results."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from .budget import OverBudget, check, time_limit
from .clean import clean
from .errors import StoreError, describe_unexpected
from .extract import extract_events
from .ingest import read_documents
from .model import Article, DocumentResult, Note, RawDocument, Sentence, Skipped
from .nlp import Resources, get_resources
from .settings import Settings
from .textutil import fold

if TYPE_CHECKING:
    from .store import Store

log = logging.getLogger(__name__)
FOLLOW = 2   # paragraphs after a nuclear one that are parsed too


def is_candidate(folded: str, res: Resources, language: str) -> bool:
    """Cheap pre-filter: only paragraphs that mention nuclear weapons terms or a
    nuclear-capable system go through the (costly) parser."""
    lex = res.kb.lexicons.get(language)
    nuclear = lex.cue("nuclear") if lex else None
    if nuclear is not None and nuclear.search(folded):
        return True
    return any(m.first("weapon") for m in res.gazetteer.find(folded))


def parse_article(article: Article, res: Resources, deadline: float | None = None
                  ) -> tuple[dict[int, Any], list[Sentence]]:
    """Parse candidate paragraphs (and the one after each, for reactions that refer back)
    with the pipeline of each paragraph's own language; split every body paragraph of a
    supported language into sentences. Offsets stay absolute. Past ``deadline`` (a
    ``time.monotonic()`` value), :class:`OverBudget` is raised between paragraphs."""
    docs, sentences, _ = parse_article_capped(article, res, deadline)
    return docs, sentences


def parse_article_capped(article: Article, res: Resources, deadline: float | None = None
                         ) -> tuple[dict[int, Any], list[Sentence], int]:
    """:func:`parse_article`, and how many characters of wanted paragraphs were left
    unparsed because the document's parsed text reached ``settings.max_parsed_chars``."""
    langs = [lang for lang in res.settings.languages if lang in res.kb.lexicons]
    body = [(i, p) for i, p in enumerate(article.paragraphs)
            if not p.boilerplate and (p.language or article.language) in langs]
    texts = [article.text[p.start : p.end] for _, p in body]
    lang_of = [p.language or article.language for _, p in body]
    folded = [fold(t) for t in texts]
    flags = [is_candidate(f, res, lang) for f, lang in zip(folded, lang_of, strict=True)]
    # Paragraphs near a nuclear one may react to it or continue it without repeating the
    # word: parse the two after each, and any with a reaction cue in a nuclear article.
    wanted = [f or any(flags[max(0, k - FOLLOW) : k]) for k, f in enumerate(flags)]
    if any(flags):
        for k, f in enumerate(folded):
            lex = res.kb.lexicons[lang_of[k]]
            for cue in ("reaction", "weapon_anaphor"):
                pat = lex.cue(cue)
                if pat is not None and pat.search(f):
                    wanted[k] = True
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
    about 30 µs a character: this bounds a document's time); return the characters left."""
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
    try:
        docs, sentences, unparsed = parse_article_capped(article, res, deadline)
        events = extract_events(article, docs, sentences, res)
        check(deadline)
        notes = article.notes + ((Note("extract", f"warning: {unparsed} characters of signal "
                                       f"paragraphs past the first {settings.max_parsed_chars}"
                                       " not parsed; split the document to extract them"),)
                                 if unparsed else ())
    except OverBudget:
        return _over_budget(article.doc, article.content_id, article.notes, settings)
    events = [e for e in events if e.confidence >= settings.min_confidence]
    return DocumentResult(article.doc, article.content_id, article, tuple(sentences),
                          tuple(events), notes=notes)


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
    skip (its traceback goes to the log) and the batch goes on."""
    if isinstance(item, Skipped):
        return DocumentResult(item.doc, item.content_id or "", None, skipped=item)
    try:
        return process_document(item, settings)
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
    except StoreError:
        raise
    except Exception as exc:  # noqa: BLE001 - the storage boundary of one document
        log.exception("storing %s failed", result.doc)
        refused = Skipped("store", describe_unexpected(exc), result.doc)
        return store.save(DocumentResult(result.doc, result.content_id, None, skipped=refused),
                          run_id)
