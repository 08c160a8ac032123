"""Web archives: WARC/WET records become documents or skips; a broken record or a truncated
gzip member ends that record, not the file (issue 11, item 1)."""

from __future__ import annotations

import gzip
import io
import random
from datetime import date
from pathlib import Path

import pytest
from warcio.warcwriter import WARCWriter

from tocsin.clean import clean
from tocsin.ingest import read_documents
from tocsin.model import RawDocument, Skipped
from tocsin.settings import Settings
from tocsin.warc import gzip_members

from .warcgen import Page, build_archives, filler_page, page_member, response, truncated


def read(paths: list[Path], settings: Settings | None = None
         ) -> tuple[list[RawDocument], list[Skipped]]:
    items = list(read_documents([str(p) for p in paths], settings or Settings()))
    docs = [i for i in items if isinstance(i, RawDocument)]
    skips = [i for i in items if isinstance(i, Skipped)]
    assert len(docs) + len(skips) == len(items)
    return docs, skips


@pytest.fixture(scope="module")
def archives(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return build_archives(tmp_path_factory.mktemp("warc"), articles_wanted=4)


def test_records_become_documents_or_skips_with_reasons(archives: list[Path],
                                                        capfd: pytest.CaptureFixture[str]
                                                        ) -> None:
    docs, skips = read(archives)
    urls = [d.url for d in docs]
    # 4 articles, 5 filler pages, 2 WET records, and in the plain .warc a filler and the
    # first article again (same content: the same content id)
    assert len(docs) == 13
    assert sum(u.startswith("https://news.example/") for u in urls if u) == 5
    assert sum(u.startswith("https://town.example/") for u in urls if u) == 6
    assert {d.kind for d in docs if d.url and "wet.example" in d.url} == {"text"}
    assert all(d.source and d.source in (d.url or "") for d in docs)
    assert len({d.content_id for d in docs}) == 12
    by_reason = {s.reason.split(" (")[0]: s for s in skips}
    assert set(by_reason) == {
        "not an HTML page", "HTTP status 404, not a page",
        "corrupt or truncated gzip member",   # the truncated member mid-file, random bytes
        "revisit record: the page is stored in an earlier record",
        "corrupt WARC record: its content does not end where its Content-Length says",
        "not a gzip member: 34 byte(s) skipped",
        "corrupt WARC record: no version line or Content-Length",
    }
    assert len(skips) == 9
    assert all(s.stage == "ingest" and "#" in s.doc for s in skips)
    # records are addressed by byte offset, in file order
    a = [int(x.doc.rsplit("#", 1)[1]) for x in [*docs, *skips] if "a.warc.gz" in x.doc]
    assert len(a) == len(set(a))
    # warcio's warnings about the broken record do not reach the terminal
    assert capfd.readouterr().err == ""


def test_the_records_after_a_truncated_member_are_read(archives: list[Path]) -> None:
    docs, skips = read([archives[0]])
    cut = [s for s in skips if s.reason.startswith("corrupt or truncated gzip member")]
    assert len(cut) == 1
    cut_at = int(cut[0].doc.rsplit("#", 1)[1])
    after = [d for d in docs if int(d.doc.rsplit("#", 1)[1]) > cut_at]
    assert [d.url for d in after] == ["https://town.example/news/2"]


def test_a_file_ending_inside_a_member_keeps_what_came_before(tmp_path: Path) -> None:
    pages = [filler_page(n, random.Random(n)) for n in range(3)]
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(page_member(pages[0]) + page_member(pages[1]) +
                     truncated(page_member(pages[2])))
    docs, skips = read([path])
    assert [d.url for d in docs] == [pages[0].url, pages[1].url]
    assert [s.reason for s in skips] == ["truncated gzip member: the file ends inside it"]


def test_a_record_over_the_limit_is_skipped_and_the_next_one_read(tmp_path: Path) -> None:
    big = Page("https://big.example/", b"<html><body><p>" + b"word " * 200_000 +
               b"</p></body></html>")
    small = filler_page(1, random.Random(1))
    path = tmp_path / "big.warc.gz"
    path.write_bytes(page_member(big) + page_member(small))
    docs, skips = read([path], Settings(max_bytes=100_000))
    assert [d.url for d in docs] == [small.url]
    assert len(skips) == 1 and skips[0].reason.startswith("too large")
    # the member is decompressed in bounded pieces, never kept whole
    with path.open("rb") as f:
        chunks = list(gzip_members(f, cap=200_000))
    assert chunks[0].data is None and chunks[1].data is not None


def test_a_gzip_bomb_is_not_inflated_in_memory(tmp_path: Path) -> None:
    path = tmp_path / "bomb.warc.gz"
    path.write_bytes(gzip.compress(b"WARC/1.0\r\n" + bytes(200_000_000), compresslevel=9))
    assert path.stat().st_size < 1_000_000
    docs, skips = read([path], Settings(max_bytes=1_000_000))
    assert docs == [] and len(skips) == 1 and skips[0].reason.startswith("too large")


def test_publication_date_from_the_page_else_the_crawl(tmp_path: Path) -> None:
    text = ("<p>The Russian Ministry of Defence said on Monday that Iskander-M units had begun "
            "exercises with tactical nuclear weapons near the border with Ukraine.</p>") * 3
    dated = Page("https://news.example/dated", (
        "<html><head><title>Drills</title><meta property='article:published_time' "
        f"content='2023-03-25T10:00:00Z'></head><body><article>{text}</article></body></html>"
    ).encode(), date="2024-11-20T10:00:00Z")
    undated = Page("https://news.example/undated", (
        f"<html><head><title>Drills</title></head><body><article>{text} Again.</article>"
        "</body></html>").encode(), date="2024-11-21T10:00:00Z")
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    response(writer, dated)
    response(writer, undated)
    path = tmp_path / "dates.warc.gz"
    path.write_bytes(buf.getvalue())
    docs, _ = read([path])
    assert [d.crawled for d in docs] == [date(2024, 11, 20), date(2024, 11, 21)]
    articles = [clean(d, Settings()) for d in docs]
    assert [getattr(a, "published", None) for a in articles] == [date(2023, 3, 25),
                                                                 date(2024, 11, 21)]


def test_a_warc_url_is_read_like_the_file(archives: list[Path]) -> None:
    """What a Spark task does with https://data.commoncrawl.org/... paths (served here by a
    local HTTP server): download to a temporary folder, then read the same records."""
    import functools
    import http.server
    import threading

    from tocsin.spark import _read, list_tasks

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(archives[0].parent))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        url = f"{base}/{archives[0].name}"
        assert list_tasks([url]) == [(0, url, None)]
        got = list(_read(url, Settings()))
        missing = list(_read(f"{base}/missing.warc.gz", Settings()))
    finally:
        server.shutdown()
    want = list(read_documents([str(archives[0])], Settings()))
    assert [i.doc.replace(url, "X") for i in got] == [
        i.doc.replace(str(archives[0]), "X") for i in want]
    assert [(getattr(i, "content_id", None), getattr(i, "reason", None)) for i in got] == [
        (getattr(i, "content_id", None), getattr(i, "reason", None)) for i in want]
    assert len(missing) == 1 and isinstance(missing[0], Skipped)
    assert missing[0].reason.startswith("download failed")


