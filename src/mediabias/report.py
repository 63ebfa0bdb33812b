"""The whole analysis into one folder: what ``mediabias report`` runs.

Stages (each a DataFrame function; see the design brief's data flow):

1. :func:`process_articles` — the per-article work: sentences and voice, TextBlob
   and VADER, the ledger of lexicon hits. Rows of one article depend only on that
   article, so this stage can run on any partition of the corpus.
2. :func:`aggregate_tables` — everything computed across articles from the
   per-article results: rates and intervals, sentiment by outlet and actor,
   keyness, framing shares, unmatched entries.
3. :func:`run_report` — runs 1 and 2 through :mod:`mediabias.engine`: the corpus is
   read in chunks, stage 1 runs chunk by chunk (in worker processes with ``jobs`` > 1,
   or on dask), the per-article tables are written as they come, and stage 2 is
   computed from per-article partial counts, so memory does not grow with the corpus.
   The tables are the same bytes as stage 1 and 2 run on the whole corpus in memory.
   Every output is written into a hidden staging folder inside the output folder
   (``.mediabias-run-<pid>``), each file under a temporary name renamed when complete;
   when all are written they are renamed into place, the outputs of earlier runs that
   this run does not write are removed (only files an earlier manifest lists), and the
   manifest comes last, so its presence means the set is complete. An interrupted run
   leaves no half-written file under a final name; the next run removes its leftovers.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import Sequence

import pandas as pd

from . import stats
from .corpus import CorpusRead, CorpusStream, expand_inputs
from .lexicon import Lexicon, list_lexicons, load_lexicon
from .match import match_lexicon, unmatched_entries
from .errors import MediabiasError, check_interrupt
from .pipeline import segment_articles, write_json, write_table
from .sentiment import (actor_sentiment_by_outlet, load_actors, score_articles, score_sentences,
                        sentiment_by_outlet)

DEPENDENCIES = ("pandas", "numpy", "pyarrow", "ahocorasick-rs", "trafilatura", "textblob", "vaderSentiment", "scipy",
                "matplotlib", "PyYAML", "charset-normalizer", "python-dateutil", "tqdm")
SMALL_SAMPLE = 5


@dataclass(frozen=True)
class ReportOptions:
    """Options of a report run (recorded in the manifest)."""

    lexicons: tuple[str, ...] = ()
    seed: int = 20181208
    fields: dict[str, str | None] = field(default_factory=dict)
    outlets_file: str | None = None
    jobs: int = 1                 # worker processes: per-article stage, outlet tables, figures
    engine: str = "local"         # "local" (processes) or "dask"
    scheduler: str | None = None  # dask scheduler address; None: a LocalCluster of `jobs` workers
    chunk_size: int = 500         # articles per chunk
    format: str = "csv"           # "csv" or "parquet" (for sentences and matches)
    progress: bool = False        # progress bar on stderr (only when it is a terminal)
    sample_articles: int = 500    # articles (with their sentences and hits) kept in memory for figures
    figures: bool = True          # figures/ (PNG + CSV twin each) and report.html


def process_articles(articles: pd.DataFrame, lexicons: Sequence[Lexicon], on_tokens=None
                     ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Per-article stage: ``(articles, sentences, matches)`` with counts, voice, sentiment and hits.

    ``on_tokens``: see :func:`mediabias.pipeline.segment_articles`.
    """
    articles, sentences = segment_articles(articles, on_tokens)
    sentences = score_sentences(sentences)
    articles = score_articles(articles, sentences)
    matches = match_lexicon(articles, list(lexicons), sentences)
    return articles, sentences, matches


