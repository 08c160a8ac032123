"""Read documents from disk: plain-text dumps, HTML pages, JSONL and CSV corpora.

Every input yields RawDocument values or Skipped values with a reason; nothing here raises for
a bad document. Encoding is detected (BOM, UTF-8, then charset-normalizer), never assumed."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from charset_normalizer import from_bytes

from .errors import InputError
from .model import DocKind, RawDocument, Skipped
from .settings import Settings

TEXT_SUFFIXES = {".txt", ".text", ".md"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
RECORD_SUFFIXES = {".jsonl", ".ndjson", ".csv"}
KNOWN_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | RECORD_SUFFIXES

Item = RawDocument | Skipped


def content_id(kind: str, content: str) -> str:
    """Stable identity of a document: the same text read twice is the same document."""
    return hashlib.sha256(f"{kind}\0{content}".encode()).hexdigest()[:32]


def parse_published(value: Any) -> date | None:
    """ISO dates/datetimes (the usual metadata forms); anything else is left unknown."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def decode(data: bytes) -> tuple[str, str] | str:
    """Return (text, encoding), or a skip reason when the bytes are not text."""
    if not data.strip():
        return "empty file"
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    for bom, enc in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return data[2:].decode(enc, errors="replace"), enc
    sample = data[:65536]
    if b"\x00" in sample:
        return "binary content (NUL bytes); not a text document"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    guess = _guess_legacy_encoding(data)
    if guess is None:
        return "undecodable: not text in any known encoding"
    text, encoding = guess
    controls = sum(1 for c in text[:65536] if ord(c) < 32 and c not in "\n\r\t\f")
    if controls > 0.01 * min(len(text), 65536):
        return "binary content (control characters); not a text document"
    return text, encoding


# Legacy encodings of the languages Tocsin reads, tried before a generic detector: a generic
# detector happily calls a cp1252 French page "iso8859_14" and turns « » into other letters.
LEGACY_ENCODINGS = ("cp1252", "cp1251", "koi8-u", "koi8-r", "iso8859-15", "mac_cyrillic")
_WORD = re.compile(r"\w+")


def _implausibility(text: str) -> int:
    """Count signs of a wrong decoding: words mixing Latin and Cyrillic, Latin words made
    mostly of accented letters, and characters outside the scripts we expect."""
    bad = 0
    for w in _WORD.findall(text):
        cyr = sum(1 for c in w if "\u0400" <= c <= "\u04ff")
        lat = sum(1 for c in w if c.isalpha() and c < "\u0250")
        accented = sum(1 for c in w if "\u00c0" <= c < "\u0250")
        if cyr and lat or lat >= 3 and accented * 2 > lat:
            bad += 1
    bad += sum(1 for c in text if "\u0250" <= c < "\u0400" or "\u0500" <= c < "\u2000")
    return bad


def _guess_legacy_encoding(data: bytes) -> tuple[str, str] | None:
    candidates: list[tuple[int, int, str, str]] = []
    for rank, enc in enumerate(LEGACY_ENCODINGS):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        candidates.append((_implausibility(text[:20000]), rank, text, enc))
    best = from_bytes(data).best()
    if best is not None and best.encoding:
        text = str(best)
        candidates.append((_implausibility(text[:20000]), len(LEGACY_ENCODINGS), text,
                           best.encoding))
    if not candidates:
        return None
    _, _, text, enc = min(candidates, key=lambda c: (c[0], c[1]))
    return text, enc


def looks_like_html(text: str) -> bool:
    head = text.lstrip()[:512].lower()
    return head.startswith(("<!doctype html", "<html")) or ("<body" in head and "</" in text)


def iter_paths(paths: Iterable[str]) -> Iterator[tuple[str, Path]]:
    """Expand folders (recursively, sorted) into (as_given, path) pairs."""
    for given in paths:
        p = Path(given)
        if p.is_dir():
            for child in sorted(p.rglob("*")):
                if child.is_file() and not child.name.startswith("."):
                    yield str(Path(given) / child.relative_to(p)), child
        elif p.exists():
            yield given, p
        else:
            raise InputError(f"{given}: no such file or folder")


