"""Every learner-facing text is Traditional Chinese in Taiwan usage."""

from __future__ import annotations

from pathlib import Path

import pytest

from govai.course.language import check_text, learner_facing_files

REPO = Path(__file__).resolve().parents[1]
FILES = learner_facing_files(REPO)


def test_checker_finds_simplified_characters_and_mainland_terms() -> None:
    assert check_text("\u8fd9\u4e2a\u8f6f件的\u89c6\u9891") != []
    assert any("人工智慧" in p for p in check_text("人工智能政策"))
    assert any("影片" in p for p in check_text("請觀看視頻"))
    assert check_text("人工智慧、軟體、網路、程式、影片、資訊；數據與優化是指引用語；演算法") == []


def test_there_are_files_to_check() -> None:
    assert len(FILES) > 10


@pytest.mark.parametrize("path", FILES, ids=[str(f.relative_to(REPO)) for f in FILES])
def test_taiwan_usage(path: Path) -> None:
    from govai.course.language import check_file

    findings = check_file(path)
    assert not findings, "\n".join(map(str, findings))
