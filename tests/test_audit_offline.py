"""The offline audit script on a tiny made-up OSV database (no real advisories shipped)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

SCRIPT = ROOT / "scripts" / "audit_offline.py"


def _advisory(id_: str, name: str, events: list[dict[str, str]],
              versions: list[str] | None = None) -> dict[str, object]:
    return {"id": id_, "summary": f"made-up advisory {id_}", "aliases": [f"CVE-0000-{id_}"],
            "affected": [{"package": {"ecosystem": "PyPI", "name": name},
                          "ranges": [{"type": "ECOSYSTEM", "events": events}],
                          "versions": versions or []}]}


def test_offline_audit_finds_pins_inside_ranges_only(tmp_path: Path) -> None:
    lock = tmp_path / "requirements.lock"
    lock.write_text("Foo_Bar==1.4.0 \\\n    --hash=sha256:00\nbaz==2.0\nqux==3.1\n",
                    encoding="utf-8")
    db = tmp_path / "osv"
    db.mkdir()
    for adv in (_advisory("1", "foo-bar", [{"introduced": "0"}, {"fixed": "1.5"}]),
                _advisory("2", "baz", [{"introduced": "2.1"}]),            # not yet
                _advisory("3", "qux", [{"introduced": "1.0"}, {"last_affected": "3.0"}]),
                _advisory("4", "qux", [], versions=["3.1"])):
        (db / f"{adv['id']}.json").write_text(json.dumps(adv), encoding="utf-8")
    out = subprocess.run([sys.executable, str(SCRIPT), "--osv", str(db), "--lock", str(lock)],
                         capture_output=True, text=True)
    assert out.returncode == 1
    found = [line.split(" (")[0] for line in out.stdout.splitlines()[:-1]]
    assert found == ["foo-bar==1.4.0: 1", "qux==3.1: 4"]
    assert out.stdout.splitlines()[-1] == "3 pinned packages, 4 advisories read, 2 findings"


def test_offline_audit_without_a_database_says_where_to_get_one(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, str(SCRIPT), "--osv", str(tmp_path / "none.zip")],
                         capture_output=True, text=True)
    assert out.returncode == 2 and "SECURITY.md" in out.stderr
