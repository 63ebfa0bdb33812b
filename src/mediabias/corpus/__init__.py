"""Read a corpus: page dumps, HTML pages and tables, into one row per article.

:func:`read_corpus` is the one call; :func:`read_sources` returns the same articles
together with the load report (every input file or record, with its status and
reason) and the page-dump line records (every line kept or dropped, and why).

Inputs may be files, folders (read recursively) or glob patterns, in any mix:
``.txt`` page dumps, ``.html``/``.htm`` pages, ``.csv``/``.tsv``, ``.jsonl``,
``.json`` (one object, a list of objects, or a folder of one-object files) and
``.parquet``. A ``manifest.csv`` (file, outlet, url, date[, title][, notes]) in
a folder names the outlet, url and date of the files in it.
"""

from __future__ import annotations

import glob
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

import pandas as pd

from ..errors import MediabiasError
from .sources import (ALL_EXTS, ARTICLE_FIELDS, MANIFEST_NAMES, Article, FieldMap, Report,
                      load_outlet_signatures, read_file, read_manifest)

LOAD_REPORT_COLUMNS = ["source", "status", "reason", "n_articles"]
LINE_COLUMNS = ["doc_id", "source", "line", "role", "reason", "text"]
__all__ = ["read_corpus", "read_sources", "CorpusRead", "CorpusStream", "FieldMap", "LOAD_REPORT_COLUMNS"]


@dataclass(frozen=True)
class CorpusRead:
    """What :func:`read_sources` returns.

    Attributes:
        articles: one row per article; columns ``doc_id, outlet, title, date, url,
            source, format, encoding, outlet_from, date_raw, captions, text``.
        load_report: one row per input file, plus one per record that was skipped or
            failed, plus notes; columns ``source, status, reason, n_articles``.
        lines: for page dumps, one row per non-blank line unit:
            ``doc_id, source, line, role (title/caption/body/dropped), reason, text``.
    """

    articles: pd.DataFrame
    load_report: pd.DataFrame
    lines: pd.DataFrame

    @property
    def dropped_lines(self) -> pd.DataFrame:
        """The page-dump lines the parser did not keep, with the reason."""
        return self.lines[self.lines["role"] == "dropped"].reset_index(drop=True)

    @property
    def n_problems(self) -> int:
        """Number of load-report rows with status skipped or error."""
        return int(self.load_report["status"].isin(["skipped", "error"]).sum())


def _label(path: Path, root: Path | None) -> str:
    """A source label independent of where the inputs live (for identical outputs)."""
    if root is not None:
        try:
            return _printable(path.relative_to(root).as_posix())
        except ValueError:
            pass
    return _printable(path.name)


def _printable(name: str) -> str:
    """A file name that was not UTF-8 on disk (``caf\\xe9.txt``), with U+FFFD for the bad bytes."""
    try:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:
        return name.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def expand_inputs(inputs: Iterable[str | os.PathLike]) -> Iterator[tuple[Path | None, Path | None, str]]:
    """Yield ``(path, root, label)`` for every file named by the inputs, in a stable order.

    ``path`` is None (with the label saying why) for an input that matches nothing.
    """
    for item in inputs:
        item = os.fspath(item)
        p = Path(item)
        if p.is_dir():
            files = sorted((f for f in p.rglob("*") if f.is_file()), key=lambda f: f.relative_to(p).as_posix())
            for f in files:
                if any(part.startswith(".") for part in f.relative_to(p).parts):
                    continue
                yield f, p, _label(f, p)
        elif p.is_file():
            yield p, None, _printable(p.name)
        elif any(ch in item for ch in "*?["):
            matches = sorted(glob.glob(item, recursive=True))
            if not matches:
                yield None, None, _printable(item)
            for m in matches:
                mp = Path(m)
                if mp.is_file():
                    yield mp, None, _printable(mp.name)
                elif mp.is_dir():
                    yield from expand_inputs([mp])
        else:
            yield None, None, _printable(item)


