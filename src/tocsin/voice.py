"""Whose voice an article is: the issuer of an official text, the interviewee of an
interview.

Statements, briefings, speeches and op-eds name who speaks in a header block above the body
("Ambassador X / Alternate Representative … / New York / March 31, 2023", "Département d'État
des États-Unis / Bureau du porte-parole", "An official website of the United States
Government"). In such a text the first person ("we", "nous", "мы") and the unsigned judgments
are the issuer's, and the spec's actor of a statement is its speaker.

Transcripts and live blogs give each turn a speaker label ("MR PRICE:", "Peskov :",
"Зеленський:"): the labelled speaker is the voice of that turn (:class:`Turns`). Interviews
in the Russian and Ukrainian manner give no labels but dashes ("— question? / — answer"):
the answers are the voice of the person the headline and introduction name
(:func:`interviewee`).

News articles have no voice: their header block holds a headline (a sentence about someone,
not a name and a title), a byline of reporters the knowledge base does not know, a media
outlet, or a section name (a country alone), none of which speaks for a side.
"""

from __future__ import annotations

import importlib
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from .gazetteer import Gazetteer, Match
from .knowledge import LanguageLexicon
from .reading import Mention
from .textutil import fold

HEADER_LINES = 12        # non-empty lines read before the body
BODY_WORDS = 20          # a line this long is body text, not header (a title may run to 16)
SENTENCE_WORDS = 10      # ... and so is a sentence this long that ends as sentences do
NAME_LINE_WORDS = 10     # a name-and-title line is short
UNNAMED_WORDS = 3        # words of a name line outside any name: a title ("Bureau du porte-parole")
ISSUER_KINDS = ("person", "title", "state_body", "military", "intelligence", "organisation",
                "think_tank")
STATEMENT_AT = 16        # "Statement by" opens its line (after a word or two at most)
# a speaker label opening a paragraph: a few words, then a colon ("NATO Spokesperson:")
LABEL = re.compile(r"[ \t]*([^\n:：«»\"“”]{2,60}?)\s?[:：]\s")
LABEL_WORDS = 6
WORD = re.compile(r"\w[\w.-]*")
SENTENCE_END = (".", "!", "?", "»", "”", '"')
# a turn of an interview in dashes, opening a line: "— Что вы будете считать поводом?"
DASH_TURN = re.compile(r"^[ \t]*[—–][ \t]*(?=\S)", re.MULTILINE)
INTERVIEW_QUESTIONS = 2  # dash turns that ask: an article with as many is an interview
# the writer's words after a quote in dashes: "— Мы ответим, — заявил Рябков."
AUTHOR_WORDS = re.compile(r"[,!?…]\s*[—–]\s*")
AUTHOR_WORDS_REACH = 40  # characters after the dash where the speech verb stands


def reads_as_sentence(line: str) -> bool:
    """Is a (stripped) line a sentence of prose, not a title, menu or byline?"""
    return len(WORD.findall(line)) >= SENTENCE_WORDS and line.endswith(SENTENCE_END)


def header_lines(text: str) -> Iterator[tuple[int, int]]:
    """Spans of the non-empty lines above the body (the first long line)."""
    seen = 0
    for m in re.finditer(r"[^\n]+", text):
        line = m.group().strip()
        if not line:
            continue
        if len(WORD.findall(line)) >= BODY_WORDS or seen >= HEADER_LINES or \
                reads_as_sentence(line):
            return
        seen += 1
        yield m.start(), m.end()


def document_voice(text: str, language: str, lexicons: dict[str, LanguageLexicon],
                   gazetteer: Gazetteer, mention_of: Callable[[Match], Mention | None]
                   ) -> Mention | None:
    """The issuer named in the header block, if the article has one: the speaker of a
    "Statement by …" line; else the person, then the body, of a line that is a name with at
    most a title around it; else the side of an "official website of" banner (in any
    language: a translated page keeps its site's banner)."""
    lexicon = lexicons[language]
    banners = [p for lex in lexicons.values() if (p := lex.cue("official_site")) is not None]
    found: list[Mention] = []
    banner: list[Mention] = []   # the site's side: when nothing more precise is named
    for start, end in header_lines(text):
        line = text[start:end]
        folded = fold(line)
        mentions = [mn for m in gazetteer.find(text, start, end, language)
                    if (mn := mention_of(m)) is not None]
        if not mentions:
            continue
        if any(p.search(folded) for p in banners):
            banner.extend(mn for mn in mentions if mn.kind != "adjective")
            continue
        said = statement_by(folded, start, mentions, lexicons)
        if said is not None:
            return said
        issuers = [mn for mn in mentions if mn.kind in ISSUER_KINDS]
        if issuers and is_name_line(line, start, mentions, lexicon):
            found.extend(issuers)
    # the spokesperson over the department, a named issuer over the site's side
    return person_first(found) or (banner[0] if banner else None)


def line_at(text: str, start: int) -> str:
    end = text.find("\n", start)
    return text[start : end if end >= 0 else len(text)]


def is_question(line: str) -> bool:
    return line.rstrip().rstrip("»”\"").endswith("?")


def interviewee(text: str, language: str, gazetteer: Gazetteer,
                mention_of: Callable[[Match], Mention | None]) -> Mention | None:
    """The person an interview in dash turns is with ("— Сергей Алексеевич, что теперь? /
    — Давайте без алармизма …"): the person the headline and introduction above the first
    turn name most often (the last of equals: "we spoke with …" closes the introduction).
    None when the dashes do not ask (a list, a dialogue in a story) or no known person is
    named."""
    turns = [m.start() for m in DASH_TURN.finditer(text)]
    asked = sum(is_question(line_at(text, t)) for t in turns)
    if asked < INTERVIEW_QUESTIONS:
        return None
    persons = [mn for m in gazetteer.find(text, 0, turns[0], language)
               if (mn := mention_of(m)) is not None and mn.kind in ("person", "title")]
    counts = Counter(mn.entity.id or mn.entity.name for mn in persons)
    best = max(counts.values(), default=0)
    chosen = [mn for mn in persons if counts[mn.entity.id or mn.entity.name] == best]
    return chosen[-1] if chosen else None


