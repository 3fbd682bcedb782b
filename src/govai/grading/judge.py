"""The judge: executes a sanitized notebook with learner cells in the sandbox and tests outside it.

Learner cells (answers, the learner's extra cells, the master's read-only code cells) run in the
submission's sandboxed :class:`LearnerKernel`. Test cells run here, in the grader, so nothing the
learner's code does can reach the code that decides a verdict. What a test sees is nbgrader's
view of the learner's namespace (:class:`TestNamespace`):

* reading a name fetches it from the learner kernel when the test uses it, afresh after any learner
  code ran (data is copied, see :mod:`~govai.grading.wire`; learner functions and other objects are
  proxies that execute in the sandbox); builtins are always the judge's own;
* assigning or deleting a name happens in the learner kernel too, sent with the next request, so
  ``del squares`` then calling ``sum_of_squares`` raises ``NameError`` as in nbgrader; values that
  are not data or learner objects (a function the test defines) stay here, and the visible part's
  imports, functions and classes are defined in the learner kernel after the test for later cells;
* the test runs with the submission's working directory on this side (the assignment's files and,
  copied back before each test, those the learner's code wrote), with IPython syntax (``%time``
  runs here, other magics and ``!cmd`` in the learner kernel) and ``NBGRADER_EXECUTION=autograde``.

The learner kernel's answers are at most a different answer; only the test's code, running here,
decides. A learner kernel that dies (``os._exit``, a crash, the memory limit) or ignores an
interrupt after a timeout is replaced by a fresh one that replays the cells that had completed,
skipping the one that killed it; after a few replacements the rest of the notebook is recorded as
not executed.
"""

from __future__ import annotations

import ast
import builtins
import datetime as _dt
import functools
import io
import os
import threading
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from types import CodeType
from typing import Any

import nbformat
from nbformat import NotebookNode

from govai.course import nbmeta, solutions
from govai.grading import wire
from govai.grading.sandbox import Job, Sandbox

_BUILTIN_NAMES = frozenset(dir(builtins))


# Seconds one cell may run when `govai grade` is given no --timeout (nbgrader's Execute.timeout);
# the papermill engine, the worker's default and `govai validate --mutations` use the same.
CELL_TIMEOUT = 120.0


@dataclass
class JudgeLimits:
    cell_timeout: float = CELL_TIMEOUT
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
        self.epoch = 0                       # bumped by every request that may run learner code
        self.namespace: TestNamespace | None = None     # the running test's namespace (pending writes)
        self.cwd: WorkingDir | None = None   # released while waiting for the learner kernel
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
        if msg.get("op") != "fetch":
            self.epoch += 1
        if self.namespace is not None and msg.get("op") != "files":
            pre = self.namespace.take_pending()
            if pre:
                msg = {**msg, "pre": pre}
        try:
            if self.cwd is not None:
                with self.cwd.released():
                    return job.request(msg, timeout)
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

    def budget(self) -> float:
        import time

        return max(0.0, self.deadline - time.monotonic())

    def op(self, msg: dict[str, Any], generation: int | None = None, timeout: float | None = None) -> Any:
        if generation is not None and generation != self.generation:
            raise RuntimeError("學員核心已重新啟動，這個物件已不存在")
        self._ensure()
        try:
            reply = self._request(msg, timeout or self.limits.cell_timeout)
        except KernelLost as exc:
            raise (TimeoutError if exc.timed_out else RuntimeError)(str(exc)) from None
        if self.side_outputs is not None:
            self.side_outputs.extend(sanitize_outputs(reply.get("outputs"), allow=("stream", "display_data")))
        if reply.get("timed_out"):
            raise TimeoutError(f"學員程式執行超過 {self.limits.cell_timeout:g} 秒，已中斷")
        if "raise" in reply:
            raise _learner_exception(reply["raise"])
        return self.decode(reply.get("value"))

    def sync(self) -> None:
        """Send the running test's pending namespace writes (the learner kernel sees them from now on)."""
        if self.namespace is not None and self.namespace.has_pending():
            self.op({"op": "sync"})

    def written_files(self) -> tuple[dict[str, bytes], list[str]]:
        """Files the learner's code wrote or changed since the last call, and those it removed."""
        import base64

        try:
            self._ensure()
            reply = self._request({"op": "files"}, self.limits.cell_timeout)
        except KernelLost:
            return {}, []
        value = reply.get("value")
        if type(value) is not dict:
            return {}, []
        changed, removed = value.get("changed"), value.get("removed")
        changed = changed if type(changed) is dict else {}
        removed = removed if type(removed) is list else []
        out: dict[str, bytes] = {}
        for rel, b64 in list(changed.items())[:10_000]:
            if type(rel) is str and type(b64) is str and safe_relpath(rel):
                try:
                    out[rel] = base64.b64decode(b64, validate=True)
                except ValueError:
                    continue
        return out, [r for r in removed[:10_000] if type(r) is str and safe_relpath(r)]

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
            kind = h.get("k")
            kind = kind if type(kind) is str else "object"
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
    bases = info.get("bases")
    bases = bases if type(bases) is list else []
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


