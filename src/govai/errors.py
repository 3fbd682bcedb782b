"""Errors that reach learners and instructors: Traditional Chinese first, naming the file and cell."""

from __future__ import annotations

from pathlib import Path


class GovaiError(Exception):
    """Base of govai's expected errors; the CLI prints them without a traceback."""


class SubmissionError(GovaiError):
    """A learner's notebook cannot be graded as it is; says which file (and cell) and why."""

    def __init__(self, path: Path | str, cell: int | None, message: str) -> None:
        self.path = Path(path)
        self.cell = cell
        self.message = message
        where = f"{self.path}" + (f" 第 {cell + 1} 個儲存格" if cell is not None else "")
        super().__init__(f"{where}：{message}")
