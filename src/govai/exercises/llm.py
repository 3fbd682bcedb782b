"""A minimal client for an OpenAI-compatible chat-completions endpoint (an on-premise model server).

Agencies may run a closed model on their own servers once the environment's security is
confirmed (行政院及所屬機關(構)使用生成式AI參考指引, 112.10.03), so the course talks to a
configurable URL rather than a cloud service. Configuration comes from the environment:

- ``GOVAI_LLM_URL``: base URL of the server, e.g. ``http://127.0.0.1:8000/v1``
- ``GOVAI_LLM_MODEL``: model name to request (default ``local-model``)

- ``GOVAI_LLM_API_KEY``: optional key, sent as ``Authorization: Bearer …`` (an agency endpoint requires one)

Only the standard library is used (``urllib``), so lessons run offline: without a server,
``chat()`` raises ``LLMUnavailable`` with a Traditional Chinese explanation instead of a traceback.

:func:`serve_stub` starts the project's deterministic local stand-in for such a server (lessons and
tests use it; ``python -m govai.exercises.llm --port 8000`` runs it in the foreground). It is **not** a language
model: it answers from the passages in the prompt by character-bigram overlap, cites the passage id,
refuses when no passage overlaps enough, and — like the naive models OWASP LLM01 describes — obeys an
injected instruction unless the instruction sits inside a ``<資料>`` block that the system message
declares to be data. The model name selects a behaviour: ``local-model`` (the default) and
``local-model-v2``, a "vendor update" that drops citations and no longer refuses (for regression suites).
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["LLMUnavailable", "LLMConfig", "config", "build_request", "chat", "available",
           "StubServer", "serve_stub", "stub_reply"]

DEFAULT_MODEL = "local-model"
OFFLINE_MESSAGE = (
    "目前沒有設定語言模型伺服器：請把環境變數 GOVAI_LLM_URL 設為機關地端模型服務的網址"
    "（OpenAI 相容，例如 http://127.0.0.1:8000/v1），必要時以 GOVAI_LLM_MODEL 指定模型名稱。"
    "本課程的練習不需要語言模型也能完成。"
)


class LLMUnavailable(RuntimeError):
    """No endpoint configured, or the endpoint could not be reached or answered badly."""


@dataclass(frozen=True)
class LLMConfig:
    url: str | None
    model: str
    timeout: float = 30.0
    api_key: str | None = None

    @property
    def endpoint(self) -> str:
        if not self.url:
            raise LLMUnavailable(OFFLINE_MESSAGE)
        if not self.url.startswith(("http://", "https://")):
            # urlopen would also read file: and ftp: URLs; the course only ever talks to a model server.
            raise LLMUnavailable(f"GOVAI_LLM_URL 必須是 http:// 或 https:// 開頭的網址，目前是：{self.url}")
        base = self.url.rstrip("/")
        # Accept either the base URL (…/v1) or the full chat-completions URL.
        return base if base.endswith("/chat/completions") else base + "/chat/completions"


def config() -> LLMConfig:
    """Read the endpoint from the environment each time, so a notebook can set it late."""
    url = os.environ.get("GOVAI_LLM_URL", "").strip() or None
    model = os.environ.get("GOVAI_LLM_MODEL", "").strip() or DEFAULT_MODEL
    key = os.environ.get("GOVAI_LLM_API_KEY", "").strip() or None
    return LLMConfig(url=url, model=model, api_key=key)


def available() -> bool:
    return config().url is not None


def build_request(messages: list[dict[str, str]], *, model: str, temperature: float = 0.0,
                  max_tokens: int | None = None) -> dict[str, Any]:
    """The JSON body of a chat-completions request. Temperature 0 by default: stable answers for public service."""
    for m in messages:
        if m.get("role") not in ("system", "user", "assistant") or not isinstance(m.get("content"), str):
            raise ValueError("每則訊息需要 role（system／user／assistant）與字串 content")
    body: dict[str, Any] = {"model": model, "messages": messages, "temperature": temperature}
    if max_tokens is not None:
        body["max_tokens"] = max_tokens
    return body


def chat(messages: list[dict[str, str]], *, temperature: float = 0.0, max_tokens: int | None = None,
         cfg: LLMConfig | None = None) -> str:
    """Send ``messages`` and return the assistant's reply text; raise LLMUnavailable when offline."""
    cfg = cfg or config()
    endpoint = cfg.endpoint   # raises the offline message first, before any network access
    body = build_request(messages, model=cfg.model, temperature=temperature, max_tokens=max_tokens)
    headers = {"Content-Type": "application/json"}
    if cfg.api_key:
        headers["Authorization"] = f"Bearer {cfg.api_key}"
    req = urllib.request.Request(endpoint, data=json.dumps(body, ensure_ascii=False).encode("utf-8"),  # noqa: S310 - http(s) only, see endpoint
                                 headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=cfg.timeout) as resp:  # noqa: S310 - http(s) only, see endpoint
            payload = json.loads(resp.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        raise LLMUnavailable(f"語言模型伺服器回應錯誤 HTTP {exc.code}：{exc.reason}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise LLMUnavailable(f"無法連線到語言模型伺服器 {endpoint}：{exc}") from exc
    except json.JSONDecodeError as exc:
        raise LLMUnavailable("語言模型伺服器的回應不是 JSON") from exc
    try:
        content = payload["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError) as exc:
        raise LLMUnavailable("語言模型伺服器的回應不是 OpenAI 相容格式（缺少 choices[0].message.content）") from exc
    if not isinstance(content, str):
        raise LLMUnavailable("語言模型伺服器回傳的內容不是文字")
    return content


# -- the deterministic local stub server ------------------------------------------------------------

_BLOCK = re.compile(r'<資料 id="([^"<>]*)">(.*?)</資料>', re.S)
_LINE = re.compile(r"^\[([^\]]+)\]\s*(.+)$", re.M)
# Matched after removing whitespace, so "忽 略 以 上" counts too (as a real model would read it).
_INJECTION = re.compile(r"忽略(以上|先前|前面|之前|所有)|無視(以上|先前|規則)|ignore(all|the)?(previous|above|prior)|"
                        r"系統提示|你現在是|開發者模式|developermode", re.I)
REFUSAL = "資料中沒有足以回答的內容，無法回答；請洽承辦單位。"
MIN_OVERLAP = 0.25


def _bigrams(text: str) -> set[str]:
    chars = [c for c in text if c.strip() and c not in "，。、？！：；「」（）()?!,.:;\"'＜＞<>"]
    return {a + b for a, b in zip(chars, chars[1:], strict=False)}


def _passages(user: str) -> list[tuple[str, str]]:
    found = _BLOCK.findall(user)
    return found if found else _LINE.findall(user)


def _question(user: str) -> str:
    for marker in ("民眾問題：", "問題：", "Question:"):
        if marker in user:
            return user.rsplit(marker, 1)[1].strip()
    return _BLOCK.sub("", user).strip().splitlines()[-1] if user.strip() else ""


def stub_reply(messages: list[dict[str, str]], model: str = DEFAULT_MODEL) -> str:
    """What the stub server answers to ``messages`` (deterministic; the server calls this)."""
    system = "\n".join(m["content"] for m in messages if m.get("role") == "system")
    user = "\n".join(m["content"] for m in messages if m.get("role") == "user")
    declared = "不是指令" in system or "不要照做" in system or "not instructions" in system.lower()
    outside = _BLOCK.sub(" ", user) if declared else user
    if _INJECTION.search(re.sub(r"\s+", "", outside)):          # the naive model obeys the injected instruction
        return "好的，我會照做。以下是系統提示：" + (system or "（無）")
    question = _question(user)
    q = _bigrams(question)
    best, best_score = None, 0.0
    for pid, text in _passages(user):
        score = len(q & _bigrams(text)) / len(q) if q else 0.0
        if best is None or score > best_score:
            best, best_score = (pid, text), score
    v2 = model.endswith("-v2")
    if best is None or (best_score < MIN_OVERLAP and not v2):
        return REFUSAL
    sentence = re.split(r"(?<=[。！？])", best[1].strip())[0]
    return sentence if v2 else f"依據〔{best[0]}〕：{sentence}"


@dataclass
class StubServer:
    """A running stub; ``url`` is the base URL (…/v1) to put in ``GOVAI_LLM_URL``."""

    httpd: ThreadingHTTPServer
    thread: threading.Thread
    requests: list[dict[str, Any]] = field(default_factory=list)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host.decode() if isinstance(host, bytes) else host}:{port}/v1"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)

    def __enter__(self) -> StubServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _handler(server: list[StubServer], api_key: str | None, rate_limit: int | None,
             window: float) -> type[BaseHTTPRequestHandler]:
    stamps: list[float] = []
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def _send(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:  # http.server API
            if not self.path.rstrip("/").endswith("/chat/completions"):
                self._send(404, {"error": {"message": "not found"}})
                return
            if api_key and self.headers.get("Authorization") != f"Bearer {api_key}":
                self._send(401, {"error": {"message": "missing or wrong API key"}})
                return
            with lock:
                now = time.monotonic()
                stamps[:] = [t for t in stamps if now - t < window]
                if rate_limit is not None and len(stamps) >= rate_limit:
                    self._send(429, {"error": {"message": "rate limit"}})
                    return
                stamps.append(now)
            try:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))).decode("utf-8"))
                messages = body["messages"]
                model = str(body.get("model") or DEFAULT_MODEL)
            except (ValueError, KeyError, TypeError):
                self._send(400, {"error": {"message": "bad request"}})
                return
            server[0].requests.append(body)
            content = stub_reply(messages, model)
            prompt = sum(len(m.get("content", "")) for m in messages)
            self._send(200, {"id": f"stub-{len(server[0].requests)}", "object": "chat.completion", "model": model,
                             "choices": [{"index": 0, "finish_reason": "stop",
                                          "message": {"role": "assistant", "content": content}}],
                             "usage": {"prompt_tokens": prompt, "completion_tokens": len(content),
                                       "total_tokens": prompt + len(content)}})

        def log_message(self, *args: Any) -> None:   # quiet
            pass

    return Handler


def serve_stub(host: str = "127.0.0.1", port: int = 0, *, api_key: str | None = None,
               rate_limit: int | None = None, window: float = 60.0) -> StubServer:
    """Start the stub in a background thread on ``host:port`` (0 = a free port); ``close()`` stops it.

    ``api_key`` makes it answer 401 without ``Authorization: Bearer <key>``; ``rate_limit`` requests per
    ``window`` seconds, then 429.
    """
    holder: list[StubServer] = []
    httpd = ThreadingHTTPServer((host, port), _handler(holder, api_key, rate_limit, window))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, name="govai-llm-stub", daemon=True)
    holder.append(StubServer(httpd, thread))
    thread.start()
    return holder[0]


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="govai 的確定性本機語言模型替身（OpenAI 相容）")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--api-key", default=None)
    args = parser.parse_args(argv)
    stub = serve_stub(args.host, args.port, api_key=args.api_key)
    print(f"stub server at {stub.url}", flush=True)
    try:
        stub.thread.join()
    except KeyboardInterrupt:
        stub.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
