"""Run ``mediabias report`` on a corpus of any size: chunks, worker processes, dask.

How a run goes (:func:`run_engine`):

1. **Read in chunks.** :class:`~mediabias.corpus.CorpusStream` reads the inputs
   record by record (JSONL line by line, CSV row by row, Parquet batch by batch) and
   hands over chunks of ``chunk_size`` articles (default 500).
2. **Per-article stage, per chunk** (:func:`process_chunk`): sentences and voice,
   TextBlob and VADER, the ledger of lexicon hits
   (:func:`mediabias.report.process_articles`). The chunk's rows of
   ``articles``, ``sentences`` and ``matches`` come back already formatted as CSV
   (or as Arrow tables for ``--format parquet``), together with its *partials*:
   small per-article counts and sums that the outlet tables are computed from
   (hits per article x term x voice, per-article sentence sums for the cluster
   bootstrap, per-outlet word counts for keyness). The ledger itself is never
   held whole.
3. **Where chunks run:** in the main process (``jobs=1``), in ``jobs`` worker
   processes (``engine="local"``), or on a dask.distributed cluster
   (``engine="dask"``: a ``LocalCluster`` of ``jobs`` workers, or the scheduler at
   ``scheduler``), where each wave of chunks is a dask bag whose partitions are the
   chunks, mapped with ``map_partitions``. Results are consumed in chunk order
   whatever finishes first, so the output files are the same bytes for any number
   of jobs and either engine.
4. **Write incrementally.** Each table is appended chunk by chunk to a temporary
   name in the output folder and renamed when complete (the same bytes as writing
   the whole table at once).
5. **Aggregate from partials** (:class:`Aggregator`): the outlet tables, exactly
   those :func:`mediabias.report.aggregate_tables` gives on the whole corpus held in
   memory (tests/test_engine.py checks it on the seeds and on a synthetic corpus).
   The partials go to a hidden folder in the output folder as the chunks come; at
   the end they are sorted into one file per batch of outlets and one per span of
   articles, and each batch's outlet tables (each span's doc_categories rows) are
   computed from its file by one task. The tasks run on ``jobs`` worker processes
   when there is enough work, and the main process writes the results in order
   (:class:`_TaskRunner`); the big tables' CSV is formatted without pandas' per-row
   writer (:func:`_csv_bytes`, :class:`RateRowsCsv`).

Memory: the chunks in flight (about ``2 x jobs`` chunks); in the main process one
row per article (doc_id, outlet, tokens, two scores) and the word counts per
outlet; in a worker, one batch of outlets' partials (the largest outlet's, at
most) and a bootstrap block (``stats.BOOTSTRAP_BLOCK_VALUES``). The per-article
partials (about 1.5 KB an article) are on disk, not in memory.
"""

from __future__ import annotations

import csv
import io
import itertools
import multiprocessing as mp
import os
import pickle
import re
import shutil
import sys
import tempfile
import time
import warnings
from collections import Counter, deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

import numpy as np
import pandas as pd

from .errors import MediabiasError

ENGINES = ("local", "dask")
FORMATS = ("csv", "parquet")
DEFAULT_CHUNK_SIZE = 500
DEFAULT_SAMPLE_ARTICLES = 500
#: Word keyness is written in full up to this many rows (outlets x words); beyond,
#: each outlet's KEYNESS_TOP most over- and most underused words (490 outlets x 60,000
#: words would be 30 million rows, hours of CSV).
KEYNESS_MAX_ROWS = 2_000_000
KEYNESS_TOP = 200
#: Tables that ``--format parquet`` writes as Parquet (the others stay CSV).
PARQUET_TABLES = ("sentences", "matches")

_INT_COLUMNS = {"sentence_id", "start", "end", "n_tokens", "n_sentences", "line", "count"}
_FLOAT_COLUMNS = {"polarity", "subjectivity", "vader_compound", "rate_per_1k"}
_BOOL_COLUMNS = {"hedged"}


# ---------------------------------------------------------------- configuration


@dataclass(frozen=True)
class StageConfig:
    """What every chunk needs: the lexicons (loaded once in the main process) and output formats."""

    lexicons: tuple                      # Lexicon objects
    formats: tuple[tuple[str, str], ...] = ()  # (table, "csv" | "parquet")
    sample_articles: int = DEFAULT_SAMPLE_ARTICLES

    def format_of(self, table: str) -> str:
        return dict(self.formats).get(table, "csv")


@dataclass
class ChunkTask:
    index: int          # chunk number, from 0
    offset: int         # corpus position of its first article
    articles: pd.DataFrame


@dataclass
class ChunkWords:
    """A chunk's word counts per outlet, as numbers: (outlet, word, count) with the words listed once.

    Encoded in the worker: a dict of Counters (hundreds of thousands of entries per
    chunk of a corpus of 490 outlets) is slow to pickle and to unpickle, and turning
    it into numbers was the main process's largest job while the workers ran.
    """

    outlets: list[str]
    words: list[str]           # the chunk's distinct words
    outlet: np.ndarray         # per entry: position in ``outlets``
    word: np.ndarray           # per entry: position in ``words``
    count: np.ndarray

    @classmethod
    def encode(cls, per_outlet: dict[str, Counter]) -> "ChunkWords":
        index: dict[str, int] = {}
        outlet, word, count = [], [], []
        for i, cnt in enumerate(per_outlet.values()):
            word.append(np.fromiter((index.setdefault(w, len(index)) for w in cnt), dtype=np.int64,
                                    count=len(cnt)))
            count.append(np.fromiter(cnt.values(), dtype=np.int64, count=len(cnt)))
            outlet.append(np.full(len(cnt), i, dtype=np.int64))
        cat = (lambda xs: np.concatenate(xs) if xs else np.zeros(0, np.int64))
        return cls(list(per_outlet), list(index), cat(outlet), cat(word), cat(count))


@dataclass
class ChunkResult:
    """What a chunk gives back: formatted output rows and the partials for aggregation."""

    index: int
    offset: int
    n_rows: dict[str, int]
    payload: dict[str, Any]        # table -> CSV bytes (no header) or a pyarrow Table
    headers: dict[str, bytes]      # table -> CSV header line
    docs: pd.DataFrame             # doc_id, outlet, n_tokens, polarity, subjectivity (chunk order)
    cells: dict[str, tuple]        # level -> (doc, key table, key code, count)
    groups: dict[str, tuple]       # "sentiment" / "actor" -> (doc, key table, key code, arrays)
    actors: set
    voices: set
    words: "ChunkWords"             # word counts per outlet (for word keyness)
    sample: tuple | None = None    # (articles, sentences, matches) for the first articles
    seconds: float = 0.0


# ---------------------------------------------------------------- per-chunk work

_WORKER: dict[str, Any] = {}


def _lexicons(config: StageConfig) -> list:
    """The config's lexicons, one copy per process (so compiled automata are reused)."""
    key = tuple((lx.name, lx.sha256, len(lx.entries)) for lx in config.lexicons)
    cached = _WORKER.get("lexicons")
    if cached is None or cached[0] != key:
        _WORKER["lexicons"] = cached = (key, list(config.lexicons))
    return cached[1]


def _actors():
    if "actors" not in _WORKER:
        from .sentiment import load_actors

        _WORKER["actors"] = load_actors()
    return _WORKER["actors"]


# ---------------------------------------------------------------- CSV, the bytes of pandas' to_csv, faster
#
# ``DataFrame.to_csv`` turns every value into a Python object and hands the rows to the
# csv module one by one: about a microsecond a field, i.e. minutes for the tens of
# millions of fields of outlet_terms, keyness and doc_categories on a large corpus. The tables
# here have few distinct values per column (the same outlet, term, voice or 0.0 on
# thousands of rows), so each distinct value is formatted once, exactly as pandas
# formats it, and the rows are joined with str.join. The result is the same bytes
# (tests/test_engine_aggregation_speed.py compares them on every kind of column);
# a column of any other kind falls back to pandas for the whole frame.

#: Characters that can make the csv module quote a field (with "," as delimiter and
#: "\n" as line end); a field without any of them is written as it is.
_CSV_SPECIAL_RE = re.compile('[,"\r\n]')
_CSV_BUF = io.StringIO()
_CSV_WRITER = csv.writer(_CSV_BUF, lineterminator="\n")


def _csv_field(s: str) -> str:
    """``s`` as one field of a row of several, as pandas' to_csv writes it (csv module, QUOTE_MINIMAL)."""
    if _CSV_SPECIAL_RE.search(s) is None:
        return s
    if "\x00" not in s and "\r" not in s:  # what the csv module writes (QUOTE_MINIMAL, quotes doubled)
        return '"' + s.replace('"', '""') + '"'
    _CSV_BUF.seek(0)
    _CSV_BUF.truncate()
    _CSV_WRITER.writerow((s, ""))
    return _CSV_BUF.getvalue()[:-2]  # without the empty second field's "," and the line end


def _csv_texts(values) -> list[str] | None:
    """The CSV text of every value of a column (a Series or 1-D array), or None for a kind not handled here.

    What pandas does (``get_values_for_csv`` then the csv module): float64 through
    numpy's ``astype(str)``, NaN as an empty field; integers and booleans as
    ``str()``; strings quoted when needed, missing ones empty. Each distinct value
    (floats by bit pattern, so -0.0 stays "-0.0") is formatted once.
    """
    dtype = values.dtype
    arr = values.to_numpy() if isinstance(values, pd.Series) and isinstance(dtype, np.dtype) else values
    if isinstance(dtype, np.dtype) and dtype.kind in "fiub":
        arr = np.asarray(arr)
        if len(arr) == 0:
            return []
        if dtype.kind == "f":
            if dtype.itemsize != 8:
                return None
            codes, uniq = pd.factorize(arr.view(np.int64))
            floats = uniq.view(np.float64)
            texts = floats.astype(str).astype(object)
            texts[np.isnan(floats)] = ""
        else:
            codes, uniq = pd.factorize(arr)
            texts = np.asarray([str(v) for v in uniq.tolist()], dtype=object)
        return texts[codes].tolist()
    if (isinstance(dtype, np.dtype) and dtype.kind == "O") or isinstance(dtype, pd.StringDtype):
        codes, uniq = pd.factorize(values)  # missing values: code -1
        uniq = uniq.tolist()
        if not all(type(u) is str for u in uniq):
            return None
        missing = codes < 0
        if missing.any() and not np.array_equal(missing, np.asarray(pd.isna(values))):
            return None
        texts = np.asarray([_csv_field(u) for u in uniq] + [""], dtype=object)  # code -1: the last, ""
        return texts[codes].tolist()
    return None


