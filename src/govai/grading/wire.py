"""Framing and the value codec between the judge and the sandboxed learner kernel.

Frames are a 4-byte big-endian length and UTF-8 JSON. Values cross as *tagged data*: exact builtin
types (``type(x) is dict``, never a subclass), a few standard-library value types, numpy arrays and
scalars of plain dtypes and pandas Series/DataFrames built from them. Anything else crosses as an
opaque *handle* that the judge can only call or inspect through the learner kernel.

The learner kernel is untrusted, so :func:`decode` is strict: it accepts nothing but the tags
below, bounded in depth and size, and never unpickles or evaluates anything. A value the learner
kernel "lies" about is merely a different answer: the learner could have written it directly.
"""

from __future__ import annotations

import base64
import datetime as _dt
import decimal
import fractions
import importlib
import importlib.util
import json
import socket
import struct
import sys
from collections.abc import Callable
from typing import Any

MAX_FRAME = 64 * 1024 * 1024
MAX_DEPTH = 200
_NP_KINDS = set("biufcUSMm")


class WireError(Exception):
    """The other side sent something that is not a valid frame or value."""


# -- framing ------------------------------------------------------------------------------------


def send(sock: socket.socket, msg: dict[str, Any]) -> None:
    data = json.dumps(msg, ensure_ascii=False, allow_nan=True).encode("utf-8", "surrogatepass")
    sock.sendall(struct.pack(">I", len(data)) + data)


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    chunks, got = [], 0
    while got < n:
        chunk = sock.recv(min(n - got, 1 << 20))
        if not chunk:
            raise EOFError("connection closed")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def recv(sock: socket.socket, limit: int = MAX_FRAME) -> dict[str, Any]:
    (n,) = struct.unpack(">I", _recv_exact(sock, 4))
    if n > limit:
        raise WireError(f"frame of {n} bytes exceeds {limit}")
    try:
        msg = json.loads(_recv_exact(sock, n).decode("utf-8", "surrogatepass"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise WireError(f"invalid frame: {exc}") from exc
    if not isinstance(msg, dict):
        raise WireError("frame is not an object")
    return msg


# -- encoding (both sides) ----------------------------------------------------------------------


def encode(value: Any, make_handle: Callable[[Any], dict[str, Any]], depth: int = 0) -> Any:
    """Tagged JSON for ``value``; objects that are not plain data become ``make_handle(value)``."""
    if depth > MAX_DEPTH:
        return make_handle(value)
    t = type(value)
    if value is None or t is bool or t is str:
        return value
    if t is int:
        return value if abs(value) < 10 ** 300 else {"i": format(value, "x")}
    if t is float:
        return value
    if t is list:
        return {"l": [encode(v, make_handle, depth + 1) for v in value]}
    if t is tuple:
        return {"u": [encode(v, make_handle, depth + 1) for v in value]}
    if t is dict:
        return {"d": [[encode(k, make_handle, depth + 1), encode(v, make_handle, depth + 1)]
                      for k, v in value.items()]}
    if t is set:
        return {"s": [encode(v, make_handle, depth + 1) for v in value]}
    if t is frozenset:
        return {"f": [encode(v, make_handle, depth + 1) for v in value]}
    if t is bytes:
        return {"b": base64.b64encode(value).decode()}
    if t is complex:
        return {"c": [value.real, value.imag]}
    if t is range:
        return {"r": [value.start, value.stop, value.step]}
    if t in (_dt.datetime, _dt.date, _dt.time):
        return {"x": t.__name__, "v": value.isoformat()}
    if t is _dt.timedelta:
        return {"x": "timedelta", "v": [value.days, value.seconds, value.microseconds]}
    if t is decimal.Decimal:
        return {"x": "decimal", "v": str(value)}
    if t is fractions.Fraction:
        return {"x": "fraction", "v": [value.numerator, value.denominator]}
    if t is type(sys):
        return {"m": value.__name__}
    mod = getattr(t, "__module__", "")
    if mod == "numpy" or mod.startswith("numpy."):
        enc = _encode_numpy(value, make_handle)
        if enc is not None:
            return enc
    if mod.startswith("pandas."):
        enc = _encode_pandas(value, make_handle, depth)
        if enc is not None:
            return enc
    return make_handle(value)


def _encode_numpy(value: Any, make_handle: Callable[[Any], dict[str, Any]]) -> Any:
    import numpy as np

    if type(value) is np.ndarray and value.dtype.kind in _NP_KINDS:
        arr = np.ascontiguousarray(value)
        return {"x": "ndarray", "dtype": arr.dtype.str, "shape": list(arr.shape),
                "v": base64.b64encode(arr.tobytes()).decode()}
    if isinstance(value, np.generic) and type(value).__module__ == "numpy" and value.dtype.kind in _NP_KINDS:
        return {"x": "npscalar", "dtype": value.dtype.str, "v": base64.b64encode(value.tobytes()).decode()}
    return None


def _encode_pandas(value: Any, make_handle: Callable[[Any], dict[str, Any]], depth: int) -> Any:
    import pandas as pd

    def column(values: Any, dtype: Any) -> Any:
        import numpy as np

        arr = np.asarray(values)
        if arr.dtype.kind in _NP_KINDS:
            return {"kind": "np", "v": encode(arr, make_handle, depth + 1)}
        return {"kind": "py", "dtype": str(dtype), "v": encode(list(arr), make_handle, depth + 1)}

    def index(idx: Any) -> Any:
        if type(idx) is pd.RangeIndex:
            return {"range": [idx.start, idx.stop, idx.step], "name": encode(idx.name, make_handle)}
        if type(idx) is pd.Index:
            return {"values": column(idx.to_numpy(), idx.dtype), "name": encode(idx.name, make_handle)}
        return None

    if type(value) is pd.Series:
        ix = index(value.index)
        if ix is None or isinstance(value.dtype, pd.CategoricalDtype):
            return None
        return {"x": "series", "name": encode(value.name, make_handle), "index": ix,
                "v": column(value.to_numpy(), value.dtype)}
    if type(value) is pd.DataFrame:
        ix, cols = index(value.index), index(value.columns)
        if ix is None or cols is None or not value.columns.is_unique:
            return None
        data = []
        for name in value.columns:
            s = value[name]
            if isinstance(s.dtype, pd.CategoricalDtype):
                return None
            data.append(column(s.to_numpy(), s.dtype))
        return {"x": "frame", "index": ix, "columns": cols, "v": data}
    return None


# -- decoding (strict) --------------------------------------------------------------------------


# Modules the judge may import when a test refers to a module the learner kernel holds: never one
# whose import has side effects (opening a browser, a window, printing), never a learner's file.
_DENY = frozenset({"antigravity", "this", "webbrowser", "turtle", "turtledemo", "tkinter", "idlelib", "pydoc",
                   "__hello__", "__phello__", "ensurepip", "venv", "lib2to3", "pty", "tty", "__main__"})
_DATA_LIBS = frozenset({"numpy", "pandas", "scipy", "sklearn", "matplotlib", "seaborn", "statsmodels", "sympy",
                        "networkx", "PIL", "yaml", "govai"})


def _allowed_module(name: str) -> bool:
    if not isinstance(name, str) or not name or len(name) > 200 or not all(
            part.isidentifier() for part in name.split(".")):
        return False
    top = name.split(".")[0]
    if top in _DENY:
        return False
    if top in sys.stdlib_module_names or name in sys.modules:
        return True
    return top in _DATA_LIBS and importlib.util.find_spec(top) is not None


def decode(obj: Any, resolve_handle: Callable[[dict[str, Any]], Any], depth: int = 0) -> Any:
    """Rebuild a value from :func:`encode`'s output, accepting nothing else."""
    if depth > MAX_DEPTH:
        raise WireError("value nested too deeply")
    t = type(obj)
    if obj is None or t in (bool, str, int, float):
        return obj
    if t is not dict or len(obj) == 0:
        raise WireError(f"unexpected {t.__name__} on the wire")

    def rec(x: Any) -> Any:
        return decode(x, resolve_handle, depth + 1)

    def items(x: Any) -> list[Any]:
        if type(x) is not list:
            raise WireError("expected a list")
        return x

    if "h" in obj:
        return resolve_handle(obj)
    if "l" in obj:
        return [rec(v) for v in items(obj["l"])]
    if "u" in obj:
        return tuple(rec(v) for v in items(obj["u"]))
    if "d" in obj:
        out = {}
        for pair in items(obj["d"]):
            if type(pair) is not list or len(pair) != 2:
                raise WireError("bad dict item")
            out[rec(pair[0])] = rec(pair[1])
        return out
    if "s" in obj:
        return {rec(v) for v in items(obj["s"])}
    if "f" in obj:
        return frozenset(rec(v) for v in items(obj["f"]))
    if "i" in obj:
        return int(_str(obj["i"]), 16)
    if "b" in obj:
        return base64.b64decode(_str(obj["b"]), validate=True)
    if "c" in obj:
        re_, im = items(obj["c"])
        return complex(_num(re_), _num(im))
    if "r" in obj:
        a, b, c = (_int(v) for v in items(obj["r"]))
        return range(a, b, c)
    if "m" in obj:
        name = obj["m"]
        if not _allowed_module(name):
            raise WireError(f"module {name!r} is not importable by the judge")
        return importlib.import_module(name)
    if "x" in obj:
        return _decode_extra(obj, rec)
    raise WireError(f"unknown tag {sorted(obj)!r}")


def _str(x: Any) -> str:
    if type(x) is not str:
        raise WireError("expected a string")
    return x


def _int(x: Any) -> int:
    if type(x) is not int:
        raise WireError("expected an integer")
    return x


def _num(x: Any) -> float:
    if type(x) not in (int, float):
        raise WireError("expected a number")
    return float(x)


def _decode_extra(obj: dict[str, Any], rec: Callable[[Any], Any]) -> Any:
    kind = obj["x"]
    v = obj.get("v")
    if kind == "datetime":
        return _dt.datetime.fromisoformat(_str(v))
    if kind == "date":
        return _dt.date.fromisoformat(_str(v))
    if kind == "time":
        return _dt.time.fromisoformat(_str(v))
    if kind == "timedelta":
        d, s, us = (_int(x) for x in v) if type(v) is list and len(v) == 3 else (None, None, None)
        return _dt.timedelta(days=d, seconds=s, microseconds=us)  # type: ignore[arg-type]
    if kind == "decimal":
        return decimal.Decimal(_str(v))
    if kind == "fraction":
        if type(v) is not list or len(v) != 2:
            raise WireError("bad fraction")
        return fractions.Fraction(_int(v[0]), _int(v[1]))
    if kind in ("ndarray", "npscalar"):
        import numpy as np

        dtype = np.dtype(_str(obj.get("dtype")))
        if dtype.kind not in _NP_KINDS or dtype.hasobject:
            raise WireError(f"dtype {dtype} not allowed")
        raw = base64.b64decode(_str(v), validate=True)
        if kind == "npscalar":
            if len(raw) != dtype.itemsize:
                raise WireError("bad numpy scalar")
            return np.frombuffer(raw, dtype=dtype)[0].copy()
        shape = obj.get("shape")
        if type(shape) is not list or not all(type(s) is int and s >= 0 for s in shape):
            raise WireError("bad shape")
        return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
    if kind in ("series", "frame"):
        return _decode_pandas(obj, rec)
    raise WireError(f"unknown extra kind {kind!r}")


def _decode_pandas(obj: dict[str, Any], rec: Callable[[Any], Any]) -> Any:
    import numpy as np
    import pandas as pd

    def column(c: Any) -> Any:
        if type(c) is not dict:
            raise WireError("bad column")
        if c.get("kind") == "np":
            arr = rec(c.get("v"))
            if type(arr) is not np.ndarray:
                raise WireError("bad column")
            return arr
        values = rec(c.get("v"))
        if type(values) is not list:
            raise WireError("bad column")
        arr = np.empty(len(values), dtype=object)
        arr[:] = values
        return arr

    def index(ix: Any) -> Any:
        if type(ix) is not dict:
            raise WireError("bad index")
        name = rec(ix.get("name"))
        if "range" in ix:
            a, b, c = (_int(x) for x in ix["range"])
            return pd.RangeIndex(a, b, c, name=name)
        return pd.Index(column(ix.get("values")), name=name)

    if obj["x"] == "series":
        return pd.Series(column(obj.get("v")), index=index(obj.get("index")), name=rec(obj.get("name")))
    cols = index(obj.get("columns"))
    data = obj.get("v")
    if type(data) is not list or len(data) != len(cols):
        raise WireError("bad frame")
    frame = pd.DataFrame({i: column(c) for i, c in enumerate(data)}, index=index(obj.get("index")))
    frame.columns = cols
    return frame
