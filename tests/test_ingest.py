from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from tocsin.errors import InputError
from tocsin.ingest import content_id, decode, read_documents, split_doc_ref
from tocsin.model import RawDocument, Skipped
from tocsin.settings import Settings

ARTICLE = ("Le ministre fictif Ivan Petrenko a déclaré mardi que l'exercice nucléaire "
           "de la Bordurie commencerait au printemps.\n")


def docs(paths: list[Path], s: Settings) -> list[RawDocument | Skipped]:
    return list(read_documents([str(p) for p in paths], s))


def test_plain_text_gets_stable_content_id(tmp_path: Path, settings: Settings) -> None:
    a = tmp_path / "a.txt"
    b = tmp_path / "copy.txt"
    a.write_text(ARTICLE, encoding="utf-8")
    b.write_text(ARTICLE, encoding="utf-8")
    first, second = docs([a, b], settings)
    assert isinstance(first, RawDocument) and isinstance(second, RawDocument)
    assert first.content_id == second.content_id == content_id("text", ARTICLE)
    assert first.doc == str(a) and first.content == ARTICLE


def test_encoding_is_detected_not_assumed(tmp_path: Path, settings: Settings) -> None:
    text = ("La Défense française a réagi très vite à l'annonce du déploiement d'armes "
            "nucléaires tactiques près de la frontière, évoquant une « escalade délibérée ».")
    p = tmp_path / "latin.txt"
    p.write_bytes(text.encode("cp1252"))
    (doc,) = docs([p], settings)
    assert isinstance(doc, RawDocument)
    assert "Défense" in doc.content and "« escalade délibérée »" in doc.content


@pytest.mark.parametrize("payload,reason", [
    (b"", "empty"),
    (b"   \n\t\n", "empty"),
    (b"\x00\x01\x02\x03binary\x00\xff" * 50, "binary"),
])
def test_bad_files_are_recorded_skips(tmp_path: Path, settings: Settings, payload: bytes,
                                      reason: str) -> None:
    p = tmp_path / "bad.txt"
    p.write_bytes(payload)
    (item,) = docs([p], settings)
    assert isinstance(item, Skipped) and item.stage == "ingest" and reason in item.reason


def test_too_large_file_is_skipped_without_reading(tmp_path: Path) -> None:
    p = tmp_path / "huge.txt"
    with p.open("wb") as f:
        f.seek(50 * 1024 * 1024)
        f.write(b"x")
    (item,) = docs([p], Settings())
    assert isinstance(item, Skipped) and "too large" in item.reason


def test_jsonl_records_and_malformed_lines(tmp_path: Path, settings: Settings) -> None:
    p = tmp_path / "feed.jsonl"
    lines = [
        json.dumps({"text": ARTICLE, "url": "https://example.org/a", "title": "A",
                    "published": "2024-05-21T10:00:00Z", "source": "Example"}),
        "{not json",
        json.dumps({"title": "no body"}),
        "",
        json.dumps(["a", "list"]),
        json.dumps({"html": "<html><body><p>" + ARTICLE + "</p></body></html>"}),
    ]
    p.write_text("\n".join(lines), encoding="utf-8")
    items = docs([p], settings)
    assert [type(i).__name__ for i in items] == [
        "RawDocument", "Skipped", "Skipped", "Skipped", "RawDocument"]
    first = items[0]
    assert isinstance(first, RawDocument)
    assert first.doc == f"{p}#1" and first.published is not None
    assert first.published.isoformat() == "2024-05-21" and first.source == "Example"
    assert items[1].doc == f"{p}#2" and "malformed JSON" in items[1].reason  # type: ignore[union-attr]
    assert items[-1].kind == "html" and items[-1].doc == f"{p}#6"  # type: ignore[union-attr]


def test_csv_records(tmp_path: Path, settings: Settings) -> None:
    p = tmp_path / "c.csv"
    p.write_text('text,published,source\n"' + ARTICLE.strip() + '",2023-04-04,X\n,,\n',
                 encoding="utf-8")
    items = docs([p], settings)
    assert isinstance(items[0], RawDocument) and items[0].published is not None
    assert isinstance(items[1], Skipped)
    assert split_doc_ref(items[0].doc) == (str(p), 1)


def test_missing_path_is_a_clear_error(tmp_path: Path, settings: Settings) -> None:
    with pytest.raises(InputError, match="no such file"):
        docs([tmp_path / "nope"], settings)


def test_folder_order_is_stable_and_unknown_types_skipped(tmp_path: Path,
                                                           settings: Settings) -> None:
    for name in ("b.txt", "a.txt", "c.pdf"):
        (tmp_path / name).write_text(ARTICLE + name, encoding="utf-8")
    items = list(read_documents([str(tmp_path)], settings))
    assert [Path(i.doc).name for i in items] == ["a.txt", "b.txt", "c.pdf"]
    assert isinstance(items[2], Skipped) and "unsupported file type" in items[2].reason


@hsettings(max_examples=150, deadline=None)
@given(st.binary(max_size=2000))
def test_decode_never_crashes(data: bytes) -> None:
    out = decode(data)
    assert isinstance(out, (str, tuple))


@hsettings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=80), st.binary(max_size=80).map(repr)), max_size=6))
def test_jsonl_reader_never_crashes(tmp_path_factory: pytest.TempPathFactory,
                                    lines: list[str]) -> None:
    p = tmp_path_factory.mktemp("j") / "x.jsonl"
    p.write_text("\n".join(lines), encoding="utf-8", errors="surrogatepass") \
        if False else p.write_bytes("\n".join(lines).encode("utf-8", "replace"))
    for item in read_documents([str(p)], Settings()):
        assert isinstance(item, (RawDocument, Skipped))
