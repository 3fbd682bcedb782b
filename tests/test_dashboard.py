"""The start-here questionnaire: route recommendation in the guide's words; the notebook runs offline."""

from __future__ import annotations

from pathlib import Path

import pytest

from govai.records import dashboard
from govai.records.results import ResultsDB

REPO = Path(__file__).resolve().parents[1]


def test_role_decides_when_alone() -> None:
    assert dashboard.recommend("政策專業同仁").route == "A"
    assert dashboard.recommend("資訊專業同仁").route == "B"
    assert dashboard.recommend("一般同仁").route == "C"
    assert dashboard.recommend(None).route == "C"


def test_tasks_and_background_can_outweigh_the_role() -> None:
    rec = dashboard.recommend("一般同仁", ["模型訓練優化", "開發應用程式", "系統整合實作"], "Pro-code（會寫程式）")
    assert rec.route == "B" and rec.scores["B"] == 5 and rec.scores["C"] == 3
    assert any("模型訓練優化" in r for r in rec.reasons)


def test_reasons_use_the_guides_words() -> None:
    rec = dashboard.recommend("政策專業同仁", ["規劃策略藍圖"], "No-code（不寫程式）")
    text = "".join(rec.reasons)
    assert "統籌 AI 規劃與監理" in text and "成為機關大腦" in text and "規劃者" in text
    assert rec.name == "AI政策人才"


def test_no_results_yet_is_said_kindly(tmp_path: Path) -> None:
    html = dashboard.learning_path_html("new-learner", "C", ResultsDB(tmp_path / "e.sqlite"))
    # no terminal: the learner is pointed at the button that scores their work
    assert "還沒有你的評分紀錄" in html and "模組1 學AI" in html and "評分我的作業" in html
    assert "終端機執行" not in html


@pytest.mark.slow
def test_score_my_work_runs_the_learners_notebooks_and_shows_readiness(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The button's function: the learner's own release/ notebooks through the runner, readiness shown."""
    import shutil

    monkeypatch.setenv("GOVAI_RESULTS_DB", str(tmp_path / "results.sqlite"))
    folder = tmp_path / "release"
    shutil.copytree(REPO / "release" / "module1_literacy", folder / "module1_literacy")
    html = dashboard.score_my_work("C", folder, learner="me-1")
    assert "目前的認證準備度" in html and "還沒有你的評分紀錄" not in html
    assert ResultsDB(tmp_path / "results.sqlite").latest_run("me-1") is not None


@pytest.mark.slow
def test_start_here_notebook_runs_offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import nbformat
    from nbclient import NotebookClient

    path = REPO / "notebooks" / "00_start_here.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), "commit without outputs"
    monkeypatch.setenv("GOVAI_RESULTS_DB", str(tmp_path / "none.sqlite"))
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    text = "".join(str(o.get("data", {}).get("text/html", "")) + str(o.get("text", ""))
                   for c in nb.cells for o in c.get("outputs", []))
    assert "還沒有你的評分紀錄" in text
    assert not [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