def aggregate_tables(articles: pd.DataFrame, sentences: pd.DataFrame, matches: pd.DataFrame,
                     lexicons: Sequence[Lexicon], seed: int) -> dict[str, pd.DataFrame]:
    """Across-article tables, keyed by output name (without ``.csv``)."""
    lexicons = list(lexicons)
    return {
        "unmatched_entries": unmatched_entries(matches, lexicons),
        "doc_categories": stats.rate_by_article(matches, articles),
        "outlet_terms": stats.rate_by_outlet(matches, articles, level="entry", seed=seed),
        "outlet_categories": stats.rate_by_outlet(matches, articles, level="category", seed=seed),
        "outlet_sentiment": sentiment_by_outlet(articles, sentences, seed=seed),
        "outlet_actor_sentiment": actor_sentiment_by_outlet(articles, sentences, load_actors(), seed=seed),
        "keyness": pd.concat([stats.keyness_by_outlet(articles=articles, matches=matches, unit="word"),
                              stats.keyness_by_outlet(articles=articles, matches=matches, unit="entry")],
                             ignore_index=True),
        "framing_pairs": stats.framing_shares(matches, lexicons, articles=articles),
    }


def caveat_text(articles: pd.DataFrame) -> str:
    """The small-sample caveat, in words, for the manifest and the HTML report ("" when none applies)."""
    per = articles.groupby("outlet").size()
    small = sorted(per[per < SMALL_SAMPLE].index)
    if not small:
        return ""
    return (f"descriptive only: {len(small)} of {len(per)} outlets have fewer than {SMALL_SAMPLE} articles "
            f"({', '.join(small[:10])}{' ...' if len(small) > 10 else ''}); their rates and intervals describe "
            "these articles, not the outlet's coverage.")


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "unknown"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


#: Outlet-level tables: computed in memory after the per-article stage (small).
OUTLET_TABLES = ("unmatched_entries", "outlet_categories", "outlet_sentiment", "outlet_actor_sentiment",
                 "framing_pairs")  # outlet_terms, keyness: written by the engine as they are computed


def build_manifest(inputs: Sequence[str], options: ReportOptions, lexicons: Sequence[Lexicon],
                   counts: dict[str, int], outputs: Sequence[str], load_report: pd.DataFrame, caveat: str,
                   started: float) -> dict:
    """Versions, input and lexicon sha256, options and counts of a run."""
    files = [{"source": label, "sha256": _sha256(path), "bytes": path.stat().st_size}
             for path, _root, label in expand_inputs(inputs) if path is not None]
    return {
        "mediabias": _version("mediabias"),
        "python": platform.python_version(),
        "dependencies": {d: _version(d) for d in DEPENDENCIES},
        "command": "mediabias report",
        "options": {"lexicons": list(options.lexicons), "seed": options.seed, "fields": options.fields,
                    "outlets_file": options.outlets_file, "format": options.format, "engine": options.engine,
                    "jobs": options.jobs, "chunk_size": options.chunk_size},
        "inputs": files,
        "lexicons": [{"name": lx.name, "version": lx.version, "licence": lx.licence, "format": lx.format,
                      "entries": len(lx.entries), "sha256": lx.sha256} for lx in lexicons],
        "counts": {name: int(n) for name, n in sorted(counts.items())},
        "load_report": {s: int(n) for s, n in load_report["status"].value_counts().sort_index().items()},
        "caveat": caveat,
        "outputs": sorted(outputs),
        "completed": True,
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "seconds": round(time.time() - started, 2),
    }


class _InMemoryStream:
    """A :class:`~mediabias.corpus.CorpusStream` over a corpus already read (``run_report(..., got=...)``)."""

    def __init__(self, got: CorpusRead):
        self.got = got

    def chunks(self, size: int | None):
        arts = self.got.articles
        size = size or max(len(arts), 1)
        for start in range(0, len(arts), size):
            piece = arts.iloc[start:start + size].reset_index(drop=True)
            lines = self.got.lines[self.got.lines["doc_id"].isin(set(piece["doc_id"]))]
            yield piece, lines.reset_index(drop=True)

    def load_report(self) -> pd.DataFrame:
        return self.got.load_report


