"""The learner kernel: runs *inside* the sandbox, one process tree per submission.

It executes the learner's cells in an IPython shell (magics and display work as in Jupyter) and
answers the judge's questions about the resulting state: the value of a name, the result of calling
a learner function, an attribute, an item, a length. Values go back through :mod:`govai.grading.wire`
as data or opaque handles. Nothing here is trusted by the grader: hidden tests never come here.
"""

from __future__ import annotations

import io
import socket
import sys
from typing import TYPE_CHECKING, Any

from govai.grading import wire

if TYPE_CHECKING:
    from IPython.core.interactiveshell import InteractiveShell

_ALLOWED_MIME = ("text/plain", "text/html", "text/markdown", "text/latex", "image/png", "image/jpeg")


def preload(modules: list[str]) -> None:
    """Import the course's libraries once, in the zygote, before any fork."""
    import builtins
    import importlib

    _REAL_BUILTINS.update(builtins.__dict__)
    for name in ["IPython", "IPython.core.interactiveshell", *modules]:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a library that fails to import is simply not preloaded
            pass


class Collector:
    """Outputs of one request, as nbformat output dicts, capped in size."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.reset()

    def reset(self) -> None:
        self.outputs: list[dict[str, Any]] = []
        self.size = 0
        self.truncated = False

    def _room(self, n: int) -> bool:
        if self.size + n > self.limit:
            if not self.truncated:
                self.truncated = True
                self.outputs.append({"output_type": "stream", "name": "stdout",
                                     "text": "\n[輸出過多，其餘已截斷 / output truncated]\n"})
            return False
        self.size += n
        return True

    def stream(self, name: str, text: str) -> None:
        if not text or not self._room(len(text)):
            return
        last = self.outputs[-1] if self.outputs else None
        if last and last["output_type"] == "stream" and last["name"] == name:
            last["text"] += text
        else:
            self.outputs.append({"output_type": "stream", "name": name, "text": text})

    def data(self, kind: str, data: dict[str, Any], count: int | None = None) -> None:
        clean = {k: v for k, v in data.items() if k in _ALLOWED_MIME and isinstance(v, str)}
        if not clean or not self._room(sum(len(v) for v in clean.values())):
            return
        out: dict[str, Any] = {"output_type": kind, "data": clean, "metadata": {}}
        if kind == "execute_result":
            out["execution_count"] = count
        self.outputs.append(out)

    def error(self, ename: str, evalue: str, tb: list[str]) -> None:
        tb = [str(line)[:5000] for line in tb[:200]]
        self._room(sum(map(len, tb)))
        self.outputs.append({"output_type": "error", "ename": str(ename)[:200], "evalue": str(evalue)[:5000],
                             "traceback": tb})


class CaptureStream(io.TextIOBase):
    def __init__(self, collector: Collector, name: str) -> None:
        self._c, self.name_ = collector, name

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    def writable(self) -> bool:
        return True

    def write(self, s: Any) -> int:
        s = str(s)
        self._c.stream(self.name_, s)
        return len(s)

    def isatty(self) -> bool:
        return False


COLLECTOR = Collector(256 << 10)
_REAL_BUILTINS: dict[str, Any] = {}


class _RealBuiltins:
    """While encoding answers, the interpreter's own builtins, whatever the learner patched."""

    def __enter__(self) -> None:
        import builtins

        self.patched = {k: v for k, v in builtins.__dict__.items() if _REAL_BUILTINS.get(k, v) is not v}
        builtins.__dict__.update({k: _REAL_BUILTINS[k] for k in self.patched})

    def __exit__(self, *exc: object) -> None:
        import builtins

        builtins.__dict__.update(self.patched)


def make_shell() -> InteractiveShell:
    """An IPython shell whose display and tracebacks land in COLLECTOR (built once, in the zygote)."""
    from IPython.core.displayhook import DisplayHook
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    class Hook(DisplayHook):
        def write_output_prompt(self) -> None: ...
        def finish_displayhook(self) -> None: ...

        def write_format_data(self, format_dict: dict[str, Any], md_dict: Any = None) -> None:
            COLLECTOR.data("execute_result", format_dict, self.prompt_count)

    class Pub(DisplayPublisher):
        def publish(self, data: Any, metadata: Any = None, source: Any = None, *, transient: Any = None,
                    update: bool = False, **kwargs: Any) -> None:
            COLLECTOR.data("display_data", data)

        def clear_output(self, wait: bool = False) -> None:
            COLLECTOR.outputs = [o for o in COLLECTOR.outputs if o["output_type"] == "error"]

    class Shell(InteractiveShell):
        displayhook_class = Hook
        display_pub_class = Pub

        def _showtraceback(self, etype: Any, evalue: Any, stb: Any) -> None:
            COLLECTOR.error(getattr(etype, "__name__", str(etype)), str(evalue),
                            stb if isinstance(stb, list) else [str(stb)])

        def init_io(self) -> None:
            pass

        def system(self, cmd: str) -> None:  # `!cmd`: output goes to the null device in the sandbox
            super().system_raw(cmd)

    cfg = Config()
    cfg.HistoryManager.enabled = False
    cfg.HistoryManager.hist_file = ":memory:"
    cfg.InteractiveShell.colors = "nocolor"
    cfg.InteractiveShell.xmode = "Plain"
    cfg.InteractiveShell.autocall = 0
    cfg.InteractiveShell.cache_size = 0
    shell = Shell.instance(config=cfg)
    # Warm IPython's lazily imported machinery (execution, tracebacks, display) before any fork.
    for warm in ("pass", "1/0", "1"):
        shell.run_cell(warm, store_history=False, silent=False)
    COLLECTOR.reset()
    shell.reset(new_session=False)
    shell.execution_count = 1
    shell.user_ns["__name__"] = "__main__"
    return shell


