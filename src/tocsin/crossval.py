"""``tocsin eval --cv``: score a gold set with models that never saw its documents.

The gold documents are split into folds by a hash of their name (as ``tocsin train`` splits
its own). Each fold is scored by the full pipeline with a sentence model trained, exactly as
``tocsin train`` trains the shipped one, on the training manifest's corpora plus the *other*
folds. So a small set of real text (``../shared``'s 26 official passages) can both teach the
model and be measured on, and every number is still on documents the scoring model never saw.

A manifest corpus that is the evaluated set itself (the same files) is left out of training,
whatever its name in the manifest.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from .evaluate import GoldDoc, Report, evaluate, load_gold, merge_reports, score_stories
from .learned import SentenceEncoder, save_model
from .nlp import get_resources
from .settings import Settings
from .train import DocRows, GoldCorpus, TrainConfig, collect, cue_names, fit_model, fold_of


def doc_file(root: Path, doc: str) -> Path:
    """The file a gold ``doc`` reference reads (a JSONL record's ``#n`` dropped)."""
    return (root / doc.split("#", 1)[0]).resolve()


def leave_out(rows: Sequence[DocRows], corpora: Sequence[GoldCorpus],
              evaluated: set[Path]) -> list[DocRows]:
    """The training rows whose document is not one of the ``evaluated`` files (a manifest may
    list the evaluated set itself, under any name)."""
    roots = {c.name: c.root for c in corpora}
    return [r for r in rows if doc_file(roots[r.corpus], r.doc) not in evaluated]


def cross_validate(gold_files: Sequence[Path], root: Path, settings: Settings,
                   corpora: Sequence[GoldCorpus], encoder: SentenceEncoder, folds: int = 5,
                   config: TrainConfig | None = None,
                   progress: Callable[[str], None] | None = None) -> Report:
    """Score the documents of ``gold_files`` (under ``root``) fold by fold, each fold with a
    model trained on ``corpora`` and the other folds."""
    config = config or TrainConfig()
    gold = [GoldCorpus(f"eval:{p.name}", p, root) for p in gold_files]
    docs: list[GoldDoc] = [d for p in gold_files for d in load_gold(p)]
    base = leave_out(collect(corpora, settings, encoder, progress), corpora,
                     {doc_file(root, d.doc) for d in docs})
    own = collect(gold, settings, encoder, progress)
    names = cue_names(settings.with_(learned=False))
    reports = []
    with tempfile.TemporaryDirectory(prefix="tocsin-cv-") as tmp:
        for k in range(folds):
            scored = [d for d in docs if fold_of(d.doc, folds) == k]
            if not scored:
                continue
            if progress:
                progress(f"fold {k + 1}/{folds}: training")
            rows: list[DocRows] = base + [r for r in own if fold_of(r.doc, folds) != k]
            path = Path(tmp) / f"fold{k}.json"
            save_model(fit_model(rows, names, config), path)
            fold_settings = settings.with_(learned=True, model_path=str(path))
            reports.append(evaluate(scored, root, fold_settings, progress,
                                    kb=get_resources(settings).kb))
    report = merge_reports(reports)
    report.stories = score_stories(report, get_resources(settings).kb)
    return report
