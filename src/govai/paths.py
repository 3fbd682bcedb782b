"""Where things are: the repository (workbook and course) root and run-time folders."""

from __future__ import annotations

import os
from pathlib import Path


def repo_root() -> Path:
    """The checkout's root (holds reference/, notebooks/, source/, release/), or $GOVAI_ROOT."""
    env = os.environ.get("GOVAI_ROOT")
    return Path(env) if env else Path(__file__).resolve().parents[2]


def var_dir() -> Path:
    """Run-time output of this checkout (demo results, lab settings); ignored by git."""
    path = repo_root() / "var"
    path.mkdir(parents=True, exist_ok=True)
    return path
