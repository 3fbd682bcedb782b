"""Build govai's zh_TW language pack as a wheel and install it in place of the official one.

Why the wheel keeps the official distribution and module names
(``jupyterlab-language-pack-zh-TW`` / ``jupyterlab_language_pack_zh_TW``) and only adds a local
version label (``4.5.post3+govai.<hash>``):

* jupyterlab_server finds the *browser* strings through the ``jupyterlab.languagepack`` entry
  point, but translates the *server-side* strings — settings schemas and the main menu labels
  (File, Edit…) — with gettext ``.mo`` files from the module named
  ``jupyterlab_language_pack_<locale>`` (``TranslationBundle.update_locale``). A pack under any
  other module name leaves the menu bar in English.
* Two distributions cannot own one module, and when two entry points are both named ``zh_TW``
  the winner depends on directory listing order. Replacing the distribution avoids both.
* ``4.5.post3+govai.…`` still satisfies govai's ``==4.5.post3`` pin (PEP 440 ignores local labels),
  so ``pip check`` stays clean and ``pip install -e .`` does not put the official pack back.

The content hash in the version makes ``install`` a no-op when nothing changed.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from govai.lab.langpack.merge import Converter, Glossary, MergedDomain, load_glossary, merge_domain
from govai.lab.langpack.sources import (
    CONTEXT_SEP,
    LOCAL_TAG,
    OFFICIAL_DIST,
    OFFICIAL_MODULE,
    UPSTREAM_DIR,
    PackSource,
    is_govai_build,
    official_source,
    source_pack,
)

LOCALE = "zh_TW"
PROVENANCE_FILE = "provenance.json"
#: Bumped when the layout of the built pack changes, so an old build is not mistaken for current.
BUILD_FORMAT = 1
#: Fixed timestamp for zip entries: the same inputs give a byte-identical wheel.
_ZIP_DATE = (2020, 1, 1, 0, 0, 0)


@dataclass
class BuildResult:
    """What ``build_pack`` produced."""

    wheel: Path
    tree: Path
    version: str
    content_hash: str
    counts: dict[str, dict[str, int]]
    provenance: Path


# --- .mo writing ----------------------------------------------------------------------------------

def write_mo(path: Path, merged: MergedDomain) -> None:
    """Write a GNU gettext .mo file, deterministically (sorted, no dates), for the server side.

    Plural messages need their English ``msgid_plural`` (kept from the source .mo files);
    a plural message without one is written as a singular, which gettext still finds.
    """
    header = (
        f"Project-Id-Version: {merged.domain}\nLanguage: {LOCALE}\nMIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n"
        f"Plural-Forms: {merged.header.get('plural_forms', 'nplurals=1; plural=0;')}\n"
        "X-Generator: govai.lab.langpack\n"
    )
    entries: dict[bytes, bytes] = {b"": header.encode()}
    for key, forms in merged.messages.items():
        plural = merged.plurals.get(key)
        if plural is not None:
            nonempty = [f for f in forms if f] or [""]
            entries[key.encode() + b"\0" + plural.encode()] = "\0".join(nonempty).encode()
        else:
            entries[key.encode()] = forms[0].encode()
    ids = sorted(entries)
    n = len(ids)
    orig_table = 7 * 4
    trans_table = orig_table + n * 8
    data_start = trans_table + n * 8
    offsets: list[tuple[int, int]] = []
    blob = bytearray()
    for msgid in ids:
        offsets.append((len(msgid), data_start + len(blob)))
        blob += msgid + b"\0"
    trans_offsets: list[tuple[int, int]] = []
    for msgid in ids:
        value = entries[msgid]
        trans_offsets.append((len(value), data_start + len(blob)))
        blob += value + b"\0"
    out = bytearray(struct.pack("<7I", 0x950412DE, 0, n, orig_table, trans_table, 0, data_start))
    for length, offset in offsets + trans_offsets:
        out += struct.pack("<2I", length, offset)
    out += blob
    path.write_bytes(bytes(out))


def write_json(path: Path, merged: MergedDomain) -> None:
    """Write the browser-side JSON in the official packs' layout (``""`` header first, sorted keys)."""
    data = {"": merged.header, **{k: merged.messages[k] for k in sorted(merged.messages)}}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n", encoding="utf-8")


