"""Fuzz targets: one Hypothesis strategy and one property per pipeline stage.

Used twice: by ``tests/test_fuzz.py`` (a short pass in every ``make test``) and by
``scripts/fuzz.py`` (``make fuzz SECONDS=...``: the same targets for a long time budget, new
random seeds each round, counts and crashes written down). Each property fails on an
exception or on a broken invariant: text that cannot be stored, offsets outside the text,
an unexpected exception recorded at the document boundary (stage "error")."""

from __future__ import annotations

import csv
import io
import json
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from tocsin.clean import clean
from tocsin.dates import MONTHS, find_anaphors, find_dates, resolve, shift
from tocsin.ingest import content_id, decode_bytes, read_documents, sanitize
from tocsin.model import Article, EventDate, RawDocument, Skipped
from tocsin.output import FORMULA_STARTS, csv_cell
from tocsin.pipeline import process_item
from tocsin.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = Settings(max_paragraph_chars=600, max_seconds=60.0)
LANGUAGES = ("fr", "en", "uk", "ru")


def _corpus_words() -> list[str]:
    words: set[str] = set()
    for p in sorted((ROOT / "examples" / "corpus").glob("*.txt")):
        words.update(p.read_text(encoding="utf-8", errors="replace").split())
    return sorted(words)[:5000]


def _corpus_sentences() -> list[str]:
    """Sentences of the example articles (all four languages): the extractor's rules fire on
    them, so mutations of them reach deep into extraction."""
    out: list[str] = []
    for p in sorted((ROOT / "examples" / "corpus").glob("*.txt")):
        text = p.read_text(encoding="utf-8", errors="replace")
        out += [s.strip() + "." for s in re.split(r"(?<=[.!?»])\s+", text)
                if 40 < len(s) < 400]
    return out


WORDS = _corpus_words()
SENTENCES = _corpus_sentences()
# Characters that have broken text tools before: NUL, lone surrogates, separators that
# str.splitlines() honours, bidi controls, combining marks, BOM, full-width formula starts.
NASTY = ["\x00", "\ud800", "\udfff", "\u2028", "\u2029", "\x85", "\x1c", "\x0b", "\x0c",
         "\r", "\u202e", "\u0301", "\ufeff", "\uffff", "[/]", "[bold]", "=", "＝", "\t",
         "...", "…", "«", "»", "\"", "'", "\\", "{", "}", "<", ">", "&amp;", "\u00a0"]

words = st.sampled_from(WORDS) if WORDS else st.text(min_size=1, max_size=8)
nasty = st.sampled_from(NASTY)
token = st.one_of(words, words, words, nasty, st.text(max_size=6),
                  st.sampled_from([" ", " ", "\n", "\n\n", ". ", ", "]))
prose = st.lists(token, max_size=120).map(" ".join)
published = st.one_of(st.none(), st.dates(), st.sampled_from([date.min, date.max,
                                                               date(1, 1, 7)]))


def _storable(text: str | None) -> None:
    """What the store and the hash need: UTF-8-encodable text without NUL."""
    if text is not None:
        text.encode("utf-8")
        assert "\x00" not in text


def _check_item(item: RawDocument | Skipped) -> None:
    assert isinstance(item, RawDocument | Skipped)
    if isinstance(item, RawDocument):
        for value in (item.content, item.title, item.url, item.source, item.doc):
            _storable(value)
        assert item.content_id == content_id(item.kind, item.content)
    else:
        assert item.stage != "error", item.reason


# -- targets ----------------------------------------------------------------------------------


def check_decode(data: bytes) -> None:
    out = decode_bytes(data)
    if not isinstance(out, str):
        _storable(out.text)


def _jsonl_line(rec: dict[str, Any] | str) -> str:
    return rec if isinstance(rec, str) else json.dumps(rec, ensure_ascii=bool(len(rec) % 2))


record = st.fixed_dictionaries({}, optional={
    "text": st.one_of(prose, st.integers(), st.none(), st.lists(st.integers(), max_size=2)),
    "html": st.one_of(prose.map(lambda t: f"<html><body><p>{t}</p></body></html>"),
                      st.text(max_size=40)),
    "title": st.one_of(prose, st.integers()), "url": st.text(max_size=30),
    "published": st.one_of(st.text(max_size=12), published.map(str), st.integers()),
    "source": st.text(max_size=10)})
