"""Date expressions: regex candidates per language, resolved with dateparser against the
publication date (or explicit years in the document), precision kept, never invented.

Three kinds of expression:
* absolute ("le 4 avril 2023", "March 25", "25 марта 2023 года", "в лютому") — the year comes
  from the expression, else the publication date, else the nearest explicit year in the text;
* deictic ("hier", "on Tuesday", "вчора", "в понедельник") — need the publication date;
* anaphoric ("le même jour", "three days later", "наступного дня") — relative to the date the
  article mentioned just before; resolved by the caller with :func:`shift`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import dateparser

from .model import EventDate
from .textutil import fold, fold_pattern

# Month and weekday names, folded (accents stripped, й->и), in the forms texts use.
MONTHS: dict[str, list[tuple[str, int]]] = {
    "fr": [(m, i + 1) for i, m in enumerate(
        ["janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout",
         "septembre", "octobre", "novembre", "decembre"])],
    "en": [(m, i + 1) for i, ms in enumerate(
        ["january jan", "february feb", "march mar", "april apr", "may", "june jun",
         "july jul", "august aug", "september sept sep", "october oct", "november nov",
         "december dec"]) for m in ms.split()],
    "uk": [(fold(m), i + 1) for i, ms in enumerate(
        ["січня січень січні", "лютого лютий лютому", "березня березень березні",
         "квітня квітень квітні", "травня травень травні", "червня червень червні",
         "липня липень липні", "серпня серпень серпні", "вересня вересень вересні",
         "жовтня жовтень жовтні", "листопада листопад листопаді", "грудня грудень грудні"])
        for m in ms.split()],
    "ru": [(fold(m), i + 1) for i, ms in enumerate(
        ["января январь январе", "февраля февраль феврале", "марта март марте",
         "апреля апрель апреле", "мая май мае", "июня июнь июне", "июля июль июле",
         "августа август августе", "сентября сентябрь сентябре", "октября октябрь октябре",
         "ноября ноябрь ноябре", "декабря декабрь декабре"]) for m in ms.split()],
}
WEEKDAYS: dict[str, list[tuple[str, int]]] = {
    "fr": [(d, i) for i, d in enumerate(
        ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"])],
    "en": [(d, i) for i, d in enumerate(
        ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])],
    "uk": [(fold(d), i) for i, ds in enumerate(
        ["понеділок понеділка", "вівторок вівторка", "середу середа середи", "четвер четверга",
         "пʼятницю п'ятницю пятницю п'ятниця", "суботу субота", "неділю неділя"])
        for d in ds.split()],
    "ru": [(fold(d), i) for i, ds in enumerate(
        ["понедельник", "вторник", "среду среда", "четверг", "пятницу пятница",
         "субботу суббота", "воскресенье"]) for d in ds.split()],
}
# deictic words -> days before the publication date
# (the night before a report is the day before it: "last night" in a morning paper; not "ce
# soir", whose "ce soir-là" is anaphoric)
DEICTIC: dict[str, dict[str, int]] = {
    "fr": {"aujourd'hui": 0, "ce matin": 0, "cet apres-midi": 0, "hier": 1, "avant-hier": 2,
           "la nuit derniere": 1},
    "en": {"today": 0, "this morning": 0, "this afternoon": 0, "this evening": 0,
           "tonight": 0, "yesterday": 1, "last night": 1},
    "uk": {fold("сьогодні"): 0, fold("вчора"): 1, fold("учора"): 1, fold("позавчора"): 2,
           fold("минулої ночі"): 1},
    "ru": {fold("сегодня"): 0, fold("вчера"): 1, fold("позавчера"): 2,
           fold("прошлой ночью"): 1, fold("минувшей ночью"): 1},
}
# "from April 3", "с 3 апреля": a starting point looks ahead, so a yearless day after the
# publication day is this year's, not last year's
FORWARD = {lang: re.compile(rf"\b(?:{p})\s*$") for lang, p in {
    "fr": r"a partir du|a compter du|des le|des|d'ici au|d'ici le",
    "en": r"from|starting|starting on|beginning|beginning on",
    "uk": fold_pattern(r"з|із|починаючи з"),   # not "від": "указ від 3 квітня" is dated
    "ru": fold_pattern(r"с|со|начиная с"),     # not "от": "указ от 3 апреля" is dated
}.items()}
# periods named from the publication day: (unit, how many back) -> a month or a year
PERIOD_DEICTIC: dict[str, dict[str, tuple[str, int]]] = {
    "fr": {"cette semaine": ("week", 0), "la semaine derniere": ("week", 1),
           "ce mois-ci": ("month", 0), "le mois dernier": ("month", 1),
           "cette annee": ("year", 0), "l'an dernier": ("year", 1),
           "l'annee derniere": ("year", 1), "l'an passe": ("year", 1)},
    "en": {"this week": ("week", 0), "last week": ("week", 1), "this month": ("month", 0),
           "last month": ("month", 1),
           "this year": ("year", 0), "last year": ("year", 1)},
    "uk": {fold("цього тижня"): ("week", 0), fold("минулого тижня"): ("week", 1),
           fold("цього місяця"): ("month", 0), fold("минулого місяця"): ("month", 1),
           fold("цього року"): ("year", 0), fold("минулого року"): ("year", 1),
           fold("торік"): ("year", 1)},
    "ru": {fold("на этой неделе"): ("week", 0), fold("на прошлой неделе"): ("week", 1),
           fold("в этом месяце"): ("month", 0), fold("в прошлом месяце"): ("month", 1),
           fold("в этом году"): ("year", 0), fold("в прошлом году"): ("year", 1)},
}
NUMBER_WORDS = {
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
    "huit": 8, "dix": 10, "a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "neuf": 9,
    fold("один"): 1, fold("два"): 2, fold("дві"): 2, fold("три"): 3, fold("чотири"): 4,
    fold("п'ять"): 5, fold("пять"): 5, fold("два"): 2, fold("четыре"): 4,
}
# anaphoric expressions: (pattern, days, unit) relative to the previously mentioned date
ANAPHORIC: dict[str, list[tuple[str, int]]] = {
    "fr": [(r"le meme jour|ce jour-la|le jour meme|ce meme jour|plus tard dans la journee|"
            r"plus tot dans la journee|quelques heures plus tard", 0),
           (r"le lendemain", 1), (r"le surlendemain", 2), (r"la veille", -1),
           (r"l'avant-veille", -2), (r"(\w+) jours? plus tard", 1),
           (r"(\w+) semaines? plus tard", 7)],
    "en": [(r"the same day|that day|hours later|earlier in the day|later in the day", 0),
           (r"the (?:next|following) day", 1),   # "a day later": the pattern below
           (r"the day before|the previous day|a day earlier", -1),
           (r"(\w+) days? later", 1), (r"(\w+) weeks? later", 7)],
    "uk": [(fold_pattern(r"того ж дня|того самого дня|в той же день|у той же день|"
                         r"в той самий день|у той самий день|цього ж дня|в цей же день|"
                         r"у цей же день"), 0),
           (fold_pattern(r"наступного дня|на наступний день|днем пізніше"), 1),
           (fold_pattern(r"напередодні|днем раніше|за день до цього"), -1),
           (fold_pattern(r"через (\w+) дн\w*"), 1)],
    "ru": [(fold_pattern(r"в тот же день|тем же днем|того же дня|в тот самый день|"
                         r"в этот же день|этим же днем"), 0),
           (fold_pattern(r"на следующий день|днем позже|на другой день"), 1),
           (fold_pattern(r"накануне|днем ранее|днем раньше|за день до этого"), -1),
           (fold_pattern(r"(?:через|спустя) (\w+) дн\w*"), 1)],
}
# "three days after he sent troops in on February 24": a date inside a clause that starts
# with one of these is the reference point of the event, not its day
REFERENCE = {lang: re.compile(rf"\b(?:{p})\b") for lang, p in {
    "fr": r"apres|apres que|avant|avant que|suite a",
    "en": r"after|before|following",
    "uk": fold_pattern(r"після|після того як|перед тим як|до того як"),
    "ru": fold_pattern(r"после|после того как|спустя|перед тем как|до того как"),
}.items()}
# "the first such test since May 1980": a date the present is measured against
SINCE = {lang: re.compile(rf"\b(?:{p})\W*$") for lang, p in {
    "fr": r"depuis(?: le| l'| la)?", "en": r"since(?: the)?",
    "uk": fold_pattern(r"з|із|від|починаючи з"), "ru": fold_pattern(r"с|со|начиная с"),
}.items()}
# "three days after": how far the event lies from the reference date that follows
DAYS_AFTER = {lang: re.compile(rf"\b(\w+) (?:{p})\b") for lang, p in {
    "fr": r"jours? apres", "en": r"days? after",
    "uk": fold_pattern(r"дн\w* після"), "ru": fold_pattern(r"дн\w* после"),
}.items()}
# a part of a month ("fin septembre", "the end of September", "в конце сентября") or a
# month naming a happening ("the September launch"): the month is known, not the day
MONTH_PART = {
    "fr": r"debut|fin|mi-|courant|a la fin de|au debut de|a la mi-",
    "en": r"(?:the )?(?:end|beginning|start|middle) of",
    "uk": fold_pattern(r"на початку|наприкінці|в кінці|у кінці|в середині|у середині"),
    "ru": fold_pattern(r"в начале|в конце|в середине|в первой половине|во второй половине"),
}
# months that are also common words ("the march on Kyiv", "may") never follow "the" alone
NAMING_MONTHS = ["january", "february", "april", "june", "july", "august", "september",
                 "october", "november", "december"]
REFERENCE_REACH = 45   # characters from the cue to the date it introduces
YEAR = r"(?:19[5-9]\d|20[0-4]\d)"
YEAR_WORD = {"fr": "", "en": "", "uk": r"(?:\s+(?:року|р\.?))?", "ru": r"(?:\s+(?:года|г\.?))?"}


def _alt(pairs: list[tuple[str, int]]) -> str:
    return "|".join(sorted({re.escape(p) for p, _ in pairs}, key=len, reverse=True))


def _patterns(lang: str) -> re.Pattern[str]:
    m, w = _alt(MONTHS[lang]), _alt(WEEKDAYS[lang])
    d = "|".join(re.escape(k) for k in sorted({*DEICTIC[lang], *PERIOD_DEICTIC[lang]},
                                              key=len, reverse=True))
    y = YEAR + YEAR_WORD[lang]
    parts = [
        rf"(?:1er|\d{{1,2}})(?:st|nd|rd|th|-?го)?\s+(?:of\s+)?(?:{m})(?:,?\s+{y})?",
        rf"(?:{m})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+{y})?",
        rf"(?:{m})\s+{y}",
        rf"\d{{1,2}}[./]\d{{1,2}}[./]{YEAR}",
        rf"{YEAR}-\d{{2}}-\d{{2}}",
        rf"(?:en|depuis|in|since|у|в|во)\s+{y}",
        rf"(?:en|de|depuis|in|since|early|late|mid-|у|в|во)\s*(?:{m})(?:,?\s+{y})?",
        rf"(?:{MONTH_PART[lang]})\s*(?:{m})(?:,?\s+{y})?",
        rf"(?:{w})",
        d,
    ]
    if lang == "en":
        parts.insert(-2, rf"the\s+(?:{'|'.join(NAMING_MONTHS)})(?!\s+\d)")
    return re.compile(r"\b(?:" + "|".join(parts) + r")\b")


_COMPILED = {lang: _patterns(lang) for lang in MONTHS}
_ANAPHORIC = {lang: [(re.compile(rf"\b(?:{p})\b"), n) for p, n in pats]
              for lang, pats in ANAPHORIC.items()}
_MONTH_PART = {lang: re.compile(rf"(?:{p}|the\b)") for lang, p in MONTH_PART.items()}
_YEAR_RE = re.compile(rf"\b{YEAR}\b")
_DAY = re.compile(r"(?<![\d.])(?:1er|\d{1,2})(?![\d])")


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    text: str
    date: EventDate
    deadline: bool = False
    reference: bool = False   # the day of another event the sentence dates this one from


@dataclass(frozen=True)
class Anaphor:
    """'three days later': ``days`` after the date mentioned before."""

    start: int
    end: int
    days: int


def find_dates(text: str, start: int, end: int, language: str, published: date | None,
               doc_years: tuple[tuple[int, int], ...], deadline_cue: re.Pattern[str] | None,
               future: bool = False) -> list[DateMention]:
    """Date mentions inside text[start:end] (absolute offsets), resolved."""
    pattern = _COMPILED.get(language)
    if pattern is None:
        return []
    folded = fold(text[start:end])
    out = []
    for m in pattern.finditer(folded):
        expr = m.group().strip()
        if expr.startswith(("depuis", "since")) or (
                _MONTH_PART[language].match(expr)
                and SINCE[language].search(folded[max(0, m.start() - 12) : m.start()])):
            continue   # "no test since 1992" dates the background, not the event
        ahead = future or bool(FORWARD[language].search(folded[max(0, m.start() - 14):m.start()]))
        resolved = resolve(expr, language, published, _nearest_year(doc_years, start + m.start()),
                           ahead)
        if resolved is None:
            continue
        before = folded[max(0, m.start() - 14) : m.start()]
        is_deadline = bool(deadline_cue and deadline_cue.search(before + expr[:6]))
        out.append(DateMention(start + m.start(), start + m.end(),
                               text[start + m.start() : start + m.end()], resolved, is_deadline,
                               _is_reference(folded, m.start(), language)))
    return out


def _is_reference(folded: str, pos: int, language: str) -> bool:
    """Does the date at ``pos`` sit in an "after …"/"после …" clause (no comma between)?"""
    window = folded[max(0, pos - REFERENCE_REACH) : pos]
    window = re.split(r"[,;:]", window)[-1]
    return bool(REFERENCE[language].search(window))


def history_dates(text: str, start: int, end: int, language: str, published: date
                  ) -> list[DateMention] | None:
    """The dates a sentence tells its story at, with a month or a day ("On 22 October 1962
    Kennedy announced …"), when it tells any; None when it tells none. Dates that are a
    reference ("after …", "since May 1980") are not the sentence's own."""
    own = []
    for d in find_dates(text, start, end, language, published, (), None):
        before = fold(text[max(start, d.start - 20) : d.start])
        if d.reference or d.date.month is None or d.date.year is None or \
                SINCE[language].search(before):
            continue
        own.append(d)
    return own or None


def weekday_in(text: str, language: str) -> int | None:
    """The weekday a (folded) text names, if any (0 = Monday)."""
    return _lookup(WEEKDAYS.get(language, []), text)


def relative_to(reference: DateMention, sentence: str, language: str) -> EventDate | None:
    """The event's day told from a reference date: "three days after … on 24 February", or
    "on Sunday, … after …" (the first such weekday after the reference day)."""
    folded = fold(sentence)
    m = DAYS_AFTER[language].search(folded)
    if m:
        word = m.group(1)
        n = int(word) if word.isdigit() else NUMBER_WORDS.get(word, 0)
        if n:
            return shift(reference.date, n)
    day = reference.date.as_day()
    weekday = weekday_in(folded, language)
    if day is not None and weekday is not None:
        ahead = (weekday - day.weekday()) % 7 or 7
        d = day + timedelta(days=ahead)
        return EventDate(d.year, d.month, d.day)
    return None


def find_anaphors(text: str, start: int, end: int, language: str) -> list[Anaphor]:
    folded = fold(text[start:end])
    out = []
    for pat, unit in _ANAPHORIC.get(language, []):
        for m in pat.finditer(folded):
            n = 1
            if m.groups() and m.group(1):
                word = m.group(1)
                n = int(word) if word.isdigit() else NUMBER_WORDS.get(word, 0)
                if not n:
                    continue
            out.append(Anaphor(start + m.start(), start + m.end(), n * unit))
    return sorted(out, key=lambda a: a.start)


def shift(base: EventDate, days: int) -> EventDate:
    """A known date moved by ``days`` (day precision needed; a missing year stays missing)."""
    if base.month is None or base.day is None:
        return base
    year = base.year or 2000   # a leap year stand-in when the year is unknown
    try:
        moved = date(year, base.month, base.day) + timedelta(days=days)
    except (ValueError, OverflowError):   # an invalid day, or beyond year 1 or 9999
        return base
    return EventDate(moved.year if base.year else None, moved.month, moved.day)


def _days_before(day: date, days: int) -> date | None:
    """``day`` minus ``days``, or None when that falls before year 1 (or after 9999)."""
    try:
        return day - timedelta(days=days)
    except OverflowError:
        return None


def _period(published: date | None, unit: str, back: int) -> EventDate | None:
    """"last month" in a March 2023 article is February 2023 (month precision)."""
    if published is None:
        return None
    if unit == "year":
        return EventDate(published.year - back, None, None) if published.year > back else None
    if unit == "week":   # known to the month when the whole (Monday-)week lies in one month
        monday = _days_before(published, published.weekday() + 7 * back)
        last = published if back == 0 or monday is None else _days_before(monday, -6)
        if monday is None or last is None or (monday.year, monday.month) != (last.year,
                                                                             last.month):
            return None
        return EventDate(monday.year, monday.month, None)
    months = published.year * 12 + published.month - 1 - back
    if months < 12:   # before year 1
        return None
    return EventDate(months // 12, months % 12 + 1, None)


def document_years(text: str) -> tuple[tuple[int, int], ...]:
    """Explicit years written in the document, with their offsets."""
    return tuple((m.start(), int(m.group())) for m in _YEAR_RE.finditer(text))


def _nearest_year(years: tuple[tuple[int, int], ...], pos: int) -> int | None:
    if not years:
        return None
    return min(years, key=lambda y: abs(y[0] - pos))[1]


def _lookup(pairs: list[tuple[str, int]], expr: str) -> int | None:
    for name, value in sorted(pairs, key=lambda p: -len(p[0])):
        if re.search(rf"\b{re.escape(name)}\b", expr):
            return value
    return None


@lru_cache(maxsize=8192)
def resolve(expr: str, language: str, published: date | None,
            inferred_year: int | None, future: bool = False) -> EventDate | None:
    """Resolve one (folded) expression. Year: explicit > publication date > nearest explicit
    year in the document > unknown. Weekdays and "yesterday" need a publication date."""
    if expr in DEICTIC[language]:
        if published is None:
            return None
        d = _days_before(published, DEICTIC[language][expr])
        return EventDate(d.year, d.month, d.day) if d else None
    if expr in PERIOD_DEICTIC[language]:
        return _period(published, *PERIOD_DEICTIC[language][expr])
    weekday = _lookup(WEEKDAYS[language], expr)
    month = _lookup(MONTHS[language], expr)
    year_m = _YEAR_RE.search(expr)
    if weekday is not None and month is None:
        if published is None:
            return None
        back = (published.weekday() - weekday) % 7   # the last such day, today included
        d = _days_before(published, back)
        return EventDate(d.year, d.month, d.day) if d else None
    numeric = re.fullmatch(rf"(\d{{1,2}})[./](\d{{1,2}})[./]({YEAR})", expr) or \
        re.fullmatch(rf"({YEAR})-(\d{{2}})-(\d{{2}})", expr)
    if numeric:
        parsed = dateparser.parse(expr, languages=[language],
                                  settings={"PREFER_DAY_OF_MONTH": "first"})
        return EventDate(parsed.year, parsed.month, parsed.day) if parsed else None
    if month is None:
        return EventDate(int(year_m.group()), None, None) if year_m else None
    day_m = _DAY.search(_YEAR_RE.sub("", expr))
    day = int(day_m.group().replace("1er", "1")) if day_m else None
    if day is not None and not 1 <= day <= 31:
        return None
    year = int(year_m.group()) if year_m else None
    if year is None and published is not None:
        year = published.year
        later = (month, day) > (published.month, published.day) if day is not None \
            else month > published.month
        if later and not future:
            # "le 4 avril" in a March article is last year's, and so is "in December" told
            # in September, unless it is to come ("will be held in December")
            year = year - 1 or None
    elif year is None:
        year = inferred_year
    if day is not None:
        try:
            date(year or 2000, month, day)
        except ValueError:
            return None
    return EventDate(year, month, day)
