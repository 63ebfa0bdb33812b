"""The ``mediabias`` command line.

Exit statuses (also in ``mediabias --help`` and the README):

* ``0``: every input loaded;
* ``1``: a fatal problem (no article could be read, a lexicon is broken, the
  output folder cannot be written); a one-line message says what to do;
* ``2``: a usage error (unknown option, missing argument);
* ``3``: the outputs were written, but some inputs or records were skipped or
  failed: see ``load_report.csv``.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from importlib import metadata
from pathlib import Path

from .errors import MediabiasError, interrupt_handler, reset_interrupt

EXIT_OK, EXIT_FATAL, EXIT_USAGE, EXIT_PARTIAL = 0, 1, 2, 3

EXIT_HELP = """exit status:
  0  every input loaded
  1  fatal problem (nothing readable, broken lexicon, unwritable output); one-line message
  2  usage error
  3  outputs written, but some inputs or records were skipped or failed (see load_report.csv)
"""


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Help text wrapped at spaces only, so an option such as --no-figures is never split."""

    def _split_lines(self, text, width):
        import textwrap

        return textwrap.wrap(" ".join(text.split()), width, break_on_hyphens=False)


def _add_input_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("inputs", nargs="+", metavar="INPUT",
                   help="files, folders (read recursively) or glob patterns: .txt page dumps, .html pages, "
                        ".csv/.tsv, .jsonl, .json, .parquet; a manifest.csv (file,outlet,url,date) in a folder "
                        "names the outlet, url and date of its files. Example: seeds/ or 'corpus/*.jsonl'")
    p.add_argument("--out", required=True, metavar="DIR",
                   help="output folder, created if missing; its tables are replaced. Example: --out data/report")
    g = p.add_argument_group("table fields (default: detect common names)")
    g.add_argument("--text-field", metavar="NAME",
                   help="column holding the article text (detects text, content, body, ...). Example: --text-field body")
    g.add_argument("--outlet-field", metavar="NAME",
                   help="column naming the outlet (detects outlet, source, publication, site, ...). "
                        "Example: --outlet-field publisher")
    g.add_argument("--title-field", metavar="NAME",
                   help="column holding the title (detects title, headline). Example: --title-field headline")
    g.add_argument("--date-field", metavar="NAME",
                   help="column holding the date, written as ISO 8601 (detects date, published, ...). "
                        "Example: --date-field published_at")
    g.add_argument("--url-field", metavar="NAME", help="column holding the URL (detects url, link). "
                                                       "Example: --url-field link")
    g.add_argument("--id-field", metavar="NAME",
                   help="column holding a stable article id, used as doc_id (detects id, ID, doc_id, ...); "
                        "without one, doc_id is a hash of the content. Example: --id-field article_id")
    p.add_argument("--outlets-file", metavar="YAML",
                   help="outlet signatures to recognise outlets in page dumps (default: the bundled "
                        "outlets.yaml). Example: --outlets-file my_outlets.yaml")
    p.add_argument("--max-record-mb", type=_positive, default=None, metavar="N",
                   help="largest page dump, HTML or JSON file, and largest JSONL line or CSV/TSV row, read "
                        "(default 32, or $MEDIABIAS_MAX_RECORD_MB); larger ones are not read and get a "
                        "load-report row, so memory stays bounded. Example: --max-record-mb 128")
    p.add_argument("--quiet", action="store_true", help="print nothing but errors. Example: --quiet")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mediabias",
        description="Measure how news outlets word the same events: read articles, find loaded terms with "
                    "their exact words and places, score sentiment, and compare outlets.",
        epilog="examples:\n  mediabias read seeds/ --out data/read\n"
               "  mediabias report seeds/ --out data/report\n\n" + EXIT_HELP,
        formatter_class=_Formatter)
    parser.add_argument("--version", action="version", version=f"mediabias {_version('mediabias')}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    r = sub.add_parser("read", formatter_class=_Formatter,
                       help="read articles and write articles.csv, sentences.csv, load_report.csv",
                       description="Read articles (page dumps, HTML, tables) and write articles.csv, sentences.csv, "
                                   "load_report.csv and dropped_lines.csv (every page-dump line not kept, and why).",
                       epilog="example:\n  mediabias read seeds/ --out data/read\n"
                              "  mediabias read corpus.jsonl --text-field body --out out/\n\n" + EXIT_HELP)
    _add_input_options(r)

    rep = sub.add_parser("report", formatter_class=_Formatter,
                         help="the whole analysis: tables of articles, sentences, lexicon hits and measures",
                         description="Run the whole analysis on the inputs and write every table into one folder: "
                                     "articles, sentences, the ledger of lexicon hits (matches.csv), rates, "
                                     "sentiment, keyness, framing shares, the load report and manifest.json.",
                         epilog="example:\n  mediabias report seeds/ --out data/report\n"
                                "  mediabias report corpus.jsonl --lexicon loaded_terms --lexicon my.dic --out out/\n\n"
                                + EXIT_HELP)
    _add_input_options(rep)
    rep.add_argument("--lexicon", action="append", metavar="NAME_OR_PATH",
                     help="a bundled lexicon name (loaded_terms, bias_cues) or a lexicon file (native .yaml, "
                          "LIWC .dic, quanteda .yml, Lexicoder .lc3/.lcd, MPQA .tff, word list .txt, .csv); "
                          "repeat for several; default: every bundled lexicon. Example: --lexicon loaded_terms")
    rep.add_argument("--seed", type=int, default=20181208, metavar="N",
                     help="seed of the bootstrap intervals (same seed, same numbers). Example: --seed 1")
    s = rep.add_argument_group("scale (the outputs are the same bytes whatever these are)")
    s.add_argument("--jobs", type=_positive, default=None, metavar="N",
                   help="worker processes for the per-article work (sentences, sentiment, matching); "
                        f"default: all cores ({os.cpu_count() or 1} here). Example: --jobs 2")
    s.add_argument("--engine", choices=("local", "dask"), default="local",
                   help="local: worker processes on this machine (default); dask: the per-article work as dask "
                        "map_partitions on dask.distributed, a LocalCluster of --jobs workers unless --scheduler "
                        "is given. Example: --engine dask")
    s.add_argument("--scheduler", metavar="ADDRESS",
                   help="address of a running dask scheduler (with --engine dask); its workers need the same "
                        "mediabias installed (inputs are read, and outputs written, here). "
                        "Example: --scheduler tcp://10.0.0.5:8786")
    s.add_argument("--format", choices=("csv", "parquet"), default="csv",
                   help="file format of the two large tables, sentences and matches (default csv; the others "
                        "are always CSV). Example: --format parquet")
    s.add_argument("--no-figures", action="store_true",
                   help="write the tables only: no figures/ folder and no report.html (faster on big corpora). "
                        "Example: --no-figures")
    s.add_argument("--chunk-size", type=_positive, default=500, metavar="N",
                   help="articles read and processed at a time (memory grows with it). Example: --chunk-size 200")
    return parser


