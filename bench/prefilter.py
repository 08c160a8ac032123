"""How much the cheap first pass keeps: the share of gold events in articles that the
prefilter lets through to parsing (and embedding).

    python bench/prefilter.py [GOLD ROOT]...

Default: the annotated news corpus (train, dev and test splits) and the held-out sets. An
article is parsed only when one of its body paragraphs passes
:func:`tocsin.candidates.paragraph_is_hot` (the gate in
:func:`tocsin.pipeline.parse_article_capped`); a gold event in an article that does not pass
is lost before any parsing. Articles skipped earlier (cleaning, language) are counted apart.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = [
    ("corpora/news/train.jsonl", "corpora/news"), ("corpora/news/dev.jsonl", "corpora/news"),
    ("corpora/news/test.jsonl", "corpora/news"),
    ("corpora/heldout1/gold.jsonl", "corpora/heldout1"),
    ("corpora/heldout2/gold.jsonl", "corpora/heldout2"),
    ("corpora/heldout_stories/gold.jsonl", "corpora/heldout_stories"),
    ("corpora/heldout3/gold.jsonl", "corpora/heldout3"),
    ("examples/gold/en.jsonl", "examples"), ("examples/gold/fr.jsonl", "examples"),
    ("examples/gold/uk.jsonl", "examples"), ("examples/gold/ru.jsonl", "examples"),
]


def gate(article: object, res: object) -> bool:
    from tocsin.candidates import paragraph_is_hot
    from tocsin.textutil import fold

    langs = [lang for lang in res.settings.languages if lang in res.kb.lexicons]  # type: ignore[attr-defined]
    for p in article.paragraphs:  # type: ignore[attr-defined]
        lang = p.language or article.language  # type: ignore[attr-defined]
        if p.boilerplate or lang not in langs:
            continue
        if paragraph_is_hot(fold(article.text[p.start : p.end]), res, lang):  # type: ignore[attr-defined]
            return True
    return False


def main() -> None:
    from tocsin.clean import clean
    from tocsin.evaluate import load_gold
    from tocsin.ingest import read_documents, split_doc_ref
    from tocsin.model import Article, RawDocument
    from tocsin.nlp import get_resources
    from tocsin.settings import Settings

    args = sys.argv[1:]
    pairs = list(zip(args[::2], args[1::2], strict=True)) if args else DEFAULT
    settings = Settings()
    res = get_resources(settings)
    total = {"docs": 0, "passed": 0, "events": 0, "kept": 0, "skipped_events": 0}
    for gold, root in pairs:
        c = dict.fromkeys(total, 0)
        for g in load_gold(ROOT / gold):
            wanted = [e for e in g.events if not e.optional]
            path, _ = split_doc_ref(str(ROOT / root / g.doc))
            raw = next((i for i in read_documents([path], settings)
                        if i.doc == str(ROOT / root / g.doc)), None)
            article = clean(raw, settings) if isinstance(raw, RawDocument) else None
            c["docs"] += 1
            c["events"] += len(wanted)
            if not isinstance(article, Article):
                c["skipped_events"] += len(wanted)
                continue
            if gate(article, res):
                c["passed"] += 1
                c["kept"] += len(wanted)
        for k in total:
            total[k] += c[k]
        print(f"{gold:38s} {c['passed']:4d}/{c['docs']:<4d} articles pass; gold events kept "
              f"{c['kept']:5d}/{c['events']:<5d} = {c['kept'] / max(1, c['events']):.2%}"
              + (f" ({c['skipped_events']} in articles skipped before the gate)"
                 if c["skipped_events"] else ""), flush=True)
    print(f"{'all':38s} {total['passed']:4d}/{total['docs']:<4d} articles pass; gold events "
          f"kept {total['kept']:5d}/{total['events']:<5d} = "
          f"{total['kept'] / max(1, total['events']):.2%}")


if __name__ == "__main__":
    main()
