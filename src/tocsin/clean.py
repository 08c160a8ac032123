"""RawDocument -> Article: main-text extraction (HTML), paragraph split with offsets into the
text as read, boilerplate detection by general signals, language identification."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .knowledge import boilerplate_cues
from .langid import detect
from .model import Article, DocKind, Note, Paragraph, RawDocument, Skipped
from .settings import Settings
from .textutil import fold

TERMINAL = ('.', '!', '?', '»', '"', '”', ';', '…', ':')
PLACEHOLDER = re.compile(r"^(\S{3,20}?)\1+$")
ELLIPSIS_END = re.compile(r"(?:\.\.\.|…)\s*$")


@dataclass(frozen=True)
class _Line:
    start: int
    end: int
    text: str


def split_paragraphs(text: str) -> list[_Line]:
    """Lines are paragraphs, except hard-wrapped lines (a line that does not end a sentence
    followed by one starting in lower case), which are joined. Offsets index ``text``."""
    lines = [_Line(m.start(), m.end(), m.group()) for m in re.finditer(r"[^\n]+", text)]
    lines = [ln for ln in lines if ln.text.strip()]
    out: list[_Line] = []
    for ln in lines:
        stripped = ln.text.strip()
        s = ln.start + (len(ln.text) - len(ln.text.lstrip()))
        e = s + len(stripped)
        if out:
            prev = out[-1]
            between = text[prev.end : s]
            if (between.count("\n") == 1 and not prev.text.rstrip().endswith(TERMINAL)
                    and stripped[:1].islower()):
                out[-1] = _Line(prev.start, e, text[prev.start : e])
                continue
        out.append(_Line(s, e, stripped))
    return out


def _kind(p: str) -> str | None:
    """A paragraph's boilerplate signal, or None for ordinary prose."""
    words = p.split()
    if PLACEHOLDER.match(p) and " " not in p:
        return "placeholder"
    if len(words) <= 8 and boilerplate_cues().match(fold(p)):
        return "cue"
    if ELLIPSIS_END.search(p):
        return "teaser"
    if not p.endswith(TERMINAL):
        return "short" if len(words) <= 4 else "headline"
    return None


def classify_boilerplate(paras: list[str]) -> list[str | None]:
    """Reason per paragraph (None = body). Signals: short unpunctuated lines (menus, rubrics),
    cue lines (share/related/newsletter), image placeholders, and the tail of teaser pairs
    (headline + lead ending in an ellipsis) that scraped pages carry after the article."""
    kinds = [_kind(p) for p in paras]
    reasons: list[str | None] = [None] * len(paras)
    n = len(paras)
    # The tail: the earliest point after which everything is furniture and which starts with
    # a cue/placeholder or holds at least two teaser leads.
    tail = n
    for i in range(n - 1, 0, -1):
        if kinds[i] is None:
            break
        rest = kinds[i:]
        if kinds[i] in ("cue", "placeholder") or rest.count("teaser") >= 2:
            tail = i
    for i in range(tail, n):
        reasons[i] = f"tail:{kinds[i]}"
    for i in range(tail):
        k = kinds[i]
        if k in ("placeholder", "cue", "short"):
            reasons[i] = k
        elif k == "teaser" and i > 0 and kinds[i - 1] == "headline":
            reasons[i] = reasons[i - 1] = "teaser"
        elif k == "headline" and i > 0 and kinds[i - 1] == "cue":
            reasons[i] = "teaser"
    return reasons


MIN_PARAGRAPH_LETTERS = 60   # shorter paragraphs take the document's language


def _script(text: str) -> str:
    cyr = sum(1 for c in text if "\u0400" <= c <= "\u04ff")
    lat = sum(1 for c in text if c.isascii() and c.isalpha())
    return "cyrillic" if cyr > lat else "latin"


def _is_headline(first: str, title: str | None) -> bool:
    """The first line of an HTML page's main text is its headline when it repeats the title,
    or is short and unpunctuated (the <h1>)."""
    if title and fold(title).strip().startswith(fold(first).strip()[:40]):
        return True
    return not first.rstrip().endswith(TERMINAL) and len(first.split()) <= 20


def paragraph_language(text: str, doc_language: str) -> str:
    """Language of one paragraph: a quote in another language keeps its own (a Ukrainian
    article quoting Russian, a French one quoting English). Short paragraphs in the
    document's script inherit the document language; identification is costly and unsure
    on a few words."""
    letters = sum(1 for c in text if c.isalpha())
    same_script = _script(text) == ("cyrillic" if doc_language in ("uk", "ru") else "latin")
    if same_script and letters < MIN_PARAGRAPH_LETTERS:
        return doc_language
    return detect(text) or doc_language