def _csv_text(df: pd.DataFrame, header: bool) -> str | None:
    """``df.to_csv(None, index=False, header=header, lineterminator="\n")``, or None to let pandas do it."""
    if df.shape[1] < 2 or not all(type(c) is str for c in df.columns) or df.columns.has_duplicates:
        return None  # one column (an empty field is quoted alone) or unusual labels: pandas
    head = ",".join(_csv_field(c) for c in df.columns) + "\n" if header else ""
    columns = []
    for i in range(df.shape[1]):
        texts = _csv_texts(df.iloc[:, i])
        if texts is None:
            return None
        columns.append(texts)
    if len(df) == 0:
        return head
    return head + "\n".join(map(",".join, zip(*columns))) + "\n"


def _csv_scalar(value) -> str:
    """One value as pandas writes it in a column of such values."""
    texts = _csv_texts(pd.Series([value]))
    if texts is None:
        raise TypeError(f"no CSV text for {value!r}")
    return texts[0]


class RateRowsCsv:
    """The CSV rows of ``outlet_terms``, outlet by outlet, from :func:`mediabias.stats.outlet_rates`.

    An outlet's rows are the universe (lexicon, category, entry, voice: thousands of
    cells, the same for every outlet, formatted once here) with the outlet's numbers.
    Most cells have no hit in a given outlet, and all those rows carry the same
    numbers (count 0, rate 0, the Poisson interval of 0 in the outlet's tokens), so
    an outlet's rows are the distinct rows formatted once each, then joined. The
    bytes are those of ``stats.outlet_rate_frame(...).to_csv()`` (which
    :meth:`frame_csv` still does when a column is of a kind not handled here).
    """

    def __init__(self, uni: pd.DataFrame, level: str = "entry"):
        from . import stats

        self.uni = uni.reset_index(drop=True)
        self.level = level
        keys = [*stats._KEYS[level], "voice"]
        self.columns = ["outlet", *keys, "count", "n_docs", "docs_with_term", "n_tokens", "rate_per_1k",
                        "ci_low", "ci_high", "ci_method", "caveat"]
        self.header = (",".join(_csv_field(c) for c in self.columns) + "\n").encode("utf-8")
        texts = [_csv_texts(self.uni[c]) for c in keys]
        # "," + the universe's fields + ",": what goes between the outlet and the numbers
        self.middle = (None if any(t is None for t in texts) else
                       ["," + ",".join(row) + "," for row in zip(*texts)] if len(self.uni) else [])

    def rows(self, outlet, values: dict[str, Any]) -> bytes | None:
        """The outlet's rows (no header), or None when a value is of a kind not handled here."""
        if self.middle is None:
            return None
        k = len(self.middle)
        names = self.columns[len(self.columns) - len(values):]
        arrays = {c: v for c, v in values.items() if np.ndim(v)}
        if list(values) != names or any(len(v) != k for v in arrays.values()):
            return None
        # rows equal to a first row without hits are written from its text
        codes = {c: (pd.factorize(v)[0] if v.dtype == object else v.view(np.int64) if v.dtype.kind == "f" else v)
                 for c, v in arrays.items()}
        ref = np.flatnonzero(values["count"] == 0)[:1] if "count" in arrays else np.zeros(0, np.int64)
        if len(ref):
            same = np.logical_and.reduce([codes[c] == codes[c][ref[0]] for c in arrays])
            distinct = np.union1d(np.flatnonzero(~same), ref)
        else:
            same = np.zeros(k, dtype=bool)
            distinct = np.arange(k)
        fields = []
        for c in names:
            v = values[c]
            if np.ndim(v):
                texts = _csv_texts(v[distinct])
                if texts is None:
                    return None
                fields.append(texts)
            else:
                try:
                    fields.append([_csv_scalar(v)] * len(distinct))
                except TypeError:
                    return None
        tails = np.empty(k, dtype=object)
        if len(ref):
            tails[same] = ",".join(f[int(np.searchsorted(distinct, ref[0]))] for f in fields) + "\n"
        tails[distinct] = [",".join(row) + "\n" for row in zip(*fields)]
        if k == 0:
            return b""
        rows = zip(itertools.repeat(_csv_scalar(outlet)), self.middle, tails.tolist())
        return "".join(itertools.chain.from_iterable(rows)).encode("utf-8")

    def frame_csv(self, outlet, values: dict[str, Any]) -> bytes:
        """The outlet's rows (no header), through its frame (any kind of value)."""
        from . import stats

        return _csv_bytes(stats.outlet_rate_frame(outlet, self.uni, values, self.level), header=False)


def _csv_bytes(df: pd.DataFrame, header: bool, block: int = 100_000) -> bytes:
    """``df`` as CSV (no index, "\n" line ends, UTF-8): the bytes of pandas' ``to_csv``, faster.

    ``block`` rows at a time, so that the text of a table of millions of rows is never
    held whole next to its bytes.
    """
    parts = []
    for start in range(0, max(len(df), 1), block):
        part = df.iloc[start:start + block]
        text = _csv_text(part, header and start == 0)
        if text is None:
            text = part.to_csv(None, index=False, header=header and start == 0, lineterminator="\n")
        parts.append(text.encode("utf-8"))
    return b"".join(parts) if len(parts) > 1 else parts[0]


def _coded(frame: pd.DataFrame, key_cols: list[str], doc_pos: pd.Series) -> tuple:
    """(doc position, distinct key tuples, key code per row) of a partial-count frame.

    The keys are the rows' ``key_cols`` as strings, numbered in order of first
    appearance: what ``pd.factorize`` of their MultiIndex gives, without building
    one (each column is factorized, and the combined codes once more).
    """
    doc = doc_pos.reindex(frame["doc_id"].astype(str)).to_numpy(dtype=np.int64)
    if len(frame) == 0:
        return doc, [], np.zeros(0, dtype=np.int64)
    combined = np.zeros(len(frame), dtype=np.int64)
    values = []
    for c in key_cols:
        col = frame[c].astype(str).to_numpy(dtype=object)
        codes, uniques = pd.factorize(col, use_na_sentinel=False)
        if len(uniques) and int(combined.max()) >= 2**62 // len(uniques):  # keep the product in int64
            combined = pd.factorize(combined)[0]  # the same distinct values, numbered 0..k-1
        combined = combined * len(uniques) + codes
        values.append(col)
    codes, _ = pd.factorize(combined)
    _, first = np.unique(codes, return_index=True)  # first row of each key, in code order
    return doc, list(zip(*(v[first].tolist() for v in values))), codes.astype(np.int64)


def arrow_table(df: pd.DataFrame):
    """``df`` as a pyarrow Table with a fixed type per column (the same for every chunk)."""
    import pyarrow as pa

    fields, arrays = [], []
    for c in df.columns:
        if c in _BOOL_COLUMNS:
            t = pa.bool_()
        elif c in _INT_COLUMNS:
            t = pa.int64()
        elif c in _FLOAT_COLUMNS:
            t = pa.float64()
        else:
            t = pa.string()
        values = df[c]
        if t == pa.string():
            values = values.astype(object).where(values.notna(), None)
        arrays.append(pa.array(values.tolist() if t == pa.string() else values.to_numpy(), type=t))
        fields.append(pa.field(c, t))
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


def process_chunk(task: ChunkTask, config: StageConfig) -> ChunkResult:
    """The per-article stage on one chunk, and its partials (runs in any process)."""
    from . import stats
    from .pipeline import ARTICLE_COLUMNS, SENTENCE_COLUMNS, ordered
    from .report import process_articles
    from .sentiment import actor_doc_partials, sentiment_doc_partials
    from .text import lower_tokens

    t0 = time.perf_counter()
    lexicons = _lexicons(config)
    # word counts per outlet (word keyness) from the tokens the sentence split found: the
    # text is not tokenized again (the same counts as stats._word_counts(articles, True))
    per_outlet: dict[str, Counter] = {}
    outlet_of = task.articles["outlet"].astype(str).tolist() if len(task.articles) else []

    def count_words(i: int, toks: list[str]) -> None:
        per_outlet.setdefault(outlet_of[i], Counter()).update(lower_tokens(toks))

    articles, sentences, matches = process_articles(task.articles, lexicons, on_tokens=count_words)
    tables = {"articles": ordered(articles, ARTICLE_COLUMNS), "sentences": ordered(sentences, SENTENCE_COLUMNS),
              "matches": matches}
    payload, headers = {}, {}
    for name, df in tables.items():
        if config.format_of(name) == "parquet":
            payload[name] = arrow_table(df)
        else:
            payload[name] = _csv_bytes(df, header=False)
            headers[name] = _csv_bytes(df.iloc[:0], header=True)
    doc_ids = articles["doc_id"].astype(str)
    doc_pos = pd.Series(np.arange(len(articles)), index=doc_ids.to_numpy())
    docs = pd.DataFrame({"doc_id": doc_ids.to_numpy(dtype=object),
                         "outlet": articles["outlet"].astype(str).to_numpy(dtype=object),
                         "n_tokens": articles["n_tokens"].to_numpy(dtype=np.int64),
                         "polarity": articles["polarity"].to_numpy(dtype=float),
                         "subjectivity": articles["subjectivity"].to_numpy(dtype=float)})
    arts_min = docs[["doc_id", "outlet", "n_tokens"]]
    cells = {}
    for level, keys in (("entry", ["lexicon", "category", "entry", "voice"]),
                        ("category", ["lexicon", "category", "voice"])):
        cc = stats.article_cells(matches, arts_min, level)
        doc, table, code = _coded(cc, keys, doc_pos)
        cells[level] = (doc, table, code, cc["count"].to_numpy(dtype=np.int64))
    groups = {}
    from .sentiment import PARTIAL_MEASURES

    for name, per_doc, key_cols in (
            ("sentiment", sentiment_doc_partials(articles, sentences), ["outlet"]),
            ("actor", actor_doc_partials(articles, sentences, _actors()), ["outlet", "actor", "voice"])):
        doc, table, code = _coded(per_doc, key_cols, doc_pos)
        arrays = {m: per_doc[m].to_numpy(dtype=np.int64 if m in ("n", "zero") else float) for m in PARTIAL_MEASURES}
        groups[name] = (doc, table, code, arrays)
    actors = set(groups["actor"][1][i][1] for i in range(len(groups["actor"][1])))
    voices = set(sentences["voice"].astype(str).unique())
    words = ChunkWords.encode(per_outlet)
    sample = None
    if task.offset < config.sample_articles:
        keep = config.sample_articles - task.offset
        first = set(doc_ids.iloc[:keep])
        sample = (tables["articles"].iloc[:keep].reset_index(drop=True),
                  tables["sentences"][tables["sentences"]["doc_id"].astype(str).isin(first)].reset_index(drop=True),
                  matches[matches["doc_id"].astype(str).isin(first)].reset_index(drop=True))
    return ChunkResult(task.index, task.offset, {k: len(v) for k, v in tables.items()}, payload, headers, docs,
                       cells, groups, actors, voices, words, sample, time.perf_counter() - t0)