def _positive(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"{value!r} must be 1 or more")
    return n


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "unknown"


def _say(args, msg: str) -> None:
    if not args.quiet:
        print(msg, file=sys.stderr)


def _read_sources(args):
    """Read the inputs; a fatal error (with the load report written) when no article could be read."""
    from .corpus import read_sources
    from .pipeline import write_table

    got = read_sources(args.inputs, text_field=args.text_field, outlet_field=args.outlet_field,
                       title_field=args.title_field, date_field=args.date_field, url_field=args.url_field,
                       id_field=args.id_field, outlets_file=args.outlets_file)
    if got.articles.empty:
        report = write_table(got.load_report, Path(args.out) / "load_report.csv")
        bad = got.load_report[got.load_report["status"] != "loaded"]
        first = f"; first problem: {bad.iloc[0]['source']}: {bad.iloc[0]['reason']}" if len(bad) else ""
        raise MediabiasError("no article could be read from the inputs" + first.rstrip("."),
                             hint=f"Every input is listed with its reason in {report}.")
    return got


def _read(args):
    from .pipeline import segment_articles

    got = _read_sources(args)
    articles, sentences = segment_articles(got.articles)
    return got, articles, sentences


def _score(articles, sentences):
    from .sentiment import score_articles, score_sentences

    sentences = score_sentences(sentences)
    articles = score_articles(articles, sentences)
    return articles, sentences


