"""Strict comparison of a learner's answer with an expected value.

A learner's object decides what ``==`` means for itself: an object whose ``__eq__``
always returns True would pass a naive ``answer == expected``. Here the *expected*
value drives the comparison, types must match exactly (``type(x) is T``, so a
subclass of ``str`` or ``int`` with a patched ``__eq__`` fails), and containers
are walked element by element with the same rule.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping
from typing import Any

# ``bool`` is a subclass of ``int``; treat it as its own type so True is not 1.
_NUMBER_TYPES = (int, float)


def _is_number(value: Any) -> bool:
    """int or float, or one of numpy's own scalar numbers (what sklearn and pandas hand back).

    A numpy scalar class is a C type whose ``__float__`` a learner cannot patch; a Python
    subclass of one (``__module__`` is then the learner's) is refused like any other impostor.
    """
    kind = type(value)
    if kind in _NUMBER_TYPES:
        return True
    np = sys.modules.get("numpy")
    return (np is not None and kind.__module__ == "numpy"
            and issubclass(kind, (np.integer, np.floating)))


class Mismatch(Exception):
    """Raised with a learner-facing reason (Traditional Chinese) when values differ."""


def _type_name(value: Any) -> str:
    return type(value).__name__


def expect_type(value: Any, expected_type: type | tuple[type, ...], what: str = "答案") -> None:
    allowed = expected_type if isinstance(expected_type, tuple) else (expected_type,)
    if type(value) not in allowed:
        names = "、".join(t.__name__ for t in allowed)
        raise Mismatch(f"{what}的型別應為 {names}，目前是 {_type_name(value)}。")


def same(value: Any, expected: Any, *, rel_tol: float = 1e-6, abs_tol: float = 1e-9, what: str = "答案") -> None:
    """Raise Mismatch unless ``value`` equals ``expected`` with identical builtin types throughout."""
    exp_type = type(expected)
    if exp_type in _NUMBER_TYPES:
        # An int answer to a float question is fine (3 vs 3.0), and so is numpy's float64.
        if not _is_number(value):
            raise Mismatch(f"{what}應該是數字，目前是 {_type_name(value)}。")
        if not math.isclose(float(value), float(expected), rel_tol=rel_tol, abs_tol=abs_tol):
            raise Mismatch(f"{what}的數值不正確。")
        return
    if exp_type is bool or expected is None:
        if value is not expected:
            raise Mismatch(f"{what}不正確。")
        return
    if type(value) is not exp_type:
        raise Mismatch(f"{what}的型別應為 {exp_type.__name__}，目前是 {_type_name(value)}。")
    if exp_type is str:
        # str.__eq__ of the builtin type, never the learner's.
        if not str.__eq__(value, expected):
            raise Mismatch(f"{what}不正確。")
        return
    if exp_type in (list, tuple):
        if len(value) != len(expected):
            raise Mismatch(f"{what}應有 {len(expected)} 個項目，目前有 {len(value)} 個。")
        for i, (v, e) in enumerate(zip(value, expected, strict=True)):
            same(v, e, rel_tol=rel_tol, abs_tol=abs_tol, what=f"{what}第 {i + 1} 項")
        return
    if exp_type in (set, frozenset):
        # Elements are hashed by their own type; require builtin element types first.
        for v in value:
            if type(v) not in (str, int, float, bool, tuple, frozenset) and v is not None:
                raise Mismatch(f"{what}含有不支援的元素型別 {_type_name(v)}。")
        if sorted(map(repr, value)) != sorted(map(repr, expected)):
            raise Mismatch(f"{what}的內容不正確。")
        return
    if isinstance(expected, Mapping) and exp_type is dict:
        keys = list(value.keys())
        for k in keys:
            if type(k) not in (str, int, float, bool, tuple):
                raise Mismatch(f"{what}的鍵型別 {_type_name(k)} 不支援。")
        if sorted(map(repr, keys)) != sorted(map(repr, expected.keys())):
            missing = [k for k in expected if repr(k) not in set(map(repr, keys))]
            if missing:
                raise Mismatch(f"{what}缺少項目：{'、'.join(map(str, missing[:5]))}。")
            raise Mismatch(f"{what}多了不需要的項目。")
        for k, e in expected.items():
            same(dict.__getitem__(value, k), e, rel_tol=rel_tol, abs_tol=abs_tol, what=f"{what}「{k}」")
        return
    raise TypeError(f"same() does not compare {exp_type.__name__}; write a specific check")
