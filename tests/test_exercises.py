"""Every exercise of every set: its solution passes, its known-wrong answer fails, starter code is not attempted."""

from __future__ import annotations

import pytest

from govai.course import catalog
from govai.exercises import all_problems
from govai.exercises.core import Problem

PROBLEMS = all_problems()
IDS = [p.id for p in PROBLEMS]


def test_there_are_exercises() -> None:
    assert len(PROBLEMS) >= 2


def test_ids_unique() -> None:
    assert len(IDS) == len(set(IDS))


@pytest.mark.parametrize("problem", PROBLEMS, ids=IDS)
def test_solution_passes(problem: Problem) -> None:
    result = problem.evaluate_values(*problem._as_tuple(problem._correct))
    assert result.outcome == "correct", result.message


@pytest.mark.parametrize("problem", PROBLEMS, ids=IDS)
def test_known_wrong_answer_fails(problem: Problem) -> None:
    result = problem.evaluate_values(*problem._as_tuple(problem._wrong))
    assert result.outcome == "incorrect", result
    assert result.message


@pytest.mark.parametrize("problem", PROBLEMS, ids=IDS)
def test_starter_code_is_not_attempted(problem: Problem) -> None:
    result = problem.evaluate({name: problem._blank_values()[i] if not callable(problem._blank) else problem._blank
                               for i, name in enumerate(problem.var_names)})
    assert result.outcome == "not_attempted", result


@pytest.mark.parametrize("problem", PROBLEMS, ids=IDS)
def test_missing_variable_is_not_attempted(problem: Problem) -> None:
    assert problem.evaluate({}).outcome == "not_attempted"


@pytest.mark.parametrize("problem", PROBLEMS, ids=IDS)
def test_tags_resolve_in_catalog(problem: Problem) -> None:
    cat = catalog.default()
    known = {c.id for c in cat.competencies}
    assert problem.objective and problem.title
    assert problem.competencies and set(problem.competencies) <= known
    assert set(problem.domains) <= cat.domain_keys(), set(problem.domains) - cat.domain_keys()
    assert problem._hints and problem._solution


@pytest.mark.parametrize("problem", PROBLEMS, ids=IDS)
def test_feedback_never_reveals_solution(problem: Problem) -> None:
    wrong = problem.evaluate_values(*problem._as_tuple(problem._wrong))
    for line in problem._solution.splitlines():
        line = line.strip().strip("`")
        if len(line) > 25:
            assert line not in wrong.message


class AlwaysEqual:
    def __eq__(self, other: object) -> bool:
        return True

    def __ne__(self, other: object) -> bool:
        return False

    def __hash__(self) -> int:
        return 0

    def __call__(self, *a: object, **k: object) -> AlwaysEqual:
        return self

    def __getitem__(self, key: object) -> AlwaysEqual:
        return self

    def __contains__(self, key: object) -> bool:
        return True

    def __len__(self) -> int:
        return 4


@pytest.mark.parametrize("problem", PROBLEMS, ids=IDS)
def test_always_equal_object_fails(problem: Problem) -> None:
    cheat = tuple(AlwaysEqual() for _ in problem.var_names)
    assert problem.evaluate_values(*cheat).outcome in ("incorrect", "error")


def test_hints_and_solution_are_recorded(tmp_path, monkeypatch) -> None:
    from govai.exercises import progress

    monkeypatch.setenv("GOVAI_PROGRESS_DB", str(tmp_path / "p.sqlite"))
    monkeypatch.setenv("GOVAI_LEARNER", "t1")
    p = PROBLEMS[0]
    p.hint()
    p.hint()
    p.solution()
    p.check({name: None for name in p.var_names})
    s = progress.summary("t1")[p.id]
    assert (s.hints, s.solution_viewed, s.attempts, s.solved) == (2, True, 1, False)
