"""The judge: executes a composed notebook with learner cells in the sandbox and tests outside it.

Learner cells (answers, the learner's extra cells, the master's read-only code cells) run in the
submission's sandboxed :class:`LearnerKernel`. Test cells run here, in the grader, in a namespace
built fresh for each test from *values* fetched from the learner kernel (see :mod:`~govai.grading.wire`):
data is copied, learner functions and other objects become proxies that execute in the sandbox.
Afterwards the visible part of the test (what the learner saw) also runs in the learner kernel, so
names it defines exist for later learner cells exactly as when the learner ran the notebook.

A learner kernel that dies (``os._exit``, a crash, the memory limit) or ignores an interrupt after
a timeout is replaced by a fresh one that replays the cells that had completed, skipping the one
that killed it; after a few replacements the rest of the notebook is recorded as not executed.
"""

from __future__ import annotations

import ast
import builtins
import datetime as _dt
import io
import traceback
from dataclasses import dataclass
from typing import Any

import nbformat
from nbformat import NotebookNode

from govai.grading import wire
from govai.sandbox import Job, Sandbox

_BUILTIN_NAMES = frozenset(dir(builtins))


@dataclass
class JudgeLimits:
    cell_timeout: float = 120.0
    interrupt_grace: float = 3.0
    max_restarts: int = 3
    submission_budget: float | None = None     # seconds for the whole notebook (default 10 × cell_timeout)


class KernelLost(Exception):
    """The learner kernel died or stopped answering."""

    def __init__(self, message: str, timed_out: bool = False) -> None:
        super().__init__(message)
        self.timed_out = timed_out


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat().replace("+00:00", "Z")


_STREAMS = ("stdout", "stderr")


def sanitize_outputs(raw: Any, allow: tuple[str, ...] = ("stream", "display_data", "execute_result", "error")
                     ) -> list[NotebookNode]:
    """Only well-formed nbformat outputs of the allowed kinds survive (the learner kernel is untrusted)."""
    outs: list[NotebookNode] = []
    if type(raw) is not list:
        return outs
    for o in raw[:1000]:
        if type(o) is not dict or o.get("output_type") not in allow:
            continue
        kind = o["output_type"]
        if kind == "stream" and o.get("name") in _STREAMS and type(o.get("text")) is str:
            outs.append(nbformat.v4.new_output("stream", name=o["name"], text=o["text"]))
        elif kind in ("display_data", "execute_result") and type(o.get("data")) is dict:
            data = {k: v for k, v in o["data"].items() if type(k) is str and type(v) is str}
            if kind == "execute_result":
                count = o.get("execution_count")
                outs.append(nbformat.v4.new_output(kind, data=data,
                                                   execution_count=count if type(count) is int else None))
            else:
                outs.append(nbformat.v4.new_output(kind, data=data))
        elif kind == "error" and type(o.get("ename")) is str and type(o.get("evalue")) is str:
            tb = o.get("traceback")
            tb = [x for x in tb if type(x) is str] if type(tb) is list else []
            outs.append(nbformat.v4.new_output("error", ename=o["ename"], evalue=o["evalue"], traceback=tb))
    return outs


def error_output(ename: str, evalue: str, lines: list[str] | None = None) -> NotebookNode:
    return nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=lines or [f"{ename}: {evalue}"])


