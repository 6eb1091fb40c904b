"""Where the shared test data lives, and what to do when it is missing.

`../shared/` sits beside the repository on developer machines and in CI. Outside those a test
that needs it skips; in CI (CI=true) a missing file fails the run, so no test silently stops
testing anything.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# VIDEOBRIEF_SHARED points elsewhere when the checkout is not beside ../shared (a git worktree).
SHARED = Path(
    os.environ.get("VIDEOBRIEF_SHARED") or Path(__file__).resolve().parents[1].parent / "shared"
)
SEED_PAGE = SHARED / "seed" / "seed-page.txt"


def skip_or_fail(reason: str) -> None:
    """Skip locally; fail under CI, where everything a test needs must be installed."""
    if os.environ.get("CI"):
        pytest.fail(f"CI: {reason}")
    pytest.skip(reason)


def seed_page() -> Path:
    """The seed page's path, or skip/fail when ../shared is not beside the repository."""
    if not SEED_PAGE.exists():
        skip_or_fail(f"seed page not found at {SEED_PAGE}")
    return SEED_PAGE