def _process_chunk_worker(task: ChunkTask) -> ChunkResult:
    result = process_chunk(task, _WORKER["config"])
    release_free_memory()  # the chunk's frames are gone; what the result holds is sent next
    return result


def _init_worker(config: StageConfig) -> None:
    _WORKER["config"] = config
    _lexicons(config)


def _dask_partition(tasks: list, config: StageConfig) -> list:
    """One dask bag partition (a list holding one chunk) through the per-article stage."""
    return [process_chunk(t, config) for t in tasks]


# ---------------------------------------------------------------- runners


def _run_inline(tasks: Iterable[ChunkTask], config: StageConfig) -> Iterator[ChunkResult]:
    for t in tasks:
        yield process_chunk(t, config)


def _mp_context():
    """forkserver (workers start from a process with the heavy modules imported), else spawn."""
    method = "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"
    ctx = mp.get_context(method)
    if method == "forkserver":
        ctx.set_forkserver_preload(["mediabias.engine", "mediabias.report", "textblob", "vaderSentiment"])
    return ctx


def start_forkserver() -> None:
    """Start the worker processes' server now, if the platform has one (forkserver).

    It imports the heavy modules before it can start a worker (about 2 s of processor
    time): started early, that overlaps this process's own setup and first reads
    instead of delaying the first chunk. Idempotent; :func:`_run_pool` starts it anyway.
    """
    ctx = _mp_context()
    if ctx.get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


class WorkerPool:
    """``jobs`` worker processes (see :func:`_mp_context`); a context manager.

    ``submit(fn, *args)`` returns a handle with ``ready()`` and ``get()`` (the result,
    or the worker's exception raised here). A worker that ends abruptly (killed, for
    instance by the system when memory runs out) makes ``get()`` raise a
    :class:`MediabiasError` that says so, instead of waiting for ever. Leaving the
    block on an exception (Ctrl-C included) stops the workers without waiting for
    their running tasks; leaving it normally waits for them.

    Built on :class:`concurrent.futures.ProcessPoolExecutor`, not ``multiprocessing.Pool``:
    the Pool's worker-handler thread also waits on the result pipe, so while a large
    result is being received it wakes for every piece and loops (6.5 s of the main
    process's processor time in a 20,000-article ``--jobs 2`` run, about a third of
    the per-article stage's wall time, per-thread times from ``/proc``), and a
    Pool whose worker is killed waits for the lost task for ever.
    """

    def __init__(self, jobs: int, initializer: Callable | None = None, initargs: tuple = ()):
        self.jobs = jobs
        self.initializer = initializer
        self.initargs = initargs
        self.executor = None

    def __enter__(self) -> "WorkerPool":
        self.executor = ProcessPoolExecutor(self.jobs, mp_context=_mp_context(), initializer=self.initializer,
                                            initargs=self.initargs)
        return self

    def __exit__(self, exc_type, *exc) -> None:
        executor, self.executor = self.executor, None
        if executor is None:
            return
        if exc_type is None:
            executor.shutdown(wait=True)
            return
        # Python 3.11 has no public way to stop workers in the middle of a task (3.14 adds
        # terminate_workers); the executor's table of its processes and its manager thread
        # are read for that.
        processes = list((getattr(executor, "_processes", None) or {}).values())
        manager = getattr(executor, "_executor_manager_thread", None)
        executor.shutdown(wait=False, cancel_futures=True)
        for p in processes:
            if p.is_alive():
                p.terminate()
        for p in processes:
            p.join(5)
            if p.is_alive():
                p.kill()
                p.join()
        if manager is not None:
            manager.join(10)  # it settles the futures of the tasks that were running

    def submit(self, fn: Callable, *args) -> "_Future":
        if self.executor is None:
            raise RuntimeError("WorkerPool.submit outside its with block")
        try:
            return _Future(self.executor.submit(fn, *args))
        except BrokenProcessPool:  # a worker died since the last result was taken
            raise _worker_died() from None


class _Future:
    """A :class:`WorkerPool` task: ``ready()``, and ``get()`` with a worker's death as a MediabiasError."""

    __slots__ = ("future",)

    def __init__(self, future):
        self.future = future

    def ready(self) -> bool:
        return self.future.done()

    def cancel(self) -> bool:
        """Withdraw the task if no worker has taken it yet (True); False once it is running or done."""
        return self.future.cancel()

    def get(self):
        try:
            return self.future.result()
        except BrokenProcessPool:
            raise _worker_died() from None


def _worker_died() -> MediabiasError:
    return MediabiasError(
        "a worker process ended abruptly or could not start (most often killed by the system when memory "
        "runs out; an error above, if any, says why it could not start)",
        hint="Run again with fewer --jobs or a smaller --chunk-size; the system log (dmesg) names a process "
             "it killed.")


#: Chunks handed to the workers and not yet passed on, per job (see :func:`_run_pool`).
CHUNKS_IN_FLIGHT_PER_JOB = 4


def _run_pool(tasks: Iterator[ChunkTask], config: StageConfig, jobs: int) -> Iterator[ChunkResult]:
    """Chunks on ``jobs`` worker processes, results in chunk order (see :func:`_in_order`)."""
    with WorkerPool(jobs, initializer=_init_worker, initargs=(config,)) as pool:
        yield from _in_order(lambda t: pool.submit(_process_chunk_worker, t), tasks,
                             CHUNKS_IN_FLIGHT_PER_JOB * jobs)


def _in_order(submit: Callable, tasks: Iterable, limit: int) -> Iterator:
    """``submit(task).get()`` for each task, in the tasks' order, with at most ``limit`` submitted
    and not yet passed on.

    Results are passed on as soon as they are ready (in order), and tasks are submitted
    while fewer than ``limit`` are out. The per-article stage used to keep two chunks
    per job out and wait on the oldest: a slow chunk then left the other worker idle
    once it had finished the chunks queued behind it (gaps of up to 0.9 s, 6% of the
    per-article stage of a 20,000-article run, py-spy and timestamps of every chunk).
    With four per job the gaps fell from 2-4 s to 1.2-1.7 s per worker in that run.
    """
    pending: deque = deque()
    for t in tasks:
        pending.append(submit(t))
        while pending and (len(pending) >= limit or pending[0].ready()):
            yield pending.popleft().get()
    while pending:
        yield pending.popleft().get()


def _run_dask(tasks: Iterator[ChunkTask], config: StageConfig, jobs: int, scheduler: str | None
              ) -> Iterator[ChunkResult]:
    """Waves of chunks as dask bags (one partition per chunk) mapped with ``map_partitions``."""
    import logging

    try:
        import dask.bag as db
        from distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - distributed is a dependency
        raise MediabiasError("the dask engine needs dask.distributed",
                             hint="pip install 'dask[distributed]', or use --engine local.") from exc
    cluster = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if scheduler:
            try:
                client = Client(scheduler, timeout="30s")
            except OSError as exc:
                raise MediabiasError(f"cannot reach the dask scheduler at {scheduler} ({exc})",
                                     hint="Check the address (tcp://HOST:8786) and that the scheduler runs.") from None
        else:
            cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None,
                                   silence_logs=logging.ERROR)
            client = Client(cluster)
    try:
        n_workers = max(1, len(client.scheduler_info().get("workers", {})) or jobs)
        wave_size = max(1, n_workers)
        in_flight: deque = deque()

        def submit(wave):
            bag = db.from_sequence(wave, npartitions=len(wave)).map_partitions(_dask_partition, config)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # "Sending large graph": the chunks travel with the graph
                in_flight.append(client.compute(bag.to_delayed()))

        wave: list[ChunkTask] = []
        for t in tasks:
            wave.append(t)
            if len(wave) >= wave_size:
                submit(wave)
                wave = []
                while len(in_flight) > 2:
                    for fut in in_flight.popleft():
                        yield from fut.result()
        if wave:
            submit(wave)
        while in_flight:
            for fut in in_flight.popleft():
                yield from fut.result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


# ---------------------------------------------------------------- writing


