"""Read documents from disk: plain-text dumps, HTML pages, JSONL and CSV corpora.

Every input yields RawDocument values or Skipped values with a reason; nothing here raises for
a bad document. Encoding is detected (BOM, UTF-8, then charset-normalizer), never assumed."""

from __future__ import annotations

import csv
import errno
import hashlib
import io
import json
import logging
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from charset_normalizer import from_bytes

from .errors import InputError, TocsinError, describe_unexpected
from .model import DocKind, Note, RawDocument, Skipped
from .settings import Settings

TEXT_SUFFIXES = {".txt", ".text", ".md"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
RECORD_SUFFIXES = {".jsonl", ".ndjson", ".csv"}
KNOWN_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | RECORD_SUFFIXES
WARC_SUFFIXES = (".warc", ".warc.gz", ".wet", ".wet.gz")   # see tocsin.warc

Item = RawDocument | Skipped
log = logging.getLogger(__name__)


def content_id(kind: str, content: str) -> str:
    """Stable identity of a document: the same text read twice is the same document."""
    # surrogatepass: a lone surrogate (from a JSON escape) must not make hashing fail
    data = f"{kind}\0{content}".encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()[:32]


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


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    notes: tuple[str, ...] = ()   # warnings: what decoding had to replace


# More NUL bytes than this share of the file mean binary content, wherever they are; fewer
# are stray bytes, replaced (with a warning) like any other invalid byte.
MAX_NUL_SHARE = 0.001
# UTF-8 with a few invalid bytes stays UTF-8 when valid non-ASCII characters outnumber the
# invalid bytes this many times; a legacy code page is tried only for files that are not.
UTF8_MAJORITY = 20
_BAD_BYTE = re.compile("[\udc80-\udcff]")   # invalid bytes under errors="surrogateescape"
_UNSAFE_CHAR = re.compile("[\x00\ud800-\udfff]")   # NUL and lone surrogates


def decode(data: bytes) -> tuple[str, str] | str:
    """Return (text, encoding), or a skip reason when the bytes are not text."""
    out = decode_bytes(data)
    return out if isinstance(out, str) else (out.text, out.encoding)


def decode_bytes(data: bytes) -> Decoded | str:
    """Decode a file: BOM, UTF-16 without BOM, UTF-8 (a few bad bytes replaced), then the
    legacy encodings of our languages. A skip reason when the bytes are not text."""
    if not data.strip():
        return "empty file"
    if data.startswith(b"\xef\xbb\xbf"):
        return _finish(data[3:].decode("utf-8", errors="replace"), "utf-8-sig")
    for bom, enc in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return _finish(data[2:].decode(enc, errors="replace"), enc)
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return _finish(data.decode(utf16, errors="replace"), utf16)
    nul = data.count(b"\x00")
    if nul > MAX_NUL_SHARE * len(data):
        return "binary content (NUL bytes); not a text document"
    utf8 = _mostly_utf8(data)
    if utf8 is not None:
        return utf8
    guess = _guess_legacy_encoding(data)
    if guess is None:
        return "undecodable: not text in any known encoding"
    text, encoding = guess
    controls = sum(1 for c in text[:65536] if ord(c) < 32 and c not in "\n\r\t\f\x00")
    if controls > 0.01 * min(len(text), 65536):
        return "binary content (control characters); not a text document"
    return _finish(text, encoding)


def _finish(text: str, encoding: str, notes: tuple[str, ...] = ()) -> Decoded:
    clean_text, n = sanitize(text)
    if n:
        notes += (f"warning: {n} NUL or lone surrogate character(s) replaced with U+FFFD",)
    return Decoded(clean_text, encoding, notes)


def sanitize(text: str) -> tuple[str, int]:
    """Replace NUL and lone surrogates (which no UTF-8 encoder, hash or database accepts)
    with U+FFFD; return the text and how many were replaced."""
    return _UNSAFE_CHAR.subn("\ufffd", text)


def _mostly_utf8(data: bytes) -> Decoded | None:
    """UTF-8, with invalid bytes replaced when they are few among valid non-ASCII
    characters; None when the file does not look like UTF-8 at all."""
    try:
        return _finish(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    escaped = data.decode("utf-8", errors="surrogateescape")
    bad = len(_BAD_BYTE.findall(escaped))
    valid_non_ascii = sum(1 for c in escaped if c > "\x7f") - bad
    if valid_non_ascii < UTF8_MAJORITY * bad:
        return None
    note = f"warning: {bad} invalid UTF-8 byte(s) replaced with U+FFFD"
    return _finish(data.decode("utf-8", errors="replace"), "utf-8", (note,))


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without BOM: NUL bytes only at odd offsets (LE) or only at even ones (BE),
    as the high byte of Latin characters, spaces and punctuation, and a clean decoding."""
    sample = data[:65536]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) // 2
    for enc, zeros, others in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if others == 0 and zeros >= 0.05 * half:
            try:
                text = data[: len(data) // 2 * 2].decode(enc)
            except UnicodeDecodeError:
                continue
            controls = sum(1 for c in text[:32768] if ord(c) < 32 and c not in "\n\r\t\f")
            if controls <= 0.01 * min(len(text), 32768):
                return enc
    return None


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


def iter_inputs(paths: Iterable[str]) -> Iterator[tuple[str, Path] | Skipped]:
    """Expand folders (recursively, sorted) into (as_given, path) pairs, and a skip for every
    path that a folder walk cannot read or follow (loops, permissions, special files, names
    past the system's length limit). A given path that does not exist is an InputError."""
    for given in paths:
        p = Path(given)
        try:
            is_dir = p.is_dir()
            exists = is_dir or p.exists() or p.is_symlink()
        except OSError as exc:
            yield Skipped("ingest", f"unreadable: {_why(exc)}", given)
            continue
        if is_dir:
            yield from _walk(given, p, _ancestors=frozenset())
        elif exists:
            yield given, p
        else:
            raise InputError(f"{given}: no such file or folder")


def iter_paths(paths: Iterable[str]) -> Iterator[tuple[str, Path]]:
    """The readable files of :func:`iter_inputs` (what a run will open)."""
    for item in iter_inputs(paths):
        if not isinstance(item, Skipped):
            yield item


def _why(exc: OSError) -> str:
    if exc.errno == errno.ENAMETOOLONG:
        return "path too long for the system (move the files nearer the root)"
    if exc.errno == errno.ELOOP:
        return "symbolic link loop"
    return exc.strerror or type(exc).__name__


def _walk(shown: str, folder: Path, _ancestors: frozenset[tuple[int, int]]
          ) -> Iterator[tuple[str, Path] | Skipped]:
    """Pre-order, children sorted by name (the order of ``sorted(rglob("*"))``); folder
    symlinks are followed unless they lead back to a folder above them."""
    try:
        st = folder.stat()
        here = (st.st_dev, st.st_ino)
        if here in _ancestors:
            yield Skipped("ingest", "symbolic link loop: leads back to a folder above it",
                          shown)
            return
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        yield Skipped("ingest", f"unreadable folder: {_why(exc)}", shown)
        return
    inside = _ancestors | {here}
    for entry in entries:
        if entry.name.startswith("."):
            continue   # hidden files and folders (.git, .DS_Store) are not documents
        child_shown = os.path.join(shown, entry.name)
        try:
            is_dir = entry.is_dir()
            is_file = not is_dir and entry.is_file()
        except OSError as exc:
            yield Skipped("ingest", f"unreadable: {_why(exc)}", child_shown)
            continue
        if is_dir:
            yield from _walk(child_shown, Path(entry.path), inside)
        elif is_file:
            yield child_shown, Path(entry.path)
        else:
            yield Skipped("ingest", _special_file_reason(Path(entry.path)), child_shown)


def _special_file_reason(path: Path) -> str:
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        if path.is_symlink():
            return f"broken symbolic link ({_why(exc)})"
        return f"unreadable: {_why(exc)}"
    return f"not a regular file ({_file_kind(mode)}); Tocsin reads regular files only"


def _file_kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "FIFO"), (stat.S_ISCHR, "character device"),
                       (stat.S_ISBLK, "block device"), (stat.S_ISSOCK, "socket"),
                       (stat.S_ISDIR, "folder")):
        if test(mode):
            return name
    return "special file"


def read_documents(paths: Iterable[str], settings: Settings) -> Iterator[Item]:
    """Every document (or skip) from the given files and folders, in a stable order. A
    file that fails in an unexpected way is a skip; the files after it are still read."""
    for item in iter_inputs(paths):
        if isinstance(item, Skipped):
            yield item
            continue
        given, path = item
        try:
            yield from read_file(given, path, settings)
        except TocsinError:
            raise   # not about this file
        except Exception as exc:  # noqa: BLE001 - the file boundary: record, go on
            log.exception("reading %s failed", given)
            yield Skipped("error", describe_unexpected(exc), given)


def read_file(given: str, path: Path, settings: Settings) -> Iterator[Item]:
    suffix = path.suffix.lower()
    try:
        st = path.stat()
    except OSError as exc:
        yield Skipped("ingest", f"unreadable: {_why(exc)}", given)
        return
    if not stat.S_ISREG(st.st_mode):
        # FIFOs block, devices never end and report size 0: only regular files are read
        yield Skipped("ingest", f"not a regular file ({_file_kind(st.st_mode)}); "
                      "Tocsin reads regular files only", given)
        return
    if path.name.lower().endswith(WARC_SUFFIXES):   # web archives: records, not one file
        from .warc import read_warc

        yield from read_warc(given, path, settings)
        return
    if suffix == ".parquet":   # a corpus: one document per row, like JSONL
        from .parquet import read_corpus

        yield from read_corpus(given, path, settings)
        return
    if suffix not in KNOWN_SUFFIXES and suffix:
        yield Skipped("ingest", f"unsupported file type '{suffix}'", given)
        return
    too_large = (f"too large: more than {settings.max_bytes} bytes "
                 "(raise --max-bytes to read it)")
    if st.st_size > settings.max_bytes:
        yield Skipped("ingest", too_large.replace("more than", f"{st.st_size} bytes >"), given)
        return
    try:
        data = read_at_most(path, settings.max_bytes)
    except OSError as exc:
        yield Skipped("ingest", f"unreadable: {_why(exc)}", given)
        return
    if data is None:   # the file grew past the limit, or its size was not its length
        yield Skipped("ingest", too_large, given)
        return
    decoded = decode_bytes(data)
    if isinstance(decoded, str):
        yield Skipped("ingest", decoded, given)
        return
    notes = tuple(Note("ingest", n) for n in decoded.notes)
    text = decoded.text
    if suffix in (".jsonl", ".ndjson"):
        yield from _with_file_notes(_jsonl_records(given, text, settings), notes)
    elif suffix == ".csv":
        yield from _with_file_notes(_csv_records(given, text, settings), notes)
    else:
        kind: DocKind = "html" if suffix in HTML_SUFFIXES or looks_like_html(text) else "text"
        yield RawDocument(doc=given, content_id=content_id(kind, text), content=text, kind=kind,
                          encoding=decoded.encoding, published=settings.published, notes=notes)


def read_at_most(path: Path, limit: int) -> bytes | None:
    """The file's bytes, or None when it holds more than ``limit`` bytes (counted while
    reading: a size from stat can be wrong)."""
    chunks: list[bytes] = []
    total = 0
    with path.open("rb") as f:
        while chunk := f.read(min(1 << 20, limit + 1 - total)):
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                return None
    return b"".join(chunks)


def _with_file_notes(items: Iterator[Item], notes: tuple[Note, ...]) -> Iterator[Item]:
    """A decoding warning of a corpus file goes with each of its records."""
    for item in items:
        yield replace(item, notes=notes + item.notes) if notes and isinstance(
            item, RawDocument) else item


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
    content, replaced = sanitize(content)

    def opt(key: str) -> str | None:
        nonlocal replaced
        v = rec.get(key)
        if v in (None, ""):
            return None
        value, n = sanitize(str(v))
        replaced += n
        return value

    url, title, source = opt("url"), opt("title"), opt("source")
    notes = (Note("ingest", f"warning: {replaced} NUL or lone surrogate character(s) replaced "
                  "with U+FFFD"),) if replaced else ()
    return RawDocument(doc=doc, content_id=content_id(kind, content), content=content, kind=kind,
                       url=url, title=title, published=published, source=source, notes=notes)


def _jsonl_records(given: str, text: str, settings: Settings) -> Iterator[Item]:
    # Lines end at "\n" only: U+2028, U+0085 and friends are legal inside JSON strings.
    for n, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        doc = f"{given}#{n}"
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Skipped("ingest", f"malformed JSON line: {exc.msg} (column {exc.colno})", doc)
            continue
        except RecursionError:
            yield Skipped("ingest", "malformed JSON line: nested too deeply", doc)
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
