"""`govai report`: learner and cohort reports (self-contained HTML, PNG charts, CSV and Excel).

- ``govai report --learner ID [--out DIR]``: one HTML file that opens offline (no CDN; charts embedded
  as base64 PNG, each with alt text) plus the PNG files: competency radar, readiness per
  certification (bands 準備就緒 ≥ 0.8 / 接近 ≥ 0.6 / 尚需加強, see ``govai.records.readiness``), progress along
  the route's learning path, next steps, and a WebHR 表51 checklist for the certifications the learner
  is ready for (or holds: ``--held CERT_ID``).
- ``govai report --cohort [--unit NAME] [--out DIR]``: for training officers: learners per route,
  completion per module, readiness distribution per certification, and item analysis (pass rate,
  hints, attempts and time per exercise; 太簡單 when the pass rate is above 0.95, 太難 below 0.2),
  exported as CSV files and one Excel workbook.

Charts use an installed Noto Sans CJK font (``govai.records.charts.use_cjk_font``) so Chinese labels render,
the Okabe–Ito colour-blind-safe palette, and hatching so bands differ without colour.
"""

from __future__ import annotations

import argparse
import base64
import csv
import io
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from govai.course import catalog as catalog_mod
from govai.course.items import ItemResult, totals
from govai.records import readiness as rd

# Okabe–Ito palette (colour-blind safe) and a hatch per band as a second cue.
PALETTE = {"blue": "#0072B2", "orange": "#E69F00", "vermillion": "#D55E00", "green": "#009E73",
           "sky": "#56B4E9", "grey": "#999999", "yellow": "#F0E442", "purple": "#CC79A7"}
BAND_COLOUR = {rd.BAND_READY: PALETTE["blue"], rd.BAND_CLOSE: PALETTE["orange"], rd.BAND_WORK: PALETTE["vermillion"]}
BAND_HATCH = {rd.BAND_READY: "", rd.BAND_CLOSE: "//", rd.BAND_WORK: "xx"}
TOO_EASY, TOO_HARD = 0.95, 0.2
TEMPLATES = Path(__file__).parent / "templates"


@dataclass
class Chart:
    name: str
    png: bytes
    alt: str
    caption: str

    @property
    def b64(self) -> str:
        return base64.b64encode(self.png).decode("ascii")


def setup_fonts() -> str | None:
    """Use an installed Noto Sans CJK font for every chart (govai.records.charts when present)."""
    try:
        from govai.records.charts import use_cjk_font
    except ImportError:  # pragma: no cover - charts.py ships with the package
        return _fallback_cjk_font()
    return use_cjk_font()


def _fallback_cjk_font() -> str | None:
    import matplotlib as mpl
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    for name in ("Noto Sans CJK TC", "Noto Sans TC", "Noto Sans CJK JP", "Noto Sans CJK SC"):
        if name in names:
            mpl.rcParams["font.sans-serif"] = [name, *mpl.rcParams["font.sans-serif"]]
            mpl.rcParams["font.family"] = "sans-serif"
            mpl.rcParams["axes.unicode_minus"] = False
            return name
    return None


def _png(fig: Any) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=130, bbox_inches="tight", facecolor="white")
    return buf.getvalue()


def _figure(w: float, h: float, polar: bool = False) -> tuple[Any, Any]:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(w, h))
    ax = fig.add_subplot(111, polar=polar)
    return fig, ax


# -- learner charts -----------------------------------------------------------------------------