class TableWriter:
    """Append a table chunk by chunk to a temporary name; rename it when complete."""

    def __init__(self, path: Path, fmt: str = "csv"):
        self.path = path
        self.fmt = fmt
        self.tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        self.rows = 0
        self._f = None
        self._pq = None
        self._header = False

    def write_csv(self, data: "bytes | _Part", header: bytes | None = None, rows: int = 0) -> None:
        """Append ``rows`` rows of CSV: bytes, or a worker's file of them (removed once appended)."""
        if self._f is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._f = open(self.tmp, "wb")
        if not self._header and header is not None:
            self._f.write(header)
            self._header = True
        if isinstance(data, _Part):
            with open(data.path, "rb") as part:
                shutil.copyfileobj(part, self._f, 1 << 22)
            os.unlink(data.path)
        else:
            self._f.write(data)
        self.rows += rows

    def write_frame(self, df: pd.DataFrame) -> None:
        """Append ``df`` (header taken from the first frame)."""
        if self.fmt == "parquet":
            self.write_arrow(arrow_table(df))
            return
        self.write_csv(_csv_bytes(df, header=False), _csv_bytes(df.iloc[:0], header=True), len(df))

    def write_arrow(self, table) -> None:
        import pyarrow.parquet as pq

        if self._pq is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._pq = pq.ParquetWriter(self.tmp, table.schema)
        if table.num_rows:
            self._pq.write_table(table)
        self.rows += table.num_rows

    def close(self) -> Path:
        if self._pq is not None:
            self._pq.close()
        if self._f is not None:
            self._f.close()
        if self._pq is None and self._f is None:
            raise RuntimeError(f"nothing was written to {self.path}")
        os.replace(self.tmp, self.path)
        return self.path

    def discard(self) -> None:
        for h in (self._f, self._pq):
            try:
                if h is not None:
                    h.close()
            except Exception:
                pass
        self.tmp.unlink(missing_ok=True)


# ---------------------------------------------------------------- the outlet tables' tasks
#
# The outlet tables are computed from the partials in tasks that are pure functions of
# their arguments (and of what :func:`_init_finish` shares with every process): the
# outlet loops of outlet_terms and of word keyness in batches of outlets, doc_categories
# in blocks of articles, and each smaller table whole. With ``jobs > 1`` they run on a
# pool of worker processes and the main process writes their results in order, so the
# files are the same bytes whatever ``jobs`` is.

#: Below this many outlet_terms rows (outlets x cells), the outlet tables are computed in
#: the main process: starting worker processes would cost more than it saves.
PARALLEL_FINISH_MIN_ROWS = 300_000
#: ... unless there are this many articles (the bootstraps of thousands of articles of a few outlets).
PARALLEL_FINISH_MIN_ARTICLES = 5_000
#: Batches of consecutive outlets (of about equal work) whose outlet tables are computed together,
#: from a file of their partials each: a fixed number, so the tasks are the same whatever ``jobs`` is.
OUTLET_BATCHES = 64
#: Articles per block of doc_categories rows (built and written at once) ...
DOC_CATEGORIES_BLOCK = 2_000
#: ... and at most this many spans of blocks, each a task reading a file of its articles' cells.
DOC_CATEGORIES_SPANS = 64
#: Results bigger than this come back from a worker in a file (see :func:`_run_task`).
SPILL_BYTES = 1 << 20
KEYNESS_COLUMNS = ["outlet", "term", "count_target", "count_reference", "total_target", "total_reference",
                   "g2", "p_value", "log_ratio", "unit", "q_value", "lexicon", "category"]
#: keyness rows kept in memory (for the figures and the HTML report): each outlet's this many
#: most overused entries and words, ties included; keyness.csv has them all.
KEYNESS_KEPT = 50

_FINISH: dict[str, Any] = {}


def _init_finish(shared: dict) -> None:
    """Set what every task needs (the seed, the articles, doc_categories' universe, outlet_terms' CSV rows)."""
    _FINISH.clear()
    _FINISH.update(shared)


@dataclass(frozen=True)
class _Spilled:
    """A task's result left in a file by a worker (see :func:`_run_task`)."""

    path: str

    def load(self):
        try:
            with open(self.path, "rb") as f:
                return pickle.load(f)
        finally:
            os.unlink(self.path)


@dataclass(frozen=True)
class _Part:
    """A block of CSV rows a worker wrote to a file (see :class:`_RowSink`)."""

    path: str


class _RowSink:
    """A task's CSV rows as they are made: in a worker, appended to a file the main process appends.

    Rows are the bulk of what the tasks produce (over a gigabyte for 490 outlets); in
    a file they are copied twice (written here, appended there) instead of five times
    through pickling. A task writes its rows block by block, so it holds one block's text at a time,
    not all of its rows (a span of doc_categories is tens of megabytes). In this
    process (``jobs=1``) the blocks are kept and joined.
    """

    def __init__(self):
        folder = _FINISH.get("spill")
        self.parts: list[bytes] = []
        self.f = None
        if folder is not None:
            fd, self.name = tempfile.mkstemp(prefix=".rows-", dir=folder)
            self.f = os.fdopen(fd, "wb")
        self.written = 0

    def write(self, data: bytes) -> None:
        if self.f is not None:
            self.f.write(data)
        else:
            self.parts.append(data)
        self.written += len(data)

    def write_frame(self, df: pd.DataFrame, block: int = 100_000) -> None:
        """``df``'s rows (no header), as :func:`_csv_bytes` writes them, ``block`` rows at a time."""
        for start in range(0, len(df), block):
            self.write(_csv_bytes(df.iloc[start:start + block], header=False))

    def close(self) -> "bytes | _Part":
        if self.f is None:
            return b"".join(self.parts)
        self.f.close()
        if not self.written:
            os.unlink(self.name)
            return b""
        return _Part(self.name)


_LIBC: Any = None


def release_free_memory() -> None:
    """Give the free memory of the C heap and of pyarrow's pool back to the system.

    Python and numpy hand freed memory back to the C allocator, which keeps much of it
    for reuse: after large temporaries (a chunk's results, a task's arrays) a process
    stays near its peak resident size. glibc's ``malloc_trim`` returns it (elsewhere
    nothing is done). pandas keeps its string columns in pyarrow's memory pool
    (mimalloc by default), which keeps freed memory too, for as long as the process
    lives: ``release_unused`` returns it (measured: 200 MB kept after a 2-million-row
    frame of strings was let go, 4 MB after). Called after each chunk, between the
    stages and after each outlet task, it keeps each process's resident size near what
    it holds.
    """
    global _LIBC
    if _LIBC is None:
        _LIBC = False
        if sys.platform.startswith("linux"):
            try:
                import ctypes

                _LIBC = ctypes.CDLL("libc.so.6")
                _LIBC.malloc_trim  # noqa: B018 - glibc only (not musl)
            except (OSError, AttributeError):
                _LIBC = False
    pa = sys.modules.get("pyarrow")  # not imported here: a process without it has nothing in its pool
    if pa is not None:
        pa.default_memory_pool().release_unused()
    if _LIBC:
        _LIBC.malloc_trim(0)


def _run_task(fn: Callable, args: tuple, kwds: dict):
    """``fn(*args, **kwds)`` in a worker; a big result is handed over in a file.

    The pool sends results through a pipe, which costs about 10 ms of processor time
    at each end per megabyte; the tables written here are over a gigabyte for a corpus
    of 490 outlets, and the main process would spend longer receiving them than the
    workers computing them. A file in the output folder costs a write and a read.
    """
    result = fn(*args, **kwds)
    release_free_memory()
    data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    if len(data) < _FINISH["spill_bytes"]:
        return result
    fd, name = tempfile.mkstemp(prefix=".result-", dir=_FINISH["spill"])
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    return _Spilled(name)


def _outlet_matrices(path: Path, outlets: list[str], first: int, toks: list[np.ndarray], k: int
                     ) -> Iterator[tuple[str, np.ndarray, Any]]:
    """``(outlet, tok, matrix)`` (:func:`mediabias.stats.outlet_matrix`) of each outlet of a batch.

    The file holds ``(outlet, position in the outlet, row of the universe, count)``
    for every non-zero cell of the outlets ``first .. first + len(outlets) - 1``;
    ``toks``: each outlet's articles' tokens in doc_id order. The file's columns are
    let go before the last matrix is handed over (a batch of one large outlet holds
    its cells once, as its matrix, while its intervals are computed).
    """
    from . import stats

    o, pos, row, cnt = _read_pieces(path, 4)
    order = bounds = None
    if len(o) and not (o == o[0]).all():  # cells of several outlets: each one's, in file order
        order = np.argsort(o, kind="stable")
        bounds = np.searchsorted(o[order], np.arange(first, first + len(outlets) + 1))
    only = int(o[0]) - first if len(o) else -1
    for i, outlet in enumerate(outlets):
        take = order[bounds[i]:bounds[i + 1]] if order is not None else slice(None) if i == only else slice(0, 0)
        mat = stats.outlet_matrix(len(toks[i]), k, pos[take], row[take], cnt[take])
        del take
        if i == len(outlets) - 1:
            del o, pos, row, cnt, order
        yield outlet, toks[i], mat


def _batch_runs(path: Path, keys: list[tuple], first: int) -> tuple:
    """``(keys, bounds, arrays)`` of a batch's group partials, sorted by group key, then doc_id.

    The file holds ``(doc rank, key rank, *PARTIAL_MEASURES)`` rows; ``keys`` are the
    batch's keys (ranks ``first .. first + len(keys) - 1``).
    """
    from .sentiment import PARTIAL_MEASURES

    rank, kr, *measures = _read_pieces(path, 2 + len(PARTIAL_MEASURES))
    if not keys:
        return [], np.zeros(1, np.int64), {m: np.zeros(0) for m in PARTIAL_MEASURES}
    order = np.lexsort((rank, kr))
    del rank
    bounds = np.searchsorted(kr[order], np.arange(first, first + len(keys) + 1))
    arrays = {}
    for i, m in enumerate(PARTIAL_MEASURES):  # sorted one by one, each unsorted copy let go
        arrays[m] = measures[i][order]
        measures[i] = None
    return keys, bounds, arrays


