"""The catalog matches the guide: routes and paths, modules, competencies, every certification row."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from govai.cli import main
from govai.course import catalog

CAT = catalog.default()
REPO = Path(__file__).resolve().parents[1]

# The guide's appendix tables, row by row: (name, issuer, route listing).
GUIDE_ROWS = [
    ("公務 AI 共通核心能力認證", "人事行政總處統籌規劃", "core"),
    ("iPAS 初級AI應用規劃師能力鑑定", "經濟部產業發展署", "core"),
    ("生成式AI能力認證", "資訊工業策進會", "core"),
    ("人工智慧工程素養認證", "資訊工業策進會", "core"),
    ("AI 素養級認證", "台灣人工智慧學校", "core"),
    ("AI 工程級認證：LLM 的行政任務應用", "台灣人工智慧學校", "core"),
    ("TQC生成式AI應用與技術(實用/進階/專業)", "中華民國電腦技能基金會", "core"),
    ("TQC人工智慧應用與技術(實用/進階/專業)", "中華民國電腦技能基金會", "core"),
    ("EEC企業電子化人工智慧應用師", "中華民國電腦技能基金會", "core"),
    ("Microsoft Certified: Azure AI Fundamentals (AI-900)", "Microsoft Corporation", "core"),
    ("AWS Certified AI Practitioner", "Amazon Web Services, Inc.", "core"),
    ("公務 AI 應用規劃導入能力認證", "人事行政總處統籌規劃", "A"),
    ("iPAS 中級AI應用規劃師能力鑑定", "經濟部產業發展署", "B"),
    ("生成式AI美術設計能力認證(初級/中級)", "資訊工業策進會", "B"),
    ("生成式AI辦公室應用能力認證", "資訊工業策進會", "B"),
    ("運用大語言模型建置對話助理能力評測", "資訊工業策進會", "B"),
    ("NVIDIA Certified Associate: Generative AI & LLMs", "NVIDIA Corporation", "B"),
    ("NVIDIA Certified Associate: Multimodal Generative AI", "NVIDIA Corporation", "B"),
    ("TQC+人工智慧：機器學習", "中華民國電腦技能基金會", "B"),
    ("AWS Certified Machine Learning Engineer (Associate)", "Amazon Web Services, Inc.", "B"),
    ("Google Cloud Professional Machine Learning Engineer", "Google LLC – Google Cloud Division", "B"),
    ("AWS Certified Machine Learning Engineer (Specialty)", "Amazon Web Services, Inc.", "B"),
    ("Microsoft Certified: Azure AI Engineer Associate (AI-102)", "Microsoft Corporation", "B"),
    ("TensorFlow Developer Certificate", "Google LLC – TensorFlow Team", "B"),
    ("IBM AI Engineering Professional Certificate", "International Business Machines Corporation (IBM)", "B"),
]
ROUTE_C_TOOLS = GUIDE_ROWS[12:18]


def test_all_25_certifications() -> None:
    assert len(CAT.certifications) == 25


@pytest.mark.parametrize("name,issuer,route", GUIDE_ROWS, ids=[r[0] for r in GUIDE_ROWS])
def test_guide_row_present(name: str, issuer: str, route: str) -> None:
    matches = [c for c in CAT.certifications if c.name == name]
    assert len(matches) == 1, f"{name} missing or duplicated"
    cert = matches[0]
    assert cert.issuer == issuer
    assert route in cert.routes


@pytest.mark.parametrize("name,issuer,route", ROUTE_C_TOOLS, ids=[r[0] for r in ROUTE_C_TOOLS])
def test_tool_list_on_routes_b_and_c_with_their_capabilities(name: str, issuer: str, route: str) -> None:
    cert = next(c for c in CAT.certifications if c.name == name)
    caps = {listing.route: listing.capability for listing in cert.listings}
    assert caps == {"B": "AI程式語言應用", "C": "AI工具應用"}


def test_route_paths_as_in_the_guide() -> None:
    assert CAT.route("A").modules == [1, 5, 7, 6] and CAT.route("A").optional_modules == [4]
    assert CAT.route("B").modules == [1, 2, 3, 6] and CAT.route("B").optional_modules == [4]
    assert CAT.route("C").modules == [1, 2, 8, 6] and CAT.route("C").optional_modules == []
    assert [s.level for s in CAT.route("B").path] == ["入門", "入門", "進階", "實作"]
    assert [s.level for s in CAT.route("C").path] == ["入門", "進階", "進階", "實作"]
    assert [s.level for s in CAT.route("A").path] == ["入門", "進階", "進階", "實作"]


def test_modules_competencies_and_lines() -> None:
    assert [m.name_zh for m in CAT.modules] == ["學AI", "會數據", "能開發", "管AI", "訂策略", "快優化", "領創新", "用AI"]
    assert [m.slug for m in CAT.modules][0] == "module1_literacy" and CAT.module(8).slug == "module8_adoption"
    assert len(CAT.competencies) == 12
    assert [c.id for c in CAT.competencies][:3] == ["風險辨識", "倫理判斷", "公共價值"]
    assert [c.id for c in CAT.competencies][-1] == "流程自動"
    assert len(CAT.learning_lines) == 8 and CAT.learning_lines[0].id == "AI基礎認知線"


def test_status_facts() -> None:
    by_name = {c.name: c for c in CAT.certifications}
    tf = by_name["TensorFlow Developer Certificate"]
    assert tf.status == "closed" and tf.status_date == "2024-05-01" and not tf.recommendable
    assert by_name["AWS Certified Machine Learning Engineer (Specialty)"].status == "retired"
    for n, succ in [("Microsoft Certified: Azure AI Fundamentals (AI-900)", "AI-901"),
                    ("Microsoft Certified: Azure AI Engineer Associate (AI-102)", "AI-103")]:
        assert by_name[n].status == "retired" and by_name[n].status_date == "2026-06-30"
        assert succ in (by_name[n].successor or "")


def test_weights_are_the_published_ones() -> None:
    aif = CAT.certification("aws-aif-c01")
    assert [d.weight for d in aif.domains] == [0.20, 0.24, 0.28, 0.14, 0.14]
    assert not aif.estimated
    w = aif.normalised_weights()
    assert abs(sum(w.values()) - 1) < 1e-9
    assert CAT.certification("ipas-planner-basic").estimated


def test_every_domain_and_certification_cites_a_known_source() -> None:
    for cert in CAT.certifications:
        assert cert.sources and all(s in CAT.sources for s in cert.sources)
        assert all(d.source in CAT.sources for d in cert.domains)


def test_validation_error_names_file_and_key(tmp_path: Path) -> None:
    ref = tmp_path / "reference"
    shutil.copytree(REPO / "reference", ref)
    routes = (ref / "routes.yaml").read_text(encoding="utf-8")
    (ref / "routes.yaml").write_text(routes.replace("track: module5_strategy", "track: module5_nonexistent"),
                                     encoding="utf-8")
    with pytest.raises(catalog.CatalogError) as err:
        catalog.load(ref)
    assert "routes.yaml" in str(err.value) and "routes.0.path.1.track" in str(err.value)
    (ref / "routes.yaml").write_text(routes.replace("role: 規劃者", "role: [規劃者"), encoding="utf-8")
    with pytest.raises(catalog.CatalogError, match="routes.yaml"):
        catalog.load(ref)


def test_catalog_json_cli(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"routes", "modules", "competencies", "certifications"} <= set(data)
    route_a = next(r for r in data["routes"] if r["id"] == "A")
    assert route_a["modules"] == [1, 5, 7, 6] and route_a["optional_modules"] == [4]
    cert = data["certifications"][0]
    assert {"name", "issuer", "status", "routes", "domains"} <= set(cert)
    assert {"name", "weight"} <= set(cert["domains"][0])


def test_catalog_table_cli(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog"]) == 0
    out = capsys.readouterr().out
    assert "AI政策人才" in out and "TensorFlow Developer Certificate" in out and "已停辦" in out


def test_help_is_bilingual(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    for word in ("catalog", "grade", "run", "readiness", "report", "評分", "認證"):
        assert word in out
