"""govai's zh_TW JupyterLab language pack: complete, Traditional, Taiwan wording, traceable."""

from __future__ import annotations

import gettext
import json
import zipfile
from importlib import metadata
from pathlib import Path

import hanzidentifier
import pytest

from govai.course.language import check_text
from govai.lab.langpack import build_pack, installed_pack_dir, load_glossary
from govai.lab.langpack.merge import (
    Converter,
    Glossary,
    GlossaryMessage,
    Term,
    apply_terms,
    merge_domain,
    msgid_of,
)
from govai.lab.langpack.sources import Catalog, official_source, source_pack

MENU_BAR = {"File": "檔案", "Edit": "編輯", "View": "檢視", "Run": "執行", "Kernel": "核心",
            "Tabs": "分頁", "Settings": "設定", "Help": "說明"}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    """One build per test module (under a second)."""
    return build_pack(tmp_path_factory.mktemp("langpack"))


def _messages_dir(result) -> Path:
    return result.tree / "locale" / "zh_TW" / "LC_MESSAGES"


def _load(result, domain: str) -> dict[str, list[str]]:
    data = json.loads((_messages_dir(result) / f"{domain}.json").read_text(encoding="utf-8"))
    data.pop("")
    return data


def _provenance(result) -> dict:
    return json.loads(result.provenance.read_text(encoding="utf-8"))


def _key(provenance_key: str) -> str:
    return provenance_key.replace("\\u0004", "\x04")


def test_covers_every_zh_cn_string_of_jupyterlab(built) -> None:
    ours = {k for k, v in _load(built, "jupyterlab").items() if any(v)}
    zh_cn = source_pack().catalog("jupyterlab")
    simplified = {k for k in zh_cn.messages if zh_cn.translated(k)}
    official = official_source().catalog("jupyterlab")
    assert len(ours) >= len(simplified) > 2000
    assert simplified <= ours
    assert len(ours) > 3 * sum(1 for k in official.messages if official.translated(k))


def test_every_domain_of_both_packs_is_built(built) -> None:
    domains = {p.stem for p in _messages_dir(built).glob("*.json")}
    assert {"jupyterlab", "notebook", "jupyterlab_widgets"} <= domains
    assert set(source_pack().domains()) | set(official_source().domains()) <= domains
    assert {p.stem for p in _messages_dir(built).glob("*.mo")} == domains


def test_no_simplified_only_characters(built) -> None:
    offending = {}
    for path in _messages_dir(built).glob("*.json"):
        for key, forms in _load(built, path.stem).items():
            chars = {ch for text in forms for ch in text
                     if hanzidentifier.identify(ch) == hanzidentifier.SIMPLIFIED}
            if chars:
                offending[f"{path.stem}:{key}"] = "".join(sorted(chars))
    assert offending == {}


def test_converted_strings_use_taiwan_terms(built) -> None:
    """govai.course.language's mainland-term list finds nothing in what govai produced (official aside)."""
    problems = {}
    for domain, entries in _provenance(built)["messages"].items():
        data = _load(built, domain)
        for key, entry in entries.items():
            if entry["source"] != "official":
                found = check_text(" ".join(data[_key(key)]))
                if found:
                    problems[f"{domain}:{key}"] = found
    assert problems == {}


def test_glossary_terms_applied(built) -> None:
    data = _load(built, "jupyterlab")
    for english, taiwan in MENU_BAR.items():
        assert data[f"menu\x04{english}"][0] == taiwan, english
    assert data["menu\x04New"][0] == "新增"
    # Words OpenCC leaves in mainland usage are gone from every converted string: running the
    # glossary's terms again changes nothing.
    glossary = load_glossary()
    leftovers = {}
    for domain, entries in _provenance(built)["messages"].items():
        texts = _load(built, domain)
        for key, entry in entries.items():
            if entry["source"] == "converted":
                text = " ".join(texts[_key(key)])
                again, used = apply_terms(text, msgid_of(_key(key)), glossary.terms)
                if again != text or "單元格" in text:
                    leftovers[f"{domain}:{key}"] = used
    assert leftovers == {}
    assert "儲存格" in data["Clear Cell Output"][0] and "單元格" not in data["Clear Cell Output"][0]


def test_official_strings_win(built) -> None:
    provenance = _provenance(built)["messages"]
    official = official_source()
    for domain in official.domains():
        catalog = official.catalog(domain)
        data = _load(built, domain)
        for key in catalog.messages:
            human = catalog.translated(key)
            if human is None:
                continue
            entry = provenance[domain][key.replace("\x04", "\\u0004")]
            assert entry["source"] == "official"
            if "simplified_characters_fixed" in entry:
                # Only stray Simplified characters are replaced, the wording is the translator's.
                assert len(data[key][0]) == len(human[0])
            else:
                assert data[key] == human


