"""Consistency checks for the held-out story corpus: evidence substrings, meta, duplicates."""
import json, os, re, sys, collections
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TYPES = {"threat", "doctrine", "exercise", "deployment", "readiness", "test", "arms_control", "assessment", "reaction", "use"}
MODS = {"asserted", "hedged", "conditional", "negated", "planned"}
meta = [json.loads(l) for l in open(os.path.join(ROOT, "meta.jsonl"))]
gold = [json.loads(l) for l in open(os.path.join(ROOT, "gold.jsonl"))]
errs, warns = [], []
mdocs = {m["doc"]: m for m in meta}
files = {"corpus/" + f for f in os.listdir(os.path.join(ROOT, "corpus")) if f.endswith(".txt")}
if set(mdocs) != files: errs.append(f"meta/corpus mismatch: {set(mdocs) ^ files}")
if set(g["doc"] for g in gold) != set(mdocs): errs.append("gold/meta doc mismatch")
for m in meta:
    if not os.path.exists(os.path.join(ROOT, m["doc"])): errs.append(f"missing {m['doc']}")
    if m["duplicate_of"] and m["duplicate_of"] not in mdocs: errs.append(f"bad duplicate_of {m}")
    if m["duplicate_of"] == m["doc"]: errs.append(f"self duplicate {m}")
for g in gold:
    text = open(os.path.join(ROOT, g["doc"])).read()
    m = mdocs[g["doc"]]
    if g["language"] != m["language"] or g["published"] != m["published"]: errs.append(f"lang/pub mismatch {g['doc']}")
    lines = text.split("\n")
    if not lines[0].strip() or lines[1] != "": errs.append(f"headline format {g['doc']}")
    n = len(text.split())
    if not 120 <= n <= 350: warns.append(f"{g['doc']}: {n} words")
    spans = []
    for e in g["events"]:
        ev = e["evidence"]; c = text.count(ev)
        if c != 1: errs.append(f"{g['doc']}: evidence found {c}x: {ev!r}")
        else:
            s = text.index(ev); spans.append((s, s + len(ev), ev))
        if e["type"] not in TYPES or any(a not in TYPES for a in e["alt_types"]): errs.append(f"bad type {e}")
        if any(x not in MODS for x in e["modality"]): errs.append(f"bad modality {e}")
        if e["novelty"] not in ("new", "repeat"): errs.append(f"bad novelty {e}")
        w = len(ev.split())
        if not 5 <= w <= 12: warns.append(f"{g['doc']}: evidence {w} words: {ev!r}")
    spans.sort()
    for a, b in zip(spans, spans[1:]):
        if b[0] < a[1]: errs.append(f"{g['doc']}: overlapping evidence {a[2]!r} / {b[2]!r}")
# duplicates must carry the same events as the original
gd = {g["doc"]: g for g in gold}
for m in meta:
    if m["duplicate_of"] and gd[m["doc"]]["events"] != gd[m["duplicate_of"]]["events"]:
        errs.append(f"duplicate events differ {m['doc']}")
print("WARN\n  " + "\n  ".join(warns) if warns else "no warnings")
print("ERRORS\n  " + "\n  ".join(errs) if errs else "OK: all checks passed")
sys.exit(1 if errs else 0)
