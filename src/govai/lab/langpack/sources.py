"""Read the installed JupyterLab language packs (zh_TW and zh_CN) that the Taiwan pack is built from.

The packs are ordinary wheels in site-packages: ``<module>/locale/<locale>/LC_MESSAGES/<domain>.json``
(what the browser loads) and ``<domain>.mo`` (what the server uses for settings schemas and menu
labels). The JSON has the translations, the ``.mo`` also the English plural ``msgid_plural`` that a
new ``.mo`` needs, so both are read.

Once govai's pack has replaced the official zh_TW distribution, the official files are gone from
site-packages; govai's pack therefore carries a verbatim copy of them under ``upstream/``, and a
rebuild reads that copy. No file is ever downloaded.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from babel.messages.mofile import read_mo

#: Version label govai puts after ``+`` so its build is told apart from the official one.
LOCAL_TAG = "govai"
OFFICIAL_DIST = "jupyterlab-language-pack-zh-TW"
OFFICIAL_MODULE = "jupyterlab_language_pack_zh_TW"
SOURCE_DIST = "jupyterlab-language-pack-zh-CN"
SOURCE_MODULE = "jupyterlab_language_pack_zh_CN"
#: Folder inside govai's pack holding the copy of the official files (see module docstring).
UPSTREAM_DIR = "upstream"
UPSTREAM_INFO = "SOURCE.json"

#: Separator gettext uses between a message context and its id (``menu\x04File``).
CONTEXT_SEP = "\x04"


class LangpackSourceError(RuntimeError):
    """An input language pack is missing or unreadable; the message says which and how to fix it."""


@dataclass
class Catalog:
    """One translation domain (``jupyterlab``, ``notebook``…) of one language pack."""

    domain: str
    #: The JSON's ``""`` entry: domain, language, plural_forms, version.
    header: dict[str, str]
    #: ``"context\x04msgid"`` or ``"msgid"`` -> translations (one per plural form, JSON layout).
    messages: dict[str, list[str]]
    #: Key -> English ``msgid_plural``, for the plural messages only.
    plurals: dict[str, str] = field(default_factory=dict)

    def translated(self, key: str) -> list[str] | None:
        """The translations of ``key``, or None when absent or all empty (= untranslated)."""
        value = self.messages.get(key)
        return value if value and any(value) else None


@dataclass
class PackSource:
    """An installed language pack to read: where its files are and which release they are."""

    locale: str
    distribution: str
    version: str
    messages_dir: Path
    license_files: list[Path]
    #: Where the files were read from (for messages; not recorded in the pack, so that a rebuild
    #: from govai's copy of the official files gives the same content hash).
    location: str

    @property
    def origin(self) -> str:
        """``distribution version``, as recorded in the provenance."""
        return f"{self.distribution} {self.version}"

    def domains(self) -> list[str]:
        """Translation domains the pack ships (names of its JSON files)."""
        return sorted(p.stem for p in self.messages_dir.glob("*.json"))

    def catalog(self, domain: str) -> Catalog:
        """Read one domain: JSON for translations, .mo for plural ids."""
        json_path = self.messages_dir / f"{domain}.json"
        try:
            data: dict = json.loads(json_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise LangpackSourceError(f"無法讀取 / cannot read {json_path}: {exc}") from exc
        header = data.pop("", {})
        messages = {key: list(value) for key, value in data.items()}
        return Catalog(domain, dict(header), messages, _plural_ids(self.messages_dir / f"{domain}.mo"))

    def catalogs(self) -> dict[str, Catalog]:
        """Every domain of the pack, by name."""
        return {domain: self.catalog(domain) for domain in self.domains()}

    def snapshot(self, dest: Path) -> None:
        """Copy the pack's message files and licences verbatim into ``dest`` (see module docstring)."""
        messages = dest / self.locale / "LC_MESSAGES"
        messages.mkdir(parents=True, exist_ok=True)
        for path in sorted(self.messages_dir.iterdir()):
            if path.suffix in {".json", ".mo"}:
                shutil.copyfile(path, messages / path.name)
        for lic in self.license_files:
            shutil.copyfile(lic, dest / lic.name)
        info = {"distribution": self.distribution, "version": self.version, "locale": self.locale}
        (dest / UPSTREAM_INFO).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")


