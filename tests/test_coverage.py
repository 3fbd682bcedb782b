"""Coverage: graded items per certification domain, uncovered domains flagged, CI exit code."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from govai.course import catalog, masters
from govai.records import coverage

REPO = Path(__file__).resolve().parents[1]


def test_every_domain_listed_with_its_items() -> None:
    rep = coverage.coverage()
    cat = catalog.default()
    assert [c["name"] for c in rep["certifications"]] == [c.name for c in cat.certifications]
    core = next(c for c in rep["certifications"] if c["id"] == "gov-ai-core")
    c1 = next(d for d in core["domains"] if d["id"] == "C1")
    assert c1["covered"] and "module1_literacy.q3" in [i["exercise"] for i in c1["items"]]
    for c in rep["certifications"]:
        assert c["uncovered"] == [d["id"] for d in c["domains"] if not d["items"]]


def test_route_filter_and_fail_uncovered(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from govai import cli

    src = tmp_path / "source"
    shutil.copytree(REPO / "source" / "module1_literacy", src / "module1_literacy")
    monkeypatch.setattr(masters, "source_dir", lambda: src)
    assert cli.main(["coverage", "--route", "B", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["tracks"] == ["module1_literacy"]
    assert {c["name"] for c in data["certifications"]} == {c.name for c in catalog.default()
                                                           .certifications_for_route("B")}
    # module 1 alone cannot cover route B's tool certifications
    assert cli.main(["coverage", "--route", "B", "--fail-uncovered"]) == 1
    assert "uncovered" in capsys.readouterr().err
    assert "nvidia-nca-genl/" in " ".join(coverage.failing(coverage.coverage("B", src)))


def test_unknown_tags_are_reported(tmp_path: Path) -> None:
    import nbformat

    src = tmp_path / "source" / "x"
    src.mkdir(parents=True)
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("assert True")
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": "t1", "points": 1, "solution": False}
    cell.metadata["govai"] = {"exercise": "x.q1", "domains": ["no-such-cert/D9", "gov-ai-core/C1"]}
    nb.cells = [cell]
    nbformat.write(nb, str(src / "x.ipynb"))
    rep = coverage.coverage(src=tmp_path / "source")
    assert rep["unknown_domain_tags"] == ["no-such-cert/D9"]
    assert "no-such-cert/D9" in coverage.format_table(rep)


def test_points_per_domain_and_thin_domains_are_flagged(tmp_path: Path) -> None:
    import nbformat

    src = tmp_path / "source" / "x"
    src.mkdir(parents=True)
    nb = nbformat.v4.new_notebook()
    for gid, points, domains in (("a", 2, ["gov-ai-core/C1"]), ("b", 2, ["gov-ai-core/C1", "gov-ai-core/C2"]),
                                 ("c", 1, ["gov-ai-core/C3"])):
        cell = nbformat.v4.new_code_cell("assert True, '測試'")
        cell.metadata["nbgrader"] = {"grade": True, "grade_id": gid, "points": points, "solution": False}
        cell.metadata["govai"] = {"exercise": f"x.{gid}", "domains": domains}
        nb.cells.append(cell)
    nbformat.write(nb, str(src / "x.ipynb"))
    rep = coverage.coverage(src=tmp_path / "source")
    core = next(c for c in rep["certifications"] if c["id"] == "gov-ai-core")
    by_id = {d["id"]: d for d in core["domains"]}
    assert (by_id["C1"]["points"], by_id["C2"]["points"], by_id["C3"]["points"]) == (4, 2, 1)
    assert core["thin"] == ["C2", "C3"] and not by_id["C1"]["thin"]
    assert "佐證偏少" in coverage.format_table(rep)


@pytest.mark.parametrize("route", ["A", "B", "C"])
def test_the_routes_own_public_sector_certifications_are_evidenced_by_enough_points(route: str) -> None:
    """The course's own targets (the guide's common core, and route A's planning certification) rest on
    at least THIN_POINTS points per domain; other certifications are reported honestly, thin or not."""
    report = coverage.coverage(route)
    own = [c for c in report["certifications"]
           if c["id"] == "gov-ai-core" or (route == "A" and c["id"] == "gov-ai-planning")]
    assert own
    for cert in own:
        assert not cert["uncovered"] and not cert["thin"], (cert["id"], cert["uncovered"], cert["thin"])