def _names_in(tree: ast.AST) -> list[str]:
    return sorted({n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} - _BUILTIN_NAMES)


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


class WorkingDir:
    """The submission's working directory on the grader's side, current while a test cell runs.

    The process has one current directory, so test cells of different submissions take turns
    (a lock), and give the turn away while they wait for the learner kernel.
    """

    _lock = threading.Lock()

    def __init__(self, path: str) -> None:
        self.path, self.held, self.prev = path, False, ""

    def __enter__(self) -> WorkingDir:
        self._take()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.held:
            self._give()

    @contextmanager
    def released(self) -> Iterator[None]:
        if not self.held:
            yield
            return
        self._give()
        try:
            yield
        finally:
            self._take()

    def _take(self) -> None:
        # a directory that cannot be entered (removed meanwhile) fails this test, never the lock:
        # every other submission's tests wait for it
        self._lock.acquire()
        try:
            self.prev = os.getcwd()
            os.chdir(self.path)
        except BaseException:
            self._lock.release()
            raise
        self.held = True

    def _give(self) -> None:
        try:
            os.chdir(self.prev)
        finally:
            self.held = False
            self._lock.release()


def safe_relpath(rel: str) -> bool:
    """A relative path with no empty, ``.`` or ``..`` part (what the learner kernel may name)."""
    if not rel or rel.startswith("/") or "\\" in rel or "\0" in rel or len(rel) > 1000:
        return False
    return all(part not in ("", ".", "..") for part in rel.split("/"))


_JUDGE_ONLY = frozenset({"print", "display", "get_ipython", "In", "Out", "exit", "quit"})


