"""`govai release`: student versions in release/ from the instructor masters in source/.

It runs nbgrader's own ``generate_assignment`` through its Python API (solutions and hidden
tests removed, checksums computed) in a throw-away course folder, so the repository never holds a
gradebook, then writes release/ with outputs stripped. ``--check`` regenerates and
compares, failing when release/ is stale: CI runs it.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from govai.course import nbmeta
from govai.paths import repo_root

# Keys of a cell's ``metadata.govai`` that never reach learners.
INSTRUCTOR_ONLY = ("wrong_answer", "mutations", "solution")


def assignments(root: Path) -> list[str]:
    src = root / "source"
    return sorted(p.name for p in src.iterdir() if p.is_dir() and not p.name.startswith(".")) if src.exists() else []


def nbgrader_env() -> dict[str, str]:
    """nbgrader runs `alembic` as a subprocess: put this interpreter's bin/ first on PATH."""
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    return env


def _normalise(path: Path) -> str:
    """Canonical JSON of a student notebook: no outputs, run state or instructor-only metadata."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None
        meta = cell.get("metadata", {})
        meta.pop("execution", None)
        # Wrong and alternative answers are for the test suite, not clues for learners.
        tags = nbmeta.govai(cell)
        for key in INSTRUCTOR_ONLY:
            tags.pop(key, None)
        if "govai" in meta and not tags:
            del meta["govai"]
    return json.dumps(nb, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def generate(root: Path, names: list[str], out: Path) -> None:
    """Generate the student versions of ``names`` into ``out/<name>/``.

    nbgrader's own API runs in this process, in a throw-away copy of the course: one import of
    nbgrader and one gradebook for all assignments, instead of an interpreter per assignment.
    """
    from nbgrader.apps import NbGraderAPI
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    with tempfile.TemporaryDirectory(prefix="govai-release-") as tmp:
        course = Path(tmp)
        shutil.copytree(root / "source", course / "source")
        config = Config()
        if (root / "nbgrader_config.py").exists():
            shutil.copy(root / "nbgrader_config.py", course / "nbgrader_config.py")
            config.merge(PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config())
        config.CourseDirectory.root = str(course)
        config.CourseDirectory.db_url = f"sqlite:///{course}/gradebook.db"
        config.Exchange.root = str(course / "exchange")
        os.environ["PATH"] = nbgrader_env()["PATH"]   # nbgrader creates the gradebook with `alembic`
        api = NbGraderAPI(config=config)
        for name in names:
            result = api.generate_assignment(name, force=True)
            if not result["success"]:
                raise RuntimeError(f"nbgrader generate_assignment {name} 失敗 / failed:\n{result.get('error')}\n"
                                   f"{result.get('log', '')}")
        for name in names:
            target = out / name
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(course / "release" / name, target)
            for nb_path in target.rglob("*.ipynb"):
                nb_path.write_text(_normalise(nb_path), encoding="utf-8")


def stale(root: Path, names: list[str]) -> list[str]:
    """Files of release/ that differ from a fresh generation (empty: up to date)."""
    with tempfile.TemporaryDirectory(prefix="govai-release-check-") as tmp:
        fresh = Path(tmp)
        generate(root, names, fresh)
        problems = []
        for name in names:
            a, b = fresh / name, root / "release" / name
            fresh_files = {p.relative_to(a) for p in a.rglob("*") if p.is_file()}
            have_files = {p.relative_to(b) for p in b.rglob("*") if p.is_file()} if b.exists() else set()
            for rel in sorted(fresh_files ^ have_files):
                problems.append(f"release/{name}/{rel}: {'缺少 missing' if rel in fresh_files else '多餘 extra'}")
            for rel in sorted(fresh_files & have_files):
                if not filecmp.cmp(a / rel, b / rel, shallow=False):
                    problems.append(f"release/{name}/{rel}: 與 source/ 不一致 / out of date")
        # Leftover release folders matter only when the whole course is checked.
        checking_all = set(names) == set(assignments(root))
        extra_dirs = {p.name for p in (root / "release").iterdir() if p.is_dir()} - set(names) \
            if checking_all and (root / "release").exists() else set()
        problems.extend(f"release/{d}: source/ 沒有這份作業 / no such assignment in source/" for d in sorted(extra_dirs))
        return problems


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("assignment", nargs="*", help="作業名稱（預設全部） / assignments (default: all)")
    parser.add_argument("--check", action="store_true",
                        help="只檢查 release/ 是否與 source/ 一致，不一致時結束碼為 1 / fail when release/ is stale")
    parser.add_argument("--root", type=Path, default=None, help="課程根目錄 / course root (default: this repo)")


def run(args: argparse.Namespace) -> int:
    root = args.root or repo_root()
    names = args.assignment or assignments(root)
    if args.check:
        problems = stale(root, names)
        if problems:
            print("release/ 已過期，請執行 `govai release` / release/ is stale, run `govai release`:")
            print("\n".join(f"  {p}" for p in problems))
            return 1
        print(f"release/ 與 source/ 一致（{len(names)} 份作業） / release/ is up to date ({len(names)} assignments)")
        return 0
    generate(root, names, root / "release")
    print(f"已產生 {len(names)} 份學員版作業於 {root / 'release'} / generated {len(names)} assignments")
    return 0
