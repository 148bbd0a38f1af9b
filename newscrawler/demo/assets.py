"""Static assets of the demo site: three stylesheets and small generated PNG images.

The PNGs are written with stored (uncompressed) deflate blocks, so the bytes never
depend on the zlib version and a rebuild is byte-identical everywhere.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable

from newscrawler.demo.content import ARTICLES, DemoArticle

# (sky, sea, sun, wave) colors per section
_SECTION_COLORS: dict[str, tuple[tuple[int, int, int], ...]] = {
    "local": ((176, 205, 227), (38, 84, 124), (244, 196, 48), (24, 58, 92)),
    "business": ((214, 219, 223), (67, 80, 92), (230, 126, 34), (44, 54, 64)),
    "tech": ((200, 230, 220), (22, 110, 100), (255, 255, 255), (12, 80, 72)),
    "science": ((225, 215, 240), (62, 50, 120), (250, 220, 120), (40, 30, 90)),
    "culture": ((248, 222, 210), (150, 60, 70), (255, 240, 200), (110, 40, 50)),
}
_INK = (18, 42, 66)
_PAPER = (250, 248, 242)


def _stored_zlib(data: bytes) -> bytes:
    out = bytearray(b"\x78\x01")
    for start in range(0, len(data), 65535):
        block = data[start:start + 65535]
        final = 1 if start + 65535 >= len(data) else 0
        out += bytes([final]) + struct.pack("<HH", len(block), len(block) ^ 0xFFFF) + block
    out += struct.pack(">I", zlib.adler32(data))
    return bytes(out)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int, height: int, palette: tuple[tuple[int, int, int], ...], pixel: Callable[[int, int], int]) -> bytes:
    """A palette PNG; ``pixel(x, y)`` returns a palette index."""
    raw = b"".join(b"\x00" + bytes(pixel(x, y) for x in range(width)) for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 3, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"PLTE", b"".join(bytes(c) for c in palette))
            + _chunk(b"IDAT", _stored_zlib(raw)) + _chunk(b"IEND", b""))


def story_image(article: DemoArticle) -> bytes:
    """A 64x36 harbor scene (sky, sun, sea with waves), colored by section, sun placed by slug."""
    palette = _SECTION_COLORS[article.section_slug]
    seed = sum(article.image_path.encode())
    sun_x, sun_y = 8 + seed % 48, 6 + seed % 9

    def pixel(x: int, y: int) -> int:
        if y >= 22:
            return 3 if (x + 3 * y) % 11 == 0 else 1
        return 2 if (x - sun_x) ** 2 + (y - sun_y) ** 2 <= 16 else 0

    return png(64, 36, palette, pixel)


def logo() -> bytes:
    def pixel(x: int, y: int) -> int:
        return 1 if 4 <= y <= 25 and 4 <= x <= 25 and (x + y) % 6 < 3 else (1 if y in (27, 28) else 0)

    return png(120, 30, (_PAPER, _INK), pixel)


def avatar() -> bytes:
    def pixel(x: int, y: int) -> int:
        head = (x - 16) ** 2 + (y - 12) ** 2 <= 36
        body = y >= 22 and (x - 16) ** 2 + (y - 34) ** 2 <= 144
        return 1 if head or body else 0

    return png(32, 32, ((220, 224, 230), (120, 130, 145)), pixel)


HERALD_CSS = """/* The Harbor Herald - NewsBlock theme */
body { margin: 0; font: 16px/1.6 Georgia, "Times New Roman", serif; color: #1b1b1b; background: #fafaf7; }
a { color: #12426a; }
.screen-reader-text { position: absolute; left: -9999px; }
.site { max-width: 1180px; margin: 0 auto; background: #fff; }
.top-bar { display: flex; justify-content: space-between; gap: 1rem; padding: .4rem 1rem; font: 13px Arial, sans-serif;
  background: #122a42; color: #dfe7ef; }
.top-bar a { color: #fff; }
.social-block ul, .social-links { display: inline; margin: 0; padding: 0; }
.social-links li { display: inline; margin-left: .6rem; list-style: none; }
.site-header { padding: 1rem; border-bottom: 3px solid #122a42; }
.site-title { font-size: 2.2rem; margin: .2rem 0; font-weight: bold; }
.site-title a { text-decoration: none; color: #122a42; }
.site-description { margin: 0; color: #555; font-style: italic; }
.menu { display: flex; flex-wrap: wrap; gap: 1.2rem; padding: 0; list-style: none; font: bold 14px Arial, sans-serif;
  text-transform: uppercase; }
.menu-toggle { display: none; }
.search-form { margin-top: .5rem; }
.site-content { display: grid; grid-template-columns: minmax(0, 1fr) 300px; gap: 2rem; padding: 1rem; }
.cat-links a { font: bold 12px Arial, sans-serif; text-transform: uppercase; background: #c0392b; color: #fff;
  padding: 2px 6px; text-decoration: none; }
.entry-title { font-size: 2rem; line-height: 1.2; }
.entry-meta { display: flex; gap: .4rem; font: 13px Arial, sans-serif; color: #666; }
.post-thumbnail img, .post-thumb img { width: 100%; height: auto; image-rendering: pixelated; }
.wp-caption-text { font: 13px Arial, sans-serif; color: #666; }
.audio-player { display: flex; gap: .6rem; align-items: center; padding: .4rem .8rem; background: #eef2f6;
  border-radius: 20px; font: 13px Arial, sans-serif; }
.share-buttons { display: flex; gap: .5rem; padding: 0; list-style: none; }
.share-buttons a { display: inline-block; padding: 4px 10px; background: #12426a; color: #fff; text-decoration: none; }
.related-posts ul { display: grid; grid-template-columns: repeat(3, 1fr); gap: 1rem; padding: 0; list-style: none; }
.related-posts img { width: 100%; height: auto; image-rendering: pixelated; }
.post-item { display: grid; grid-template-columns: 220px 1fr; gap: 1rem; margin-bottom: 1.5rem; }
.post-item.lead { grid-template-columns: 1fr; }
.post-item h2 { font-size: 1.3rem; margin: .3rem 0; }
.widget { margin-bottom: 2rem; font-size: 15px; }
.widget-title, .block-title { font: bold 14px Arial, sans-serif; text-transform: uppercase;
  border-bottom: 2px solid #122a42; }
.pagination .page-numbers { padding: 4px 8px; }
.site-footer { padding: 1rem; background: #122a42; color: #dfe7ef; font: 13px Arial, sans-serif; }
.site-footer a { color: #fff; }
.site-footer ul { display: flex; gap: 1rem; padding: 0; list-style: none; }
"""

PAPER_CSS = """/* The Harbor Herald - news front end */
body { margin: 0; font: 17px/1.65 "Georgia", serif; color: #121212; }
a { color: #0b5394; }
.cookie-banner { position: sticky; top: 0; z-index: 9; padding: .8rem 1rem; background: #222; color: #eee;
  font: 14px Arial, sans-serif; }
.cookie-banner a { color: #9fd0ff; }
.site-header { border-bottom: 1px solid #ddd; padding: .6rem 1rem; }
.header-top { display: flex; justify-content: space-between; align-items: center; }
.btn-subscribe { background: #ffe500; color: #000; padding: 6px 12px; font-weight: bold; text-decoration: none; }
.mega-menu > ul { display: flex; flex-wrap: wrap; gap: 1.5rem; list-style: none; padding: 0; font: bold 15px Arial, sans-serif; }
.mega-panel { display: none; }
.mega-item:hover .mega-panel { display: block; position: absolute; background: #fff; border: 1px solid #ccc; padding: 1rem; }
.ticker { display: flex; gap: 1rem; background: #c70000; color: #fff; padding: .3rem 1rem; font: 14px Arial, sans-serif; }
.ticker ul { display: flex; gap: 2rem; margin: 0; padding: 0; list-style: none; }
.ticker a { color: #fff; }
.page-main { display: grid; grid-template-columns: minmax(0, 680px) 280px; gap: 3rem; max-width: 1100px;
  margin: 0 auto; padding: 1rem; }
.story-kicker a { color: #c70000; font: bold 15px Arial, sans-serif; text-decoration: none; }
.story-headline { font-size: 2.4rem; line-height: 1.15; margin: .3rem 0; }
.standfirst { font-size: 1.25rem; color: #444; }
.story-meta { font: 14px Arial, sans-serif; color: #555; display: flex; flex-direction: column; }
.story-image img { width: 100%; height: auto; image-rendering: pixelated; }
figcaption { font: 13px Arial, sans-serif; color: #666; }
.read-more { border-left: 3px solid #c70000; padding-left: .8rem; }
.newsletter-inline { background: #f3f7fb; padding: 1rem; margin: 1.5rem 0; font-family: Arial, sans-serif; }
.most-read ol { padding-left: 1.2rem; }
.paywall-box { max-width: 680px; margin: 2rem auto; padding: 1.5rem; border-top: 4px solid #ffe500; background: #052962;
  color: #fff; font-family: Arial, sans-serif; }
.paywall-box a { color: #fff; }
.site-footer { background: #052962; color: #fff; padding: 1rem; font: 13px Arial, sans-serif; }
.site-footer a { color: #fff; margin-right: .8rem; }
"""

LEGACY_CSS = """/* Harbor Herald Online v2.3 (c) 2004 */
body { font-family: Verdana, Arial, sans-serif; font-size: 12px; background: #e8e8e8; }
.outer { background: #ffffff; border: 1px solid #999999; }
.masthead { background: #003366; color: #ffffff; padding: 8px; }
.tagline { font-style: italic; }
.topnav { background: #336699; padding: 4px; }
.topnav a { color: #ffffff; font-weight: bold; }
.navhead { background: #003366; color: #ffffff; font-weight: bold; }
.navcell a { color: #003366; }
.breadcrumb { font-size: 11px; color: #666666; margin: 6px 0; }
.tools { font-size: 11px; }
.headline { margin: 8px 0 4px 0; }
.byline { font-size: 11px; color: #333333; margin-bottom: 8px; }
.photo { margin: 0 0 8px 8px; }
.photo img { image-rendering: pixelated; }
.caption { font-size: 10px; color: #666666; }
.ad { background: #f4f4f4; border: 1px dashed #bbbbbb; text-align: center; margin: 10px 0; padding: 4px;
  min-height: 60px; }
.ad small { color: #999999; text-transform: uppercase; font-size: 9px; }
.storyfoot, .footer { font-size: 11px; color: #666666; padding: 6px; }
.footer { background: #dddddd; }
"""


def asset_files() -> dict[str, bytes]:
    """Stylesheets, logo, avatar and one image per article, keyed by URL path."""
    files = {
        "/static/css/herald.css": HERALD_CSS.encode(),
        "/static/css/paper.css": PAPER_CSS.encode(),
        "/static/css/legacy.css": LEGACY_CSS.encode(),
        "/static/img/logo.png": logo(),
        "/static/img/avatar.png": avatar(),
    }
    for article in ARTICLES:
        files.setdefault(article.image_path, story_image(article))
    return files
