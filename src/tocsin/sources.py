"""Documents that do not come from files: standard input (``tocsin run -``) and pages fetched
by ``tocsin watch``. Both go through the same decoding and record parsing as files
(:mod:`tocsin.ingest`): bad input becomes a skip with its reason, never an exception."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date
from typing import BinaryIO

from . import ingest
from .model import DocKind, Note, RawDocument, Skipped
from .settings import Settings

__all__ = ["STDIN", "document_from_bytes", "read_inputs", "read_stream"]

STDIN = "-"
STDIN_NAME = "<stdin>"


def read_stream(stream: BinaryIO, settings: Settings, name: str = STDIN_NAME
                ) -> Iterator[RawDocument | Skipped]:
    """Documents read from a byte stream: JSON lines (one record per line, as in a
    ``.jsonl`` corpus: ``text`` or ``html``, ``url``, ``title``, ``published``, ``source``)
    when the first character is ``{``, else one document (HTML or plain text). At most
    ``settings.max_bytes`` are read: more is a skip ("too large")."""
    data = stream.read(settings.max_bytes + 1)
    if len(data) > settings.max_bytes:
        yield Skipped("ingest", f"too large: more than {settings.max_bytes} bytes "
                      "(raise --max-bytes to read it)", name)
        return
    decoded = ingest.decode_bytes(data)
    if isinstance(decoded, str):
        yield Skipped("ingest", decoded, name)
        return
    notes = tuple(Note("ingest", n) for n in decoded.notes)
    text = decoded.text
    if text.lstrip().startswith("{"):
        for item in ingest._jsonl_records(name, text, settings):
            if notes and isinstance(item, RawDocument):
                item = replace(item, notes=notes + item.notes)
            yield item
        return
    kind: DocKind = "html" if ingest.looks_like_html(text) else "text"
    yield RawDocument(doc=name, content_id=ingest.content_id(kind, text), content=text,
                      kind=kind, encoding=decoded.encoding, published=settings.published,
                      notes=notes)


def read_inputs(paths: Iterable[str], settings: Settings, stdin: BinaryIO | None = None
                ) -> Iterator[RawDocument | Skipped]:
    """:func:`tocsin.ingest.read_documents` over ``paths``, where ``-`` stands for
    ``stdin`` (read once, where it appears)."""
    group: list[str] = []
    for p in paths:
        if p != STDIN:
            group.append(p)
            continue
        if group:
            yield from ingest.read_documents(group, settings)
            group = []
        if stdin is not None:
            yield from read_stream(stdin, settings)
            stdin = None
    if group:
        yield from ingest.read_documents(group, settings)


def document_from_bytes(doc: str, data: bytes, settings: Settings, *, url: str | None = None,
                        title: str | None = None, published: date | None = None,
                        source: str | None = None, content_type: str = ""
                        ) -> RawDocument | Skipped:
    """One fetched page (or any bytes) as a document: decoded as files are; HTML when the
    server says so or the text looks like it."""
    if len(data) > settings.max_bytes:
        return Skipped("ingest", f"too large: {len(data)} bytes > {settings.max_bytes}", doc)
    decoded = ingest.decode_bytes(data)
    if isinstance(decoded, str):
        return Skipped("ingest", decoded, doc)
    text = decoded.text
    html = "html" in content_type.lower() or ingest.looks_like_html(text)
    kind: DocKind = "html" if html else "text"
    clean_title = ingest.sanitize(title)[0] if title else None
    return RawDocument(doc=doc, content_id=ingest.content_id(kind, text), content=text,
                       kind=kind, encoding=decoded.encoding, url=url, title=clean_title,
                       published=published or settings.published, source=source,
                       notes=tuple(Note("ingest", n) for n in decoded.notes))
