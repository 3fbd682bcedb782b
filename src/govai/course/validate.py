"""`govai validate`: nbgrader's validator on every master (must pass) and release (stubs must fail).

`nbgrader validate --invert` exits 0 even when validation fails (nbgrader #1908), so this
reads the verdict from nbgrader's Python API instead of the exit code.

``--mutations`` runs every graded item's mutation suite (:mod:`govai.course.mutations`) through the
grader's own execution path and prints, per assignment, ``wrong rejected a/b, right accepted c/d``.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from govai.course.release import assignments
from govai.paths import repo_root


@dataclass(frozen=True)
class Verdict:
    path: Path
    ok: bool
    detail: str


def validate_master(path: Path) -> Verdict:
    """Solutions in place: every test cell must pass."""
    from nbgrader.validator import Validator

    result = Validator().validate(str(path))
    problems = {k: v for k, v in result.items() if v}
    detail = "; ".join(f"{k}: {len(v)}" for k, v in problems.items())
    return Verdict(path, not problems, detail or "所有測試通過 / all tests pass")


def validate_release(path: Path) -> Verdict:
    """Stubs in place: every test cell must fail (nbgrader --invert)."""
    from nbgrader.validator import Validator

    result = Validator(invert=True).validate(str(path))
    passed = result.get("passed", [])
    detail = f"{len(passed)} 個測試在未作答時就通過 / tests pass on the stub" if passed else "未作答時全部失敗 / stubs fail"
    return Verdict(path, not passed, detail)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("assignment", nargs="*", help="作業名稱（預設全部） / assignments (default: all)")
    parser.add_argument("--root", type=Path, default=None, help="課程根目錄 / course root")
    parser.add_argument("--mutations", action="store_true",
                        help="執行每題的錯誤答案與替代正解（須分別得 0 分與滿分） / run every item's mutation suite")
    parser.add_argument("--workers", type=int, default=2, help="平行工作數 / parallel workers (with --mutations)")


def run(args: argparse.Namespace) -> int:
    root = args.root or repo_root()
    if args.mutations:
        from govai.course import mutations

        return mutations.run(args, root, args.assignment or assignments(root))
    failures = 0
    for name in args.assignment or assignments(root):
        for nb in sorted((root / "source" / name).glob("*.ipynb")):
            for verdict in (validate_master(nb), validate_release(root / "release" / name / nb.name)):
                mark = "✔" if verdict.ok else "✘"
                failures += not verdict.ok
                print(f"{mark} {verdict.path.relative_to(root)}：{verdict.detail}")
    return 1 if failures else 0
