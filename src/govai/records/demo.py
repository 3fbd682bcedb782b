"""`govai demo`: the whole pipeline on a deterministic synthetic (合成) cohort.

1. Builds ``--learners N`` (default 30) synthetic learners across routes A, B, C and three skill
   levels. Their notebooks start from the student versions in ``release/`` (or, for a track whose
   release is not generated yet, from the master with solutions cleared) and are filled from the
   masters in ``source/``: a 'right' item gets the solution, a 'wrong' one the solution cell's
   first wrong answer of the item's mutation suite, a 'skipped' one keeps the release stub. Works with whatever
   tracks exist in ``source/`` today.
2. Writes a synthetic progress store (attempts and hints per exercise).
3. Runs every learner through the runner (``govai.records.runner``), in parallel, with a progress bar, into
   ``var/demo/results.sqlite``.
4. Writes every learner's report and the cohort report, prints a summary table, per-exercise
   tables for the first few learners, and the paths. Everything lives under ``var/demo/`` (ignored
   by git) and is labelled 合成 (synthetic).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from govai.course import catalog as catalog_mod
from govai.course import solutions
from govai.course.items import totals
from govai.course.masters import all_items, master_paths
from govai.course.masters import by_track as masters_by_track
from govai.paths import repo_root, var_dir

ROUTES = ("A", "B", "C")
UNITS = ("合成機關甲", "合成機關乙", "合成機關丙")
# skill → (probability right, probability wrong); the rest is skipped
SKILLS: dict[str, tuple[float, float]] = {"熟練": (0.92, 0.06), "中等": (0.70, 0.20), "初學": (0.40, 0.35)}
SEED = 20260609   # the guide's release date: any fixed number keeps the cohort identical run to run


@dataclass(frozen=True)
class SyntheticLearner:
    id: str
    name: str
    route: str
    skill: str
    unit: str
    optional: bool       # also takes the route's optional tracks


def cohort(n: int = 30, seed: int = SEED) -> list[SyntheticLearner]:
    rng = random.Random(seed)
    skills = list(SKILLS)
    people = []
    for i in range(n):
        route = ROUTES[i % 3]
        skill = skills[(i // 3) % 3]
        people.append(SyntheticLearner(
            id=f"synth-{i + 1:02d}", name=f"合成學員 {i + 1:02d}", route=route, skill=skill,
            unit=UNITS[rng.randrange(len(UNITS))], optional=rng.random() < 0.3,
        ))
    return people


def choose(learner: SyntheticLearner, grade_id: str, seed: int = SEED) -> str:
    rng = random.Random(f"{seed}/{learner.id}/{grade_id}")
    right, wrong = SKILLS[learner.skill]
    x = rng.random()
    return "right" if x < right else "wrong" if x < right + wrong else "skip"


def fill_notebook(master: Any, release_nb: Any | None, learner: SyntheticLearner,
                  seed: int = SEED) -> tuple[Any, dict[str, str]]:
    """The learner's copy: the release notebook with each answer cell right, wrong or untouched
    (the student version is built from the master when release/ lacks the track)."""
    import nbformat

    from govai.course import nbmeta
    from govai.course.mutations import first_wrong_answers

    release_nb = release_nb if release_nb is not None else solutions.student_version(master)
    in_master = {nbmeta.grade_id(c) for c in master.cells if nbmeta.is_solution(c)}
    wrong_answers = first_wrong_answers(master)
    choices: dict[str, str] = {}
    answers: dict[str, str | None] = {}
    for cell in release_nb.cells:
        gid = nbmeta.grade_id(cell)
        if not (gid and nbmeta.is_solution(cell)) or gid not in in_master:
            continue
        choice = choose(learner, gid, seed)
        if choice == "wrong" and not wrong_answers.get(gid):
            choice = "skip"
        answers[gid] = {"right": "right", "wrong": wrong_answers.get(gid), "skip": None}[choice]
        choices[gid] = choice
    nb = solutions.answered(release_nb, master, answers)
    nb.metadata["govai"] = {"synthetic": True, "learner": learner.id, "note": "合成學員作答 / synthetic answers"}
    nbformat.validate(nb)
    return nb, choices


def build_workdirs(people: list[SyntheticLearner], out: Path, src: Path | None = None,
                   release: Path | None = None, seed: int = SEED,
                   cat: catalog_mod.Catalog | None = None) -> dict[str, Path]:
    """``out/workdirs/<learner>/<track>/<name>.ipynb`` for every learner; returns learner → folder."""
    import nbformat

    from govai.grading import engine

    cat = cat or catalog_mod.default()
    release = Path(release) if release else repo_root() / "release"
    by_track = masters_by_track(src)
    masters = {p: engine.read_notebook(p) for paths in by_track.values() for p in paths}
    folders: dict[str, Path] = {}
    for person in people:
        route = cat.route(person.route)
        tracks = list(route.tracks) + ([s.track for s in route.optional] if person.optional else [])
        home = out / "workdirs" / person.id
        for track in tracks:
            for mpath in by_track.get(track, []):
                rel_dir = release / track
                rpath = rel_dir / mpath.name
                rnb = engine.read_notebook(rpath) if rpath.exists() else None
                nb, _ = fill_notebook(masters[mpath], rnb, person, seed)
                dest = home / track
                dest.mkdir(parents=True, exist_ok=True)
                data_from = rel_dir if rel_dir.is_dir() else mpath.parent
                for extra in data_from.iterdir():
                    if extra.suffix != ".ipynb" and not extra.name.startswith("."):
                        if extra.is_dir():
                            shutil.copytree(extra, dest / extra.name, dirs_exist_ok=True)
                        else:
                            shutil.copy2(extra, dest / extra.name)
                nbformat.write(nb, str(dest / mpath.name))
        home.mkdir(parents=True, exist_ok=True)
        folders[person.id] = home
    return folders


def write_progress(people: list[SyntheticLearner], path: Path, src: Path | None = None, seed: int = SEED) -> None:
    """Synthetic attempts and hints per exercise, in the progress store's own schema."""
    from govai.exercises import progress

    items = all_items(src)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path)
    con.executescript(progress.SCHEMA)
    t0 = 1_780_000_000.0
    rows: list[tuple[str, str, str, str | None, None, float]] = []
    for person in people:
        for it in items:
            rng = random.Random(f"{seed}/progress/{person.id}/{it.grade_id}")
            base = {"熟練": 1, "中等": 2, "初學": 3}[person.skill]
            attempts = base + rng.randrange(3)
            hints = max(0, rng.randrange(base + 1) - (1 if person.skill == "熟練" else 0))
            # Learners practise in lessons: events go under the self-checks the item names.
            for problem in it.practised_by:
                for k in range(attempts):
                    ok = "correct" if k == attempts - 1 and choose(person, it.grade_id.removesuffix("_test"), seed) \
                        == "right" else "wrong"
                    rows.append((person.id, problem, "check", ok, None, t0 + k))
                rows += [(person.id, problem, "hint", None, None, t0 + 100 + k) for k in range(hints)]
    con.executemany("INSERT INTO events (learner, exercise, kind, outcome, detail, at) VALUES (?, ?, ?, ?, ?, ?)",
                    rows)
    con.commit()
    con.close()