class LearnerKernel:
    """The submission's sandboxed kernel, replaced and replayed when it dies."""

    def __init__(self, sandbox: Sandbox, files: dict[str, bytes], env: dict[str, str],
                 limits: JudgeLimits) -> None:
        self.sandbox, self.files, self.env, self.limits = sandbox, files, env, limits
        self.history: list[str] = []
        self.generation = 0
        self.restarts = 0
        self.job: Job | None = None
        self.broken: str | None = None
        self.side_outputs: list[NotebookNode] | None = None   # outputs of proxied calls go here
        import time

        budget = limits.submission_budget or 10 * limits.cell_timeout
        self.deadline = time.monotonic() + budget

    def close(self) -> None:
        if self.job is not None:
            self.job.kill()
            self.job = None

    def _drop(self) -> None:
        if self.job is not None:
            self.job.kill()
        self.job = None

    def _ensure(self) -> Job:
        if self.broken:
            raise KernelLost(self.broken)
        if self.job is not None and self.job.alive:
            return self.job
        self._drop()
        if self.generation > 0:
            self.restarts += 1
            if self.restarts > self.limits.max_restarts:
                self.broken = f"學員核心已重新啟動 {self.limits.max_restarts} 次，其餘儲存格不再執行"
                raise KernelLost(self.broken)
        self.job = self.sandbox.job(self.files, self.env)
        self.generation += 1
        for code in self.history:
            try:
                self._request({"op": "run", "code": code, "silent": True}, self.limits.cell_timeout)
            except KernelLost:
                self._drop()
                self.broken = "重新執行先前的儲存格時學員核心再次終止，其餘儲存格不再執行"
                raise KernelLost(self.broken) from None
        return self.job

    def _request(self, msg: dict[str, Any], timeout: float) -> dict[str, Any]:
        import time

        job = self.job
        assert job is not None
        left = self.deadline - time.monotonic()
        if left <= 0:
            self._drop()
            self.broken = "已超過整份作業的執行時間上限，其餘儲存格不再執行"
            raise KernelLost(self.broken, timed_out=True)
        timeout = min(timeout, left)
        try:
            return job.request(msg, timeout)
        except TimeoutError:
            job.interrupt()
            try:
                reply = job.reply(self.limits.interrupt_grace)
            except (TimeoutError, EOFError):
                self._drop()
                raise KernelLost(f"執行超過 {timeout:g} 秒且無法中斷，已終止學員核心", timed_out=True) from None
            reply["timed_out"] = True
            return reply
        except (EOFError, OSError, wire.WireError):
            self._drop()
            raise KernelLost("學員核心在執行時意外結束（例如呼叫 os._exit、當機或超過記憶體限制）") from None

    def run(self, code: str, silent: bool = False) -> tuple[list[NotebookNode], bool]:
        try:
            self._ensure()
            reply = self._request({"op": "run", "code": code, "silent": silent}, self.limits.cell_timeout)
        except KernelLost as exc:
            ename = "CellTimeoutError" if exc.timed_out else "DeadKernelError"
            return [error_output(ename, str(exc))], False
        outputs = sanitize_outputs(reply.get("outputs"))
        if reply.get("timed_out"):
            outputs.append(error_output("CellTimeoutError",
                                        f"執行超過 {self.limits.cell_timeout:g} 秒，已中斷此儲存格"))
            return outputs, False
        self.history.append(code)
        return outputs, bool(reply.get("ok"))

    # value access for the judge's proxies

    def op(self, msg: dict[str, Any], generation: int | None = None) -> Any:
        if generation is not None and generation != self.generation:
            raise RuntimeError("學員核心已重新啟動，這個物件已不存在")
        self._ensure()
        try:
            reply = self._request(msg, self.limits.cell_timeout)
        except KernelLost as exc:
            raise (TimeoutError if exc.timed_out else RuntimeError)(str(exc)) from None
        if self.side_outputs is not None:
            self.side_outputs.extend(sanitize_outputs(reply.get("outputs"), allow=("stream", "display_data")))
        if reply.get("timed_out"):
            raise TimeoutError(f"學員程式執行超過 {self.limits.cell_timeout:g} 秒，已中斷")
        if "raise" in reply:
            raise _learner_exception(reply["raise"])
        return self.decode(reply.get("value"))

    def fetch(self, names: list[str]) -> dict[str, Any]:
        if not names:
            return {}
        values = self.op({"op": "fetch", "names": names})
        if type(values) is not dict or not all(type(k) is str for k in values):
            raise RuntimeError("學員核心回傳的資料格式錯誤")
        return values

    def decode(self, obj: Any) -> Any:
        gen = self.generation

        def resolve(h: dict[str, Any]) -> Any:
            hid = h.get("h")
            if type(hid) is not int:
                raise wire.WireError("bad handle")
            kind = h.get("k") if type(h.get("k")) is str else "object"
            cls = LearnerFunction if h.get("c") is True else LearnerObject
            return cls(self, hid, gen, kind[:100])

        return wire.decode(obj, resolve)


