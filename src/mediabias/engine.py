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

Memory: the chunks in flight (about ``2 x jobs`` chunks), plus the per-article
partials (a few dozen numbers per article) and the per-outlet word counts.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import sys
import time
import warnings
from collections import Counter, deque
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
    words: dict[str, Counter]
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


def _csv_bytes(df: pd.DataFrame, header: bool) -> bytes:
    return df.to_csv(None, index=False, header=header, lineterminator="\n").encode("utf-8")


def _coded(frame: pd.DataFrame, key_cols: list[str], doc_pos: pd.Series) -> tuple:
    """(doc position, distinct key tuples, key code per row) of a partial-count frame."""
    doc = doc_pos.reindex(frame["doc_id"].astype(str)).to_numpy(dtype=np.int64)
    if len(frame) == 0:
        return doc, [], np.zeros(0, dtype=np.int64)
    keys = pd.MultiIndex.from_frame(frame[key_cols].astype(str))
    codes, uniques = pd.factorize(keys)
    return doc, list(uniques), codes.astype(np.int64)


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

    t0 = time.perf_counter()
    lexicons = _lexicons(config)
    articles, sentences, matches = process_articles(task.articles, lexicons)
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
    words = stats._word_counts(articles, lowercase=True) if len(articles) else {}
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
    return process_chunk(task, _WORKER["config"])


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


def _run_pool(tasks: Iterator[ChunkTask], config: StageConfig, jobs: int) -> Iterator[ChunkResult]:
    """Chunks on ``jobs`` worker processes, at most ``2 x jobs`` in flight, results in chunk order."""
    method = "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"
    ctx = mp.get_context(method)
    if method == "forkserver":
        ctx.set_forkserver_preload(["mediabias.engine", "mediabias.report", "textblob", "vaderSentiment"])
    with ctx.Pool(jobs, initializer=_init_worker, initargs=(config,)) as pool:
        pending: deque = deque()
        for t in tasks:
            pending.append(pool.apply_async(_process_chunk_worker, (t,)))
            if len(pending) >= 2 * jobs:
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

    def write_csv(self, data: bytes, header: bytes | None = None, rows: int = 0) -> None:
        if self._f is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._f = open(self.tmp, "wb")
        if not self._header and header is not None:
            self._f.write(header)
            self._header = True
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


