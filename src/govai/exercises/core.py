"""Self-checking exercises, in the style of Kaggle learntools.

An exercise set is one module (``govai.exercises.module1`` …) holding small
``Problem`` subclasses and their instances ``q1``, ``q2`` …. A notebook binds it
in one line::

    from govai.exercises import module1 as ex

and the learner calls ``ex.q1.check()``, ``ex.q1.hint()`` or ``ex.q1.solution()``.
``check()`` reads the variables named by ``_var`` from the notebook that called it.

Every problem also states its learning objective, the competencies and exam
domains it evidences, one known-correct and one known-wrong answer; the test suite
runs every problem against both, and against untouched starter code.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from govai.exercises import progress
from govai.exercises.compare import Mismatch, check_bool, check_labels, check_number, expect_type, same

__all__ = ["Problem", "ValueProblem", "Result", "Mismatch", "same", "expect_type", "display_markdown",
           "is_starter_function", "SEVEN_PRINCIPLES", "RISK_SOURCES"]

# 人工智慧基本法 七大原則（出處：人工智慧基本法，2025-12-23 三讀）
SEVEN_PRINCIPLES = (
    "永續發展與福祉", "人類自主", "隱私保護與資料治理", "資安與安全", "透明與可解釋", "公平與不歧視", "問責",
)
# 數位發展部 AI 風險分類框架草案的三種風險來源
RISK_SOURCES = ("技術設計缺陷", "部署與人機互動", "社會結構衝擊")

Outcome = Literal["correct", "incorrect", "not_attempted", "error"]

_ICON = {"correct": "✅ 正確", "incorrect": "❌ 還不對", "not_attempted": "✏️ 尚未作答", "error": "⚠️ 程式出錯"}


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    message: str

    @property
    def passed(self) -> bool:
        return self.outcome == "correct"

    def markdown(self) -> str:
        return f"**{_ICON[self.outcome]}**：{self.message}" if self.message else f"**{_ICON[self.outcome]}**"


def display_markdown(text: str) -> None:
    """Render Markdown in a notebook, or print it in a terminal."""
    try:
        from IPython import get_ipython
        from IPython.display import Markdown, display

        if get_ipython() is not None:
            display(Markdown(text))
            return
    except ImportError:  # pragma: no cover - IPython ships with the project
        pass
    print(text)


class Problem:
    """One self-checking exercise. Subclasses set the class attributes and ``_check``."""

    id: ClassVar[str]
    title: ClassVar[str]
    objective: ClassVar[str]
    competencies: ClassVar[tuple[str, ...]]
    domains: ClassVar[tuple[str, ...]] = ()   # "certification-id/domain-id"
    _var: ClassVar[str | tuple[str, ...]]
    _hints: ClassVar[tuple[str, ...]]
    _solution: ClassVar[str]
    # Self-test material: values for the variables in _var, in the same order.
    _correct: ClassVar[Any]
    _wrong: ClassVar[Any]
    _blank: ClassVar[Any] = None   # what the starter code assigns

    def __init__(self) -> None:
        self._hints_shown = 0

    # -- what subclasses implement ---------------------------------------------------------------
    def _check(self, *values: Any) -> None:
        """Raise Mismatch (or AssertionError) with a learner-facing reason when the answer is wrong.

        Feedback must guide without revealing the answer.
        """
        raise NotImplementedError

    def _is_blank(self, *values: Any) -> bool:
        blank = self._blank_values()
        # A starter dict whose every value is still None (「把每個 None 換成答案」) is not yet an answer.
        return all(v is b or v is Ellipsis or (type(v) is dict and v and all(x is None for x in v.values()))
                   for v, b in zip(values, blank, strict=True))

    # -- machinery -----------------------------------------------------------------------------
    @property
    def var_names(self) -> tuple[str, ...]:
        return (self._var,) if isinstance(self._var, str) else tuple(self._var)

    def _as_tuple(self, value: Any) -> tuple[Any, ...]:
        return (value,) if len(self.var_names) == 1 else tuple(value)

    def _blank_values(self) -> tuple[Any, ...]:
        return self._as_tuple(self._blank)

    def evaluate(self, namespace: Mapping[str, Any]) -> Result:
        """Judge the answer found in ``namespace`` (a notebook's globals)."""
        missing = [name for name in self.var_names if name not in namespace]
        if missing:
            return Result("not_attempted", f"找不到變數 `{'`、`'.join(missing)}`，請先執行上方作答的儲存格。")
        values = tuple(namespace[name] for name in self.var_names)
        return self.evaluate_values(*values)

    def evaluate_values(self, *values: Any) -> Result:
        try:
            if self._is_blank(*values):
                return Result("not_attempted", "請先把 `" + "`、`".join(self.var_names) + "` 換成你的答案。")
            self._check(*values)
        except (Mismatch, AssertionError) as exc:
            return Result("incorrect", str(exc) or "答案不正確，可以用 `.hint()` 看提示。")
        except Exception as exc:  # noqa: BLE001 - the learner's function raised: report it, do not crash the lesson
            return Result("error", f"執行你的答案時發生 {type(exc).__name__}：{exc}")
        return Result("correct", self.praise)

    praise: ClassVar[str] = "做得好！"

    def check(self, namespace: Mapping[str, Any] | None = None) -> Result | None:
        """Check the learner's answer in the calling notebook and show the feedback."""
        ns = namespace if namespace is not None else sys._getframe(1).f_globals
        result = self.evaluate(ns)
        progress.record(self.id, "check", result.outcome)
        display_markdown(result.markdown())
        # In a notebook the Markdown is the feedback; returning the Result would print its repr too.
        return None if _in_notebook() else result

    def hint(self, level: int | None = None) -> None:
        """Show the next hint (or hint number ``level``, counting from 1)."""
        if not self._hints:
            display_markdown("這一題沒有提示。")
            return
        if level is None:
            self._hints_shown = min(self._hints_shown + 1, len(self._hints))
            level = self._hints_shown
        level = max(1, min(level, len(self._hints)))
        progress.record(self.id, "hint", detail=str(level))
        more = "" if level == len(self._hints) else f"（再呼叫一次 `.hint()` 看第 {level + 1} 個提示）"
        display_markdown(f"💡 **提示 {level}/{len(self._hints)}**：{self._hints[level - 1]}{more}")

    def solution(self) -> None:
        progress.record(self.id, "solution")
        display_markdown(f"📘 **參考解答**：\n\n{self._solution}")

    def describe(self) -> str:
        """The objective and tags, for the top of an exercise cell."""
        return (
            f"**{self.title}**（`{self.id}`）\n\n🎯 學習目標：{self.objective}\n\n"
            f"🏷️ 職能：{'、'.join(self.competencies)}"
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id}>"


def _in_notebook() -> bool:
    try:
        from IPython import get_ipython

        return get_ipython() is not None
    except ImportError:  # pragma: no cover
        return False


class ValueProblem(Problem):
    """A self-check answered with values only (route A promises no code): labels, numbers, yes/no, dicts.

    ``_kinds`` names, per variable, how it is compared: ``labels`` (set or list, any order), ``ordered``
    (list in order), ``count`` (a whole number), ``number`` (within ``_tol``), ``bool``, or ``same``
    (text or a dict of labels, compared strictly). ``_whats`` names the property each checks.
    """

    _kinds: ClassVar[tuple[str, ...]]
    _whats: ClassVar[tuple[str, ...]]
    _tol: ClassVar[float] = 1e-9
    _feedback: ClassVar[str] = ""

    def _check(self, *values: Any) -> None:
        expected = self._as_tuple(self._correct)
        for value, kind, want, what in zip(values, self._kinds, expected, self._whats, strict=True):
            try:
                if kind == "labels":
                    check_labels(value, want, what=what)
                elif kind == "ordered":
                    check_labels(value, want, what=what, ordered=True, allow=(list, tuple))
                elif kind == "count":
                    check_number(value, want, what=what, integer=True)
                elif kind == "number":
                    check_number(value, want, what=what, abs_tol=self._tol)
                elif kind == "bool":
                    check_bool(value, want, what=what)
                else:
                    same(value, want, what=what)
            except Mismatch as exc:
                raise Mismatch(f"{exc}{self._feedback}") from None


def is_starter_function(func: Any, *probe: Any) -> bool:
    """The starter's placeholder, so check() says 尚未作答: None, or a function whose body still
    returns None (``pass``) when called with ``probe``."""
    if func is None:
        return True
    if not callable(func):
        return False
    try:
        return func(*probe) is None
    except Exception:  # noqa: BLE001 - whatever the learner's function raises, it is an attempt, checked by _check
        return False


def problems_in(module: Any) -> list[Problem]:
    """The Problem instances an exercise-set module exposes, in definition order."""
    return [v for v in vars(module).values() if isinstance(v, Problem)]


def call_safely(func: Callable[..., Any], *args: Any) -> Any:
    """Call a learner's function, turning its exceptions into a Mismatch that names the input."""
    try:
        return func(*args)
    except Exception as exc:
        shown = ", ".join(repr(a)[:60] for a in args)
        raise Mismatch(f"以輸入 ({shown}) 呼叫你的函式時發生 {type(exc).__name__}：{exc}") from exc


def check_function_cases(func: Any, cases: Sequence[tuple[tuple[Any, ...], Any]], name: str = "函式") -> None:
    """Run a learner's function on each case and compare strictly; the message shows the failing input."""
    if not callable(func):
        raise Mismatch(f"{name}應該是一個函式（def …），目前是 {type(func).__name__}。")
    for args, expected in cases:
        got = call_safely(func, *args)
        try:
            same(got, expected, what="回傳值")
        except Mismatch as exc:
            shown = ", ".join(repr(a)[:60] for a in args)
            raise Mismatch(f"輸入 ({shown}) 時，{exc}") from None


def check_code_set(value: Any, expected: Collection[str], name: str, example: str,
                   too_many: str, too_few: str) -> None:
    """A set of item codes (case, clause or test ids): exact type, string codes, nothing extra, nothing missing.

    ``too_many`` and ``too_few`` may use ``{n}`` for how many codes are extra or missing; the
    messages say how many, never which, so feedback does not give the answer away.
    """
    expect_type(value, set, name)
    if any(type(x) is not str for x in value):
        raise Mismatch(f"{name} 的元素要是代號字串，例如 \"{example}\"。")
    extra = [x for x in value if x not in expected]
    missing = [x for x in expected if x not in value]
    if extra:
        raise Mismatch(too_many.format(n=len(extra)))
    if missing:
        raise Mismatch(too_few.format(n=len(missing)))
