"""Throughput on web archives: local single-process, local multi-process, Spark local[1] and
Spark local[2] over the same generated WARC files.

    python bench/warc.py --records 2000           # the short mode (minutes on 2 cores)
    python bench/warc.py --records 20000          # the issue's benchmark (long mode)
    python bench/warc.py --records 20000 --modes spark1,spark2 --keep /tmp/warcs

About 5 % of the records are news articles (the distinct articles of corpora/news, wrapped
in HTML; repeated only when more are needed, each copy a distinct document), 90 % are pages
that are not news about nuclear weapons (local news), 5 % are non-HTML or failed responses.
Records are spread over ``--files`` .warc.gz files (one task per file, as on a cluster).

Every mode runs in its own process (a fresh JVM for Spark) and includes loading the models
once per worker process, as a real job does; Spark's own start (the JVM, ~10-20 s) is
reported apart. Local modes read and process (no database); Spark also writes the Parquet
tables. Prints records/s, peak memory per worker process and the share of documents the
prefilter lets through to parsing (the rest are cleaned, language-identified and dropped).
"""

from __future__ import annotations

import argparse
import html
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
NEWS = ROOT / "corpora" / "news" / "corpus"
MODES = ("local", "pool", "spark1", "spark2")


def news_pages() -> list[tuple[str, bytes]]:
    out = []
    for p in sorted(NEWS.rglob("*.txt")):
        paras = [t.strip() for t in p.read_text(encoding="utf-8").split("\n") if t.strip()]
        if len(paras) < 2:
            continue
        title = html.escape(paras[0])
        inner = "".join(f"<p>{html.escape(t)}</p>\n" for t in paras[1:])
        out.append((p.stem, f"<html><head><meta charset='utf-8'><title>{title}</title></head>"
                    f"<body><article><h1>{title}</h1>\n{inner}</article></body></html>"
                    .encode()))
    return out


