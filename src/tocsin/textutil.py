"""Offset-preserving text normalisation shared by the gazetteer, the lexicon and the cleaner."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Typographic variants that should match their plain forms.
_EQUIV = str.maketrans({
    "’": "'", "ʼ": "'", "`": "'", "´": "'", "‘": "'",
    "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-",
    "\u00a0": " ", "\u202f": " ", "\u2009": " ",
    "«": '"', "»": '"', "“": '"', "”": '"', "„": '"',
    "œ": "o", "æ": "a", "ё": "е", "ß": "s",
})


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    ch = ch.translate(_EQUIV)
    if len(ch) != 1:
        return ch[:1] or " "
    base = unicodedata.normalize("NFD", ch)[0]
    low = base.lower()
    return low if len(low) == 1 else base


class _FoldTable(dict[int, str]):
    """Code point -> folded character, filled on first sight (``str.translate`` then folds
    a text in C: the same characters as folding one character at a time, ~20x faster)."""

    def __missing__(self, code: int) -> str:
        out = _fold_char(chr(code))
        self[code] = out
        return out


_FOLD_TABLE = _FoldTable()


def fold(text: str) -> str:
    """Lower-case and strip diacritics, exactly one output char per input char, so that an
    offset in the folded text is the same offset in the original."""
    return text.translate(_FOLD_TABLE)


def fold_pattern(pattern: str) -> str:
    """Fold a regex pattern's literal characters but keep escapes (\\b, \\w, \\S…) intact."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            out.append(pattern[i : i + 2])
            i += 2
            continue
        out.append(_fold_char(c))
        i += 1
    return "".join(out)


WORD_RE = re.compile(r"\w+", re.UNICODE)


def words(text: str) -> list[str]:
    return WORD_RE.findall(fold(text))


_SKELETON_RULES: tuple[tuple[str, str], ...] = (
    ("tch", "c"), ("ch", "c"), ("sh", "c"), ("zh", "j"), ("kh", "h"), ("ou", "u"),
    ("ck", "k"), ("ks", "x"), ("w", "v"), ("y", "i"), ("ie", "i"), ("ii", "i"),
    ("ph", "f"), ("dj", "j"),
)


def skeleton(word: str) -> str:
    """A transliteration-tolerant key for Latin-script names: Shoigu / Choïgou / Shoiga /
    Shoig -> "coig"; Lytvynenko / Litvinenko -> "litvinenk"."""
    s = fold(word)
    for a, b in _SKELETON_RULES:
        s = s.replace(a, b)
    s = re.sub(r"(.)\1+", r"\1", s)
    return s.rstrip("aeiou") or s


# Cyrillic -> Latin as English-language news writes names (Dmitry, Sergei, Andrei, Yulia).
_CYR = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
    "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch",
    "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}
_UK = {"г": "h", "ґ": "g", "и": "y", "і": "i", "ї": "yi", "є": "ye", "'": "", "’": ""}
_ENDINGS = (("ий", "y"), ("ый", "y"), ("ей", "ei"), ("ій", "iy"), ("ия", "ia"))


def transliterate(word: str, language: str = "ru") -> str:
    """One Cyrillic word in Latin letters, capitalised like the input."""
    low = word.lower()
    tail = ""
    for ending, latin in _ENDINGS:
        if low.endswith(ending) and len(low) > 3:
            low, tail = low[: -len(ending)], latin
            break
    table = {**_CYR, **(_UK if language == "uk" else {})}
    out = "".join(table.get(c, c) for c in low) + tail
    return out[:1].upper() + out[1:] if word[:1].isupper() else out
