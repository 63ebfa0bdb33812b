"""Write the test fixtures whose exact bytes matter: binary files, non-UTF-8 encodings,
empty files, a truncated JSON-lines file and the Parquet table.

The other fixtures in ``tests/data/formats/`` and ``tests/data/bad/`` are plain UTF-8
text written by hand. These are generated so that nobody has to hand-edit bytes; the
files are committed, the tests read the files, and ``tests/test_corpus.py`` checks that
this script still reproduces them byte for byte.

Usage::

    .venv/bin/python tests/data/make_fixtures.py            # (re)write them under tests/data/
    .venv/bin/python tests/data/make_fixtures.py --out DIR  # write them under DIR instead
"""

from __future__ import annotations

import argparse
import codecs
import struct
import zlib
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent

# ----------------------------------------------------------------------------- texts

# A page dump with Windows-1252 punctuation: curly quotes (0x93/0x94), a curly
# apostrophe (0x92) and an em dash (0x97).
CP1252_PAGE = (
    "Home / Local / Port Aldane\r\n"
    "\r\n"
    "Council approves \u201curgent\u201d repairs to the harbour wall\r\n"
    "\r\n"
    "By Elin Marsh\r\n"
    "\r\n"
    "The town council of Port Aldane voted on Tuesday evening to spend \u00a3420,000 on repairs to the "
    "harbour wall, which was damaged in the January storms.\r\n"
    "\r\n"
    "\u201cWe cannot wait for another winter,\u201d the council\u2019s leader, Ruth Oakes, told the "
    "meeting. \u201cThe wall protects two hundred homes.\u201d\r\n"
    "\r\n"
    "Work is expected to start in May and to last about four months \u2014 longer if the spring tides "
    "are high, the harbour master said.\r\n"
    "\r\n"
    "Share this article\r\n"
)

# A page dump in Latin-1: accented letters, no byte in 0x80-0x9F (straight quotes only).
LATIN1_PAGE = (
    "News > Culture\n"
    "\n"
    "Caf\u00e9 owner in Z\u00fcrich wins regional baking prize\n"
    "\n"
    "Ren\u00e9e M\u00fcller, who opened her caf\u00e9 near the old town of Z\u00fcrich eleven years ago, "
    "won the regional baking prize on Sunday for a pear tart she learned from her grandmother.\n"
    "\n"
    "\"It is the same recipe, only with less sugar,\" she said, adding that the prize money would pay "
    "for a new oven in the caf\u00e9's kitchen.\n"
    "\n"
    "The jury, chaired by the pastry chef Jo\u00e3o Ara\u00fajo, tasted more than forty entries over two "
    "days before choosing the winner.\n"
    "\n"
    "Read more\n"
)

# A page dump saved as UTF-16 little-endian with a byte-order mark (what Windows
# Notepad wrote as "Unicode").
UTF16_PAGE = (
    "Sports \u203a Sailing\r\n"
    "\r\n"
    "Young crew take the coastal regatta by a single minute\r\n"
    "\r\n"
    "A crew whose oldest member is nineteen won the coastal regatta on Saturday, finishing a single "
    "minute ahead of the boat that has won the race for the last three years.\r\n"
    "\r\n"
    "\u201cWe did not expect to be anywhere near the front,\u201d the skipper, Tom\u00e1s Reid, said "
    "after the finish. \u201cThe wind turned our way at the last mark.\u201d\r\n"
    "\r\n"
    "The race, which is open to amateur crews, drew forty-two boats this year, the organisers said.\r\n"
    "\r\n"
    "Next article: Harbour pool reopens after repairs\r\n"
)

TRUNCATED_JSONL = (
    '{"id": "tr-1", "outlet": "The Coastal Courier", "title": "Ferry timetable changes from Monday", '
    '"date": "2024-03-11", "text": "The ferry to the islands will leave half an hour earlier from Monday, '
    'the operator said, to avoid the low tide in the afternoon."}\n'
    '{"id": "tr-2", "outlet": "The Coastal Courier", "title": "Library extends opening hours", '
    '"date": "2024-03-12", "text": "The town library will open until eight on weekday evenings from April, '
    'after a petition signed by more than a thousand residents."}\n'
    '{"id": "tr-3", "outlet": "Valley Post", "title": "Bus route 7 restored", '
    '"date": "2024-03-12", "text": "Route 7 returns to the valley villages next week after the bridge '
    'repairs were finished ahead of schedule."}\n'
    '{"id": "tr-4", "outlet": "Valley Post", "title": "School roof fund reaches its target", '
    '"date": "2024-03-13", "text": "Parents and teachers raised the last of the money for the new'
)