def _no_articles(out: Path):
    def fail(load_report: pd.DataFrame) -> None:
        path = write_table(load_report, out / "load_report.csv")
        bad = load_report[load_report["status"] != "loaded"]
        first = f"; first problem: {bad.iloc[0]['source']}: {bad.iloc[0]['reason']}" if len(bad) else ""
        raise MediabiasError("no article could be read from the inputs" + first.rstrip("."),
                             hint=f"Every input is listed with its reason in {path}.")
    return fail


@dataclass
class ReportRun:
    """A finished run: the manifest, the outlet-level tables and a sample of the per-article ones."""

    manifest: dict
    tables: dict[str, pd.DataFrame]   # outlet-level tables (as written) and load_report; keyness: see below
    sample: dict[str, pd.DataFrame]   # articles, sentences, matches of the first `sample_articles` articles
    outlet_articles: pd.Series        # articles per outlet, for the whole corpus
    load_report: pd.DataFrame


def run_report(inputs: Sequence[str], out: str | Path, options: ReportOptions, got: CorpusRead | None = None
               ) -> dict:
    """Run the report on ``inputs`` (read in chunks; or on ``got``, a corpus already read); return the manifest."""
    return run_report_full(inputs, out, options, got).manifest


def run_report_full(inputs: Sequence[str], out: str | Path, options: ReportOptions,
                    got: CorpusRead | None = None) -> ReportRun:
    """:func:`run_report`, returning also what figures and the HTML report are drawn from.

    ``tables`` holds every outlet-level table in full, except ``outlet_terms`` (only
    the rows with hits, count > 0) and ``keyness`` (each outlet's 50 most overused
    entries and words, with g2 > 0, ties at the 50th included); the full tables are on
    disk. ``sample`` holds the first ``options.sample_articles`` articles with their
    sentences and lexicon hits.

    With ``options.jobs > 1`` worker processes are started (forkserver): a script
    that calls this must guard its top level with ``if __name__ == "__main__":``.
    """
    started = time.time()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    previous = _previous_outputs(out)
    if previous:  # the record of what earlier runs wrote outlives their manifest until this run completes
        write_json({"outputs": sorted(previous)}, out / PENDING)
    (out / "manifest.json").unlink(missing_ok=True)  # no stale "complete" marker while we run
    _remove_stale_stages(out)
    stage = out / f"{STAGE_PREFIX}{os.getpid()}"
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir()
    try:
        run = _run_staged(inputs, out, stage, options, got, started)
        check_interrupt()
        _swap_in(out, stage, previous, run.manifest["outputs"])
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    check_interrupt()
    write_json(run.manifest, out / "manifest.json")  # last: its presence means the set is complete
    (out / PENDING).unlink(missing_ok=True)
    return run


#: Hidden names in the output folder: the staging folder of a running run, and the record of the outputs
#: of earlier runs while no manifest holds it (an interrupted run).
STAGE_PREFIX = ".mediabias-run-"
PENDING = ".mediabias-outputs.json"