def radar_chart(report: dict[str, Any]) -> Chart:
    import math

    names = list(report["competencies"])
    values = [report["competencies"][n] for n in names]
    angles = [2 * math.pi * i / len(names) for i in range(len(names))]
    fig, ax = _figure(5.2, 5.2, polar=True)
    ax.plot(angles + angles[:1], values + values[:1], color=PALETTE["blue"], linewidth=2)
    ax.fill(angles + angles[:1], values + values[:1], color=PALETTE["sky"], alpha=0.35)
    ax.set_xticks(angles)
    ax.set_xticklabels(names, fontsize=9)
    ax.set_ylim(0, 1)
    ax.set_yticks([0.2, 0.4, 0.6, 0.8, 1.0])
    ax.set_yticklabels(["20%", "40%", "60%", "80%", "100%"], fontsize=7, color="#555555")
    ax.set_title("十二項職能掌握度", fontsize=12, pad=18)
    strong = [n for n, v in zip(names, values, strict=True) if v >= rd.READY]
    alt = "雷達圖：十二項職能掌握度。" + "；".join(f"{n} {v * 100:.0f}%" for n, v in zip(names, values, strict=True))
    cap = f"掌握度達 80% 的職能：{'、'.join(strong) if strong else '尚無'}"
    return Chart("competency_radar.png", _png(fig), alt, cap)