jsonl_file = st.lists(st.one_of(record, st.text(max_size=60), st.sampled_from(
    ["[" * 3000, "{}", "[]", "null", '{"text": "\\ud800 nuclear"}', "\ufeff{}"])),
    max_size=6).map(lambda recs: "\n".join(_jsonl_line(r) for r in recs))


def _csv_text(rows: list[list[str]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["text", "title", "published"])
    w.writerows(rows)
    return buf.getvalue()


csv_file = st.one_of(
    st.lists(st.lists(st.one_of(prose, st.text(max_size=20)), max_size=4), max_size=5)
    .map(_csv_text), st.text(max_size=200))
html_file = st.lists(st.one_of(prose, st.sampled_from(
    ["<p>", "</p>", "<div>", "<script>", "<!--", "<html>", "<body>", "<meta "
     "property='article:published_time' content='0001-01-01'>", "<title>", "</title>"])),
    max_size=30).map("".join)
encodings = st.sampled_from(["utf-8", "utf-16-le", "utf-16-be", "cp1251", "latin-1", "utf-8-sig"])


@st.composite
def ingest_inputs(draw: st.DrawFn) -> tuple[str, bytes]:
    suffix, text = draw(st.one_of(
        st.tuples(st.just(".txt"), prose), st.tuples(st.just(".html"), html_file),
        st.tuples(st.just(".jsonl"), jsonl_file), st.tuples(st.just(".csv"), csv_file)))
    data = text.encode(draw(encodings), errors="replace")
    if draw(st.booleans()):   # damage: a few random bytes somewhere
        for _ in range(draw(st.integers(1, 4))):
            pos = draw(st.integers(0, len(data)))
            data = data[:pos] + bytes([draw(st.integers(0, 255))]) + data[pos:]
    return suffix, data


def check_ingest(case: tuple[str, bytes]) -> None:
    suffix, data = case
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / f"doc{suffix}"
        p.write_bytes(data)
        for item in read_documents([str(p)], SETTINGS):
            _check_item(item)


def _raw(text: str, kind: str, pub: date | None) -> RawDocument:
    """A document as ingest makes it (NUL and lone surrogates already replaced)."""
    text = sanitize(text)[0]
    return RawDocument("fuzz.txt", content_id(kind, text), text, kind=kind,  # type: ignore[arg-type]
                       published=pub)


raw_documents = st.builds(
    _raw,
    st.one_of(prose, html_file), st.sampled_from(["text", "html"]), published)


def check_clean(raw: RawDocument) -> None:
    out = clean(raw, SETTINGS)
    if isinstance(out, Skipped):
        assert out.stage in ("clean", "language")
        return
    assert isinstance(out, Article)
    end = 0
    for p in out.paragraphs:
        assert end <= p.start <= p.end <= len(out.text)
        assert p.end - p.start <= SETTINGS.max_paragraph_chars
        end = p.end


date_text = st.lists(st.one_of(
    st.sampled_from([m for ms in MONTHS.values() for m, _ in ms]),
    st.sampled_from(["hier", "yesterday", "вчора", "вчера", "monday", "lundi", "le lendemain",
                     "three days later", "last week", "last month", "this year",
                     "l'an dernier", "1er", "2023", "1951", "31", "00", "99", "12/31/2049"]),
    st.integers(0, 40).map(str), st.sampled_from([" ", ", ", ". ", "-", "/"])),
    max_size=20).map(" ".join)


def check_dates(case: tuple[str, str, date | None, int | None, int]) -> None:
    text, lang, pub, year, days = case
    for m in find_dates(text, 0, len(text), lang, pub, ((0, year),) if year else (),
                        re.compile("by"), future=days % 2 == 0):
        assert 0 <= m.start <= m.end <= len(text)
        shift(m.date, days)
    find_anaphors(text, 0, len(text), lang)
    resolve("hier", "fr", pub, year)
    shift(EventDate(year, 12, 31), days)


dates_inputs = st.tuples(date_text, st.sampled_from(LANGUAGES), published,
                         st.one_of(st.none(), st.integers(1, 9999)),
                         st.integers(-10**6, 10**6))


@st.composite
def mutated_sentence(draw: st.DrawFn) -> str:
    """A real sentence with tokens inserted, dropped, repeated or cut."""
    words_ = draw(st.sampled_from(SENTENCES)).split() if SENTENCES else ["nuclear"]
    for _ in range(draw(st.integers(0, 4))):
        op = draw(st.sampled_from(["insert", "drop", "repeat", "cut", "upper"]))
        i = draw(st.integers(0, max(0, len(words_) - 1)))
        if op == "insert":
            words_.insert(i, draw(st.one_of(nasty, words)))
        elif op == "drop" and len(words_) > 1:
            del words_[i]
        elif op == "repeat":
            words_[i:i] = words_[i:i + 3] * draw(st.integers(1, 5))
        elif op == "cut":
            words_ = words_[: i + 1]
        elif words_:
            words_[i] = words_[i].upper()
    return " ".join(words_)


@st.composite
def articles(draw: st.DrawFn) -> RawDocument:
    """Paragraphs of mutated real sentences (so that the extractor's rules fire), some of
    them mixed with random corpus words and hostile characters."""
    paragraphs = draw(st.lists(st.one_of(
        st.lists(mutated_sentence(), min_size=1, max_size=4).map(" ".join),
        st.lists(mutated_sentence(), min_size=1, max_size=4).map(" ".join), prose),
        min_size=1, max_size=6))
    return _raw("\n".join(paragraphs), "text", draw(published))


def check_extract(raw: RawDocument) -> None:
    result = process_item(raw, SETTINGS)
    if result.skipped is not None:
        assert result.skipped.stage != "error", result.skipped.reason
        return
    assert result.article is not None
    text = result.article.text
    for s in result.sentences:
        assert 0 <= s.start < s.end <= len(text)
    for e in result.events:
        assert text[e.span[0] : e.span[1]] == e.sentence
        _storable(e.sentence)


@st.composite
def pipeline_inputs(draw: st.DrawFn) -> tuple[str, bytes]:
    """A file of mutated real paragraphs, as text, HTML or a JSONL record, in some
    encoding, sometimes damaged: the whole way from bytes to events."""
    raw = draw(articles())
    suffix = draw(st.sampled_from([".txt", ".html", ".jsonl"]))
    text = raw.content
    if suffix == ".html":
        text = "<html><body>" + "".join(f"<p>{p}</p>" for p in text.split("\n")) + \
            "</body></html>"
    elif suffix == ".jsonl":
        text = json.dumps({"text": text, "published": str(draw(published))}) + "\n"
    data = text.encode(draw(encodings), errors="replace")
    if draw(st.booleans()):
        pos = draw(st.integers(0, len(data)))
        data = data[:pos] + bytes([draw(st.integers(0, 255))]) + data[pos:]
    return suffix, data


def check_pipeline(case: tuple[str, bytes]) -> None:
    suffix, data = case
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / f"doc{suffix}"
        p.write_bytes(data)
        for item in read_documents([str(p)], SETTINGS):
            _check_item(item)
            result = process_item(item, SETTINGS)
            if result.skipped is not None:
                assert result.skipped.stage != "error", result.skipped.reason
            for e in result.events:
                assert result.article is not None
                assert result.article.text[e.span[0] : e.span[1]] == e.sentence


def check_csv_cell(value: str) -> None:
    cell = csv_cell(value)
    assert not cell.startswith(FORMULA_STARTS)
    assert cell in (value, "'" + value)


@dataclass(frozen=True)
class Target:
    name: str
    strategy: st.SearchStrategy[Any]
    check: Callable[[Any], None]
    ci_examples: int     # examples in the short pass of ``make test``


TARGETS = (
    Target("decode", st.binary(max_size=3000), check_decode, 200),
    Target("ingest", ingest_inputs(), check_ingest, 120),
    Target("clean", raw_documents, check_clean, 60),
    Target("dates", dates_inputs, check_dates, 200),
    Target("extract", articles(), check_extract, 15),
    Target("pipeline", pipeline_inputs(), check_pipeline, 8),
    Target("csv", st.text(max_size=30), check_csv_cell, 200),
)