def _previous_outputs(out: Path) -> set[str]:
    """Relative paths the tool wrote into ``out`` before: from the manifest and from an interrupted run's record."""
    found: set[str] = set()
    for name in ("manifest.json", PENDING):
        try:
            data = json.loads((out / name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        listed = data.get("outputs") if isinstance(data, dict) else None
        if isinstance(listed, list):
            found |= {x for x in listed if isinstance(x, str) and _safe_relative(x)}
    return found


def _safe_relative(name: str) -> bool:
    p = PurePosixPath(name)
    return bool(name) and not p.is_absolute() and ".." not in p.parts and "\\" not in name and ":" not in name


def _remove_stale_stages(out: Path) -> None:
    """Staging folders of runs that were killed (their process is gone)."""
    for d in out.glob(f"{STAGE_PREFIX}*"):
        pid = d.name[len(STAGE_PREFIX):]
        if not d.is_dir() or not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
            alive = int(pid) != os.getpid()
        except ProcessLookupError:
            alive = False
        except (PermissionError, OverflowError, OSError):
            alive = True
        if not alive:
            shutil.rmtree(d, ignore_errors=True)


def _swap_in(out: Path, stage: Path, previous: set[str], outputs: Sequence[str]) -> None:
    """Replace the previous set of outputs in ``out`` by the staged one.

    Every file is renamed whole into place (same file system); outputs of earlier runs
    that this run does not write are removed (only those: other files are left alone).
    The record of both sets stays on disk until the manifest is written.
    """
    write_json({"outputs": sorted(previous | set(outputs))}, out / PENDING)
    for name in sorted(previous - set(outputs)):
        path = out / name
        if path.is_file() and not path.is_symlink():
            path.unlink()
            parent = path.parent
            while parent != out and parent.is_dir() and not any(parent.iterdir()):
                parent.rmdir()
                parent = parent.parent
    for name in sorted(outputs):
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(stage / name, target)


def _run_staged(inputs: Sequence[str], out: Path, stage: Path, options: ReportOptions, got: CorpusRead | None,
                started: float) -> ReportRun:
    """The whole run, every output written into ``stage`` (renamed into ``out`` by the caller); the manifest is
    returned, not written."""
    from .engine import estimate_articles, run_engine, start_forkserver

    if options.jobs > 1 and options.engine == "local":
        start_forkserver()  # its imports overlap the setup and first reads below
    lexicons = [load_lexicon(x) for x in (options.lexicons or list_lexicons())]
    fields = options.fields or {}
    if got is not None:
        stream = _InMemoryStream(got)
    else:
        stream = CorpusStream(inputs, text_field=fields.get("text"), outlet_field=fields.get("outlet"),
                              title_field=fields.get("title"), date_field=fields.get("date"),
                              url_field=fields.get("url"), id_field=fields.get("id"),
                              outlets_file=options.outlets_file)
    total = estimate_articles(inputs) if (options.progress and got is None) else None
    run = run_engine(stream, stage, lexicons, seed=options.seed, jobs=options.jobs, engine=options.engine,
                     scheduler=options.scheduler, chunk_size=options.chunk_size, fmt=options.format,
                     sample_articles=options.sample_articles, progress=options.progress, total_hint=total,
                     on_empty=_no_articles(out))  # the load report of a failed run goes to `out` itself
    out = stage
    counts = dict(run.counts)
    outputs = list(run.outputs)
    for name in OUTLET_TABLES:
        write_table(run.tables[name], out / f"{name}.csv")
        counts[name] = len(run.tables[name])
        outputs.append(f"{name}.csv")
    write_table(run.load_report, out / "load_report.csv")
    counts["load_report"] = len(run.load_report)
    outputs.append("load_report.csv")
    tables = {**run.tables, "load_report": run.load_report}
    # Figures and the HTML report: after every table is written, before the manifest. They are
    # drawn from the outlet-level tables and from the in-memory sample of articles.
    outlet_articles = run.docs["outlet"].astype(str).value_counts()
    figures: list[dict] = []
    drawn = {**tables, **run.sample}
    if options.figures:
        from .plots import write_figures

        figures = write_figures(drawn, out / "figures", outlet_articles=outlet_articles,
                                jobs=options.jobs)
        outputs += [f"figures/{f['name']}.{x}" for f in figures if not f["skipped"] for x in ("png", "csv")]
        outputs.append("report.html")
    caveat = caveat_text(run.docs)
    manifest = build_manifest(inputs, options, lexicons, counts, outputs, run.load_report, caveat, started)
    manifest["stage_seconds"] = {k: round(v, 2) for k, v in sorted(run.seconds.items())}
    manifest["notes"] = run.notes
    manifest["figures"] = [{"name": f["name"], "skipped": f["skipped"]} for f in figures]
    if options.figures:
        from .html_report import write_html_report

        write_html_report(out, drawn, figures, manifest, outlet_articles=outlet_articles)
    return ReportRun(manifest, tables, run.sample, outlet_articles, run.load_report)
