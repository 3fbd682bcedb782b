"""`govai run` throughput: papermill's govai engine against papermill's default engine, in one run.

    .venv/bin/python bench/run_bench.py [--learners 12] [--workers 2]

Builds a synthetic (合成) cohort with ``govai.records.demo`` from whatever tracks exist in source/ (each
learner's route, answers right, wrong — the first wrong answer of the item's mutation suite — or left
as the stub), then executes and scores the same notebooks twice through
``govai.records.runner.execute_tasks`` with ``--workers`` workers: first with the govai engine (sandbox,
pre-forked zygote, judge; its zygotes' start-up is included), then with papermill's default engine
(a fresh Jupyter kernel per notebook, unsandboxed). Every answer is honest, so both must give the
same points item by item; the bench says how many differ and fails if any does. Prints notebooks,
seconds, notebooks per minute, the ratio, and the machine's load average before and after.
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


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def measure(learners: int, workers: int) -> dict[str, object]:
    people = demo.cohort(learners)
    figures: dict[str, object] = {"learners": learners, "workers": workers, "load_before": _load()}
    scores: dict[str, dict[tuple[str, str, str], float | None]] = {}
    with tempfile.TemporaryDirectory(prefix="govai-bench-") as tmp:
        out = Path(tmp)
        folders = demo.build_workdirs(people, out)
        for engine in (run.SANDBOXED, run.UNSANDBOXED):
            tasks = [t for p in people for t in run.plan(p.id, p.route, folders[p.id], out_dir=out / engine,
                                                        engine=engine)]
            start = time.monotonic()
            outcomes = run.execute_tasks(tasks, workers)
            seconds = time.monotonic() - start
            bad = [(o.notebook, o.error) for o in outcomes if o.status != "ok"]
            assert not bad, bad
            figures["notebooks"] = len(tasks)
            figures[f"{engine}_seconds"] = seconds
            scores[engine] = {(t.learner, o.notebook, it.grade_id): it.points
                              for t, o in zip(tasks, outcomes, strict=True) for it in o.items}
    govai, default = scores[run.SANDBOXED], scores[run.UNSANDBOXED]
    figures["items"] = len(govai)
    figures["differ"] = sorted(k for k in govai.keys() | default.keys() if govai.get(k) != default.get(k))
    figures["ratio"] = float(figures[f"{run.UNSANDBOXED}_seconds"]) / float(figures[f"{run.SANDBOXED}_seconds"])
    figures["load_after"] = _load()
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description="govai run 效能：govai 引擎對 papermill 預設引擎 / runner engines")
    parser.add_argument("--learners", type=int, default=12, help="合成學員人數 / synthetic learners")
    parser.add_argument("--workers", type=int, default=2, help="平行工作數（兩種引擎相同） / workers, both engines")
    args = parser.parse_args()
    f = measure(args.learners, args.workers)
    n = int(f["notebooks"])  # type: ignore[call-overload]
    print(f"合成學員 {f['learners']} 位、筆記本 {n} 本、評分題目 {f['items']} 題；平行 {f['workers']} 個 / "
          "learners, notebooks, items; workers")
    print(f"負載平均 load average: 開始前 before {f['load_before']}，結束後 after {f['load_after']}")
    for engine, label in ((run.UNSANDBOXED, "papermill 預設引擎 default (nbclient)"),
                          (run.SANDBOXED, "govai 引擎 engine (sandbox + judge)")):
        seconds = float(f[f"{engine}_seconds"])  # type: ignore[arg-type]
        print(f"{label:<40} {seconds:>7.1f} s  {n / seconds * 60:>7.1f} 本/分鐘 notebooks/min")
    print(f"倍數 ratio (default ÷ govai)              {f['ratio']:.2f}×")
    differ = f["differ"]
    assert isinstance(differ, list)
    print(f"兩種引擎分數不同的題目 items scored differently: {len(differ)}")
    for key in differ[:20]:
        print("   ", *key)
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