def run_demo(n: int = 30, out: Path | None = None, workers: int | None = None, *, src: Path | None = None,
             release: Path | None = None, reports: bool = True, progress_bar: bool = True,
             show: int = 3, echo: Any = print) -> dict[str, Any]:
    """Build, run, record and report the synthetic cohort; returns the paths and a summary."""
    from govai.records import runner
    from govai.records.results import ResultsDB, now_iso

    out = Path(out) if out else var_dir() / "demo"
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    workers = workers or max(1, os.cpu_count() or 1)
    people = cohort(n)
    t0 = time.monotonic()
    folders = build_workdirs(people, out, src, release)
    progress_db = out / "progress.sqlite"
    write_progress(people, progress_db, src)
    db = ResultsDB(out / "results.sqlite")

    tasks, started = [], {}
    for person in people:
        started[person.id] = now_iso()
        tasks += runner.plan(person.id, person.route, folders[person.id], out_dir=out / "runs", src=src)
    bar = None
    if progress_bar:
        from tqdm import tqdm

        bar = tqdm(total=len(tasks), desc="執行合成學員筆記本 / running", unit="本", file=sys.stderr)
    outcomes = runner.execute_tasks(tasks, workers, on_done=(lambda _t, _o: bar.update(1)) if bar else None)
    if bar:
        bar.close()
    records = []
    for person in people:
        mine = [o for t, o in zip(tasks, outcomes, strict=True) if t.learner == person.id]
        run_id = next((t.run_id for t in tasks if t.learner == person.id), runner.new_run_id())
        engine = next((t.engine for t in tasks if t.learner == person.id), runner.SANDBOXED)
        record = runner.build_record(person.id, person.route, run_id, started[person.id], mine, unit=person.unit,
                                     synthetic=True, progress_path=progress_db, src=src, engine=engine)
        db.write_run(record)
        records.append(record)
    run_seconds = time.monotonic() - t0

    paths: dict[str, Any] = {"root": str(out), "database": str(out / "results.sqlite"),
                             "workdirs": str(out / "workdirs"), "learner_reports": [], "cohort_report": None}
    if reports:
        from govai.records import report

        for person in people:
            html = report.write_learner_report(person.id, out / "reports" / person.id, db=db,
                                               display_name=person.name, synthetic=True)
            paths["learner_reports"].append(str(html))
        paths["cohort_report"] = str(report.write_cohort_report(out / "cohort", db=db, synthetic=True))

    summary = summarise(people, records)
    echo(format_summary(summary, people, records, show))
    echo(f"\n合成學員 {len(people)} 位，執行 {len(tasks)} 本筆記本，用時 {run_seconds:.1f} 秒（{workers} 個程序）"
         f" / {len(people)} synthetic learners, {len(tasks)} notebooks in {run_seconds:.1f}s")
    echo("\n輸出位置 / output:")
    echo(f"  結果資料庫 results DB   {paths['database']}")
    echo(f"  學員作業 workdirs        {paths['workdirs']}")
    if paths["learner_reports"]:
        echo(f"  學員報告 learner reports {out / 'reports'}/<學員>/report.html（共 {len(paths['learner_reports'])} 份）")
        echo(f"  例如 e.g.                {paths['learner_reports'][0]}")
    if paths["cohort_report"]:
        echo(f"  班級報告 cohort report   {paths['cohort_report']}")
    (out / "summary.json").write_text(json.dumps({"summary": summary, "paths": paths}, ensure_ascii=False, indent=2),
                                      encoding="utf-8")
    return {"summary": summary, "paths": paths, "seconds": run_seconds, "notebooks": len(tasks)}


