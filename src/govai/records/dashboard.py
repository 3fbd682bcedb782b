"""The learner dashboard behind ``notebooks/00_start_here.ipynb``.

Step 1 of the guide (「根據身分、選定路徑」) as a questionnaire: role, tasks and technical background
recommend route A, B or C, explained in the guide's own words (``reference/routes.yaml``).
``recommend`` is a plain function (unit-tested); ``questionnaire()`` wraps it in ipywidgets; and
``learning_path()`` shows the route's modules with progress and current readiness, or says kindly
that there are no results yet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govai.course import catalog as catalog_mod

# The guide's audience per route: 政策專業同仁 → A, 資訊專業同仁 → B, 一般同仁 → C.
ROLES: dict[str, str] = {"政策專業同仁": "A", "資訊專業同仁": "B", "一般同仁": "C"}
# The course's teaching approach per route (reference/routes.yaml lesson_style, not the guide's text):
# A and C no-code/low-code first, B low-code/pro-code.
BACKGROUNDS: dict[str, dict[str, int]] = {
    "No-code（不寫程式）": {"A": 1, "C": 1},
    "Low-code（會用試算表公式或簡單腳本）": {"A": 1, "B": 1, "C": 1},
    "Pro-code（會寫程式）": {"B": 2},
}


@dataclass
class Recommendation:
    route: str
    scores: dict[str, int]
    reasons: list[str] = field(default_factory=list)
    name: str = ""
    goal: str = ""


def tasks_by_route(cat: catalog_mod.Catalog | None = None) -> dict[str, list[str]]:
    """The guide's duties of each role (「角色職責」), used as the task options."""
    cat = cat or catalog_mod.default()
    return {r.id: list(r.duties) for r in cat.routes}


def recommend(role: str | None, tasks: list[str] | tuple[str, ...] = (), background: str | None = None,
              cat: catalog_mod.Catalog | None = None) -> Recommendation:
    """Route A, B or C: role counts 3, each matching task 1, background 1–2; ties go to C, then A."""
    cat = cat or catalog_mod.default()
    scores = {"A": 0, "B": 0, "C": 0}
    reasons: list[str] = []
    if role in ROLES:
        scores[ROLES[role]] += 3
    duties = tasks_by_route(cat)
    for task in tasks:
        for rid, ds in duties.items():
            if task in ds:
                scores[rid] += 1
    for rid, pts in BACKGROUNDS.get(background or "", {}).items():
        scores[rid] += pts
    best = max(scores.values())
    route = next(r for r in ("C", "A", "B") if scores[r] == best)   # no signal → the everyday route C
    r = cat.route(route)
    if role in ROLES and ROLES[role] == route:
        reasons.append(f"指引把路線{route}「{r.name}」給{r.audience}：{r.motto}。")
    chosen = [t for t in tasks if t in r.duties]
    if chosen:
        reasons.append(f"你勾選的任務「{'、'.join(chosen)}」正是{r.role}的角色職責。")
    if background and route in BACKGROUNDS.get(background, {}):
        reasons.append(f"本課程在此路線以 {' / '.join(r.lesson_style)} 的方式教學（課程設計，非指引原文），符合你的背景。")
    reasons.append(f"常見的擔心：{r.concern}")
    reasons.append(f"目標：{r.goal}（{r.summary}）")
    return Recommendation(route, scores, reasons, r.name, r.goal)


def route_path_text(route: str, cat: catalog_mod.Catalog | None = None) -> list[str]:
    cat = cat or catalog_mod.default()
    r = cat.route(route)
    lines = [f"{s.level}｜模組{s.module} {cat.module(s.module).name_zh}（{cat.module(s.module).focus}）" for s in r.path]
    lines += [f"{s.level}｜模組{s.module} {cat.module(s.module).name_zh}（{cat.module(s.module).focus}）"
              for s in r.optional]
    return lines


def status_rows(learner: str, route: str, db: Any = None,
                cat: catalog_mod.Catalog | None = None) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """Progress per step of the route and the readiness report; (steps, None) when no results yet."""
    from govai.records import readiness
    from govai.records.report import path_progress
    from govai.records.results import ResultsDB

    cat = cat or catalog_mod.default()
    database = db if isinstance(db, ResultsDB) else ResultsDB(db)
    steps = path_progress(learner, route, database, cat)
    rep = readiness.compute(learner, db=database, route=route, cat=cat)
    return steps, (rep if rep["has_results"] else None)


