"""Key deterministic outputs of the lessons, checked by nbval, while lessons stay output-free.

nbval compares a ``# NBVAL_CHECK_OUTPUT`` cell only with outputs stored in the notebook, and
skips cells that were never run, so in an output-free lesson the marker alone checks nothing.
The expected text therefore sits in the cell's metadata (``govai.expected_output``, stdout); this
test writes it into a copy of the lesson as that cell's stored output and runs nbval on the copy,
so a changed corpus, seed or model shows up as nbval's own output diff.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
MARKER = "# NBVAL_CHECK_OUTPUT"
LESSONS = sorted(p for p in (REPO / "notebooks").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def _is_checked(cell: dict) -> bool:
    return cell["cell_type"] == "code" and any(
        line.strip() == MARKER for line in "".join(cell["source"]).splitlines())


def _checked(path: Path) -> list[dict]:
    return [c for c in json.loads(path.read_text(encoding="utf-8"))["cells"] if _is_checked(c)]


CHECKED = [p for p in LESSONS if _checked(p)]
IDS = [str(p.relative_to(REPO / "notebooks")) for p in CHECKED]


def _copy_with_expected_outputs(path: Path, root: Path, corrupt: bool = False) -> Path:
    """The lesson under ``root`` at the same relative place (``data/`` linked, so its relative paths
    work), with each checked cell's expected text stored as its output."""
    if not (root / "data").exists():
        (root / "data").symlink_to(REPO / "data")
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if _is_checked(cell):
            text = cell["metadata"]["govai"]["expected_output"]
            cell["execution_count"] = 1
            cell["outputs"] = [{"name": "stdout", "output_type": "stream",
                                "text": ("（改過的）" + text) if corrupt else text}]
    target = root / path.relative_to(REPO)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(nb, ensure_ascii=False, indent=1), encoding="utf-8")
    return target


def _nbval(notebook: Path, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-current-env", "-p", "no:cacheprovider",
         "-p", "no:xdist", "-q", str(notebook)],
        cwd=cwd, capture_output=True, text=True, timeout=600,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )


def test_module1_has_checked_outputs() -> None:
    assert {p.name for p in CHECKED} >= {"01_what_is_ai.ipynb", "02_how_genai_writes.ipynb"}


@pytest.mark.parametrize("path", LESSONS, ids=[str(p.relative_to(REPO / "notebooks")) for p in LESSONS])
def test_every_checked_cell_has_its_expected_output(path: Path) -> None:
    """A marker without ``govai.expected_output`` would silently check nothing."""
    for cell in _checked(path):
        expected = cell["metadata"].get("govai", {}).get("expected_output")
        assert isinstance(expected, str) and expected, cell.get("id")
        assert not cell.get("outputs"), "lessons are committed without outputs"


@pytest.mark.slow
@pytest.mark.parametrize("path", CHECKED, ids=IDS)
def test_checked_outputs_match_under_nbval(path: Path, tmp_path: Path) -> None:
    done = _nbval(_copy_with_expected_outputs(path, tmp_path), tmp_path)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


@pytest.mark.slow
def test_nbval_reports_a_changed_output(tmp_path: Path) -> None:
    """The comparison is real: a stored expectation that differs fails nbval."""
    done = _nbval(_copy_with_expected_outputs(CHECKED[0], tmp_path, corrupt=True), tmp_path)
    assert done.returncode != 0 and "（改過的）" in done.stdout, done.stdout[-4000:]
