"""Exercise sets, one module per set (``module1`` …), and the widgets lessons use.

Bind a set into a notebook in one line: ``from govai.exercises import module1 as ex``.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

from govai.exercises.core import Problem, Result, problems_in

__all__ = ["Problem", "Result", "exercise_modules", "all_problems"]


def exercise_modules() -> list[ModuleType]:
    """Every exercise-set module of the package (those that define Problem instances)."""
    skip = {"core", "compare", "widgets"}
    modules = []
    for info in pkgutil.iter_modules(__path__):
        if info.name in skip or info.name.startswith("_"):
            continue
        modules.append(importlib.import_module(f"{__name__}.{info.name}"))
    return modules


def all_problems() -> list[Problem]:
    return [p for m in exercise_modules() for p in problems_in(m)]
