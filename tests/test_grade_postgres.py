"""A PostgreSQL gradebook, written by several workers, holds exactly what the SQLite one holds."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "grade"))
import helpers as h
import samples

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


def test_postgres_matches_sqlite(tmp_path: Path, postgres_url: str) -> None:
    lite = tmp_path / "sqlite"
    students = samples.make_batch(lite, h.M1, 6)
    pg = tmp_path / "pg"
    shutil.copytree(lite / "source", pg / "source")
    shutil.copytree(lite / "submitted", pg / "submitted")
    shutil.copy(lite / "nbgrader_config.py", pg / "nbgrader_config.py")

    a = h.grade(lite, workers=2)
    b = h.grade(pg, db=postgres_url, workers=2)      # registers the assignment in PostgreSQL too
    assert {o.status for o in a.values()} == {o.status for o in b.values()} == {"graded"}
    assert h.scores(postgres_url, h.M1) == h.scores(h.sqlite(lite), h.M1)
    assert len(h.scores(postgres_url, h.M1)) == len(students) * 9
    assert sorted(h.totals(postgres_url, h.M1).values()) == sorted(h.totals(h.sqlite(lite), h.M1).values())
    # graded again: everything skipped, nothing duplicated
    counts = h.row_counts(postgres_url)
    again = h.grade(pg, db=postgres_url, workers=2)
    assert {o.status for o in again.values()} == {"skipped"}
    assert h.row_counts(postgres_url) == counts
