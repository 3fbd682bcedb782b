"""A minimal client for an OpenAI-compatible chat-completions endpoint (an on-premise model server).

Agencies may run a closed model on their own servers once the environment's security is
confirmed (行政院及所屬機關(構)使用生成式AI參考指引, 112.10.03), so the course talks to a
configurable URL rather than a cloud service. Configuration comes from the environment:

- ``GOVAI_LLM_URL``: base URL of the server, e.g. ``http://127.0.0.1:8000/v1``
- ``GOVAI_LLM_MODEL``: model name to request (default ``local-model``)

Only the standard library is used (``urllib``), so lessons run offline: without a server,
``chat()`` raises ``LLMUnavailable`` with a Traditional Chinese explanation instead of a traceback.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

__all__ = ["LLMUnavailable", "LLMConfig", "config", "build_request", "chat", "available"]

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

    @property
    def endpoint(self) -> str:
        if not self.url:
            raise LLMUnavailable(OFFLINE_MESSAGE)
        base = self.url.rstrip("/")
        # Accept either the base URL (…/v1) or the full chat-completions URL.
        return base if base.endswith("/chat/completions") else base + "/chat/completions"


def config() -> LLMConfig:
    """Read the endpoint from the environment each time, so a notebook can set it late."""
    url = os.environ.get("GOVAI_LLM_URL", "").strip() or None
    model = os.environ.get("GOVAI_LLM_MODEL", "").strip() or DEFAULT_MODEL
    return LLMConfig(url=url, model=model)


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
    req = urllib.request.Request(endpoint, data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
                                 headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=cfg.timeout) as resp:  # noqa: S310 - URL set by the operator
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