def _learner_exception(info: Any) -> BaseException:
    if type(info) is not dict:
        return RuntimeError("學員程式發生錯誤")
    ename = str(info.get("ename", "Exception"))[:200]
    evalue = str(info.get("evalue", ""))[:5000]
    if ename == "KeyboardInterrupt":
        return TimeoutError("學員程式執行逾時，已中斷")
    bases = info.get("bases") if type(info.get("bases")) is list else []
    for name in bases:
        cls = getattr(builtins, str(name), None)
        if (isinstance(cls, type) and issubclass(cls, Exception)):
            try:
                return cls(evalue)
            except TypeError:
                continue
    return RuntimeError(f"{ename}: {evalue}")


class LearnerObject:
    """An object living in the learner kernel. Equal only to itself: its ``__eq__`` is never trusted."""

    __slots__ = ("_k", "_h", "_g", "_kind")

    def __init__(self, kernel: LearnerKernel, handle: int, generation: int, kind: str) -> None:
        object.__setattr__(self, "_k", kernel)
        object.__setattr__(self, "_h", handle)
        object.__setattr__(self, "_g", generation)
        object.__setattr__(self, "_kind", kind)

    def _op(self, op: str, **kw: Any) -> Any:
        k: LearnerKernel = object.__getattribute__(self, "_k")
        return k.op({"op": op, "ref": object.__getattribute__(self, "_h"), **kw},
                    object.__getattribute__(self, "_g"))

    def _enc(self, value: Any) -> Any:
        return wire.encode(value, _handle_ref)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return self._op("getattr", name=name)

    def __getitem__(self, key: Any) -> Any:
        return self._op("getitem", key=self._enc(key))

    def __len__(self) -> int:
        n = self._op("len")
        if type(n) is not int or n < 0:
            raise TypeError("len() 回傳值無效")
        return n

    def __iter__(self) -> Any:
        items = self._op("iter")
        if type(items) is not list:
            raise TypeError("無法逐一取出")
        return iter(items)

    def __contains__(self, key: Any) -> bool:
        return self._op("contains", key=self._enc(key)) is True

    def __bool__(self) -> bool:
        return self._op("bool") is True

    def __repr__(self) -> str:
        text = self._op("repr")
        return text if type(text) is str else f"<學員物件 {object.__getattribute__(self, '_kind')}>"

    def __str__(self) -> str:
        text = self._op("str")
        return text if type(text) is str else repr(self)

    def __eq__(self, other: object) -> bool:
        return other is self

    def __ne__(self, other: object) -> bool:
        return other is not self

    def __hash__(self) -> int:
        return id(self)


class LearnerFunction(LearnerObject):
    __slots__ = ()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._op("call", args=self._enc(list(args)), kwargs=self._enc(dict(kwargs)))


def _handle_ref(value: Any) -> dict[str, Any]:
    if isinstance(value, LearnerObject):
        return {"h": object.__getattribute__(value, "_h")}
    raise TypeError(f"無法把 {type(value).__name__} 傳給學員的程式（只能傳資料）")


# -- tests --------------------------------------------------------------------------------------


def free_names(source: str) -> list[str]:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    return sorted(names - _BUILTIN_NAMES)


def strip_hidden(source: str) -> str:
    """The test cell as the learner saw it (nbgrader's hidden-test delimiters removed with their body)."""
    out, hidden = [], False
    for line in source.splitlines(keepends=True):
        up = line.upper()
        if "BEGIN HIDDEN TESTS" in up:
            hidden = True
            continue
        if "END HIDDEN TESTS" in up:
            hidden = False
            continue
        if not hidden:
            out.append(line)
    return "".join(out)


