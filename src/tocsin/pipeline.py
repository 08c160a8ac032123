"""One document in, one DocumentResult out: a pure, picklable function of (document,
settings). Models are loaded once per process (see :mod:`tocsin.nlp`), so the same code runs
in a loop, a process pool or a Spark executor with identical results."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from .clean import clean
from .extract import extract_events
from .ingest import read_documents
from .model import Article, DocumentResult, RawDocument, Sentence, Skipped
from .nlp import Resources, get_resources
from .settings import Settings
from .textutil import fold

FOLLOW = 2   # paragraphs after a nuclear one that are parsed too


def is_candidate(folded: str, res: Resources, language: str) -> bool:
    """Cheap pre-filter: only paragraphs that mention nuclear weapons terms or a
    nuclear-capable system go through the (costly) parser."""
    lex = res.kb.lexicons.get(language)
    nuclear = lex.cue("nuclear") if lex else None
    if nuclear is not None and nuclear.search(folded):
        return True
    return any(m.first("weapon") for m in res.gazetteer.find(folded))


def parse_article(article: Article, res: Resources) -> tuple[dict[int, Any], list[Sentence]]:
    """Parse candidate paragraphs (and the one after each, for reactions that refer back)
    with the pipeline of each paragraph's own language; split every body paragraph of a
    supported language into sentences. Offsets stay absolute."""
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
    sentences: list[Sentence] = []
    for k, (pi, p) in enumerate(body):
        doc = docs[pi] if wanted[k] else res.splitter(lang_of[k])(texts[k])
        for s in doc.sents:
            text = s.text
            if not text.strip():
                continue
            start = p.start + s.start_char
            sentences.append(Sentence(start, start + len(text), pi))
    return docs, sentences


def process_article(article: Article, settings: Settings) -> DocumentResult:
    res = get_resources(settings)
    if article.language not in settings.languages or article.language not in res.kb.lexicons:
        return DocumentResult(
            article.doc, article.content_id, None,
            skipped=Skipped("language", f"unsupported language '{article.language}' "
                            f"(supported: {', '.join(settings.languages)})", article.doc,
                            article.content_id))
    docs, sentences = parse_article(article, res)
    events = extract_events(article, docs, sentences, res)
    events = [e for e in events if e.confidence >= settings.min_confidence]
    return DocumentResult(article.doc, article.content_id, article, tuple(sentences),
                          tuple(events))


def process_document(raw: RawDocument, settings: Settings) -> DocumentResult:
    """The unit of work: clean, identify the language, parse, extract."""
    cleaned = clean(raw, settings)
    if isinstance(cleaned, Skipped):
        return DocumentResult(raw.doc, raw.content_id, None, skipped=cleaned)
    return process_article(cleaned, settings)


def process_item(item: RawDocument | Skipped, settings: Settings) -> DocumentResult:
    if isinstance(item, Skipped):
        return DocumentResult(item.doc, item.content_id or "", None, skipped=item)
    return process_document(item, settings)


def extract_paths(paths: Iterable[str], settings: Settings) -> Iterator[DocumentResult]:
    """Ingest and process everything under ``paths``, in order."""
    for item in read_documents(paths, settings):
        yield process_item(item, settings)
