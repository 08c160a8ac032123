"""One document in, one DocumentResult out: a pure, picklable function of (document,
settings). Models are loaded once per process (see :mod:`tocsin.nlp`), so the same code runs
in a loop, a process pool or a Spark executor with identical results."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from .candidates import is_hot, paragraph_is_hot
from .clean import clean
from .cues import Cues, find_cues
from .extract import Judge, extract_events
from .gazetteer import Match
from .ingest import read_documents
from .learned import article_vectors
from .model import (
    Article,
    DocumentResult,
    Event,
    RawDocument,
    Sentence,
    SentenceFacts,
    Skipped,
)
from .nlp import Resources, get_resources
from .settings import Settings
from .textutil import fold


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
    # An article that names nuclear weapons anywhere is parsed whole: details of a signal
    # and reactions to it often sit paragraphs away from the nuclear word.
    relevant = any(paragraph_is_hot(f, res, lang)
                   for f, lang in zip(folded, lang_of, strict=True))
    wanted = [relevant] * len(body)
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


def prepare(article: Article, res: Resources) -> Prepared:
    """Parse the article and read every sentence's matches and cues. An article with no
    nuclear term or weapon system is only split into sentences: nothing more can come of it."""
    docs, sentences = parse_article(article, res)
    texts = [article.text[s.start : s.end] for s in sentences]
    if not docs:
        return Prepared(docs, sentences, [], [], texts, [], [])
    langs = [sentence_language(article, s) for s in sentences]
    matches = [res.gazetteer.find(article.text, s.start, s.end, lang)
               for s, lang in zip(sentences, langs, strict=True)]
    cues = [find_cues(fold(t), res.kb.lexicons[lang]) for t, lang in zip(texts, langs, strict=True)]
    hot = [is_hot(c, m, res) for c, m in zip(cues, matches, strict=True)]
    return Prepared(docs, sentences, matches, cues, texts, hot, [c.typed for c in cues])


def read_article(article: Article, settings: Settings) -> Reading:
    res = get_resources(settings)
    p = prepare(article, res)
    if not p.docs:
        return Reading(article, tuple(p.sentences), tuple(p.texts), (), (), (), ())
    events, facts = extract_events(article, p.docs, p.sentences, res, None, p.matches, p.cues)
    return Reading(article, tuple(p.sentences), tuple(p.texts), tuple(p.hot), tuple(p.typed),
                   tuple(facts), tuple(events))


def make_judge(p: Prepared, res: Resources) -> Judge | None:
    """The learned layer's judge for one article (None: the rules decide alone)."""
    model = res.sentence_model()
    if model is None:
        return None
    vectors = article_vectors(p.texts, p.hot, p.typed, res.encoder())

    def judge(facts: SentenceFacts) -> list[tuple[str, float]]:
        if vectors is None or facts.index not in vectors.candidates:
            return []
        x = vectors.features(facts, model.cue_names)
        return model.decide(model.probabilities(x[None, :])[0])

    return judge


def process_article(article: Article, settings: Settings) -> DocumentResult:
    res = get_resources(settings)
    if article.language not in settings.languages or article.language not in res.kb.lexicons:
        return DocumentResult(
            article.doc, article.content_id, None,
            skipped=Skipped("language", f"unsupported language '{article.language}' "
                            f"(supported: {', '.join(settings.languages)})", article.doc,
                            article.content_id))
    p = prepare(article, res)
    embedded_before = res.encoder().calls if settings.learned else 0
    events: list[Event] = []
    if p.docs:
        events, _ = extract_events(article, p.docs, p.sentences, res, make_judge(p, res),
                                   p.matches, p.cues)
    events = [e for e in events if e.confidence >= settings.min_confidence]
    # what the costly stages saw of this document (benchmarks report the shares)
    cost = {"sentences": len(p.sentences), "parsed": len(p.sentences) if p.docs else 0,
            "embedded": (res.encoder().calls - embedded_before) if settings.learned else 0}
    return DocumentResult(article.doc, article.content_id, article, tuple(p.sentences),
                          tuple(events), extra={"cost": cost})


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
