"""One source for every setting's default: newscrawler/settings.py (and Scrapy's own defaults).

An AST scan of newscrawler/ and archive/ finds every read of a setting: a ``settings.get*(...)``
call, or one of newscrawler.config's readers. It fails, naming file:line, when a read passes a
default of its own (it would drift from settings.py, as MALLOC_MMAP_THRESHOLD once did: 0 inline,
128 KB in settings.py), when code outside newscrawler/config.py reads a setting directly instead
of through the readers, or when the setting read is defined neither in newscrawler/settings.py
nor in Scrapy's defaults. Then unit tests of the readers: fallback, override, UnknownSetting.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from scrapy.settings import BaseSettings, Settings
from scrapy.settings import default_settings as scrapy_defaults

from newscrawler import settings as project
from newscrawler.config import (
    UnknownSetting, setting, setting_bool, setting_default, setting_dict, setting_float, setting_int, setting_list,
    setting_str,
)

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent
SCANNED = [ROOT / "newscrawler", ROOT / "archive"]
CONFIG = "newscrawler/config.py"  # the readers themselves
# Scrapy's Settings methods that read a value (and may take a default).
GETTERS = {"get", "getint", "getfloat", "getbool", "getlist", "getdict", "getdictorlist", "getwithbase",
           "getpriority"}
# Only Settings has these: any receiver counts. ``get`` counts only on something called ``settings``.
SETTINGS_ONLY = GETTERS - {"get"}
READERS = {"setting", "setting_str", "setting_int", "setting_float", "setting_bool", "setting_list",
           "setting_dict", "setting_default"}


@dataclass(frozen=True)
class Read:
    where: str  # path:line
    name: str | None  # the setting's name, when it is a literal
    direct: bool  # a Settings method, not one of newscrawler.config's readers
    default: bool  # passes a default of its own

    def __str__(self) -> str:
        return f"{self.where}: {self.name or '<computed name>'}"


def _receiver_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _literal(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def reads_in(path: Path, root: Path = ROOT) -> Iterator[Read]:
    """Every read of a setting in ``path`` (named relative to ``root``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    where = path.relative_to(root).as_posix()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and (
                func.attr in SETTINGS_ONLY or (func.attr == "get" and _receiver_name(func.value) == "settings")):
            name = _literal(node.args[0]) if node.args else None
            default = len(node.args) > 1 or any(k.arg == "default" for k in node.keywords)
            yield Read(f"{where}:{node.lineno}", name, direct=True, default=default)
        elif (isinstance(func, ast.Name) and func.id in READERS) or (
                isinstance(func, ast.Attribute) and func.attr in READERS):
            name_arg = node.args[-1] if node.args else None
            if name_arg is None:
                name_arg = next((k.value for k in node.keywords if k.arg == "name"), None)
            yield Read(f"{where}:{node.lineno}", _literal(name_arg), direct=False, default=False)


def all_reads() -> list[Read]:
    return [read for top in SCANNED for path in sorted(top.rglob("*.py")) for read in reads_in(path)]


def defined(name: str) -> bool:
    return name.isupper() and (hasattr(project, name) or hasattr(scrapy_defaults, name))


def test_the_scan_finds_the_reads() -> None:
    """The scan is not blind: the crawl's reads are there, by name, through the readers."""
    names = {read.name for read in all_reads()}
    assert {"ARCHIVE_DB", "MALLOC_MMAP_THRESHOLD", "CRAWL_DEPTH", "FRONTIER_HEARTBEAT_TTL"} <= names


def test_the_scan_catches_a_default_and_a_direct_read(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("def f(crawler, settings):\n"
                      "    a = crawler.settings.getint('MALLOC_MMAP_THRESHOLD', 0)\n"
                      "    b = settings.get('ARCHIVE_DB')\n"
                      "    c = setting_int(settings, 'NO_SUCH_SETTING')\n"
                      "    d = {}.get('x', 1)\n", encoding="utf-8")
    reads = list(reads_in(sample, root=tmp_path))
    assert [(r.where, r.name, r.direct, r.default) for r in reads] == [
        ("sample.py:2", "MALLOC_MMAP_THRESHOLD", True, True),
        ("sample.py:3", "ARCHIVE_DB", True, False),
        ("sample.py:4", "NO_SUCH_SETTING", False, False),
    ]


def test_no_read_passes_a_default_of_its_own() -> None:
    offending = [str(r) for r in all_reads() if r.default and r.where.split(":")[0] != CONFIG]
    assert not offending, ("settings read with an inline default (the default belongs in newscrawler/settings.py; "
                           "read it with newscrawler.config): " + ", ".join(offending))


def test_settings_are_read_through_the_readers() -> None:
    offending = [str(r) for r in all_reads() if r.direct and r.where.split(":")[0] != CONFIG]
    assert not offending, "settings read directly (use newscrawler.config's readers): " + ", ".join(offending)


def test_every_setting_read_is_defined() -> None:
    reads = [r for r in all_reads() if r.where.split(":")[0] != CONFIG]
    offending = [str(r) for r in reads if r.name is None or not defined(r.name)]
    assert not offending, ("settings read by a computed name or defined neither in newscrawler/settings.py nor in "
                           "Scrapy's defaults: " + ", ".join(offending))


# --- newscrawler.config ---------------------------------------------------------------------

def test_a_bare_settings_falls_back_to_settings_py() -> None:
    bare = BaseSettings()
    assert setting_int(bare, "MALLOC_MMAP_THRESHOLD") == project.MALLOC_MMAP_THRESHOLD == 128 * 1024
    assert setting_float(bare, "FRONTIER_HEARTBEAT_TTL") == project.FRONTIER_HEARTBEAT_TTL
    assert setting_bool(bare, "CRAWL_INCREMENTAL") is True
    assert setting_list(bare, "CRAWL_REVISIT_SCHEDULE") == project.CRAWL_REVISIT_SCHEDULE
    assert setting_dict(bare, "ITEM_PIPELINES") == project.ITEM_PIPELINES
    assert setting_str(bare, "ARCHIVE_DB") == project.ARCHIVE_DB
    assert setting(bare, "EXTRACTION_WORKERS") == "auto"
    assert setting_str(bare, "FRONTIER_WORKER_ID") is None  # defined, deliberately without a value


def test_scrapy_names_fall_back_to_scrapy_defaults() -> None:
    assert not hasattr(project, "URLLENGTH_LIMIT")
    assert setting_int(BaseSettings(), "URLLENGTH_LIMIT") == scrapy_defaults.URLLENGTH_LIMIT
    assert setting_bool(BaseSettings(), "DUPEFILTER_DEBUG") is False
    # Ours first where we set one of Scrapy's: DOWNLOAD_DELAY is 0 in Scrapy, 0.5 here.
    assert setting_float(BaseSettings(), "DOWNLOAD_DELAY") == project.DOWNLOAD_DELAY != scrapy_defaults.DOWNLOAD_DELAY
    # A Scrapy Settings() holds Scrapy's defaults: those are what a user's own Scrapy project uses.
    assert setting_float(Settings(), "DOWNLOAD_DELAY") == scrapy_defaults.DOWNLOAD_DELAY


def test_a_value_set_wins_and_is_converted() -> None:
    given = BaseSettings({"MALLOC_MMAP_THRESHOLD": "0", "CRAWL_INCREMENTAL": "false", "FRONTIER_ROUND_GRACE": "2.5",
                          "CRAWL_FEED_PATHS": "/a,/b", "CRAWL_RUN_ARGS": '{"urls": ["x"]}',
                          "FRONTIER_WORKER_ID": "w1", "EXTRACTION_WORKERS": 3})
    assert setting_int(given, "MALLOC_MMAP_THRESHOLD") == 0
    assert setting_bool(given, "CRAWL_INCREMENTAL") is False
    assert setting_float(given, "FRONTIER_ROUND_GRACE") == 2.5
    assert setting_list(given, "CRAWL_FEED_PATHS") == ["/a", "/b"]
    assert setting_dict(given, "CRAWL_RUN_ARGS") == {"urls": ["x"]}
    assert setting_str(given, "FRONTIER_WORKER_ID") == "w1"
    assert setting(given, "EXTRACTION_WORKERS") == 3


def test_defaults_are_copies() -> None:
    """A caller that changes what it read does not change the next crawl's default."""
    paths = setting_list(BaseSettings(), "CRAWL_FEED_PATHS")
    paths.append("/mine")
    headers = setting(BaseSettings(), "DEFAULT_REQUEST_HEADERS")
    headers["X"] = "y"
    assert "/mine" not in project.CRAWL_FEED_PATHS and "X" not in project.DEFAULT_REQUEST_HEADERS
    assert setting_default("CRAWL_FEED_PATHS") == project.CRAWL_FEED_PATHS


@pytest.mark.parametrize("reader", [setting, setting_str, setting_int, setting_float, setting_bool, setting_list,
                                    setting_dict])
def test_an_unknown_name_raises(reader: object) -> None:
    # Even when the settings hold a value: a name settings.py does not define is a typo or a missing definition.
    with pytest.raises(UnknownSetting, match="CRAWL_DEPHT.*newscrawler/settings.py"):
        reader(BaseSettings({"CRAWL_DEPHT": 2}), "CRAWL_DEPHT")  # type: ignore[operator]
    with pytest.raises(UnknownSetting):
        setting_default("os")  # a module attribute of settings.py, not a setting


def test_config_does_not_start_a_reactor() -> None:
    probe = ("import sys\nfrom scrapy.settings import BaseSettings\nimport newscrawler.config as c\n"
             "c.setting_int(BaseSettings(), 'URLLENGTH_LIMIT')\nprint('twisted.internet.reactor' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "False"
