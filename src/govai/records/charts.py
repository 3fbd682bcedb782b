"""Charts with Chinese labels that render: pick an installed CJK font for matplotlib.

matplotlib's default font (DejaVu Sans) has no CJK glyphs, so a chart titled 「來電數」
shows empty boxes and warns ``Glyph … missing from font(s) DejaVu Sans``. ``use_cjk_font()``
finds a Noto Sans CJK font (Debian package ``fonts-noto-cjk``) through
``matplotlib.font_manager`` and puts it first in ``rcParams['font.sans-serif']``.
Without one it warns once and leaves matplotlib as it was: a lesson must never crash
because a font is missing.
"""

from __future__ import annotations

import warnings

# Traditional Chinese first (Taiwan glyph forms), then the other Noto CJK families,
# which cover the same characters with slightly different glyph shapes.
PREFERRED_FONTS: tuple[str, ...] = (
    "Noto Sans CJK TC",
    "Noto Sans TC",
    "Noto Sans CJK HK",
    "Noto Sans CJK JP",
    "Noto Sans CJK SC",
    "Noto Sans CJK KR",
    "Noto Serif CJK TC",
)

_warned = False


def find_cjk_font() -> str | None:
    """Name of the first installed font of ``PREFERRED_FONTS``, or None."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    for name in PREFERRED_FONTS:
        if name in installed:
            return name
    return None


def use_cjk_font() -> str | None:
    """Make matplotlib draw Chinese text with an installed CJK font; return its name.

    Returns None (after one warning per process) when no CJK font is installed.
    """
    global _warned
    import matplotlib as mpl

    name = find_cjk_font()
    if name is None:
        if not _warned:
            _warned = True
            warnings.warn(
                "找不到中文字型（Noto Sans CJK），圖表中的中文可能顯示為方框；"
                "請安裝 fonts-noto-cjk。/ No CJK font found: install fonts-noto-cjk.",
                RuntimeWarning,
                stacklevel=2,
            )
        return None
    current = [f for f in mpl.rcParams["font.sans-serif"] if f != name]
    mpl.rcParams["font.sans-serif"] = [name, *current]
    mpl.rcParams["font.family"] = "sans-serif"
    # With a CJK font the Unicode minus sign may be missing; use the ASCII hyphen for negatives.
    mpl.rcParams["axes.unicode_minus"] = False
    return name
