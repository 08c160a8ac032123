"""Ukrainian and Russian pipelines without translation.

* Russian: natasha (Segmenter, NER, morphology and a UD dependency parser whose models ship in
  the wheel), converted into spaCy ``Doc`` objects so the extractor reads every language the
  same way (tokens, heads, dependency labels, entities, sentences).
* Ukrainian: no parser or NER model ships on PyPI, so spaCy's blank ``uk`` tokenizer with the
  rule-based sentencizer; lemmas from pymorphy3; the extractor falls back to word order for
  speaker and doer, and the knowledge base is the gazetteer (matched on lemmas).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

from .errors import ConfigError


@lru_cache(maxsize=2)
def morph(language: str) -> Any:
    """pymorphy3 analyser for 'uk' or 'ru' (dictionaries are pip packages)."""
    try:
        import pymorphy3
    except ImportError as exc:  # pragma: no cover - declared dependency
        raise ConfigError("pymorphy3 is missing: run `make install`") from exc
    return pymorphy3.MorphAnalyzer(lang=language)


@lru_cache(maxsize=200_000)
def lemma(language: str, word: str) -> str:
    if not any("\u0400" <= c <= "\u04ff" for c in word):
        return word.lower()
    return str(morph(language).parse(word)[0].normal_form)


class UkrainianPipeline:
    """spaCy blank 'uk' + sentencizer, lemmas from pymorphy3."""

    def __init__(self) -> None:
        import spacy

        self.nlp = spacy.blank("uk")
        self.nlp.add_pipe("sentencizer")

    def _annotate(self, doc: Any) -> Any:
        for t in doc:
            t.lemma_ = lemma("uk", t.text)
        doc.ents = person_names(doc)
        return doc

    def __call__(self, text: str) -> Any:
        return self._annotate(self.nlp(text))

    def pipe(self, texts: Iterable[str], batch_size: int = 32) -> Iterator[Any]:
        for doc in self.nlp.pipe(texts, batch_size=batch_size):
            yield self._annotate(doc)


def person_names(doc: Any) -> list[Any]:
    """Ukrainian has no NER model: a first name the dictionary knows (pymorphy3's ``Name``),
    an optional patronymic, then a capitalised word is a person ("Андрій Гнатенко",
    "Олени Ковальчук"). Precise rather than complete: a surname alone is left to the
    knowledge base."""
    from spacy.tokens import Span

    spans = []
    i = 0
    while i < len(doc) - 1:
        if _is_first_name(doc[i].text):
            j = i + 1
            if j < len(doc) - 1 and _has_tag(doc[j].text, "Patr"):
                j += 1
            if _capitalised(doc[j].text):
                spans.append(Span(doc, i, j + 1, label="PER"))
                i = j + 1
                continue
        i += 1
    return spans


def _capitalised(word: str) -> bool:
    return len(word) > 1 and word[0].isupper() and word[1:].islower() and word.isalpha()


def _is_first_name(word: str) -> bool:
    return _capitalised(word) and _has_tag(word, "Name")


@lru_cache(maxsize=100_000)
def _has_tag(word: str, tag: str) -> bool:
    return any(tag in p.tag for p in morph("uk").parse(word))


class RussianPipeline:
    """natasha segmentation, morphology, syntax and NER, returned as spaCy Docs."""

    def __init__(self) -> None:
        import spacy
        from natasha import (
            NewsEmbedding,
            NewsMorphTagger,
            NewsNERTagger,
            NewsSyntaxParser,
            Segmenter,
        )

        emb = NewsEmbedding()
        self.segmenter = Segmenter()
        self.morph_tagger = NewsMorphTagger(emb)
        self.syntax = NewsSyntaxParser(emb)
        self.ner = NewsNERTagger(emb)
        self.vocab = spacy.blank("ru").vocab

    def __call__(self, text: str) -> Any:
        from natasha import Doc as NDoc
        from spacy.tokens import Doc, Span

        nd = NDoc(text)
        nd.segment(self.segmenter)
        nd.tag_morph(self.morph_tagger)
        nd.parse_syntax(self.syntax)
        nd.tag_ner(self.ner)
        tokens = nd.tokens
        if not tokens:
            return Doc(self.vocab, words=[])
        # Rebuild the exact text: whitespace other than one space becomes its own token, so
        # that token offsets in the spaCy Doc are offsets in the input (as for fr/en).
        words: list[str] = []
        spaces: list[bool] = []
        position: list[int] = []          # natasha token -> spaCy token
        for i, t in enumerate(tokens):
            position.append(len(words))
            words.append(t.text)
            gap = text[t.stop : tokens[i + 1].start] if i + 1 < len(tokens) else ""
            spaces.append(gap.startswith(" "))
            extra = gap[1:] if gap.startswith(" ") else gap
            if extra:
                words.append(extra)
                spaces.append(False)
        n = len(words)
        # whitespace tokens hang on the token before them, so they never start a sentence
        real = set(position)
        heads = [k - 1 if k and k not in real else k for k in range(n)]
        deps = ["dep"] * n
        pos = ["SPACE"] * n
        lemmas = list(words)
        sent_starts: list[bool | int | None] = [False] * n
        index = {t.id: i for i, t in enumerate(tokens)}
        for i, t in enumerate(tokens):
            k = position[i]
            heads[k] = position[index[t.head_id]] if t.head_id in index else k
            deps[k] = "ROOT" if t.rel == "root" or heads[k] == k else (t.rel or "dep")
            pos[k] = t.pos or "X"
            lemmas[k] = lemma("ru", t.text)
        for sent in nd.sents:
            if not sent.tokens:
                continue
            members = [position[index[t.id]] for t in sent.tokens]
            sent_starts[members[0]] = True
            # one tree per sentence: extra roots hang on the first (else spaCy would split)
            roots = [k for k in members if heads[k] == k]
            for k in roots[1:]:
                heads[k] = roots[0]
                deps[k] = "parataxis"
        sent_starts[0] = True
        doc = Doc(self.vocab, words=words, spaces=spaces, heads=heads, deps=deps, pos=pos,
                  lemmas=lemmas, sent_starts=sent_starts)
        ents = []
        for sp in nd.spans:
            inside = [position[i] for i, t in enumerate(tokens)
                      if t.start >= sp.start and t.stop <= sp.stop]
            if inside:
                ents.append(Span(doc, inside[0], inside[-1] + 1, label=sp.type))
        doc.ents = _non_overlapping(ents)
        return doc

    def pipe(self, texts: Iterable[str], batch_size: int = 32) -> Iterator[Any]:
        for text in texts:
            yield self(text)


def _non_overlapping(spans: list[Any]) -> list[Any]:
    out: list[Any] = []
    end = -1
    for s in sorted(spans, key=lambda s: (s.start, -len(s))):
        if s.start >= end:
            out.append(s)
            end = s.end
    return out


def person_name(text: str, language: str) -> str:
    """'Игоря Соколова' -> 'Igor Sokolov': each word to the nominative (keeping gender),
    then transliterated. Latin-script names are returned as they are."""
    from .textutil import transliterate

    if not any("\u0400" <= c <= "\u04ff" for c in text):
        return text
    words = []
    for w in text.split():
        best = None
        for p in morph(language).parse(w):
            if {"Name", "Surn", "Patr"} & set(str(p.tag).replace(" ", ",").split(",")):
                best = p
                break
        if best is not None:
            nom = best.inflect({"nomn", "sing"})
            w = (nom.word if nom else best.normal_form).capitalize()
        words.append(transliterate(w, language))
    return " ".join(words)
