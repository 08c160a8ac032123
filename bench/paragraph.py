"""Cost of one long paragraph: time per character must be flat from 10 KB to 1 MB, and 1 MB
must be processed (or skipped) within 30 s and 1.5 GB.

    python bench/paragraph.py [--sizes 10000,100000,1000000] [--kind signal|plain|nopunct]

Each size runs in its own process (peak RSS is its own); models load before the clock starts.
Kinds: ``signal`` repeats a nuclear-signal sentence (every piece is parsed and extracted: the
worst case), ``plain`` repeats a sentence without a signal, ``nopunct`` is one endless
sentence without punctuation."""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

SENTENCES = {
    "signal": ("Russia will station tactical nuclear weapons in Belarus, President Vladimir "
               "Putin said on Saturday, and the Kremlin warned that NATO would face a nuclear "
               "response. "),
    "plain": "The weather in the capital was mild on Tuesday and the markets were calm. ",
    "nopunct": "nuclear weapons Russia Belarus Putin said NATO deployment missiles ",
}


def measure(size: int, kind: str) -> dict[str, object]:
    from tocsin.ingest import content_id
    from tocsin.model import RawDocument
    from tocsin.pipeline import process_item
    from tocsin.settings import Settings

    settings = Settings()
    warm = SENTENCES["signal"]
    process_item(RawDocument("warm.txt", content_id("text", warm), warm), settings)
    base = SENTENCES[kind]
    text = (base * (size // len(base) + 1))[:size]
    raw = RawDocument("paragraph.txt", content_id("text", text), text)
    t0 = time.perf_counter()
    result = process_item(raw, settings)
    seconds = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"chars": size, "kind": kind, "seconds": round(seconds, 2),
            "us_per_char": round(seconds / size * 1e6, 2), "peak_rss_mb": round(rss),
            "events": len(result.events),
            "skipped": f"{result.skipped.stage}: {result.skipped.reason}"
            if result.skipped else None}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--kind", choices=sorted(SENTENCES), default="signal")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)   # child process mode
    args = ap.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.kind)))
        return
    print(f"{'chars':>9} {'seconds':>8} {'µs/char':>8} {'peak MB':>8} {'events':>7}  skipped")
    for size in (int(s) for s in args.sizes.split(",")):
        out = subprocess.run([sys.executable, __file__, "--one", str(size), "--kind", args.kind],
                             capture_output=True, text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{r['chars']:>9} {r['seconds']:>8} {r['us_per_char']:>8} {r['peak_rss_mb']:>8} "
              f"{r['events']:>7}  {r['skipped'] or ''}", flush=True)


if __name__ == "__main__":
    main()
