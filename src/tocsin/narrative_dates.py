"""When an event happened, as the article tells it.

:mod:`tocsin.dates` finds and resolves date expressions; this module decides which one dates
an event, reading the article as a narrative:

* a date in the sentence dates its event -- the most precise one, then the nearest to the
  trigger; deadlines, dates after publication (for what already happened), dates in a clause
  describing a noun ("the treaty, signed in 2010") and dates before 2000 are background;
* "three days after … February 24" counts from the date it names;
* "three days later" counts from the date told before; an undated sentence happens on the
  story's day: the date told last, else the day the lede gives its news (a headline and a
  first sentence without a date, then "said on Tuesday": Tuesday), else the publication day;
* a recalled date ("Nous rappelons que le 6 décembre …") holds for the rest of its paragraph
  only; then the story's own date comes back.

The narrative date lives in the reader's memory (:class:`~tocsin.reading.Context`), which
this stage updates.
"""

from __future__ import annotations

import re
from datetime import date

from .dates import DateMention, find_anaphors, find_dates, relative_to, shift
from .knowledge import LanguageLexicon
from .model import Article, Event, EventDate, Sentence
from .reading import Context, SentenceReading, Span
from .textutil import fold
from .voice import reads_as_sentence

HISTORY_BEFORE = 2000  # years before this, alone in a sentence, mark history or background
ASIDE_DAYS = 3          # a recalled date this far back is an aside, not the story's day
NEWS_CYCLE_DAYS = 3     # a narrative date this close to publication still dates a judgment
LEDE_SENTENCES = 3      # the body's first sentences: where a report says which day its news is
# A wire dateline: "MOSCOW/KYIV, March 26 (Agency) -", "СЕУЛ, 28 сентября (Агентство) —".
# Its date is the report's, not the news's ("... said in remarks aired late on Saturday").
# (matched at a sentence's start: no leading blanks, bounded repeats, so that no input makes
# it backtrack for long)
_CITY = r"[A-ZÀ-ÖА-ЯІЇЄҐ][\w'’.\-]{0,30}"
_CITIES = rf"{_CITY}(?:[ /]{_CITY}){{0,3}}"
_DAY_PART = r",[ \t]{1,3}([^,()\n]{3,25}?)"    # ", March 26": group 1, the day
_AGENCY = r"\([^)\n]{2,60}\)[ \t]{0,3}"
DATELINE = re.compile(rf"{_CITIES}{_DAY_PART}[ \t]{{0,3}}(?:{_AGENCY})?[-–—]")
# A wire tag, with or without its dateline: "(AFP) -", "PARIS (Reuters) -", "КИЇВ, 5 грудня
# (Укрінформ) —". The agency in it carries the report, it is not the news's actor (the city
# may well be the news's place).
WIRE_TAG = re.compile(rf"(?:{_CITIES}(?:{_DAY_PART})?[ \t]{{0,3}})?(?P<agency>{_AGENCY})[-–—]")


def is_historical(article: Article, years: tuple[tuple[int, int], ...],
                  lex: LanguageLexicon) -> bool:
    """A history piece: its opening names a past episode and no year it mentions is
    recent. Its nuclear talk has no present signaller."""
    body = article.body
    if not body:
        return False
    opening = fold(article.text[body[0].start : body[min(2, len(body) - 1)].end])
    # Several years, all before 1991, and the opening names a past episode or dates
    # itself there. One old year is a comparison ("the worst since 1962"), not history.
    old_years = {y for _, y in years if y < HISTORY_BEFORE}
    if len(old_years) < 2 or len(old_years) != len({y for _, y in years}):
        return False
    history = lex.cue("history")
    return bool(history and history.search(opening)) or bool(
        re.search(r"\b(?:19[0-8]\d)\b", opening))