def learning_path_html(learner: str, route: str, db: Any = None) -> str:
    import html

    from govai.records import readiness

    steps, rep = status_rows(learner, route, db)
    parts = [f"<h3>路線{route} 學習路徑</h3><ol>"]
    for s in steps:
        pct = f"{s['ratio'] * 100:.0f}%" if s["possible"] else "—"
        parts.append(f"<li>{html.escape(s['level'])}｜{html.escape(s['name'])}：{s['status']}（{pct}）</li>")
    parts.append("</ol>")
    if rep is None:
        parts.append("<p>目前還沒有你的評分紀錄，這很正常！完成第一份作業（<code>release/</code> 裡的評分筆記本）"
                     "並存檔後，按下方的「評分我的作業」按鈕，就會以正式評分相同的方式執行並顯示進度與認證準備度，"
                     "不需要終端機。</p>")
        return "".join(parts)
    parts.append("<h3>目前的認證準備度</h3><ul>")
    for c in readiness.targets(rep)[:5]:
        est = "（估計）" if c["estimated"] else ""
        parts.append(f"<li>{html.escape(c['name'])}{est}：{c['readiness'] * 100:.0f}%（{c['band']}）</li>")
    parts.append("</ul>")
    return "".join(parts)


def questionnaire(on_choose: Any = None) -> None:
    """The widget form; shows the recommendation and calls ``on_choose(route)``."""
    import ipywidgets as w
    from IPython.display import HTML, display

    cat = catalog_mod.default()
    role = w.RadioButtons(options=list(ROLES), description="身分", value=None)
    all_tasks = [t for ts in tasks_by_route(cat).values() for t in ts]
    tasks = w.SelectMultiple(options=all_tasks, description="工作任務", rows=len(all_tasks))
    background = w.RadioButtons(options=list(BACKGROUNDS), description="技術背景", value=None)
    button = w.Button(description="推薦路線", button_style="primary")
    out = w.Output()

    def show(_: Any = None) -> None:
        rec = recommend(role.value, list(tasks.value), background.value, cat)
        out.clear_output()
        with out:
            items = "".join(f"<li>{r}</li>" for r in rec.reasons)
            display(HTML(f"<h3>建議：路線{rec.route}　{rec.name}</h3><ul>{items}</ul>"))
        if on_choose:
            on_choose(rec.route)

    button.on_click(show)
    form = w.VBox([role, tasks, background, button, out])
    # Displayed here and not returned: a returned widget on a cell's last line would show twice.
    display(form)


def show_progress(prefixes: tuple[str, ...] | None = None) -> None:
    """Show the learner's own self-check progress per module (from ``govai.exercises.progress``), no terminal needed.

    ``prefixes`` limits the table to exercise ids starting with one of them (``("module1.",)``).
    Never raises: without any record yet it says so.
    """
    from govai.exercises import progress
    from govai.exercises.core import display_markdown

    rows = progress.summary(answered_only=True)
    if prefixes:
        rows = {k: v for k, v in rows.items() if k.startswith(tuple(prefixes))}
    if not rows:
        display_markdown("📊 目前還沒有自我檢核紀錄：在課程筆記本執行 `ex.qN.check()` 或互動題的「檢查答案」後，這裡會列出你的進度。")
        return
    per: dict[str, list[int]] = {}
    for ex_id, p in rows.items():
        module = ex_id.split(".", 1)[0]
        c = per.setdefault(module, [0, 0, 0, 0])
        c[0] += 1
        c[1] += int(p.solved)
        c[2] += p.hints
        c[3] += int(p.solution_viewed)
    lines = ["| 模組 | 做過的題目 | 已答對 | 看過的提示 | 看過參考解答 |", "|---|---|---|---|---|"]
    for module in sorted(per):
        n, ok, hints, seen = per[module]
        lines.append(f"| {module} | {n} | {ok} | {hints} | {seen} |")
    todo = sorted(k for k, v in rows.items() if not v.solved and v.attempts)
    text = "📊 **你的自我檢核進度**（只記錄在你自己的電腦，`govai.exercises.progress`）\n\n" + "\n".join(lines)
    if todo:
        text += "\n\n還沒答對、可以再試的題目：" + "、".join(f"`{t}`" for t in todo[:12])
    display_markdown(text)


def score_my_work(route: str, folder: Path | None = None, learner: str | None = None) -> str:
    """Run my graded notebooks (``release/`` by default) through the runner, record the results, and
    return my learning path with readiness as HTML: the same engine as `govai run`, without a terminal."""
    from govai.exercises import progress
    from govai.paths import repo_root
    from govai.records import runner as run

    who = learner or progress.current_learner()
    run.run_learner(who, route, Path(folder) if folder else repo_root() / "release")
    return learning_path_html(who, route)


def score_button(route: str, folder: Path | None = None) -> Any:
    """A button that runs :func:`score_my_work` and shows the result below it (for learners who do not code)."""
    import ipywidgets as w
    from IPython.display import HTML, display

    button = w.Button(description="評分我的作業", button_style="primary", tooltip="以正式評分相同的方式執行你的評分筆記本")
    out = w.Output()

    def on_click(_: Any) -> None:
        out.clear_output()
        with out:
            display(HTML("<p>評分中，約需一到數分鐘……</p>"))
        page = score_my_work(route, folder)
        out.clear_output()
        with out:
            display(HTML(page))

    button.on_click(on_click)
    return w.VBox([button, out])
