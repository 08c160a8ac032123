"""Throughput of Tocsin's full extraction next to a bare spaCy pass over the same text.

    python bench/bench.py [--corpus corpora/news/corpus] [--min-bytes 1000000]

Each measurement runs in its own process (so peak memory is its own); models are loaded
before the clock starts in both. Prints docs/s, words/s, peak RSS and the ratio.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections import Counter
from itertools import zip_longest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def build_corpus(corpus: str, min_bytes: int, languages: tuple[str, ...]) -> list:
    """Distinct signal-dense articles (the annotated news corpus) up to ``min_bytes`` of text;
    repeated only if the corpus is smaller (a repeat is cheaper: its sentence embeddings are
    cached)."""
    from tocsin.clean import clean
    from tocsin.ingest import read_documents
    from tocsin.model import Article, RawDocument
    from tocsin.settings import Settings

    s = Settings()
    raws = [r for r in read_documents([corpus], s) if isinstance(r, RawDocument)]
    arts = [a for r in raws if isinstance(a := clean(r, s), Article) and a.language in languages]
    # the languages in turn, so that a short run still covers all four
    by_lang = {lang: [a for a in arts if a.language == lang] for lang in languages}
    arts = [a for group in zip_longest(*by_lang.values()) for a in group if a is not None]
    out, size = [], 0
    while size < min_bytes and arts:
        for a in arts:
            out.append(a)
            size += len(a.text.encode("utf-8"))
            if size >= min_bytes:
                break
    return out


def measure(mode: str, corpus: str, min_bytes: int, languages: tuple[str, ...],
            kb_dir: str | None) -> dict:
    from tocsin.nlp import get_resources, load_pipeline
    from tocsin.pipeline import process_article
    from tocsin.settings import Settings

    s = Settings(kb_dir=kb_dir)
    articles = build_corpus(corpus, min_bytes, languages)
    words = Counter()
    for a in articles:
        words[a.language] += len(a.text.split())
    seconds: dict[str, float] = {}
    n_events = 0
    if mode == "tocsin":
        res = get_resources(s)  # load models before timing, as a long-running worker would
        for lang in languages:
            res.pipeline(lang)
        for lang in languages:
            t0 = time.perf_counter()
            n_events += sum(len(process_article(a, s).events) for a in articles
                            if a.language == lang)
            seconds[lang] = time.perf_counter() - t0
    else:
        pipes = {lang: load_pipeline(s.model_for(lang) or "") for lang in languages}
        for lang in languages:
            t0 = time.perf_counter()
            for _ in pipes[lang].pipe([a.text for a in articles if a.language == lang],
                                      batch_size=s.batch_size):
                pass
            seconds[lang] = time.perf_counter() - t0
    elapsed = sum(seconds.values())
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"mode": mode, "docs": len(articles), "words": sum(words.values()),
            "bytes": sum(len(a.text.encode()) for a in articles), "seconds": elapsed,
            "peak_mb": peak_mb, "events": n_events, "words_by_language": dict(words),
            "seconds_by_language": seconds}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--corpus", default=str(ROOT / "corpora" / "news" / "corpus"))
    ap.add_argument("--min-bytes", type=int, default=500_000)
    ap.add_argument("--languages", default="fr,en,uk,ru")
    ap.add_argument("--kb-dir", help="a custom knowledge-base folder")
    ap.add_argument("--mode", choices=["tocsin", "spacy"], help=argparse.SUPPRESS)
    args = ap.parse_args()
    langs = tuple(args.languages.split(","))
    if args.mode:
        print(json.dumps(measure(args.mode, args.corpus, args.min_bytes, langs, args.kb_dir)))
        return
    results = {}
    for mode in ("spacy", "tocsin"):
        proc = subprocess.run(
            [sys.executable, __file__, "--mode", mode, "--corpus", args.corpus,
             "--min-bytes", str(args.min_bytes), "--languages", args.languages,
             *(["--kb-dir", args.kb_dir] if args.kb_dir else [])],
            capture_output=True, text=True, check=True)
        results[mode] = json.loads(proc.stdout.strip().splitlines()[-1])
    print(f"corpus: {results['tocsin']['docs']} documents, {results['tocsin']['bytes']:,} bytes, "
          f"{results['tocsin']['words']:,} words ({', '.join(langs)})")
    for mode, label in (("spacy", "bare spaCy nlp.pipe"), ("tocsin", "tocsin extraction")):
        r = results[mode]
        print(f"{label:22s} {r['seconds']:7.2f} s  {r['docs'] / r['seconds']:8.1f} docs/s  "
              f"{r['words'] / r['seconds']:9.0f} words/s  peak {r['peak_mb']:7.0f} MB")
    print(f"{'language':10s} {'words':>9s} {'tocsin w/s':>11s} {'bare w/s':>10s} "
          f"{'ratio':>6s} {'vs fr/word':>10s}")
    tw = results["tocsin"]
    fr_rate = tw["words_by_language"].get("fr", 0) / max(tw["seconds_by_language"].get("fr", 1e-9),
                                                         1e-9)
    for lang in langs:
        n = tw["words_by_language"].get(lang, 0)
        t_sec = tw["seconds_by_language"].get(lang, 0.0)
        b_sec = results["spacy"]["seconds_by_language"].get(lang, 0.0)
        if not n or not t_sec:
            continue
        rate = n / t_sec
        print(f"{lang:10s} {n:9,d} {rate:11.0f} {n / max(b_sec, 1e-9):10.0f} "
              f"{t_sec / max(b_sec, 1e-9):5.2f}x {fr_rate / rate if fr_rate else 0:9.2f}x")
    ratio = results["tocsin"]["seconds"] / results["spacy"]["seconds"]
    print(f"events extracted: {results['tocsin']['events']}")
    print(f"ratio tocsin / bare spaCy: {ratio:.2f}x (target <= 1.6x); "
          "'vs fr/word' is each language's time per word relative to French (target <= 2x)")


if __name__ == "__main__":
    main()
