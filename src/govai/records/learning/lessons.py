"""Which self-checks each lesson notebook binds (``from govai.exercises import moduleN as ex`` and
``ex.qN.check()``), read from the notebooks listed in the catalog, so progress events (recorded under
self-check ids) can be turned into "lesson started" and "lesson completed"."""

from __future__ import annotations

import importlib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from govai.course import catalog as catalog_mod
from govai.paths import repo_root

_BIND = re.compile(r"from\s+govai\.exercises\s+import\s+(\w+)\s+as\s+(\w+)")
_CALL = r"\b{alias}\.(q\d+)\.check\(\)"


@dataclass(frozen=True)
class LessonChecks:
    path: str                    # notebooks/<module>/<lesson>.ipynb, as in the catalog
    track: str
    hours: float
    checks: tuple[str, ...]      # self-check ids (Problem.id), in notebook order
    competencies: dict[str, tuple[str, ...]]   # self-check id -> its competencies


def _notebook_code(path: Path) -> str:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return "\n".join("".join(c.get("source", "")) for c in nb.get("cells", []) if c.get("cell_type") == "code")


def bound_checks(path: Path) -> tuple[list[str], dict[str, tuple[str, ...]]]:
    """Self-check ids a lesson calls ``check()`` on, and each one's competencies."""
    code = _notebook_code(path)
    ids: list[str] = []
    comps: dict[str, tuple[str, ...]] = {}
    for module_name, alias in _BIND.findall(code):
        module = importlib.import_module(f"govai.exercises.{module_name}")
        for q in re.findall(_CALL.format(alias=re.escape(alias)), code):
            problem = getattr(module, q, None)
            pid = getattr(problem, "id", None)
            if pid and pid not in ids:
                ids.append(pid)
                comps[pid] = tuple(getattr(problem, "competencies", ()) or ())
    return ids, comps


@lru_cache(maxsize=4)
def _all(root: str) -> tuple[LessonChecks, ...]:
    cat = catalog_mod.default()
    found = []
    for track in cat.all_tracks():
        for lesson in track.lessons:
            p = Path(root) / lesson.path
            if not p.exists():
                continue
            ids, comps = bound_checks(p)
            found.append(LessonChecks(lesson.path, track.id, lesson.hours, tuple(ids), comps))
    return tuple(found)


@lru_cache(maxsize=1)
def self_check_competencies() -> dict[str, tuple[str, ...]]:
    """Every self-check id of every exercise set (``govai.exercises.module*``) and its competencies."""
    import pkgutil

    from govai import exercises
    from govai.exercises.core import problems_in

    out: dict[str, tuple[str, ...]] = {}
    for info in pkgutil.iter_modules(exercises.__path__):
        if not info.name.startswith("module"):
            continue
        module = importlib.import_module(f"govai.exercises.{info.name}")
        for problem in problems_in(module):
            out[str(problem.id)] = tuple(getattr(problem, "competencies", ()) or ())
    return out


def lessons() -> list[LessonChecks]:
    """Every catalog lesson with the self-checks it binds (lessons that bind none are kept, with none)."""
    return list(_all(str(repo_root())))
