"""Raw page bodies as the archive stores them: zstd level 3.

A module of its own (no SQLAlchemy) so that extraction workers can compress pages
without importing the storage layer.
"""

from __future__ import annotations

import zstandard

ZSTD_LEVEL = 3


def compress_html(body: bytes) -> bytes:
    """zstd-compress a raw page body (level 3)."""
    return zstandard.ZstdCompressor(level=ZSTD_LEVEL).compress(body)


def decompress_html(blob: bytes) -> bytes:
    """Inverse of :func:`compress_html`."""
    return zstandard.ZstdDecompressor().decompressobj().decompress(blob)
