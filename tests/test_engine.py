"""`mediabias report` at scale: chunked, multi-process and dask runs give the in-memory tables, byte for byte.

The reference is the whole analysis held in memory (read everything, run
``process_articles`` on all articles, ``aggregate_tables`` on the whole ledger, write
each table once). The engine reads in chunks, runs chunks in worker processes or on a
dask LocalCluster, writes tables incrementally and aggregates from per-article
partial counts; every output file must be the same bytes.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mediabias.cli import main
from mediabias.corpus import read_sources
from mediabias.lexicon import list_lexicons, load_lexicon
from mediabias.paths import REPO_ROOT
from mediabias.pipeline import ARTICLE_COLUMNS, SENTENCE_COLUMNS, ordered, write_table
from mediabias.report import ReportOptions, aggregate_tables, process_articles, run_report_full

SEED = 20181208
TABLES = ["articles", "sentences", "matches", "unmatched_entries", "doc_categories", "outlet_terms",
          "outlet_categories", "outlet_sentiment", "outlet_actor_sentiment", "keyness", "framing_pairs",
          "dropped_lines", "load_report"]


def _synth():
    spec = importlib.util.spec_from_file_location("synth_corpus", REPO_ROOT / "benchmarks" / "synth_corpus.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def reference_report(inputs, out: Path, seed: int = SEED) -> None:
    """The whole analysis in memory, each table written at once (what run_report did before streaming)."""
    got = read_sources(inputs)
    lexicons = [load_lexicon(x) for x in list_lexicons()]
    a, s, m = process_articles(got.articles, lexicons)
    tables = {"articles": ordered(a, ARTICLE_COLUMNS), "sentences": ordered(s, SENTENCE_COLUMNS), "matches": m,
              **aggregate_tables(a, s, m, lexicons, seed), "dropped_lines": got.dropped_lines,
              "load_report": got.load_report}
    for name, df in tables.items():
        write_table(df, out / f"{name}.csv")


def assert_same_files(a: Path, b: Path, names=TABLES) -> None:
    for name in names:
        fa, fb = a / f"{name}.csv", b / f"{name}.csv"
        assert fa.read_bytes() == fb.read_bytes(), name


@pytest.fixture(scope="module")
def synth_corpus(tmp_path_factory) -> Path:
    """240 news-like articles from 7 outlets (one with a single article), ids not in sorted order,
    a repeated id, an empty text and a broken line."""
    recs = _synth().make_records(240, n_outlets=7, mean_chars=1100, seed=3)
    rng = np.random.default_rng(0)
    for r, k in zip(recs, rng.permutation(len(recs))):
        r["id"] = f"n{int(k) * 7919 % 1000:03d}-{r['id'][-3:]}"
    recs[10]["id"] = recs[5]["id"]
    recs[20]["text"] = ""
    recs[30]["outlet"] = "Solo Weekly"
    recs[31]["text"] = 'He said: "The so-called \u201cresistance\u201d is a pretext." Nothing else.'
    path = tmp_path_factory.mktemp("synth") / "corpus.jsonl"
    with open(path, "w", encoding="utf-8") as f:
        for i, r in enumerate(recs):
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
            if i == 50:
                f.write('{"id": "broken", "text": \n')
    return path


@pytest.fixture(scope="module")
def synth_reference(synth_corpus, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("ref")
    reference_report([synth_corpus], out)
    return out


@pytest.fixture(scope="module")
def synth_jobs1(synth_corpus, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("jobs1")
    status = main(["report", str(synth_corpus), "--out", str(out), "--quiet", "--jobs", "1", "--chunk-size", "37"])
    assert status == 3  # the empty text and the broken line are in the load report
    return out


def test_seeds_equal_the_in_memory_report(seeds_dir, tmp_path):
    reference_report([seeds_dir], tmp_path / "ref")
    assert main(["report", str(seeds_dir), "--out", str(tmp_path / "run"), "--quiet", "--chunk-size", "1"]) == 0
    assert_same_files(tmp_path / "ref", tmp_path / "run")


def test_chunked_run_equals_the_in_memory_report(synth_reference, synth_jobs1):
    """Aggregates from per-article partials = aggregate_tables on the whole ledger; chunked writes = one-shot."""
    assert_same_files(synth_reference, synth_jobs1)
    terms = pd.read_csv(synth_jobs1 / "outlet_terms.csv")
    assert terms["outlet"].nunique() == 8 and (terms["ci_method"] == "bootstrap").any()
    assert (pd.read_csv(synth_jobs1 / "outlet_actor_sentiment.csv")["ci_method"] == "cluster-bootstrap").any()


def test_two_jobs_are_byte_identical_to_one(synth_corpus, synth_jobs1, tmp_path):
    status = main(["report", str(synth_corpus), "--out", str(tmp_path), "--quiet", "--jobs", "2",
                   "--chunk-size", "23"])
    assert status == 3
    assert_same_files(synth_jobs1, tmp_path)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["options"]["jobs"] == 2 and manifest["counts"]["articles"] == 239


def test_dask_local_cluster_equals_local_engine(synth_corpus, synth_jobs1, tmp_path):
    pytest.importorskip("distributed")
    status = main(["report", str(synth_corpus), "--out", str(tmp_path), "--quiet", "--engine", "dask",
                   "--jobs", "2", "--chunk-size", "60"])
    assert status == 3
    assert_same_files(synth_jobs1, tmp_path)
    assert json.loads((tmp_path / "manifest.json").read_text())["options"]["engine"] == "dask"


def test_every_article_is_in_the_output_or_the_load_report(synth_corpus, synth_jobs1):
    lines = [ln for ln in synth_corpus.read_text(encoding="utf-8").split("\n") if ln.strip()]
    arts = pd.read_csv(synth_jobs1 / "articles.csv", keep_default_na=False)
    report = pd.read_csv(synth_jobs1 / "load_report.csv", keep_default_na=False)
    problems = report[report["status"].isin(["skipped", "error"])]
    assert len(arts) + len(problems) == len(lines)
    assert report.loc[report["source"] == "corpus.jsonl", "n_articles"].item() == len(arts)


def test_parquet_format_holds_the_same_rows(synth_corpus, synth_jobs1, tmp_path):
    status = main(["report", str(synth_corpus), "--out", str(tmp_path), "--quiet", "--jobs", "1",
                   "--format", "parquet", "--chunk-size", "50"])
    assert status == 3
    assert not (tmp_path / "matches.csv").exists() and not (tmp_path / "sentences.csv").exists()
    for name in ("matches", "sentences"):
        got = pd.read_parquet(tmp_path / f"{name}.parquet")
        want = pd.read_csv(synth_jobs1 / f"{name}.csv", keep_default_na=False)
        assert len(got) == len(want) and list(got.columns) == list(want.columns), name
        for col in ("doc_id", "start", "end"):
            assert got[col].astype(str).tolist() == want[col].astype(str).tolist(), (name, col)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert "matches.parquet" in manifest["outputs"] and manifest["options"]["format"] == "parquet"
    assert_same_files(synth_jobs1, tmp_path, [t for t in TABLES if t not in ("matches", "sentences")])


def test_in_memory_tables_and_sample_for_figures(synth_corpus, tmp_path):
    opts = ReportOptions(lexicons=("loaded_terms",), seed=1, chunk_size=40, sample_articles=30)
    run = run_report_full([str(synth_corpus)], tmp_path, opts)
    assert len(run.sample["articles"]) == 30
    assert set(run.sample["matches"]["doc_id"]) <= set(run.sample["articles"]["doc_id"])
    assert set(run.sample["sentences"]["doc_id"]) == set(run.sample["articles"]["doc_id"])
    for name in ("outlet_categories", "outlet_sentiment", "outlet_actor_sentiment", "framing_pairs",
                 "unmatched_entries"):
        on_disk = pd.read_csv(tmp_path / f"{name}.csv")
        assert len(run.tables[name]) == len(on_disk), name
    terms = pd.read_csv(tmp_path / "outlet_terms.csv", keep_default_na=False)
    hits = terms[terms["count"] > 0].reset_index(drop=True)
    assert len(hits) < len(terms) and run.tables["outlet_terms"]["entry"].tolist() == hits["entry"].tolist()
    assert run.outlet_articles.sum() == run.manifest["counts"]["articles"]
    # keyness in memory: each outlet's 50 most overused entries and words (ties at the 50th kept), from the CSV
    kept = run.tables["keyness"]
    assert set(kept["unit"]) == {"word", "entry"} and (kept["g2"] > 0).all()
    key = ["unit", "outlet", "term", "lexicon"]
    on_disk = pd.read_csv(tmp_path / "keyness.csv", keep_default_na=False, na_values=[""])
    over = on_disk[on_disk["g2"] > 0]
    cut = over.groupby(["unit", "outlet"])["g2"].transform(lambda g: g.nlargest(50).min())
    want = over[over["g2"] >= cut]
    assert len(over) > len(want) > 0
    got = kept[key].astype(str).apply(tuple, axis=1)
    assert sorted(got) == sorted(want[key].astype(str).apply(tuple, axis=1))


def test_no_article_is_exit_1_with_only_the_load_report(tmp_path, capsys):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.jsonl").write_text('{"id": 1, "text": ""}\n', encoding="utf-8")
    status = main(["report", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--jobs", "2"])
    assert status == 1
    assert "no article could be read" in capsys.readouterr().err
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["load_report.csv"]


def test_progress_is_quiet_off_a_terminal_and_with_quiet(seeds_dir, tmp_path, capsys):
    assert main(["report", str(seeds_dir), "--out", str(tmp_path / "a")]) == 0
    err = capsys.readouterr().err
    assert "articles/s" not in err and "%|" not in err  # stderr is not a terminal here
    assert main(["report", str(seeds_dir), "--out", str(tmp_path / "b"), "--quiet"]) == 0
    assert capsys.readouterr().err == ""


def test_progress_bar_on_a_terminal(seeds_dir, tmp_path, monkeypatch):
    from mediabias import engine

    shown = {}

    class FakeTqdm:
        def __init__(self, total=None, unit="", **kw):
            shown.update(total=total, unit=unit)
            self.n = 0

        def update(self, k):
            self.n += k

        def refresh(self):
            pass

        def close(self):
            shown["final"] = self.n

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    monkeypatch.setattr("tqdm.tqdm", FakeTqdm)
    assert engine._progress(True, 7) is not None and engine._progress(False, 7) is None
    run_report_full([str(seeds_dir)], tmp_path, ReportOptions(progress=True))
    assert shown == {"total": 2, "unit": " articles", "final": 2}


def test_usage_errors(tmp_path, capsys, seeds_dir):
    with pytest.raises(SystemExit) as exc:
        main(["report", str(seeds_dir), "--out", str(tmp_path), "--jobs", "0"])
    assert exc.value.code == 2
    assert main(["report", str(seeds_dir), "--out", str(tmp_path), "--scheduler", "tcp://x:1"]) == 1
    assert "--scheduler needs --engine dask" in capsys.readouterr().err


def test_article_figures_do_not_depend_on_the_other_articles_in_the_batch():
    """pandas 3 sums groups differently when the keys happen to be sorted; per-article values must not."""
    from mediabias.sentiment import _per_doc, score_articles

    rng = np.random.default_rng(5)
    n = 400
    sents = pd.DataFrame({"doc_id": [f"d{i // 8:03d}" for i in range(n)], "sentence_id": np.arange(n) % 8,
                          "vader_compound": rng.normal(size=n).round(4), "polarity": rng.normal(size=n).round(3),
                          "subjectivity": rng.random(size=n).round(3), "outlet": "X"})
    arts = pd.DataFrame({"doc_id": sorted(set(sents["doc_id"])), "text": "x"})
    whole = score_articles(arts, sents).set_index("doc_id")["vader_compound"]
    shuffled = sents.sort_values("sentence_id", kind="stable")  # docs interleaved, each in its order
    assert score_articles(arts, shuffled).set_index("doc_id")["vader_compound"].equals(whole)
    for lo in (0, 7, 31):
        part = score_articles(arts.iloc[lo:lo + 5], sents[sents["doc_id"].isin(arts["doc_id"].iloc[lo:lo + 5])])
        assert part.set_index("doc_id")["vader_compound"].equals(whole.iloc[lo:lo + 5])
    per_whole = _per_doc(sents.rename(columns={"vader_compound": "vader_compound"}), ["outlet"]).set_index("doc_id")
    per_part = _per_doc(sents.iloc[80:160], ["outlet"]).set_index("doc_id")
    assert per_part.equals(per_whole.loc[per_part.index])


def test_chunk_word_counts_equal_counting_each_article_text() -> None:
    """A chunk's word counts (from the sentence split's tokens) equal tokenizing each text again."""
    from collections import Counter

    from mediabias import stats
    from mediabias.engine import ChunkTask, StageConfig, process_chunk
    from mediabias.text import count_tokens

    texts = ["İstanbul and ISTANBUL. Iran-backed forces dug tunnels.", "", "Gaza's 1701 talks.Next day, U.S. aid",
             "foo_bar x-'y' \u2019tis STRAßE.", "Hezbollah. " * 40]
    arts = pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(texts))], "outlet": ["A", "B", "A", "C", "B"],
                         "text": texts, "title": "", "date": "", "url": ""})
    r = process_chunk(ChunkTask(0, 10_000, arts), StageConfig(tuple(load_lexicon(x) for x in list_lexicons())))
    got: dict[str, Counter] = {o: Counter() for o in r.words.outlets}
    for o, w, n in zip(r.words.outlet, r.words.word, r.words.count):
        got[r.words.outlets[o]][r.words.words[w]] += int(n)
    assert got == stats._word_counts(arts, lowercase=True)
    assert got["A"]["istanbul"] == 1 and got["A"]["i\u0307stanbul"] == 1  # str.lower of each token
    assert r.docs["n_tokens"].tolist() == [count_tokens(t) for t in texts]


def test_coded_numbers_keys_in_order_of_first_appearance_like_a_multiindex():
    """engine._coded numbers the key tuples as pd.factorize of their MultiIndex would (its reference)."""
    from mediabias.engine import _coded

    rng = np.random.default_rng(5)
    n = 400
    frame = pd.DataFrame({"doc_id": rng.choice(["d1", "d2", "d3"], n),
                          "a": pd.Series(rng.choice(["x", "y", "z,q", "é"], n), dtype="str"),
                          "b": rng.choice(["p", "q"], n).astype(object),
                          "c": rng.choice(["", "y", "x"], n)})
    doc_pos = pd.Series([0, 1, 2], index=["d1", "d2", "d3"])
    doc, keys, codes = _coded(frame, ["a", "b", "c"], doc_pos)
    want_codes, want_keys = pd.factorize(pd.MultiIndex.from_frame(frame[["a", "b", "c"]].astype(str)))
    assert keys == list(want_keys) and codes.tolist() == want_codes.tolist()
    assert doc.tolist() == doc_pos.reindex(frame["doc_id"]).tolist()
    assert len(keys) > 20  # most combinations occur: the combined codes were really exercised


def test_chunks_are_handed_out_past_a_slow_one_and_passed_on_in_order():
    """engine._in_order: while the oldest chunk is still running, later ones are submitted (up to the
    limit), so idle workers get work; results still come out in the chunks' order."""
    from mediabias.engine import _in_order

    submitted: list[int] = []

    class Handle:
        def __init__(self, i):
            self.i = i

        def ready(self):
            return self.i != 0 or len(submitted) >= 6  # chunk 0 is slow: done once 6 were handed out

        def get(self):
            assert self.ready(), "waited on a chunk that was not done while others could be submitted"
            return self.i

    def submit(i):
        submitted.append(i)
        return Handle(i)

    out = []
    for r in _in_order(submit, range(10), limit=8):
        out.append((r, len(submitted)))
    assert [r for r, _ in out] == list(range(10))
    assert out[0][1] == 6      # the slow chunk did not hold back the ones behind it, and came out once done
    assert max(n - i for i, (_, n) in enumerate(out)) <= 8  # never more than the limit out at once


