"""Read web archives (WARC and WET files, gzipped or not) into RawDocuments and skips.

A ``.warc.gz`` file is a series of gzip members, one record each (Common Crawl, CC-NEWS). It
is read member by member with bounded memory (a member's payload is kept up to
``settings.max_bytes``); a truncated or corrupt member is a skip at its byte offset, and
reading goes on at the next gzip header. An uncompressed ``.warc`` is split into records by
their ``Content-Length`` the same way. Each record is then parsed by warcio:

* ``response`` (and ``resource``) records with an HTML payload and HTTP status 200 become
  ``html`` documents, read through the same decoding and cleaning as an HTML file;
* ``conversion`` records (WET: extracted plain text) become ``text`` documents;
* ``warcinfo``, ``request`` and ``metadata`` records describe other records: not documents,
  not skips;
* anything else (non-HTML payloads, other HTTP statuses, revisits, unknown types, broken
  records) is a :class:`~tocsin.model.Skipped` with its reason.

A record is addressed as ``path#OFFSET``: the byte offset of its gzip member (or of the
record in an uncompressed file), which is what Common Crawl's indexes give.
The URL is kept, its host is the ``source``, and the crawl date (``WARC-Date``) is the
publication date of last resort (after the page's own metadata).
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from .errors import ConfigError
from .ingest import WARC_SUFFIXES, Item, content_id, decode_bytes, parse_published, sanitize
from .model import DocKind, Note, RawDocument, Skipped
from .settings import Settings

GZIP_MAGIC = b"\x1f\x8b\x08"
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# records that describe other records: neither documents nor skips
NOT_DOCUMENTS = frozenset({"warcinfo", "request", "metadata"})
_IN_CHUNK = 1 << 16
_OUT_CHUNK = 1 << 20
# room for WARC and HTTP headers on top of the payload limit
HEADER_ROOM = 1 << 16


def is_warc(path: str | Path) -> bool:
    """Whether the file name says web archive (``.warc``, ``.warc.gz``, ``.wet.gz``...)."""
    return str(path).lower().endswith(WARC_SUFFIXES)


@dataclass(frozen=True)
class Chunk:
    """One gzip member (or one record of an uncompressed file), or why it is unusable."""

    offset: int
    data: bytes | None
    problem: str | None = None


def read_warc(given: str, path: Path, settings: Settings) -> Iterator[Item]:
    """Every document and skip of one web-archive file, in file order."""
    _need_warcio()
    cap = settings.max_bytes + HEADER_ROOM
    if path.stat().st_size == 0:
        yield Skipped("ingest", "empty file", given)
        return
    with path.open("rb") as f:
        gzipped = f.read(3) == GZIP_MAGIC
        f.seek(0)
        chunks = gzip_members(f, cap) if gzipped else plain_records(f, cap)
        for chunk in chunks:
            doc = f"{given}#{chunk.offset}"
            if chunk.data is None:
                yield Skipped("ingest", chunk.problem or "unreadable record", doc)
                continue
            yield from records_in(chunk.data, doc, settings)


def _need_warcio() -> None:
    try:
        import warcio  # noqa: F401
    except ImportError as exc:
        raise ConfigError("reading WARC files needs warcio: run `make install` "
                          "(or pip install 'tocsin[spark]')") from exc


def gzip_members(f: IO[bytes], cap: int) -> Iterator[Chunk]:
    """Split a multi-member gzip file into its members' uncompressed bytes, each kept up to
    ``cap`` bytes (a larger one is a problem, decompressed to its end without being kept).
    After a corrupt or truncated member, reading resumes at the next gzip header."""
    pos = 0
    while True:
        f.seek(pos)
        head = f.read(len(GZIP_MAGIC))
        if not head:
            return
        if head != GZIP_MAGIC:
            nxt = _next_magic(f, pos + 1)
            size = (nxt if nxt is not None else _size(f)) - pos
            yield Chunk(pos, None, f"not a gzip member: {size} byte(s) skipped")
            if nxt is None:
                return
            pos = nxt
            continue
        f.seek(pos)
        d = zlib.decompressobj(31)
        kept: list[bytes] = []
        size = read = 0
        problem: str | None = None
        try:
            while not d.eof:
                if d.unconsumed_tail:
                    out = d.decompress(d.unconsumed_tail, _OUT_CHUNK)
                else:
                    data = f.read(_IN_CHUNK)
                    if not data:
                        problem = "truncated gzip member: the file ends inside it"
                        break
                    read += len(data)
                    out = d.decompress(data, _OUT_CHUNK)
                size += len(out)
                if size <= cap:
                    kept.append(out)
                elif kept:
                    kept = []
        except zlib.error as exc:
            problem = f"corrupt or truncated gzip member ({exc})"
        if problem is None:
            if size > cap:
                yield Chunk(pos, None, f"too large: record of {size} bytes > limit {cap} "
                            "(raise --max-bytes to read it)")
            else:
                yield Chunk(pos, b"".join(kept))
            pos = pos + read - len(d.unused_data)
            continue
        yield Chunk(pos, None, problem)
        nxt = _next_magic(f, pos + 1)
        if nxt is None:
            return
        pos = nxt


def _size(f: IO[bytes]) -> int:
    return f.seek(0, io.SEEK_END)


def _next_magic(f: IO[bytes], start: int, pattern: bytes = GZIP_MAGIC) -> int | None:
    """Offset of the next ``pattern`` at or after ``start`` (read in bounded pieces)."""
    f.seek(start)
    keep = b""
    base = start
    while data := f.read(_IN_CHUNK):
        buf = keep + data
        i = buf.find(pattern)
        if i >= 0:
            return base + i
        keep = buf[-(len(pattern) - 1):]
        base += len(buf) - len(keep)
    return None


def plain_records(f: IO[bytes], cap: int) -> Iterator[Chunk]:
    """Split an uncompressed WARC file into records by their headers' Content-Length; after
    a record whose header cannot be read, reading resumes at the next ``WARC/`` line."""
    pos = 0
    while True:
        f.seek(pos)
        found = _read_header(f)
        if found is None:
            return
        pos, header = found
        length = _content_length(header)
        if length is None:
            nxt = _next_warc_line(f, pos + 1)
            yield Chunk(pos, None, "corrupt WARC record: no version line or Content-Length")
            if nxt is None:
                return
            pos = nxt
            continue
        end = pos + len(header) + length
        if len(header) + length > cap:
            yield Chunk(pos, None, f"too large: record of {len(header) + length} bytes > "
                        f"limit {cap} (raise --max-bytes to read it)")
        else:
            body = f.read(length)
            if len(body) < length:
                yield Chunk(pos, None, "truncated WARC record: the file ends inside it")
                return
            yield Chunk(pos, header + body + b"\r\n\r\n")
        pos = end


def _read_header(f: IO[bytes]) -> tuple[int, bytes] | None:
    """(offset, header block up to and including its blank line), bounded in size; the
    blank lines between records are passed over. None at the end of the file."""
    lines: list[bytes] = []
    total = 0
    start = f.tell()
    while True:
        line = f.readline(HEADER_ROOM)
        if not line:
            return (start, b"".join(lines)) if lines else None
        if not lines and not line.strip():
            start += len(line)
            continue
        lines.append(line)
        total += len(line)
        if not line.strip() or total > HEADER_ROOM:
            return start, b"".join(lines)


def _content_length(header: bytes) -> int | None:
    if not header.startswith(b"WARC/"):
        return None
    m = re.search(rb"(?im)^content-length:\s*(\d+)\s*$", header)
    return int(m.group(1)) if m else None


def _next_warc_line(f: IO[bytes], start: int) -> int | None:
    at = _next_magic(f, start, b"\nWARC/")
    return None if at is None else at + 1


def records_in(data: bytes, doc: str, settings: Settings) -> Iterator[Item]:
    """The documents and skips of the records in one chunk of uncompressed WARC bytes
    (usually one record; the 2nd, 3rd... of a chunk are addressed ``#OFFSET/2``...). A record
    whose content does not end where its Content-Length says is corrupt."""
    stream = _quiet_iterator(data)
    pending: Item | str | None = None   # str: the name of a record that yields nothing
    n = 0
    while True:
        errors = stream.err_count
        try:
            record = next(stream)
        except StopIteration:
            record = None
        except Exception as exc:  # noqa: BLE001 - warcio's many parse errors: one record
            record = exc
        if pending is not None:
            if stream.err_count > errors:
                yield Skipped("ingest", "corrupt WARC record: its content does not end where "
                              "its Content-Length says", pending if isinstance(pending, str)
                              else pending.doc)
            elif not isinstance(pending, str):
                yield pending
            pending = None
        name = doc if n == 0 else f"{doc}/{n + 1}"
        if record is None:
            return
        if isinstance(record, Exception):
            yield Skipped("ingest", f"corrupt WARC record: {_one_line(record)}", name)
            return
        n += 1
        try:
            item = record_item(name, record, settings)
        except Exception as exc:  # noqa: BLE001 - a payload that cannot be read
            item = Skipped("ingest", f"corrupt WARC record: {_one_line(exc)}", name)
        # (a record about records yields nothing, but is still checked for corruption)
        pending = name if item is None else item


def _quiet_iterator(data: bytes) -> Any:
    """warcio's iterator, counting records with a wrong Content-Length (``err_count``)
    instead of writing a warning to stderr (the library never prints)."""
    from warcio.archiveiterator import ArchiveIterator

    class Quiet(ArchiveIterator):
        INC_RECORD = ""

    return Quiet(io.BytesIO(data), ensure_http_headers=False)


def _one_line(exc: BaseException, limit: int = 160) -> str:
    msg = " ".join(str(exc).split())
    msg = msg if len(msg) <= limit else msg[: limit - 1] + "…"
    return f"{type(exc).__name__}: {msg}" if msg else type(exc).__name__


def _mime(value: str | None) -> str:
    return (value or "").split(";")[0].strip().lower()


def record_item(doc: str, record: Any, settings: Settings) -> Item | None:
    """One warcio record -> a RawDocument, a Skipped, or None (a record about records)."""
    rec_type = record.rec_type
    if rec_type in NOT_DOCUMENTS:
        return None
    headers = record.rec_headers
    url = headers.get_header("WARC-Target-URI")
    crawled = parse_published(headers.get_header("WARC-Date"))
    kind: DocKind
    if rec_type == "response":
        http = record.http_headers
        if http is None or not http.protocol.upper().startswith("HTTP/"):
            return Skipped("ingest", "not an HTTP response record", doc)
        status = http.get_statuscode()
        if status != "200":
            return Skipped("ingest", f"HTTP status {status}, not a page", doc)
        mime = _mime(http.get_header("Content-Type"))
        if mime and mime not in HTML_TYPES:
            return Skipped("ingest", f"not an HTML page (content type '{mime}')", doc)
        kind = "html"
    elif rec_type in ("resource", "conversion"):
        mime = _mime(headers.get_header("Content-Type"))
        if mime in HTML_TYPES:
            kind = "html"
        elif mime in ("text/plain", ""):
            kind = "text"
        else:
            return Skipped("ingest", f"not an HTML or text record (content type '{mime}')",
                           doc)
    elif rec_type == "revisit":
        return Skipped("ingest", "revisit record: the page is stored in an earlier record", doc)
    else:
        return Skipped("ingest", f"unsupported WARC record type '{rec_type}'", doc)
    payload = record.content_stream().read(settings.max_bytes + 1)
    if len(payload) > settings.max_bytes:
        return Skipped("ingest", f"too large: more than {settings.max_bytes} bytes "
                       "(raise --max-bytes to read it)", doc)
    decoded = decode_bytes(payload)
    if isinstance(decoded, str):
        return Skipped("ingest", decoded, doc)
    text = decoded.text
    notes = tuple(Note("ingest", n) for n in decoded.notes)
    url_text = sanitize(url)[0] if url else None
    return RawDocument(doc=doc, content_id=content_id(kind, text), content=text, kind=kind,
                       encoding=decoded.encoding, url=url_text, source=_host(url_text),
                       notes=notes, crawled=crawled)


def _host(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    return host or None