class Server:
    def __init__(self, sock: socket.socket, shell: InteractiveShell, output_limit: int) -> None:
        self.sock, self.shell = sock, shell
        COLLECTOR.limit = output_limit
        self.handles: dict[int, Any] = {}
        self.next_handle = 1
        self.seen = self.scan()            # files as the grader wrote them: only later changes go back

    def handle(self, obj: Any) -> dict[str, Any]:
        hid = self.next_handle
        self.next_handle += 1
        self.handles[hid] = obj
        try:
            kind = str(type(obj).__name__)[:100]
        except Exception:  # noqa: BLE001
            kind = "object"
        try:
            is_callable = bool(callable(obj))
        except Exception:  # noqa: BLE001
            is_callable = False
        return {"h": hid, "k": kind, "c": is_callable}

    def encode(self, value: Any) -> Any:
        with _RealBuiltins():
            return wire.encode(value, self.handle)

    def decode(self, obj: Any) -> Any:
        def resolve(h: dict[str, Any]) -> Any:
            if h.get("h") not in self.handles:
                raise wire.WireError("unknown handle")
            return self.handles[h["h"]]

        with _RealBuiltins():
            return wire.decode(obj, resolve)

    def serve(self) -> None:
        out, err = CaptureStream(COLLECTOR, "stdout"), CaptureStream(COLLECTOR, "stderr")
        while True:
            try:
                msg = wire.recv(self.sock)
            except KeyboardInterrupt:      # a late interrupt between requests
                continue
            except (EOFError, OSError, wire.WireError):
                return
            COLLECTOR.reset()
            sys.stdout, sys.stderr = out, err
            try:
                reply = self.dispatch(msg)
            except KeyboardInterrupt:
                reply = {"raise": {"ename": "KeyboardInterrupt", "evalue": "", "bases": ["KeyboardInterrupt"]}}
            except BaseException as exc:  # noqa: BLE001 - everything is reported, nothing escapes
                reply = {"raise": self.describe(exc)}
            reply["outputs"] = COLLECTOR.outputs
            try:
                wire.send(self.sock, reply)
            except KeyboardInterrupt:
                wire.send(self.sock, reply)
            except (ValueError, TypeError):
                wire.send(self.sock, {"raise": {"ename": "TypeError", "evalue": "回傳值無法傳送",
                                                "bases": ["TypeError"]}, "outputs": []})
            except OSError:
                return

    @staticmethod
    def describe(exc: BaseException) -> dict[str, Any]:
        import builtins

        bases = []
        for klass in type(exc).__mro__:
            name = getattr(klass, "__name__", "")
            if getattr(builtins, name, None) is klass:
                bases.append(name)
        try:
            evalue = str(exc)[:5000]
        except BaseException:  # noqa: BLE001
            evalue = "<無法顯示的例外>"
        return {"ename": str(type(exc).__name__)[:200], "evalue": evalue, "bases": bases}

    @staticmethod
    def scan(root: str = ".") -> dict[str, tuple[int, int]]:
        """Regular files below the working directory (symbolic links are not followed)."""
        import os

        out: dict[str, tuple[int, int]] = {}
        for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
            dirnames[:] = [d for d in dirnames if not os.path.islink(os.path.join(dirpath, d))]
            for name in filenames:
                path = os.path.join(dirpath, name)
                try:
                    st = os.lstat(path)
                except OSError:
                    continue
                import stat

                if stat.S_ISREG(st.st_mode):
                    out[os.path.relpath(path, root).replace(os.sep, "/")] = (st.st_size, st.st_mtime_ns)
                if len(out) >= 10_000:
                    return out
        return out

    def changed_files(self, limit: int = 64 << 20) -> dict[str, Any]:
        import base64

        now = self.scan()
        changed: dict[str, str] = {}
        total = 0
        for rel, sig in sorted(now.items()):
            if self.seen.get(rel) == sig:
                continue
            try:
                with open(rel, "rb") as fh:
                    data = fh.read(limit - total + 1)
            except OSError:
                continue
            if total + len(data) > limit:
                now.pop(rel, None)
                continue
            total += len(data)
            changed[rel] = base64.b64encode(data).decode()
        removed = sorted(set(self.seen) - set(now))
        self.seen = now
        return {"changed": changed, "removed": removed}

    def apply(self, pre: Any) -> None:
        """Namespace writes a test made: assignments and deletions, before the request runs."""
        if type(pre) is not dict:
            return
        ns = self.shell.user_ns
        for pair in pre.get("assign", []) if type(pre.get("assign")) is list else []:
            if type(pair) is list and len(pair) == 2 and type(pair[0]) is str:
                ns[pair[0]] = self.decode(pair[1])
        for name in pre.get("delete", []) if type(pre.get("delete")) is list else []:
            if type(name) is str:
                ns.pop(name, None)

    def dispatch(self, msg: dict[str, Any]) -> dict[str, Any]:
        op = msg.get("op")
        if "pre" in msg:
            self.apply(msg["pre"])
        if op == "sync":
            return {"value": None}
        if op == "notebook":
            return {"value": run_notebook(msg)}
        if op == "files":
            return {"value": self.changed_files()}
        if op == "run":
            result = self.shell.run_cell(str(msg.get("code", "")), store_history=True,
                                         silent=bool(msg.get("silent")))
            return {"ok": bool(result.success), "count": self.shell.execution_count - 1}
        if op == "fetch":
            ns = self.shell.user_ns
            pairs = [[name, self.encode(ns[name])] for name in msg.get("names", [])
                     if isinstance(name, str) and name in ns]
            return {"value": {"d": pairs}}
        if "ref" in msg and msg.get("ref") not in self.handles:
            return {"raise": {"ename": "ReferenceError", "evalue": "unknown handle", "bases": ["ReferenceError"]}}
        target: Any = self.handles[msg["ref"]] if "ref" in msg else None
        if op == "call":
            args = self.decode(msg.get("args", {"l": []}))
            kwargs = self.decode(msg.get("kwargs", {"d": []}))
            return {"value": self.encode(target(*args, **kwargs))}
        if op == "getattr":
            return {"value": self.encode(getattr(target, str(msg.get("name"))))}
        if op == "getitem":
            return {"value": self.encode(target[self.decode(msg.get("key"))])}
        if op == "len":
            return {"value": int(len(target))}
        if op == "iter":
            items = []
            for i, item in enumerate(target):
                if i >= 1_000_000:
                    break
                items.append(item)
            return {"value": self.encode(items)}
        if op == "contains":
            return {"value": bool(self.decode(msg.get("key")) in target)}
        if op == "bool":
            return {"value": bool(target)}
        if op in ("repr", "str"):
            text = repr(target) if op == "repr" else str(target)
            return {"value": str(text)[:100_000]}
        return {"raise": {"ename": "ValueError", "evalue": f"unknown op {op!r}", "bases": ["ValueError"]}}