def _html_main_text(raw: RawDocument) -> tuple[str, str | None, str | None] | str:
    """(text, title, date) of the main content, or a skip reason."""
    import trafilatura  # imported lazily: costly, and only HTML needs it

    try:
        res = trafilatura.bare_extraction(
            raw.content, url=raw.url, with_metadata=True, include_comments=False,
            include_tables=False, include_images=False, favor_precision=True,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception as exc:  # noqa: BLE001 - any parser failure is a skip, not a crash
        return f"HTML could not be parsed: {type(exc).__name__}"
    if res is None:
        return "no main text found in HTML"
    data = res if isinstance(res, dict) else res.as_dict()
    text = data.get("text") or ""
    if not text.strip():
        return "no main text found in HTML"
    return text, data.get("title"), data.get("date")


def clean(raw: RawDocument, settings: Settings) -> Article | Skipped:
    from .ingest import parse_published

    kind: DocKind = raw.kind
    title, published = raw.title, raw.published
    if kind == "html":
        main = _html_main_text(raw)
        if isinstance(main, str):
            return Skipped("clean", main, raw.doc, raw.content_id)
        text, html_title, html_date = main
        title = title or html_title
        published = published or parse_published(html_date)
    else:
        text = raw.content
    if len(text) > settings.max_chars:
        return Skipped("clean", f"text too long: {len(text)} characters > limit "
                       f"{settings.max_chars}; split the file", raw.doc, raw.content_id)
    lines = split_paragraphs(text)
    reasons = classify_boilerplate([ln.text for ln in lines])
    body_text = "\n".join(ln.text for ln, r in zip(lines, reasons, strict=True) if r is None)
    if len(body_text.strip()) < settings.min_chars:
        return Skipped("clean", "empty: no article text after removing boilerplate",
                       raw.doc, raw.content_id)
    language = detect(body_text, others=True)
    if language is None:
        return Skipped("language", "language not identified", raw.doc, raw.content_id)
    first = next((i for i, r in enumerate(reasons) if r is None), None)
    if kind == "html" and first is not None and _is_headline(lines[first].text, title):
        reasons[first] = "title"   # the page headline (or standfirst) atop the main text
    # Boilerplate is judged on whole lines; long ones are then cut into pieces whose
    # parsing and extraction cost is bounded (their cost grows with the square of length).
    pieces, n_split = cap_lengths(text, lines, reasons, settings.max_paragraph_chars)
    paragraphs = tuple(
        Paragraph(ln.start, ln.end, paragraph_language(ln.text, language),
                  boilerplate=r is not None, reason=r)
        for ln, r in pieces
    )
    notes = raw.notes
    if n_split:
        notes += (Note("clean", f"warning: {n_split} paragraph(s) longer than "
                       f"{settings.max_paragraph_chars} characters split into pieces"),)
    return Article(doc=raw.doc, content_id=raw.content_id, text=text, language=language,
                   paragraphs=paragraphs, title=title, url=raw.url,
                   published=published or raw.crawled or settings.published,
                   source=raw.source, kind=kind,
                   notes=notes)


# Where a long paragraph is best cut: after a sentence end, else at a space.
_SENTENCE_END = re.compile(r"[.!?…;»”\"]\s+")


def cap_lengths(text: str, lines: list[_Line], reasons: list[str | None], cap: int
                ) -> tuple[list[tuple[_Line, str | None]], int]:
    """Lines longer than ``cap`` cut into pieces of at most ``cap`` characters (offsets
    still index ``text``); also how many lines were cut."""
    out: list[tuple[_Line, str | None]] = []
    n_split = 0
    for ln, reason in zip(lines, reasons, strict=True):
        if ln.end - ln.start <= cap:
            out.append((ln, reason))
            continue
        n_split += 1
        out.extend((piece, reason) for piece in split_long(text, ln.start, ln.end, cap))
    return out, n_split


def split_long(text: str, start: int, end: int, cap: int) -> list[_Line]:
    """text[start:end] in pieces of at most ``cap`` characters, cut after the last sentence
    end in each window (else the last space, else anywhere); linear in the length."""
    pieces: list[_Line] = []
    while end - start > cap:
        window = text[start : start + cap]
        cut = _last_sentence_end(window)
        if cut < cap // 2:
            space = window.rfind(" ", cap // 2)
            cut = space + 1 if space > 0 else cap
        piece_end = start + len(window[:cut].rstrip())
        if piece_end > start:
            pieces.append(_Line(start, piece_end, text[start:piece_end]))
        start += cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        pieces.append(_Line(start, end, text[start:end]))
    return pieces


def _last_sentence_end(window: str) -> int:
    last = 0
    for m in _SENTENCE_END.finditer(window, len(window) // 2):
        last = m.end()
    return last
