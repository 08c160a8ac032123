"""Language identification with lingua.

Two detectors: a precise one restricted to the languages Tocsin knows, and a light one over
every language lingua knows (low-accuracy mode: 80 MB instead of 1 GB), which only decides
whether a text is in a language Tocsin does not read at all. Without it a German article
would be identified as the nearest known language (English) and processed as such."""

from __future__ import annotations

from functools import lru_cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

KNOWN = {"fr": Language.FRENCH, "en": Language.ENGLISH, "uk": Language.UKRAINIAN,
         "ru": Language.RUSSIAN}
_CODES = {v: k for k, v in KNOWN.items()}
# Below this many characters the all-language detector is unsure (and a short quote or
# heading in a known language could be called Dutch or Latin): the known ones decide.
MIN_CHARS_FOR_OTHER_LANGUAGES = 200
# The other language must be this much likelier than the best known language.
MIN_OTHER_CONFIDENCE = 0.5


@lru_cache(maxsize=1)
def detector() -> LanguageDetector:
    # All four are always detected, even when only some are processed, so that a Ukrainian
    # article is recorded as "unsupported language uk" rather than misread as English.
    return LanguageDetectorBuilder.from_languages(*KNOWN.values()).build()


@lru_cache(maxsize=1)
def any_language_detector() -> LanguageDetector:
    return LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()


def detect(text: str, max_chars: int = 3000, others: bool = False) -> str | None:
    """ISO 639-1 code of the text's language: one of the known four or, with ``others``,
    another language's code (so that a document in it is skipped as unsupported); None when
    there is nothing to tell. ``others`` is for whole documents: on a paragraph the light
    detector is too unsure (it calls some Ukrainian paragraphs Kazakh)."""
    sample = text[:max_chars]
    if not any(c.isalpha() for c in sample):
        return None
    other = _other_language(sample) if others else None
    if other is not None:
        return other
    lang = detector().detect_language_of(sample)
    return _CODES.get(lang) if lang is not None else None


def _other_language(sample: str) -> str | None:
    if len(sample) < MIN_CHARS_FOR_OTHER_LANGUAGES:
        return None
    values = any_language_detector().compute_language_confidence_values(sample)
    if not values or values[0].language in _CODES:
        return None
    best_known = max((v.value for v in values if v.language in _CODES), default=0.0)
    if values[0].value - best_known < MIN_OTHER_CONFIDENCE * values[0].value:
        return None
    return values[0].language.iso_code_639_1.name.lower()