def serve(sock: socket.socket, shell: InteractiveShell, output_limit: int) -> None:
    import os

    sys.path.insert(0, os.getcwd())
    Server(sock, shell, output_limit).serve()


def run_notebook(msg: dict[str, Any]) -> str:
    """A notebook for a kernel other than Python, run here (in the sandbox) as nbgrader runs it:
    nbclient, the notebook's kernelspec, errors allowed, per-cell timeout with interrupt.
    Its tests run in the same kernel as the learner's code (no judge split for these kernels)."""
    import os

    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.reads(str(msg.get("source", "")), as_version=4)
    name = str(msg.get("kernel", ""))
    spec = msg.get("spec")
    if isinstance(spec, dict) and name and "/" not in name:
        import json

        folder = os.path.join(os.environ.get("TMPDIR", "/tmp"), "govai-kernels")
        os.makedirs(os.path.join(folder, "kernels", name), exist_ok=True)
        with open(os.path.join(folder, "kernels", name, "kernel.json"), "w", encoding="utf-8") as fh:
            json.dump(spec, fh)
        os.environ["JUPYTER_PATH"] = folder
    timeout = msg.get("timeout")
    client = NotebookClient(nb, timeout=timeout if isinstance(timeout, (int, float)) else None,
                            kernel_name=name, allow_errors=True, interrupt_on_timeout=True,
                            error_on_timeout={"ename": "CellTimeoutError", "evalue": "",
                                              "traceback": ["CellTimeoutError: No reply from kernel before timeout"]},
                            resources={"metadata": {"path": os.getcwd()}})
    sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
    client.execute()
    return nbformat.writes(nb, version=4)