def iter_corpus(inputs, fields: FieldMap, outlets_file=None) -> Iterator[Article | Report]:
    """Read every input, yielding articles and load-report rows in a stable order."""
    signatures = load_outlet_signatures(outlets_file)
    manifests: dict[Path, dict[str, dict[str, str]]] = {}
    used: dict[Path, set[str]] = {}
    for path, root, label in expand_inputs(inputs):
        if path is None:
            yield Report(label, "error", "no such file or folder, and no file matches it. Check the path.", 0)
            continue
        if path.name.lower() in MANIFEST_NAMES:
            continue  # read with the folder's files, reported below
        if path.suffix.lower() not in ALL_EXTS:
            reason = ("not an input file type (supported: " + ", ".join(sorted(ALL_EXTS)) + ")")
            yield Report(label, "skipped", reason, 0)
            continue
        folder = path.parent
        if folder not in manifests:
            mpath = folder / "manifest.csv"
            manifests[folder] = {}
            used[folder] = set()
            if mpath.is_file():
                mlabel = _label(mpath, root)
                try:
                    manifests[folder] = read_manifest(mpath, mlabel)
                    yield Report(mlabel, "loaded", f"manifest with {len(manifests[folder])} rows "
                                                   "(outlet, url and date of the files beside it)", 0)
                except MediabiasError as exc:
                    yield Report(mlabel, "error", str(exc) + " The files beside it were read without it.", 0)
        meta = dict(manifests[folder].get(path.name, {}))
        if meta:
            used[folder].add(path.name)
        yield from read_file(path, label, fields, meta, signatures)
    for folder, rows in manifests.items():
        for name in sorted(set(rows) - used[folder]):
            if not (folder / name).exists():
                yield Report(f"manifest.csv:{rows[name].get('_line', '')}", "skipped",
                             f"manifest lists {name!r} but there is no such file beside it", 0)


def read_sources(inputs: str | os.PathLike | Iterable[str | os.PathLike], *,
                 text_field: str | None = None, outlet_field: str | None = None,
                 title_field: str | None = None, date_field: str | None = None,
                 url_field: str | None = None, id_field: str | None = None,
                 outlets_file: str | os.PathLike | None = None) -> CorpusRead:
    """Read articles from files, folders and globs; return articles, load report and line records.

    Args:
        inputs: a path, folder or glob, or a list of them.
        text_field, outlet_field, title_field, date_field, url_field, id_field:
            column names in tables; ``None`` detects the common names
            (text/content/body, outlet/source/publication/site, title/headline,
            date/published, url/link, id/ID).
        outlets_file: outlet signatures (default: the bundled ``outlets.yaml``).

    Returns:
        A :class:`CorpusRead`. Nothing is raised for bad input data: every problem is
        a row of ``load_report`` naming the file (and line or record).

    Examples:
        >>> from mediabias.paths import SEEDS_DIR
        >>> got = read_sources(SEEDS_DIR)
        >>> sorted(got.articles["outlet"])
        ['Press TV', 'i24NEWS']
        >>> list(got.load_report["status"])
        ['loaded', 'loaded', 'loaded']
    """
    stream = CorpusStream(inputs, text_field=text_field, outlet_field=outlet_field, title_field=title_field,
                          date_field=date_field, url_field=url_field, id_field=id_field, outlets_file=outlets_file)
    articles, lines = next(stream.chunks(None))
    return CorpusRead(articles, stream.load_report(), lines)


