"""The fast paths of the outlet tables give the numbers and bytes of the straightforward code.

``mediabias report`` computes the outlet tables with shortcuts (CSV formatted by
distinct value, outlet_terms rows assembled from the universe's text, bootstrap
percentiles read off sorted columns, keyness sorted with ``np.lexsort``, the work
spread over worker processes). Each is checked here against the plain version it
replaces: pandas' ``to_csv``, ``np.percentile`` on the resamples, pandas'
``sort_values``, and a run with one process.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

from mediabias import engine, stats
from mediabias.cli import main
from mediabias.paths import REPO_ROOT

# ----------------------------------------------------------------------------- CSV


def _to_csv(df: pd.DataFrame, header: bool) -> bytes:
    return df.to_csv(None, index=False, header=header, lineterminator="\n").encode("utf-8")


AWKWARD = ["", " ", "a,b", 'q"uote', "line\nbreak", "cr\rx", "tab\tx", "é", "\x00", "  lead", "nan", "None"]


def test_csv_bytes_are_pandas_to_csv_for_every_kind_of_column():
    rng = np.random.default_rng(0)
    n = 3000
    special = [0.0, -0.0, np.nan, np.inf, -np.inf, 1e16, 1e15, 1e-5, 0.1, 1 / 3, 5e-324, 1.7976931348623157e308]
    floats = rng.normal(size=n) * 10.0 ** rng.integers(-20, 20, n)
    floats[: len(special) * 50] = np.tile(special, 50)
    strings = pd.Series(rng.choice(AWKWARD, n)).astype("str")
    strings.iloc[3] = np.nan
    df = pd.DataFrame({
        "s": rng.choice(np.array(AWKWARD, dtype=object), n), "f": floats, "i": rng.integers(-10**12, 10**12, n),
        "b": rng.random(n) > 0.5, "u8": rng.integers(0, 5, n).astype(np.uint8),
        "o": np.array([None if i % 11 == 0 else (np.nan if i % 13 == 0 else w)
                       for i, w in enumerate(rng.choice(AWKWARD, n))], dtype=object),
        "str": strings, "zeros": np.zeros(n), "nans": np.full(n, np.nan)})
    for frame in (df, df.iloc[:0], df.iloc[:1], df[["i", "s"]], df.rename(columns={"s": "a,b", "f": 'c"'})):
        assert engine._csv_text(frame, True) is not None  # the fast path, not the fallback
        for header in (True, False):
            assert engine._csv_bytes(frame, header) == _to_csv(frame, header)
            assert engine._csv_bytes(frame, header, block=7) == _to_csv(frame, header)  # in blocks of rows


@pytest.mark.parametrize("frame", [
    pd.DataFrame({"a": [1.5, 2.0]}),                                        # one column: an empty field is quoted
    pd.DataFrame({"a": [1, 2], "b": pd.array([1, None], dtype="Int64")}),   # nullable integers
    pd.DataFrame({"a": [1, 2], "b": np.array([1, "x"], dtype=object)}),     # mixed objects
    pd.DataFrame({"a": [1, 2], "b": pd.Categorical(["x", "y"])}),
    pd.DataFrame({"a": [1, 2], "b": np.array([1.5, 2], dtype=np.float32)}),
    pd.DataFrame({"a": [1, 2], "b": pd.to_datetime(["2020-01-01", "2021-01-01"])}),
])
def test_csv_bytes_fall_back_to_pandas_for_other_columns(frame):
    assert engine._csv_text(frame, True) is None
    assert engine._csv_bytes(frame, True) == _to_csv(frame, True)


def test_csv_fields_are_the_csv_modules():
    """A field is written as it is unless the csv module (which pandas uses) would quote it, for every character."""
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    for cp in range(0x110000):
        if 0xD800 <= cp < 0xE000:
            continue
        for field in (chr(cp), f"a{chr(cp)}b"):
            buf.seek(0)
            buf.truncate()
            writer.writerow((field, ""))
            assert engine._csv_field(field) == buf.getvalue()[:-2], hex(cp)


def _universe(rng, n_entries: int) -> pd.DataFrame:
    rows = [("loaded,terms" if i % 17 == 0 else "loaded_terms", f"cat {i % 5}", f'entry "{i}"' if i % 7 == 0 else
             f"entry {i}", v) for i in range(n_entries) for v in ("all", "outlet", "quoted")]
    return stats.cell_universe(rows, "entry")


def test_outlet_terms_rows_are_the_frame_as_csv():
    rng = np.random.default_rng(1)
    uni = _universe(rng, 60)
    rows_csv = engine.RateRowsCsv(uni, "entry")
    for n_docs, outlet in ((3, "Solo, the weekly"), (12, 'The "Daily"'), (40, "Plain News")):
        tok = rng.integers(0, 900, n_docs)
        n_cells = int(rng.integers(0, 80))
        group = (outlet, tok, rng.integers(0, n_docs, n_cells), rng.choice(len(uni), n_cells, replace=False),
                 rng.integers(1, 5, n_cells))
        values = stats.outlet_rates(group, len(uni), n_boot=200, seed=3)
        frame = stats.outlet_rate_frame(outlet, uni, values, "entry")
        assert rows_csv.rows(outlet, values) == _to_csv(frame, False)
        assert rows_csv.header == _to_csv(frame.iloc[:0], True)
        assert rows_csv.frame_csv(outlet, values) == _to_csv(frame, False)


# ----------------------------------------------------------------------------- bootstrap


def _reference_bootstrap_ratio(num, den, n_boot, level, seed_seq_factory):
    """The plain bootstrap: ratios as (n_boot, K), ``np.percentile`` along axis 0 (what the code did before)."""
    is_sparse = sparse.issparse(num)
    num = sparse.csc_matrix(num) if is_sparse else np.asarray(num)
    if not is_sparse and num.ndim == 1:
        num = num[:, None]
    den = np.asarray(den)
    n, k = num.shape
    low, high = np.full(k, np.nan), np.full(k, np.nan)
    if n == 0 or k == 0 or n_boot <= 0:
        return low, high
    tail = stats._expanded_tail(n, level)
    rng = seed_seq_factory()
    boot = np.empty((n_boot, k))
    pos = 0
    for idx in stats._index_chunks(n, n_boot, rng):
        if is_sparse:
            w = stats._as_weights(idx, n)
            d = w @ den
            nm = np.asarray(num.T.tocsr() @ w.T).T
        else:
            d = den[idx].sum(axis=1)
            nm = np.stack([num[:, j][idx].sum(axis=1) for j in range(k)], axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            boot[pos:pos + len(idx)] = nm / d[:, None]
        pos += len(idx)
    pct = [100 * tail, 100 * (1 - tail)]
    with np.errstate(all="ignore"), stats._quiet():
        lo, hi = (np.nanpercentile if np.isnan(boot).any() else np.percentile)(boot, pct, axis=0)
    return lo, hi


def _same(a, b):
    return all(np.asarray(x).tobytes() == np.asarray(y).tobytes() for x, y in zip(a, b))


def test_bootstrap_gives_the_numbers_of_the_plain_bootstrap():
    rng = np.random.default_rng(2)
    for trial in range(120):
        n, k = int(rng.integers(1, 70)), int(rng.integers(1, 30))
        den = rng.integers(0, 50, size=n).astype(float)
        if trial % 4 == 0:
            den[rng.random(n) < 0.7] = 0  # 0/0 and x/0 in the resamples
        if trial % 2:
            num = sparse.csr_matrix(rng.poisson(0.4, size=(n, k)))
        else:
            num = rng.normal(size=(n, k)) * (rng.random((n, k)) < 0.5)  # zeros of both signs
        n_boot = int(rng.choice([1, 7, 300, 2000]))
        got = stats._bootstrap_ratio(num, den, n_boot, 0.95, lambda: stats._rng(trial, "t"))
        assert _same(got, _reference_bootstrap_ratio(num, den, n_boot, 0.95, lambda: stats._rng(trial, "t")))


def test_bootstrap_with_signed_zeros_ties_and_infinities():
    rng = np.random.default_rng(3)
    values = np.array([0.0, -0.0, 0.5, -0.5, 1.0, np.nan, np.inf])
    for trial in range(150):
        n, k = int(rng.integers(1, 30)), int(rng.integers(1, 4))
        num = rng.choice(values, p=[0.35, 0.35, 0.1, 0.1, 0.06, 0.02, 0.02], size=(n, k))
        den = rng.choice(np.array([0.0, 1.0, 2.0, 3.0]), size=n, p=[0.2, 0.4, 0.2, 0.2])
        with np.errstate(all="ignore"):
            got = stats._bootstrap_ratio(num, den, 300, 0.95, lambda: stats._rng(trial))
            ref = _reference_bootstrap_ratio(num, den, 300, 0.95, lambda: stats._rng(trial))
        assert _same(got, ref)


def test_bootstrap_in_column_blocks_and_resample_chunks():
    """Many columns (several blocks drawn with the same resamples) and many units (several chunks)."""
    rng = np.random.default_rng(4)
    for n, k in ((3000, 2500), (40, 12000)):
        num = sparse.random(n, k, density=0.003, random_state=5, format="csr")
        num.data = np.ceil(num.data * 5)
        den = rng.integers(1, 900, size=n).astype(float)
        got = stats._bootstrap_ratio(num, den, 2000, 0.95, lambda: stats._rng(7, "big"))
        assert _same(got, _reference_bootstrap_ratio(num, den, 2000, 0.95, lambda: stats._rng(7, "big")))


def test_bootstrap_blocks_capped_by_memory_give_the_same_intervals(monkeypatch):
    """A smaller cap on the values held at once (more blocks, each redrawing the same resamples): same numbers."""
    rng = np.random.default_rng(8)
    n, k = 500, 900
    num = sparse.random(n, k, density=0.01, random_state=9, format="csr")
    num.data = np.ceil(num.data * 5)
    den = rng.integers(1, 900, size=n).astype(float)
    whole = stats._bootstrap_ratio(num, den, 400, 0.95, lambda: stats._rng(3, "cap"))
    assert 400 * k <= stats.BOOTSTRAP_BLOCK_VALUES  # one block with the default cap
    for cap in (400 * 7, 400 * 100):
        monkeypatch.setattr(stats, "BOOTSTRAP_BLOCK_VALUES", cap)
        assert _same(stats._bootstrap_ratio(num, den, 400, 0.95, lambda: stats._rng(3, "cap")), whole)


def test_percentiles_read_off_sorted_rows_are_numpys():
    rng = np.random.default_rng(5)
    for n in (1, 2, 3, 10, 999, 2000):
        assert stats._sorted_percentiles_exact(n)
        x = rng.standard_normal((50, n)) * 10.0 ** rng.integers(-5, 5, (50, n))
        x[0] = 1.0
        x[1, ::3] = np.inf
        pct = [0.0, 1.88, 2.5, 50.0, 97.5, 98.12, 100.0, *rng.uniform(0, 100, 5)]
        with np.errstate(all="ignore"):
            assert stats._sorted_percentiles(np.sort(x, axis=1), pct).tobytes() == \
                np.percentile(x, pct, axis=1).tobytes()


# ----------------------------------------------------------------------------- keyness


def _reference_keyness_frame(terms, a, b, c, d, full_table, extra=None):
    """The keyness frame sorted by pandas (what _keyness_frame did before)."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    g = stats.g2_statistic(a, b, np.full(a.shape, c), np.full(b.shape, d), full_table=full_table)
    with np.errstate(divide="ignore", invalid="ignore"):
        ft = np.where(a > 0, a, 0.5) / c
        fr = np.where(b > 0, b, 0.5) / d
        sign = np.sign(a / c - b / d) if (c > 0 and d > 0) else np.zeros(a.shape)
        log_ratio = np.log2(ft / fr)
    g = np.where(np.isfinite(g), g * sign, np.nan)
    unsorted = pd.DataFrame({"term": terms, "count_target": a.astype(np.int64), "count_reference": b.astype(np.int64),
                             "total_target": np.int64(round(c)), "total_reference": np.int64(round(d)),
                             "g2": g + 0.0, "p_value": stats.sps.chi2.sf(np.abs(g), 1), "log_ratio": log_ratio})
    for name, values in (extra or {}).items():
        unsorted[name] = values
    unsorted["_neg"] = -unsorted["g2"]
    out = unsorted.sort_values(["_neg", "term", *(extra or {})], kind="stable").drop(columns="_neg")
    return out.reset_index(drop=True)


