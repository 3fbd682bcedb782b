"""`govai catalog`: the course catalog as readable tables, or as JSON."""

from __future__ import annotations

import argparse
import json

from govai.course import catalog

STATUS_ZH = {"active": "辦理中", "planned": "規劃中", "retired": "已退役", "closed": "已停辦"}


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("table", "json"), default="table",
                        help="輸出格式：table（表格，預設）或 json / output format")


def render_table(cat: catalog.Catalog) -> str:
    lines = ["《AI公務人才認定指引》課程目錄 / course catalog", ""]
    core = cat.common_core
    lines.append(f"共同必修：{core.goal}（模組 {core.step.module}，{core.capability}：{'、'.join(core.competencies)}）")
    lines.append("")
    lines.append("路線 / routes")
    for r in cat.routes:
        path = " → ".join(f"{s.level}｜模組{s.module} {cat.module(s.module).name_zh}" for s in r.path)
        optional = "、".join(f"模組{s.module} {cat.module(s.module).name_zh}（{s.level}）" for s in r.optional)
        lines.append(f"  {r.id} {r.name}（{r.role}；{'、'.join(r.competencies)}）")
        lines.append(f"     {path}" + (f"；另可選：{optional}" if optional else ""))
    lines.append("")
    lines.append("模組 / modules")
    for m in cat.modules:
        tracks = "；".join(f"{t.id}（路線 {'/'.join(t.routes)}，{t.level}）" for t in m.tracks)
        lines.append(f"  {m.number} {m.name_zh} {m.name_en:<16} {m.focus}｜{tracks}")
    lines.append("")
    lines.append("認證 / certifications")
    for c in cat.certifications:
        routes = "/".join("共同" if r == "core" else r for r in c.routes)
        status = STATUS_ZH[c.status] + (f" {c.status_date}" if c.status_date else "")
        if c.successor:
            status += f"，後繼：{c.successor}"
        est = "（權重為估計）" if c.estimated else ""
        lines.append(f"  [{routes:<6}] {c.name}｜{c.issuer}｜{c.kind}類｜{status}｜{len(c.domains)} 個領域{est}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    cat = catalog.default()
    if args.format == "json":
        print(json.dumps(cat.to_json(), ensure_ascii=False, indent=2))
    else:
        print(render_table(cat))
    return 0
