"""Throughput of `govai grade` against `nbgrader autograde` on the same machine, same submissions.

Makes N honest submissions of a real assignment (default module1_literacy, N=100: all right, some
known-wrong answers, some unanswered), registers the assignment once with nbgrader, then grades the
same batch with ``nbgrader autograde`` and with ``govai grade`` (each from a fresh command with the
same ``--log-level=WARN``, timed end to end), checks that every score in the two gradebooks is identical and prints both times and
the ratio, with the machine's load average (other work on the machine slows both).

    .venv/bin/python bench/grade_bench.py            # N=100
    .venv/bin/python bench/grade_bench.py -n 20 --workers 2
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "grade"))
import samples  # test fixture code: the bench grades the same sample course as the tests

from govai.grading.gradebook import ensure_path, open_gradebook


def scores(db_url: str, assignment: str) -> dict[tuple[str, str, str], tuple[float | None, bool]]:
    from nbgrader import api

    out = {}
    with open_gradebook(db_url) as gb:
        q = (gb.db.query(api.Grade).join(api.SubmittedNotebook).join(api.SubmittedAssignment)
             .join(api.Assignment).filter(api.Assignment.name == assignment))
        for g in q:
            out[(g.notebook.assignment.student_id, g.notebook.notebook.name, g.cell.name)] = (
                g.auto_score, bool(g.needs_manual_grade))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="govai grade vs nbgrader autograde / 評分效能比較")
    parser.add_argument("-n", "--submissions", type=int, default=100, help="份數 / number of submissions")
    parser.add_argument("--assignment", default="module1_literacy")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--keep", action="store_true", help="保留暫存課程資料夾 / keep the temporary courses")
    args = parser.parse_args(argv)
    ensure_path()
    env = dict(os.environ)
    bindir = Path(sys.executable).parent
    tmp = Path(tempfile.mkdtemp(prefix="govai-bench-"))
    try:
        nbg, gov = tmp / "nbgrader", tmp / "govai"
        samples.make_batch(nbg, args.assignment, args.submissions)
        subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", args.assignment, "--force",
                        "--log-level=WARN"], cwd=nbg, env=env, check=True, capture_output=True)
        shutil.copytree(nbg, gov, ignore=shutil.ignore_patterns("release"))

        load_before = os.getloadavg()
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "nbgrader", "autograde", args.assignment, "--log-level=WARN"],
                              cwd=nbg, env=env, capture_output=True, text=True)
        t_nbgrader = time.perf_counter() - t0
        if proc.returncode != 0:
            print(proc.stdout[-3000:], proc.stderr[-3000:], file=sys.stderr)
            return 2

        t0 = time.perf_counter()
        proc = subprocess.run([str(bindir / "govai"), "grade", args.assignment, "--course", str(gov),
                               "--workers", str(args.workers), "--no-progress", "--log-level=WARN"],
                              env={k: v for k, v in env.items() if k != "VIRTUAL_ENV"}, capture_output=True, text=True)
        t_govai = time.perf_counter() - t0
        if proc.returncode != 0:
            print(proc.stdout[-3000:], proc.stderr[-3000:], file=sys.stderr)
            return 2

        a = scores(f"sqlite:///{nbg}/gradebook.db", args.assignment)
        b = scores(f"sqlite:///{gov}/gradebook.db", args.assignment)
        diff = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
        n = args.submissions
        print(f"submissions: {n}  cpus: {os.cpu_count()}  workers: {args.workers}")
        print("load average (1/5/15 min) before: {:.1f} {:.1f} {:.1f}  after: {:.1f} {:.1f} {:.1f}".format(
            *load_before, *os.getloadavg()))
        print(f"nbgrader autograde: {t_nbgrader:8.1f} s  ({n / t_nbgrader:6.2f} submissions/s)")
        print(f"govai grade:        {t_govai:8.1f} s  ({n / t_govai:6.2f} submissions/s)")
        print(f"throughput ratio:   {t_nbgrader / t_govai:8.1f}x")
        print(f"grade rows compared: {len(a)}; identical: {not diff}")
        for k in diff[:20]:
            print(f"  DIFFERENT {k}: nbgrader={a.get(k)} govai={b.get(k)}")
        return 1 if diff or len(a) == 0 else 0
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
