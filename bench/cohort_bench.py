"""Readiness at national scale: every learner's readiness and the cohort report, on SQLite and PostgreSQL.

    .venv/bin/python bench/cohort_bench.py [--sizes 1000 10000 100000] [--backends sqlite postgresql]

For each size, synthetic (合成) results are bulk-inserted in the results database's own schema: one
complete run per learner, every graded item of the tracks on the learner's route, points drawn at
random; every 20th learner also has a newer run of module 1 (so the newest-row window is exercised).
Then, each in a fresh process (so peak memory is that step's alone), it times:

- ``readiness``: :func:`govai.records.readiness.cohort` (readiness of everyone for every certification);
- ``report``: :func:`govai.records.report.write_cohort_report` (HTML, charts, CSV, Excel), and within it
  the time of :func:`govai.records.report.cohort_data` (the numbers, from one read of the results);
- two baselines in the same run: ``previous``, the previous design of the report's numbers (learners with
  every run column, then the notebook status, points per track and item analysis each through its own
  window query, then readiness: one read per table), against ``cohort_data``; and ``per-learner``,
  ``readiness.compute`` once per learner, timed on a sample of learners and scaled to the cohort,
  against set-wise readiness.

Prints seconds, peak memory (VmHWM) and the ratios.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from govai.course import catalog  # noqa: E402
from govai.course.items import ItemResult  # noqa: E402
from govai.course.masters import all_items  # noqa: E402
from govai.records.results import ResultsDB, notebook_runs, results, runs  # noqa: E402

BASELINE_SAMPLE = 50


def populate(url: str, n: int, seed: int = 1) -> int:
    """Bulk-insert one complete run per synthetic learner; returns the number of result rows."""
    cat = catalog.default()
    items = all_items()
    by_track: dict[str, list] = {}
    for it in items:
        by_track.setdefault(it.track, []).append(it)
    tracks_of: dict[str, list[str]] = {r.id: [t for t in r.tracks if t in by_track] for r in cat.routes}
    db = ResultsDB(url)
    rng = random.Random(seed)
    versions = json.dumps({"python": "3.11", "govai": "bench"})
    run_rows, nb_rows, res_rows = [], [], []
    for i in range(n):
        learner, route = f"S{i:06d}", "ABC"[i % 3]
        run_id = f"bench-{i:06d}"
        run_rows.append({"run_id": run_id, "learner": learner, "route": route, "unit": f"合成機關{i % 50:02d}",
                         "status": "complete", "started_at": "2026-12-01T00:00:00+00:00",
                         "finished_at": "2026-12-01T00:10:00+00:00", "package_versions": versions,
                         "synthetic": True})
        skill = rng.random()
        for track in tracks_of[route]:
            nb = by_track[track][0].notebook
            nb_rows.append({"run_id": run_id, "notebook": nb, "track": track, "status": "ok", "error": None,
                            "duration": 30.0, "notebook_hash": "0" * 64, "output_path": None})
            for it in by_track[track]:
                ok = rng.random() < skill
                result = ItemResult(it, it.max_points if ok else 0.0, seconds=0.2, attempts=rng.randrange(4),
                                    hints=rng.randrange(3))
                res_rows.append({**result.to_row(), "run_id": run_id, "learner": learner, "route": route,
                                 "notebook_hash": "0" * 64, "package_versions": versions,
                                 "recorded_at": "2026-12-01T00:10:00+00:00"})
        if i % 20 == 7:      # re-ran module 1 later: the newer run's rows are the ones that count
            rerun = f"{run_id}-b"
            run_rows.append({**run_rows[-1], "run_id": rerun, "finished_at": "2026-12-02T00:10:00+00:00"})
            track = tracks_of[route][0]
            nb_rows.append({**nb_rows[-len(tracks_of[route])], "run_id": rerun})
            for it in by_track[track]:
                result = ItemResult(it, it.max_points if rng.random() < skill else 0.0, seconds=0.2,
                                    attempts=rng.randrange(4), hints=rng.randrange(3))
                res_rows.append({**result.to_row(), "run_id": rerun, "learner": learner, "route": route,
                                 "notebook_hash": "0" * 64, "package_versions": versions,
                                 "recorded_at": "2026-12-02T00:10:00+00:00"})
        if len(res_rows) >= 200_000 or i == n - 1:
            with db.engine.begin() as con:
                con.execute(runs.insert(), run_rows)
                if nb_rows:
                    con.execute(notebook_runs.insert(), nb_rows)
                if res_rows:
                    con.execute(results.insert(), res_rows)
            run_rows, nb_rows, res_rows = [], [], []
    count = db.count()
    db.close()
    return count


STEP = """
import json, sys, time
from pathlib import Path
sys.path.insert(0, {src!r})
from govai.records import readiness, report
url, step, out = sys.argv[1], sys.argv[2], sys.argv[3]
t0 = time.perf_counter()
if step == "readiness":
    r = readiness.cohort(url)
    detail = {{"learners": len(r.learners), "ready_any": r.any_ready()}}
