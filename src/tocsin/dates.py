"""Date expressions: regex candidates per language, resolved with dateparser against the
publication date (or explicit years in the document), precision kept, never invented."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

import dateparser

from .model import EventDate
from .textutil import fold

MONTHS = {
    "fr": "janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre",
    "en": "january|february|march|april|may|june|july|august|september|october|november|december"
          "|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec",
}
WEEKDAYS = {
    "fr": "lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche",
    "en": "monday|tuesday|wednesday|thursday|friday|saturday|sunday",
}
RELATIVE = {
    "fr": r"hier|avant-hier|aujourd'hui|ce matin|cette semaine|la semaine derniere"
          r"|le mois dernier|l'annee derniere",
    "en": r"yesterday|today|this morning|last week|last month|last year",
}
YEAR = r"(?:19[5-9]\d|20[0-4]\d)"


def _patterns(lang: str) -> re.Pattern[str]:
    m, w, rel = MONTHS[lang], WEEKDAYS[lang], RELATIVE[lang]
    if lang == "fr":
        parts = [
            rf"(?:(?:{w})\s+)?(?:1er|\d{{1,2}})\s+(?:{m})(?:\s+{YEAR})?",
            rf"(?:en|de|depuis|d'ici|fin|debut|mi-)\s*(?:{m})(?:\s+{YEAR})?",
            rf"(?:{m})\s+{YEAR}",
            rf"\d{{1,2}}/\d{{1,2}}/{YEAR}",
            rf"(?:en|depuis|de)\s+{YEAR}",
            rf"(?:{w})(?:\s+dernier)?",
            rel,
        ]
    else:
        parts = [
            rf"(?:{m})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+{YEAR})?",
            rf"\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{m})(?:,?\s+{YEAR})?",
            rf"(?:in|since|by|early|late|mid-)\s*(?:{m})(?:\s+{YEAR})?",
            rf"(?:{m})\s+{YEAR}",
            rf"{YEAR}-\d{{2}}-\d{{2}}",
            rf"(?:in|since)\s+{YEAR}",
            rf"(?:last\s+|on\s+)?(?:{w})",
            rel,
        ]
    return re.compile(r"\b(?:" + "|".join(parts) + r")\b")


_COMPILED = {lang: _patterns(lang) for lang in MONTHS}
_YEAR_RE = re.compile(rf"\b{YEAR}\b")
_MONTH_ONLY = {lang: re.compile(rf"\b(?:{MONTHS[lang]})\b") for lang in MONTHS}
_DAY = re.compile(r"\b(?:1er|\d{1,2})(?:st|nd|rd|th)?\b")


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    text: str
    date: EventDate
    deadline: bool = False


def find_dates(text: str, start: int, end: int, language: str, published: date | None,
               doc_years: tuple[tuple[int, int], ...], deadline_cue: re.Pattern[str] | None
               ) -> list[DateMention]:
    """Date mentions inside text[start:end] (absolute offsets), resolved."""
    pattern = _COMPILED.get(language)
    if pattern is None:
        return []
    folded = fold(text[start:end])
    out = []
    for m in pattern.finditer(folded):
        expr = m.group().strip()
        resolved = resolve(expr, language, published, _nearest_year(doc_years, start + m.start()))
        if resolved is None:
            continue
        before = folded[max(0, m.start() - 14) : m.start()]
        is_deadline = bool(deadline_cue and deadline_cue.search(before + expr[:6]))
        out.append(DateMention(start + m.start(), start + m.end(),
                               text[start + m.start() : start + m.end()], resolved, is_deadline))
    return out


def document_years(text: str) -> tuple[tuple[int, int], ...]:
    """Explicit years written in the document, with their offsets."""
    return tuple((m.start(), int(m.group())) for m in _YEAR_RE.finditer(text))


def _nearest_year(years: tuple[tuple[int, int], ...], pos: int) -> int | None:
    if not years:
        return None
    return min(years, key=lambda y: abs(y[0] - pos))[1]


@lru_cache(maxsize=8192)
def resolve(expr: str, language: str, published: date | None,
            inferred_year: int | None) -> EventDate | None:
    """Resolve one expression. Year: explicit > publication date > nearest explicit year in
    the document > unknown. Relative expressions need a publication date."""
    has_year = _YEAR_RE.search(expr)
    has_month = _MONTH_ONLY[language].search(expr) or "/" in expr or re.search(r"-\d\d-", expr)
    has_day = bool(has_month and _DAY.search(_YEAR_RE.sub("", expr)))
    if not has_month and not has_year:
        if published is None:
            return None  # "hier", "on Tuesday": meaningless without a reference date
        parsed = _parse(expr, language, published)
        if parsed is None:
            return None
        return EventDate(parsed.year, parsed.month, parsed.day) if "year" not in expr else \
            EventDate(parsed.year, None, None)
    if has_year and not has_month:
        return EventDate(int(has_year.group()), None, None)
    base_year = int(has_year.group()) if has_year else (
        published.year if published else inferred_year)
    ref = published or date(base_year or 2000, 12, 31)
    parsed = _parse(expr, language, ref)
    if parsed is None:
        return None
    year: int | None = parsed.year
    if not has_year:
        if published is not None:
            year = published.year
            if (parsed.month, parsed.day) > (published.month, published.day) and not has_day:
                year = published.year
            elif has_day and (parsed.month, parsed.day) > (published.month, published.day + 7):
                year = published.year - 1   # "le 4 avril" in a March article: last year
        else:
            year = inferred_year
    return EventDate(year, parsed.month, parsed.day if has_day else None)


def _parse(expr: str, language: str, ref: date) -> datetime | None:
    expr = re.sub(r"\b1er\b", "1", expr)
    expr = re.sub(r"^(?:en|de|depuis|d'ici|fin|debut|mi-|in|since|by|early|late|mid-|on|le)\s*",
                  "", expr)
    return dateparser.parse(
        expr, languages=[language],
        settings={"RELATIVE_BASE": datetime(ref.year, ref.month, ref.day),
                  "PREFER_DATES_FROM": "past", "PREFER_DAY_OF_MONTH": "first",
                  "RETURN_AS_TIMEZONE_AWARE": False},
    )