# --- building -------------------------------------------------------------------------------------

def merge_all(
    official: PackSource, source: PackSource, glossary: Glossary
) -> dict[str, MergedDomain]:
    """Merge every domain either pack covers (plus any domain only the glossary names)."""
    convert = Converter()
    official_domains = set(official.domains())
    source_domains = set(source.domains())
    domains = sorted(official_domains | source_domains | {m.domain for m in glossary.messages})
    return {
        d: merge_domain(
            d,
            official.catalog(d) if d in official_domains else None,
            source.catalog(d) if d in source_domains else None,
            glossary,
            convert,
        )
        for d in domains
    }


def _provenance(merged: dict[str, MergedDomain], official: PackSource, source: PackSource) -> dict[str, Any]:
    return {
        "locale": LOCALE,
        "about": (
            "Origin of every string of govai's zh_TW JupyterLab pack: 'official' = official zh_TW "
            "pack (human translation), 'glossary' = govai's reviewed glossary.yaml, 'converted' = "
            "zh_CN pack converted with OpenCC s2twp (+ glossary 'terms'). Converted and glossary "
            "strings are candidates to contribute upstream at https://crowdin.com/project/jupyterlab."
        ),
        "sources": {"official": official.origin, "converted_from": source.origin,
                    "converter": "OpenCC s2twp", "glossary": "govai/lab/langpack/glossary.yaml"},
        "counts": {d: m.counts for d, m in merged.items()},
        "messages": {
            d: {k.replace(CONTEXT_SEP, "\\u0004"): v for k, v in m.provenance.items()}
            for d, m in merged.items()
        },
    }


def _tree_hash(root: Path) -> str:
    """sha256 over the relative paths and bytes of every file under ``root``."""
    digest = hashlib.sha256(f"govai-langpack-format-{BUILD_FORMAT}".encode())
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def build_tree(
    dest: Path, glossary_path: Path | None = None
) -> tuple[Path, str, dict[str, Any], PackSource, PackSource]:
    """Write the package directory ``dest/jupyterlab_language_pack_zh_TW``.

    Returns the package path, its content hash (taken before the version-bearing ``__init__.py``
    is written), the provenance record, and the official and zh_CN sources read.
    """
    official = official_source()
    source = source_pack()
    glossary = load_glossary(glossary_path)
    merged = merge_all(official, source, glossary)

    pkg = dest / OFFICIAL_MODULE
    if pkg.exists():
        shutil.rmtree(pkg)
    messages_dir = pkg / "locale" / LOCALE / "LC_MESSAGES"
    messages_dir.mkdir(parents=True)
    for domain, m in merged.items():
        write_json(messages_dir / f"{domain}.json", m)
        write_mo(messages_dir / f"{domain}.mo", m)
    provenance = _provenance(merged, official, source)
    (pkg / PROVENANCE_FILE).write_text(json.dumps(provenance, ensure_ascii=False, indent=1) + "\n",
                                       encoding="utf-8")
    official.snapshot(pkg / UPSTREAM_DIR)
    content_hash = _tree_hash(pkg)
    return pkg, content_hash, provenance, official, source


def _record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def _write_wheel(wheel: Path, pkg: Path, version: str, licenses: dict[str, bytes], summary: str) -> None:
    dist_info = f"jupyterlab_language_pack_zh_tw-{version}.dist-info"
    files: list[tuple[str, bytes]] = [
        (p.relative_to(pkg.parent).as_posix(), p.read_bytes())
        for p in sorted(pkg.rglob("*")) if p.is_file()
    ]
    license_lines = "".join(f"License-File: {name}\n" for name in sorted(licenses))
    meta = (
        f"Metadata-Version: 2.4\nName: {OFFICIAL_DIST}\nVersion: {version}\nSummary: {summary}\n"
        "Home-page: https://github.com/jupyterlab/language-packs\nLicense: BSD-3-Clause\n"
        f"{license_lines}Requires-Python: >=3.8\n"
    )
    files += [
        (f"{dist_info}/METADATA", meta.encode()),
        (f"{dist_info}/WHEEL", b"Wheel-Version: 1.0\nGenerator: govai.lab.langpack\nRoot-Is-Purelib: true\n"
                               b"Tag: py3-none-any\n"),
        (f"{dist_info}/entry_points.txt",
         f"[jupyterlab.languagepack]\n{LOCALE} = {OFFICIAL_MODULE}\n".encode()),
        *((f"{dist_info}/licenses/{name}", data) for name, data in sorted(licenses.items())),
    ]
    record = "".join(f"{name},{_record_hash(data)},{len(data)}\n" for name, data in files)
    record += f"{dist_info}/RECORD,,\n"
    files.append((f"{dist_info}/RECORD", record.encode()))
    with zipfile.ZipFile(wheel, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)