elif step == "report":
    numbers = report.cohort_data
    timed = {{}}
    def cohort_data(*args, **kwargs):
        t = time.perf_counter()
        try:
            return numbers(*args, **kwargs)
        finally:
            timed["data_seconds"] = time.perf_counter() - t
    report.cohort_data = cohort_data     # write_cohort_report looks it up when called
    report.write_cohort_report(Path(out), db=url, synthetic=True)
    detail = timed
elif step == "previous":
    from govai.records.results import ResultsDB
    db = ResultsDB(url)
    db.learners()
    db.latest_notebook_status()
    db.track_scores()
    db.item_stats()
    readiness.cohort(db)
    detail = {{}}
else:
    from govai.records.results import ResultsDB
    db = ResultsDB(url)
    people = [x["learner"] for x in db.learners()][:{sample}]
    for p in people:
        readiness.compute(p, db=db)
    detail = {{"sampled": len(people)}}
# VmHWM, not ru_maxrss: the latter keeps the parent's high-water mark across fork and exec.
hwm = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({{"seconds": time.perf_counter() - t0, "peak_mib": hwm / 1024, **detail}}))
"""


def step(url: str, name: str, out: Path) -> dict:
    code = STEP.format(src=str(REPO / "src"), sample=BASELINE_SAMPLE)
    done = subprocess.run([sys.executable, "-c", code, url, name, str(out)], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def start_postgres():  # the tests' own throw-away server
    spec = importlib.util.spec_from_file_location("govai_test_conftest", REPO / "tests" / "conftest.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module.start_postgres()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'backend':<11}{'learners':>9}{'rows':>10}{'insert s':>9}{'readiness s':>12}{'MiB':>6}"
          f"{'report s':>9}{'MiB':>6}{'numbers s':>10}{'previous s':>11}{'ratio':>7}"
          f"{'per-learner s (est.)':>21}{'ratio':>7}")
    pg = None
    try:
        for backend in args.backends:
            for n in args.sizes:
                with tempfile.TemporaryDirectory(prefix="govai-cohort-bench-") as tmp:
                    if backend == "sqlite":
                        url = f"sqlite:///{tmp}/results.sqlite"
                    else:
                        import psycopg

                        pg = pg or start_postgres()
                        name = f"bench{n}_{int(time.time())}"
                        with psycopg.connect(f"postgresql://govai@127.0.0.1:{pg.port}/postgres",
                                             autocommit=True) as con:
                            con.execute(f'CREATE DATABASE "{name}"')
                        url = f"{pg.url}/{name}"
                    t0 = time.perf_counter()
                    rows = populate(url, n)
                    insert_s = time.perf_counter() - t0
                    r = step(url, "readiness", Path(tmp) / "out")
                    rep = step(url, "report", Path(tmp) / "out")
                    prev = step(url, "previous", Path(tmp) / "out")
                    base = step(url, "baseline", Path(tmp) / "out")
                    per_learner = base["seconds"] / max(1, base["sampled"]) * n
                    print(f"{backend:<11}{n:>9}{rows:>10}{insert_s:>9.1f}{r['seconds']:>12.1f}{r['peak_mib']:>6.0f}"
                          f"{rep['seconds']:>9.1f}{rep['peak_mib']:>6.0f}{rep['data_seconds']:>10.1f}"
                          f"{prev['seconds']:>11.1f}{prev['seconds'] / rep['data_seconds']:>6.1f}×"
                          f"{per_learner:>21.0f}{per_learner / r['seconds']:>6.0f}×", flush=True)
    finally:
        if pg is not None:
            pg.stop()
    print(f"(report: HTML, charts, CSV and Excel; numbers: cohort_data within it; previous: the previous design "
          f"of those numbers, one read per table, ratio previous ÷ numbers; per-learner: readiness.compute for "
          f"{BASELINE_SAMPLE} learners scaled to the cohort, ratio ÷ set-wise readiness; MiB: peak resident "
          f"memory of each step's own process; {os.cpu_count()} cores; load average at end: "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
