"""Merge the official zh_TW strings, the converted zh_CN strings and the reviewed glossary.

Order of precedence, per message:

1. **official** — the human translation in the official zh_TW pack always wins;
2. **glossary** — an exact message in ``glossary.yaml`` (a reviewed Taiwan UI label such as
   ``menu\\x04File`` → 檔案) fills a message the official pack lacks;
3. **converted** — otherwise the zh_CN string converted by OpenCC ``s2twp`` (characters and
   Taiwan phrases), then corrected with the glossary's term list for the words OpenCC gets wrong
   in a user interface (單元格 → 儲存格, 會話 → 工作階段…).

Every message's origin goes into the provenance record so translators can take the converted
strings upstream (https://crowdin.com/project/jupyterlab) and the pack shrinks back to official.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml

from govai.lab.langpack.sources import CONTEXT_SEP, Catalog

Origin = Literal["official", "glossary", "converted"]
#: Unicode private-use characters: cannot occur in UI strings, so safe as temporary placeholders.
_PLACEHOLDER_BASE = 0xE000


@dataclass(frozen=True)
class Term:
    """A word OpenCC's output gets wrong in a UI, and its reviewed Taiwan replacement.

    ``find`` is matched in the converted (already Traditional) text. ``keep`` lists longer phrases
    containing ``find`` that are right as they are. ``only_msgid`` / ``unless_msgid`` are regular
    expressions on the English source, for words whose Taiwan form depends on the meaning
    (專案 is right for "project", wrong for "item").
    """

    find: str
    replace: str
    en: str = ""
    note: str = ""
    keep: tuple[str, ...] = ()
    only_msgid: re.Pattern[str] | None = None
    unless_msgid: re.Pattern[str] | None = None

    def applies_to(self, msgid: str) -> bool:
        """Whether the term may be used for a message with this English id."""
        if self.only_msgid is not None and not self.only_msgid.search(msgid):
            return False
        return not (self.unless_msgid is not None and self.unless_msgid.search(msgid))

    def apply(self, text: str) -> str:
        """Replace ``find`` in ``text``, leaving ``keep`` phrases and existing ``replace`` intact.

        Protecting ``replace`` makes the rule idempotent when it contains ``find``
        (終端 → 終端機 must not turn 終端機 into 終端機機).
        """
        if self.find not in text:
            return text
        protected = [p for p in (self.replace, *self.keep) if self.find in p]
        for i, phrase in enumerate(protected):
            text = text.replace(phrase, chr(_PLACEHOLDER_BASE + i))
        text = text.replace(self.find, self.replace)
        for i, phrase in enumerate(protected):
            text = text.replace(chr(_PLACEHOLDER_BASE + i), phrase)
        return text


@dataclass(frozen=True)
class GlossaryMessage:
    """A reviewed translation of one exact message (domain, context, English id)."""

    domain: str
    context: str | None
    msgid: str
    translation: str
    note: str = ""

    @property
    def key(self) -> str:
        """The catalog key: ``context\\x04msgid`` or ``msgid``."""
        return f"{self.context}{CONTEXT_SEP}{self.msgid}" if self.context else self.msgid


@dataclass(frozen=True)
class Glossary:
    """The reviewed Taiwan UI vocabulary (``glossary.yaml``)."""

    terms: tuple[Term, ...]
    messages: tuple[GlossaryMessage, ...]

    def messages_for(self, domain: str) -> dict[str, GlossaryMessage]:
        """The exact-message entries of one domain, by catalog key."""
        return {m.key: m for m in self.messages if m.domain == domain}


class GlossaryError(ValueError):
    """glossary.yaml is malformed; the message names the entry."""


def default_glossary_path() -> Path:
    """The glossary shipped with govai."""
    return Path(str(resources.files("govai.lab.langpack") / "glossary.yaml"))


def load_glossary(path: Path | None = None) -> Glossary:
    """Read and check ``glossary.yaml``."""
    path = path or default_glossary_path()
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    terms = []
    for i, raw in enumerate(data.get("terms", [])):
        try:
            terms.append(Term(
                find=str(raw["find"]),
                replace=str(raw["replace"]),
                en=str(raw.get("en", "")),
                note=str(raw.get("note", "")),
                keep=tuple(str(k) for k in raw.get("keep", [])),
                only_msgid=re.compile(raw["only_msgid"]) if raw.get("only_msgid") else None,
                unless_msgid=re.compile(raw["unless_msgid"]) if raw.get("unless_msgid") else None,
            ))
        except (KeyError, TypeError, re.error) as exc:
            raise GlossaryError(f"{path}: terms[{i}] {raw!r}: {exc}") from exc
    messages = []
    for i, raw in enumerate(data.get("messages", [])):
        try:
            messages.append(GlossaryMessage(
                domain=str(raw.get("domain", "jupyterlab")),
                context=str(raw["context"]) if raw.get("context") else None,
                msgid=str(raw["msgid"]),
                translation=str(raw["zh_TW"]),
                note=str(raw.get("note", "")),
            ))
        except (KeyError, TypeError) as exc:
            raise GlossaryError(f"{path}: messages[{i}] {raw!r}: {exc}") from exc
    keys = [(m.domain, m.key) for m in messages]
    if len(keys) != len(set(keys)):
        raise GlossaryError(f"{path}: a message is listed twice")
    return Glossary(tuple(terms), tuple(messages))


class Converter:
    """OpenCC ``s2twp``: Simplified → Traditional characters with Taiwan phrases."""

    def __init__(self) -> None:
        import opencc  # imported here: only a build needs it

        self._cc = opencc.OpenCC("s2twp")
        self._chars = opencc.OpenCC("s2t")

    def __call__(self, text: str) -> str:
        return self._cc.convert(text) if text else text

    def fix_stray_simplified(self, text: str) -> str:
        """Replace only the Simplified-only characters of an otherwise Traditional string.

        The official zh_TW pack has a few (the Simplified U+5220 in place of 刪 in 刪除); converting whole human translations
        could reword them, so each offending character is converted on its own.
        """
        return "".join(self._chars.convert(ch) if is_simplified_only(ch) else ch for ch in text)


def is_simplified_only(ch: str) -> bool:
    """Whether ``ch`` is a Simplified-only Chinese character (hanzidentifier's SIMPLIFIED)."""
    import hanzidentifier

    return hanzidentifier.identify(ch) == hanzidentifier.SIMPLIFIED


def msgid_of(key: str) -> str:
    """The English id of a catalog key (drops the ``context\\x04`` prefix)."""
    return key.split(CONTEXT_SEP, 1)[-1]


@dataclass
class MergedDomain:
    """The merged strings of one domain and where each came from."""

    domain: str
    header: dict[str, str]
    messages: dict[str, list[str]]
    plurals: dict[str, str]
    provenance: dict[str, dict[str, Any]]
    counts: dict[str, int] = field(default_factory=dict)


def apply_terms(text: str, msgid: str, terms: Iterable[Term]) -> tuple[str, list[str]]:
    """Apply the glossary terms in file order; also return which ones changed the text."""
    used = []
    for term in terms:
        if term.find in text and term.applies_to(msgid):
            new = term.apply(text)
            if new != text:
                used.append(f"{term.find}→{term.replace}")
                text = new
    return text, used


def _translated_count(catalog: Catalog | None) -> int:
    return sum(1 for key in catalog.messages if catalog.translated(key)) if catalog else 0


def merge_domain(
    domain: str,
    official: Catalog | None,
    source: Catalog | None,
    glossary: Glossary,
    convert: Converter,
) -> MergedDomain:
    """Merge one domain; see the module docstring for the precedence."""
    by_key = glossary.messages_for(domain)
    keys = sorted(
        set(official.messages if official else ()) | set(source.messages if source else ()) | set(by_key)
    )
    messages: dict[str, list[str]] = {}
    provenance: dict[str, dict[str, Any]] = {}
    plurals = {**(source.plurals if source else {}), **(official.plurals if official else {})}
    for key in keys:
        human = official.translated(key) if official else None
        simplified = source.translated(key) if source else None
        entry: dict[str, Any] = {}
        if human is not None:
            fixed = [convert.fix_stray_simplified(text) for text in human]
            messages[key] = fixed
            entry["source"] = "official"
            if fixed != human:
                # Reported so translators fix it upstream too.
                entry["simplified_characters_fixed"] = human[0]
            if key in by_key and by_key[key].translation != human[0]:
                # Kept for reviewers: the glossary disagrees but the human translation wins.
                entry["glossary_not_applied"] = by_key[key].translation
        elif key in by_key:
            gm = by_key[key]
            # Plural messages keep their JSON shape: one form in zh (nplurals=1), then "".
            width = len(simplified) if simplified else 1
            messages[key] = [gm.translation] + [""] * (width - 1)
            entry["source"] = "glossary"
            if gm.note:
                entry["note"] = gm.note
        elif simplified is not None:
            converted: list[str] = []
            used: list[str] = []
            for text in simplified:
                out, terms_used = apply_terms(convert(text), msgid_of(key), glossary.terms)
                converted.append(out)
                used.extend(t for t in terms_used if t not in used)
            messages[key] = converted
            entry["source"] = "converted"
            if used:
                entry["terms"] = used
        else:
            continue  # present but untranslated in both packs: gettext falls back to English
        if simplified is not None and entry["source"] != "official":
            entry["zh_CN"] = simplified[0]
        provenance[key] = entry
    base = official or source
    header = dict(base.header) if base else {}
    header.update({"domain": domain, "language": "zh-TW"})
    counts = {
        source_name: sum(1 for e in provenance.values() if e["source"] == source_name)
        for source_name in ("official", "glossary", "converted")
    }
    counts |= {
        "converted_with_terms": sum(1 for e in provenance.values() if e.get("terms")),
        "total": len(messages),
        "zh_CN": _translated_count(source),
        "zh_TW_official": _translated_count(official),
    }
    return MergedDomain(domain, header, messages, {k: v for k, v in plurals.items() if k in messages},
                        provenance, counts)
