"""The learned layer: which sentences carry which events.

The rules read every sentence of an article (cues, speaker, their own event if any: a
:class:`~tocsin.model.SentenceFacts`). A small linear model then looks at the sentence through
multilingual embeddings (the sentence, its neighbours, the article's nuclear sentences) and
through those facts, and gives each candidate sentence a probability per event type. The rules
keep filling the fields (:meth:`tocsin.extract.ArticleExtractor.event_as`).

Candidates are the sentences near a *hot* sentence (a nuclear word, a nuclear-capable system,
a nuclear treaty): continuation sentences ("the crews practised receiving the munitions")
rarely repeat the word, but they are never far from one. A document without a hot sentence
costs nothing here.

The model file is JSON (exact floats, deterministic bytes), built by :mod:`tocsin.train`.
"""

from __future__ import annotations

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
FEATURE_VERSION = 2
WINDOW = 3                 # sentences before and after a hot one that are candidates
SPEAKER_KINDS = ("official", "intelligence", "analyst", "media", "anonymous")
NONE = "none"


class SentenceEncoder(Protocol):
    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class SentenceModel:
    """A softmax over ``classes`` ("none" and the event types) on standardised features, and
    the map from a type's probability to the chance that the event is right."""

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

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        z = ((x - self.mean) / self.scale) @ self.weights + self.bias
        z = z - z.max(axis=-1, keepdims=True)
        e = np.exp(z)
        return np.asarray(e / e.sum(axis=-1, keepdims=True))

    def calibrated(self, p: float) -> float:
        xs, ys = self.calibration
        if not xs:
            return p
        return float(np.interp(p, xs, ys))

    def decide(self, probs: np.ndarray) -> list[tuple[str, float]]:
        """The events of one sentence: the most probable type over the threshold, and a
        second one (a deployment announced as a threat) over the second threshold."""
        order = [k for k in np.argsort(-probs) if self.classes[k] != NONE]
        out: list[tuple[str, float]] = []
        for rank, k in enumerate(order[:2]):
            p = float(probs[k])
            if p >= (self.threshold if rank == 0 else self.second_threshold):
                out.append((self.classes[k], self.calibrated(p)))
        return out


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
        "calibration": [list(model.calibration[0]), list(model.calibration[1])],
        "card": model.card,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, sort_keys=True, separators=(",", ":")) + "\n",
                    encoding="utf-8")


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
    return SentenceModel(
        classes=classes, cue_names=tuple(data["cue_names"]),
        mean=np.asarray(data["mean"], dtype=np.float64),
        scale=np.asarray(data["scale"], dtype=np.float64),
        weights=np.asarray(data["weights"], dtype=np.float64),
        bias=np.asarray(data["bias"], dtype=np.float64),
        threshold=float(data["threshold"]), second_threshold=float(data["second_threshold"]),
        calibration=(tuple(data["calibration"][0]), tuple(data["calibration"][1])),
        card=data.get("card", {}))


