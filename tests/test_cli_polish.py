"""CLI polish found by a new user (issue 10, item 8): the event table fits the terminal and
shows ids and whole evidence on demand; `eval` fails loudly when --root holds no gold
document; bad option values name the option; `extract --format csv`; Python 3.11 and 3.12."""

from __future__ import annotations

import csv
import io
import re
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

from tests.conftest import EXAMPLES, ROOT
from tests.test_search import fill
from tocsin.cli import _event_table, cli
from tocsin.store import open_store


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = str(tmp_path / "p.db")
    with open_store(path) as store:
        fill(store)
    return path


def render(renderable: object, width: int) -> list[str]:
    console = Console(width=width, record=True, markup=False, file=io.StringIO())
    console.print(renderable)
    return console.export_text().splitlines()


@pytest.mark.parametrize("width", [60, 80, 120, 200])
def test_event_table_fits_the_terminal(db: str, width: int) -> None:
    with open_store(db) as store:
        events = store.query_events()
    for ids in (False, True):
        lines = render(_event_table(events, ids=ids, width=width), width)
        assert len(lines) == 1 + len(events)
        assert all(len(line.rstrip()) <= width for line in lines), (width, lines)
        assert ("ev-fr" in "".join(lines)) is ids
        header = lines[0].split()
        assert header[:2] == (["event", "date"] if ids else ["date", "type"])
        assert header[-1].startswith("eviden")


def test_full_evidence_on_demand(db: str) -> None:
    with open_store(db) as store:
        events = store.query_events()
    text = "\n".join(render(_event_table(events, ids=True, full=True, width=70), 70))
    flat = " ".join(text.split())
    for e in events:
        assert e.event_id in flat and " ".join(e.sentence.split()) in flat


def test_eval_without_gold_documents_under_root_fails(tmp_path: Path) -> None:
    out = CliRunner().invoke(cli, ["eval", str(EXAMPLES / "gold" / "fr.jsonl"), "--root",
                                   str(tmp_path)])
    assert out.exit_code != 0
    assert "none of the 16 gold documents was found under --root" in out.stderr


@pytest.mark.parametrize(("args", "option"), [
    (["events", "--since", "2024-02-30"], "'--since'"),
    (["events", "--until", "soon"], "'--until'"),
    (["events", "--min-confidence", "2"], "'--min-confidence'"),
    (["events", "--limit", "0"], "'--limit'"),
    (["timeline", "--since", "yesterday"], "'--since'"),
    (["run", "x", "--published", "2024-13-01"], "'--published'"),
    (["run", "x", "--workers", "0"], "'--workers'"),
])
def test_bad_option_values_name_the_option(db: str, args: list[str], option: str) -> None:
    out = CliRunner().invoke(cli, [*args, "--db", db])
    assert out.exit_code == 2 and option in out.stderr, out.stderr


def test_extract_csv(tmp_path: Path) -> None:
    src = EXAMPLES / "corpus" / "fr_isw_belarus.txt"
    out = CliRunner().invoke(cli, ["extract", str(src), "--format", "csv"])
    assert out.exit_code == 0, out.output
    rows = list(csv.reader(io.StringIO(out.stdout)))
    assert rows[0][:3] == ["event_id", "doc", "type"] and len(rows) > 1
    assert all(r[1] == str(src) for r in rows[1:])
    assert not any(c[:1] in "=+-@" for r in rows[1:] for c in r if c)


def test_python_311_and_312_are_allowed() -> None:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())
    spec = meta["project"]["requires-python"]
    assert spec == ">=3.11,<3.13"
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"python3\.11 python3\.12", makefile)