class TestNamespace(dict):
    """The namespace a test cell runs in: the learner's namespace, as the test would see it in nbgrader.

    * Reading a name the test has not assigned fetches it from the learner kernel (data is copied,
      other objects are proxies), afresh after any learner code ran; builtins are always the judge's.
    * Assigning or deleting a name also happens in the learner kernel, before the next learner code
      runs, so learner functions look names up where the test changed them (``del squares``).
      Values that are not data or learner objects (functions, classes, modules made by the test)
      stay here and reach the kernel as source (see :func:`definitions`).
    """

    def __init__(self, kernel: LearnerKernel, local: dict[str, Any]) -> None:
        super().__init__(local)
        self._kernel = kernel
        self._cache: dict[str, Any] = {}
        self._absent: set[str] = set()
        self._epoch = -1
        self._assigned: set[str] = set()
        self._deleted: set[str] = set()
        self._as_fetched: dict[str, str] = {}    # small data as fetched: changed in place -> sent back
        self.local_only: set[str] = set(local)

    # learner side

    def _fresh(self) -> None:
        if self._kernel.epoch != self._epoch:
            self._cache.clear()
            self._absent.clear()
            self._as_fetched.clear()
            self._epoch = self._kernel.epoch

    def _remember(self, values: dict[str, Any]) -> None:
        import json

        for key, value in values.items():
            self._cache[key] = value
            if isinstance(value, LearnerObject):
                continue
            try:
                text = json.dumps(wire.encode(value, _handle_ref), sort_keys=True)
            except (TypeError, ValueError, RecursionError):
                continue
            if len(text) <= 65536:
                self._as_fetched[key] = text

    def prefetch(self, names: Iterable[str]) -> None:
        names = [n for n in names if not dict.__contains__(self, n) and _learner_name(n)]
        self._fresh()
        values = self._kernel.fetch(names)
        self._fresh()
        self._remember(values)
        self._absent.update(n for n in names if n not in values)

    def _learner(self, key: str) -> Any:
        self._fresh()
        if key in self._cache:
            return self._cache[key]
        if key in self._absent or key in self._deleted:
            raise KeyError(key)
        values = self._kernel.fetch([key])
        self._fresh()
        if key in values:
            self._remember({key: values[key]})
            return values[key]
        self._absent.add(key)
        raise KeyError(key)

    def __getitem__(self, key: str) -> Any:
        if dict.__contains__(self, key):
            return dict.__getitem__(self, key)
        if type(key) is not str or not _learner_name(key):
            raise KeyError(key)
        return self._learner(key)

    def __contains__(self, key: object) -> bool:
        try:
            self[key]  # type: ignore[index]
        except KeyError:
            return False
        return True

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self[key]
        except KeyError:
            return default

    def __setitem__(self, key: str, value: Any) -> None:
        dict.__setitem__(self, key, value)
        if type(key) is str and _learner_name(key) and key not in self.local_only:
            self._assigned.add(key)
            self._deleted.discard(key)

    def __delitem__(self, key: str) -> None:
        if dict.__contains__(self, key):
            dict.__delitem__(self, key)
            if key in self.local_only:
                self.local_only.discard(key)
                return
        elif type(key) is str and _learner_name(key):
            self._learner(key)                    # KeyError (NameError) if the learner has no such name
        else:
            raise KeyError(key)
        self._assigned.discard(key)
        self._deleted.add(key)
        self._cache.pop(key, None)

    # pending writes, sent with the next request to the learner kernel

    def _changed_in_place(self) -> list[str]:
        import json

        changed = []
        for key, text in self._as_fetched.items():
            if key in self._cache and not dict.__contains__(self, key) and key not in self._deleted:
                try:
                    now = json.dumps(wire.encode(self._cache[key], _handle_ref), sort_keys=True)
                except (TypeError, ValueError, RecursionError):
                    continue
                if now != text:
                    changed.append(key)
        return changed

    def has_pending(self) -> bool:
        return bool(self._assigned or self._deleted or self._changed_in_place())

    def take_pending(self) -> dict[str, Any] | None:
        for key in self._changed_in_place():       # e.g. ``data.append(4)`` on learner data the test read
            dict.__setitem__(self, key, self._cache[key])
            self._assigned.add(key)
        if not (self._assigned or self._deleted):
            return None
        assign = []
        for key in sorted(self._assigned):
            value = dict.get(self, key, _MISSING)
            if value is _MISSING:
                continue
            try:
                assign.append([key, wire.encode(value, _handle_ref)])
            except (TypeError, ValueError, RecursionError):
                self.local_only.add(key)          # a judge-made function, class, module …: stays here
        pre = {"assign": assign, "delete": sorted(self._deleted)}
        self._assigned.clear()
        self._deleted.clear()
        return pre


def _learner_name(name: str) -> bool:
    return not (name in _BUILTIN_NAMES or name in _JUDGE_ONLY or (name.startswith("__") and name.endswith("__")))


@dataclass(frozen=True)
class PreparedTest:
    """A test cell compiled once: every submission of an assignment runs the same tests (the gradebook's
    cells), so each is parsed and compiled once per process, not once per submission."""

    body: CodeType                  # all statements but a final expression
    last: CodeType | None           # the final expression, whose value is the cell's result
    names: tuple[str, ...]          # the names it may read from the learner's namespace
    shows_value: bool               # no trailing ``;``


@functools.lru_cache(maxsize=512)
def prepare_test(source: str, filename: str) -> PreparedTest:
    """Raises ``SyntaxError`` as compiling the cell would (not cached: the test fails each time)."""
    code = python_source(source)
    tree = ast.parse(code, filename=filename)
    last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    body = tree.body[:-1] if last is not None else tree.body
    return PreparedTest(compile(ast.Module(body=body, type_ignores=[]), filename, "exec"),
                        compile(ast.Expression(last.value), filename, "eval") if last is not None else None,
                        tuple(_names_in(tree)), not _semicolon(source))


@functools.lru_cache(maxsize=512)
def visible_definitions(visible: str) -> str:
    """:func:`definitions` of a test cell as learners see it (IPython syntax allowed), once per text."""
    return definitions(python_source(visible))