def read_documents(paths: Iterable[str], settings: Settings) -> Iterator[Item]:
    """Every document (or skip) from the given files and folders, in a stable order."""
    for given, path in iter_paths(paths):
        yield from read_file(given, path, settings)


def read_file(given: str, path: Path, settings: Settings) -> Iterator[Item]:
    suffix = path.suffix.lower()
    try:
        size = path.stat().st_size
    except OSError as exc:
        yield Skipped("ingest", f"unreadable: {exc.strerror}", given)
        return
    if suffix not in KNOWN_SUFFIXES and suffix:
        yield Skipped("ingest", f"unsupported file type '{suffix}'", given)
        return
    if size > settings.max_bytes:
        yield Skipped("ingest", f"too large: {size} bytes > limit {settings.max_bytes} "
                      "(raise --max-bytes to read it)", given)
        return
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield Skipped("ingest", f"unreadable: {exc.strerror}", given)
        return
    decoded = decode(data)
    if isinstance(decoded, str):
        yield Skipped("ingest", decoded, given)
        return
    text, encoding = decoded
    if suffix in (".jsonl", ".ndjson"):
        yield from _jsonl_records(given, text, settings)
    elif suffix == ".csv":
        yield from _csv_records(given, text, settings)
    else:
        kind: DocKind = "html" if suffix in HTML_SUFFIXES or looks_like_html(text) else "text"
        yield RawDocument(doc=given, content_id=content_id(kind, text), content=text, kind=kind,
                          encoding=encoding, published=settings.published)


def record_to_document(doc: str, rec: dict[str, Any], settings: Settings) -> Item:
    """One JSONL/CSV record -> RawDocument. Columns: text or html, url, title, published, source."""
    html, text = rec.get("html"), rec.get("text")
    if isinstance(html, str) and html.strip():
        kind: DocKind = "html"
        content = html
    elif isinstance(text, str) and text.strip():
        kind, content = "text", text
    else:
        return Skipped("ingest", "record has no non-empty 'text' or 'html' field", doc)
    published = parse_published(rec.get("published")) or settings.published

    def opt(key: str) -> str | None:
        v = rec.get(key)
        return str(v) if v not in (None, "") else None

    return RawDocument(doc=doc, content_id=content_id(kind, content), content=content, kind=kind,
                       url=opt("url"), title=opt("title"), published=published,
                       source=opt("source"))


def _jsonl_records(given: str, text: str, settings: Settings) -> Iterator[Item]:
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        doc = f"{given}#{n}"
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Skipped("ingest", f"malformed JSON line: {exc.msg} (column {exc.colno})", doc)
            continue
        if not isinstance(rec, dict):
            yield Skipped("ingest", "JSON line is not an object", doc)
            continue
        yield record_to_document(doc, rec, settings)


def _csv_records(given: str, text: str, settings: Settings) -> Iterator[Item]:
    csv.field_size_limit(max(settings.max_bytes, 1 << 20))
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        fields = reader.fieldnames or []
    except csv.Error as exc:
        yield Skipped("ingest", f"malformed CSV header: {exc}", given)
        return
    if not {"text", "html"} & set(fields):
        yield Skipped("ingest", "CSV has no 'text' or 'html' column", given)
        return
    n = 0
    while True:
        n += 1  # records are numbered from 1, the header not counted
        try:
            rec = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Skipped("ingest", f"malformed CSV row: {exc}", f"{given}#{n}")
            continue
        if None in rec:
            yield Skipped("ingest", "CSV row has more fields than the header", f"{given}#{n}")
            continue
        yield record_to_document(f"{given}#{n}", rec, settings)


def split_doc_ref(doc: str) -> tuple[str, int | None]:
    """'corpus/feed.jsonl#3' -> ('corpus/feed.jsonl', 3)."""
    path, sep, num = doc.rpartition("#")
    if sep and num.isdigit() and os.path.splitext(path)[1].lower() in RECORD_SUFFIXES:
        return path, int(num)
    return doc, None
