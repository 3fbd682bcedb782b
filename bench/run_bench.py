"""Runner throughput: learners per minute, one at a time versus in parallel, in one run.

    .venv/bin/python bench/run_bench.py [--learners 6] [--workers N]

Builds a small synthetic (合成) cohort with ``govai.records.demo`` from whatever tracks exist in source/,
then executes and scores every learner's notebooks twice through ``govai.records.runner.execute_tasks``:
first with one worker, then with ``--workers`` (default: CPU cores). Prints notebooks, seconds and
learners per minute for both, and the speed-up.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from govai.records import demo
from govai.records import runner as run


def measure(learners: int, workers: int) -> dict[str, float]:
    people = demo.cohort(learners)
    with tempfile.TemporaryDirectory(prefix="govai-bench-") as tmp:
        out = Path(tmp)
        folders = demo.build_workdirs(people, out)
        tasks = [t for p in people for t in run.plan(p.id, p.route, folders[p.id], out_dir=out / "runs")]
        figures: dict[str, float] = {"learners": learners, "notebooks": len(tasks), "workers": workers}
        for label, n in (("serial", 1), ("parallel", workers)):
            start = time.monotonic()
            outcomes = run.execute_tasks(tasks, n)
            seconds = time.monotonic() - start
            assert all(o.status == "ok" for o in outcomes), [o.error for o in outcomes if o.status != "ok"]
            figures[f"{label}_seconds"] = round(seconds, 1)
            figures[f"{label}_learners_per_minute"] = round(learners / seconds * 60, 1)
        figures["speedup"] = round(figures["serial_seconds"] / figures["parallel_seconds"], 2)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description="govai 執行器效能 / runner throughput")
    parser.add_argument("--learners", type=int, default=6, help="合成學員人數 / synthetic learners")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="平行程序數 / parallel workers")
    args = parser.parse_args()
    f = measure(args.learners, args.workers)
    print(f"合成學員 {f['learners']:.0f} 位、筆記本 {f['notebooks']:.0f} 本 / learners, notebooks")
    print(f"逐一執行 serial      : {f['serial_seconds']:>6.1f} s  {f['serial_learners_per_minute']:>6.1f} 位/分鐘 learners/min")
    print(f"平行執行 parallel ×{f['workers']:.0f}: {f['parallel_seconds']:>6.1f} s  "
          f"{f['parallel_learners_per_minute']:>6.1f} 位/分鐘 learners/min")
    print(f"加速 speed-up        : {f['speedup']:.2f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
