"""newscrawler.extensions.memory: after the call, a large block freed and allocated again is still mapped."""

from __future__ import annotations

import subprocess
import sys

import pytest

from newscrawler.extensions.memory import map_large_blocks

pytestmark = pytest.mark.e2e

PROBE = """
import ctypes, sys
from newscrawler.extensions.memory import map_large_blocks

class Info(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks",
                                               "fsmblks", "uordblks", "fordblks", "keepcost")]

libc = ctypes.CDLL(None)
libc.mallinfo2.restype = Info
if sys.argv[1] == "fixed":
    assert map_large_blocks(128 * 1024)
block = bytearray(400_000)  # a page body
del block  # glibc raises its threshold here, unless it is fixed
before = libc.mallinfo2().hblkhd
block = bytearray(400_000)
print(libc.mallinfo2().hblkhd - before >= 400_000)
"""


def mapped_after_free(mode: str) -> bool:
    out = subprocess.run([sys.executable, "-c", PROBE, mode], capture_output=True, text=True, check=True)
    return out.stdout.strip() == "True"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc only")
def test_large_blocks_stay_mapped() -> None:
    if not map_large_blocks(128 * 1024):
        pytest.skip("not glibc")
    assert not mapped_after_free("default")  # glibc's own rule: the second body comes from the heap
    assert mapped_after_free("fixed")


GC_PROBE = """
import gc
from scrapy.utils.test import get_crawler
from newscrawler.extensions.memory import CollectorControl
from newscrawler import settings

crawler = get_crawler(settings_dict={"GC_THRESHOLD": settings.GC_THRESHOLD})
extension = CollectorControl.from_crawler(crawler)
assert gc.get_freeze_count() == 0 and gc.get_threshold()[0] == 700
extension.engine_started()
print(gc.get_freeze_count() > 10_000, gc.get_threshold())
"""


def test_collector_freezes_start_up_and_collects_less_often() -> None:
    out = subprocess.run([sys.executable, "-c", GC_PROBE], capture_output=True, text=True, check=True)
    assert out.stdout.split(maxsplit=1) == ["True", "(7000, 10, 10)\n"]
