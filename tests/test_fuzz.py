"""Fuzzing of every corpus reader: near-valid mutations of the fixture files, and arbitrary bytes.

Each example is written to a file and read with :func:`mediabias.corpus.read_sources`:
it must load, or give load-report rows (one line each, naming the file, its line or
record); never another exception, never a hang (the hypothesis deadline bounds each
example). ``make test`` runs a few examples; ``make fuzz`` runs many more
(``MEDIABIAS_FUZZ_EXAMPLES``) and the atheris harness in ``tests/fuzz/``.

(tests/test_corpus.py fuzzes arbitrary short bytes and JSON records; tests/test_lexicon_formats.py
the lexicon readers.)
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mediabias.corpus import read_sources

FORMATS = Path(__file__).parent / "data" / "formats"
#: Every reader: the page dump, HTML, CSV, TSV, JSONL, JSON (one object, a list) and Parquet fixtures.
FIXTURES = ["page_dump.txt", "article.html", "articles.csv", "articles.tsv", "articles.jsonl", "article.json",
            "articles_list.json", "articles.parquet"]
EXAMPLES = int(os.environ.get("MEDIABIAS_FUZZ_EXAMPLES") or 25)
STATUSES = {"loaded", "skipped", "error"}

FUZZ = settings(max_examples=EXAMPLES, deadline=timedelta(seconds=20), derandomize=not os.environ.get(
    "MEDIABIAS_FUZZ_EXAMPLES"), suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                       HealthCheck.function_scoped_fixture])


def check(path: Path) -> None:
    """What every input must give: rows for the load report (and articles), nothing else."""
    got = read_sources(path)
    rep = got.load_report
    assert len(rep) >= 1
    assert set(rep["status"]) <= STATUSES
    assert rep["source"].str.replace(r"[:#]\d+$", "", regex=True).eq(path.name).all()
    assert rep["n_articles"].sum() == len(got.articles)
    assert got.articles["doc_id"].is_unique
    for reason in rep["reason"]:
        assert isinstance(reason, str) and "\n" not in reason and "Traceback" not in reason


MUTATIONS = st.lists(st.tuples(st.sampled_from(["flip", "insert", "delete", "duplicate", "truncate", "splice"]),
                               st.floats(0, 1), st.floats(0, 1), st.binary(min_size=1, max_size=8)),
                     min_size=1, max_size=4)
#: Bytes that matter to the formats: quotes, delimiters, line ends, brackets, markup, NUL, BOMs, bad UTF-8.
INTERESTING = [b'"', b",", b"\t", b"\n", b"\r", b"{", b"}", b"[", b"]", b"<", b">", b"\x00", b"\xef\xbb\xbf",
               b"\xff\xfe", b"\xc3", b"\x80", b"\\", b"<script>", b"PAR1", b"9" * 400]


def mutate(data: bytes, ops, interesting: bytes | None) -> bytes:
    buf = bytearray(data)
    for op, a, b, blob in ops:
        if interesting:
            blob = interesting
        i = int(a * len(buf))
        j = min(len(buf), i + 1 + int(b * 64))
        if op == "flip" and buf:
            i = min(i, len(buf) - 1)
            buf[i] ^= blob[0] or 1
        elif op == "insert":
            buf[i:i] = blob
        elif op == "delete":
            del buf[i:j]
        elif op == "duplicate":
            buf[i:i] = buf[i:j]
        elif op == "truncate":
            del buf[i:]
        elif op == "splice":
            buf[i:j] = blob
    return bytes(buf)


@pytest.mark.parametrize("fixture", FIXTURES)
@FUZZ
@given(ops=MUTATIONS, interesting=st.none() | st.sampled_from(INTERESTING))
def test_near_valid_files_load_or_give_report_rows(tmp_path_factory, fixture, ops, interesting):
    path = tmp_path_factory.mktemp("mut", numbered=True) / fixture
    path.write_bytes(mutate((FORMATS / fixture).read_bytes(), ops, interesting))
    check(path)


@pytest.mark.parametrize("ext", sorted({Path(f).suffix for f in FIXTURES}))
@FUZZ
@given(data=st.binary(min_size=0, max_size=5000))
def test_arbitrary_bytes_load_or_give_report_rows(tmp_path_factory, ext, data):
    path = tmp_path_factory.mktemp("bytes", numbered=True) / f"input{ext}"
    path.write_bytes(data)
    check(path)


@pytest.mark.parametrize("fixture", FIXTURES)
def test_unmutated_fixtures_load(fixture):
    """The seeds of the mutations are valid: each loads at least one article."""
    got = read_sources(FORMATS / fixture)
    assert len(got.articles) >= 1


REGRESSIONS = Path(__file__).parent / "fuzz" / "regressions"


@pytest.mark.parametrize("path", sorted(REGRESSIONS.iterdir()), ids=lambda p: p.name)
def test_fuzz_findings_stay_fixed(path):
    """Inputs the fuzzers found raising (e.g. a Parquet string column with invalid UTF-8)."""
    check(path)
