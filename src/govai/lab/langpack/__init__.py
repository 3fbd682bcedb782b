"""A complete Traditional Chinese (Taiwan) interface for JupyterLab.

The official zh_TW language pack translates about a quarter of JupyterLab's strings (not even
the menu bar); the zh_CN pack translates nearly all. ``python -m govai.lab.langpack install`` builds
a zh_TW pack from the official zh_TW strings, the zh_CN strings converted to Taiwan usage with
OpenCC ``s2twp``, and a reviewed glossary (``glossary.yaml``), and installs it in place of the
official one. ``provenance.json`` inside the pack says where each string came from.
"""

from __future__ import annotations

from govai.lab.langpack.merge import Glossary, load_glossary
from govai.lab.langpack.package import (
    LOCALE,
    PROVENANCE_FILE,
    BuildResult,
    InstallResult,
    build_pack,
    install_pack,
    installed_pack_dir,
    installed_version,
)
from govai.lab.langpack.sources import LangpackSourceError

__all__ = [
    "LOCALE",
    "PROVENANCE_FILE",
    "BuildResult",
    "Glossary",
    "InstallResult",
    "LangpackSourceError",
    "build_pack",
    "install_pack",
    "installed_pack_dir",
    "installed_version",
    "load_glossary",
]
