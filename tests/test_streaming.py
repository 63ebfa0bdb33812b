"""Streaming reads and incremental writes: the same articles and bytes as reading and writing at once."""

from __future__ import annotations

import codecs
import io
import json
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mediabias.corpus import CorpusStream, read_sources
from mediabias.corpus.decode import decode_bytes
from mediabias.corpus.sources import FieldMap, detect_encoding, iter_lines, read_csv_table, read_jsonl
from mediabias.engine import TableWriter
from mediabias.errors import InputError
from mediabias.pipeline import write_table

SAMPLES = {
    "utf8": '{"id": 1, "outlet": "A", "text": "Caf\u00e9 \u201cquoted\u201d text."}\n\n{"id": 2, "text": "Second."}\n',
    "lone-cr": '{"id": 1, "text": "one"}\r\n{"id": 2, "text": "two\\rthree"}\r{"id": 3, "text": "x"}',
    "no-final-newline": '{"id": 1, "text": "only line"}',
    "bad-line": '{"id": 1, "text": "ok"}\n{"id": 2, "text": \n[1, 2]\n{"id": 3, "text": "fine"}\n',
}


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


def _events(gen):
    return [(type(e).__name__, getattr(e, "fields", None) or vars(e)) for e in gen]


def _reference_jsonl_events(path: Path, label: str):
    """read_jsonl as it was: decode the whole file, split on \\n."""
    from mediabias.corpus import sources

    text, encoding = decode_bytes(path.read_bytes(), label)

    class _Whole:
        codec, name, skip = "utf-8", encoding, 0

    orig_detect, orig_lines = sources.detect_encoding, sources.iter_lines
    sources.detect_encoding = lambda p, l: _Whole
    sources.iter_lines = lambda p, e: iter(text.split("\n"))
    try:
        return _events(sources.read_jsonl(path, label, FieldMap()))
    finally:
        sources.detect_encoding, sources.iter_lines = orig_detect, orig_lines


@pytest.mark.parametrize("name", sorted(SAMPLES))
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"])
def test_jsonl_streaming_equals_whole_file_decoding(tmp_path, name, encoding):
    text = SAMPLES[name]
    if encoding in ("cp1252", "latin-1"):
        text = text.replace("\u201c", '\\"').replace("\u201d", '\\"')
        text = text.replace("\u00e9", "\u00e9" if encoding == "latin-1" else "\u00e9\u2019")
    data = text.encode(encoding)
    path = _write(tmp_path, "c.jsonl", data)
    got = _events(read_jsonl(path, "c.jsonl", FieldMap()))
    assert got == _reference_jsonl_events(path, "c.jsonl")
    assert detect_encoding(path, "c.jsonl").name == decode_bytes(data, "c.jsonl")[1]


@pytest.mark.parametrize("data", [b"", b"  \n\t ", codecs.BOM_UTF8 + b"  \n", b"\x00\x01\x02binary\x00",
                                  codecs.BOM_UTF16_LE + b"\x00\xd8"])
def test_detect_encoding_raises_what_decode_bytes_raises(tmp_path, data):
    path = _write(tmp_path, "x.jsonl", data)
    with pytest.raises(InputError) as want:
        decode_bytes(data, "x.jsonl")
    with pytest.raises(InputError) as got:
        detect_encoding(path, "x.jsonl")
    assert str(got.value) == str(want.value)


def test_detect_encoding_over_block_boundaries(tmp_path, monkeypatch):
    from mediabias.corpus import sources

    monkeypatch.setattr(sources, "_BLOCK", 7)  # multi-byte characters cut across blocks
    text = "\n".join(json.dumps({"id": i, "text": f"na\u00efve \u201c{i}\u201d \u20ac"}, ensure_ascii=False)
                     for i in range(50))
    for enc in ("utf-8", "utf-16", "cp1252"):
        data = text.encode(enc)
        path = _write(tmp_path, f"b-{enc}.jsonl", data)
        fe = detect_encoding(path, "b")
        assert fe.name == decode_bytes(data, "b")[1]
        assert list(iter_lines(path, fe)) == decode_bytes(data, "b")[0].split("\n")