def summarise(people: list[SyntheticLearner], records: list[Any]) -> dict[str, Any]:
    by_route: dict[str, dict[str, float]] = {}
    for person, rec in zip(people, records, strict=True):
        score = totals(it for nb in rec.notebooks for it in nb.items)
        r = by_route.setdefault(person.route, {"learners": 0, "earned": 0.0, "possible": 0.0, "failed": 0})
        r["learners"] += 1
        r["earned"] += score.earned
        r["possible"] += score.possible_with_pending
        r["failed"] += sum(nb.status == "failed" for nb in rec.notebooks)
    return {route: {**v, "score": round(v["earned"] / v["possible"], 3) if v["possible"] else None}
            for route, v in sorted(by_route.items())}


def format_summary(summary: dict[str, Any], people: list[SyntheticLearner], records: list[Any], show: int) -> str:
    from govai.records.runner import format_record

    lines = ["", "合成班級摘要 / synthetic cohort summary",
             f"{'路線 route':<10}{'人數 n':>8}{'平均得分率 score':>18}{'執行失敗 failed':>16}"]
    for route, v in summary.items():
        score = "—" if v["score"] is None else f"{v['score'] * 100:.0f}%"
        lines.append(f"{route:<10}{v['learners']:>8}{score:>18}{v['failed']:>16}")
    for person, rec in list(zip(people, records, strict=True))[:show]:
        lines += ["", f"【{person.name}（合成）　程度 {person.skill}　{person.unit}】", format_record(rec, width=36)]
    return "\n".join(lines)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--learners", type=int, default=30, help="合成學員人數（預設 30） / number of synthetic learners")
    parser.add_argument("--out", type=Path, default=None, help="輸出資料夾（預設 var/demo/） / output folder")
    parser.add_argument("--workers", type=int, default=None, help="同時執行的程序數（預設 CPU 核心數） / parallel workers")
    parser.add_argument("--no-reports", action="store_true", help="不產生報告 / skip the reports")
    parser.add_argument("--show", type=int, default=3, help="列出前幾位學員的逐題結果 / learners shown in detail")


def run(args: argparse.Namespace) -> int:
    if not master_paths():
        print("source/ 中還沒有任何教師版作業 / no masters in source/ yet", file=sys.stderr)
        return 1
    run_demo(args.learners, args.out, args.workers, reports=not args.no_reports, show=args.show)
    return 0