def definitions(source: str) -> str:
    """The top-level imports, functions and classes of a (visible) test: what later cells may use."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return ""
    keep: list[ast.stmt] = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom, ast.FunctionDef,
                                                                   ast.AsyncFunctionDef, ast.ClassDef))]
    return ast.unparse(ast.Module(body=keep, type_ignores=[])) if keep else ""


def python_source(source: str) -> str:
    """IPython syntax (``%time``, ``!cmd``, ``%%capture``) turned into Python, as IPython would."""
    try:
        ast.parse(source)
        return source
    except SyntaxError:
        pass
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager().transform_cell(source)


class JudgeShell:
    """``get_ipython()`` inside a test: timing magics run here; other magics and ``!`` in the learner kernel."""

    def __init__(self, ns: TestNamespace, kernel: LearnerKernel, outputs: list[NotebookNode],
                 flush: Callable[[], None]) -> None:
        self.ns, self.kernel, self.outputs, self.flush = ns, kernel, outputs, flush
        self.user_ns = ns

    def _timed(self, code: str, label: str) -> Any:
        import time

        t0, c0 = time.perf_counter(), time.process_time()
        try:
            tree = ast.parse(code)
        except SyntaxError:
            tree = ast.parse(python_source(code))
        value = None
        only = tree.body[0] if len(tree.body) == 1 else None
        if isinstance(only, ast.Expr):
            value = eval(compile(ast.Expression(only.value), "<magic>", "eval"), self.ns)
        else:
            exec(compile(tree, "<magic>", "exec"), self.ns)  # noqa: S102 - the test cell's %time: running tests is the judge's job
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        builtins.print(f"CPU times: total: {cpu * 1000:.3g} ms\nWall time: {wall * 1000:.3g} ms" if label == "time"
                       else f"{wall * 1e6:.3g} µs per loop (1 run)", file=self.ns["__stdout__"])
        return value

    def _forward(self, code: str) -> Any:
        self.flush()
        outputs, _ok = self.kernel.run(code, silent=False)
        self.outputs.extend(o for o in outputs if o.output_type != "error")
        errors = [o for o in outputs if o.output_type == "error"]
        if errors:
            raise RuntimeError(f"{errors[0].ename}: {errors[0].evalue}")
        return None

    def run_line_magic(self, name: str, line: str, _stack_depth: int = 1) -> Any:
        if name in ("time", "timeit"):
            return self._timed(line, name)
        return self._forward(f"%{name} {line}")

    def run_cell_magic(self, name: str, line: str, cell: str) -> Any:
        if name in ("time", "timeit"):
            return self._timed(cell, name)
        if name == "capture":
            exec(compile(python_source(cell), "<magic>", "exec"), self.ns)  # noqa: S102 - the test cell's %%capture body
            return None
        return self._forward(f"%%{name} {line}\n{cell}")

    def system(self, cmd: str) -> None:
        self._forward(f"!{cmd}")

    def getoutput(self, cmd: str, split: bool = True, depth: int = 0) -> Any:
        self._forward(f"!{cmd}")
        return []


def run_test(source: str, kernel: LearnerKernel, persistent: dict[str, Any], filename: str,
             count: int, cwd: str | None = None) -> list[NotebookNode]:
    """Run one test cell here, in the learner's namespace as nbgrader's kernel would see it (see
    :class:`TestNamespace`), with the submission's working directory; outputs in nbgrader's terms."""
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
    guard = WorkingDir(cwd) if cwd else None
    ns = TestNamespace(kernel, {"__builtins__": builtins, "__name__": "__main__", "print": _print,
                                "display": _display, "__stdout__": stdout})
    for key, value in persistent.items():
        dict.__setitem__(ns, key, value)
        ns.local_only.add(key)
    dict.__setitem__(ns, "get_ipython", lambda: JudgeShell(ns, kernel, side, flush))
    try:
        if guard is not None:
            guard.__enter__()
            kernel.cwd = guard
        kernel.namespace = ns
        test = prepare_test(source, filename)
        ns.prefetch(test.names)
        exec(test.body, ns)  # noqa: S102 - a test cell, run here by design
        if test.last is not None:
            value = eval(test.last, ns)
            if value is not None and test.shows_value:
                flush()
                outputs.extend(side)
                side.clear()
                outputs.append(nbformat.v4.new_output("execute_result", data={"text/plain": _plain(value)},
                                                      execution_count=count))
        kernel.sync()
        flush()
        outputs.extend(side)
    except BaseException as exc:  # noqa: BLE001 - any failure is the test's failure
        try:
            kernel.sync()
        except BaseException:  # noqa: BLE001
            pass
        flush()
        outputs.extend(side)
        outputs.append(_format_error(exc, filename))
    finally:
        kernel.side_outputs = None
        kernel.namespace = None
        kernel.cwd = None
        if guard is not None:
            guard.__exit__()
    for key in ns.local_only:
        if dict.__contains__(ns, key) and not key.startswith("__") and key not in _JUDGE_ONLY:
            persistent[key] = dict.__getitem__(ns, key)
    return outputs


_MISSING = object()


def _format_error(exc: BaseException, filename: str) -> NotebookNode:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == filename]
    lines = ["Traceback (most recent call last):\n"]
    lines += traceback.format_list(frames)
    lines += traceback.format_exception_only(type(exc), exc)
    return error_output(type(exc).__name__, str(exc), lines)


def execute(nb: NotebookNode, kernel: LearnerKernel, name: str, cwd: str | None = None,
            visible: Mapping[int, str] | None = None) -> NotebookNode:
    """Execute every code cell of ``nb`` in order (learner cells in the sandbox, tests here).

    With ``cwd`` (the submission's working directory on this side), files the learner's code
    wrote are copied there before each test cell and at the end, so tests and the autograded
    folder see them as in nbgrader. ``visible``: test cells as learners saw them, by cell index,
    where that differs from the cell (hidden tests removed by the grader's nbgrader, configured for
    the graded course); without it, by this project's configuration
    (:func:`govai.course.solutions.without_hidden_tests`).
    """
    persistent: dict[str, Any] = {}
    count = 0
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        count += 1
        started = _now()
        if nbmeta.is_autograded(cell):
            gid = nbmeta.grade_id(cell) or index
            if cwd:
                sync_files(kernel, cwd)
            outputs = run_test(cell.source, kernel, persistent, f"<測試 {name} {gid}>", count, cwd)
            # What the learner saw of the test (as release/ shows it) defines names for later cells.
            seen = (visible.get(index, cell.source) if visible is not None
                    else solutions.without_hidden_tests(cell.source))
            defs = visible_definitions(seen)
            if defs:
                kernel.run(defs, silent=True)
        else:
            outputs, _ok = kernel.run(cell.source)
        cell.outputs = outputs
        cell.execution_count = count
        cell.metadata["execution"] = {"iopub.execute_input": started, "shell.execute_reply": _now()}
    if cwd:
        sync_files(kernel, cwd)
    return nb


def with_outputs(nb: NotebookNode, text: Any) -> NotebookNode:
    """``nb`` with the outputs of a notebook executed in the sandbox (a kernel other than Python).

    Only outputs and execution counts are taken, checked as any output from the sandbox; sources and
    nbgrader metadata stay those of ``nb`` (sanitized by nbgrader)."""
    import json

    try:
        done = json.loads(text) if type(text) is str else {}
    except ValueError:
        done = {}
    cells = done.get("cells") if type(done) is dict else None
    cells = cells if type(cells) is list else []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        got = cells[index] if index < len(cells) and type(cells[index]) is dict else {}
        cell.outputs = sanitize_outputs(got.get("outputs"))
        count = got.get("execution_count")
        cell.execution_count = count if type(count) is int else None
    return nb


def sync_files(kernel: LearnerKernel, cwd: str) -> None:
    """Mirror into ``cwd`` what the learner's code wrote, changed or removed in its working directory."""
    changed, removed = kernel.written_files()
    root = os.path.realpath(cwd)
    for rel, data in changed.items():
        target = os.path.join(root, *rel.split("/"))
        parent = os.path.dirname(target)
        if not _inside(root, parent):
            continue
        try:
            os.makedirs(parent, exist_ok=True)
            if not _inside(root, os.path.realpath(parent)) or os.path.islink(target):
                continue
            if os.path.isdir(target):
                continue
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o644)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
        except OSError:
            continue
    for rel in removed:
        target = os.path.join(root, *rel.split("/"))
        if _inside(root, os.path.realpath(os.path.dirname(target))) and os.path.isfile(target) \
                and not os.path.islink(target):
            try:
                os.remove(target)
            except OSError:
                pass


def _inside(root: str, path: str) -> bool:
    return path == root or path.startswith(root + os.sep)