def test_jsonl_is_never_read_whole(tmp_path, monkeypatch):
    path = tmp_path / "big.jsonl"
    with open(path, "w", encoding="utf-8") as f:
        for i in range(3000):
            f.write(json.dumps({"id": i, "outlet": f"O{i % 5}", "text": "word " * 200}) + "\n")

    def boom(self):
        raise AssertionError("the JSONL reader read the whole file")

    monkeypatch.setattr(Path, "read_bytes", boom)
    n = sum(len(a) for a, _ in CorpusStream(path).chunks(250))
    assert n == 3000


def _peak_reading(path: Path, chunk: int) -> tuple[int, int]:
    tracemalloc.start()
    n = 0
    for arts, _lines in CorpusStream(path).chunks(chunk):
        n += len(arts)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return n, peak


def test_streaming_memory_is_bounded_by_the_chunk(tmp_path):
    """Reading peaks at the same memory for a corpus three times as large (block + chunk, not the file)."""
    peaks = []
    for n_records in (2000, 6000):
        path = tmp_path / f"mem{n_records}.jsonl"
        with open(path, "w", encoding="utf-8") as f:
            for i in range(n_records):
                f.write(json.dumps({"id": i, "outlet": f"O{i % 5}", "text": f"article {i} " + "text " * 400}) + "\n")
        n, peak = _peak_reading(path, 100)
        assert n == n_records
        peaks.append(peak)
    assert peaks[1] < 1.3 * peaks[0] and peaks[1] < path.stat().st_size / 2, peaks


CSV_TEXT = ('id,outlet,text\r\n1,A,"Multi\r\nline ""quoted"" text"\r\n2,B,plain text\r\n'
            '3,C,"with, comma"\r\n4,D,\r\n')


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
def test_csv_streaming_equals_whole_file_decoding(tmp_path, encoding):
    path = _write(tmp_path, "t.csv", CSV_TEXT.encode(encoding))
    got = _events(read_csv_table(path, "t.csv", FieldMap(), ","))
    text, enc = decode_bytes(path.read_bytes(), "t.csv")
    from mediabias.corpus import sources

    want = _events(sources._read_csv_stream(io.StringIO(text, newline=""), "t.csv", FieldMap(), ",", enc))
    assert got == want
    assert [e[1]["text"] for e in got if e[0] == "Article"][0] == 'Multi\nline "quoted" text'


def test_chunk_size_does_not_change_what_is_read(tmp_path, formats_dir):
    whole = read_sources(formats_dir)
    for size in (1, 2, 5):
        stream = CorpusStream(formats_dir)
        parts = list(stream.chunks(size))
        arts = pd.concat([a for a, _ in parts], ignore_index=True)
        assert arts.astype(str).equals(whole.articles.astype(str))
        assert stream.load_report().equals(whole.load_report)
        lines = pd.concat([ln for _, ln in parts], ignore_index=True)
        assert lines.astype(str).equals(whole.lines.astype(str))


def test_duplicate_ids_are_renamed_across_chunks(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text("\n".join(json.dumps({"id": "a", "text": f"t{i}"}) for i in range(3)) + "\n", encoding="utf-8")
    ids = [x for a, _ in CorpusStream(path).chunks(1) for x in a["doc_id"]]
    assert ids == ["a", "a-2", "a-3"] == list(read_sources(path).articles["doc_id"])


def test_table_writer_appends_the_same_bytes_as_one_write(tmp_path):
    rng = np.random.default_rng(2)
    df = pd.DataFrame({"doc_id": [f"d{i}" for i in range(100)], "x": rng.normal(size=100),
                       "n": rng.integers(0, 9, size=100), "flag": rng.random(100) > 0.5,
                       "text": ['a "quoted", text\nwith a line break' if i % 7 == 0 else f"t{i}" for i in range(100)]})
    df.loc[3, "x"] = np.nan
    df.loc[5, "text"] = None
    one = write_table(df, tmp_path / "one.csv")
    w = TableWriter(tmp_path / "many.csv")
    for start in range(0, 100, 13):
        w.write_frame(df.iloc[start:start + 13])
    assert not (tmp_path / "many.csv").exists()  # only the temporary name while writing
    w.close()
    assert (tmp_path / "many.csv").read_bytes() == one.read_bytes()
    assert w.rows == 100 and not list(tmp_path.glob(".*tmp*"))
    d = TableWriter(tmp_path / "gone.csv")
    d.write_frame(df.iloc[:5])
    d.discard()
    assert list(tmp_path.iterdir()) == [tmp_path / "many.csv", tmp_path / "one.csv"] or \
        sorted(p.name for p in tmp_path.iterdir()) == ["many.csv", "one.csv"]