def _finish(args, out: Path, load_report) -> int:
    problems = load_report[load_report["status"].isin(["skipped", "error"])]
    if len(problems):
        first = problems.iloc[0]
        print(f"mediabias: {len(problems)} input(s) skipped or failed, e.g. {first['source']}: {first['reason']} "
              f"(all listed in {out / 'load_report.csv'})", file=sys.stderr)
        return EXIT_PARTIAL
    return EXIT_OK


def cmd_read(args) -> int:
    from .pipeline import ARTICLE_COLUMNS, SENTENCE_COLUMNS, ordered, write_table

    out = Path(args.out)
    got, articles, sentences = _read(args)
    articles, sentences = _score(articles, sentences)
    write_table(ordered(articles, ARTICLE_COLUMNS), out / "articles.csv")
    write_table(ordered(sentences, SENTENCE_COLUMNS), out / "sentences.csv")
    write_table(got.dropped_lines, out / "dropped_lines.csv")
    write_table(got.load_report, out / "load_report.csv")
    _say(args, f"mediabias: read {len(articles)} articles, {len(sentences)} sentences into {out}/")
    return _finish(args, out, got.load_report)


def cmd_report(args) -> int:
    if (args.jobs or os.cpu_count() or 1) > 1 and args.engine == "local":
        from .engine import start_forkserver

        start_forkserver()  # its imports overlap this process's setup
    from .lexicon import list_lexicons, load_lexicon
    from .report import ReportOptions, run_report_full

    lexicon_names = tuple(args.lexicon or list_lexicons())
    for name in lexicon_names:  # a broken lexicon stops the run before any reading
        load_lexicon(name)
    if args.scheduler and args.engine != "dask":
        raise MediabiasError("--scheduler needs --engine dask", hint="Add --engine dask, or drop --scheduler.")
    options = ReportOptions(lexicons=lexicon_names, seed=args.seed, outlets_file=args.outlets_file,
                            fields={k: getattr(args, f"{k}_field") for k in ("text", "outlet", "title", "date",
                                                                              "url", "id")},
                            jobs=args.jobs or os.cpu_count() or 1, engine=args.engine, scheduler=args.scheduler,
                            chunk_size=args.chunk_size, format=args.format, progress=not args.quiet,
                            figures=not args.no_figures)
    run = run_report_full(args.inputs, args.out, options)
    manifest = run.manifest
    _say(args, f"mediabias: {manifest['counts']['articles']} articles, {manifest['counts']['matches']} lexicon "
               f"hits in {manifest['seconds']:.1f} s; tables in {args.out}/")
    return _finish(args, Path(args.out), run.load_report)


def _catch_interrupts():
    """Ctrl-C stops a run even when it lands in a finalizer (see :func:`mediabias.errors.interrupt_handler`).

    Returns the handler to put back when the command ends (None: nothing was changed).
    """
    if threading.current_thread() is not threading.main_thread():
        return None
    if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        return None  # someone else's handler (a host application): leave it alone
    return signal.signal(signal.SIGINT, interrupt_handler)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = {"read": cmd_read, "report": cmd_report}[args.command]
    previous_handler = _catch_interrupts()
    if getattr(args, "max_record_mb", None):
        from .corpus import sources

        sources.MAX_RECORD_BYTES = args.max_record_mb * 2**20
    try:
        return handler(args)
    except MediabiasError as exc:
        print(f"mediabias: {exc}", file=sys.stderr)
        return EXIT_FATAL
    except OSError as exc:
        where = f" {exc.filename}" if getattr(exc, "filename", None) else ""
        print(f"mediabias: cannot write or read{where}: {exc.strerror or exc}. Check the path and permissions.",
              file=sys.stderr)
        return EXIT_FATAL
    except KeyboardInterrupt:
        print("mediabias: interrupted; no half-written output was left and no manifest was written. "
              "Run again to write the whole set.", file=sys.stderr)
        return 130
    finally:
        if previous_handler is not None:
            signal.signal(signal.SIGINT, previous_handler)
        reset_interrupt()  # the remembered interrupt belongs to this command, not to later calls in the process


if __name__ == "__main__":
    sys.exit(main())