def readiness_chart(report: dict[str, Any]) -> Chart:
    certs = [c for c in report["certifications"] if c["recommended"]]
    certs.sort(key=lambda c: c["readiness"])
    fig, ax = _figure(7.5, max(2.5, 0.42 * len(certs) + 1.4))
    labels = [_short(c["name"], 34) + ("（估計）" if c["estimated"] else "") for c in certs]
    ys = list(range(len(certs)))
    bars = ax.barh(ys, [c["readiness"] for c in certs],
                   color=[BAND_COLOUR[c["band"]] for c in certs], edgecolor="#333333", linewidth=0.4)
    ax.set_yticks(ys)
    ax.set_yticklabels(labels)
    for bar, c in zip(bars, certs, strict=True):
        bar.set_hatch(BAND_HATCH[c["band"]])
        inside = c["readiness"] > 0.82
        ax.text(c["readiness"] - 0.01 if inside else c["readiness"] + 0.01, bar.get_y() + bar.get_height() / 2,
                f"{c['readiness'] * 100:.0f}% {c['band']}", va="center", ha="right" if inside else "left",
                fontsize=8, color="white" if inside else "#1d2733")
    ax.set_ylim(-0.7, len(certs) + 0.5)
    for x, name in ((rd.CLOSE, "接近 60%"), (rd.READY, "準備就緒 80%")):
        ax.axvline(x, color="#333333", linestyle="--", linewidth=0.8)
        ax.text(x, len(certs) - 0.1, name, fontsize=8, ha="center", backgroundcolor="white")
    ax.set_xlim(0, 1.08)
    ax.set_xlabel("準備度（考試領域權重 × 職能掌握度）")
    ax.set_title("各認證準備度", fontsize=12)
    ax.tick_params(axis="y", labelsize=8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    alt = "長條圖：各認證準備度。" + "；".join(f"{c['name']} {c['readiness'] * 100:.0f}%（{c['band']}）"
                                       for c in reversed(certs))
    ready = [c["name"] for c in certs if c["band"] == rd.BAND_READY]
    cap = f"準備就緒：{'、'.join(ready) if ready else '尚無'}；虛線為 60% 與 80% 門檻"
    return Chart("readiness.png", _png(fig), alt, cap)


def path_progress(learner: str, route: str | None, db: Any, cat: catalog_mod.Catalog) -> list[dict[str, Any]]:
    """Per step of the route's learning path: module, level, score and status."""
    from govai.records.results import ResultsDB

    database = db if isinstance(db, ResultsDB) else ResultsDB(db)
    items = database.latest_items(learner)
    steps: list[dict[str, Any]] = []
    if not route:
        return steps
    r = cat.route(route)
    for step in r.path + r.optional:
        mine = [ItemResult.from_row(i) for i in items if i["track"] == step.track]
        score = totals(mine)
        earned, possible = score.earned, score.possible_with_pending
        ratio = earned / possible if possible else 0.0
        status = "未開始" if not mine else ("完成" if ratio >= rd.READY else "進行中")
        m = cat.module(step.module)
        steps.append({"module": step.module, "name": f"模組{step.module} {m.name_zh}", "level": step.level,
                      "track": step.track, "optional": step in r.optional, "earned": earned,
                      "possible": possible, "ratio": ratio, "status": status})
    return steps


def path_chart(steps: list[dict[str, Any]], route_label: str) -> Chart:
    fig, ax = _figure(8, 2.8)
    colours = {"完成": PALETTE["blue"], "進行中": PALETTE["orange"], "未開始": "#dddddd"}
    hatches = {"完成": "", "進行中": "//", "未開始": ""}
    xs = range(len(steps))
    for x, s in zip(xs, steps, strict=True):
        ax.bar(x, 1.0, color="#f0f0f0", edgecolor="#bbbbbb", width=0.7)
        ax.bar(x, max(s["ratio"], 0.02), color=colours[s["status"]], hatch=hatches[s["status"]],
               edgecolor="#333333", linewidth=0.4, width=0.7)
        ax.text(x, 1.04, f"{s['ratio'] * 100:.0f}%　{s['status']}", ha="center", fontsize=8)
    ax.set_xticks(list(xs))
    ax.set_xticklabels([f"{s['level']}\n{s['name']}" + ("\n（選修）" if s["optional"] else "") for s in steps],
                       fontsize=8)
    ax.set_ylim(0, 1.18)
    ax.set_yticks([0, 0.5, 1.0])
    ax.set_yticklabels(["0%", "50%", "100%"], fontsize=8)
    ax.set_title(f"學習路徑進度（{route_label}）", fontsize=12)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    alt = "長條圖：學習路徑各模組得分率。" + "；".join(f"{s['name']} {s['ratio'] * 100:.0f}%（{s['status']}）"
                                            for s in steps)
    done = sum(s["status"] == "完成" for s in steps if not s["optional"])
    total = sum(not s["optional"] for s in steps)
    return Chart("learning_path.png", _png(fig), alt, f"必修模組完成 {done} / {total}（得分率 ≥ 80% 視為完成）")


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def next_steps(report: dict[str, Any], steps: list[dict[str, Any]], limit: int = 4) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    nxt = next((s for s in steps if s["status"] != "完成" and not s["optional"]), None)
    if nxt:
        verb = "開始" if nxt["status"] == "未開始" else "完成"
        out.append({"title": f"{verb}{nxt['name']}（{nxt['level']}）",
                    "detail": f"作業 {nxt['track']} 目前得分率 {nxt['ratio'] * 100:.0f}%。"})
    seen: set[str] = set()
    for cert in rd.targets(report):
        if cert["band"] == rd.BAND_READY:
            continue
        for gap in cert["gaps"]:
            key = gap["name"]
            if key in seen:
                continue
            seen.add(key)
            mods = "、".join(m["name"] for m in gap["modules"][:2]) or "相關模組"
            todo = [e["exercise"] for e in gap["exercises"] if e["status"] != "已通過"][:3]
            lessons = "、".join(Path(p).stem for p in gap["lessons"][:2])
            detail = f"「{cert['name']}」的 {gap['domain']} {gap['name']}（掌握度 {gap['mastery'] * 100:.0f}%）：複習{mods}"
            detail += f"，課程 {lessons}" if lessons else ""
            detail += f"，再練習 {'、'.join(todo)}。" if todo else "。"
            out.append({"title": f"加強 {_short(gap['name'], 24)}", "detail": detail})
            break
        if len(out) >= limit:
            break
    return out[:limit]


def checklist(report: dict[str, Any], held: list[str]) -> list[dict[str, Any]]:
    out = []
    for c in report["certifications"]:
        is_held = c["id"] in held
        if is_held or (c["recommended"] and c["band"] == rd.BAND_READY and c["status"] == "active"):
            out.append({"id": c["id"], "name": c["name"], "issuer": c["issuer"], "capability": c["capability"],
                        "held": is_held})
    return out


def _env() -> Any:
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)),
                              autoescape=jinja2.select_autoescape(["html"]))


def learner_badges(learner: str) -> list[dict[str, str]]:
    """The learner's valid completion badges, each with its QR code (PNG, base64); none if unavailable."""
    try:
        from govai.records.learning import badges

        found = [b for b in badges.issued(learner) if not badges.is_revoked(b.jti)]
        return [{"name": b.name, "jti": b.jti, "qr": base64.b64encode(badges.qr_png(b.token)).decode()}
                for b in found]
    except (ImportError, OSError, ValueError):
        return []


