"""The learned layer: which sentences carry which events.

The rules read every sentence of an article (cues, speaker, their own event if any: a
:class:`~tocsin.model.SentenceFacts`). A small model then looks at the sentence through
multilingual embeddings (the sentence, its neighbours, the article's nuclear sentences) and
through those facts, and gives each candidate sentence a probability per event type: a softmax,
after one hidden ReLU layer (a few small networks averaged; see :mod:`tocsin.train`). The rules
keep filling the fields (:meth:`tocsin.extract.ArticleExtractor.event_as`).

Candidates are the sentences near a *hot* sentence (a nuclear word, a nuclear-capable system,
a nuclear treaty): continuation sentences ("the crews practised receiving the munitions")
rarely repeat the word, but they are never far from one. A document without a hot sentence
costs nothing here.

Beside the embeddings, the model keeps the training corpus's event sentences
(:class:`Neighbours`): a sentence's similarity to its nearest training sentences of each type
is a feature too. It lets a paraphrase that lies near a few known signals count, where one
weight per embedding dimension cannot bend around them.

The model file is JSON (exact floats, the hidden layer as base64 float32; deterministic bytes),
built by :mod:`tocsin.train`.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from .candidates import candidates
from .errors import ConfigError
from .model import EVENT_TYPES, SentenceFacts
from .settings import SUPPORTED_LANGUAGES

MODEL_PATH = Path(__file__).parent / "models" / "sentence_model.json"
FEATURE_VERSION = 3
WINDOW = 3                 # sentences before and after a hot one that are candidates
NEIGHBOURS = 5             # nearest training sentences of a type whose similarity is a feature
SPEAKER_KINDS = ("official", "intelligence", "analyst", "media", "anonymous")
NONE = "none"


class SentenceEncoder(Protocol):
    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class Neighbours:
    """The training corpus's event sentences: unit embeddings stored as int8 (a per-row
    scale), each with its type. :meth:`similarities` gives, per type, the mean cosine of a
    sentence to its ``k`` nearest sentences of that type."""

    types: tuple[str, ...]
    codes: np.ndarray            # (n, dim) int8
    row_scale: np.ndarray        # (n,) float32: a row is codes * row_scale
    labels: np.ndarray           # (n,) index into types
    k: int = NEIGHBOURS
    # the rows as floats and each type's columns, made once (a conversion per call would
    # cost more than the comparison)
    _rows: np.ndarray = field(init=False, repr=False, compare=False)
    _of_type: tuple[np.ndarray, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        rows = self.codes.astype(np.float32) * self.row_scale[:, None]
        object.__setattr__(self, "_rows", np.ascontiguousarray(rows.T))
        object.__setattr__(self, "_of_type", tuple(np.flatnonzero(self.labels == t)
                                                   for t in range(len(self.types))))

    @classmethod
    def of(cls, vectors: np.ndarray, labels: Sequence[str], types: Sequence[str],
           k: int = NEIGHBOURS) -> Neighbours:
        """From embeddings and their types (quantised here: the saved model is the model)."""
        v = np.asarray(vectors, dtype=np.float32).reshape(len(labels), -1)
        v = v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
        top = np.maximum(np.abs(v).max(axis=1), 1e-12) if len(v) else np.zeros(0)
        codes = np.rint(v / top[:, None] * 127).astype(np.int8)
        index = {t: i for i, t in enumerate(types)}
        return cls(tuple(types), codes, (top / 127).astype(np.float32),
                   np.asarray([index[t] for t in labels], dtype=np.int64), k)

    @property
    def dim(self) -> int:
        return int(self.codes.shape[1])

    def similarities(self, emb: np.ndarray) -> np.ndarray:
        """(rows, types): the mean cosine of each row of ``emb`` to its nearest neighbours
        of each type (0 for a type with no sentence)."""
        q = np.asarray(emb, dtype=np.float32)
        q = q / np.maximum(np.linalg.norm(q, axis=1, keepdims=True), 1e-12)
        sims = q @ self._rows
        out = np.zeros((len(q), len(self.types)), dtype=np.float32)
        for t, columns in enumerate(self._of_type):
            of_type = sims[:, columns]
            k = min(self.k, of_type.shape[1])
            if k:
                out[:, t] = -np.partition(-of_type, k - 1, axis=1)[:, :k].mean(axis=1)
        return out

    def to_json(self) -> dict[str, Any]:
        return {"types": list(self.types), "k": self.k, "dim": self.dim,
                "labels": self.labels.tolist(),
                "row_scale": _packed(self.row_scale, "<f4"), "codes": _packed(self.codes, "i1")}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Neighbours:
        labels = np.asarray(data["labels"], dtype=np.int64)
        codes = _unpacked(data["codes"], "i1")
        scale = _unpacked(data["row_scale"], "<f4")
        return cls(tuple(data["types"]), codes.reshape(len(labels), int(data["dim"])),
                   scale.astype(np.float32), labels, int(data["k"]))


@dataclass(frozen=True)
class SentenceModel:
    """A softmax over ``classes`` ("none" and the event types) on standardised features
    (after a hidden ReLU layer when it has one), and the map from a type's probability to the
    chance that the event is right."""

    classes: tuple[str, ...]
    cue_names: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray          # (n_features, n_classes)
    bias: np.ndarray             # (n_classes,)
    threshold: float             # emit the best type when its probability reaches this
    second_threshold: float      # and a second type when its own does
    calibration: tuple[tuple[float, ...], tuple[float, ...]]   # isotonic (x, y) points
    card: dict[str, Any] = field(default_factory=dict)
    neighbours: Neighbours | None = None
    # a hidden ReLU layer before the softmax (None: the softmax reads the features):
    # (n_features, n_hidden) and (n_hidden,); ``weights`` is then (n_hidden, n_classes)
    hidden_weights: np.ndarray | None = None
    hidden_bias: np.ndarray | None = None
    # in an article where one sentence reaches ``threshold`` (:meth:`sure`), the others' best
    # type from this probability (None: ``threshold``): a detail told without a nuclear word
    # is judged less surely than the signal it continues; the caller drops the events of an
    # article with no sure sentence, so a distractor stays as silent as without it
    article_threshold: float | None = None

    def with_neighbours(self, x: np.ndarray) -> np.ndarray:
        """Feature rows (:func:`feature_vector`) completed with the similarities to the
        training sentences of each type: what :meth:`probabilities` takes."""
        return with_neighbours(x, self.neighbours)

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        h = (x - self.mean) / self.scale
        if self.hidden_weights is not None and self.hidden_bias is not None:
            h = np.maximum(h @ self.hidden_weights + self.hidden_bias, 0.0)
        z = h @ self.weights + self.bias
        z = z - z.max(axis=-1, keepdims=True)
        e = np.exp(z)
        return np.asarray(e / e.sum(axis=-1, keepdims=True))

    def calibrated(self, p: float) -> float:
        xs, ys = self.calibration
        if not xs:
            return p
        return float(np.interp(p, xs, ys))

    @property
    def floor(self) -> float:
        """The lowest probability at which a sentence's best type can be an event."""
        if self.article_threshold is None:
            return self.threshold
        return min(self.threshold, self.article_threshold)

    def sure(self, probs: np.ndarray) -> bool:
        """Whether the sentence's best type reaches the threshold itself."""
        return top_event_probability(probs, self.classes) >= self.threshold

    def decide(self, probs: np.ndarray) -> list[tuple[str, float]]:
        """The events of one sentence: the most probable type over the article threshold
        (see ``article_threshold``), and a second one (a deployment announced as a threat)
        over the second threshold."""
        order = [k for k in np.argsort(-probs) if self.classes[k] != NONE]
        out: list[tuple[str, float]] = []
        for rank, k in enumerate(order[:2]):
            p = float(probs[k])
            if p >= (self.floor if rank == 0 else self.second_threshold):
                out.append((self.classes[k], self.calibrated(p)))
        return out


