"""CDXJ indexes of WARC files, as pywb reads them: replay without re-indexing.

One line per ``response`` or ``revisit`` record: the URL's SURT key, the 14-digit UTC
timestamp, and a JSON object (url, mime, status, digest, length, offset, filename), sorted.
The crawl writes ``NAME.cdxj`` beside each ``NAME.warc.gz`` as it goes and sorts it when it
closes the file; ``python -m archive.cdxj FILE.warc.gz ...`` (re)builds the index of any WARC
file (after a killed crawl, say). Copy the ``.cdxj`` files into a pywb collection's
``indexes/`` folder and the WARC files into its ``archive/`` folder.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import surt
from warcio.archiveiterator import ArchiveIterator
from warcio.timeutils import iso_date_to_datetime

from archive.article import WarcLocation

logger = logging.getLogger(__name__)

INDEXED = ("response", "revisit")


def cdxj_path(warc: str | os.PathLike[str]) -> Path:
    """The index beside a WARC file: ``NAME.warc.gz`` -> ``NAME.cdxj``."""
    path = Path(warc)
    name = path.name
    for suffix in (".warc.gz", ".warc"):
        if name.endswith(suffix):
            return path.with_name(name[: -len(suffix)] + ".cdxj")
    return path.with_name(name + ".cdxj")


def cdxj_line(url: str, date: datetime, record_type: str, status: int | None, content_type: str | None,
              digest: str, where: WarcLocation) -> str:
    """One CDXJ line (without its newline) for a record at ``where``."""
    fields = {"url": url,
              "mime": "warc/revisit" if record_type == "revisit" else (content_type or "").split(";")[0].strip()
              or "unk",
              "status": str(status) if status is not None else "-",
              "digest": digest.removeprefix("sha1:"),
              "length": str(where.length), "offset": str(where.offset), "filename": Path(where.path).name}
    stamp = date.astimezone(UTC).strftime("%Y%m%d%H%M%S")
    return f"{surt_key(url)} {stamp} {json.dumps(fields, ensure_ascii=False)}"


def surt_key(url: str) -> str:
    """The SURT form of ``url`` as pywb sorts it (``com,example)/path``)."""
    try:
        return surt.surt(url)
    except ValueError:  # an unparseable URL still gets a line
        return url


class CdxjFile:
    """The index of one WARC file being written: lines appended as records are written (a
    killed crawl leaves them, unsorted), sorted in place by :meth:`close`."""

    def __init__(self, warc: str | os.PathLike[str]) -> None:
        self.path = cdxj_path(warc)
        self._out = open(self.path, "w", encoding="utf-8")

    def add(self, line: str) -> None:
        self._out.write(line + "\n")
        self._out.flush()

    def close(self) -> None:
        self._out.close()
        sort_cdxj(self.path)


def sort_cdxj(path: Path) -> None:
    """Sort a CDXJ file in place (through a temporary file renamed over it)."""
    lines = sorted(path.read_text(encoding="utf-8").splitlines(keepends=True))
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("".join(lines), encoding="utf-8")
    os.replace(tmp, path)


def index_lines(warc: str | os.PathLike[str]) -> Iterator[str]:
    """The CDXJ lines of a WARC file's response and revisit records, in file order."""
    path = str(Path(warc).resolve())
    with open(path, "rb") as stream:
        records = ArchiveIterator(stream)
        for record in records:
            if record.rec_type not in INDEXED:
                continue
            headers = record.rec_headers
            url = headers.get_header("WARC-Target-URI")
            http = record.http_headers
            digest = headers.get_header("WARC-Payload-Digest") or ""
            record.content_stream().read()  # to the record's end: its length is known then
            where = WarcLocation(path, records.get_record_offset(), records.get_record_length())
            date = iso_date_to_datetime(headers.get_header("WARC-Date")).replace(tzinfo=UTC)
            status = int(http.get_statuscode()) if http is not None and http.get_statuscode().isdigit() else None
            yield cdxj_line(url, date, record.rec_type, status, http.get_header("Content-Type") if http else None,
                            digest, where)


def build_cdxj(warc: str | os.PathLike[str]) -> Path:
    """(Re)build the sorted index beside ``warc``; returns its path."""
    target = cdxj_path(warc)
    lines = sorted(index_lines(warc))
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    os.replace(tmp, target)
    return target


def lookup(cdxj: str | os.PathLike[str], url: str) -> list[dict[str, str]]:
    """The index entries of ``url`` in a CDXJ file (its JSON objects, oldest first)."""
    key = surt_key(url)
    found = []
    with open(cdxj, encoding="utf-8") as lines:
        for line in lines:
            line_key, _, rest = line.partition(" ")
            if line_key == key:
                found.append(json.loads(rest.partition(" ")[2]))
    return found


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: python -m archive.cdxj FILE.warc.gz [FILE.warc.gz ...]", file=sys.stderr)
        return 2
    for warc in argv:
        try:
            print(build_cdxj(warc))
        except OSError as exc:
            print(f"error: cannot index {warc}: {exc.strerror or exc}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
