"""The whole analysis into one folder: what ``mediabias report`` runs.

Stages (each a DataFrame function; see the design brief's data flow):

1. :func:`process_articles` — the per-article work: sentences and voice, TextBlob
   and VADER, the ledger of lexicon hits. Rows of one article depend only on that
   article, so this stage can run on any partition of the corpus.
2. :func:`aggregate_tables` — everything computed across articles from the
   per-article results: rates and intervals, sentiment by outlet and actor,
   keyness, framing shares, unmatched entries.
3. :func:`write_report` — every table as CSV (written atomically), then the
   manifest, last, so its presence means the set is complete.
"""

from __future__ import annotations

import hashlib
import platform
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Sequence

import pandas as pd

from . import stats
from .corpus import CorpusRead, expand_inputs
from .lexicon import Lexicon, list_lexicons, load_lexicon
from .match import match_lexicon, unmatched_entries
from .pipeline import ARTICLE_COLUMNS, SENTENCE_COLUMNS, ordered, segment_articles, write_json, write_table
from .sentiment import (actor_sentiment_by_outlet, load_actors, score_articles, score_sentences,
                        sentiment_by_outlet)

DEPENDENCIES = ("pandas", "numpy", "pyarrow", "pyahocorasick", "trafilatura", "textblob", "vaderSentiment", "scipy",
                "matplotlib", "PyYAML", "charset-normalizer", "python-dateutil", "tqdm")
SMALL_SAMPLE = 5


@dataclass(frozen=True)
class ReportOptions:
    """Options of a report run (recorded in the manifest)."""

    lexicons: tuple[str, ...] = ()
    seed: int = 20181208
    fields: dict[str, str | None] = field(default_factory=dict)
    outlets_file: str | None = None


def process_articles(articles: pd.DataFrame, lexicons: Sequence[Lexicon]
                     ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Per-article stage: ``(articles, sentences, matches)`` with counts, voice, sentiment and hits."""
    articles, sentences = segment_articles(articles)
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


def build_manifest(inputs: Sequence[str], options: ReportOptions, lexicons: Sequence[Lexicon],
                   tables: dict[str, pd.DataFrame], load_report: pd.DataFrame, caveat: str,
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
                    "outlets_file": options.outlets_file},
        "inputs": files,
        "lexicons": [{"name": lx.name, "version": lx.version, "licence": lx.licence, "format": lx.format,
                      "entries": len(lx.entries), "sha256": lx.sha256} for lx in lexicons],
        "counts": {name: int(len(df)) for name, df in tables.items()},
        "load_report": {s: int(n) for s, n in load_report["status"].value_counts().sort_index().items()},
        "caveat": caveat,
        "outputs": sorted(f"{name}.csv" for name in tables),
        "completed": True,
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "seconds": round(time.time() - started, 2),
    }


def run_report(inputs: Sequence[str], out: str | Path, options: ReportOptions, got: CorpusRead) -> dict:
    """Run stages 1-3 on an already read corpus; return the manifest."""
    started = time.time()
    out = Path(out)
    (out / "manifest.json").unlink(missing_ok=True)  # no stale "complete" marker while we run
    lexicons = [load_lexicon(x) for x in (options.lexicons or list_lexicons())]
    articles, sentences, matches = process_articles(got.articles, lexicons)
    tables = {
        "articles": ordered(articles, ARTICLE_COLUMNS),
        "sentences": ordered(sentences, SENTENCE_COLUMNS),
        "matches": matches,
        **aggregate_tables(articles, sentences, matches, lexicons, options.seed),
        "dropped_lines": got.dropped_lines,
        "load_report": got.load_report,
    }
    for name, df in tables.items():
        write_table(df, out / f"{name}.csv")
    manifest = build_manifest(inputs, options, lexicons, tables, got.load_report, caveat_text(articles), started)
    write_json(manifest, out / "manifest.json")  # last: its presence means the set is complete
    return manifest
