"""Strict comparison: builtin and numpy numbers pass, impostors with a patched __eq__ fail."""

from __future__ import annotations

import numpy as np
import pytest

from govai.exercises.compare import Mismatch, same


def test_numbers_from_numpy_and_sklearn_are_numbers() -> None:
    same(np.float64(0.5), 0.5)
    same(np.int64(3), 3)
    same([np.float32(0.25), 1], [0.25, 1])
    with pytest.raises(Mismatch):
        same(np.float64(0.6), 0.5)


class SneakyFloat(float):
    def __eq__(self, other: object) -> bool:
        return True

    __hash__ = float.__hash__


class SneakyNumpy(np.float64):
    def __float__(self) -> float:
        return 0.5


@pytest.mark.parametrize("impostor", [SneakyFloat(9.0), SneakyNumpy(9.0), "0.5", np.bool_(True), None])
def test_impostors_are_not_numbers(impostor: object) -> None:
    with pytest.raises(Mismatch):
        same(impostor, 0.5)


def test_types_must_match_exactly() -> None:
    with pytest.raises(Mismatch):
        same((1, 2), [1, 2])
    with pytest.raises(Mismatch):
        same({"a": 1}, {"a": 1, "b": 2})
    same({"a": [1, "x"]}, {"a": [1, "x"]})
