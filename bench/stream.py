"""Throughput on a realistic news stream, on one core.

    python bench/stream.py [--docs 2000] [--signal-share 0.05] [--seed 7]

The stream mixes, in a fixed shuffled order:
* nuclear-signal articles (``--signal-share``, default 5 %) from ``corpora/news``;
* hard distractors from ``corpora/news`` (nuclear power, conventional strikes with
  nuclear-capable missiles, history, "nuclear option" idioms): about 5 %;
* ordinary news (war, politics, sport, economy, weather, culture, science, civil nuclear…)
  assembled from the paragraphs of ``bench/data/stream_paragraphs.jsonl`` (written for this
  benchmark), 3 to 8 paragraphs per article, one language per article.

Each mode runs in its own process (peak memory is its own), models loaded before the clock:
Tocsin's full pipeline (clean, language, cues, parse and embed what needs it, extract) and a
bare spaCy pass (the language's pipeline over every article's text). Prints docs/s, words/s,
peak RSS, the share of documents and sentences that reach the parser and the encoder, and the
ratio. One core: BLAS and the encoder use one thread.

Measured (2000 documents, the 2-core machine shared with another engineer's jobs; load
average from ``uptime``): at 5b89d81, 4.3 docs/s, 3.40x bare spaCy (load 6.7 -> 2.7), 15.2 %
of documents and 11.0 % of sentences embedded; after the gates of the stream-speed branch
(no encoding for an article the rules see no signal in with fewer than 3 hot sentences; the
gazetteer gate run only when a capable system's alias can match; fold by str.translate),
8.1 docs/s, 2.64x bare spaCy (load 2.7 -> 2.6, bare spaCy at its idle 21.4 docs/s), 8.2 %
of documents and 8.3 % of sentences embedded, the same 1289 events. The 20 docs/s target is
not met: the sentences still embedded (signal articles, hot distractors) take more than the
whole budget at ~40 ms each.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import resource  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
NEWS = ROOT / "corpora" / "news"
POOL = ROOT / "bench" / "data" / "stream_paragraphs.jsonl"
DISTRACTOR_SHARE = 0.05


def build_stream(n: int, signal_share: float, seed: int) -> list[tuple[str, str, str]]:
    """(name, language, text) of every article, in stream order."""
    rng = random.Random(seed)
    meta = [json.loads(line) for line in (NEWS / "meta.jsonl").read_text("utf-8").splitlines()]
    langs = {}
    for split in ("train", "dev", "test"):
        for line in (NEWS / f"{split}.jsonl").read_text("utf-8").splitlines():
            rec = json.loads(line)
            langs[rec["doc"]] = rec["language"]
    signal = sorted(m["doc"] for m in meta if m["kind"] == "signal")
    distractors = sorted(m["doc"] for m in meta if m["kind"] == "distractor")
    n_signal = round(n * signal_share)
    n_distractor = min(len(distractors), round(n * DISTRACTOR_SHARE))
    picked = [(d, "signal") for d in rng.sample(signal, min(n_signal, len(signal)))]
    picked += [(d, "distractor") for d in rng.sample(distractors, n_distractor)]
    out = [(f"{kind}:{d}", langs[d], (NEWS / d).read_text("utf-8")) for d, kind in picked]
    pool: dict[str, list[dict]] = {}
    for line in POOL.read_text("utf-8").splitlines():
        p = json.loads(line)
        pool.setdefault(p["language"], []).append(p)
    languages = sorted(pool)
    for k in range(n - len(out)):
        lang = rng.choice(languages)
        paras = rng.sample(pool[lang], rng.randint(3, min(8, len(pool[lang]))))
        text = paras[0]["title"] + "\n\n" + "\n\n".join(p["text"] for p in paras)
        out.append((f"ordinary:{k}", lang, text))
    rng.shuffle(out)
    return out


def measure(mode: str, n: int, share: float, seed: int) -> dict:
    from tocsin.ingest import content_id
    from tocsin.model import RawDocument
    from tocsin.nlp import get_resources, load_pipeline
    from tocsin.pipeline import process_document
    from tocsin.settings import Settings

    s = Settings(embed_threads=1)
    stream = build_stream(n, share, seed)
    words = sum(len(text.split()) for _, _, text in stream)
    cost: Counter[str] = Counter()
    events = 0
    if mode == "tocsin":
        res = get_resources(s)   # models loaded before the clock, as in a long-running worker
        for lang in s.languages:
            res.pipeline(lang)
        res.sentence_model()
        res.encoder()
        raws = [RawDocument(doc=name, content_id=content_id("text", text), content=text)
                for name, _, text in stream]
        t0 = time.perf_counter()
        for raw in raws:
            r = process_document(raw, s)
            events += len(r.events)
            c = r.extra.get("cost", {})
            cost["docs_parsed"] += int(c.get("parsed", 0) > 0)
            cost["docs_embedded"] += int(c.get("embedded", 0) > 0)
            for k in ("sentences", "parsed", "embedded"):
                cost[k] += c.get(k, 0)
        seconds = time.perf_counter() - t0
    else:
        pipes = {lang: load_pipeline(s.model_for(lang) or "") for lang in s.languages}
        t0 = time.perf_counter()
        for _, lang, text in stream:
            pipes[lang](text)
        seconds = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"mode": mode, "docs": len(stream), "words": words, "seconds": seconds,
            "peak_mb": peak_mb, "events": events, "cost": dict(cost)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--signal-share", type=float, default=0.05)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--mode", choices=["tocsin", "spacy"], help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.mode:
        print(json.dumps(measure(args.mode, args.docs, args.signal_share, args.seed)))
        return
    results = {}
    for mode in ("spacy", "tocsin"):
        proc = subprocess.run([sys.executable, __file__, "--mode", mode, "--docs",
                               str(args.docs), "--signal-share", str(args.signal_share),
                               "--seed", str(args.seed)],
                              capture_output=True, text=True, check=True)
        results[mode] = json.loads(proc.stdout.strip().splitlines()[-1])
    t, b = results["tocsin"], results["spacy"]
    c = t["cost"]
    print(f"realistic stream: {t['docs']} documents, {t['words']:,} words, "
          f"{args.signal_share:.0%} nuclear-signal articles (one core)")
    for r, label in ((b, "bare spaCy pass"), (t, "tocsin full pipeline")):
        print(f"{label:22s} {r['seconds']:7.1f} s  {r['docs'] / r['seconds']:7.1f} docs/s  "
              f"{r['words'] / r['seconds']:8.0f} words/s  peak {r['peak_mb']:6.0f} MB")
    print(f"documents parsed {c.get('docs_parsed', 0) / t['docs']:.1%}, embedded "
          f"{c.get('docs_embedded', 0) / t['docs']:.1%}; sentences parsed "
          f"{c.get('parsed', 0) / max(1, c.get('sentences', 0)):.1%}, embedded "
          f"{c.get('embedded', 0) / max(1, c.get('sentences', 0)):.1%} "
          f"({c.get('embedded', 0)} of {c.get('sentences', 0)}); events {t['events']}")
    print(f"ratio tocsin / bare spaCy: {t['seconds'] / b['seconds']:.2f}x; "
          f"target >= 20 docs/s: {t['docs'] / t['seconds']:.1f}")


if __name__ == "__main__":
    main()
