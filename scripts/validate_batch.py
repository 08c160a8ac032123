#!/usr/bin/env python3
"""Format checker for an annotated batch (spec: /work/shared/spec/events.md).

Usage: python3 validate.py BATCH_DIR
BATCH_DIR holds corpus/*.txt, gold.jsonl and meta.jsonl. Prints problems and a summary;
exit code 1 when there is any error.
"""
import json
import re
import sys
from pathlib import Path

TYPES = {"threat", "doctrine", "exercise", "deployment", "readiness", "test", "arms_control",
         "assessment", "reaction", "use"}
MODALITIES = {"asserted", "hedged", "conditional", "negated", "planned"}
KINDS = {"official", "intelligence", "analyst", "media", "anonymous", "none"}
ORGS = {"NATO", "EU", "UN", "IAEA", "CSTO", "OSCE", "G7", "AU"}
LANGS = {"en", "fr", "uk", "ru"}


def err(msgs, where, text):
    msgs.append(f"{where}: {text}")


def check_party(msgs, where, p, field):
    if p is None:
        return
    if not isinstance(p, dict):
        err(msgs, where, f"{field} must be an object or null")
        return
    c = p.get("country")
    if c is not None and not (re.fullmatch(r"[A-Z]{3}", c) or c in ORGS):
        err(msgs, where, f"{field}.country {c!r} is not ISO alpha-3 or an organisation code")
    if field in ("actor", "target"):
        names = p.get("names")
        if names is not None and (not isinstance(names, list) or not all(isinstance(n, str) and n for n in names)):
            err(msgs, where, f"{field}.names must be a list of non-empty strings")


def main(batch: Path) -> int:
    msgs: list[str] = []
    gold_lines = (batch / "gold.jsonl").read_text(encoding="utf-8").splitlines()
    meta = {}
    if (batch / "meta.jsonl").exists():
        for i, line in enumerate((batch / "meta.jsonl").read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                m = json.loads(line)
                meta[m.get("doc")] = m
    else:
        err(msgs, "meta.jsonl", "missing")
    n_docs = n_ev = n_req = n_neg = 0
    per_type: dict[str, int] = {}
    seen_docs = set()
    for i, line in enumerate(gold_lines, 1):
        if not line.strip():
            continue
        where = f"gold.jsonl line {i}"
        try:
            d = json.loads(line)
        except json.JSONDecodeError as e:
            err(msgs, where, f"bad JSON: {e}")
            continue
        doc = d.get("doc", "")
        where = f"{doc}"
        if doc in seen_docs:
            err(msgs, where, "document listed twice")
        seen_docs.add(doc)
        path = batch / doc
        if not doc.startswith("corpus/") or not path.exists():
            err(msgs, where, "doc must be 'corpus/<file>' and the file must exist")
            continue
        text = path.read_text(encoding="utf-8")
        if d.get("language") not in LANGS:
            err(msgs, where, "language must be en, fr, uk or ru")
        pub = d.get("published")
        if pub is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(pub)):
            err(msgs, where, "published must be YYYY-MM-DD or null")
        n_docs += 1
        for j, e in enumerate(d.get("events", []), 1):
            w = f"{doc} event {j}"
            ev = e.get("evidence", "")
            cnt = text.count(ev) if ev else 0
            if cnt != 1:
                err(msgs, w, f"evidence occurs {cnt} times in the document (must be exactly once): {ev[:60]!r}")
            if "\n" in ev:
                err(msgs, w, "evidence must lie inside one sentence (no line break)")
            if e.get("type") not in TYPES:
                err(msgs, w, f"type {e.get('type')!r} unknown")
            for t in e.get("alt_types", []):
                if t not in TYPES or t == e.get("type"):
                    err(msgs, w, f"alt_type {t!r} unknown or equal to type")
            if not isinstance(e.get("optional"), bool):
                err(msgs, w, "optional must be true or false")
            if not e.get("story"):
                err(msgs, w, "story label missing")
            check_party(msgs, w, e.get("actor"), "actor")
            check_party(msgs, w, e.get("target"), "target")
            check_party(msgs, w, e.get("location"), "location")
            if e.get("actor") is None:
                err(msgs, w, "actor missing (give at least a country or a name)")
            mods = e.get("modality")
            if not isinstance(mods, list) or not mods or not set(mods) <= MODALITIES:
                err(msgs, w, f"modality must be a non-empty list of {sorted(MODALITIES)}")
            dt = e.get("date")
            if dt is not None:
                if set(dt) != {"year", "month", "day"}:
                    err(msgs, w, "date must have year, month, day (null for unknown)")
            att = e.get("attribution")
            if att is not None and (not isinstance(att, dict) or att.get("kind") not in KINDS):
                err(msgs, w, f"attribution.kind must be one of {sorted(KINDS)}")
            w8 = e.get("weapon")
            if w8 is not None and not isinstance(w8, str):
                err(msgs, w, "weapon must be a string or null")
            n_ev += 1
            if not e.get("optional"):
                n_req += 1
                per_type[e.get("type")] = per_type.get(e.get("type"), 0) + 1
        m = meta.get(doc)
        if m is None:
            err(msgs, where, "no meta.jsonl line for this document")
        else:
            for neg in m.get("hard_negatives", []):
                c = text.count(neg)
                if c != 1:
                    err(msgs, where, f"hard negative occurs {c} times: {neg[:60]!r}")
                for e in d.get("events", []):
                    ev = e.get("evidence", "")
                    if ev and text.find(ev) >= 0 and text.find(neg) >= 0:
                        a, b = text.find(ev), text.find(ev) + len(ev)
                        c0, c1 = text.find(neg), text.find(neg) + len(neg)
                        if a < c1 and c0 < b:
                            err(msgs, where, f"hard negative overlaps an event: {neg[:60]!r}")
            n_neg += len(m.get("hard_negatives", []))
    files = {f"corpus/{p.name}" for p in (batch / "corpus").iterdir()}
    for f in sorted(files - seen_docs):
        err(msgs, f, "file has no gold.jsonl line")
    for m in msgs:
        print("ERROR", m)
    print(f"{n_docs} documents, {n_ev} events ({n_req} required), {n_neg} hard negatives; "
          f"required per type: {dict(sorted(per_type.items()))}; {len(msgs)} errors")
    return 1 if msgs else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
