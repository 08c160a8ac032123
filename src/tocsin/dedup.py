"""Near-duplicate articles: the same wire story on several sites, each with its own menus and
teasers. MinHash signatures over word shingles of the cleaned body (boilerplate removed), LSH
bands for candidate pairs, then the exact Jaccard similarity of the shingle sets decides.

Deterministic: hashes are keyed blake2b, permutations come from a fixed seed, and every copy is
linked to the earliest document of its group (publication date, then input order).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from .model import Article
from .textutil import words

SHINGLE = 5          # words per shingle
PERMUTATIONS = 128   # MinHash signature length
BANDS = 32           # LSH bands (rows per band = PERMUTATIONS / BANDS)
THRESHOLD = 0.6      # Jaccard similarity of shingle sets that makes a copy
CONTAINMENT = 0.7    # ... or this share of the shorter text's shingles found in the longer
MIN_SHINGLES = 30    # containment needs some text: short notes share too little to judge


@dataclass(frozen=True)
class Duplicate:
    doc: str             # the copy
    original: str        # the earliest document of its group
    similarity: float    # Jaccard similarity of their shingle sets


def body_text(article: Article) -> str:
    return "\n".join(article.text[p.start : p.end] for p in article.body)


def shingles(text: str, size: int = SHINGLE) -> set[int]:
    """Hashed word n-grams of the folded text (accents and case do not matter)."""
    toks = words(text)
    if len(toks) < size:
        toks = toks + [""] * (size - len(toks))
    grams = (" ".join(toks[i : i + size]) for i in range(len(toks) - size + 1))
    return {int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest(), "little")
            for g in grams}


def _permutations(n: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(20240404)
    a = rng.integers(1, np.iinfo(np.int64).max, size=n, dtype=np.uint64) | np.uint64(1)
    b = rng.integers(0, np.iinfo(np.int64).max, size=n, dtype=np.uint64)
    return a, b


_A, _B = _permutations(PERMUTATIONS)


def signature(shingle_set: set[int]) -> np.ndarray:
    """MinHash signature: for each of the hash functions (multiply-shift, a universal family
    that wraps modulo 2^64), the smallest hashed shingle."""
    if not shingle_set:
        return np.full(PERMUTATIONS, np.iinfo(np.uint64).max, dtype=np.uint64)
    x = np.fromiter(shingle_set, dtype=np.uint64)
    with np.errstate(over="ignore"):
        hashed = (_A[:, None] * x[None, :] + _B[:, None]) >> np.uint64(32)
    return np.asarray(hashed.min(axis=1), dtype=np.uint64)


def is_copy(a: set[int], b: set[int], threshold: float = THRESHOLD) -> bool:
    """Similar enough (Jaccard), or one contains the other (a copy with a sentence added or
    cut: containment of the smaller in the larger)."""
    if not a or not b:
        return False
    inter = len(a & b)
    small = min(len(a), len(b))
    return inter / len(a | b) >= threshold or (small >= MIN_SHINGLES
                                               and inter / small >= CONTAINMENT)


def find_near_duplicates(articles: Sequence[Article],
                         threshold: float = THRESHOLD) -> list[Duplicate]:
    """Every article that copies an earlier one, linked to the earliest of its group."""
    return find_near_duplicates_in([(a.doc, body_text(a), a.published) for a in articles],
                                   threshold)


def find_near_duplicates_in(items: Sequence[tuple[str, str, date | None]],
                            threshold: float = THRESHOLD) -> list[Duplicate]:
    """Same, over (doc, body text, publication date) triples."""
    sets = [shingles(text) for _, text, _ in items]
    sigs = [signature(s) for s in sets]
    rows = PERMUTATIONS // BANDS
    buckets: dict[tuple[int, bytes], list[int]] = {}
    for i, sig in enumerate(sigs):
        for band in range(BANDS):
            key = (band, sig[band * rows : (band + 1) * rows].tobytes())
            buckets.setdefault(key, []).append(i)
    pairs = {(i, j) for members in buckets.values() for i in members for j in members if i < j}
    parent = list(range(len(items)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in sorted(pairs):
        if is_copy(sets[i], sets[j], threshold):
            parent[root(j)] = root(i)
    groups: dict[int, list[int]] = {}
    for i in range(len(items)):
        groups.setdefault(root(i), []).append(i)

    def age(i: int) -> tuple[date, int]:
        return (items[i][2] or date.max, i)

    out = []
    for members in groups.values():
        if len(members) < 2:
            continue
        first = min(members, key=age)
        for m in sorted(members):
            if m == first:
                continue
            union = len(sets[first] | sets[m])
            sim = len(sets[first] & sets[m]) / union if union else 0.0
            out.append(Duplicate(items[m][0], items[first][0], round(sim, 3)))
    return out