def _plural_ids(mo_path: Path) -> dict[str, str]:
    """Key -> msgid_plural for every plural message of a .mo file (empty if there is no .mo)."""
    if not mo_path.is_file():
        return {}
    with mo_path.open("rb") as fh:
        catalog = read_mo(fh)
    plurals: dict[str, str] = {}
    for message in catalog:
        if isinstance(message.id, list | tuple) and message.id[0]:
            key = (message.context + CONTEXT_SEP if message.context else "") + message.id[0]
            plurals[key] = message.id[1]
    return plurals


def _distribution(name: str) -> metadata.Distribution | None:
    try:
        return metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return None


def _licenses(dist: metadata.Distribution) -> list[Path]:
    found = []
    for entry in dist.files or []:
        parts = entry.parts
        if len(parts) >= 2 and parts[0].endswith(".dist-info") and parts[1] in {"licenses", "LICENSE.txt"}:
            path = Path(str(dist.locate_file(entry)))
            if path.is_file():
                found.append(path)
    return found


def is_govai_build(version: str) -> bool:
    """Whether an installed zh_TW distribution version is govai's build (``4.5.post3+govai.…``)."""
    return f"+{LOCAL_TAG}." in version


def official_source() -> PackSource:
    """The official zh_TW pack: installed from PyPI, or the copy inside govai's installed build."""
    dist = _distribution(OFFICIAL_DIST)
    if dist is None:
        raise LangpackSourceError(
            f"找不到 {OFFICIAL_DIST}；請先執行 make install / {OFFICIAL_DIST} is not installed: run "
            f"`pip install {OFFICIAL_DIST}` (or `make install`)"
        )
    module_dir = Path(str(dist.locate_file(OFFICIAL_MODULE)))
    if not is_govai_build(dist.version):
        return PackSource(
            locale="zh_TW",
            distribution=dist.metadata["Name"],
            version=dist.version,
            messages_dir=module_dir / "locale" / "zh_TW" / "LC_MESSAGES",
            license_files=_licenses(dist),
            location=str(module_dir),
        )
    upstream = module_dir / UPSTREAM_DIR
    try:
        info = json.loads((upstream / UPSTREAM_INFO).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise LangpackSourceError(
            f"govai 語言套件缺少官方檔案副本，請重新安裝官方套件 / govai's pack lacks its copy of the "
            f"official files ({exc}); run `pip install --force-reinstall {OFFICIAL_DIST}` then "
            "`python -m govai.lab.langpack install`"
        ) from exc
    return PackSource(
        locale="zh_TW",
        distribution=info["distribution"],
        version=info["version"],
        messages_dir=upstream / "zh_TW" / "LC_MESSAGES",
        license_files=sorted(p for p in upstream.iterdir() if p.is_file() and p.name.startswith("LICENSE")),
        location=f"{upstream} (copy kept in {dist.metadata['Name']} {dist.version})",
    )


def source_pack() -> PackSource:
    """The zh_CN pack whose (larger) set of strings is converted to Taiwan usage."""
    dist = _distribution(SOURCE_DIST)
    if dist is None:
        raise LangpackSourceError(
            f"找不到 {SOURCE_DIST} / {SOURCE_DIST} is not installed: run `make install`"
        )
    module_dir = Path(str(dist.locate_file(SOURCE_MODULE)))
    return PackSource(
        locale="zh_CN",
        distribution=dist.metadata["Name"],
        version=dist.version,
        messages_dir=module_dir / "locale" / "zh_CN" / "LC_MESSAGES",
        license_files=_licenses(dist),
        location=str(module_dir),
    )