def top_event_probability(probs: np.ndarray, classes: Sequence[str]) -> float:
    """The probability of the most probable event type (not "none")."""
    return max(float(p) for p, c in zip(probs, classes, strict=True) if c != NONE)


# ---- features -----------------------------------------------------------------------
def rule_feature_names(cue_names: Sequence[str]) -> list[str]:
    names = [f"cue:{c}" for c in cue_names]
    names += [f"rule:{t}" for t in (*EVENT_TYPES, NONE)]
    names += [f"last_rule:{t}" for t in (*EVENT_TYPES, NONE)]
    names += [f"speaker:{k}" for k in (*SPEAKER_KINDS, NONE)]
    names += [f"lang:{lang}" for lang in SUPPORTED_LANGUAGES]
    names += ["explicit", "capable", "conventional", "inherited", "speaker_is_signaller",
              "parties", "since_rule_event", "historical", "quoted", "near_hot"]
    return names


def rule_features(f: SentenceFacts, cue_names: Sequence[str], near_hot: int) -> np.ndarray:
    """The rules' view of a sentence as numbers (order: :func:`rule_feature_names`). Nothing
    here depends on the article's length: a passage cut from a page reads like the page."""
    v: list[float] = [float(c in f.cues) for c in cue_names]
    v += [float(f.rule_type == t) for t in EVENT_TYPES] + [float(f.rule_type is None)]
    v += [float(f.last_rule_type == t) for t in EVENT_TYPES] + [float(f.last_rule_type is None)]
    v += [float(f.speaker_kind == k) for k in SPEAKER_KINDS] + [float(f.speaker_kind is None)]
    v += [float(f.language == lang) for lang in SUPPORTED_LANGUAGES]
    v += [float(f.explicit), float(f.capable), float(f.conventional), float(f.inherited),
          float(f.speaker_is_signaller), min(f.parties, 3) / 3.0, f.since_rule_event / 10.0,
          float(f.historical), float(f.quoted), near_hot / (WINDOW + 1)]
    return np.asarray(v, dtype=np.float32)


