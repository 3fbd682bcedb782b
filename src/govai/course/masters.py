"""Master discovery: the nbgrader masters in ``source/<track>/*.ipynb`` and the items they define.

A folder of ``source/`` is a track, which is also the nbgrader assignment name; each notebook in it
is a master. Whatever tracks exist today are found (a track whose master is not written yet simply
has none). The runner, the demo, readiness, coverage and the learning records all ask this module,
so every command sees the same masters and reads the same tags (:func:`items_of`, through
:mod:`govai.course.nbmeta`).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govai.course import nbmeta
from govai.course.items import Item
from govai.paths import repo_root


def source_dir() -> Path:
    return repo_root() / "source"


@dataclass
class Master:
    track: str
    path: Path
    items: list[Item] = field(default_factory=list)

    @property
    def notebook(self) -> str:
        return notebook_key(self.track, self.path.name)


def notebook_key(track: str, name: str) -> str:
    """``<track>/<name>.ipynb``: how results name a notebook."""
    return f"{track}/{name}"


def master_paths(src: Path | None = None) -> list[tuple[str, Path]]:
    """(track, path) of every master notebook in ``source/`` (or ``src``), in a stable order."""
    root = Path(src) if src else source_dir()
    if not root.exists():
        return []
    found = []
    for track_dir in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for nb in sorted(track_dir.glob("*.ipynb")):
            if ".ipynb_checkpoints" not in nb.parts:
                found.append((track_dir.name, nb))
    return found


def by_track(src: Path | None = None) -> dict[str, list[Path]]:
    """Track → its master notebooks."""
    out: dict[str, list[Path]] = {}
    for track, path in master_paths(src):
        out.setdefault(track, []).append(path)
    return out


def item_of(cell: Any, track: str, notebook: str) -> Item:
    """The item a graded cell defines (``notebook``: ``<track>/<name>.ipynb``)."""
    gid = nbmeta.grade_id(cell) or ""
    return Item(track=track, notebook=notebook, grade_id=gid, exercise=nbmeta.exercise(cell, track),
                max_points=nbmeta.points(cell), objective=nbmeta.objective(cell),
                competencies=nbmeta.competencies(cell), domains=nbmeta.domains(cell),
                practised_by=nbmeta.practised_by(cell), manual=nbmeta.is_manual(cell))


def items_of(nb: Any, track: str, name: str) -> list[Item]:
    """The graded items of one master notebook, in notebook order (``name``: the file name)."""
    notebook = notebook_key(track, name)
    return [item_of(cell, track, notebook) for cell in nb.cells if nbmeta.is_graded(cell)]


def masters(src: Path | None = None) -> list[Master]:
    """Every master with its graded items; an unreadable master is skipped with a warning.

    Masters are the instructor's files: nbformat reads them (the grading engine, which reads
    learners' notebooks with Chinese error messages, itself depends on this module).
    """
    import nbformat

    found = []
    for track, path in master_paths(src):
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception as exc:  # noqa: BLE001 - a master being written right now by someone else
            print(f"警告：無法讀取教師版 {path}：{exc} / warning: unreadable master", file=sys.stderr)
            continue
        found.append(Master(track, path, items_of(nb, track, path.name)))
    return found


def all_items(src: Path | None = None) -> list[Item]:
    """Every graded item of every master."""
    return [it for m in masters(src) for it in m.items]
