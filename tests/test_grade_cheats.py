"""Tamper resistance: edited tests, exits, crashes, loops, floods and patched checkers earn nothing."""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "grade"))
import helpers as h
import samples

pytestmark = pytest.mark.slow
CHEATS = Path(__file__).parent / "fixtures" / "grade" / "cheats"


def _gid(cell: nbformat.NotebookNode) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def _cell(nb: nbformat.NotebookNode, gid: str) -> nbformat.NotebookNode:
    return next(c for c in nb.cells if _gid(c) == gid)


def _cheat(name: str) -> str:
    return (CHEATS / f"{name}.py").read_text(encoding="utf-8")


def test_module1_cheats(tmp_path: Path) -> None:
    course = tmp_path / "course"
    master = h.course(course)

    # 1. Tests edited, deleted, duplicated, re-typed, or their points/grade flags changed; answers wrong.
    nb = samples.submission(master, {"q9_eu_tier": "wrong", "q4_allowed": "wrong", "q7_verify": "wrong",
                                     "q8_kind": "wrong", "q6_softmax": "wrong"})
    _cell(nb, "q9_eu_tier_test").source = "pass"
    nb.cells.remove(_cell(nb, "q4_allowed_test"))
    dup = copy.deepcopy(_cell(nb, "q7_verify_test"))
    dup.source, dup.id = "pass", "dup0001"
    _cell(nb, "q7_verify_test").source = "pass"
    nb.cells.insert(nb.cells.index(_cell(nb, "q7_verify_test")), dup)
    meta = _cell(nb, "q8_kind_test").metadata.nbgrader
    meta["points"], meta["grade"] = 100, False
    q6 = _cell(nb, "q6_softmax_test")
    nb.cells[nb.cells.index(q6)] = nbformat.v4.new_markdown_cell("pass", metadata=q6.metadata, id=q6.id)
    samples.write_submission(course, "edits", h.M1, nb)

    # 2. Exits and crashes in extra cells: the rest is graded, correct work keeps full marks.
    nb = h.with_extra_cell(master, "import sys\nsys.exit(0)", after="q1_is_ai")
    nb = _insert(nb, "import os\nos._exit(1)", after="q3_risk_sources")
    nb = _insert(nb, "import ctypes\nctypes.string_at(0)", after="q5_mask_phone")
    samples.write_submission(course, "exits", h.M1, nb)

    # 3. Endless loops (one ignoring interrupts), an output flood and a slow but correct answer.
    nb = h.with_extra_cell(master, "while True:\n    pass", after="q2_principles")
    nb = _insert(nb, "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass",
                 after="q4_allowed")
    nb = _insert(nb, "print('x' * 20_000_000)\nfor _ in range(200_000):\n    print('flood')", after="q6_softmax")
    _cell(nb, "q9_eu_tier").source = "import time\ntime.sleep(2)\neu_tier = '高風險'"
    samples.write_submission(course, "loops", h.M1, nb)

    # 4. IPython, builtins and assertion patching with wrong answers.
    nb = h.with_extra_cell(master, _cheat("patch_ipython"), after="q1_is_ai",
                           answers={"q2_principles": "wrong", "q4_allowed": "wrong", "q9_eu_tier": "wrong"})
    samples.write_submission(course, "patcher", h.M1, nb)

    out = h.grade(course, timeout=4)
    assert {o.status for o in out.values()} == {"graded"}, {s: o.reason for s, o in out.items()}
    totals = h.totals(h.sqlite(course), h.M1)
    assert totals["edits"] == 23 - 2 - 3 - 2 - 2 - 3
    assert totals["exits"] == 23
    assert totals["loops"] == 23
    assert totals["patcher"] == 23 - 3 - 3 - 2
    s = h.scores(h.sqlite(course), h.M1)
    assert s[("edits", "q8_kind_test")] == (0.0, False) and s[("edits", "q9_eu_tier_test")] == (0.0, False)
    autograded = course / "autograded" / "loops" / h.M1 / f"{h.M1}.ipynb"
    assert autograded.stat().st_size < 2_000_000
    executed = nbformat.read(autograded, as_version=4)
    assert "CellTimeoutError" in {o.get("ename") for c in executed.cells if c.cell_type == "code" for o in c.outputs}


def _insert(nb: nbformat.NotebookNode, source: str, after: str) -> nbformat.NotebookNode:
    index = next(i for i, c in enumerate(nb.cells) if _gid(c) == after) + 1
    nb.cells.insert(index, nbformat.v4.new_code_cell(source))
    return nb


