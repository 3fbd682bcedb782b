"""A chart with Chinese labels renders without missing-glyph warnings once use_cjk_font() ran."""

from __future__ import annotations

import io
import warnings

import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

from govai.records import charts  # noqa: E402


def _render_chinese_chart() -> list[str]:
    import matplotlib.pyplot as plt

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig, ax = plt.subplots(figsize=(4, 3))
        ax.bar(["一月", "二月", "三月"], [1200, 980, 1450])
        ax.set_title("1999 專線來電數（合成資料）")
        ax.set_xlabel("月份")
        ax.set_ylabel("來電數（通）")
        fig.savefig(io.BytesIO(), format="png")
        plt.close(fig)
    return [str(w.message) for w in caught]


def test_chinese_labels_render_without_missing_glyphs() -> None:
    if charts.find_cjk_font() is None:
        pytest.skip("no CJK font installed (apt-get install fonts-noto-cjk)")
    name = charts.use_cjk_font()
    assert name is not None and "CJK" in name
    messages = _render_chinese_chart()
    missing = [m for m in messages if "Glyph" in m and "missing" in m]
    assert not missing, missing[:3]


def test_missing_font_warns_once_and_does_not_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(charts, "find_cjk_font", lambda: None)
    monkeypatch.setattr(charts, "_warned", False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert charts.use_cjk_font() is None
        assert charts.use_cjk_font() is None
    assert len([w for w in caught if issubclass(w.category, RuntimeWarning)]) == 1
