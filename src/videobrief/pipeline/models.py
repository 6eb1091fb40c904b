"""Models, once per process: every stage's model is loaded through `shared_model` under a key
(its family first: "whisper", "llm-bundled", "speaker-encoder", …), reused by every later
source the process runs, and freed by family when a run no longer needs it.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


_models: dict[tuple, Any] = {}
_loads: Counter[tuple] = Counter()
_models_lock = threading.Lock()


def shared_model(key: tuple, loader: Callable[[], T]) -> T:
    """`loader()`'s result, made once per process and key (Whisper, the LLM, encoders)."""
    with _models_lock:
        if key not in _models:
            _models[key] = loader()
            _loads[key] += 1
        return _models[key]


def release_models(families: set[str] | frozenset[str]) -> list[tuple]:
    """Drop the cached models whose key starts with one of `families`; the keys dropped.

    Why: the models of a one-source run add up (Whisper, the speaker encoder, the 1.2 GB
    translation model, the encoders of the brief and the index), while each is needed by one
    or two stages. Freed after their last stage, they are not all resident at the end of the
    run. A model with a `close` method is closed (its native memory freed even while some
    backend still holds the object). Freed memory goes back to the system (`malloc_trim`), or
    RSS would not fall.
    """
    with _models_lock:
        gone = [key for key in _models if key and key[0] in families]
        dropped = [_models.pop(key) for key in gone]
    for model in dropped:  # native memory (llama.cpp) goes now, even if a backend holds it
        close = getattr(model, "close", None)
        if callable(close):
            close()
    del dropped
    if gone:
        gc.collect()
        _trim()
    return gone


def loaded_families() -> frozenset[str]:
    with _models_lock:
        return frozenset(key[0] for key in _models if key)


def _trim() -> None:
    """Return freed heap pages to the system (glibc); a no-op where there is no glibc."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def model_loads() -> dict[tuple, int]:
    """How many times each model was loaded in this process (1 each, when reuse works)."""
    with _models_lock:
        return dict(_loads)
