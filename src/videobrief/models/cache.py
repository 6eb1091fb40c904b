"""What a model loader needs of the stage context: the part that loads a model once per
process under a key (the runner's `pipeline.models.shared_model` behind it)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol, TypeVar

T = TypeVar("T")


class ModelCache(Protocol):
    """The part of a stage's `Context` that loads models once per process."""

    cache_dir: Path
    threads: int
    device: str

    def model(self, key: tuple, loader: Callable[[], T]) -> T: ...
