#!/usr/bin/env python3
"""Import annotated batches written by independent writers into corpora/news/.

Each batch folder holds corpus/*.txt, gold.jsonl, meta.jsonl and README.md (the writer's data
card). Documents are split once into train / dev / test by a hash of their name; documents
that share most of their text (a wire story re-run by a second outlet) are kept in one split,
so that no test document has a near-copy in training.

Usage: scripts/import_batches.py BATCH_DIR... [--out corpora/news] [--append]
Re-running with the same batches gives the same files. ``--append`` adds batches to the
documents already under ``--out`` (their writers' folders need not exist any more): every
document keeps the split it had (checked), and a new near-copy of an imported document joins
its split.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
from pathlib import Path

SPLITS = (("test", 15), ("dev", 15), ("train", 70))   # percent
NEAR_COPY = 0.25      # share of shared word 5-grams above which two documents go together


def shingles(text: str) -> set[str]:
    words = re.findall(r"\w+", text.lower())
    return {" ".join(words[i : i + 5]) for i in range(max(0, len(words) - 4))}


def split_of(key: str) -> str:
    bucket = int(hashlib.sha1(key.encode("utf-8")).hexdigest(), 16) % 100
    edge = 0
    for name, share in SPLITS:
        edge += share
        if bucket < edge:
            return name
    return SPLITS[-1][0]


def groups(texts: dict[str, str]) -> dict[str, str]:
    """Document -> the name of its group's first document (union of near-copies)."""
    parent = {d: d for d in texts}

    def find(d: str) -> str:
        while parent[d] != d:
            parent[d] = parent[parent[d]]
            d = parent[d]
        return d

    sh = {d: shingles(t) for d, t in texts.items()}
    names = sorted(texts)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            small = min(len(sh[a]), len(sh[b]))
            if small and len(sh[a] & sh[b]) / small >= NEAR_COPY:
                ra, rb = find(a), find(b)
                parent[max(ra, rb)] = min(ra, rb)
    return {d: find(d) for d in names}


def imported(out: Path) -> tuple[dict[str, dict], dict[str, dict], dict[str, str]]:
    """The gold records, metadata and texts of the documents already under ``out``."""
    records: dict[str, dict] = {}
    for split, _ in SPLITS:
        for line in (out / f"{split}.jsonl").read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                records[rec["doc"]] = rec
    metas = {}
    for line in (out / "meta.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            m = json.loads(line)
            metas[m["doc"]] = m
    for doc, m in metas.items():
        records[doc]["batch"] = m["batch"]
    texts = {doc: (out / doc).read_text(encoding="utf-8") for doc in records}
    return records, metas, texts


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("batches", nargs="+", type=Path)
    ap.add_argument("--out", type=Path, default=Path("corpora/news"))
    ap.add_argument("--append", action="store_true",
                    help="keep the documents already imported under --out")
    args = ap.parse_args()
    out: Path = args.out
    records: dict[str, dict] = {}
    metas: dict[str, dict] = {}
    texts: dict[str, str] = {}
    if args.append:
        records, metas, texts = imported(out)
    before = {doc: m["split"] for doc, m in metas.items()}
    for batch in sorted(args.batches):
        name = batch.name
        (out / "corpus" / name).mkdir(parents=True, exist_ok=True)
        meta = {json.loads(line)["doc"]: json.loads(line)
                for line in (batch / "meta.jsonl").read_text(encoding="utf-8").splitlines()
                if line.strip()}
        for line in (batch / "gold.jsonl").read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            rec = json.loads(line)
            src = batch / rec["doc"]
            doc = f"corpus/{name}/{src.name}"
            shutil.copyfile(src, out / doc)
            texts[doc] = src.read_text(encoding="utf-8")
            records[doc] = {**rec, "doc": doc, "batch": name}
            m = dict(meta.get(rec["doc"], {}))
            m["doc"] = doc
            m["batch"] = name
            metas[doc] = m
        (out / "batches").mkdir(parents=True, exist_ok=True)
        if (batch / "README.md").exists():
            shutil.copyfile(batch / "README.md", out / "batches" / f"{name}.md")
    group = groups(texts)
    by_split: dict[str, list[str]] = {s: [] for s, _ in SPLITS}
    for doc in sorted(records):
        split = split_of(group[doc])
        by_split[split].append(doc)
        metas[doc]["split"] = split
        metas[doc]["group"] = group[doc]
    moved = [doc for doc, split in before.items() if metas[doc]["split"] != split]
    if moved:
        raise SystemExit(f"{len(moved)} imported documents would change split, e.g. "
                         f"{moved[0]}: a new batch joins two of their groups; not written")
    for split, docs in by_split.items():
        with open(out / f"{split}.jsonl", "w", encoding="utf-8") as fh:
            for doc in docs:
                rec = {k: v for k, v in records[doc].items() if k != "batch"}
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    with open(out / "meta.jsonl", "w", encoding="utf-8") as fh:
        for doc in sorted(metas):
            fh.write(json.dumps(metas[doc], ensure_ascii=False) + "\n")
    for split, docs in by_split.items():
        events = sum(1 for d in docs for e in records[d]["events"] if not e.get("optional"))
        print(f"{split}: {len(docs)} documents, {events} required events")


if __name__ == "__main__":
    main()