def statement_by(folded: str, start: int, mentions: list[Mention],
                 lexicons: dict[str, LanguageLexicon]) -> Mention | None:
    """The speaker of a title line that says whose statement follows ("Statement by
    Ambassador X at the Security Council …", "Intervention de Mme X, représentante
    permanente de la France", "From: Ministry of Defence"): a person named after the words,
    else the first side named after them. ``folded`` is the line, folded."""
    for lex in lexicons.values():
        pattern = lex.cue("statement_by")
        m = pattern.search(folded) if pattern is not None else None
        if m is None or m.start() > STATEMENT_AT:
            continue
        after = [mn for mn in mentions if mn.end > start + m.end()]
        sides = [mn for mn in after if mn.kind != "adjective"]
        return person_first(sides) or person_first(after)
    return None


def person_first(mentions: list[Mention]) -> Mention | None:
    """The first person (or role holder) named, else the first mention."""
    persons = [mn for mn in mentions if mn.kind in ("person", "title")]
    chosen = persons or mentions
    return chosen[0] if chosen else None


def is_name_line(line: str, start: int, mentions: list[Mention],
                 lexicon: LanguageLexicon) -> bool:
    """A short line that is names with at most the words of a title around them ("Bureau du
    porte-parole Ned Price"), not a headline telling what someone did ("Medvedev goes too
    far"), not a menu, not a sentence."""
    if line.rstrip().endswith(SENTENCE_END):
        return False
    words = list(WORD.finditer(line))
    if not 2 <= len(words) <= NAME_LINE_WORDS:
        return False   # one word alone is a site's section ("CONGRESS") as often as a name
    unnamed = [w.group() for w in words
               if not any(mn.start <= start + w.start() < mn.end for mn in mentions)]
    if len(unnamed) > UNNAMED_WORDS:
        return False
    title = lexicon.cue("title_word")
    stop = stop_words(lexicon.language)
    return all(len(w) == 1 or fold(w) in stop or (title is not None and title.fullmatch(fold(w)))
               for w in unnamed)


@lru_cache(maxsize=8)
def stop_words(language: str) -> frozenset[str]:
    """Function words ("of", "du", "при"): spaCy's list for the language."""
    module = importlib.import_module(f"spacy.lang.{language}.stop_words")
    return frozenset(fold(w) for w in module.STOP_WORDS)


@dataclass
class Turns:
    """The voice of each turn of a transcript: a speaker label opening a paragraph names the
    speaker until the next label. Without a header voice (a TV transcript, a live blog) a turn
    lasts its paragraph only: the paragraphs after a quoted entry are the writer's again."""

    document: Mention | None     # the header's issuer (:func:`document_voice`)
    lexicon: LanguageLexicon
    interviewee: Mention | None = None   # who answers an interview's dash turns
    current: Mention | None = None
    paragraph: int = -1

    def __post_init__(self) -> None:
        self.current = self.document

    def voice_at(self, text: str, start: int, paragraph: int, paragraph_start: int,
                 mentions: list[Mention]) -> Mention | None:
        """The voice of the sentence at ``start`` (in paragraph ``paragraph``)."""
        if paragraph != self.paragraph:
            if self.document is None:
                self.current = None
            self.paragraph = paragraph
            if not text[paragraph_start:start].strip():   # the paragraph's first sentence
                self.read_label(text, start, mentions)
                self.read_dash_turn(text, start)
        return self.current

    def read_dash_turn(self, text: str, start: int) -> None:
        """An interview's dash turn: a question is the journalist's, an answer the
        interviewee's, for the paragraph."""
        if self.interviewee is None or DASH_TURN.match(text, start) is None:
            return
        line = line_at(text, start)
        self.current = None if is_question(line) or self.attributed(line) else \
            self.interviewee

    def attributed(self, line: str) -> bool:
        """Does the writer say who speaks ("— …, — заявил Рябков")? Then the turn is a quote
        in a report, and its speaker is the one named, not the interviewee."""
        speech = self.lexicon.cue("speech")
        return speech is not None and any(
            speech.match(fold(line[m.end() : m.end() + AUTHOR_WORDS_REACH]))
            for m in AUTHOR_WORDS.finditer(line))

    def read_label(self, text: str, start: int, mentions: list[Mention]) -> None:
        m = LABEL.match(text, start)
        if m is None or len(WORD.findall(m.group(1))) > LABEL_WORDS:
            return
        a, b = m.start(1), m.end(1)
        named = [mn for mn in mentions if a <= mn.start < b and mn.kind in ISSUER_KINDS]
        if named:
            self.current = person_first(named)   # "Peskov :", "NATO Spokesperson:"
            return
        words = [fold(w) for w in WORD.findall(m.group(1))]
        asks = self.lexicon.cue("question_label")
        if asks is not None and asks.fullmatch(" ".join(words)):
            self.current = None   # "QUESTION:": a journalist asks
            return
        title = self.lexicon.cue("title_word")
        if self.document is not None and title is not None and words and \
                all(title.fullmatch(w) for w in words):
            self.current = self.document   # "SPOKESPERSON:", "PRESS SECRETARY:": the issuer's