def feature_vector(f: SentenceFacts, emb: np.ndarray, context: np.ndarray, doc: np.ndarray,
                   cue_names: Sequence[str], near_hot: int) -> np.ndarray:
    return np.concatenate([emb, context, doc, rule_features(f, cue_names, near_hot)])


def with_neighbours(x: np.ndarray, neighbours: Neighbours | None) -> np.ndarray:
    """``x`` with one more column per type of ``neighbours`` (its rows' own embedding, the
    first block of :func:`feature_vector`, compared with the training sentences)."""
    if neighbours is None:
        return x
    return np.hstack([x, neighbours.similarities(x[:, :neighbours.dim])]).astype(x.dtype)


def unit(v: np.ndarray) -> np.ndarray:
    n = float(np.linalg.norm(v))
    return v / n if n > 0 else v


@dataclass(frozen=True)
class ArticleVectors:
    """The embeddings one article needs: candidate sentences, their neighbours, and the mean
    of its hot sentences."""

    candidates: dict[int, int]      # sentence index -> distance to the nearest hot sentence
    vectors: dict[int, np.ndarray]  # sentence index -> embedding
    doc: np.ndarray

    def features(self, f: SentenceFacts, cue_names: Sequence[str]) -> np.ndarray:
        own = self.vectors[f.index]
        around = [self.vectors[j] for j in (f.index - 1, f.index + 1) if j in self.vectors]
        # a sentence alone (a one-line post, a headline-only page) is its own context: a zero
        # vector would lie far from every embedding the model was trained on
        context = unit(np.mean(around, axis=0)) if around else own
        return feature_vector(f, own, context, self.doc, cue_names,
                              self.candidates[f.index])


    def alone_features(self, f: SentenceFacts, cue_names: Sequence[str]) -> np.ndarray:
        """The sentence as if it came alone: its own embedding as context and article, and
        no memory of the sentences before it (what training's context dropout shows)."""
        own = self.vectors[f.index]
        return feature_vector(read_alone(f), own, own, own, cue_names, self.candidates[f.index])


def read_alone(f: SentenceFacts) -> SentenceFacts:
    return replace(f, inherited=False, since_rule_event=10, last_rule_type=None)


