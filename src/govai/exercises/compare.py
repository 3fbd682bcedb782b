"""Strict comparison of a learner's answer with an expected value.

A learner's object decides what ``==`` means for itself: an object whose ``__eq__``
always returns True would pass a naive ``answer == expected``. Here the *expected*
value drives the comparison, types must match exactly (``type(x) is T``, so a
subclass of ``str`` or ``int`` with a patched ``__eq__`` fails), and containers
are walked element by element with the same rule.

The ``check_*`` functions are the one comparison API for lesson self-checks *and* the tests of
graded masters: any real number (``numbers.Real``: int, float, numpy's scalars, a 0-d array) is a
number, an integer-valued float counts as a count, collections may be list, tuple, 1-d ndarray or
Series where the task allows them, while ``bool``, strings, Python subclasses with a patched
``__eq__``/``__float__`` and always-equal objects are refused. They raise :class:`Mismatch`, an
``AssertionError``, so a failed check is a failed nbgrader test; its message is what the caller's
``what=`` names (the property checked) and never shows the expected value.
"""

from __future__ import annotations

import importlib
import math
import numbers
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import Any


def _loaded(name: str) -> Any:
    """numpy or pandas if something has imported it (a learner's value can only come from a loaded
    library), else None. ``import`` rather than ``sys.modules.get``: while another thread of the
    judge is still importing it, ``sys.modules`` holds a half-initialised module; ``import`` waits."""
    if name not in sys.modules:
        return None
    return importlib.import_module(name)


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
    np = _loaded("numpy")
    return (np is not None and kind.__module__ == "numpy"
            and issubclass(kind, (np.integer, np.floating)))


class Mismatch(AssertionError):
    """Raised with a learner-facing reason (Traditional Chinese) when values differ.

    An ``AssertionError`` so that, in a graded test cell, it fails the test exactly like ``assert``.
    """


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


# -- the check API shared by lesson self-checks and graded tests --------------------------------

_TRUSTED_MODULES = ("builtins", "numpy", "fractions")


def is_real(value: Any) -> bool:
    """A real number a learner could honestly hand in: int, float, Fraction, numpy scalar or 0-d array.

    ``bool`` (and numpy's) is not a number here: ``True`` for "how many" is a wrong answer. A Python
    subclass (its ``__module__`` is the learner's) is refused, since it can patch ``__eq__``/``__float__``.
    """
    kind = type(value)
    if kind is bool:
        return False
    np = _loaded("numpy")
    if np is not None and kind is np.ndarray:
        return value.ndim == 0 and value.dtype.kind in "iuf"
    if kind.__module__.split(".")[0] not in _TRUSTED_MODULES:
        return False
    if np is not None and issubclass(kind, np.bool_):
        return False
    return isinstance(value, numbers.Real)


def _as_float(value: Any) -> float:
    return float(value.item()) if hasattr(value, "item") else float(value)


def check_number(value: Any, expected: float, *, what: str, abs_tol: float = 1e-9, rel_tol: float = 0.0,
                 integer: bool = False) -> None:
    """``value`` is a real number within the tolerance the task states of ``expected``.

    ``integer=True`` where the task asks for a count: the value must be a whole number (``3`` or
    ``3.0`` or ``np.int64(3)``), never ``2.6`` rounded by the comparison.
    """
    if not is_real(value):
        raise Mismatch(f"{what}：應該是一個數字，目前是 {_type_name(value)}。")
    got = _as_float(value)
    if not math.isfinite(got):
        raise Mismatch(f"{what}：得到的不是有限的數字（{got}）。")
    if integer and not got.is_integer():
        raise Mismatch(f"{what}：應該是整數（個數），目前是 {got}。")
    if not math.isclose(got, float(expected), rel_tol=rel_tol, abs_tol=abs_tol):
        raise Mismatch(f"{what}：數值不正確。")


def _elements(values: Any, what: str) -> list[Any]:
    """The elements of a list, tuple, 1-d ndarray or pandas Series (nothing else counts as a collection)."""
    kind = type(values)
    if kind in (list, tuple):
        return list(values)
    np = _loaded("numpy")
    if np is not None and kind is np.ndarray:
        if values.ndim != 1:
            raise Mismatch(f"{what}：應該是一維的數列，目前是 {values.ndim} 維陣列。")
        return list(values)
    pd = _loaded("pandas")
    if pd is not None and kind is pd.Series:
        return list(values.to_numpy())
    raise Mismatch(f"{what}：應該是串列（list），目前是 {_type_name(values)}。")


def check_numbers(values: Any, expected: Iterable[float], *, what: str, abs_tol: float = 1e-9,
                  rel_tol: float = 0.0, integer: bool = False) -> None:
    """A sequence of numbers, in order, each as :func:`check_number` (list, tuple, ndarray or Series)."""
    want = list(expected)
    got = _elements(values, what)
    if len(got) != len(want):
        raise Mismatch(f"{what}：應有 {len(want)} 個數字，目前有 {len(got)} 個。")
    for i, (g, e) in enumerate(zip(got, want, strict=True)):
        check_number(g, e, what=f"{what}第 {i + 1} 項", abs_tol=abs_tol, rel_tol=rel_tol, integer=integer)