def write_learner_report(learner: str, out: Path | None = None, *, db: Any = None, gradebook: str | None = None,
                         route: str | None = None, held: list[str] | None = None,
                         display_name: str | None = None, synthetic: bool = False,
                         cat: catalog_mod.Catalog | None = None) -> Path:
    """Write ``report.html`` and the PNG charts into ``out``; returns the HTML path."""
    from govai.paths import var_dir
    from govai.records.results import ResultsDB

    cat = cat or catalog_mod.default()
    out = Path(out) if out else var_dir() / "reports" / learner
    out.mkdir(parents=True, exist_ok=True)
    database = db if isinstance(db, ResultsDB) else ResultsDB(db)
    report = rd.compute(learner, db=database, gradebook=gradebook, route=route, cat=cat)
    route = report["route"]
    route_label = f"{route} {cat.route(route).name}" if route else "尚未選定"
    steps = path_progress(learner, route, database, cat)
    setup_fonts()
    charts = [radar_chart(report), readiness_chart(report)]
    if steps:
        charts.append(path_chart(steps, route_label))
    for chart in charts:
        (out / chart.name).write_bytes(chart.png)
    ready = [c for c in report["certifications"] if c["recommended"] and c["band"] == rd.BAND_READY]
    ranked = rd.targets(report)
    best = ranked[0] if ranked else None
    ratio = report["score"]["ratio"]
    rows = []
    for r in sorted(database.latest_items(learner), key=lambda r: (r["notebook"], r["id"])):
        pts = "待人工評分" if r["points"] is None else f"{r['points']:g} / {r['max_points']:g}"
        note = "通過" if r["passed"] else (r["error"] or "未通過")
        rows.append({"notebook": r["track"], "exercise": r["exercise"], "points_text": pts, "attempts": r["attempts"],
                     "hints": r["hints"], "note": _short(note, 60)})
    html = _env().get_template("learner_report.html").render(
        title=f"{display_name or learner} 的 AI 學習報告", learner=learner, route=route, route_label=route_label,
        generated=datetime.now().strftime("%Y-%m-%d %H:%M"), synthetic=synthetic,
        has_results=report["has_results"],
        headline={"score": "—" if ratio is None else f"{ratio * 100:.0f}%", "ready": len(ready),
                  "best_value": f"{best['readiness'] * 100:.0f}%" if best else "—",
                  "best_name": _short(best["name"], 18) if best else "—",
                  "path": f"{sum(s['status'] == '完成' for s in steps if not s['optional'])}/"
                          f"{sum(not s['optional'] for s in steps)}" if steps else "—"},
        figures=charts, next_steps=next_steps(report, steps), certifications=report["certifications"],
        checklist=checklist(report, held or []), items=rows, badges=learner_badges(learner),
    )
    path = out / "report.html"
    path.write_text(html, encoding="utf-8")
    return path


# -- cohort -------------------------------------------------------------------------------------