def _semicolon(source: str) -> bool:
    lines = [ln.split("#", 1)[0].rstrip() for ln in source.rstrip().splitlines()]
    lines = [ln for ln in lines if ln]
    return bool(lines) and lines[-1].endswith(";")


def _plain(value: Any) -> str:
    try:
        from IPython.core.formatters import PlainTextFormatter

        return str(PlainTextFormatter()(value))
    except Exception:  # noqa: BLE001
        return repr(value)


def run_test(source: str, kernel: LearnerKernel, persistent: dict[str, Any], filename: str,
             count: int) -> list[NotebookNode]:
    """Run one test cell in a fresh namespace here; outputs in nbgrader's terms (errors fail it)."""
    outputs: list[NotebookNode] = []
    stdout, stderr = io.StringIO(), io.StringIO()
    import sys as _sys

    def flush() -> None:
        for name, buf in (("stdout", stdout), ("stderr", stderr)):
            text = buf.getvalue()
            if text:
                outputs.append(nbformat.v4.new_output("stream", name=name, text=text))
                buf.seek(0)
                buf.truncate()

    def _print(*args: Any, sep: str | None = " ", end: str | None = "\n", file: Any = None,
               flush_: bool = False, **_: Any) -> None:
        target = stdout if file is None or file is _sys.stdout else stderr if file is _sys.stderr else file
        builtins.print(*args, sep=sep, end=end, file=target)

    def _display(*objs: Any, **_: Any) -> None:
        flush()
        for obj in objs:
            outputs.append(nbformat.v4.new_output("display_data", data={"text/plain": _plain(obj)}))

    side: list[NotebookNode] = []
    kernel.side_outputs = side
    try:
        tree = ast.parse(source, filename=filename)
        ns: dict[str, Any] = {"__builtins__": builtins, "__name__": "__main__", "print": _print,
                              "display": _display}
        ns.update(persistent)
        ns.update(kernel.fetch(free_names(source)))
        before = dict(ns)
        last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        body = tree.body[:-1] if last is not None else tree.body
        exec(compile(ast.Module(body=body, type_ignores=[]), filename, "exec"), ns)
        if last is not None:
            value = eval(compile(ast.Expression(last.value), filename, "eval"), ns)
            if value is not None and not _semicolon(source):
                flush()
                outputs.extend(side)
                side.clear()
                outputs.append(nbformat.v4.new_output("execute_result", data={"text/plain": _plain(value)},
                                                      execution_count=count))
        for key, value in ns.items():
            if not key.startswith("__") and key not in ("print", "display") and before.get(key, _MISSING) is not value:
                persistent[key] = value
        flush()
        outputs.extend(side)
    except BaseException as exc:  # noqa: BLE001 - any failure is the test's failure
        flush()
        outputs.extend(side)
        outputs.append(_format_error(exc, filename))
    finally:
        kernel.side_outputs = None
    return outputs


_MISSING = object()


def _format_error(exc: BaseException, filename: str) -> NotebookNode:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == filename]
    lines = ["Traceback (most recent call last):\n"]
    lines += traceback.format_list(frames)
    lines += traceback.format_exception_only(type(exc), exc)
    return error_output(type(exc).__name__, str(exc), lines)


def is_test_cell(cell: NotebookNode) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


def execute(nb: NotebookNode, kernel: LearnerKernel, name: str) -> NotebookNode:
    """Execute every code cell of ``nb`` in order (learner cells in the sandbox, tests here)."""
    persistent: dict[str, Any] = {}
    count = 0
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        count += 1
        started = _now()
        if is_test_cell(cell):
            gid = cell.metadata.get("nbgrader", {}).get("grade_id", index)
            outputs = run_test(cell.source, kernel, persistent, f"<測試 {name} {gid}>", count)
            visible = strip_hidden(cell.source)
            if visible.strip():
                kernel.run(visible, silent=True)
        else:
            outputs, _ok = kernel.run(cell.source)
        cell.outputs = outputs
        cell.execution_count = count
        cell.metadata["execution"] = {"iopub.execute_input": started, "shell.execute_reply": _now()}
    return nb
