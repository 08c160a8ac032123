"""Find knowledge-base entities in text: exact alias n-grams on folded words, then a
transliteration skeleton and a fuzzy (rapidfuzz) pass for proper names written differently."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz, process

from .knowledge import Knowledge, load_knowledge
from .textutil import WORD_RE, fold, skeleton

ENTRY_PRIORITY = {"actor": 0, "place": 1, "weapon": 2, "country": 3, "title": 4, "adjective": 5}


FUZZY_MIN = 6   # letters a word needs before it may be a misspelt surname

@dataclass(frozen=True)
class Ref:
    kind: str        # actor | country | adjective | weapon | place | title
    id: str          # actor id, country code, weapon id, place id; title: "actor_id#role_index"


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    text: str
    refs: tuple[Ref, ...]
    how: str = "exact"  # exact | skeleton | fuzzy

    def first(self, *kinds: str) -> Ref | None:
        for r in self.refs:
            if not kinds or r.kind in kinds:
                return r
        return None


@dataclass(frozen=True)
class Gazetteer:
    index: dict[tuple[str, ...], tuple[Ref, ...]]
    case_sensitive: frozenset[tuple[str, ...]]
    max_len: int
    skeletons: dict[str, tuple[Ref, ...]]
    surnames: dict[str, tuple[Ref, ...]]
    fuzzy_threshold: int
    lemma_index: dict[str, dict[tuple[str, ...], tuple[Ref, ...]]] = field(default_factory=dict)
    lemma_max_len: int = 1

    def find(self, text: str, start: int = 0, end: int | None = None,
             language: str | None = None) -> list[Match]:
        """All non-overlapping matches in text[start:end], longest first, offsets absolute.
        For Ukrainian and Russian, inflected forms also match through their lemmas
        ("Білорусі" -> Білорусь, «Іскандерів» -> Іскандер)."""
        end = len(text) if end is None else end
        folded = fold(text[start:end])
        spans = [(m.start() + start, m.end() + start) for m in WORD_RE.finditer(folded)]
        toks = [folded[s - start : e - start] for s, e in spans]
        lemmas = self._lemmas(text, spans, language)
        out: list[Match] = []
        i = 0
        while i < len(toks):
            hit = self._longest(text, spans, toks, i)
            if hit is None and lemmas is not None and language is not None:
                hit = self._longest_lemma(text, spans, lemmas, i, language)
            if hit is not None:
                out.append(hit)
                i += len(WORD_RE.findall(fold(hit.text)))
                continue
            near = self._approximate(text, spans[i], toks[i])
            if near is not None:
                out.append(near)
            i += 1
        return out

    def _longest(self, text: str, spans: list[tuple[int, int]], toks: list[str],
                 i: int) -> Match | None:
        for n in range(min(self.max_len, len(toks) - i), 0, -1):
            key = tuple(toks[i : i + n])
            refs = self.index.get(key)
            if not refs:
                continue
            s, e = spans[i][0], spans[i + n - 1][1]
            if key in self.case_sensitive and not text[s:e].replace("-", "").isupper():
                continue
            return Match(s, e, text[s:e], refs)
        return None

    def _lemmas(self, text: str, spans: list[tuple[int, int]],
                language: str | None) -> list[str] | None:
        if language not in self.lemma_index:
            return None
        from .slavic import lemma

        return [fold(lemma(language, text[s:e])) for s, e in spans]

    def _longest_lemma(self, text: str, spans: list[tuple[int, int]], lemmas: list[str],
                       i: int, language: str) -> Match | None:
        index = self.lemma_index[language]
        for n in range(min(self.lemma_max_len, len(lemmas) - i), 0, -1):
            refs = index.get(tuple(lemmas[i : i + n]))
            if refs:
                s, e = spans[i][0], spans[i + n - 1][1]
                return Match(s, e, text[s:e], refs, how="lemma")
        return None

    def _approximate(self, text: str, span: tuple[int, int], tok: str) -> Match | None:
        s, e = span
        word = text[s:e]
        if len(word) < 5 or not word[:1].isupper() or not word.isalpha():
            return None
        if tok in self.surnames:
            # a known surname, spelled exactly, that no entry lists alone: left out on purpose
            # ("Austin", "Wilson": other people bear it); variants are what this pass is for
            return None
        refs = self.skeletons.get(skeleton(word))
        if refs:
            return Match(s, e, word, refs, how="skeleton")
        if len(word) < FUZZY_MIN:
            return None   # "Porte(-parole)" is one letter from "Porter"
        best = process.extractOne(tok, self.surnames.keys(), scorer=fuzz.ratio,
                                  score_cutoff=self.fuzzy_threshold)
        if best is not None:
            return Match(s, e, word, self.surnames[best[0]], how="fuzzy")
        return None


def _add(index: dict[tuple[str, ...], list[Ref]], cs: set[tuple[str, ...]],
         aliases: Iterable[str], ref: Ref) -> None:
    for alias in aliases:
        key = tuple(WORD_RE.findall(fold(alias)))
        if not key:
            continue
        bucket = index.setdefault(key, [])
        if ref not in bucket:
            bucket.append(ref)
        if alias.replace("-", "").isupper() and len(alias) <= 5:
            cs.add(key)


def _all(aliases: dict[str, tuple[str, ...]]) -> list[str]:
    return [a for items in aliases.values() for a in items]


def build_gazetteer(kb: Knowledge, fuzzy_threshold: int = 88) -> Gazetteer:
    index: dict[tuple[str, ...], list[Ref]] = {}
    cs: set[tuple[str, ...]] = set()
    skel: dict[str, list[Ref]] = {}
    surnames: dict[str, list[Ref]] = {}
    for a in kb.actors:
        ref = Ref("actor", a.id)
        names = _all(a.aliases) + [a.name]
        _add(index, cs, names, ref)
        for ri, role in enumerate(a.roles):
            _add(index, cs, _all(role.titles), Ref("title", f"{a.id}#{ri}"))
        if a.kind == "person":
            for n in names:
                last = WORD_RE.findall(fold(n))
                if last and len(last[-1]) >= 5 and n[:1].isascii():
                    skel.setdefault(skeleton(last[-1]), []).append(ref)
                    surnames.setdefault(last[-1], []).append(ref)
    for p in kb.places:
        _add(index, cs, _all(p.aliases) + [p.name], Ref("place", p.id))
    for w in kb.weapons:
        _add(index, cs, _all(w.aliases) + [w.name], Ref("weapon", w.id))
    for c in kb.countries:
        _add(index, cs, _all(c.aliases) + [c.name], Ref("country", c.code))
        _add(index, cs, _all(c.adjectives), Ref("adjective", c.code))
    frozen = {
        k: tuple(sorted(v, key=lambda r: ENTRY_PRIORITY[r.kind])) for k, v in index.items()
    }
    lemma_index = build_lemma_index(kb)
    return Gazetteer(
        index=frozen, case_sensitive=frozenset(cs), max_len=max(map(len, frozen), default=1),
        skeletons={k: tuple(dict.fromkeys(v)) for k, v in skel.items()},
        surnames={k: tuple(dict.fromkeys(v)) for k, v in surnames.items()},
        fuzzy_threshold=fuzzy_threshold, lemma_index=lemma_index,
        lemma_max_len=max((len(k) for ix in lemma_index.values() for k in ix), default=1),
    )


def _entries(kb: Knowledge) -> list[tuple[dict[str, tuple[str, ...]], Ref]]:
    out: list[tuple[dict[str, tuple[str, ...]], Ref]] = []
    out += [(a.aliases, Ref("actor", a.id)) for a in kb.actors]
    out += [(p.aliases, Ref("place", p.id)) for p in kb.places]
    out += [(w.aliases, Ref("weapon", w.id)) for w in kb.weapons]
    out += [(c.aliases, Ref("country", c.code)) for c in kb.countries]
    out += [(c.adjectives, Ref("adjective", c.code)) for c in kb.countries]
    return out


def build_lemma_index(kb: Knowledge) -> dict[str, dict[tuple[str, ...], tuple[Ref, ...]]]:
    """Ukrainian and Russian aliases indexed by the lemmas of their words (pymorphy3)."""
    try:
        from .slavic import lemma
    except ImportError:  # pragma: no cover - declared dependency
        return {}
    out: dict[str, dict[tuple[str, ...], list[Ref]]] = {"uk": {}, "ru": {}}
    for aliases, ref in _entries(kb):
        for lang in ("uk", "ru"):
            for alias in aliases.get(lang, ()):
                words = WORD_RE.findall(alias)
                if not words:
                    continue
                key = tuple(fold(lemma(lang, w)) for w in words)
                bucket = out[lang].setdefault(key, [])
                if ref not in bucket:
                    bucket.append(ref)
    return {lang: {k: tuple(sorted(v, key=lambda r: ENTRY_PRIORITY[r.kind]))
                   for k, v in ix.items()} for lang, ix in out.items()}


@lru_cache(maxsize=4)
def default_gazetteer(fuzzy_threshold: int = 88) -> Gazetteer:
    return build_gazetteer(load_knowledge(), fuzzy_threshold)