def _outlet_batch_task(b: int, outlets: list[str], first: int, toks: list[np.ndarray], counts: pd.Series,
                       keys: dict[str, tuple[list, int]]) -> dict[str, Any]:
    """Every outlet table's rows for the outlets of batch ``b`` (consecutive in sorted order).

    outlet_terms: its CSV rows (see :class:`_RowSink`), their number and each
    outlet's rows with hits (for :func:`mediabias.stats.outlet_rates_frame`);
    outlet_categories, outlet_sentiment and outlet_actor_sentiment: their frames.
    ``toks``: each outlet's articles' tokens in doc_id order; ``counts``: its number of
    articles (a Series by outlet); ``keys``: for "sentiment" and "actor", the batch's
    sorted group keys and the rank of the first. outlet_sentiment's article means are
    left NaN (see :func:`mediabias.sentiment.set_article_means`).
    Each table is computed in turn from its own file, so the task holds one of them
    at a time.
    """
    from . import stats
    from .sentiment import actor_sentiment_by_outlet_from_partials, sentiment_by_outlet_from_counts

    folder, seed = Path(_FINISH["folder"]), _FINISH["seed"]
    out: dict[str, Any] = {}
    csv_rows = _FINISH["rates_csv"]
    k = len(csv_rows.uni)
    sink, kept = _RowSink(), []
    for outlet, tok, mat in (_outlet_matrices(folder / f"entry-{b}", outlets, first, toks, k) if k else ()):
        values = stats.outlet_rates_from_matrix(outlet, tok, mat, seed=seed)
        del mat
        rows = csv_rows.rows(outlet, values)
        sink.write(rows if rows is not None else csv_rows.frame_csv(outlet, values))
        hits = np.flatnonzero(values["count"] > 0)
        kept.append((outlet, {c: (v[hits] if np.ndim(v) else v) for c, v in values.items()}, hits))
    out["outlet_terms"] = (sink.close(), len(outlets) * k, kept)
    uni_c = _FINISH["uni_c"]
    if len(uni_c):
        results = [(outlet, stats.outlet_rates_from_matrix(outlet, tok, mat, seed=seed), None)
                   for outlet, tok, mat in _outlet_matrices(folder / f"category-{b}", outlets, first, toks,
                                                            len(uni_c))]
        out["outlet_categories"] = stats.outlet_rates_frame(uni_c, results, "category")
    out["outlet_sentiment"] = sentiment_by_outlet_from_counts(
        *_batch_runs(folder / f"sentiment-{b}", *keys["sentiment"]), counts, seed=seed)
    out["outlet_actor_sentiment"] = actor_sentiment_by_outlet_from_partials(
        *_batch_runs(folder / f"actor-{b}", *keys["actor"]), counts, _FINISH["actors"], _FINISH["voices"],
        seed=seed)
    return out


def _doc_span_task(s: int, arts: pd.DataFrame, start: int) -> tuple[bytes | _Part, bytes, int]:
    """doc_categories of the articles of span ``s`` (``arts``: theirs, from doc_id rank ``start``).

    Written block of :data:`DOC_CATEGORIES_BLOCK` articles by block from the span's
    file of category cells ``(doc rank, row of the universe, count)``. Returns the CSV
    rows (see :class:`_RowSink`), the header and the number of rows.
    """
    from . import stats

    rank, row, cnt = (a.astype(np.int64) for a in _read_pieces(Path(_FINISH["folder"]) / f"span-{s}", 3))
    order = np.argsort(rank, kind="stable")
    rank, row, cnt = rank[order], row[order], cnt[order]
    sink, header, n = _RowSink(), b"", 0
    for lo in range(0, len(arts), DOC_CATEGORIES_BLOCK):
        hi = min(len(arts), lo + DOC_CATEGORIES_BLOCK)
        a, z = np.searchsorted(rank, [start + lo, start + hi])
        block = arts.iloc[lo:hi].reset_index(drop=True)
        for f in stats.rate_by_article_from_cells(block, _FINISH["uni_c"], rank[a:z] - (start + lo), row[a:z],
                                                   cnt[a:z], block=hi - lo):
            sink.write_frame(f)
            header = header or _csv_bytes(f.iloc[:0], header=True)
            n += len(f)
    return sink.close(), header, n


def _keyness_words_task(plan) -> tuple[bytes | _Part, bytes, int, list]:
    """Word keyness of the outlets of ``plan`` (a :class:`mediabias.stats.WordKeyness`).

    Returns the CSV rows (see :class:`_RowSink`), the header, the number of rows, and
    each outlet's most overused words (:func:`_most_overused`, for the in-memory table).
    """
    sink, header, n, kept = _RowSink(), b"", 0, []
    for f in plan.frames():
        f = f.reindex(columns=KEYNESS_COLUMNS)
        sink.write_frame(f)
        header = header or _csv_bytes(f.iloc[:0], header=True)
        n += len(f)
        kept.append(_most_overused(f, KEYNESS_KEPT))
    return sink.close(), header, n, kept


def _keyness_entries_task(arts: pd.DataFrame, uni: pd.DataFrame, doc: np.ndarray, key: np.ndarray,
                          cnt: np.ndarray) -> tuple[bytes | _Part, bytes, int, list]:
    """Entry keyness (every outlet x entry), made and written outlet by outlet.

    Returns, like :func:`_keyness_words_task`, the CSV rows (see :class:`_RowSink`),
    the header, the number of rows, and each outlet's most overused entries (for the
    in-memory table); the whole table (490 outlets x 3,000 entries: 1.5 million rows)
    is never held. ``arts`` may hold one row per outlet (its tokens summed) and the
    cells the outlet's summed counts: the test sums counts and tokens per outlet.
    """
    from . import stats

    sink, n, kept = _RowSink(), 0, []
    for f in stats.keyness_entry_frames_from_cells(arts, uni, doc, key, cnt):
        f = f[KEYNESS_COLUMNS]
        sink.write_frame(f)
        n += len(f)
        kept.append(_most_overused(f, KEYNESS_KEPT))
    return sink.close(), _csv_bytes(pd.DataFrame(columns=KEYNESS_COLUMNS), header=True), n, kept


def _most_overused(f: pd.DataFrame, top: int) -> pd.DataFrame:
    """The rows of one outlet's keyness with g2 > 0 and g2 at least the ``top``-th largest (ties kept).

    With ties kept, an outlet's ``k <= top`` most overused terms are among these rows
    whatever order breaks the ties (the figures and the HTML report each have theirs).
    """
    over = f[f["g2"] > 0]
    if len(over) <= top:
        return over
    g2 = over["g2"].to_numpy()
    return over[g2 >= np.partition(g2, len(g2) - top)[len(g2) - top]]


def _framing_rows(lexicons: list, uni: pd.DataFrame) -> np.ndarray:
    """Which rows of the entry universe are framing-pair terms (with a voice other than ``all``)."""
    terms = {}
    for lex in lexicons:
        for fp in lex.framing_pairs:
            for alt in fp.alternatives.values():
                terms.setdefault(lex.name, set()).update(str(t).strip().casefold() for t in alt)
    u = uni.reset_index(drop=True)
    return np.array([v != "all" and lx in terms and str(e).strip().casefold() in terms[lx]
                     for lx, e, v in zip(u["lexicon"], u["entry"], u["voice"])], dtype=bool)


class _Deferred:
    """A task run in this process when its result is asked for (the ``jobs=1`` stand-in for a WorkerPool task)."""

    def __init__(self, fn: Callable, args: tuple, kwds: dict):
        self.call = (fn, args, kwds)

    def get(self):
        fn, args, kwds = self.call
        self.call = None
        return fn(*args, **kwds)


class _Pending:
    """A task submitted to the pool; ``get()`` waits for its result (fetched from its file if spilled)."""

    def __init__(self, handle):
        self.handle = handle

    def get(self):
        result = self.handle.get()
        return result.load() if isinstance(result, _Spilled) else result


class _TaskRunner:
    """Runs the outlet tables' tasks on ``jobs`` worker processes, or in this process when ``jobs == 1``.

    A context manager; ``submit`` returns a handle whose ``get()`` gives the result,
    ``ordered`` yields results in the order of the calls with at most ``window``
    running or done but not yet consumed (so memory stays bounded). With workers, a
    hidden folder in ``spill`` receives their big results (:func:`_run_task`); it is
    removed on exit.
    """

    def __init__(self, jobs: int, shared: dict, spill: Path | None = None):
        self.jobs = jobs
        self.shared = dict(shared)
        self.spill = spill
        self.pool = None

    def __enter__(self) -> "_TaskRunner":
        if self.jobs > 1:
            self.shared["spill"] = tempfile.mkdtemp(prefix=".mediabias-results-", dir=self.spill)
            self.shared["spill_bytes"] = SPILL_BYTES
            try:
                self.pool = WorkerPool(self.jobs, initializer=_init_finish, initargs=(self.shared,)).__enter__()
            except BaseException:
                shutil.rmtree(self.shared["spill"], ignore_errors=True)
                raise
        else:
            _init_finish(self.shared)
        return self

    def __exit__(self, *exc) -> None:
        try:
            if self.pool is not None:
                pool, self.pool = self.pool, None
                pool.__exit__(*exc)
        finally:
            if "spill" in self.shared:
                shutil.rmtree(self.shared["spill"], ignore_errors=True)
            _FINISH.clear()

    def submit(self, fn: Callable, *args, **kwds):
        if self.pool is None:
            return _Deferred(fn, args, kwds)
        return _Pending(self.pool.submit(_run_task, fn, args, kwds))

    def ordered(self, calls: Iterable[tuple], window: int | None = None) -> Iterator[Any]:
        """``fn(*args)`` for each ``(fn, *args)`` of ``calls``, in order."""
        window = window or 2 * self.jobs
        pending: deque = deque()
        for fn, *args in calls:
            pending.append(self.submit(fn, *args))
            if len(pending) >= window:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


