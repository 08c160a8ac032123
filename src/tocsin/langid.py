"""Language identification with lingua, restricted to the languages Tocsin knows about."""

from __future__ import annotations

from functools import lru_cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

KNOWN = {"fr": Language.FRENCH, "en": Language.ENGLISH, "uk": Language.UKRAINIAN,
         "ru": Language.RUSSIAN}
_CODES = {v: k for k, v in KNOWN.items()}


@lru_cache(maxsize=1)
def detector() -> LanguageDetector:
    # All four are always detected, even when only some are processed, so that a Ukrainian
    # article is recorded as "unsupported language uk" rather than misread as English.
    return LanguageDetectorBuilder.from_languages(*KNOWN.values()).build()


def detect(text: str, max_chars: int = 3000) -> str | None:
    sample = text[:max_chars]
    if not any(c.isalpha() for c in sample):
        return None
    lang = detector().detect_language_of(sample)
    return _CODES.get(lang) if lang is not None else None