def _label(value: Any, what: str) -> str | int:
    if type(value) is str:
        return str.__str__(value)
    if is_real(value) and _as_float(value).is_integer():
        return int(_as_float(value))
    raise Mismatch(f"{what}：每個項目應該是代號（文字或整數），其中有 {_type_name(value)}。")


def check_labels(values: Any, expected: Iterable[str | int], *, what: str, ordered: bool = False,
                 allow: tuple[type, ...] = (set, frozenset, list, tuple)) -> None:
    """A collection of labels (codes, names, row numbers) that must equal ``expected``.

    Unordered by default: a set, or a list without repeats, is the same answer. The message says
    how many are missing or extra, never which.
    """
    kind = type(values)
    names: dict[type, str] = {set: "集合", frozenset: "集合", list: "串列", tuple: "元組"}
    np = _loaded("numpy")
    pd = _loaded("pandas")
    array_ok = list in allow or tuple in allow
    if kind in (set, frozenset) and kind in allow:
        got = [_label(v, what) for v in values]
    elif kind in allow or (array_ok and ((np is not None and kind is np.ndarray)
                                         or (pd is not None and kind is pd.Series))):
        got = [_label(v, what) for v in _elements(values, what)]
    else:
        wanted = "、".join(dict.fromkeys(names.get(k, k.__name__) for k in allow))
        raise Mismatch(f"{what}：應該是{wanted}，目前是 {_type_name(values)}。")
    want = list(expected)
    if ordered:
        if got != want:
            if sorted(map(repr, got)) == sorted(map(repr, want)):
                raise Mismatch(f"{what}：項目對了，但順序不對。")
            raise Mismatch(f"{what}：內容不正確。")
        return
    if len(set(got)) != len(got):
        raise Mismatch(f"{what}：有重複的項目。")
    extra = [g for g in got if g not in want]
    missing = [w for w in want if w not in got]
    if extra and missing:
        raise Mismatch(f"{what}：多了 {len(extra)} 個不該有的項目，也少了 {len(missing)} 個。")
    if extra:
        raise Mismatch(f"{what}：多了 {len(extra)} 個不該有的項目。")
    if missing:
        raise Mismatch(f"{what}：少了 {len(missing)} 個項目。")


def check_bool(value: Any, expected: bool, *, what: str) -> None:
    """A yes/no answer: ``True``/``False`` or numpy's ``np.bool_`` (what a comparison of arrays returns)."""
    np = _loaded("numpy")
    if type(value) is bool:
        got = value
    elif np is not None and type(value) is np.bool_:
        got = bool(value)
    else:
        raise Mismatch(f"{what}：應該是 True 或 False，目前是 {_type_name(value)}。")
    if got is not bool(expected):
        raise Mismatch(f"{what}：判斷不正確。")


def check_text(value: Any, *, what: str, must_include: Iterable[str] = (), must_not_include: Iterable[str] = (),
               max_length: int | None = None, min_length: int = 1) -> None:
    """A short text answer: a real ``str`` that includes (or leaves out) the named fragments."""
    if type(value) is not str:
        raise Mismatch(f"{what}：應該是文字（str），目前是 {_type_name(value)}。")
    text = str.__str__(value)
    if len(text.strip()) < min_length:
        raise Mismatch(f"{what}：還沒有內容。")
    if max_length is not None and len(text) > max_length:
        raise Mismatch(f"{what}：超過 {max_length} 個字。")
    for fragment in must_include:
        if fragment not in text:
            raise Mismatch(f"{what}：缺少必要的內容。")
    for fragment in must_not_include:
        if fragment in text:
            raise Mismatch(f"{what}：含有不應出現的內容。")


def check_label_map(answer: Any, expected: Mapping[str, str], *, what: str, options: Sequence[str]) -> None:
    """A dict {item: label} whose labels are among ``options``; every item is judged, nothing shown."""
    if type(answer) is not dict:
        raise Mismatch(f"{what}：應該是字典（dict），目前是 {type(answer).__name__}。")
    missing = [k for k in expected if k not in answer]
    if missing:
        raise Mismatch(f"{what}：少了 {len(missing)} 個項目沒有作答。")
    for k in expected:
        v = dict.__getitem__(answer, k)
        if type(v) is not str or str.strip(v) not in options:
            raise Mismatch(f"{what}：「{k}」只能填 {'、'.join(options)} 之一。")
    wrong = sum(not str.__eq__(str.strip(dict.__getitem__(answer, k)), v) for k, v in expected.items())
    if wrong:
        raise Mismatch(f"{what}：有 {wrong} 項判斷不對。")
