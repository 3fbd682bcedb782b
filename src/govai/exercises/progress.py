"""The learner's local progress store: every check, hint and solution view, in SQLite.

The runner and the reports read it later (attempts and hints used per exercise).
It lives in ``$GOVAI_HOME/progress.sqlite`` (default ``~/.govai``). Writing never
raises into a learner's notebook: a read-only home or a locked file only loses the
event, never the lesson.
"""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    learner TEXT NOT NULL,
    exercise TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('check', 'hint', 'solution')),
    outcome TEXT,
    detail TEXT,
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_learner ON events (learner, exercise);
"""
# Seconds to wait for another process's lock on the store (a lesson, the runner and the records
# commands may open it at once) before giving up on the event.
LOCK_TIMEOUT = 5.0


def home() -> Path:
    return Path(os.environ.get("GOVAI_HOME") or Path.home() / ".govai")


def store_path() -> Path:
    return Path(os.environ.get("GOVAI_PROGRESS_DB") or home() / "progress.sqlite")


def current_learner() -> str:
    return os.environ.get("GOVAI_LEARNER") or os.environ.get("USER") or "learner"


def _connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path, timeout=LOCK_TIMEOUT)
    con.executescript(SCHEMA)
    return con


def record(exercise: str, kind: str, outcome: str | None = None, detail: str | None = None,
           learner: str | None = None, path: Path | None = None) -> bool:
    """Append one event; returns False (and keeps the lesson going) when the store cannot be written."""
    try:
        with _connect(path or store_path()) as con:
            con.execute(
                "INSERT INTO events (learner, exercise, kind, outcome, detail, at) VALUES (?, ?, ?, ?, ?, ?)",
                (learner or current_learner(), exercise, kind, outcome, detail, time.time()),
            )
        return True
    except (sqlite3.Error, OSError):
        return False


@dataclass(frozen=True)
class ExerciseProgress:
    exercise: str
    attempts: int
    hints: int
    solution_viewed: bool
    solved: bool


def summary(learner: str | None = None, path: Path | None = None,
            answered_only: bool = False) -> dict[str, ExerciseProgress]:
    """Attempts, hints and solution views per exercise for one learner.

    ``answered_only``: a check of an untouched starter (「尚未作答」, outcome ``not_attempted``) is not
    an attempt, and exercises with no attempt, hint or solution view are left out.
    """
    p = path or store_path()
    if not p.exists():
        return {}
    try:
        con = sqlite3.connect(p, timeout=LOCK_TIMEOUT)
        rows = con.execute(
            """SELECT exercise,
                      SUM(kind = 'check' AND (? = 0 OR COALESCE(outcome, '') != 'not_attempted')),
                      SUM(kind = 'hint'),
                      MAX(kind = 'solution'),
                      MAX(kind = 'check' AND outcome = 'correct')
               FROM events WHERE learner = ? GROUP BY exercise""",
            (int(answered_only), learner or current_learner()),
        ).fetchall()
        con.close()
    except sqlite3.Error:
        return {}
    return {
        ex: ExerciseProgress(ex, int(a or 0), int(h or 0), bool(s), bool(ok)) for ex, a, h, s, ok in rows
        if not answered_only or a or h or s
    }