class Aggregator:
    """Collects the partials of every chunk and computes the outlet tables from them."""

    def __init__(self, lexicons: Sequence, seed: int, keyness_max_rows: int | None = KEYNESS_MAX_ROWS,
                 keyness_top: int = KEYNESS_TOP):
        self.lexicons = list(lexicons)
        self.seed = seed
        self.keyness_max_rows = keyness_max_rows
        self.keyness_top = keyness_top
        self.notes: list[str] = []
        self.docs: list[pd.DataFrame] = []
        self.n = 0
        self.cell_codes = {lvl: _Codes() for lvl in ("entry", "category")}
        self.cells: dict[str, list[tuple]] = {lvl: [] for lvl in ("entry", "category")}
        self.group_codes = {g: _Codes() for g in ("sentiment", "actor")}
        self.group_parts: dict[str, list[tuple]] = {g: [] for g in ("sentiment", "actor")}
        self.actors: set = set()
        self.voices: set = set()
        # word counts per outlet as (outlet, word id, count) triplets, merged now and then:
        # numbers, not a dict per outlet (490 outlets x their vocabularies is gigabytes of dicts)
        self.vocab: dict[str, int] = {}
        self.outlet_codes: dict[str, int] = {}
        self._words_pending: list[tuple] = []
        self._words_pending_n = 0
        self._words = (np.zeros(0, np.int64), np.zeros(0, np.int64))  # key = outlet << 32 | word, count

    def add(self, r: ChunkResult) -> None:
        base = self.n
        self.docs.append(r.docs)
        self.n += len(r.docs)
        # compact: int32 article numbers, codes and counts (a 1 GB corpus has a few million cells)
        for lvl, (doc, table, code, count) in r.cells.items():
            remap = self.cell_codes[lvl].remap(table)
            self.cells[lvl].append(((doc + base).astype(np.int32), (remap[code] if len(code) else code).astype(np.int32),
                                    count.astype(np.int32)))
        for g, (doc, table, code, arrays) in r.groups.items():
            remap = self.group_codes[g].remap(table)
            arrays = {m: (v.astype(np.int32) if m in ("n", "zero") else v) for m, v in arrays.items()}
            self.group_parts[g].append(((doc + base).astype(np.int32),
                                        (remap[code] if len(code) else code).astype(np.int32), arrays))
        self.actors |= r.actors
        self.voices |= r.voices
        vocab = self.vocab
        for outlet, cnt in r.words.items():
            o = self.outlet_codes.setdefault(outlet, len(self.outlet_codes))
            ids = np.fromiter((vocab.setdefault(w, len(vocab)) for w in cnt), dtype=np.int64, count=len(cnt))
            vals = np.fromiter(cnt.values(), dtype=np.int64, count=len(cnt))
            self._words_pending.append(((np.int64(o) << 32) | ids, vals))
            self._words_pending_n += len(ids)
        if self._words_pending_n > 2_000_000:
            self._merge_words()

    def _merge_words(self) -> None:
        keys = np.concatenate([self._words[0], *(k for k, _ in self._words_pending)])
        vals = np.concatenate([self._words[1], *(v for _, v in self._words_pending)])
        self._words_pending, self._words_pending_n = [], 0
        uniq, inv = np.unique(keys, return_inverse=True)
        total = np.zeros(len(uniq), dtype=np.int64)
        np.add.at(total, inv, vals)
        self._words = (uniq, total)

    # -- finishing

    def _docs(self) -> pd.DataFrame:
        return pd.concat(self.docs, ignore_index=True) if self.docs else pd.DataFrame(
            {c: pd.Series(dtype=object) for c in ("doc_id", "outlet", "n_tokens", "polarity", "subjectivity")})

    def _cell_arrays(self, lvl: str, rank: np.ndarray):
        from . import stats

        keys = self.cell_codes[lvl].keys()
        uni = stats.cell_universe(keys, lvl)
        # code (arrival order) -> row of the sorted universe
        key_cols = list(uni.columns)
        pos = {tuple(row): i for i, row in enumerate(uni[key_cols].itertuples(index=False, name=None))}
        remap = np.asarray([pos[k] for k in keys], dtype=np.int64)
        parts = self.cells[lvl]
        doc = np.concatenate([p[0] for p in parts]).astype(np.int64) if parts else np.zeros(0, np.int64)
        code = np.concatenate([p[1] for p in parts]).astype(np.int64) if parts else np.zeros(0, np.int64)
        count = np.concatenate([p[2] for p in parts]).astype(np.int64) if parts else np.zeros(0, np.int64)
        self.cells[lvl] = []  # free the chunk pieces
        return uni, rank[doc] if len(doc) else doc, remap[code] if len(code) else code, count

    def _runs(self, g: str, rank: np.ndarray):
        """Group partials sorted by group key, then doc_id: (keys, bounds, arrays)."""
        from .sentiment import PARTIAL_MEASURES

        keys = self.group_codes[g].keys()
        parts = self.group_parts[g]
        if not keys:
            return [], np.zeros(1, np.int64), {m: np.zeros(0) for m in PARTIAL_MEASURES}
        order_keys = sorted(range(len(keys)), key=lambda i: keys[i])
        key_rank = np.empty(len(keys), dtype=np.int64)
        key_rank[order_keys] = np.arange(len(keys))
        doc = np.concatenate([p[0] for p in parts])
        code = np.concatenate([p[1] for p in parts])
        kr = key_rank[code]
        order = np.lexsort((rank[doc], kr))
        del doc, code
        arrays = {}
        for m in PARTIAL_MEASURES:
            arrays[m] = np.concatenate([p[2].pop(m) for p in parts])[order]
        self.group_parts[g] = []
        bounds = np.searchsorted(kr[order], np.arange(len(keys) + 1))
        return [keys[i] for i in order_keys], bounds, arrays

    def finish(self, write_doc_categories: Callable[[pd.DataFrame], None],
               write_keyness: Callable[[pd.DataFrame], None],
               write_outlet_terms: Callable[[pd.DataFrame], None] | None = None) -> dict[str, pd.DataFrame]:
        """The outlet tables (in memory), with doc_categories and keyness handed to writers in blocks."""
        from . import stats
        from .match import unmatched_entries
        from .sentiment import actor_sentiment_by_outlet_from_partials, sentiment_by_outlet_from_partials

        seed = self.seed
        docs = self._docs()
        doc_ids = docs["doc_id"].to_numpy(dtype=object)
        order = np.argsort(doc_ids, kind="stable")
        rank = np.empty(len(docs), dtype=np.int64)
        rank[order] = np.arange(len(docs))
        arts = docs.iloc[order][["doc_id", "outlet", "n_tokens"]].reset_index(drop=True)
        if arts["doc_id"].duplicated().any():
            raise MediabiasError(f"doc_id {arts.loc[arts['doc_id'].duplicated(), 'doc_id'].iloc[0]!r} occurs twice",
                                 hint="Every article needs its own doc_id.")
        tables: dict[str, pd.DataFrame] = {}
        uni_e, doc_e, key_e, cnt_e = self._cell_arrays("entry", rank)
        uni_c, doc_c, key_c, cnt_c = self._cell_arrays("category", rank)
        seen = uni_e[["lexicon", "category", "entry"]].drop_duplicates()
        tables["unmatched_entries"] = unmatched_entries(seen, self.lexicons)
        for block in stats.rate_by_article_from_cells(arts, uni_c, doc_c, key_c, cnt_c):
            write_doc_categories(block)
        if write_outlet_terms is None:
            tables["outlet_terms"] = stats.rate_by_outlet_from_cells(arts, uni_e, doc_e, key_e, cnt_e, "entry",
                                                                     seed=seed)
        else:  # written outlet by outlet (490 outlets x 3,000 entries x 3 voices is millions of rows);
            kept = []  # in memory: the rows with hits
            for f in stats.iter_rate_by_outlet_from_cells(arts, uni_e, doc_e, key_e, cnt_e, "entry", seed=seed):
                write_outlet_terms(f)
                kept.append(f[f["count"] > 0])
            tables["outlet_terms"] = (pd.concat(kept, ignore_index=True) if kept else
                                      stats.rate_by_outlet_from_cells(arts, uni_e, doc_e, key_e, cnt_e, "entry"))
            if not kept:
                write_outlet_terms(tables["outlet_terms"])
        tables["outlet_categories"] = stats.rate_by_outlet_from_cells(arts, uni_c, doc_c, key_c, cnt_c, "category",
                                                                      seed=seed)
        keys, bounds, arrays = self._runs("sentiment", rank)
        tables["outlet_sentiment"] = sentiment_by_outlet_from_partials(
            keys, bounds, arrays, docs[["outlet", "polarity", "subjectivity"]], seed=seed)
        keys, bounds, arrays = self._runs("actor", rank)
        tables["outlet_actor_sentiment"] = actor_sentiment_by_outlet_from_partials(
            keys, bounds, arrays, docs["outlet"].astype(str).value_counts(), self.actors, self.voices, seed=seed)
        tables["keyness"] = self._keyness(arts, uni_e, doc_e, key_e, cnt_e, write_keyness)
        tables["framing_pairs"] = self._framing(arts, uni_e, doc_e, key_e, cnt_e)
        return tables

    def _keyness(self, arts, uni, doc, key, cnt, write) -> pd.DataFrame:
        """Write keyness (words, then entries) in blocks; return the entry rows and the top word rows."""
        from . import stats

        cols = ["outlet", "term", "count_target", "count_reference", "total_target", "total_reference",
                "g2", "p_value", "log_ratio", "unit", "q_value", "lexicon", "category"]
        self._merge_words()
        keys, vals = self._words
        outlets = sorted(set(map(str, arts["outlet"].unique())) | set(self.outlet_codes))
        code_to_outlet = {c: o for o, c in self.outlet_codes.items()}
        where = {o: i for i, o in enumerate(outlets)}
        remap = np.asarray([where[code_to_outlet[c]] for c in range(len(code_to_outlet))], dtype=np.int64)
        outlet_idx = remap[keys >> 32] if len(keys) else keys
        word_idx = keys & 0xFFFFFFFF
        kept = []
        wrote = False
        info: dict = {}
        frames = stats.keyness_words_from_sparse(outlets, list(self.vocab), outlet_idx, word_idx, vals,
                                                 max_rows=self.keyness_max_rows, top=self.keyness_top, info=info)
        for f in frames:
            f = f.reindex(columns=cols)
            write(f)
            wrote = True
            kept.append(f[f["g2"] > 0].head(50))
        if info.get("capped"):
            self.notes.append(f"keyness.csv: word keyness of {len(outlets)} outlets x "
                              f"{info['full_rows'] // max(len(outlets), 1):,} words would be {info['full_rows']:,} "
                              f"rows; each outlet's {self.keyness_top} most overused and {self.keyness_top} most "
                              "underused words are written (values as in the full table)")
        entries = stats.keyness_entries_from_cells(arts, uni, doc, key, cnt)
        if len(entries) or not wrote:
            write(entries[cols])
        return pd.concat([*kept, entries[cols]], ignore_index=True) if kept else entries[cols]

    def _framing(self, arts, uni, doc, key, cnt) -> pd.DataFrame:
        """framing_shares on the framing-pair hits, rebuilt from the cells (one row per hit)."""
        from . import stats

        terms = {}
        for lex in self.lexicons:
            for fp in lex.framing_pairs:
                for alt in fp.alternatives.values():
                    terms.setdefault(lex.name, set()).update(str(t).strip().casefold() for t in alt)
        u = uni.reset_index(drop=True)
        relevant = np.array([v != "all" and lx in terms and str(e).strip().casefold() in terms[lx]
                             for lx, e, v in zip(u["lexicon"], u["entry"], u["voice"])], dtype=bool)
        sel = relevant[key] if len(key) else np.zeros(0, dtype=bool)
        reps = cnt[sel]
        rows = u.iloc[np.repeat(key[sel], reps)].reset_index(drop=True)
        d = np.repeat(doc[sel], reps)
        pseudo = pd.DataFrame({"doc_id": arts["doc_id"].to_numpy(dtype=object)[d],
                               "outlet": arts["outlet"].to_numpy(dtype=object)[d],
                               "lexicon": rows["lexicon"].to_numpy(dtype=object),
                               "category": rows["category"].to_numpy(dtype=object),
                               "entry": rows["entry"].to_numpy(dtype=object),
                               "voice": rows["voice"].to_numpy(dtype=object)})
        return stats.framing_shares(pseudo, self.lexicons, articles=arts)


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
    agg = Aggregator(lexicons, seed)
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
    try:
        source = tasks()
        first = next(source, None)
        second = next(source, None) if first is not None else None
        pending = [t for t in (first, second) if t is not None]

        def all_tasks():
            yield from pending
            yield from source

        if not pending:
            results: Iterator[ChunkResult] = iter(())
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
        if bar is not None:
            bar.total = bar.n
            bar.refresh()
            bar.close()
            bar = None
        timing["per_article"] = time.perf_counter() - started
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
        tables = agg.finish(writers["doc_categories"].write_frame, writers["keyness"].write_frame,
                            writers["outlet_terms"].write_frame)
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
        for w in writers.values():
            w.discard()
        raise
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