def build(folder: Path, records: int, files: int, seed: int = 1) -> dict[str, int]:
    from tests.warcgen import Page, filler_page, page_member

    rng = random.Random(seed)
    news = news_pages()
    n_news = max(1, records // 20)
    n_odd = records // 20
    kinds = ["news"] * n_news + ["odd"] * n_odd + ["filler"] * (records - n_news - n_odd)
    rng.shuffle(kinds)
    folder.mkdir(parents=True, exist_ok=True)
    outs = [(folder / f"part-{i:03d}.warc.gz").open("wb") for i in range(files)]
    used = 0
    for n, kind in enumerate(kinds):
        if kind == "news":
            stem, body = news[used % len(news)]
            copy = used // len(news)
            used += 1
            page = Page(f"https://news.example/{stem}/{copy}", body + f"<!-- {copy} -->".encode())
        elif kind == "odd":
            page = rng.choice([
                Page(f"https://img.example/{n}.jpg", b"\xff\xd8\xff" + rng.randbytes(2000),
                     content_type="image/jpeg"),
                Page(f"https://news.example/gone/{n}", b"<html>gone</html>",
                     status="404 Not Found")])
        else:
            page = filler_page(n, rng)
        outs[n % files].write(page_member(page))
    for f in outs:
        f.close()
    return {"records": records, "news": n_news, "distinct_news": min(n_news, len(news)),
            "files": files}


def _process_file(path: str) -> dict[str, Any]:
    from tocsin.ingest import read_documents
    from tocsin.nlp import get_resources
    from tocsin.pipeline import process_item
    from tocsin.settings import Settings

    settings = Settings()
    misses = get_resources.cache_info().misses
    c = {"records": 0, "documents": 0, "parsed": 0, "events": 0}
    for item in read_documents([path], settings):
        r = process_item(item, settings)
        c["records"] += 1
        c["documents"] += r.article is not None
        c["parsed"] += bool(r.extra.get("cost", {}).get("parsed"))
        c["events"] += len(r.events)
    return {**c, "pid": os.getpid(), "loaded": get_resources.cache_info().misses > misses,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def measure(mode: str, folder: Path) -> dict[str, Any]:
    files = sorted(str(p) for p in folder.glob("*.warc.gz"))
    started = time.perf_counter()
    spark_start = 0.0
    if mode == "local":
        stats = [_process_file(f) for f in files]
    elif mode == "pool":
        with ProcessPoolExecutor(max_workers=2) as pool:
            stats = list(pool.map(_process_file, files))
    else:
        from tocsin.settings import Settings
        from tocsin.spark import run_job, session

        spark = session("local[1]" if mode == "spark1" else "local[2]", app=f"bench-{mode}")
        spark.sparkContext.setLogLevel("ERROR")
        spark_start = time.perf_counter() - started
        started = time.perf_counter()
        import pyarrow.parquet as pq

        # next to the input folder: kept with --keep (for `tocsin load` timings), else
        # removed with the temporary folder
        out = str(folder.with_name(f"{folder.name}.{mode}.out"))
        run_job(spark, files, out, Settings(), overwrite=True)
        rows = pq.read_table(out + "/tasks").to_pylist()
        spark.stop()
        stats = [{"records": r["items"], "documents": r["documents"], "parsed": r["parsed"],
                  "events": r["events"], "pid": r["pid"], "loaded": r["loaded_models"],
                  "peak_mb": r["peak_mb"]} for r in rows]
    seconds = time.perf_counter() - started
    peak: dict[int, float] = {}
    for s in stats:
        peak[s["pid"]] = max(peak.get(s["pid"], 0.0), s["peak_mb"])
    total = {k: sum(s[k] for s in stats) for k in ("records", "documents", "parsed", "events")}
    return {"mode": mode, "seconds": seconds, "spark_start": spark_start, **total,
            "workers": len(peak), "model_loads": sum(s["loaded"] for s in stats),
            "peak_mb_per_worker": sorted(round(v) for v in peak.values())}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--records", type=int, default=20_000)
    ap.add_argument("--files", type=int, default=16)
    ap.add_argument("--modes", default=",".join(MODES))
    ap.add_argument("--keep", type=Path, help="Build (or reuse) the archives in this folder; "
                    "keep the Spark output beside it (FOLDER.spark2.out...).")
    ap.add_argument("--measure", choices=MODES, help=argparse.SUPPRESS)
    ap.add_argument("--input", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.input)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp) / "warc"
        if not any(folder.glob("*.warc.gz")):
            t = time.perf_counter()
            info = build(folder, args.records, args.files)
            print(f"built {info['records']:,} records in {info['files']} files "
                  f"({info['news']} news articles, {info['distinct_news']} distinct) "
                  f"in {time.perf_counter() - t:.0f} s")
        size = sum(p.stat().st_size for p in folder.glob("*.warc.gz"))
        print(f"archives: {size / 1e6:.1f} MB compressed")
        results = []
        for mode in args.modes.split(","):
            proc = subprocess.run([sys.executable, __file__, "--measure", mode, "--input",
                                   str(folder)], capture_output=True, text=True)
            if proc.returncode != 0:
                print(f"{mode}: failed\n{proc.stderr[-2000:]}")
                continue
            r = json.loads(proc.stdout.strip().splitlines()[-1])
            results.append(r)
            print(f"{mode:7s} {r['records']:>7,} records {r['seconds']:8.1f} s "
                  f"{r['records'] / r['seconds']:7.1f} rec/s  workers {r['workers']} "
                  f"(models loaded {r['model_loads']}x)  peak MB/worker "
                  f"{r['peak_mb_per_worker']}"
                  + (f"  (+ {r['spark_start']:.0f} s Spark start)" if r['spark_start'] else ""),
                  flush=True)
        if results:
            r = results[0]
            print(f"prefilter: {r['parsed']:,} of {r['documents']:,} documents parsed "
                  f"({r['parsed'] / max(1, r['documents']):.1%}); {r['events']:,} events")
        by = {r["mode"]: r for r in results}
        if "spark1" in by and "spark2" in by:
            print(f"Spark local[2] / local[1]: "
                  f"{by['spark1']['seconds'] / by['spark2']['seconds']:.2f}x (target >= 1.6x)")
        if "local" in by and "pool" in by:
            print(f"2 processes / 1 process: "
                  f"{by['local']['seconds'] / by['pool']['seconds']:.2f}x")


if __name__ == "__main__":
    main()