def _batches(weights: Sequence[float], n: int) -> list[range]:
    """Consecutive ranges of ``weights``' positions, about ``n`` of them, of about equal total weight."""
    total = float(sum(weights))
    if not len(weights):
        return []
    target = total / max(1, n) if total > 0 else 1.0
    out, start, acc = [], 0, 0.0
    for i, w in enumerate(weights):
        acc += w
        if acc >= target:
            out.append(range(start, i + 1))
            start, acc = i + 1, 0.0
    if start < len(weights):
        out.append(range(start, len(weights)))
    return out


# ---------------------------------------------------------------- aggregation


class _Codes:
    """Global codes for key tuples that arrive chunk by chunk."""

    def __init__(self):
        self.index: dict[tuple, int] = {}

    def remap(self, table: list[tuple]) -> np.ndarray:
        out = np.empty(len(table), dtype=np.int64)
        for i, key in enumerate(table):
            code = self.index.get(key)
            if code is None:
                code = self.index[key] = len(self.index)
            out[i] = code
        return out

    def keys(self) -> list[tuple]:
        return list(self.index)


class _Pieces:
    """Objects pickled one after another to a file as they come (appended); :func:`_iter_pieces` reads them."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._f = None

    def append(self, obj) -> None:
        if self._f is None:
            self._f = open(self.path, "ab")
        pickle.dump(obj, self._f, protocol=pickle.HIGHEST_PROTOCOL)

    def close(self) -> None:
        if self._f is not None:
            self._f.close()
            self._f = None


def _iter_pieces(path: Path) -> Iterator[Any]:
    """The objects of a :class:`_Pieces` file, in order (none if there is no file)."""
    try:
        f = open(path, "rb")
    except FileNotFoundError:
        return
    with f:
        while True:
            try:
                yield pickle.load(f)
            except EOFError:
                return


def _read_pieces(path: Path, k: int) -> list[np.ndarray]:
    """The ``k`` columns of a :class:`_Pieces` file of ``k``-tuples of arrays, each concatenated."""
    pieces = [list(p) for p in _iter_pieces(path)]
    if not pieces:
        return [np.zeros(0, np.int64) for _ in range(k)]
    out = []
    for i in range(k):  # column by column, each one's pieces let go once joined
        out.append(np.concatenate([p[i] for p in pieces]))
        for p in pieces:
            p[i] = None
    return out


def _split(values: np.ndarray) -> Iterator[tuple[int, np.ndarray]]:
    """``(value, positions)`` for each distinct value of ``values``, positions in order."""
    if not len(values):
        return
    order = np.argsort(values, kind="stable")
    cuts = np.flatnonzero(np.diff(values[order])) + 1
    for part in np.split(order, cuts):
        yield int(values[part[0]]), part


class _SparseSum:
    """Sums of counts by integer key, added in pieces and merged now and then."""

    def __init__(self):
        self._pending: list[tuple[np.ndarray, np.ndarray]] = []
        self._n = 0
        self.keys, self.sums = np.zeros(0, np.int64), np.zeros(0, np.int64)

    def add(self, keys: np.ndarray, counts: np.ndarray) -> None:
        self._pending.append((keys.astype(np.int64), counts.astype(np.int64)))
        self._n += len(keys)
        if self._n > max(500_000, len(self.keys)):  # pending at most about the merged size: bounded, amortised
            self.merge()

    def merge(self) -> tuple[np.ndarray, np.ndarray]:
        if self._pending:
            keys = np.concatenate([self.keys, *(k for k, _ in self._pending)])
            vals = np.concatenate([self.sums, *(v for _, v in self._pending)])
            self._pending, self._n = [], 0
            self.keys, inv = np.unique(keys, return_inverse=True)
            self.sums = np.zeros(len(self.keys), dtype=np.int64)
            np.add.at(self.sums, inv, vals)
        return self.keys, self.sums


def _key_ranges(first: dict[str, np.ndarray], outlets: list[str], r: range) -> dict[str, tuple[int, int]]:
    """For each group, the positions ``lo:hi`` of the sorted keys of the outlets ``outlets[r]``.

    ``first``: each group's sorted keys' first member (the outlet).
    """
    out = {}
    for g, keys in first.items():
        if not len(r) or not len(keys):
            out[g] = (0, 0)
            continue
        out[g] = (int(np.searchsorted(keys, outlets[r.start], side="left")),
                  int(np.searchsorted(keys, outlets[r.stop - 1], side="right")))
    return out


class Aggregator:
    """Collects the partials of every chunk and computes the outlet tables from them.

    The per-article partials go to a hidden folder (in ``spill``, or the system's
    temporary folder) as the chunks come: held in memory they grow with the corpus
    (about 1.5 KB per article). :meth:`finish` sorts them into one file per batch of
    outlets and per span of articles (in doc_id order), and each outlet table is
    computed from those files, a batch at a time. This process keeps one row per
    article (``docs``), the word counts per outlet and the lexicon cells seen.
    :meth:`close` removes the folder.
    """

    def __init__(self, lexicons: Sequence, seed: int, keyness_max_rows: int | None = KEYNESS_MAX_ROWS,
                 keyness_top: int = KEYNESS_TOP, spill: Path | None = None):
        self.lexicons = list(lexicons)
        self.seed = seed
        self.keyness_max_rows = keyness_max_rows
        self.keyness_top = keyness_top
        self.notes: list[str] = []
        self.docs: list[pd.DataFrame] = []
        self.n = 0
        self.cell_codes = {lvl: _Codes() for lvl in ("entry", "category")}
        self.group_codes = {g: _Codes() for g in ("sentiment", "actor")}
        self.actors: set = set()
        self.voices: set = set()
        self.folder = Path(tempfile.mkdtemp(prefix=".mediabias-partials-", dir=spill))
        self._chunks = _Pieces(self.folder / "chunks")
        self.outlet_codes: dict[str, int] = {}
        self._outlet_names = np.zeros(0, dtype=object)  # by code
        self._work = np.zeros(0, np.int64)  # per outlet (code): its cells and sentence-group rows
        # word counts per outlet as (outlet, word id, count) triplets, merged now and then:
        # numbers, not a dict per outlet (490 outlets x their vocabularies is gigabytes of dicts)
        self.vocab: dict[str, int] = {}
        self._words = _SparseSum()  # key = outlet << 32 | word

    def close(self) -> None:
        """Remove the folder of partials."""
        self._chunks.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def add(self, r: ChunkResult) -> None:
        base = self.n
        oc = self.outlet_codes
        doc_outlet = np.fromiter((oc.setdefault(o, len(oc)) for o in r.docs["outlet"]), dtype=np.int64,
                                 count=len(r.docs))
        if len(self._outlet_names) < len(oc):
            self._outlet_names = np.asarray(list(oc), dtype=object)
        docs = r.docs
        docs["outlet"] = self._outlet_names[doc_outlet]  # one string object per outlet, not one per article
        self.docs.append(docs)
        self.n += len(r.docs)
        work = np.bincount(doc_outlet, minlength=len(oc))
        # compact: int32 article numbers, codes and counts (a 1 GB corpus has millions of cells)
        cells = {}
        for lvl, (doc, table, code, count) in r.cells.items():
            remap = self.cell_codes[lvl].remap(table)
            cells[lvl] = ((doc + base).astype(np.int32), (remap[code] if len(code) else code).astype(np.int32),
                          count.astype(np.int32))
            work += np.bincount(doc_outlet[doc], minlength=len(oc))
        groups = {}
        from .sentiment import PARTIAL_MEASURES

        for g, (doc, table, code, arrays) in r.groups.items():
            remap = self.group_codes[g].remap(table)
            groups[g] = ((doc + base).astype(np.int32), (remap[code] if len(code) else code).astype(np.int32),
                         tuple(arrays[m].astype(np.int32) if m in ("n", "zero") else arrays[m]
                               for m in PARTIAL_MEASURES))
            work += np.bincount(doc_outlet[doc], minlength=len(oc))
        self._chunks.append((cells, groups))
        grown = np.zeros(len(oc), np.int64)
        grown[:len(self._work)] = self._work
        self._work = grown + work
        self.actors |= r.actors
        self.voices |= r.voices
        vocab, w = self.vocab, r.words
        if len(w.count):
            ids = np.fromiter((vocab.setdefault(x, len(vocab)) for x in w.words), dtype=np.int64, count=len(w.words))
            codes = np.asarray([oc.setdefault(o, len(oc)) for o in w.outlets], dtype=np.int64)
            self._words.add((codes[w.outlet] << 32) | ids[w.word], w.count)
        else:
            for o in w.outlets:
                oc.setdefault(o, len(oc))

    # -- finishing

    def _docs(self) -> pd.DataFrame:
        if len(self.docs) == 1:  # one chunk, or after finish (the frame it built): no copy
            return self.docs[0]
        return pd.concat(self.docs, ignore_index=True) if self.docs else pd.DataFrame(
            {c: pd.Series(dtype=object) for c in ("doc_id", "outlet", "n_tokens", "polarity", "subjectivity")})

    def _universe(self, lvl: str) -> tuple[pd.DataFrame, np.ndarray]:
        """The sorted cell universe and, for each cell code (arrival order), its row."""
        from . import stats

        keys = self.cell_codes[lvl].keys()
        uni = stats.cell_universe(keys, lvl)
        pos = {tuple(row): i for i, row in enumerate(uni.itertuples(index=False, name=None))}
        return uni, np.asarray([pos[k] for k in keys], dtype=np.int64)

    def _partition(self, doc_outlet, doc_pos, rank, batch_of, span_size, row_e, row_c, key_rank, uni_e):
        """Sort the partials into the files of the batches of outlets and of the spans of articles.

        Per batch ``b``: ``entry-b`` and ``category-b`` (outlet, position in the
        outlet, row of the universe, count), ``sentiment-b`` and ``actor-b`` (doc rank,
        key rank, partial sums); per span ``s``: ``span-s`` (doc rank, row of the
        category universe, count). Returns the entry counts summed per (outlet, row)
        for keyness (a :class:`_SparseSum`, key ``outlet x rows + row``) and the
        framing-pair cells ``(doc rank, row, count)``.
        """
        self._chunks.close()
        files: dict[str, _Pieces] = {}

        def put(name: str, arrays: tuple) -> None:
            if name not in files:
                files[name] = _Pieces(self.folder / name)
            files[name].append(arrays)

        k = len(uni_e)
        is_all = (uni_e["voice"].to_numpy(dtype=object) == "all")
        relevant = _framing_rows(self.lexicons, uni_e)
        keyness, framing = _SparseSum(), []
        try:
            for cells, groups in _iter_pieces(self._chunks.path):
                for lvl, (doc, code, cnt) in cells.items():
                    o = doc_outlet[doc]
                    row = (row_e if lvl == "entry" else row_c)[code]
                    pos = doc_pos[doc]
                    for b, sel in _split(batch_of[o]):
                        put(f"{lvl}-{b}", (o[sel], pos[sel], row[sel].astype(np.int32), cnt[sel]))
                    if lvl == "entry":
                        a = is_all[row]
                        keyness.add(o[a].astype(np.int64) * k + row[a], cnt[a])
                        f = relevant[row]
                        if f.any():
                            framing.append((rank[doc[f]], row[f], cnt[f]))
                    else:
                        r = rank[doc]
                        for s, sel in _split(r // span_size):
                            put(f"span-{s}", (r[sel], row[sel].astype(np.int32), cnt[sel]))
                for g, (doc, code, arrays) in groups.items():
                    r, kr = rank[doc], key_rank[g][code].astype(np.int32)
                    for b, sel in _split(batch_of[doc_outlet[doc]]):
                        put(f"{g}-{b}", (r[sel], kr[sel], *(a[sel] for a in arrays)))
        finally:
            for f in files.values():
                f.close()
        os.unlink(self._chunks.path)
        fr = tuple(np.concatenate([p[i] for p in framing]).astype(np.int64) if framing else np.zeros(0, np.int64)
                   for i in range(3))
        return keyness, fr

    def finish(self, writers: dict[str, "TableWriter"], jobs: int = 1) -> dict[str, pd.DataFrame]:
        """The outlet tables: doc_categories, outlet_terms and keyness are written to ``writers`` here.

        Returns the outlet tables held in memory (outlet_terms: its rows with hits;
        keyness: each outlet's KEYNESS_KEPT most overused entries and words, ties included). With
        ``jobs > 1`` and enough rows to be worth it, the work runs on ``jobs`` worker
        processes (see :class:`_TaskRunner`); the bytes written are the same.
        """
        from . import stats
        from .match import unmatched_entries

        seed = self.seed
        docs = self._docs()
        self.docs = [docs]
        doc_ids = docs["doc_id"].to_numpy(dtype=object)
        order = np.argsort(doc_ids, kind="stable")
        rank = np.empty(len(docs), dtype=np.int64)
        rank[order] = np.arange(len(docs))
        arts = docs.iloc[order][["doc_id", "outlet", "n_tokens"]].reset_index(drop=True)
        if arts["doc_id"].duplicated().any():
            raise MediabiasError(f"doc_id {arts.loc[arts['doc_id'].duplicated(), 'doc_id'].iloc[0]!r} occurs twice",
                                 hint="Every article needs its own doc_id.")
        del doc_ids, order
        tables: dict[str, pd.DataFrame] = {}
        uni_e, row_e = self._universe("entry")
        uni_c, row_c = self._universe("category")
        tables["unmatched_entries"] = unmatched_entries(uni_e[["lexicon", "category", "entry"]].drop_duplicates(),
                                                        self.lexicons)
        # each article's outlet (in sorted order) and position among its outlet's articles (doc_id order)
        outlets, codes, o_order, o_bounds, o_pos = stats._outlet_positions(arts)
        doc_outlet, doc_pos = codes[rank].astype(np.int32), o_pos[rank].astype(np.int32)
        tok_all = arts["n_tokens"].to_numpy(dtype=np.int64)
        toks = [tok_all[o_order[o_bounds[i]:o_bounds[i + 1]]] for i in range(len(outlets))]
        # the groups' keys in sorted order, and each code's rank among them
        skeys, key_rank = {}, {}
        for g, c in self.group_codes.items():
            keys = c.keys()
            by_key = sorted(range(len(keys)), key=lambda i: keys[i])
            key_rank[g] = np.empty(len(keys), dtype=np.int64)
            key_rank[g][by_key] = np.arange(len(keys))
            skeys[g] = [keys[i] for i in by_key]
        # batches of consecutive outlets of about equal work; spans of articles in doc_id order
        work = self._work[[self.outlet_codes[o] for o in outlets]] + len(uni_e) // 50
        batches = _batches(work.tolist(), OUTLET_BATCHES)
        batch_of = np.empty(len(outlets), dtype=np.int64)
        for b, r in enumerate(batches):
            batch_of[r.start:r.stop] = b
        blocks = -(-len(arts) // DOC_CATEGORIES_BLOCK)
        span_size = DOC_CATEGORIES_BLOCK * max(1, -(-blocks // DOC_CATEGORIES_SPANS))
        keyness_sum, framing = self._partition(doc_outlet, doc_pos, rank, batch_of, span_size, row_e, row_c,
                                               key_rank, uni_e)
        counts = pd.Series(np.diff(o_bounds), index=pd.Index(outlets, dtype=object))
        del rank, doc_outlet, doc_pos
        if jobs > 1 and len(outlets) * len(uni_e) < PARALLEL_FINISH_MIN_ROWS and len(arts) < PARALLEL_FINISH_MIN_ARTICLES:
            jobs = 1
        shared = {"seed": seed, "uni_c": uni_c, "rates_csv": RateRowsCsv(uni_e, "entry"), "folder": str(self.folder),
                  "actors": self.actors, "voices": self.voices}
        with _TaskRunner(jobs, shared, spill=writers["outlet_terms"].path.parent) as run:
            keys_o, cells_o = keyness_sum.merge()
            totals = arts.groupby("outlet")["n_tokens"].sum().reindex(outlets).astype(np.int64)
            per_outlet = pd.DataFrame({"doc_id": outlets, "outlet": outlets, "n_tokens": totals.to_numpy()})
            side = {"keyness_entries": run.submit(_keyness_entries_task, per_outlet, uni_e, keys_o // max(len(uni_e), 1),
                                                  keys_o % max(len(uni_e), 1), cells_o)}
            # the big tables, written in order as their parts come back; one stream of tasks, so
            # the workers keep busy while this process prepares, receives and writes (keyness
            # first: its entry rows, one task started early, follow its word rows)
            words = self._keyness_words(arts, writers["keyness"])

            def keyness_done():
                data, header, n, kept = side.pop("keyness_entries").get()
                if n or writers["keyness"].rows == 0:
                    writers["keyness"].write_csv(data, header, n)
                kept = [*words.kept, *kept]
                tables["keyness"] = (pd.concat(kept, ignore_index=True) if kept
                                     else pd.DataFrame(columns=KEYNESS_COLUMNS))

            words.done = keyness_done
            first = {g: np.asarray([k[0] for k in keys], dtype=object) for g, keys in skeys.items()}
            batch_calls = [(_outlet_batch_task, b, outlets[r.start:r.stop], r.start, toks[r.start:r.stop],
                            counts.iloc[r.start:r.stop],
                            {g: (skeys[g][lo:hi], lo) for g, (lo, hi) in _key_ranges(first, outlets, r).items()})
                           for b, r in enumerate(batches)]
            streams = [words, self._doc_categories(arts, uni_c, span_size, writers["doc_categories"]),
                       self._outlet_tables(batch_calls, shared["rates_csv"], writers["outlet_terms"], tables,
                                           docs[["outlet", "polarity", "subjectivity"]])]
            results = run.ordered([call for stream in streams for call in stream.calls], window=16 * run.jobs)
            for stream in streams:
                for _ in stream.calls:
                    stream.take(next(results))
                stream.done()
            tables["framing_pairs"] = stats.framing_shares_from_cells(self.lexicons, outlets, codes, counts,
                                                                        uni_e, *framing)
        return {name: tables[name] for name in ("unmatched_entries", "outlet_terms", "outlet_categories",
                                                 "outlet_sentiment", "outlet_actor_sentiment", "keyness",
                                                 "framing_pairs")}

    def _doc_categories(self, arts, uni, span_size: int, writer: "TableWriter") -> "_Stream":
        """doc_categories (every article x category x voice, zeros included), span of articles by span."""
        from . import stats

        if len(uni) == 0:  # no hit at all: the header only
            empty = np.zeros(0, np.int64)
            for f in stats.rate_by_article_from_cells(arts, uni, empty, empty, empty):
                writer.write_csv(_csv_bytes(f, header=False), _csv_bytes(f, header=True), len(f))
            return _Stream([], None)
        calls = [(_doc_span_task, s, arts.iloc[start:start + span_size].reset_index(drop=True), start)
                 for s, start in enumerate(range(0, len(arts), span_size))]
        return _Stream(calls, lambda result: writer.write_csv(result[0], result[1] or None, result[2]))

    def _outlet_tables(self, calls: list, csv_rows: RateRowsCsv, writer: "TableWriter", tables: dict,
                       scores: pd.DataFrame) -> "_Stream":
        """The outlet tables from the batches' tasks: outlet_terms written as they come, the others kept.

        490 outlets x 3,000 entries x 3 voices is millions of outlet_terms rows: they
        are never held whole, nor built as DataFrames (see :class:`RateRowsCsv`);
        its rows with hits go to ``tables`` (the in-memory table).
        """
        from . import stats
        from .sentiment import set_article_means

        kept: list = []
        parts: dict[str, list] = {"outlet_categories": [], "outlet_sentiment": [], "outlet_actor_sentiment": []}

        def take(result):
            data, n, part = result["outlet_terms"]
            writer.write_csv(data, csv_rows.header, n)
            kept.extend(part)
            for name, frames in parts.items():
                if name in result:
                    frames.append(result[name])

        def done():
            if not calls:
                writer.write_csv(b"", csv_rows.header, 0)
            tables["outlet_terms"] = (stats.outlet_rates_frame(csv_rows.uni, kept, "entry") if len(csv_rows.uni)
                                      else stats._empty(csv_rows.columns))
            keys = stats._KEYS["category"]
            cols = ["outlet", *keys, "voice", "count", "n_docs", "docs_with_term", "n_tokens", "rate_per_1k",
                    "ci_low", "ci_high", "ci_method", "caveat"]
            tables["outlet_categories"] = (stats._finish_rates(parts["outlet_categories"], keys, cols)
                                           if parts["outlet_categories"] else stats._empty(cols))
            for name in ("outlet_sentiment", "outlet_actor_sentiment"):
                frames = parts[name]
                tables[name] = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
            set_article_means(tables["outlet_sentiment"], scores)

        return _Stream(calls, take, done)

    def _keyness_words(self, arts, writer: "TableWriter") -> "_Stream":
        """Word keyness, written outlet by outlet; each outlet's most overused words go to its ``kept``."""
        from . import stats

        keys, vals = self._words.merge()
        outlets = sorted(set(map(str, arts["outlet"].unique())) | set(self.outlet_codes))
        code_to_outlet = {c: o for o, c in self.outlet_codes.items()}
        where = {o: i for i, o in enumerate(outlets)}
        remap = np.asarray([where[code_to_outlet[c]] for c in range(len(code_to_outlet))], dtype=np.int64)
        outlet_idx = remap[keys >> 32] if len(keys) else keys
        word_idx = keys & 0xFFFFFFFF
        plan = stats.WordKeyness.from_sparse(outlets, list(self.vocab), outlet_idx, word_idx, vals,
                                             max_rows=self.keyness_max_rows, top=self.keyness_top)
        if plan is None:
            return _Stream([], None)
        kept: list[pd.DataFrame] = []
        if plan.capped:
            self.notes.append(f"keyness.csv: word keyness of {len(outlets)} outlets x "
                              f"{plan.full_rows // max(len(outlets), 1):,} words would be {plan.full_rows:,} "
                              f"rows; each outlet's {self.keyness_top} most overused and {self.keyness_top} most "
                              "underused words are written (values as in the full table)")

        def take(result):
            data, header, n, part = result
            writer.write_csv(data, header or None, n)
            kept.extend(part)

        return _Stream([(_keyness_words_task, plan.subset(b)) for b in _batches([1] * len(outlets), 32)], take,
                       kept=kept)


@dataclass
class _Stream:
    """A table written from tasks' results: the calls, what to do with each result (in order), then ``done()``."""

    calls: list
    take: Callable | None
    done: Callable[[], None] = lambda: None
    kept: list = field(default_factory=list)  # what is kept in memory


# ---------------------------------------------------------------- the run


def estimate_articles(inputs: Sequence[str]) -> int:
    """A quick estimate of the number of articles (for the progress bar's time left)."""
    from .corpus import expand_inputs

    total = 0
    for path, _root, _label in expand_inputs(inputs):
        if path is None or path.name.lower() == "manifest.csv":
            continue
        ext = path.suffix.lower()
        try:
            if ext in (".jsonl", ".ndjson", ".csv", ".tsv"):
                n = last = 0
                with open(path, "rb") as f:
                    for block in iter(lambda: f.read(1 << 22), b""):
                        n += block.count(b"\n")
                        last = block[-1]
                n += 1 if last not in (0, 10) else 0
                total += max(0, n - (1 if ext in (".csv", ".tsv") else 0))
            elif ext in (".parquet", ".pq"):
                import pyarrow.parquet as pq

                total += pq.ParquetFile(path).metadata.num_rows
            elif ext in (".txt", ".text", ".html", ".htm", ".xhtml", ".json"):
                total += 1
        except Exception:  # an estimate only: the readers report real problems
            continue
    return total


@dataclass
class EngineRun:
    """What :func:`run_engine` returns."""

    tables: dict[str, pd.DataFrame]     # outlet-level tables (small), by output name
    sample: dict[str, pd.DataFrame]     # articles, sentences, matches of the first articles
    docs: pd.DataFrame                  # doc_id, outlet, n_tokens, polarity, subjectivity of every article
    load_report: pd.DataFrame
    counts: dict[str, int]              # rows written per output table
    outputs: list[str]                  # file names written
    n_articles: int
    seconds: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def run_engine(stream, out: Path, lexicons: Sequence, *, seed: int, jobs: int = 1, engine: str = "local",
               scheduler: str | None = None, chunk_size: int = DEFAULT_CHUNK_SIZE, fmt: str = "csv",
               sample_articles: int = DEFAULT_SAMPLE_ARTICLES, progress: bool = False,
               total_hint: int | None = None, on_empty: Callable[[pd.DataFrame], None] | None = None) -> EngineRun:
    """Read ``stream`` (a :class:`~mediabias.corpus.CorpusStream`) in chunks and write every table into ``out``.

    ``on_empty(load_report)`` is called (and should raise) when no article was read;
    nothing but what it writes is left in ``out`` then.
    """
    if engine not in ENGINES:
        raise MediabiasError(f"unknown engine {engine!r}", hint=f"Use one of: {', '.join(ENGINES)}.")
    if fmt not in FORMATS:
        raise MediabiasError(f"unknown format {fmt!r}", hint=f"Use one of: {', '.join(FORMATS)}.")
    jobs = max(1, int(jobs))
    chunk_size = max(1, int(chunk_size))
    formats = tuple((t, fmt) for t in PARQUET_TABLES)
    config = StageConfig(tuple(lexicons), formats, sample_articles)
    writers = {name: TableWriter(out / f"{name}.{config.format_of(name)}", config.format_of(name))
               for name in ("articles", "sentences", "matches")}
    writers["dropped_lines"] = TableWriter(out / "dropped_lines.csv")
    writers["doc_categories"] = TableWriter(out / "doc_categories.csv")
    writers["keyness"] = TableWriter(out / "keyness.csv")
    writers["outlet_terms"] = TableWriter(out / "outlet_terms.csv")
    for w in writers.values():  # temporary files of an interrupted earlier run
        for stale in out.glob(f".{w.path.name}.tmp-*"):
            stale.unlink(missing_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    agg = Aggregator(lexicons, seed, spill=out)
    samples: list[tuple] = []
    timing = {"read": 0.0}
    started = time.perf_counter()
    bar = _progress(progress, total_hint)

    def tasks() -> Iterator[ChunkTask]:
        offset = 0
        chunks = stream.chunks(chunk_size)
        while True:
            t = time.perf_counter()
            try:
                articles, lines = next(chunks)
            except StopIteration:
                timing["read"] += time.perf_counter() - t
                return
            timing["read"] += time.perf_counter() - t
            dropped = lines[lines["role"] == "dropped"].reset_index(drop=True)
            if len(dropped):
                writers["dropped_lines"].write_frame(dropped)
            yield ChunkTask(len(samples_index), offset, articles)
            samples_index.append(offset)
            offset += len(articles)

    samples_index: list[int] = []
    chunk_cpu = [0.0]
    results = None
    try:
        source = tasks()
        first = next(source, None)
        second = next(source, None) if first is not None else None
        pending = [t for t in (first, second) if t is not None]

        def all_tasks():
            yield from pending
            yield from source

        if not pending:
            results = iter(())
        elif engine == "dask":
            results = _run_dask(all_tasks(), config, jobs, scheduler)
        elif jobs == 1 or second is None:   # one chunk: no pool to start
            results = _run_inline(all_tasks(), config)
        else:
            results = _run_pool(all_tasks(), config, jobs)
        for r in results:
            for name in ("articles", "sentences", "matches"):
                data = r.payload[name]
                if config.format_of(name) == "parquet":
                    writers[name].write_arrow(data)
                else:
                    writers[name].write_csv(data, r.headers[name], r.n_rows[name])
            agg.add(r)
            chunk_cpu[0] += r.seconds
            if r.sample is not None:
                samples.append(r.sample)
            if bar is not None:
                bar.update(len(r.docs))
            r = data = None  # the chunk's rows are written: let them go before the next arrives
            release_free_memory()
        if bar is not None:
            bar.total = bar.n
            bar.refresh()
            bar.close()
            bar = None
        timing["per_article"] = time.perf_counter() - started
        release_free_memory()
        load_report = stream.load_report()
        if agg.n == 0:
            for w in writers.values():
                w.discard()
            if on_empty is not None:
                on_empty(load_report)
            raise MediabiasError("no article could be read from the inputs")
        if writers["dropped_lines"].rows == 0:
            from .corpus import LINE_COLUMNS

            writers["dropped_lines"].write_frame(pd.DataFrame({c: pd.Series(dtype=object) for c in LINE_COLUMNS}))
        t = time.perf_counter()
        tables = agg.finish(writers, jobs=jobs)
        timing["aggregate"] = time.perf_counter() - t
        timing["total"] = time.perf_counter() - started
        timing["chunks_cpu"] = chunk_cpu[0]
        outputs = []
        for w in writers.values():
            w.close()
            outputs.append(w.path.name)
        counts = {name: w.rows for name, w in writers.items()}
    except BaseException:
        if bar is not None:
            bar.close()
        if hasattr(results, "close"):
            results.close()  # stops the workers now, not when the traceback is let go
        for w in writers.values():
            w.discard()
        raise
    finally:
        agg.close()
    sample = {}
    if samples:
        sample = {name: pd.concat([s[i] for s in samples], ignore_index=True)
                  for i, name in enumerate(("articles", "sentences", "matches"))}
    return EngineRun(tables, sample, agg._docs(), load_report, counts, outputs, agg.n, timing, agg.notes)


def _progress(enabled: bool, total: int | None):
    if not enabled or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(total=total or None, unit=" articles", unit_scale=False, dynamic_ncols=True, file=sys.stderr,
                desc="mediabias", smoothing=0.1)