def test_keyness_order_and_values_are_pandas_sort_values():
    rng = np.random.default_rng(6)
    words = np.array(sorted({"".join(rng.choice(list("abcé"), size=rng.integers(1, 5))) for _ in range(400)}),
                     dtype=object)
    for trial in range(60):
        k = len(words)
        a = rng.poisson(rng.choice([0.1, 1, 5]), size=k).astype(float)
        b = rng.poisson(rng.choice([0.1, 1, 5]), size=k).astype(float)
        c = float(a.sum() + rng.integers(0, 50)) if trial % 9 else 0.0
        d = float(b.sum() + rng.integers(0, 50))
        if c == 0:
            a[:] = 0
        terms, extra = words, None
        if trial % 3 == 0:  # repeated terms, told apart by lexicon and category
            terms = rng.choice(words[:20], size=k)
            extra = {"lexicon": rng.choice(np.array(["l1", "l2"], dtype=object), size=k),
                     "category": np.array([f"c{i}" for i in range(k)], dtype=object)}
        got = stats._keyness_frame(terms, a, b, c, d, bool(trial % 2), extra)
        pd.testing.assert_frame_equal(got, _reference_keyness_frame(terms, a, b, c, d, bool(trial % 2), extra),
                                      check_exact=True)


def test_word_keyness_of_outlet_subsets_is_the_whole_tables():
    rng = np.random.default_rng(7)
    words = [f"w{i}" for i in rng.permutation(300)]
    outlets = [f"O{i}" for i in range(7)]
    trip = [(o, w, int(c)) for o in range(len(outlets)) for w in range(len(words))
            if rng.random() < 0.6 and (c := rng.poisson(0.8)) > 0]
    oi, wi, cv = (np.array(x) for x in zip(*trip))
    for max_rows, top in ((None, 100), (10, 3)):
        whole = list(stats.keyness_words_from_sparse(outlets, words, oi, wi, cv, 3, False, max_rows, top))
        plan = stats.WordKeyness.from_sparse(outlets, words, oi, wi, cv, 3, False, max_rows, top)
        parts = [f for part in ([0, 2], [1], [3, 4, 5, 6]) for f in plan.subset(part).frames()]
        for f, i in zip(parts, [0, 2, 1, 3, 4, 5, 6]):
            pd.testing.assert_frame_equal(f, whole[i], check_exact=True)


