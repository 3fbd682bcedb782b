"""The judge's view of learner values: exact types survive, anything else is refused or opaque."""

from __future__ import annotations

import datetime as dt
import decimal
import fractions
from typing import Any

import numpy as np
import pandas as pd
import pytest

from govai.grading import wire


def _handle(value: Any) -> dict[str, Any]:
    return {"h": 1, "k": type(value).__name__, "c": callable(value)}


def roundtrip(value: Any) -> Any:
    return wire.decode(wire.encode(value, _handle), lambda h: ("HANDLE", h["k"]))


@pytest.mark.parametrize("value", [
    None, True, 0, -5, 2**80, 1.5, float("inf"), "臺灣", b"\x00\xff", 3 + 4j, (1, "a"), [1, [2, (3,)]],
    {"a": 1, 2: [3]}, {1, 2}, frozenset({"x"}), range(1, 9, 2), dt.date(2025, 1, 2), dt.datetime(2025, 1, 2, 3, 4),
    dt.timedelta(days=1, seconds=5), decimal.Decimal("1.10"), fractions.Fraction(1, 3),
])
def test_plain_values_keep_their_exact_type(value: Any) -> None:
    back = roundtrip(value)
    assert type(back) is type(value)
    assert back == value


def test_numpy_and_pandas() -> None:
    arr = np.arange(6, dtype=np.int32).reshape(2, 3)
    back = roundtrip(arr)
    assert type(back) is np.ndarray and back.dtype == np.int32 and (back == arr).all()
    s = roundtrip(np.float64(0.25))
    assert type(s) is np.float64 and s == 0.25
    frame = pd.DataFrame({"name": ["a", "b"], "n": [1, 2]}, index=pd.Index([10, 20], name="id"))
    pd.testing.assert_frame_equal(roundtrip(frame), frame)
    series = pd.Series([1.5, 2.5], name="x")
    pd.testing.assert_series_equal(roundtrip(series), series)


def test_subclasses_and_objects_stay_opaque() -> None:
    class Str(str):
        def __eq__(self, other: object) -> bool:
            return True

        __hash__ = str.__hash__

    assert roundtrip(Str("x")) == ("HANDLE", "Str")
    assert roundtrip(np.array([object()], dtype=object)) == ("HANDLE", "ndarray")
    assert roundtrip(lambda: 1) == ("HANDLE", "function")


@pytest.mark.parametrize("bad", [
    [1, 2], {"zz": 1}, {"l": "notalist"}, {"d": [[1]]}, {"m": "definitely_not_a_module_xyz"}, {"m": "antigravity"},
    {"m": "os.path/../x"},
    {"x": "ndarray", "dtype": "|O", "shape": [1], "v": ""}, {"x": "pickle", "v": ""}, {},
])
def test_strict_decoding_refuses_anything_else(bad: Any) -> None:
    with pytest.raises((wire.WireError, ValueError, TypeError)):
        wire.decode(bad, lambda h: None)


def test_modules_are_the_judges_own() -> None:
    import math

    assert roundtrip(math) is math
    assert wire.decode({"m": "numpy"}, lambda h: None) is np


def test_depth_is_bounded() -> None:
    deep: Any = 1
    for _ in range(wire.MAX_DEPTH + 5):
        deep = {"l": [deep]}
    with pytest.raises(wire.WireError):
        wire.decode(deep, lambda h: None)