class ItemAnalysis:
    """Item analysis and points per track over the latest rows, accumulated from the chunks that
    :func:`govai.records.readiness.cohort` reads anyway (its ``on_rows``): the report reads the
    results once. Sums are kept per (exercise, track) with ``np.bincount``, never per row in Python;
    for a whole cohort the numbers are those of ``ResultsDB.item_stats`` and ``ResultsDB.track_scores``
    (``tests/test_report.py`` checks them against each learner's own latest rows)."""

    # What is summed per (exercise, track): rows, passes, hints, attempts, seconds over the timed rows,
    # timed rows, points earned and possible.
    FIELDS = ("n", "passed", "hints", "attempts", "seconds", "timed", "earned", "possible")

    def __init__(self) -> None:
        self._sums: dict[tuple[str, str], Any] = {}

    def add(self, columns: dict[str, Any]) -> None:
        """One chunk of ``ResultsDB.latest_rows``, as columns (``ResultsDB.LATEST_COLUMNS`` → object array)."""
        import numpy as np
        import pandas as pd

        exercise, exercises = pd.factorize(columns["exercise"])
        track, tracks = pd.factorize(columns["track"])
        pair, pairs = pd.factorize(exercise * len(tracks) + track)
        seconds = columns["duration"].astype(np.float64)     # NULL → NaN: not timed
        timed = ~np.isnan(seconds)
        weights = [None, columns["passed"], columns["hints"], columns["attempts"], np.where(timed, seconds, 0.0),
                   timed, columns["points"], columns["max_points"]]
        sums = np.stack([np.bincount(pair, minlength=len(pairs),
                                     weights=None if w is None else np.asarray(w).astype(np.float64))
                         for w in weights], axis=1)
        for j, code in enumerate(pairs):
            key = (str(exercises[code // len(tracks)]), str(tracks[code % len(tracks)]))
            self._sums[key] = self._sums[key] + sums[j] if key in self._sums else sums[j]

    def items(self) -> list[dict[str, Any]]:
        """Per exercise, by exercise id: what ``ResultsDB.item_stats`` returns."""
        import numpy as np

        tracks: dict[str, list[str]] = {}
        for exercise, track in self._sums:
            tracks.setdefault(exercise, []).append(track)
        out = []
        for exercise in sorted(tracks):
            s = dict(zip(self.FIELDS, np.sum([self._sums[(exercise, t)] for t in tracks[exercise]], axis=0),
                         strict=True))
            n = int(s["n"])
            out.append({"exercise": exercise, "track": min(tracks[exercise]), "n": n, "passed": int(s["passed"]),
                        "mean_hints": float(s["hints"]) / n, "mean_attempts": float(s["attempts"]) / n,
                        "mean_seconds": float(s["seconds"]) / s["timed"] if s["timed"] else None,
                        "earned": float(s["earned"]), "possible": float(s["possible"])})
        return out

    def track_scores(self) -> dict[str, tuple[float, float]]:
        """Per track: points earned and possible, as ``ResultsDB.track_scores``."""
        earned = self.FIELDS.index("earned")
        out: dict[str, tuple[float, float]] = {}
        for (_exercise, track), s in self._sums.items():
            e, p = out.get(track, (0.0, 0.0))
            out[track] = (e + float(s[earned]), p + float(s[earned + 1]))
        return out


def cohort_data(db: Any = None, unit: str | None = None, cat: catalog_mod.Catalog | None = None,
                src: Path | None = None) -> dict[str, Any]:
    """Learners per route, completion per module, readiness distribution, item analysis.

    Set-wise: the learners and the notebooks' latest status in one query each, and the latest results
    read once for everything else — readiness of the whole cohort (:func:`govai.records.readiness.cohort`)
    and, from the same chunks, the item analysis and the points per track (:class:`ItemAnalysis`) — so a
    national cohort takes seconds, not a run per learner nor a read per table. A unit's cohort is the
    learners whose newest run is of that unit, each with all their latest results (what their own
    report shows), also when an older run was made in another unit.
    """
    from collections import Counter

    import numpy as np
    import pandas as pd

    from govai.records.results import ResultsDB

    cat = cat or catalog_mod.default()
    database = db if isinstance(db, ResultsDB) else ResultsDB(db)
    learners = database.cohort_learners(unit)
    analysis = ItemAnalysis()
    everyone = rd.cohort(database, unit=unit, src=src, cat=cat, people=learners, on_rows=analysis.add)
    scores = analysis.track_scores()

    # Completion, counted with arrays: which learners finished which track (a notebook of it whose latest
    # run is ok), then per track how many of them follow a route that lists it.
    route_ids = [r.id for r in cat.routes]
    route_code = pd.Index(route_ids).get_indexer(everyone.routes)     # -1: a route the catalog lacks
    statuses = database.latest_notebook_status(learners=everyone.learners if unit is not None else None)
    done = pd.DataFrame([(learner, track) for learner, track, state in statuses if state == "ok"],
                        columns=["learner", "track"]).drop_duplicates()
    done["learner"] = pd.Index(everyone.learners).get_indexer(done["learner"])
    finished_by_track = {t: g.to_numpy() for t, g in done[done["learner"] >= 0].groupby("track")["learner"]}
    per_route_all = Counter(everyone.routes)
    per_route = {r: per_route_all[r] for r in route_ids}
    tracks_of = {r.id: set(r.tracks) for r in cat.routes}
    completion = []
    for module in cat.modules:
        for track in module.tracks:
            listing = np.array([track.id in tracks_of[r] for r in route_ids] + [False])   # [-1]: unknown route
            expected = int(listing[route_code].sum())
            finished = finished_by_track.get(track.id, np.zeros(0, dtype=np.intp))
            done_expected = int(listing[route_code[finished]].sum())
            earned, possible = scores.get(track.id, (0.0, 0.0))
            if not expected and not possible:
                continue
            completion.append({"module": module.number, "name": f"模組{module.number} {module.name_zh}",
                               "track": track.id, "expected": expected,
                               "submitted": done_expected if expected else len(finished),
                               "rate": round(done_expected / expected, 3) if expected else None,
                               "score": round(earned / possible, 3) if possible else None})
    items = []
    for row in analysis.items():
        n = row["n"]
        pass_rate = row["passed"] / n
        flag = "太簡單" if pass_rate > TOO_EASY else "太難" if pass_rate < TOO_HARD else ""
        items.append({"exercise": row["exercise"], "track": row["track"], "n": n,
                      "pass_rate": round(pass_rate, 3),
                      "mean_hints": round(row["mean_hints"], 2),
                      "mean_attempts": round(row["mean_attempts"], 2),
                      "mean_seconds": round(row["mean_seconds"], 3) if row["mean_seconds"] is not None else None,
                      "flag": flag})
    earned = sum(e for e, _p in scores.values())
    possible = sum(p for _e, p in scores.values())
    return {"unit": unit, "learners": learners, "per_route": per_route, "completion": completion,
            "readiness": everyone.band_counts(), "items": items, "any_ready": everyone.any_ready(),
            "score": round(earned / possible, 3) if possible else None}


def _cohort_charts(data: dict[str, Any], cat: catalog_mod.Catalog) -> list[Chart]:
    charts = []
    fig, ax = _figure(5.5, 3)
    routes = [r for r in cat.routes]
    counts = [data["per_route"][r.id] for r in routes]
    ax.bar([f"路線{r.id}\n{r.name}" for r in routes], counts,
           color=[PALETTE["blue"], PALETTE["orange"], PALETTE["green"]], edgecolor="#333333", linewidth=0.4)
    for x, c in enumerate(counts):
        ax.text(x, c + 0.1, str(c), ha="center", fontsize=9)
    ax.set_ylabel("學員人數")
    ax.set_title("各路線學員人數", fontsize=12)
    charts.append(Chart("learners_per_route.png", _png(fig),
                        "長條圖：各路線學員人數。" + "；".join(f"路線{r.id} {c} 人" for r, c in zip(routes, counts,
                                                                                         strict=True)),
                        "各路線學員人數"))
    dist = data["readiness"]
    if dist:
        names = list(dist)
        fig, ax = _figure(8, max(2.5, 0.4 * len(names) + 1.2))
        left = [0] * len(names)
        for b in (rd.BAND_READY, rd.BAND_CLOSE, rd.BAND_WORK):
            vals = [dist[n][b] for n in names]
            ax.barh([_short(n, 26) for n in names], vals, left=left, color=BAND_COLOUR[b], hatch=BAND_HATCH[b],
                    edgecolor="#333333", linewidth=0.4, label=b)
            left = [a + v for a, v in zip(left, vals, strict=True)]
        ax.set_xlabel("學員人數")
        ax.legend(loc="lower right", fontsize=8)
        ax.tick_params(axis="y", labelsize=8)
        ax.set_title("各認證準備度分布", fontsize=12)
        alt = "堆疊長條圖：各認證的準備度分布。" + "；".join(
            f"{n}：準備就緒 {dist[n][rd.BAND_READY]}、接近 {dist[n][rd.BAND_CLOSE]}、尚需加強 {dist[n][rd.BAND_WORK]}"
            for n in names)
        charts.append(Chart("readiness_distribution.png", _png(fig), alt, "各認證準備度分布"))
    if data["items"]:
        items = data["items"]
        fig, ax = _figure(8, max(2.5, 0.22 * len(items) + 1))
        ax.barh([i["exercise"] for i in items], [i["pass_rate"] for i in items],
                color=[PALETTE["sky"] if not i["flag"] else PALETTE["vermillion"] if i["flag"] == "太難"
                       else PALETTE["blue"] for i in items],
                hatch=None, edgecolor="#333333", linewidth=0.3)
        for limit, name in ((TOO_HARD, "太難"), (TOO_EASY, "太簡單")):
            ax.axvline(limit, color="#333333", linestyle="--", linewidth=0.8)
            ax.text(limit, len(items) - 0.3, name, fontsize=8, ha="center")
        ax.set_xlim(0, 1.05)
        ax.invert_yaxis()
        ax.tick_params(axis="y", labelsize=7)
        ax.set_xlabel("通過率")
        ax.set_title("各題通過率", fontsize=12)
        flagged = [f"{i['exercise']}（{i['flag']}）" for i in items if i["flag"]]
        charts.append(Chart("item_pass_rates.png", _png(fig),
                            "長條圖：各題通過率。" + "；".join(f"{i['exercise']} {i['pass_rate'] * 100:.0f}%"
                                                       for i in items),
                            "各題通過率" + (f"（需檢視：{'、'.join(flagged[:6])}）" if flagged else "")))
    return charts


def _tables(data: dict[str, Any], cat: catalog_mod.Catalog) -> list[dict[str, Any]]:
    def pct(v: float | None) -> str:
        return "—" if v is None else f"{v * 100:.0f}%"

    return [
        {"key": "learners_per_route", "title": "各路線學員人數", "headers": ["路線", "名稱", "人數"],
         "rows": [[r.id, r.name, data["per_route"][r.id]] for r in cat.routes]},
        {"key": "completion", "title": "各模組完成情形", "headers": ["模組", "作業", "應繳人數", "已繳交", "繳交率", "平均得分率"],
         "rows": [[c["name"], c["track"], c["expected"], c["submitted"], pct(c["rate"]), pct(c["score"])]
                  for c in data["completion"]]},
        {"key": "readiness", "title": "各認證準備度分布（人數）", "headers": ["認證", "準備就緒", "接近", "尚需加強"],
         "rows": [[n, v[rd.BAND_READY], v[rd.BAND_CLOSE], v[rd.BAND_WORK]] for n, v in data["readiness"].items()]},
        {"key": "items", "title": "題目分析", "headers": ["題目", "作業", "作答人數", "通過率", "平均提示", "平均嘗試",
                                                      "平均執行秒數", "標記"],
         "rows": [[i["exercise"], i["track"], i["n"], pct(i["pass_rate"]), i["mean_hints"], i["mean_attempts"],
                   "—" if i["mean_seconds"] is None else i["mean_seconds"], i["flag"]] for i in data["items"]]},
        {"key": "learners", "title": "學員名單", "headers": ["學員", "路線", "單位", "最近一次執行"],
         "rows": [[x["learner"], x["route"], x.get("unit") or "", x["finished_at"]] for x in data["learners"]]},
    ]


# A national cohort's learner list belongs in the CSV and Excel files, not in a page to scroll.
HTML_MAX_ROWS = 500


def _write_workbook(path: Path, tables: list[dict[str, Any]]) -> None:
    """One sheet per table, bold shaded header, column widths from the first rows.

    openpyxl's write-only mode streams each row to the file instead of keeping a cell object per
    value: a national learner list (100,000 rows) is written in seconds and in little memory.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    bold, shade = Font(bold=True), PatternFill("solid", fgColor="DDE7F0")
    for t in tables:
        ws = wb.create_sheet(t["title"][:31])
        # Widths must be set before the first row is written; the first rows suffice to size a column.
        sample = [t["headers"], *t["rows"][:999]]
        for j in range(len(t["headers"])):
            width = max(len(str(row[j] if row[j] is not None else "")) for row in sample)
            ws.column_dimensions[get_column_letter(j + 1)].width = min(48, max(8, width * 1.6))
        header = []
        for h in t["headers"]:
            cell = WriteOnlyCell(ws, value=h)
            cell.font, cell.fill = bold, shade
            header.append(cell)
        ws.append(header)
        for row in t["rows"]:
            ws.append(row)
    wb.save(path)


def write_cohort_report(out: Path | None = None, *, db: Any = None, unit: str | None = None,
                        synthetic: bool = False, cat: catalog_mod.Catalog | None = None) -> Path:
    """Write ``cohort.html``, PNG charts, one CSV per table and ``cohort.xlsx``; returns the HTML path."""
    from govai.paths import var_dir

    cat = cat or catalog_mod.default()
    out = Path(out) if out else var_dir() / "reports" / "cohort"
    out.mkdir(parents=True, exist_ok=True)
    data = cohort_data(db, unit, cat)
    setup_fonts()
    charts = _cohort_charts(data, cat)
    for chart in charts:
        (out / chart.name).write_bytes(chart.png)
    tables = _tables(data, cat)
    exports = []
    for t in tables:
        path = out / f"{t['key']}.csv"
        with path.open("w", newline="", encoding="utf-8-sig") as fh:   # BOM: Excel opens UTF-8 correctly
            writer = csv.writer(fh)
            writer.writerow(t["headers"])
            writer.writerows(t["rows"])
        exports.append(path.name)
    _write_workbook(out / "cohort.xlsx", tables)
    exports.append("cohort.xlsx")
    flags = sum(1 for i in data["items"] if i["flag"])
    html = _env().get_template("cohort_report.html").render(
        title="班級學習報告" + (f"：{unit}" if unit else ""), unit=unit, synthetic=synthetic,
        generated=datetime.now().strftime("%Y-%m-%d %H:%M"),
        headline={"learners": len(data["learners"]),
                  "score": "—" if data["score"] is None else f"{data['score'] * 100:.0f}%",
                  "ready": data["any_ready"], "flags": flags},
        figures=charts, tables=[t for t in tables if t["key"] != "learners_per_route"], exports=exports,
        max_rows=HTML_MAX_ROWS)
    path = out / "cohort.html"
    path.write_text(html, encoding="utf-8")
    return path


# -- CLI ----------------------------------------------------------------------------------------


def configure(parser: argparse.ArgumentParser) -> None:
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--learner", help="學員代號：產生個人報告 / learner id: write a learner report")
    who.add_argument("--cohort", action="store_true", help="產生班級報告（訓練承辦人） / write the cohort report")
    parser.add_argument("--unit", default=None, help="只含此單位的學員（搭配 --cohort） / only this unit (with --cohort)")
    parser.add_argument("--out", type=Path, default=None, help="輸出資料夾（預設 var/reports/） / output folder")
    parser.add_argument("--db", default=None, help="結果資料庫（預設 var/results.sqlite） / results database")
    parser.add_argument("--gradebook", default=None, help="nbgrader 成績簿網址 / nbgrader gradebook URL")
    parser.add_argument("--route", choices=["A", "B", "C"], default=None, help="學習路線 / route")
    parser.add_argument("--held", action="append", default=[],
                        help="已持有的認證代號（可重複） / certification id already held (repeatable)")


def run(args: argparse.Namespace) -> int:
    if args.cohort:
        path = write_cohort_report(args.out, db=args.db, unit=args.unit)
        print(f"班級報告 / cohort report: {path}")
        print(f"匯出 / exports: {path.parent}/*.csv, {path.parent / 'cohort.xlsx'}")
        return 0
    cat = catalog_mod.default()
    unknown = [h for h in args.held if h not in {c.id for c in cat.certifications}]
    if unknown:
        print(f"未知的認證代號 / unknown certification id: {', '.join(unknown)}", file=sys.stderr)
        return 2
    path = write_learner_report(args.learner, args.out, db=args.db, gradebook=args.gradebook, route=args.route,
                                held=args.held, cat=cat)
    print(f"學員報告 / learner report: {path}")
    print(f"圖表 / charts: {', '.join(sorted(p.name for p in path.parent.glob('*.png')))}")
    return 0