def test_provenance_records_every_string(built) -> None:
    record = _provenance(built)
    for domain, counts in record["counts"].items():
        data = _load(built, domain)
        entries = record["messages"][domain]
        assert {_key(k) for k in entries} == set(data)
        assert {e["source"] for e in entries.values()} <= {"official", "converted", "glossary"}
        assert counts["official"] + counts["converted"] + counts["glossary"] == counts["total"] == len(data)
    jl = record["counts"]["jupyterlab"]
    assert jl["official"] >= 500 and jl["converted"] > 1000 and jl["glossary"] >= 8
    # The zh_CN original is kept beside each converted string, for translators.
    entry = record["messages"]["jupyterlab"]["Clear Cell Output"]
    assert entry["source"] == "converted" and entry["zh_CN"] == "清除\u5355元格\u8f93出"
    assert "單元格→儲存格" in entry["terms"]
    assert (built.tree / "provenance.json").is_file()  # shipped inside the pack too


def test_server_side_mo_files_translate_menus_and_plurals(built) -> None:
    """jupyterlab_server translates menu labels with gettext .mo files, not the JSON."""
    t = gettext.translation("jupyterlab", localedir=str(built.tree / "locale"), languages=["zh_TW"])
    assert t.pgettext("menu", "File") == "檔案"
    assert t.pgettext("menu", "Help") == "說明"
    data = _load(built, "jupyterlab")
    assert t.ngettext("%1 Item", "%1 Items", 2) == data["%1 Item"][0]
    assert t.gettext("Clear Cell Output") == data["Clear Cell Output"][0]


def test_wheel_registers_zh_tw_and_is_reproducible(built, tmp_path: Path) -> None:
    assert built.version.startswith(official_source().version.split("+")[0] + "+govai.")
    with zipfile.ZipFile(built.wheel) as zf:
        names = zf.namelist()
        dist_info = next(n.split("/")[0] for n in names if n.endswith(".dist-info/METADATA"))
        entry_points = zf.read(f"{dist_info}/entry_points.txt").decode()
        record = zf.read(f"{dist_info}/RECORD").decode()
    assert "[jupyterlab.languagepack]\nzh_TW = jupyterlab_language_pack_zh_TW" in entry_points
    assert all(name in record for name in names)
    assert "jupyterlab_language_pack_zh_TW/provenance.json" in names
    assert build_pack(tmp_path).version == built.version  # same inputs, same content hash


def test_installed_pack_is_the_one_jupyterlab_uses(built) -> None:
    """After `make install`, JupyterLab's zh_TW is govai's pack, registered once, not the official."""
    from jupyterlab_server.translation_utils import get_language_pack

    pack = installed_pack_dir()
    assert pack is not None, "govai's zh_TW pack is not installed: run `make install`"
    zh_tw = [ep for ep in metadata.entry_points(group="jupyterlab.languagepack") if ep.name == "zh_TW"]
    assert len(zh_tw) == 1
    data, message = get_language_pack("zh_TW")
    assert message.strip() == ""
    assert data["jupyterlab"]["menu\x04File"] == ["檔案"]
    assert len(data["jupyterlab"]) - 1 >= _provenance(built)["counts"]["jupyterlab"]["zh_CN"]


# --- merge rules, on small made-up catalogs -------------------------------------------------------

def _catalog(messages: dict[str, list[str]]) -> Catalog:
    return Catalog("jupyterlab", {"domain": "jupyterlab"}, messages)


def test_official_beats_glossary_and_glossary_beats_conversion() -> None:
    glossary = Glossary(
        terms=(Term("單元格", "儲存格"),),
        messages=(GlossaryMessage("jupyterlab", "menu", "File", "檔案"),
                  GlossaryMessage("jupyterlab", "menu", "Help", "說明")),
    )
    official = _catalog({"menu\x04File": ["文件夾"], "Empty": [""]})
    simplified = _catalog({"menu\x04File": ["文件"], "menu\x04Help": ["\u5e2e助"], "Cell": ["\u5355元格"],
                           "Empty": ["空"]})
    merged = merge_domain("jupyterlab", official, simplified, glossary, Converter())
    assert merged.messages["menu\x04File"] == ["文件夾"]  # the human translation, even if odd
    assert merged.provenance["menu\x04File"] == {"source": "official", "glossary_not_applied": "檔案"}
    assert merged.messages["menu\x04Help"] == ["說明"]
    assert merged.provenance["menu\x04Help"]["source"] == "glossary"
    assert merged.messages["Cell"] == ["儲存格"]
    assert merged.provenance["Cell"] == {"source": "converted", "terms": ["單元格→儲存格"], "zh_CN": "\u5355元格"}
    # An empty official string is "not translated": the converted one fills it.
    assert merged.messages["Empty"] == ["空"] and merged.provenance["Empty"]["source"] == "converted"


def test_terms_are_idempotent_and_respect_context() -> None:
    import re

    assert Term("終端", "終端機").apply("終端機與終端") == "終端機與終端機"
    assert Term("新建", "新增", keep=("重新建立",)).apply("新建並重新建立") == "新增並重新建立"
    item = Term("專案", "項目", unless_msgid=re.compile("(?i)project"))
    assert item.applies_to("Open Recent items") and not item.applies_to("Project Jupyter")