def test_worker_pool_reports_a_killed_worker_instead_of_waiting_for_ever():
    """A worker that dies in a task (here it exits at once; in life the out-of-memory killer) is an
    error that says so. multiprocessing.Pool, used before, replaced the worker and waited for ever."""
    import os

    from mediabias.engine import WorkerPool
    from mediabias.errors import MediabiasError

    with WorkerPool(2) as pool:
        with pytest.raises(MediabiasError, match="worker process ended abruptly") as info:
            pool.submit(os._exit, 9).get()
        assert "--jobs" in info.value.hint
        with pytest.raises(MediabiasError, match="worker process ended abruptly"):
            pool.submit(os.getpid)  # the next chunk, submitted after the death: the same error, no traceback


def test_worker_pool_results_and_worker_errors_come_back():
    import operator

    from mediabias.engine import WorkerPool

    with WorkerPool(2) as pool:
        handles = [pool.submit(operator.mul, i, 3) for i in range(6)]
        assert [h.get() for h in handles] == [0, 3, 6, 9, 12, 15]
        with pytest.raises(ZeroDivisionError):
            pool.submit(operator.truediv, 1, 0).get()


def test_worker_pool_left_on_an_exception_stops_running_workers_without_waiting():
    """Ctrl-C or an error in the main process: the workers are stopped mid-task, not waited for."""
    import time

    from mediabias.engine import WorkerPool

    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        with WorkerPool(2) as pool:
            handles = [pool.submit(time.sleep, 120) for _ in range(4)]
            while not all(p.is_alive() for p in pool.executor._processes.values()) or \
                    len(pool.executor._processes) < 2:
                time.sleep(0.05)
            processes = list(pool.executor._processes.values())
            raise KeyboardInterrupt
    assert time.monotonic() - started < 60
    assert not any(p.is_alive() for p in processes)
    assert all(h.future.cancelled() or h.future.done() for h in handles)


