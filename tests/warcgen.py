"""Build web archives for tests and benchmarks, with warcio, from the example articles plus
non-news pages, non-HTML records, broken records and a truncated gzip member."""

from __future__ import annotations

import gzip
import html
import io
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "examples" / "corpus"


@dataclass(frozen=True)
class Page:
    url: str
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: str = "200 OK"
    date: str = "2024-11-20T10:00:00Z"


def article_pages() -> list[Page]:
    """The example articles as web pages (plain-text ones wrapped in simple HTML)."""
    pages = []
    for p in sorted(CORPUS.iterdir()):
        if p.suffix == ".html":
            body = p.read_bytes()
        elif p.suffix == ".txt" and p.stat().st_size > 200:
            text = p.read_text(encoding="utf-8", errors="replace")
            paras = [t.strip() for t in text.split("\n") if t.strip()]
            title = html.escape(paras[0]) if paras else p.stem
            inner = "".join(f"<p>{html.escape(t)}</p>\n" for t in paras[1:])
            body = (f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>"
                    f"</head><body><article><h1>{title}</h1>\n{inner}</article></body></html>"
                    ).encode()
        else:
            continue
        pages.append(Page(f"https://news.example/{p.stem}", body))
    return pages


FILLER = ("The city council met on Tuesday to discuss the new bus timetable and the repair of "
          "the old bridge. Residents asked for more parking near the market, and the mayor "
          "promised a decision before the summer. The local football club won its third match "
          "in a row, and the bakery on the main square reopened after renovation. ")


def filler_page(n: int, rng: random.Random) -> Page:
    """A page that is not about nuclear signaling (local news, recipes, sport)."""
    words = FILLER.split()
    paras = []
    for _ in range(4 + n % 3):
        rng.shuffle(words)
        paras.append(" ".join(words[:60]).capitalize() + ".")
    inner = "".join(f"<p>{t}</p>\n" for t in paras)
    body = (f"<!doctype html><html><head><meta charset='utf-8'><title>Town news {n}</title>"
            f"</head><body><article><h1>Town news {n}</h1>\n{inner}</article></body></html>")
    return Page(f"https://town.example/news/{n}", body.encode())


def response(writer: WARCWriter, page: Page) -> None:
    http = StatusAndHeaders(page.status, [("Content-Type", page.content_type)],
                            protocol="HTTP/1.1")
    rec = writer.create_warc_record(page.url, "response", payload=io.BytesIO(page.body),
                                    http_headers=http,
                                    warc_headers_dict={"WARC-Date": page.date})
    writer.write_record(rec)


def member(write: Callable[[WARCWriter], object]) -> bytes:
    """The bytes of what ``write(writer)`` writes, as gzip members."""
    buf = io.BytesIO()
    write(WARCWriter(buf, gzip=True))
    return buf.getvalue()


def page_member(page: Page) -> bytes:
    return member(lambda w: response(w, page))


def odd_members() -> list[bytes]:
    """Records that are not documents or not HTML, and broken ones."""
    out = [
        member(lambda w: w.write_record(w.create_warcinfo_record("x.warc.gz",
                                                                  {"software": "test"}))),
        page_member(Page("https://img.example/a.jpg", b"\xff\xd8\xff\xe0" + bytes(300),
                         content_type="image/jpeg")),
        page_member(Page("https://docs.example/a.pdf", b"%PDF-1.4\n" + b"x" * 300,
                         content_type="application/pdf")),
        page_member(Page("https://news.example/missing", b"<html>not found</html>",
                         status="404 Not Found")),
        member(lambda w: w.write_record(w.create_warc_record(
            "https://news.example/", "request",
            payload=io.BytesIO(b"GET / HTTP/1.1\r\nHost: news.example\r\n\r\n")))),
        member(lambda w: w.write_record(w.create_revisit_record(
            "https://news.example/again", digest="sha1:AAAA", refers_to_uri="https://x/",
            refers_to_date="2024-01-01T00:00:00Z"))),
        # a well-formed gzip member holding a broken WARC record
        gzip.compress(b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: banana\r\n\r\n"
                      b"<html>broken</html>\r\n\r\n"),
        # a gzip member of random bytes (not deflate data at all after the header)
        b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff" + random.Random(7).randbytes(200),
    ]
    return out


def truncated(member_bytes: bytes) -> bytes:
    """A gzip member cut in the middle (as a failed download or bad copy leaves it)."""
    return member_bytes[: len(member_bytes) // 2]


def write_archive(path: Path, chunks: Iterable[bytes]) -> Path:
    path.write_bytes(b"".join(chunks))
    return path


def spread(pages: list[Page], n: int | None) -> list[Page]:
    """``n`` pages taken evenly through the (language-sorted) list: every language."""
    if n is None or n >= len(pages):
        return pages
    return [pages[i * len(pages) // n] for i in range(n)]


def build_archives(folder: Path, articles_wanted: int | None = None) -> list[Path]:
    """Two .warc.gz files (articles, non-news pages, odd and broken records, a truncated
    member mid-file), a WET file and an uncompressed .warc with a corrupt record."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(11)
    articles = [page_member(p) for p in spread(article_pages(), articles_wanted)]
    fillers = [page_member(filler_page(n, rng)) for n in range(6)]
    odd = odd_members()
    half = len(articles) // 2
    first = [odd[0], *articles[:half], fillers[0], odd[1], odd[2], fillers[1], odd[3],
             truncated(articles[half]), odd[4], fillers[2], odd[5], odd[6]]
    second = [*articles[half:], fillers[3], odd[7], fillers[4],
              b"trailing garbage that is not gzip\n"]
    wet_buf = io.BytesIO()
    w = WARCWriter(wet_buf, gzip=True)
    for n, text in enumerate((
            "Russia will station tactical nuclear weapons in Belarus, President Vladimir "
            "Putin said in a television interview broadcast on Saturday, March 25, 2023.",
            FILLER)):
        w.write_record(w.create_warc_record(
            f"https://wet.example/{n}", "conversion",
            payload=io.BytesIO(text.encode()),
            warc_headers_dict={"Content-Type": "text/plain", "WARC-Date": "2023-03-26T08:00:00Z"}))
    plain_buf = io.BytesIO()
    w = WARCWriter(plain_buf, gzip=False)
    response(w, filler_page(90, rng))
    plain = plain_buf.getvalue()
    plain += b"WARC/1.0\r\nWARC-Type: response\r\nno length here\r\n\r\njunk\r\n\r\n"
    plain_buf = io.BytesIO()
    w = WARCWriter(plain_buf, gzip=False)
    response(w, article_pages()[0])
    plain += plain_buf.getvalue()
    return [write_archive(folder / "a.warc.gz", first),
            write_archive(folder / "b.warc.gz", second),
            write_archive(folder / "c.warc.wet.gz", [wet_buf.getvalue()]),
            write_archive(folder / "d.warc", [plain])]