class CorpusStream:
    """Read inputs as they come: articles in chunks, the load report and line records alongside.

    :func:`read_sources` is ``CorpusStream(...)`` read in one chunk; ``mediabias report``
    reads in chunks of a few hundred articles, so memory does not grow with the corpus.
    The articles, ``doc_id`` values (duplicates renamed ``id-2``, ``id-3``...) and load
    report rows are the same whatever the chunk size.

    Examples:
        >>> from mediabias.paths import SEEDS_DIR
        >>> stream = CorpusStream(SEEDS_DIR)
        >>> [len(a) for a, _lines in stream.chunks(1)]
        [1, 1]
        >>> stream.n_articles, list(stream.load_report()["status"])
        (2, ['loaded', 'loaded', 'loaded'])
    """

    def __init__(self, inputs: str | os.PathLike | Iterable[str | os.PathLike], *,
                 text_field: str | None = None, outlet_field: str | None = None,
                 title_field: str | None = None, date_field: str | None = None,
                 url_field: str | None = None, id_field: str | None = None,
                 outlets_file: str | os.PathLike | None = None):
        if isinstance(inputs, (str, os.PathLike)):
            inputs = [inputs]
        self.inputs = list(inputs)
        self.fields = FieldMap(text_field, outlet_field, title_field, date_field, url_field, id_field)
        self.outlets_file = outlets_file
        self.report: list[Report] = []
        self.n_articles = 0
        self._seen: dict[str, int] = {}

    def chunks(self, size: int | None) -> Iterator[tuple[pd.DataFrame, pd.DataFrame]]:
        """Yield ``(articles, lines)`` for every ``size`` articles (``None``: all in one chunk).

        With ``size=None`` one chunk is always yielded, possibly empty.
        """
        rows: list[dict] = []
        lines: list[tuple] = []
        report = self.report
        seen = self._seen
        for ev in iter_corpus(self.inputs, self.fields, self.outlets_file):
            if isinstance(ev, Report):
                report.append(ev)
                continue
            art = dict(ev.fields)
            notes = art.pop("_notes")
            base = art["doc_id"]
            if base in seen:
                k = seen[base]
                while f"{base}-{k + 1}" in seen:  # "a", "a", "a": the third must not become "a-2" again
                    k += 1
                seen[base] = k + 1
                art["doc_id"] = f"{base}-{k + 1}"
                seen[art["doc_id"]] = 1
                notes = notes + [f"doc_id {base!r} already used by an earlier article; this one is {art['doc_id']!r}"]
            else:
                seen[base] = 1
            rows.append(art)
            self.n_articles += 1
            if art["format"] in ("page-dump", "html"):  # one file, one article
                report.append(Report(art["source"], "loaded", "; ".join(notes), 1))
            elif notes:
                report.append(Report(art["source"], "loaded", "; ".join(notes), 0))
            lines.extend((art["doc_id"], art["source"], *ln[:3], ln[3]) for ln in ev.lines)
            if size is not None and len(rows) >= size:
                yield self._frames(rows, lines)
                rows, lines = [], []
        if rows or size is None:
            yield self._frames(rows, lines)
        seen.clear()  # every doc_id is settled; the set was needed only while reading (tens of MB on a big corpus)

    @staticmethod
    def _frames(rows: list[dict], lines: list[tuple]) -> tuple[pd.DataFrame, pd.DataFrame]:
        articles = pd.DataFrame(rows, columns=list(ARTICLE_FIELDS))
        line_df = pd.DataFrame(lines, columns=LINE_COLUMNS)
        line_df["line"] = line_df["line"].astype("int64")
        return articles, line_df

    def load_report(self) -> pd.DataFrame:
        """The load report so far: one row per input file, skipped or failed record, or note."""
        load = pd.DataFrame([(r.source, r.status, r.reason, r.n_articles) for r in self.report],
                            columns=LOAD_REPORT_COLUMNS)
        load["n_articles"] = load["n_articles"].astype("int64")
        return load


def read_corpus(inputs, **options) -> pd.DataFrame:
    """Read articles from files, folders and globs: one row per article.

    Takes the same arguments as :func:`read_sources`. The load report and the
    page-dump line records are in ``df.attrs["load_report"]`` and
    ``df.attrs["lines"]``; when any input was skipped or failed, a warning says
    how many (call :func:`read_sources` to get them as tables).

    Examples:
        >>> from mediabias.paths import SEEDS_DIR
        >>> df = read_corpus(SEEDS_DIR)
        >>> df.loc[df.outlet == "Press TV", "title"].item()
        "Putin tells Netanyahu of need for 'strict' stability in Mideast"
    """
    got = read_sources(inputs, **options)
    if got.n_problems:
        bad = got.load_report[got.load_report["status"].isin(["skipped", "error"])]
        first = bad.iloc[0]
        warnings.warn(f"{len(bad)} input(s) skipped or failed, e.g. {first['source']}: {first['reason']} "
                      "(see df.attrs['load_report'])", stacklevel=2)
    df = got.articles
    df.attrs["load_report"] = got.load_report
    df.attrs["lines"] = got.lines
    return df
