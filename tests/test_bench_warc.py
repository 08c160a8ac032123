"""The WARC benchmark's short mode, as CI runs it: every mode runs and reports (its long
mode, ``python bench/warc.py --records 20000``, is measured on an idle machine; timings are
not asserted here, they depend on the machine)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pyspark")
pytest.importorskip("pyarrow")
if shutil.which("java") is None:
    pytest.skip("no Java: Spark cannot start", allow_module_level=True)

ROOT = Path(__file__).resolve().parents[1]


def test_the_warc_benchmark_short_mode_reports_every_mode(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "warc.py"), "--records", "200", "--files", "4",
         "--keep", str(tmp_path / "warc")],
        capture_output=True, text=True, timeout=900, cwd=ROOT)
    out = proc.stdout
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "failed" not in out, out
    for mode, workers in (("local", 1), ("pool", 2), ("spark1", 1), ("spark2", 2)):
        line = re.search(rf"^{mode}\s+200 records\s+([\d.]+) s\s+([\d.]+) rec/s\s+workers "
                         rf"(\d+) \(models loaded (\d+)x\)", out, re.M)
        assert line is not None, out
        assert float(line.group(1)) > 0 and float(line.group(2)) > 0
        # models load once per worker process, not per record or file
        assert int(line.group(3)) == workers and int(line.group(4)) == workers
    parsed = re.search(r"^prefilter: (\d+) of (\d+) documents parsed", out, re.M)
    assert parsed is not None and 0 < int(parsed.group(1)) < int(parsed.group(2))
    assert re.search(r"^Spark local\[2\] / local\[1\]: [\d.]+x", out, re.M)
    assert re.search(r"^2 processes / 1 process: [\d.]+x", out, re.M)
