"""Atheris harness for the corpus readers (``make fuzz`` runs it; not part of ``make test``).

Each input is one file: its first byte picks the format (page dump, HTML, CSV, TSV,
JSONL, JSON, Parquet), the rest is the file's bytes. Reading it must give load-report
rows or articles, one-line reasons, and nothing else: any exception is a finding.

    .venv/bin/python tests/fuzz/fuzz_readers.py -atheris_runs=20000 [corpus_dir ...]

With no corpus folder, the files of tests/data/formats/ seed the run. A finding is written
to the temporary folder printed at the end; copy its bytes after the first into
tests/fuzz/regressions/ (with the format's extension) so tests/test_fuzz.py keeps checking it.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from mediabias.corpus import read_sources

# atheris is imported in main() only: `make test` imports this file (--doctest-modules) where it is missing.

EXTS = [".txt", ".html", ".csv", ".tsv", ".jsonl", ".json", ".parquet"]
STATUSES = {"loaded", "skipped", "error"}
TMP = Path(tempfile.mkdtemp(prefix="mediabias-fuzz-"))


def check_one(data: bytes) -> None:
    if not data:
        return
    ext = EXTS[data[0] % len(EXTS)]
    path = TMP / f"input{ext}"
    path.write_bytes(data[1:])
    got = read_sources(path)
    rep = got.load_report
    assert len(rep) >= 1, "no load-report row"
    assert set(rep["status"]) <= STATUSES, set(rep["status"])
    assert int(rep["n_articles"].sum()) == len(got.articles), "articles not accounted for"
    for reason in rep["reason"]:
        assert "\n" not in reason and "Traceback" not in reason, reason


def seed_corpus() -> str:
    """A folder of the fixture files, each prefixed with its format byte."""
    seeds = TMP / "seeds"
    seeds.mkdir(exist_ok=True)
    formats = Path(__file__).resolve().parents[1] / "data" / "formats"
    for f in sorted(formats.iterdir()):
        if f.is_file() and f.suffix in EXTS:
            (seeds / f.name).write_bytes(bytes([EXTS.index(f.suffix)]) + f.read_bytes())
    return str(seeds)


def main() -> None:
    import atheris

    atheris.instrument_all()  # coverage feedback from every module loaded (mediabias, the parsers it uses)
    argv = list(sys.argv)
    if not any(a.startswith("-artifact_prefix=") for a in argv):  # findings go to a temporary folder
        argv.insert(1, f"-artifact_prefix={TMP}/")
    if not any(not a.startswith("-") for a in argv[1:]):
        argv.append(seed_corpus())
    atheris.Setup(argv, check_one)
    atheris.Fuzz()


if __name__ == "__main__":
    os.environ.setdefault("MEDIABIAS_MAX_RECORD_MB", "32")
    main()