# ----------------------------------------------------------------------------- builders

def _png_1x1() -> bytes:
    """A valid 1x1 red PNG; the deflate stream is a stored block, so the bytes never
    depend on the zlib version."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"\x00\xff\x00\x00"  # filter byte 0, then one RGB pixel
    stored = b"\x01" + struct.pack("<HH", len(raw), len(raw) ^ 0xFFFF) + raw
    idat = b"\x78\x01" + stored + struct.pack(">I", zlib.adler32(raw))
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def _docx_like() -> bytes:
    """The first bytes of a zip container (what a .docx is): an unsupported input type."""
    return b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + b"[Content_Types].xml" + bytes(range(32))


def _parquet_articles() -> bytes:
    """Three articles with non-default column names, an integer id and UTC timestamps."""
    from datetime import datetime, timezone

    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({
        "article_id": pa.array([1001, 1002, 1003], type=pa.int64()),
        "publisher": ["The Coastal Courier", "Valley Post", "Valley Post"],
        "headline": ["Lighthouse opens to visitors for the summer",
                     "Farmers' market moves to the station square",
                     "New footbridge links the two halves of the park"],
        "published_at": pa.array([datetime(2024, 5, 1, 9, 30, tzinfo=timezone.utc),
                                  datetime(2024, 5, 2, 7, 0, tzinfo=timezone.utc),
                                  datetime(2024, 5, 3, 16, 45, tzinfo=timezone.utc)],
                                 type=pa.timestamp("s", tz="UTC")),
        "link": ["https://coastalcourier.example/lighthouse-summer",
                 "https://valleypost.example/market-moves",
                 "https://valleypost.example/footbridge"],
        "content": ["The old lighthouse on the point opens to visitors every weekend from May until the end "
                    "of September, the harbour trust said.",
                    "The Saturday farmers' market will move to the station square from June, because the "
                    "car park it uses now is to be resurfaced.",
                    "A new footbridge over the river now links the two halves of the town park, ending a "
                    "detour of almost a kilometre for walkers."],
    })
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="none", store_schema=True)
    return sink.getvalue().to_pybytes()


def _truncated_parquet() -> bytes:
    """A Parquet file cut off after its first kilobyte (an interrupted download)."""
    return _parquet_articles()[:1024]


FIXTURES: dict[str, Callable[[], bytes]] = {
    "bad/empty.txt": lambda: b"",
    "bad/whitespace.txt": lambda: b"  \n\t\n   \n",
    "bad/binary.txt": _png_1x1,
    "bad/cp1252.txt": lambda: CP1252_PAGE.encode("cp1252"),
    "bad/latin1.txt": lambda: LATIN1_PAGE.encode("latin-1"),
    "bad/utf16_bom.txt": lambda: codecs.BOM_UTF16_LE + UTF16_PAGE.encode("utf-16-le"),
    "bad/bad_bom.txt": lambda: codecs.BOM_UTF16_LE + "Half a character".encode("utf-16-le") + b"\x00",
    "bad/truncated.jsonl": lambda: TRUNCATED_JSONL.encode("utf-8"),
    "bad/notes.docx": _docx_like,
    "bad/truncated.parquet": _truncated_parquet,
    "formats/articles.parquet": _parquet_articles,
}


def build() -> dict[str, bytes]:
    """Every generated fixture: relative path -> bytes."""
    return {name: make() for name, make in FIXTURES.items()}


def write(out: Path = HERE) -> list[Path]:
    """Write every generated fixture under ``out``; return the paths written."""
    written = []
    for name, data in build().items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=HERE, help="folder to write into (default: tests/data)")
    args = parser.parse_args(argv)
    for path in write(args.out):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
