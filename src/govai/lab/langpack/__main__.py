"""``python -m govai.lab.langpack build|install|status`` — build and install the Taiwan language pack."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from govai.lab.langpack.package import build_pack, install_pack, installed_pack_dir, installed_version
from govai.lab.langpack.sources import LangpackSourceError


def _print_counts(counts: dict[str, dict[str, int]]) -> None:
    print(f"{'領域 domain':28} {'官方 official':>13} {'轉換 converted':>14} {'用語表 glossary':>15} "
          f"{'合計 total':>10} {'zh_CN':>7}")
    for domain, c in counts.items():
        if c["total"] or c["zh_CN"]:
            print(f"{domain:28} {c['official']:>13} {c['converted']:>14} {c['glossary']:>15} "
                  f"{c['total']:>10} {c['zh_CN']:>7}")


def build_parser() -> argparse.ArgumentParser:
    """Arguments of ``python -m govai.lab.langpack``."""
    parser = argparse.ArgumentParser(
        prog="python -m govai.lab.langpack",
        description="建置並安裝完整的 JupyterLab 繁體中文（臺灣）語言套件\n"
                    "Build and install a complete Traditional Chinese (Taiwan) JupyterLab language pack.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="action", required=True, metavar="動作 action")
    build = sub.add_parser("build", help="建置語言套件（wheel 與來源紀錄） / build the pack (wheel and provenance)")
    build.add_argument("--out", type=Path, default=Path("build") / "langpack",
                       help="輸出資料夾（預設 build/langpack） / output folder (default: build/langpack)")
    install = sub.add_parser("install", help="建置並安裝到目前的 Python 環境 / build and pip-install into this environment")
    install.add_argument("--force", action="store_true",
                         help="即使內容未變更也重新安裝 / reinstall even when unchanged")
    sub.add_parser("status", help="顯示已安裝的 zh_TW 語言套件 / show the installed zh_TW pack")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit status."""
    args = build_parser().parse_args(argv)
    try:
        if args.action == "build":
            built = build_pack(args.out)
            _print_counts(built.counts)
            print(f"已建置 / built {built.wheel}\n來源紀錄 / provenance {built.provenance}")
        elif args.action == "install":
            installed = install_pack(force=args.force)
            state = "已安裝 / installed" if installed.changed else "已是最新，略過 / up to date, skipped"
            print(f"zh_TW 語言套件 / language pack {installed.version}: {state}")
        else:
            version = installed_version()
            pack = installed_pack_dir()
            print(f"zh_TW: {version or '未安裝 / not installed'}"
                  + (f" (govai, {pack})" if pack else " (官方 / official)" if version else ""))
    except (LangpackSourceError, subprocess.CalledProcessError) as exc:
        print(f"錯誤 / error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