def article_vectors(texts: Sequence[str], hot: Sequence[bool], typed: Sequence[bool],
                    encoder: SentenceEncoder) -> ArticleVectors | None:
    """Embed what the judge of one article will need (None: no hot sentence, nothing to do)."""
    cands = candidates(hot, typed, WINDOW)
    if not cands:
        return None
    need = sorted({j for i in cands for j in (i - 1, i, i + 1) if 0 <= j < len(texts)})
    embedded = encoder.encode([texts[j] for j in need])
    vectors = dict(zip(need, embedded, strict=True))
    hot_rows = [vectors[i] for i, h in enumerate(hot) if h]
    return ArticleVectors(cands, vectors, unit(np.mean(hot_rows, axis=0)))


# ---- model file ---------------------------------------------------------------------
def save_model(model: SentenceModel, path: Path) -> None:
    data = {
        "format": "tocsin-sentence-model", "feature_version": FEATURE_VERSION,
        "classes": list(model.classes), "cue_names": list(model.cue_names),
        "mean": model.mean.tolist(), "scale": model.scale.tolist(),
        "weights": model.weights.tolist(), "bias": model.bias.tolist(),
        "threshold": model.threshold, "second_threshold": model.second_threshold,
        "article_threshold": model.article_threshold,
        "calibration": [list(model.calibration[0]), list(model.calibration[1])],
        "card": model.card,
        "neighbours": model.neighbours.to_json() if model.neighbours is not None else None,
        "hidden": _hidden_json(model),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, sort_keys=True, separators=(",", ":")) + "\n",
                    encoding="utf-8")


def _packed(a: np.ndarray, dtype: str) -> str:
    """An array's values as ``dtype`` bytes in base64: the model file's compact arrays."""
    return base64.b64encode(np.ascontiguousarray(a, dtype=dtype).tobytes()).decode()


def _unpacked(text: str, dtype: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype=dtype)


def _hidden_json(model: SentenceModel) -> dict[str, Any] | None:
    """The hidden layer as little-endian float32, base64 (as JSON numbers it would be
    several times larger); training rounds it so, so the saved model is the trained one."""
    if model.hidden_weights is None or model.hidden_bias is None:
        return None
    return {"shape": list(model.hidden_weights.shape),
            "weights": _packed(model.hidden_weights, "<f4"),
            "bias": _packed(model.hidden_bias, "<f4")}


def _hidden_from_json(data: dict[str, Any] | None
                      ) -> tuple[np.ndarray | None, np.ndarray | None]:
    if not data:
        return None, None
    rows, width = (int(n) for n in data["shape"])
    weights = _unpacked(data["weights"], "<f4").reshape(rows, width)
    return weights.astype(np.float64), _unpacked(data["bias"], "<f4").astype(np.float64)


def load_model(path: Path = MODEL_PATH) -> SentenceModel:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the sentence model ({exc}); rebuild it with "
                          "`tocsin train`") from exc
    if data.get("format") != "tocsin-sentence-model" or \
            data.get("feature_version") != FEATURE_VERSION:
        raise ConfigError(f"{path}: not a sentence model of this version of tocsin; rebuild "
                          "it with `tocsin train`")
    classes = tuple(data["classes"])
    if not set(classes) <= {NONE, *EVENT_TYPES}:
        raise ConfigError(f"{path}: unknown classes {classes}")
    hidden_weights, hidden_bias = _hidden_from_json(data.get("hidden"))
    return SentenceModel(
        classes=classes, cue_names=tuple(data["cue_names"]),
        mean=np.asarray(data["mean"], dtype=np.float64),
        scale=np.asarray(data["scale"], dtype=np.float64),
        weights=np.asarray(data["weights"], dtype=np.float64),
        bias=np.asarray(data["bias"], dtype=np.float64),
        threshold=float(data["threshold"]), second_threshold=float(data["second_threshold"]),
        calibration=(tuple(data["calibration"][0]), tuple(data["calibration"][1])),
        card=data.get("card", {}),
        neighbours=Neighbours.from_json(data["neighbours"]) if data.get("neighbours") else None,
        hidden_weights=hidden_weights, hidden_bias=hidden_bias,
        article_threshold=(None if data.get("article_threshold") is None
                           else float(data["article_threshold"])))