def build_pack(out_dir: Path, glossary_path: Path | None = None) -> BuildResult:
    """Build the pack into ``out_dir``: the package tree, the wheel and a copy of the provenance."""
    out_dir.mkdir(parents=True, exist_ok=True)
    tree = out_dir / "tree"
    pkg, content_hash, provenance, official, source = build_tree(tree, glossary_path)
    base_version = official.version.split("+", 1)[0]
    version = f"{base_version}+{LOCAL_TAG}.{content_hash[:12]}"
    (pkg / "__init__.py").write_text(
        '"""JupyterLab Traditional Chinese (Taiwan) language pack, completed by govai.lab.langpack.\n\n'
        "Official zh_TW strings, then zh_CN strings converted with OpenCC s2twp, then govai's\n"
        'reviewed glossary; see provenance.json for the origin of each string."""\n\n'
        f'__version__ = "{version}"\n',
        encoding="utf-8",
    )
    licenses = {f"LICENSE-{src.locale}.txt": src.license_files[0].read_bytes()
                for src in (official, source) if src.license_files}
    for old in out_dir.glob("jupyterlab_language_pack_zh_tw-*.whl"):
        old.unlink()
    wheel = out_dir / f"jupyterlab_language_pack_zh_tw-{version}-py3-none-any.whl"
    _write_wheel(wheel, pkg, version, licenses,
                 "JupyterLab Traditional Chinese (Taiwan) language pack, completed by govai "
                 "(official zh_TW + zh_CN converted with OpenCC s2twp + reviewed glossary)")
    prov_copy = out_dir / PROVENANCE_FILE
    shutil.copyfile(pkg / PROVENANCE_FILE, prov_copy)
    return BuildResult(wheel, pkg, version, content_hash, provenance["counts"], prov_copy)


# --- installing -----------------------------------------------------------------------------------

def installed_version() -> str | None:
    """Version of the installed zh_TW distribution (official or govai's), or None."""
    try:
        return metadata.version(OFFICIAL_DIST)
    except metadata.PackageNotFoundError:
        return None


def installed_pack_dir() -> Path | None:
    """The installed zh_TW module directory, when it is govai's build and intact."""
    try:
        dist = metadata.distribution(OFFICIAL_DIST)
    except metadata.PackageNotFoundError:
        return None
    pkg = Path(str(dist.locate_file(OFFICIAL_MODULE)))
    messages = pkg / "locale" / LOCALE / "LC_MESSAGES"
    complete = all(p.is_file() for p in (pkg / PROVENANCE_FILE, messages / "jupyterlab.mo", messages / "jupyterlab.json"))
    return pkg if is_govai_build(dist.version) and complete else None


@dataclass
class InstallResult:
    """Outcome of ``install_pack``."""

    version: str
    changed: bool
    counts: dict[str, dict[str, int]]


def install_pack(force: bool = False) -> InstallResult:
    """Build the pack and pip-install it over the zh_TW pack of this interpreter's environment.

    Skips pip when the same build (same content hash in the version) is already installed and
    intact. ``pip --no-index --no-deps``: nothing is downloaded.
    """
    with tempfile.TemporaryDirectory(prefix="govai-langpack-") as tmp:
        result = build_pack(Path(tmp))
        if not force and installed_version() == result.version and installed_pack_dir() is not None:
            return InstallResult(result.version, False, result.counts)
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--no-index", "--no-deps",
             "--force-reinstall", "--disable-pip-version-check", str(result.wheel)],
            check=True,
        )
    return InstallResult(result.version, True, result.counts)