class NarrativeDates:
    """Dates the events of one article and keeps its narrative date in the memory."""

    def __init__(self, text: str, years: tuple[tuple[int, int], ...], date_base: date | None,
                 memory: Context) -> None:
        self.text = text
        self.years = years           # explicit years in the article, with their offsets
        self.date_base = date_base   # the publication date
        self.memory = memory
        # the day of the news as the lede dates it, and the sentence that says so
        self.lead_day: tuple[EventDate, int] | None = None

    def read_lead(self, sentences: list[Sentence], language: str, lex: LanguageLexicon) -> None:
        """The day the lede dates the article's news: the first day named in its first
        sentences that lies in the news cycle just before publication (not a plan, not an
        earlier episode). Sentences told before that date happen on it."""
        if self.date_base is None:
            return
        for idx, sent in enumerate(self.lead(sentences)):
            for d in self.sentence_dates(sent, language, lex):
                day = d.date.as_day()
                if d.reference or day is None or day == self.date_base:
                    continue   # the dateline, or "today"
                if 0 < (self.date_base - day).days <= NEWS_CYCLE_DAYS:
                    self.lead_day = (d.date, idx)
                return   # the lede's first other date decides, whichever it is

    def lead(self, sentences: list[Sentence]) -> list[Sentence]:
        """The headline, the dateline and the lede: every line up to the body's third
        sentence. A web page puts menus, a cookie notice and a byline above its lede, so the
        lede is counted in sentences of prose, not from the top."""
        prose = 0
        for k, sent in enumerate(sentences):
            if reads_as_sentence(self.text[sent.start : sent.end].strip()):
                prose += 1
                if prose == LEDE_SENTENCES:
                    return sentences[: k + 1]
        return sentences

    def dateline(self, sent: Sentence) -> re.Match[str] | None:
        """The wire dateline opening the sentence, if any (it names a day: a digit)."""
        found = DATELINE.match(self.text, sent.start, sent.end)
        return found if found and re.search(r"\d", found.group(1)) else None

    def sentence_dates(self, sent: Sentence, language: str, lex: LanguageLexicon,
                       future: bool = False) -> list[DateMention]:
        # without a publication day, the dateline's (partial) date is the best there is
        dateline = self.dateline(sent) if self.date_base is not None else None
        skip = dateline.end(1) if dateline else sent.start
        return [d for d in find_dates(self.text, sent.start, sent.end, language,
                                      self.date_base, self.years, lex.cue("deadline"), future)
                if not d.deadline and (d.date.year is None or d.date.year >= HISTORY_BEFORE)
                and d.start >= skip]

    def pick_date(self, r: SentenceReading, trigger: Span | None,
                  future: bool = False, judgment: bool = False) -> EventDate | None:
        """The date nearest the trigger in the sentence; else "three days later" from the
        date told before; else the date of the paragraph's narrative so far — except for a
        judgment (assessment, reaction), which is the report's news: the publication day."""
        sent, lang = r.sentence, r.language
        self.end_aside(sent)
        found = self.sentence_dates(sent, lang, r.lexicon, future)
        if not future:   # what already happened cannot be dated after its own report
            found = [d for d in found if not self.upcoming(d.date)]
        own = [d for d in found if not d.reference and not in_modifier_clause(d.start, r)]
        if own:
            # the most precise date, then the nearest: "on Tuesday" beats "in 2010"
            anchor = sent.start + (trigger[0] if trigger else 0)
            rank = {"day": 0, "month": 1, "year": 2, "none": 3}
            return min(own, key=lambda d: (rank[d.date.precision],
                                           abs(d.start - anchor))).date
        refs = [d for d in found if d.reference]
        if refs:
            # "on Sunday …, three days after he sent troops in on February 24"
            return relative_to(refs[0], self.text[sent.start : sent.end], lang)
        if found:
            # only dates of clauses that describe a noun: background ("the weapons, which
            # Minsk requested in March, …"), except a day of the news cycle, which dates the
            # statement's carrier ("in an interview published on Thursday", "dans un
            # communiqué publié jeudi"); else the sentence is dated as an undated one is
            carrier = [d for d in found if not d.reference and self.in_news_cycle(d.date)]
            if carrier:
                return carrier[0].date
        last = self.memory.last_date
        anaphors = find_anaphors(self.text, sent.start, sent.end, lang)
        if anaphors and last is not None:
            return shift(last[0], anaphors[0].days)
        if self.recalls(sent, r.lexicon):
            return None   # "a month after Putin suspended …": not the story's day
        # An undated sentence happens on the story's day: the date told last, else the day
        # the article was published (a report's statements are that day's news).
        day = self.date_base
        today = EventDate(day.year, day.month, day.day) if day is not None else None
        lead = self.lead_day
        if lead is not None and today is not None and r.index < lead[1] and (
                last is None or last[0] == today):
            return lead[0]   # the headline's news, dated by the lede (not the dateline)
        coarse = last is not None and last[0].day is None
        if judgment and last is not None and day is not None and not self.same_voice(r):
            told = last[0].as_day()
            if told is not None and told < day:
                # someone else's judgment, told without a day after the signal's: the
                # report's own news (reactions come in after the signal they judge)
                return today
        if last is not None and not ((judgment or coarse) and self.before_the_news(last[0])):
            # an old year or month ("in 2017, Russia admitted …") is background: what the
            # report goes on to say undated is its own day's news
            return last[0]
        return today

    def in_news_cycle(self, told: EventDate) -> bool:
        """Is a day within the news cycle of the report (up to its publication day)?"""
        day = told.as_day()
        return self.date_base is not None and day is not None and \
            0 <= (self.date_base - day).days <= NEWS_CYCLE_DAYS

    def same_voice(self, r: SentenceReading) -> bool:
        """Does the sentence's speaker belong to the side of the event told last (Biden's
        further words on the day of Biden's remark)?"""
        last = self.memory.last_event
        return last is not None and last.actor is not None and r.speaker is not None and \
            r.speaker.entity.country is not None and \
            r.speaker.entity.country == last.actor.country

    def before_the_news(self, told: EventDate) -> bool:
        """Is a narrative date older than the report's news cycle (the publication day and
        the days just before it)? An undated judgment after "the missile struck on 21
        November" in an article of the 25th is the 25th's news; Lavrov's further words after
        "Lavrov said on Saturday" in Monday's paper are Saturday's (see :meth:`same_voice`)."""
        if self.date_base is None:
            return False
        day = told.as_day()
        return day is None or (self.date_base - day).days > NEWS_CYCLE_DAYS

    def recalls(self, sent: Sentence, lex: LanguageLexicon) -> bool:
        recall = lex.cue("recall")
        return recall is not None and bool(recall.search(fold(self.text[sent.start:sent.end])))

    def remember_date(self, sent: Sentence, language: str, lex: LanguageLexicon,
                      event: Event | None) -> None:
        """Keep the narrative date: the event's date, else the last date the sentence tells.
        A recalled date ("Nous rappelons que le 6 décembre …") holds for the rest of its
        paragraph only; then the story's own date comes back."""
        self.end_aside(sent)
        found = [d for d in self.sentence_dates(sent, language, lex)
                 if not self.upcoming(d.date)]
        told: EventDate | None = found[-1].date if found else None
        if event is not None and event.date is not None:
            if not found and self.memory.last_date is not None and \
                    not find_anaphors(self.text, sent.start, sent.end, language):
                # an undated sentence does not move the story's day: a reaction dated to
                # the report's day leaves "on the same day" and the details that follow on
                # the day told before
                return
            told = event.date
        if told is None:
            return
        if self.memory.before_aside is None and self.recalls(sent, lex) and self.goes_back(told):
            self.memory.before_aside = (self.memory.last_date, sent.paragraph)
        self.memory.last_date = (told, sent.paragraph)

    def goes_back(self, told: EventDate) -> bool:
        """Is a date well before the story's own day (the narrative date so far, else the
        publication day)? "MOSCOW, May 21 - … two weeks after Putin ordered" does not."""
        last = self.memory.last_date
        reference = last[0].as_day() if last else self.date_base
        day = told.as_day()
        if day is None and told.year is not None:
            day = date(told.year, told.month or 12, 28 if told.month else 31)
        return reference is not None and day is not None and \
            (reference - day).days > ASIDE_DAYS

    def end_aside(self, sent: Sentence) -> None:
        aside = self.memory.before_aside
        if aside is not None and sent.paragraph != aside[1]:
            self.memory.last_date, self.memory.before_aside = aside[0], None

    def upcoming(self, d: EventDate) -> bool:
        """A day after publication ("training starts on April 3") is a plan, not the day the
        story happened."""
        day = d.as_day()
        return day is not None and self.date_base is not None and day > self.date_base


def in_modifier_clause(pos: int, r: SentenceReading) -> bool:
    """Is the token at ``pos`` inside a clause that describes a noun ("the treaty, signed
    in 2010, …", "the Iskander, which Belarus received in 2022")? Its date is background."""
    tokens, off = r.tokens, r.offset
    tok = next((t for t in tokens if t.idx + off <= pos < t.idx + off + len(t) + 1), None)
    if tok is None or not tok.doc.has_annotation("DEP"):
        return False
    for _ in range(5):
        if tok.dep_ in ("acl", "relcl", "acl:relcl", "appos"):
            return True
        if tok.head is tok or tok.dep_ in ("ROOT", "ccomp", "parataxis"):
            return False
        tok = tok.head
    return False