def test_chunk_words_hold_the_counters():
    from collections import Counter

    per = {"A": Counter({"x": 2, "y": 1}), "B": Counter(), "C": Counter({"y": 5, "z": 1})}
    w = engine.ChunkWords.encode(per)
    back = {o: Counter() for o in w.outlets}
    for o, i, c in zip(w.outlet, w.word, w.count):
        back[w.outlets[o]][w.words[i]] += int(c)
    assert back == per and len(w.words) == 3


# ----------------------------------------------------------------------------- worker processes


def _synth_records():
    spec = importlib.util.spec_from_file_location("synth_corpus", REPO_ROOT / "benchmarks" / "synth_corpus.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.make_records(300, n_outlets=9, mean_chars=900, seed=4)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("aggspeed") / "corpus.jsonl"
    with open(path, "w", encoding="utf-8") as f:
        for r in _synth_records():
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    return path


def test_outlet_tables_on_worker_processes_are_the_same_bytes(corpus, tmp_path, monkeypatch):
    """The outlet tables computed by two worker processes (forced, however small the corpus) = one process."""
    one, two = tmp_path / "one", tmp_path / "two"
    assert main(["report", str(corpus), "--out", str(one), "--quiet", "--jobs", "1", "--no-figures"]) == 0
    monkeypatch.setattr(engine, "PARALLEL_FINISH_MIN_ROWS", 0)
    monkeypatch.setattr(engine, "SPILL_BYTES", 0)  # every result through a file
    runners = []
    enter = engine._TaskRunner.__enter__
    monkeypatch.setattr(engine._TaskRunner, "__enter__", lambda self: runners.append(self.jobs) or enter(self))
    assert main(["report", str(corpus), "--out", str(two), "--quiet", "--jobs", "2", "--no-figures",
                 "--chunk-size", "50"]) == 0
    assert runners == [2]
    names = sorted(p.name for p in one.iterdir() if p.suffix == ".csv")
    assert "outlet_terms.csv" in names and "keyness.csv" in names and "doc_categories.csv" in names
    for name in names:
        assert (one / name).read_bytes() == (two / name).read_bytes(), name
    assert sorted(p.name for p in two.iterdir()) == sorted(p.name for p in one.iterdir())  # nothing left over
    terms = pd.read_csv(two / "outlet_terms.csv")
    assert (terms["ci_method"] == "bootstrap").any() and (terms["ci_method"] == "exact-poisson").any()


def test_batches_cover_every_position_in_order():
    for weights in ([1] * 10, [100, 1, 1, 1, 50, 1], [0, 0, 0], [5], []):
        for n in (1, 3, 64):
            got = engine._batches(weights, n)
            assert [i for r in got for i in r] == list(range(len(weights)))
            assert all(len(r) for r in got)


# ----------------------------------------------------------------------------- outlet tables in batches


@pytest.mark.parametrize("batches,block,spans", [(1, 5_000, 64), (3, 7, 4), (64, 20, 1)])
def test_outlet_tables_do_not_depend_on_the_batches_of_outlets(corpus, tmp_path, monkeypatch, batches, block, spans):
    """The outlet tables computed in 1, 3 or 64 batches of outlets, doc_categories in any spans: the same bytes.

    Every table's rows are computed per outlet (each with its own random stream) or
    per article; a batch boundary must change nothing. (outlet_sentiment's article
    means once did: pandas' grouped mean of an outlet differs in the last digit with
    and without the other outlets' articles.)
    """
    ref = tmp_path / "ref"
    assert main(["report", str(corpus), "--out", str(ref), "--quiet", "--jobs", "1", "--no-figures"]) == 0
    monkeypatch.setattr(engine, "OUTLET_BATCHES", batches)
    monkeypatch.setattr(engine, "DOC_CATEGORIES_BLOCK", block)
    monkeypatch.setattr(engine, "DOC_CATEGORIES_SPANS", spans)
    seen = []
    task = engine._outlet_batch_task
    monkeypatch.setattr(engine, "_outlet_batch_task", lambda b, outlets, *a: seen.append(outlets) or task(b, outlets, *a))
    got = tmp_path / "got"
    assert main(["report", str(corpus), "--out", str(got), "--quiet", "--jobs", "1", "--no-figures",
                 "--chunk-size", "37"]) == 0
    assert len(seen) == min(batches, 9) and [o for s in seen for o in s] == sorted(o for s in seen for o in s)
    names = sorted(p.name for p in ref.iterdir() if p.suffix == ".csv")
    assert "outlet_sentiment.csv" in names and "outlet_actor_sentiment.csv" in names
    for name in names:
        assert (ref / name).read_bytes() == (got / name).read_bytes(), name
    assert sorted(p.name for p in got.iterdir()) == sorted(p.name for p in ref.iterdir())  # no partials left


def test_partials_folder_is_removed_when_the_run_fails(corpus, tmp_path, monkeypatch):
    """The hidden folder of per-article partials goes whatever happens (here: a task fails)."""
    out = tmp_path / "out"
    folders = []
    init = engine.Aggregator.__init__
    monkeypatch.setattr(engine.Aggregator, "__init__",
                        lambda self, *a, **k: init(self, *a, **k) or folders.append(self.folder))

    def boom(*a, **k):
        assert (folders[0] / "entry-0").is_file()  # the partials are there while the tables are computed
        raise RuntimeError("planted")

    monkeypatch.setattr(engine, "_outlet_batch_task", boom)
    with pytest.raises(RuntimeError, match="planted"):
        main(["report", str(corpus), "--out", str(out), "--quiet", "--jobs", "1", "--no-figures"])
    assert len(folders) == 1 and not folders[0].exists()
    assert not list(out.rglob(".mediabias-partials-*"))


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=',"\r\n a\x00\u00e9\t\u2028', max_size=12))
def test_csv_field_is_the_csv_module(s):
    import csv
    import io

    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow((s, ""))
    assert engine._csv_field(s) == buf.getvalue()[:-2]