_RELEASE_SCRIPT = """
import gc, sys
import numpy as np, pandas as pd
from mediabias.engine import release_free_memory

def rss_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1e3

words = np.array([f"doc-{i:08d}-some text" for i in range(2_000_000)], dtype=object)
frame = pd.DataFrame({"a": words, "b": words})  # pandas' strings live in pyarrow's pool
assert str(frame["a"].dtype) in ("str", "string"), frame["a"].dtype
del frame
gc.collect()
kept = rss_mb()
release_free_memory()
print(kept, rss_mb())
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/status")
def test_release_free_memory_returns_what_pyarrow_pool_kept():
    """A frame of strings let go leaves its memory in pyarrow's pool until release_free_memory."""
    import subprocess

    pa = pytest.importorskip("pyarrow")
    if pa.default_memory_pool().backend_name not in ("mimalloc", "jemalloc"):
        pytest.skip("the system allocator's pool is trimmed by malloc_trim alone")
    out = subprocess.run([sys.executable, "-c", _RELEASE_SCRIPT], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    kept, after = map(float, out.stdout.split())
    assert kept - after > 100, (kept, after)  # about 200 MB kept; a few MB after


def test_keyness_with_no_frequent_word_has_each_entry_row_once(tmp_path):
    """Two short articles: no word reaches keyness' minimum count, lexicon entries do hit."""
    corpus = tmp_path / "short.jsonl"
    recs = [{"id": "a1", "outlet": "Alpha Post", "text": "The alleged raid was a pretext, officials said."},
            {"id": "b1", "outlet": "Beta Times", "text": "The regime denied the claims of militants."}]
    corpus.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    reference_report([corpus], tmp_path / "ref")
    for jobs in ("1", "2"):
        assert main(["report", str(corpus), "--out", str(tmp_path / jobs), "--quiet", "--jobs", jobs]) == 0
        assert_same_files(tmp_path / "ref", tmp_path / jobs, ["keyness"])
    keyness = pd.read_csv(tmp_path / "1" / "keyness.csv", keep_default_na=False)
    assert set(keyness["unit"]) == {"entry"} and not keyness.duplicated(["outlet", "lexicon", "term"]).any()
    assert {"alleged", "pretext"} <= set(keyness.loc[keyness["outlet"] == "Alpha Post", "term"])


@pytest.mark.parametrize("seed", range(6))
def test_kept_keyness_rows_hold_every_top_ten_whatever_breaks_the_ties(seed):
    """The in-memory keyness keeps ties at the cut, so the figures' and the HTML report's top rows are in it."""
    from mediabias.engine import _most_overused

    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 200))
    f = pd.DataFrame({"term": [f"t{i}" for i in range(n)],
                      "g2": rng.choice([-3.0, 0.0, 1.5, 2.0, 4.25, 9.0], size=n) * rng.choice([1, 1, 1, 1.1], size=n)})
    kept = _most_overused(f, 20)
    over = f[f["g2"] > 0]
    assert (kept["g2"] > 0).all() and set(kept["term"]) <= set(over["term"])
    assert len(kept) >= min(20, len(over))
    if len(over) > 20:
        cut = over["g2"].sort_values(ascending=False).iloc[19]
        assert set(kept["term"]) == set(over.loc[over["g2"] >= cut, "term"])
    for order in range(5):  # any tie-break: the first 10 of a shuffled, stably sorted frame
        shuffled = over.sample(frac=1, random_state=order).sort_values("g2", ascending=False, kind="stable")
        assert set(shuffled["term"].head(10)) <= set(kept["term"])