def test_an_empty_or_non_warc_file_is_one_skip(tmp_path: Path) -> None:
    empty = tmp_path / "empty.warc.gz"
    empty.write_bytes(b"")
    junk = tmp_path / "junk.warc"
    junk.write_bytes(b"<html>this is not an archive</html>\n" * 100)
    docs, skips = read([empty, junk])
    assert docs == []
    assert [(s.doc.rsplit("/", 1)[1], s.reason) for s in skips] == [
        ("empty.warc.gz", "empty file"),
        ("junk.warc#0", "corrupt WARC record: no version line or Content-Length")]


def write_parquet_corpus(path: Path) -> Path:
    """A Parquet corpus: an article as text, one as HTML, a row without text."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from .warcgen import CORPUS

    text = (CORPUS / "en_biden_armageddon.txt").read_text(encoding="utf-8")
    other = (CORPUS / "en_us_intel_tactical.txt").read_text(encoding="utf-8")
    paras = "".join(f"<p>{t}</p>" for t in other.split("\n") if t.strip())
    pq.write_table(pa.table({
        "text": [text, None, None],
        "html": [None, f"<html><body><article>{paras}</article></body></html>", None],
        "url": ["https://a.example/1", "https://a.example/2", None],
        "published": [date(2024, 5, 6), None, None],
    }), path)
    return path


def test_a_parquet_corpus_is_read_row_by_row(tmp_path: Path) -> None:
    corpus = write_parquet_corpus(tmp_path / "corpus.parquet")
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"PAR1 not really")
    docs, skips = read([corpus, broken])
    assert [(d.doc.rsplit("/", 1)[1], d.kind, d.published) for d in docs] == [
        ("corpus.parquet#1", "text", date(2024, 5, 6)), ("corpus.parquet#2", "html", None)]
    assert [(s.doc.rsplit("/", 1)[1], s.reason) for s in skips] == [
        ("corpus.parquet#3", "record has no non-empty 'text' or 'html' field"),
        ("broken.parquet", "not a readable Parquet file (ArrowInvalid)")]
