"""Taiwan-usage check for learner-facing text: no Simplified-only characters, no mainland terms.

The guide's own terms (數據, 優化, 登錄, 運行 as in the law's 自主運行能力) are allowed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import hanzidentifier

# Mainland term → the Taiwan usage learners expect.
MAINLAND_TERMS: dict[str, str] = {
    "人工智能": "人工智慧", "軟件": "軟體", "硬件": "硬體", "視頻": "影片", "網絡": "網路", "代碼": "程式碼",
    "信息": "資訊", "數據庫": "資料庫", "默認": "預設", "屏幕": "螢幕", "文件夾": "資料夾", "鼠標": "滑鼠",
    "硬盤": "硬碟", "內存": "記憶體", "服務器": "伺服器", "算法": "演算法", "模塊": "模組", "程序員": "程式設計師",
    "源代碼": "原始碼", "數組": "陣列", "變量": "變數", "字符串": "字串", "緩存": "快取", "界面": "介面",
    "兼容": "相容", "在線": "線上", "音頻": "音訊", "博客": "部落格", "短信": "簡訊", "二維碼": "QR 碼",
    "打印": "列印", "激活": "啟用", "數據集": "資料集", "用戶": "使用者", "質量": "品質", "高清": "高畫質",
    "攝像頭": "攝影機", "文本": "文字", "調用": "呼叫", "實時": "即時", "項目經理": "專案經理",
}
# A term allowed inside a longer phrase (e.g. 演算法 contains 算法).
# 代碼 for program code is mainland usage, but Taiwan's agencies name identifiers 行政區域代碼, 村里代碼, 機關代碼.
ALLOWED_CONTEXT: dict[str, tuple[str, ...]] = {
    "算法": ("演算法", "計算法"),
    "用戶": ("用戶端",),
    "代碼": ("區代碼", "域代碼", "里代碼", "類代碼", "別代碼", "關代碼", "區域代碼"),
}


@dataclass(frozen=True)
class Finding:
    path: Path
    where: str
    problem: str

    def __str__(self) -> str:
        return f"{self.path}（{self.where}）：{self.problem}"


def check_text(text: str) -> list[str]:
    problems = []
    simplified = sorted({ch for ch in text if "\u4e00" <= ch <= "\u9fff"
                         and hanzidentifier.identify(ch) == hanzidentifier.SIMPLIFIED})
    if simplified:
        problems.append(f"簡體字：{''.join(simplified)}")
    for term, taiwan in MAINLAND_TERMS.items():
        start = text.find(term)
        while start != -1:
            window = text[max(0, start - 2): start + len(term) + 2]
            if not any(ok in window for ok in ALLOWED_CONTEXT.get(term, ())):
                problems.append(f"「{term}」宜改為「{taiwan}」")
                break
            start = text.find(term, start + 1)
    return problems


def check_file(path: Path) -> list[Finding]:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".ipynb":
        findings = []
        for i, cell in enumerate(json.loads(text).get("cells", [])):
            source = "".join(cell.get("source", []))
            findings += [Finding(path, f"第 {i + 1} 個儲存格", p) for p in check_text(source)]
        return findings
    return [Finding(path, "全文", p) for p in check_text(text)]


LEARNER_FACING = ("notebooks", "source", "release", "reference", "src/govai", "data", "README.md")
SUFFIXES = {".ipynb", ".md", ".yaml", ".yml", ".py", ".txt", ".csv", ".json", ".html"}


def learner_facing_files(root: Path) -> list[Path]:
    files: list[Path] = []
    for name in LEARNER_FACING:
        p = root / name
        if p.is_file():
            files.append(p)
        elif p.is_dir():
            files += [f for f in sorted(p.rglob("*")) if f.is_file() and f.suffix in SUFFIXES
                      and ".ipynb_checkpoints" not in f.parts and "__pycache__" not in f.parts]
    # This module names the mainland terms it forbids, and the language-pack builder's glossary maps
    # Simplified source strings to Taiwan terms (its output is checked by tests/test_langpack.py).
    langpack = Path(__file__).resolve().parents[1] / "lab" / "langpack"
    return [f for f in files if f.resolve() != Path(__file__).resolve() and langpack not in f.resolve().parents]
