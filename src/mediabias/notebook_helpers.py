"""Small helpers the notebooks share, so that the notebooks stay thin.

One call runs the whole analysis in memory (:func:`analyse_corpus`), another writes
it to a folder exactly as the command line does (:func:`write_report`); the others
give the views the notebooks teach with: where each outlet name came from
(:func:`outlet_provenance`), keyword-in-context lines for chosen entries
(:func:`kwic_lines`), the sentences that hold chosen entries with their sentiment
(:func:`sentences_with_entries`), what the sentiment scorers make of lexicon
entries on their own and when swapped (:func:`term_sentiment`,
:func:`sentiment_with_swaps`, :func:`sentiment_blind_spots`), how
wide intervals are (:func:`interval_widths`), and a lexicon a class can edit
(:func:`lexicon_from_dict`, :func:`add_entries`, :func:`count_changes`).

Like the rest of the library: DataFrames (or a Lexicon) in, new ones out; no input
is modified; rows come back in a fixed order, so notebook outputs are reproducible.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from .corpus import CorpusRead, read_sources
from .errors import LexiconError, MediabiasError
from .lexicon import Entry, FramingPair, Lexicon, check_term, list_lexicons, load_lexicon
from .lexicon.model import entry_key

__all__ = [
    "BASELINE_CATEGORIES", "DEFAULT_SEED", "HEADLINE_TERMS", "Analysis", "analyse_corpus", "write_report",
    "outlet_provenance", "kwic_lines", "sentences_with_entries", "term_sentiment", "sentiment_with_swaps", "sentiment_blind_spots",
    "interval_widths", "lexicon_from_dict", "add_entries", "count_changes",
]

#: The seed of every bootstrap in a notebook run (the same as ``mediabias report``).
DEFAULT_SEED = 20181208
#: Loaded wording of the two seed articles that the design brief names, in reading order.
HEADLINE_TERMS = ("under the pretext of", "occupied territories", "alleged tunnels", "boasted",
                  "Lebanese resistance", "Iran-backed", "tunnel threat", "Hezbollah activists", "Israeli enemy")
#: Categories that hold plain names (the baseline of framing pairs), not loaded wording.
BASELINE_CATEGORIES = ("reference_labels",)


# ------------------------------------------------------------------ the analysis


@dataclass(frozen=True, repr=False)
class Analysis:
    """Everything :func:`analyse_corpus` computed, in memory.

    Attributes:
        read: the :class:`~mediabias.corpus.CorpusRead` (articles as read, the load
            report, the page-dump line records).
        lexicons: the lexicons matched.
        articles: one row per article, with token and sentence counts and sentiment.
        sentences: one row per sentence, with voice and sentiment.
        matches: the ledger: one row per lexicon hit.
        tables: the across-article tables of ``mediabias report``, keyed by name
            (``outlet_terms``, ``outlet_categories``, ``outlet_sentiment``,
            ``outlet_actor_sentiment``, ``keyness``, ``framing_pairs``,
            ``doc_categories``, ``unmatched_entries``).
        seed: the seed of every bootstrap.
    """

    read: CorpusRead
    lexicons: tuple[Lexicon, ...]
    articles: pd.DataFrame
    sentences: pd.DataFrame
    matches: pd.DataFrame
    tables: dict[str, pd.DataFrame]
    seed: int = DEFAULT_SEED

    @property
    def caveat(self) -> str:
        """The small-sample caveat in words ("" when every outlet has 5 articles or more)."""
        from .report import caveat_text

        return caveat_text(self.articles)

    def __repr__(self) -> str:  # short and free of memory addresses (notebook outputs are compared)
        n_out = self.articles["outlet"].nunique()
        names = ", ".join(lx.name for lx in self.lexicons)
        return (f"Analysis({len(self.articles)} articles from {n_out} outlets, {len(self.sentences)} sentences, "
                f"{len(self.matches)} lexicon hits; lexicons: {names})")


def analyse_corpus(inputs, lexicons=None, *, seed: int = DEFAULT_SEED, **read_options) -> Analysis:
    """Read a corpus and run the whole analysis of ``mediabias report`` in memory, writing nothing.

    Args:
        inputs: a path, folder or glob, or a list of them (anything
            :func:`mediabias.read_sources` reads).
        lexicons: bundled names, paths or :class:`~mediabias.Lexicon` objects, or one
            of them; default: every bundled lexicon.
        seed: seed of every bootstrap (same inputs and seed, same tables).
        **read_options: field names for tables (``text_field``, ``outlet_field``,
            ``title_field``, ``date_field``, ``url_field``, ``id_field``) and
            ``outlets_file``, as for :func:`mediabias.read_sources`.

    Raises:
        MediabiasError: when no article could be read (the message names the first
            problem of the load report).

    Examples:
        >>> from mediabias.paths import SEEDS_DIR
        >>> run = analyse_corpus(SEEDS_DIR, "loaded_terms")
        >>> run
        Analysis(2 articles from 2 outlets, 40 sentences, 66 lexicon hits; lexicons: loaded_terms)
        >>> sorted(run.tables)[:3]
        ['doc_categories', 'framing_pairs', 'keyness']
    """
    from .report import aggregate_tables, process_articles

    got = read_sources(inputs, **read_options)
    if got.articles.empty:
        bad = got.load_report[got.load_report["status"] != "loaded"]
        first = f" First problem: {bad.iloc[0]['source']}: {bad.iloc[0]['reason']}" if len(bad) else ""
        raise MediabiasError("no article could be read from the inputs",
                             hint="Check the path and the field names (text_field=...)." + first)
    if lexicons is None:
        lexicons = list_lexicons()
    if isinstance(lexicons, (str, os.PathLike, Lexicon)):
        lexicons = [lexicons]
    lexs = tuple(load_lexicon(x) for x in lexicons)
    articles, sentences, matches = process_articles(got.articles, lexs)
    tables = aggregate_tables(articles, sentences, matches, lexs, seed)
    return Analysis(got, lexs, articles, sentences, matches, tables, seed)


def write_report(inputs, out_dir, lexicons=None, *, seed: int = DEFAULT_SEED, **read_options) -> int:
    """Write the full output of ``mediabias report`` (every table, figure and the manifest) into ``out_dir``.

    Runs the command line itself, quietly, so a notebook writes exactly what
    ``mediabias report INPUT... --out DIR`` writes. ``lexicons`` are bundled names or
    paths (default: every bundled lexicon); ``read_options`` are the field names
    (``text_field=...`` etc.) and ``outlets_file``. Returns the command's exit status:
    0 every input loaded, 3 written but some inputs or records were skipped (see
    ``load_report.csv``); a fatal problem raises :class:`MediabiasError`.
    """
    from .cli import main

    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    if isinstance(lexicons, (str, os.PathLike)):
        lexicons = [lexicons]
    args = ["report", *map(os.fspath, inputs), "--out", os.fspath(out_dir), "--seed", str(int(seed)), "--quiet"]
    for lx in lexicons or ():
        args += ["--lexicon", os.fspath(lx)]
    for key, value in read_options.items():
        if value is not None:
            args += ["--" + key.replace("_", "-"), os.fspath(value)]
    status = main(args)
    if status not in (0, 3):
        raise MediabiasError(f"mediabias report stopped with exit status {status}",
                             hint="Run the same command in a terminal to see the message.")
    return status


# ------------------------------------------------------------------ reading


def outlet_provenance(inputs, outlets_file=None) -> pd.DataFrame:
    """Where every article's outlet name came from, and what the page alone would say.

    The reader names an outlet from a ``manifest.csv`` beside the files first, then
    from outlet signatures found in the page furniture, then from a "Site - Title"
    or copyright line. This table shows, for every article, the name used
    (``outlet``, ``outlet_from``) and, for page dumps, what the page itself gives
    when the manifest is ignored (``page_outlet``, ``page_evidence``; empty for
    other formats), so a reader can see whether the two agree.

    Columns: ``source, format, outlet, outlet_from, page_outlet, page_evidence, agree``
    (``agree``: the page's name equals the one used; NA where there is no page
    evidence). Sorted by source.

    Examples:
        >>> from mediabias.paths import SEEDS_DIR
        >>> outlet_provenance(SEEDS_DIR)[["outlet", "outlet_from", "page_outlet", "agree"]]
             outlet outlet_from page_outlet  agree
        0  Press TV    manifest    Press TV   True
        1   i24NEWS    manifest     i24NEWS   True
    """
    from .corpus import expand_inputs
    from .corpus.decode import decode_bytes
    from .corpus.pagedump import parse_page_dump
    from .corpus.sources import PAGE_EXTS, detect_outlet, load_outlet_signatures
    from .normalize import normalize_text

    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    inputs = list(inputs)
    got = read_sources(inputs, outlets_file=outlets_file)
    sigs = load_outlet_signatures(outlets_file)
    found: dict[str, tuple[str, str]] = {}
    for path, _root, label in expand_inputs(inputs):
        if path is None or path.suffix.lower() not in PAGE_EXTS:
            continue
        text, _enc = decode_bytes(path.read_bytes(), label)
        name, evidence = detect_outlet(parse_page_dump(normalize_text(text)), sigs)
        found[label] = (name or "", evidence or ("no signature, title line or copyright line" if not name else ""))
    a = got.articles
    out = pd.DataFrame({
        "source": a["source"].astype(str).to_numpy(),
        "format": a["format"].astype(str).to_numpy(),
        "outlet": a["outlet"].astype(str).to_numpy(),
        "outlet_from": a["outlet_from"].astype(str).to_numpy(),
    })
    out["page_outlet"] = [found.get(s, ("", ""))[0] for s in out["source"]]
    out["page_evidence"] = [found.get(s, ("", ""))[1] for s in out["source"]]
    agree = [pd.NA if not p else p == o for p, o in zip(out["page_outlet"], out["outlet"])]
    out["agree"] = pd.array(agree, dtype="boolean")
    return out.sort_values("source", kind="stable").reset_index(drop=True)


# ------------------------------------------------------------------ the ledger, read


def _entry_filter(entries: Iterable[str] | str | None) -> list[str] | None:
    if entries is None:
        return None
    if isinstance(entries, str):
        entries = [entries]
    return [entry_key(e) for e in entries]


def kwic_lines(matches: pd.DataFrame, articles: pd.DataFrame, entries: Iterable[str] | str | None = None,
               lexicon: str | None = None, window: int = 60) -> pd.DataFrame:
    """Keyword-in-context lines behind the counts, one per hit, ready to display.

    ``entries`` keeps hits of those entries (compared as the lexicons compare
    entries: case, hyphens and apostrophe style ignored), in that order; default:
    every hit. ``lexicon`` keeps one lexicon's hits (a term in two lexicons has a
    ledger row in each). The text is plain, not HTML-escaped: display it as a
    DataFrame or as text, never inside hand-built HTML.

    Columns: ``entry, outlet, voice, hedged, left, keyword, right, lexicon, category,
    doc_id, start`` (``left``/``right``: ``window`` characters of context, cut at
    whitespace). Sorted by entry (in the order given), outlet, doc_id, start.

    Examples:
        >>> arts = pd.DataFrame({"doc_id": ["d"], "outlet": ["X"],
        ...                      "text": ["Troops moved under the pretext of a threat."]})
        >>> from mediabias import match_lexicon
        >>> m = match_lexicon(arts, "loaded_terms")
        >>> kwic_lines(m, arts, ["under the pretext of"], window=20)[["outlet", "left", "keyword", "right"]]
          outlet          left               keyword      right
        0      X  Troops moved  under the pretext of  a threat.
    """
    from .match import kwic

    m = matches
    if lexicon is not None:
        m = m[m["lexicon"].astype(str) == lexicon]
    keys = _entry_filter(entries)
    cols = ["entry", "outlet", "voice", "hedged", "left", "keyword", "right", "lexicon", "category", "doc_id",
            "start"]
    order = m["entry"].astype(str).map(entry_key)
    if keys is not None:
        rank = {k: i for i, k in enumerate(dict.fromkeys(keys))}
        m = m[order.isin(rank)]
        order = order[order.isin(rank)].map(rank)
    if m.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    k = kwic(m, articles, window=window).assign(_order=order.to_numpy())
    k = k.sort_values(["_order", "outlet", "doc_id", "start"], kind="stable")
    return k[cols].reset_index(drop=True)


def sentences_with_entries(sentences: pd.DataFrame, matches: pd.DataFrame,
                           entries: Iterable[str] | str | None = None) -> pd.DataFrame:
    """The sentences that hold a hit of any of ``entries``, with their sentiment scores.

    One row per sentence and entry (a sentence with two entries appears twice).
    ``entries`` is compared as the lexicons compare entries; default: every hit.
    Columns: ``entry, outlet, doc_id, sentence_id, voice`` (the sentence's voice),
    then the score columns present in ``sentences`` (``polarity``, ``subjectivity``,
    ``vader_compound``), then ``text``. Sorted by entry (in the order given),
    outlet, doc_id, sentence_id.

    Examples:
        >>> s = pd.DataFrame({"doc_id": ["d", "d"], "sentence_id": [0, 1], "voice": ["outlet"] * 2,
        ...                   "polarity": [0.0, 0.5], "text": ["Near the occupied territories.", "Good."]})
        >>> m = pd.DataFrame({"doc_id": ["d"], "outlet": ["X"], "sentence_id": [0],
        ...                   "entry": ["occupied territories"]})
        >>> sentences_with_entries(s, m)[["entry", "sentence_id", "polarity"]]
                          entry  sentence_id  polarity
        0  occupied territories            0       0.0
    """
    keys = _entry_filter(entries)
    hits = matches[["doc_id", "outlet", "sentence_id", "entry"]].copy()
    hits["_key"] = hits["entry"].astype(str).map(entry_key)
    if keys is not None:
        rank = {k: i for i, k in enumerate(dict.fromkeys(keys))}
        hits = hits[hits["_key"].isin(rank)]
        hits["_order"] = hits["_key"].map(rank)
    else:
        hits["_order"] = hits["_key"]
    hits = hits.drop_duplicates(["doc_id", "sentence_id", "_key"])
    scores = [c for c in ("polarity", "subjectivity", "vader_compound") if c in sentences.columns]
    cols = ["entry", "outlet", "doc_id", "sentence_id", "voice", *scores, "text"]
    s = sentences[["doc_id", "sentence_id", "voice", *scores, "text"]]
    out = hits.merge(s, on=["doc_id", "sentence_id"], how="inner", validate="many_to_one")
    out = out.sort_values(["_order", "outlet", "doc_id", "sentence_id"], kind="stable")
    return out[cols].reset_index(drop=True)


# ------------------------------------------------------------------ sentiment, read


def term_sentiment(terms: Iterable[str]) -> pd.DataFrame:
    """TextBlob and VADER scores of each term on its own (a trailing ``*`` is dropped).

    A loaded label that no sentiment lexicon knows scores exactly 0 on its own,
    and adds nothing to the score of any sentence it is in. Columns: ``term,
    polarity`` in [-1, 1], ``subjectivity`` in [0, 1] (TextBlob), ``vader_compound``
    in [-1, 1]; in the order given.

    Examples:
        >>> term_sentiment(["occupied territories", "boasted", "terrible"]).round(2)
                           term  polarity  subjectivity  vader_compound
        0  occupied territories       0.0           0.0            0.00
        1               boasted       0.0           0.0            0.00
        2              terrible      -1.0           1.0           -0.48
    """
    from .sentiment import score_sentences

    terms = [str(t) for t in terms]
    scored = score_sentences(pd.DataFrame({"text": [t.rstrip("*") for t in terms]}))
    return pd.DataFrame({"term": terms, "polarity": scored["polarity"].to_numpy(),
                         "subjectivity": scored["subjectivity"].to_numpy(),
                         "vader_compound": scored["vader_compound"].to_numpy()})


def sentiment_with_swaps(texts: Iterable[str], swaps: Mapping[str, str]) -> pd.DataFrame:
    """Score texts again with one wording swapped for another: does the wording move the score?

    For every text and every ``term -> replacement`` in ``swaps`` whose term occurs
    in the text (as whole words, ignoring case), one row: TextBlob ``polarity`` and
    VADER ``vader_compound`` of the text as written and with every occurrence of the
    term replaced (``*_swapped``), and the swapped text. A label the scorers cannot
    see leaves the score exactly where it was.

    Columns: ``text_id`` (position in ``texts``), ``term, replacement, polarity,
    polarity_swapped, vader_compound, vader_swapped, text_swapped``. In the order of
    the texts, then of ``swaps``.

    Examples:
        >>> t = ["Troops moved into the occupied territories.", "A sad day."]
        >>> s = sentiment_with_swaps(t, {"occupied territories": "disputed territories", "sad": "happy"})
        >>> s[["term", "polarity", "polarity_swapped", "vader_compound", "vader_swapped"]].round(2).to_dict("list")
        ... # doctest: +NORMALIZE_WHITESPACE
        {'term': ['occupied territories', 'sad'], 'polarity': [0.0, -0.5], 'polarity_swapped': [0.0, 0.8],
         'vader_compound': [0.0, -0.48], 'vader_swapped': [-0.34, 0.57]}
    """
    import re

    from .sentiment import score_sentences

    rows = []
    for i, text in enumerate(texts):
        text = text if isinstance(text, str) else ""
        for term, replacement in swaps.items():
            pattern = re.compile(r"(?<!\w)" + re.escape(str(term)) + r"(?!\w)", re.IGNORECASE)
            if pattern.search(text):
                rows.append((i, str(term), str(replacement), text, pattern.sub(lambda _m: str(replacement), text)))
    cols = ["text_id", "term", "replacement", "polarity", "polarity_swapped", "vader_compound", "vader_swapped",
            "text_swapped"]
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    df = pd.DataFrame(rows, columns=["text_id", "term", "replacement", "text", "text_swapped"])
    before = score_sentences(df[["text"]])
    after = score_sentences(df[["text_swapped"]].rename(columns={"text_swapped": "text"}))
    df["polarity"], df["vader_compound"] = before["polarity"].to_numpy(), before["vader_compound"].to_numpy()
    df["polarity_swapped"], df["vader_swapped"] = after["polarity"].to_numpy(), after["vader_compound"].to_numpy()
    return df[cols]


def sentiment_blind_spots(lexicons, exclude_categories: Sequence[str] = BASELINE_CATEGORIES) -> pd.DataFrame:
    """For each lexicon category: how many of its entries the sentiment scorers cannot see.

    Every entry is scored on its own (:func:`term_sentiment`). Columns: ``lexicon,
    category, n_entries, textblob_zero`` (entries TextBlob scores exactly 0),
    ``vader_zero`` (VADER compound exactly 0), ``textblob_zero_share`` and
    ``vader_zero_share`` in [0, 1]. Categories in ``exclude_categories`` are left
    out (default: the plain reference names). Sorted by lexicon and category.

    Examples:
        >>> lex = lexicon_from_dict("demo", {"labels": ["occupied territories", "Iran-backed"],
        ...                                  "verbs": ["boasted", "admitted"]})
        >>> sentiment_blind_spots(lex)[["category", "n_entries", "textblob_zero", "vader_zero"]]
          category  n_entries  textblob_zero  vader_zero
        0   labels          2              2           2
        1    verbs          2              2           1
    """
    rows = []
    if isinstance(lexicons, (str, os.PathLike, Lexicon)):
        lexicons = [lexicons]
    for lex in (load_lexicon(x) for x in lexicons):
        entries = [e for e in lex.entries if e.category not in set(exclude_categories)]
        if not entries:
            continue
        scored = term_sentiment(e.term for e in entries)
        scored["category"] = [e.category for e in entries]
        for cat, grp in scored.groupby("category", sort=True):
            tb = int((grp["polarity"] == 0).sum())
            vd = int((grp["vader_compound"] == 0).sum())
            rows.append((lex.name, cat, len(grp), tb, vd, tb / len(grp), vd / len(grp)))
    return pd.DataFrame(rows, columns=["lexicon", "category", "n_entries", "textblob_zero", "vader_zero",
                                       "textblob_zero_share", "vader_zero_share"])


# ------------------------------------------------------------------ intervals


def interval_widths(table: pd.DataFrame, value: str = "rate_per_1k", low: str = "ci_low",
                    high: str = "ci_high") -> pd.DataFrame:
    """``table`` with how wide each interval is: ``ci_width`` and ``ci_fold``.

    ``ci_width = high - low`` (same unit as ``value``); ``ci_fold = high / low``, how
    many times larger the upper end is than the lower (infinite when the lower end
    is 0, NaN when the interval is missing). A fold of 100 means the data cannot
    tell a rate from one a hundred times larger. Works on any table with those
    columns (``outlet_terms``, ``outlet_categories``, ``framing_pairs`` with
    ``value="share"``...). The input is not modified.

    Examples:
        >>> t = pd.DataFrame({"rate_per_1k": [2.0, 0.0], "ci_low": [0.5, 0.0], "ci_high": [5.0, 3.7]})
        >>> interval_widths(t)[["ci_width", "ci_fold"]]
           ci_width  ci_fold
        0       4.5     10.0
        1       3.7      inf
    """
    out = table.copy()
    lo = pd.to_numeric(out[low]).to_numpy(dtype=float)
    hi = pd.to_numeric(out[high]).to_numpy(dtype=float)
    out["ci_width"] = hi - lo
    with np.errstate(divide="ignore", invalid="ignore"):
        out["ci_fold"] = np.where(lo > 0, hi / np.where(lo > 0, lo, 1.0), np.where(hi > 0, np.inf, np.nan))
    return out


# ------------------------------------------------------------------ a lexicon to edit in class


def _checked_term(term: str, lexicon: str) -> str:
    t = str(term).strip()
    reason = check_term(t)
    if reason:
        raise LexiconError(f"{reason}: {term!r}", path=lexicon,
                           hint="Write whole words; a single '*' may end the entry (pretext*).")
    return t


def lexicon_from_dict(name: str, categories: Mapping[str, Iterable[str]], *,
                      framing_pairs: Mapping[str, Mapping[str, Iterable[str]]] | None = None,
                      version: str = "0.1", licence: str = "CC-BY-4.0", source: str = "",
                      description: str = "") -> Lexicon:
    """Build a :class:`~mediabias.Lexicon` from plain Python: ``{category: [term, ...]}``.

    Terms follow the rules of lexicon files: whole words, case ignored, a trailing
    ``*`` matches any word ending ("pretext*"), one category per term.
    ``framing_pairs`` maps a referent to its alternatives, ``{alternative: [term,
    ...]}``, each term an entry of the lexicon. The lexicon has ``format="python"``
    and no file (``path`` and ``sha256`` are None).

    Raises:
        LexiconError: a bad term, a term in two categories, a framing term that is not
            an entry, or a framing pair with fewer than two alternatives.

    Examples:
        >>> lex = lexicon_from_dict("class", {"distancing": ["alleged*", "so-called"], "labels": ["Iran-backed"]},
        ...                         framing_pairs={"groups": {"resistance": ["resistance"],
        ...                                                   "militants": ["militants"]}})
        Traceback (most recent call last):
        ...
        mediabias.errors.LexiconError: class: framing term 'resistance' is not an entry of the lexicon. Add it to a category first.
        >>> lex = lexicon_from_dict("class", {"distancing": ["alleged*", "so-called"], "labels": ["Iran-backed"]})
        >>> len(lex), lex.categories
        (3, {'distancing': '', 'labels': ''})
    """
    entries: list[Entry] = []
    seen: dict[str, str] = {}
    for cat, terms in categories.items():
        if isinstance(terms, str):
            terms = [terms]
        for term in terms:
            t = _checked_term(term, name)
            key = entry_key(t)
            if key in seen:
                raise LexiconError(f"entry {t!r} is in {seen[key]!r} and {cat!r}" if seen[key] != cat
                                   else f"entry {t!r} is listed twice in {cat!r}", path=name,
                                   hint="Keep each entry once, in one category.")
            seen[key] = cat
            entries.append(Entry(t, str(cat)))
    if not entries:
        raise LexiconError("the lexicon has no entries", path=name, hint="Give at least one term.")
    pairs = _framing_pairs(name, framing_pairs or {}, seen)
    return Lexicon(name=name, entries=tuple(entries), version=version, licence=licence, source=source,
                   description=description, categories={str(c): "" for c in categories},
                   framing_pairs=pairs, format="python")


def _framing_pairs(name: str, pairs: Mapping[str, Mapping[str, Iterable[str]]],
                   seen: Mapping[str, str]) -> tuple[FramingPair, ...]:
    out = []
    for referent, alts in pairs.items():
        if len(alts) < 2:
            raise LexiconError(f"framing pair {referent!r} needs at least two alternatives", path=name)
        clean: dict[str, tuple[str, ...]] = {}
        for label, terms in alts.items():
            if isinstance(terms, str):
                terms = [terms]
            terms = tuple(str(t).strip() for t in terms)
            for t in terms:
                if entry_key(t) not in seen:
                    raise LexiconError(f"framing term {t!r} is not an entry of the lexicon", path=name,
                                       hint="Add it to a category first.")
            clean[str(label)] = terms
        out.append(FramingPair(str(referent), "", clean))
    return tuple(out)


def add_entries(lexicon: Lexicon, category: str, terms: Iterable[str] | str, *,
                framing: tuple[str, str] | None = None) -> Lexicon:
    """A new lexicon with ``terms`` added to ``category`` (created if new); the input is unchanged.

    A term already in the lexicon (in any category, compared as the matcher compares
    entries) is skipped, so running a class cell twice changes nothing.
    ``framing=(referent, alternative)`` also adds the terms to that alternative of an
    existing framing pair (the alternative is created if new). The result has
    ``path`` and ``sha256`` None: it is no longer the file it was read from.

    Raises:
        LexiconError: a bad term, or ``framing`` naming a referent the lexicon does not have.

    Examples:
        >>> lex = lexicon_from_dict("class", {"labels": ["Iran-backed"]})
        >>> bigger = add_entries(lex, "labels", ["Hezbollah-affiliated", "iran backed"])
        >>> [e.term for e in bigger.entries], len(lex)
        (['Iran-backed', 'Hezbollah-affiliated'], 1)
    """
    if isinstance(terms, str):
        terms = [terms]
    have = {entry_key(e.term, e.case_sensitive) for e in lexicon.entries}
    new: list[Entry] = []
    added: list[str] = []
    for term in terms:
        t = _checked_term(term, lexicon.name)
        key = entry_key(t)
        if key in have:
            continue
        have.add(key)
        new.append(Entry(t, str(category)))
        added.append(t)
    categories = dict(lexicon.categories)
    categories.setdefault(str(category), "")
    pairs = lexicon.framing_pairs
    if framing is not None:
        referent, alternative = framing
        if referent not in {fp.referent for fp in pairs}:
            raise LexiconError(f"the lexicon has no framing pair {referent!r}", path=lexicon.name,
                               hint="Framing pairs: " + (", ".join(fp.referent for fp in pairs) or "none") + ".")
        wanted = [entry_key(str(t).strip()) for t in terms]
        keys = {entry_key(e.term): e.term for e in (*lexicon.entries, *new)}
        pairs = tuple(
            fp if fp.referent != referent else
            replace(fp, alternatives={**fp.alternatives, alternative: tuple(dict.fromkeys(
                [*fp.alternatives.get(alternative, ()), *(keys[k] for k in wanted)]))})
            for fp in pairs)
    return replace(lexicon, entries=lexicon.entries + tuple(new), categories=categories, framing_pairs=pairs,
                   path=None, sha256=None)


def count_changes(before: pd.DataFrame, after: pd.DataFrame,
                  by: Sequence[str] = ("outlet", "category", "entry")) -> pd.DataFrame:
    """Hit counts of two ledgers side by side: what an edit of a lexicon changed.

    Columns: ``by`` columns, ``before``, ``after`` (hits), ``change = after -
    before``. Every group with a hit in either ledger gets a row. Sorted by
    ``by``.

    Examples:
        >>> b = pd.DataFrame({"outlet": ["X"], "category": ["c"], "entry": ["a"]})
        >>> a = pd.DataFrame({"outlet": ["X", "X"], "category": ["c", "c"], "entry": ["a", "b"]})
        >>> count_changes(b, a)
          outlet category entry  before  after  change
        0      X        c     a       1      1       0
        1      X        c     b       0      1       1
    """
    by = list(by)
    cb = before.groupby(by, sort=True).size().rename("before")
    ca = after.groupby(by, sort=True).size().rename("after")
    out = pd.concat([cb, ca], axis=1).fillna(0).astype(np.int64).sort_index().reset_index()
    out["change"] = out["after"] - out["before"]
    return out
