"""Interactive widgets for lessons (ipywidgets 8), each a thin skin over a plain function.

Tests and graders call the plain functions (``grade_choice``, ``grade_classification``,
``Explorer.render``); the widget only wires buttons and sliders to them, so what is
graded is the function, never its rendering. Labels are Traditional Chinese, and
feedback uses text and symbols, not colour alone, for colour-blind learners.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from govai.exercises import progress


@dataclass(frozen=True)
class Feedback:
    correct: bool
    message: str

    def html(self) -> str:
        mark = "✅ 答對了" if self.correct else "❌ 再想想"
        # Colour is a second cue; the words and symbol carry the meaning on their own.
        colour = "#1a7f37" if self.correct else "#b35900"
        return f'<div role="status" style="color:{colour}"><b>{mark}</b>：{self.message}</div>'


# -- multiple choice ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """A multiple-choice question with one right option and a reason for every option."""

    id: str
    question: str
    options: Sequence[str]
    answer: int
    explanations: Sequence[str]
    source: str = ""

    def __post_init__(self) -> None:
        if not 0 <= self.answer < len(self.options):
            raise ValueError(f"{self.id}: answer index out of range")
        if len(self.explanations) != len(self.options):
            raise ValueError(f"{self.id}: one explanation per option")


def grade_choice(question: Choice, selected: int | None) -> Feedback:
    if selected is None:
        return Feedback(False, "請先選一個選項。")
    if not 0 <= selected < len(question.options):
        return Feedback(False, "沒有這個選項。")
    correct = selected == question.answer
    message = question.explanations[selected]
    if question.source and correct:
        message += f"（出處：{question.source}）"
    return Feedback(correct, message)


def quiz(question: Choice) -> None:
    """A radio-button quiz: pick, press 「檢查答案」, read the explanation of the pick."""
    import ipywidgets as w
    from IPython.display import display

    options = [(text, i) for i, text in enumerate(question.options)]
    picker = w.RadioButtons(options=options, value=None, description="", layout=w.Layout(width="auto"))
    button = w.Button(description="檢查答案", button_style="primary", tooltip="檢查你選的答案")
    out = w.HTML()

    def on_click(_: Any) -> None:
        fb = grade_choice(question, picker.value)
        progress.record(question.id, "check", "correct" if fb.correct else "incorrect")
        out.value = fb.html()

    button.on_click(on_click)
    box = w.VBox([w.HTML(f"<b>{question.question}</b>"), picker, button, out],
                 layout=w.Layout(border="1px solid #ccc", padding="8px"))
    box._govai_parts = {"picker": picker, "button": button, "output": out}
    display(box)
    return None  # shown once: a returned box would be displayed again as the cell's result


# -- classify items -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Classification:
    """Sort each item into one of the categories (e.g. 可輸入生成式AI / 不可輸入)."""

    id: str
    prompt: str
    categories: Sequence[str]
    answers: Mapping[str, str]          # item → category
    reasons: Mapping[str, str] = field(default_factory=dict)   # item → why
    source: str = ""


@dataclass(frozen=True)
class ClassificationFeedback:
    score: int
    total: int
    per_item: Mapping[str, Feedback]

    @property
    def all_correct(self) -> bool:
        return self.score == self.total


def grade_classification(task: Classification, chosen: Mapping[str, str | None]) -> ClassificationFeedback:
    per_item: dict[str, Feedback] = {}
    for item, right in task.answers.items():
        pick = chosen.get(item)
        reason = task.reasons.get(item, "")
        if pick is None:
            per_item[item] = Feedback(False, "尚未分類。")
        elif pick == right:
            per_item[item] = Feedback(True, reason or f"屬於「{right}」。")
        else:
            # Name the learner's pick, not the right category: the reason teaches, the label would only tell.
            per_item[item] = Feedback(False, f"不是「{pick}」。" + (f"想想看：{reason}" if reason else ""))
    score = sum(fb.correct for fb in per_item.values())
    return ClassificationFeedback(score, len(per_item), per_item)


def classify(task: Classification) -> None:
    import ipywidgets as w
    from IPython.display import display

    rows, pickers = [], {}
    for item in task.answers:
        dd = w.Dropdown(options=[("（請選擇）", None)] + [(c, c) for c in task.categories], value=None,
                        description="", layout=w.Layout(width="220px"))
        pickers[item] = dd
        rows.append(w.HBox([w.Label(item, layout=w.Layout(width="420px")), dd]))
    button = w.Button(description="檢查分類", button_style="primary")
    out = w.HTML()

    def on_click(_: Any) -> None:
        fb = grade_classification(task, {k: v.value for k, v in pickers.items()})
        progress.record(task.id, "check", "correct" if fb.all_correct else "incorrect", f"{fb.score}/{fb.total}")
        lines = "".join(f"<li>{item}：{f.html()}</li>" for item, f in fb.per_item.items())
        out.value = f"<p><b>答對 {fb.score} / {fb.total}</b></p><ul>{lines}</ul>"

    button.on_click(on_click)
    box = w.VBox([w.HTML(f"<b>{task.prompt}</b>"), *rows, button, out],
                 layout=w.Layout(border="1px solid #ccc", padding="8px"))
    box._govai_parts = {"pickers": pickers, "button": button, "output": out}
    display(box)
    return None  # shown once: a returned box would be displayed again as the cell's result


# -- parameter exploration ----------------------------------------------------------------------


@dataclass
class Explorer:
    """A slider over one parameter; ``render(value)`` returns the HTML (or text) to show."""

    label: str
    render: Callable[[float], str]
    minimum: float
    maximum: float
    step: float
    value: float

    def show(self) -> None:
        import ipywidgets as w
        from IPython.display import display

        slider = w.FloatSlider(value=self.value, min=self.minimum, max=self.maximum, step=self.step,
                               description=self.label, continuous_update=False,
                               style={"description_width": "initial"}, layout=w.Layout(width="480px"))
        out = w.HTML(self.render(self.value))

        def on_change(change: dict[str, Any]) -> None:
            out.value = self.render(change["new"])

        slider.observe(on_change, names="value")
        box = w.VBox([slider, out])
        box._govai_parts = {"slider": slider, "output": out}
        display(box)
        return None  # shown once: a returned box would be displayed again as the cell's result
