"""Render the demo news site into static files.

``python -m newscrawler.demo.build`` regenerates ``newscrawler/demo/site/`` (shipped as
package data and committed); a test checks the committed tree equals a fresh build.

URL paths map to files as the server (:mod:`newscrawler.demo.server`) expects:
``/a/b/`` -> ``a/b/index.html``, an extensionless ``/a/b`` -> ``a/b.html``, else as is.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path, PurePosixPath

from newscrawler.demo.assets import asset_files
from newscrawler.demo.content import ARTICLES
from newscrawler.demo.feeds import render_feeds
from newscrawler.demo.pages import render_pages
from newscrawler.demo.templates import render_article

SITE_DIR = Path(__file__).resolve().parent / "site"


def file_for_path(url_path: str) -> str:
    """The site-relative file (POSIX) serving ``url_path``."""
    if url_path.endswith("/"):
        return url_path.lstrip("/") + "index.html"
    if "." not in PurePosixPath(url_path).name:
        return url_path.lstrip("/") + ".html"
    return url_path.lstrip("/")


def render_site() -> dict[str, bytes]:
    """Every file of the site keyed by URL path."""
    texts: dict[str, str] = {}
    for article in ARTICLES:
        texts[article.path] = render_article(article)
    for path, text in [*render_pages().items(), *render_feeds().items()]:
        if path in texts:
            raise ValueError(f"two pages at {path}")
        texts[path] = text
    files = {path: text.encode("utf-8") for path, text in texts.items()}
    files.update(asset_files())
    return files


def build_site(out_dir: Path) -> None:
    """Write the site into ``out_dir`` (created if needed; existing files are overwritten, others kept)."""
    for url_path, data in sorted(render_site().items()):
        target = out_dir / file_for_path(url_path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Regenerate the demo news site (replaces the output directory).")
    parser.add_argument("--out", type=Path, default=SITE_DIR, help=f"output directory (default: {SITE_DIR})")
    args = parser.parse_args(argv)
    if args.out.exists():
        shutil.rmtree(args.out)
    build_site(args.out)
    count = sum(1 for p in args.out.rglob("*") if p.is_file())
    print(f"wrote {count} files to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