def test_fixture_cheats_partial_credit_and_hidden_tests(tmp_path: Path) -> None:
    course = tmp_path / "course"
    master = h.course(course, h.FX)
    samples.write_submission(course, "honest", h.FX, samples.submission(master, {"essay": "因為資料有偏誤。"}))
    cheat = samples.submission(master, {
        "square": _cheat("square_patches_on_call"),
        "values": "values = [1, 2]\nget_ipython().events.register('post_run_cell', lambda r: display(4))",
        "answer": _cheat("always_equal"),
        "arr": "import numpy\nnumpy.testing.assert_allclose = lambda *a, **k: None\narr = np.zeros(5)",
        "frame": ("import pandas\npandas.testing.assert_frame_equal = lambda *a, **k: None\n"
                  "frame = pd.DataFrame({'name': ['a', 'b'], 'n': [1, 3]})"),
        "essay": None, "explain": None,                    # untouched: nbgrader's "no response", 0 points
    })
    cheat.cells.append(nbformat.v4.new_code_cell(_cheat("look_for_hidden_tests")))
    samples.write_submission(course, "cheat", h.FX, cheat)

    out = h.grade(course, h.FX)
    assert out["honest"].status == "graded" and out["cheat"].status == "graded"
    s = h.scores(h.sqlite(course), h.FX)
    assert {k[1]: v for k, v in s.items() if k[0] == "honest"} == {
        "square_test": (3.0, False), "values_test": (4.0, False), "answer_test": (2.0, False),
        "total_test": (2.0, False), "arr_test": (2.0, False), "frame_test": (2.0, False),
        "essay": (None, True), "explain": (None, True)}       # answered: left to the instructor
    assert {k[1]: v for k, v in s.items() if k[0] == "cheat"} == {
        "square_test": (0.0, False), "values_test": (1.0, False), "answer_test": (0.0, False),
        "total_test": (2.0, False), "arr_test": (0.0, False), "frame_test": (0.0, False),
        "essay": (0.0, False), "explain": (0.0, False)}
    executed = nbformat.read(course / "autograded" / "cheat" / h.FX / f"{h.FX}.ipynb", as_version=4)
    report = "".join(o.get("text", "") for o in executed.cells[-1].outputs)
    assert "own-answer-seen" in report          # the probe ran and saw the learner's own cells...
    assert "HIDDEN-SEEN" not in report          # ...but never a hidden test
    assert "square(-3)" not in report


def test_broken_notebooks_are_reported_and_the_batch_goes_on(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from govai.cli import main

    course = tmp_path / "course"
    master = h.course(course)
    honest = samples.submission(master)
    samples.write_submission(course, "ok", h.M1, honest)
    samples.write_submission(course, "badjson", h.M1, b'{"cells": [')
    samples.write_submission(course, "empty", h.M1, b"")
    samples.write_submission(course, "notnb", h.M1, b"[1, 2]")
    v3 = nbformat.convert(copy.deepcopy(honest), 3)
    assert v3["nbformat"] == 3 and "worksheets" in v3
    samples.write_submission(course, "v3", h.M1, json.dumps(v3, ensure_ascii=False))
    stripped = copy.deepcopy(honest)
    for c in stripped.cells:
        c.metadata = {}
        c.pop("id", None)
    stripped.metadata = {}
    stripped.nbformat_minor = 4
    samples.write_submission(course, "stripped", h.M1, nbformat.writes(stripped, version=4))
    nokernel = copy.deepcopy(honest)
    nokernel.metadata["kernelspec"] = {"name": "no-such-kernel", "display_name": "不存在", "language": "python"}
    samples.write_submission(course, "nokernel", h.M1, nokernel)
    (course / "submitted" / "missing" / h.M1).mkdir(parents=True)
    # symbolic links to the master (solutions and hidden tests) or elsewhere are not followed
    linked = course / "submitted" / "linker" / h.M1
    linked.mkdir(parents=True)
    (linked / f"{h.M1}.ipynb").symlink_to(course / "source" / h.M1 / f"{h.M1}.ipynb")
    (linked / "secret.txt").symlink_to(course / "gradebook.db")

    code = main(["grade", h.M1, "--course", str(course), "--no-progress", "--timeout", "20"])
    printed = capsys.readouterr().out
    assert code == 1
    totals = h.totals(h.sqlite(course), h.M1)
    # as nbgrader: a notebook without nbgrader metadata has no graded cells (0); a broken notebook fails
    # after its submission row exists (0); a folder without a notebook (or only links) is no submission
    assert totals == {"ok": 23.0, "v3": 23.0, "stripped": 0.0, "nokernel": 23.0,
                      "badjson": 0.0, "empty": 0.0, "notnb": 0.0}
    assert not (course / "autograded" / "linker").exists()
    lines = {line.split()[0]: line for line in printed.splitlines() if line.strip()}
    assert "不是有效的 JSON" in lines["badjson"] and "submitted/badjson/module1_literacy/module1_literacy.ipynb" in lines["badjson"]
    assert "檔案是空的" in lines["empty"] and "失敗 failed" in lines["empty"]
    assert "不是 Jupyter 筆記本" in lines["notnb"]
    assert "missing" not in lines and "linker" not in lines
    assert not (course / "autograded" / "badjson" / h.M1).exists()
