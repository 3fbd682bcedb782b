"""Throughput of `govai grade` against `nbgrader autograde` on the same machine, same submissions.

Makes N honest submissions of a real assignment (default module1_literacy, N=100: all right, some
known-wrong answers, some unanswered), registers the assignment once with nbgrader, then grades the
same batch with ``govai grade``, with ``nbgrader autograde`` and with ``govai grade`` again, each in
its own copy of the course and from a fresh command with the same ``--log-level=WARN``, timed end to
end. govai runs before and after nbgrader so that a machine whose speed drifts during the run (a
shared virtual machine: govai's two runs differ by up to 30% either way) weighs on both sides alike; the ratio is
nbgrader's time over the mean of govai's two. It checks that every score in the three gradebooks
is identical and prints the times, the ratios and the machine's load average (other work on the
machine slows both).

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
        nbg = tmp / "nbgrader"
        samples.make_batch(nbg, args.assignment, args.submissions)
        subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", args.assignment, "--force",
                        "--log-level=WARN"], cwd=nbg, env=env, check=True, capture_output=True)
        before, after = tmp / "govai-before", tmp / "govai-after"
        for copy in (before, after):
            shutil.copytree(nbg, copy, ignore=shutil.ignore_patterns("release"))

        def govai(course: Path) -> float | None:
            t0 = time.perf_counter()
            proc = subprocess.run([str(bindir / "govai"), "grade", args.assignment, "--course", str(course),
                                   "--workers", str(args.workers), "--no-progress", "--log-level=WARN"],
                                  env={k: v for k, v in env.items() if k != "VIRTUAL_ENV"}, capture_output=True, text=True)
            if proc.returncode != 0:
                print(proc.stdout[-3000:], proc.stderr[-3000:], file=sys.stderr)
                return None
            return time.perf_counter() - t0

        load_before = os.getloadavg()
        t_before = govai(before)
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "nbgrader", "autograde", args.assignment, "--log-level=WARN"],
                              cwd=nbg, env=env, capture_output=True, text=True)
        t_nbgrader = time.perf_counter() - t0
        if proc.returncode != 0:
            print(proc.stdout[-3000:], proc.stderr[-3000:], file=sys.stderr)
            return 2
        t_after = govai(after)
        if t_before is None or t_after is None:
            return 2
        t_govai = (t_before + t_after) / 2

        a = scores(f"sqlite:///{nbg}/gradebook.db", args.assignment)
        diff = []
        for copy in (before, after):
            b = scores(f"sqlite:///{copy}/gradebook.db", args.assignment)
            diff += sorted((copy.name, k, a.get(k), b.get(k)) for k in set(a) | set(b) if a.get(k) != b.get(k))
        n = args.submissions
        print(f"submissions: {n}  cpus: {os.cpu_count()}  workers: {args.workers}")
        print("load average (1/5/15 min) before: {:.1f} {:.1f} {:.1f}  after: {:.1f} {:.1f} {:.1f}".format(
            *load_before, *os.getloadavg()))
        print(f"govai grade (before): {t_before:8.1f} s  ({n / t_before:6.2f} submissions/s)")
        print(f"nbgrader autograde:   {t_nbgrader:8.1f} s  ({n / t_nbgrader:6.2f} submissions/s)")
        print(f"govai grade (after):  {t_after:8.1f} s  ({n / t_after:6.2f} submissions/s)")
        print(f"throughput ratio:     {t_nbgrader / t_govai:8.1f}x  (nbgrader / mean of govai's runs; "
              f"{t_nbgrader / t_before:.1f}x before, {t_nbgrader / t_after:.1f}x after)")
        print(f"grade rows compared: {len(a)} per gradebook; identical: {not diff}")
        for name, k, want, got in diff[:20]:
            print(f"  DIFFERENT {name} {k}: nbgrader={want} govai={got}")
        return 1 if diff or len(a) == 0 else 0
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
