"""Run the fuzz targets of tests/fuzz_targets.py for a time budget (``make fuzz SECONDS=…``).

    python scripts/fuzz.py --seconds 1800 [--target ingest] [--log fuzz-log.jsonl]

The budget is shared between the targets in proportion to their weight; each target runs in
rounds of Hypothesis examples with new random seeds until its share is spent. A failure is
shrunk by Hypothesis, printed with its falsifying example, appended to the log, and the
fuzzing goes on. Exit status 1 when anything failed. Prints, per target: rounds, executions,
failures."""

from __future__ import annotations

import argparse
import json
import sys
import time
import traceback
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, given, settings  # noqa: E402
from tests.fuzz_targets import TARGETS, Target  # noqa: E402

# Share of the budget per target: the extraction target is slow per example and deepest.
WEIGHT = {"decode": 1, "ingest": 2, "clean": 2, "dates": 1, "extract": 4, "pipeline": 3,
          "csv": 0.2}
ROUND = 200   # examples per round


def fuzz(target: Target, seconds: float, log: Path | None) -> dict[str, Any]:
    counts = {"target": target.name, "rounds": 0, "executions": 0, "failures": 0,
              "seconds": 0.0}
    start = time.monotonic()

    def check(value: Any) -> None:
        counts["executions"] += 1
        target.check(value)

    run = settings(max_examples=ROUND, deadline=None, database=None,
                   suppress_health_check=list(HealthCheck))(given(target.strategy)(check))
    while time.monotonic() - start < seconds:
        counts["rounds"] += 1
        try:
            run()
        except Exception as exc:  # noqa: BLE001 - a finding: record it and go on
            counts["failures"] += 1
            report = "".join(traceback.format_exception(exc))
            print(f"FAILURE in {target.name}:\n{report}", file=sys.stderr, flush=True)
            if log is not None:
                with log.open("a", encoding="utf-8") as f:
                    f.write(json.dumps({"target": target.name, "error": repr(exc)[:500],
                                        "report": report[-4000:]}) + "\n")
    counts["seconds"] = round(time.monotonic() - start, 1)
    return counts


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seconds", type=float, default=60.0, help="total budget")
    ap.add_argument("--target", action="append", help="only these targets (repeatable)")
    ap.add_argument("--log", type=Path, help="append failures (JSON lines) to this file")
    args = ap.parse_args()
    targets = [t for t in TARGETS if not args.target or t.name in args.target]
    total_weight = sum(WEIGHT.get(t.name, 1) for t in targets)
    results = []
    for t in targets:
        share = args.seconds * WEIGHT.get(t.name, 1) / total_weight
        results.append(fuzz(t, share, args.log))
        print(json.dumps(results[-1]), flush=True)
    total = {k: sum(r[k] for r in results) for k in ("rounds", "executions", "failures")}
    print(json.dumps({"target": "all", **total}), flush=True)
    return 1 if total["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
