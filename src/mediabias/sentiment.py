"""Sentiment per sentence, per article, per outlet and near named actors.

Two scorers, side by side:

TextBlob (default ``PatternAnalyzer``)
    ``polarity`` in [-1, 1] (negative to positive) and ``subjectivity`` in [0, 1]
    (objective to subjective), exactly ``TextBlob(text).sentiment`` of the row's
    ``text``: a sentence's own text, and for an article the cleaned body
    (``articles.text``, the text all offsets point into). Anyone can re-derive every
    value with one call. It needs no NLTK data (TextBlob's ``.words``, ``.sentences``
    and ``.tags`` do, and are never used here). TextBlob scores sentences without any
    word of its lexicon exactly 0; on news text that is often a third of them, so
    every outlet table reports ``zero_polarity_share``.

VADER (``vaderSentiment``, which ships its lexicon)
    ``vader_compound`` in [-1, 1] per sentence
    (``SentimentIntensityAnalyzer().polarity_scores(text)["compound"]``). On a whole
    article VADER saturates near +/-1, so an article's ``vader_compound`` is the mean
    of its sentences' compounds (NaN for an article without sentences).

Outlet tables treat the article as the sampled unit: means are over sentences, and
intervals come from a cluster bootstrap over articles (seeded) when at least
``min_docs_bootstrap`` (default 5) articles contribute sentences; otherwise from a
t-interval over sentences (``ci_method = "t-over-sentences"``, which treats
sentences as independent), and the ``caveat`` column says the figures are
descriptive only.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats as sps

from mediabias.errors import MediabiasError
from mediabias.stats import (CAVEAT_FEW_ARTICLES, DEFAULT_SEED, MIN_ARTICLES, _bootstrap_ratio, _require,
                             _rng)

__all__ = [
    "ACTORS_PATH",
    "score_sentences",
    "score_articles",
    "load_actors",
    "actor_pattern",
    "actor_mentions",
    "sentiment_by_outlet",
    "actor_sentiment_by_outlet",
]

#: The bundled actor list.
ACTORS_PATH = Path(__file__).resolve().parent / "resources" / "actors.yaml"
#: Voice values of sentence-level tables, in output order ("all" = every sentence).
SENTENCE_VOICES = ("all", "mixed", "outlet", "quoted")
_MEASURES = (("polarity", "polarity"), ("subjectivity", "subjectivity"), ("vader_compound", "vader"))


# ------------------------------------------------------------------------ scoring


def _as_texts(values) -> list[str]:
    """Strings for TextBlob/VADER: missing values become "" (scored 0)."""
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.StringDtype) and not values.hasnans:
        return values.tolist()  # all str already; iterating the column one value at a time is slow
    out = []
    for t in values:
        if isinstance(t, str):
            out.append(t)
        elif t is None or (isinstance(t, float) and math.isnan(t)) or t is pd.NA:
            out.append("")
        else:
            out.append(str(t))
    return out


def _textblob_scores(texts: list[str]) -> tuple[list[float], list[float]]:
    # TextBlob(t).sentiment is PatternAnalyzer().analyze(t), i.e. textblob.en.sentiment(t):
    # pattern_fast reproduces it bit for bit, 10-18x faster (it calls the library itself
    # for the rare texts it does not handle); tests compare it with TextBlob on every row.
    from .pattern_fast import pattern_sentiments

    pol, subj = pattern_sentiments(texts)
    return [float(p) for p in pol], [float(s) for s in subj]


def _vader_scores(texts: list[str]) -> list[float]:
    # vader_fast reproduces polarity_scores(t)["compound"] bit for bit, 4-7x faster
    # (it falls back to the library itself when the installed VADER is not the
    # version it was checked against); tests compare it with the library on every row.
    from .vader_fast import vader_compound

    cache: dict[str, float] = {}
    for t in texts:
        if t not in cache:
            cache[t] = float(vader_compound(t))
    return [cache[t] for t in texts]


def _with_columns(df: pd.DataFrame, values: dict) -> pd.DataFrame:
    out = df.copy()
    for name, v in values.items():
        out[name] = np.asarray(v, dtype=float)
    return out


def score_sentences(sentences: pd.DataFrame) -> pd.DataFrame:
    """Add TextBlob and VADER scores to every sentence.

    Adds (or replaces) ``polarity`` in [-1, 1] and ``subjectivity`` in [0, 1], exactly
    ``TextBlob(text).sentiment`` of the row's ``text``, and ``vader_compound`` in
    [-1, 1], VADER's compound score of the same text. A missing text is scored as
    "" (0, 0, 0). Rows, index and other columns are kept as given; the input is not
    modified. Each distinct text is scored once, so repeated boilerplate is cheap.

    Examples:
        >>> s = pd.DataFrame({"doc_id": ["a"], "sentence_id": [0], "voice": ["outlet"],
        ...                   "text": ["Netanyahu boasted about the great victory."]})
        >>> score_sentences(s)[["polarity", "subjectivity", "vader_compound"]].round(3)
           polarity  subjectivity  vader_compound
        0       0.8          0.75           0.625
    """
    _require(sentences, ["text"], "sentences")
    texts = _as_texts(sentences["text"])
    pol, subj = _textblob_scores(texts)
    return _with_columns(sentences, {"polarity": pol, "subjectivity": subj, "vader_compound": _vader_scores(texts)})


def score_articles(articles: pd.DataFrame, sentences: pd.DataFrame | None = None) -> pd.DataFrame:
    """Add TextBlob scores of the whole article and the mean VADER compound of its sentences.

    ``polarity`` in [-1, 1] and ``subjectivity`` in [0, 1] are exactly
    ``TextBlob(text).sentiment`` of the article's cleaned body (``articles.text``).
    ``vader_compound`` in [-1, 1] is the mean of the article's sentences' compound
    scores (taken from ``sentences.vader_compound`` when present, else computed from
    ``sentences.text``); NaN for an article with no sentences, or when ``sentences``
    is ``None``. Rows and other columns are kept as given; the input is not modified.

    Examples:
        >>> arts = pd.DataFrame({"doc_id": ["a", "b"], "outlet": ["X", "Y"],
        ...                      "text": ["A good day. A bad day.", "Nothing."]})
        >>> sents = pd.DataFrame({"doc_id": ["a", "a"], "sentence_id": [0, 1],
        ...                       "text": ["A good day.", "A bad day."]})
        >>> score_articles(arts, sents)[["doc_id", "polarity", "subjectivity", "vader_compound"]].round(4)
          doc_id  polarity  subjectivity  vader_compound
        0      a       0.0        0.6333         -0.0509
        1      b       0.0        0.0000             NaN
    """
    _require(articles, ["doc_id", "text"], "articles")
    texts = _as_texts(articles["text"])
    pol, subj = _textblob_scores(texts)
    if sentences is not None and len(sentences):
        _require(sentences, ["doc_id"], "sentences")
        if "vader_compound" in sentences.columns:
            comp = pd.to_numeric(sentences["vader_compound"], errors="coerce").to_numpy(dtype=float)
        else:
            _require(sentences, ["text"], "sentences")
            comp = np.asarray(_vader_scores(_as_texts(sentences["text"])), dtype=float)
        codes, docs = pd.factorize(sentences["doc_id"].astype(str).to_numpy())
        ok = ~np.isnan(comp)
        sums = _group_sums(codes, len(docs), np.where(ok, comp, 0.0))
        counts = np.bincount(codes, weights=ok, minlength=len(docs))
        with np.errstate(invalid="ignore", divide="ignore"):
            means = pd.Series(np.where(counts > 0, sums / np.where(counts > 0, counts, 1), np.nan), index=docs)
        vader = articles["doc_id"].astype(str).map(means).to_numpy(dtype=float)
    else:
        vader = np.full(len(articles), np.nan)
    return _with_columns(articles, {"polarity": pol, "subjectivity": subj, "vader_compound": vader})


# ------------------------------------------------------------------------- actors


_META_KEYS = {"name", "version", "licence", "license", "description", "source", "replace_bundled",
              "add_aliases"}


def _key_lines(text: str, section: str | None) -> dict[str, int]:
    """1-based line of each actor key (for error messages); {} if it cannot tell."""
    import yaml

    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    if section is not None and isinstance(node, yaml.MappingNode):
        node = next((v for k, v in node.value if getattr(k, "value", None) == section), None)
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(k.value): k.start_mark.line + 1 for k, _ in node.value}


def _clean_aliases(actor, aliases, path, line) -> list[str]:
    if isinstance(aliases, (str, int)) and not isinstance(aliases, bool):
        aliases = [aliases]
    if not isinstance(aliases, list) or not aliases:
        raise MediabiasError(f"actor {actor!r} needs a list of aliases", path=path, line=line,
                             hint="Write it as  Actor: [alias, alias].")
    out: list[str] = []
    for a in aliases:
        if isinstance(a, bool) or not isinstance(a, (str, int)):
            raise MediabiasError(f"alias {a!r} of actor {actor!r} is not text", path=path, line=line,
                                 hint="Put the alias in quotes (YAML reads NO, ON, yes... as true/false).")
        a = " ".join(str(a).split())
        if not re.search(r"[^\W_]", a):
            raise MediabiasError(f"alias {a!r} of actor {actor!r} has no letters or digits", path=path,
                                 line=line, hint="Remove it or write the name.")
        if a not in out:
            out.append(a)
    return out


def _read_actor_file(path) -> tuple[dict[str, list[str]], dict[str, list[str]], bool]:
    import yaml

    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as e:
        raise MediabiasError(f"cannot read the actor file ({e.strerror or e})", path=p,
                             hint="Check the path.") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise MediabiasError(f"not valid YAML ({getattr(e, 'problem', None) or e})", path=p,
                             line=mark.line + 1 if mark else None,
                             hint="Fix the YAML syntax; see mediabias/resources/actors.yaml.") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise MediabiasError("an actor file must be a mapping of actor names to alias lists", path=p,
                             hint="See mediabias/resources/actors.yaml for the layout.")
    replace = data.get("replace_bundled", False)
    if not isinstance(replace, bool):
        raise MediabiasError("replace_bundled must be true or false", path=p)
    if "actors" in data:
        raw, section = data["actors"] or {}, "actors"
    else:
        raw, section = {k: v for k, v in data.items() if k not in _META_KEYS}, None
    extra = data.get("add_aliases") or {}
    for what, mapping in (("actors", raw), ("add_aliases", extra)):
        if not isinstance(mapping, dict):
            raise MediabiasError(f"{what} must be a mapping of actor names to alias lists", path=p)
    lines = _key_lines(text, section)
    extra_lines = _key_lines(text, "add_aliases")
    actors = {}
    for name, aliases in raw.items():
        if not isinstance(name, str) or not name.strip():
            raise MediabiasError(f"actor name {name!r} is not text", path=p, line=lines.get(str(name)),
                                 hint="Put the name in quotes.")
        actors[name.strip()] = _clean_aliases(name, aliases, p, lines.get(str(name)))
    added = {str(n).strip(): _clean_aliases(n, a, p, extra_lines.get(str(n))) for n, a in extra.items()}
    return actors, added, replace


def load_actors(path=None) -> dict[str, list[str]]:
    """Actor name -> aliases, from the bundled list and optionally the user's own YAML file.

    The bundled list (``mediabias/resources/actors.yaml``, :data:`ACTORS_PATH`) covers
    Israel, Hezbollah, Lebanon, Palestinians, Russia, Iran, Syria, United States,
    United Nations, Saudi Arabia, Turkey, European Union and a few more. A user file
    has the same layout (``actors:`` mapping each actor to a list of aliases; a bare
    mapping also works) and:

    - an actor it lists **replaces** the bundled aliases of that actor;
    - a new actor is **added**;
    - ``add_aliases:`` (actor -> list) **appends** aliases to an actor;
    - ``replace_bundled: true`` starts from an empty list instead of the bundled one.

    Matching rules are in :func:`actor_pattern`. Errors name the file and line.

    Examples:
        >>> actors = load_actors()
        >>> "Netanyahu" in actors["Israel"] and "Kremlin" in actors["Russia"]
        True
    """
    bundled, _, _ = _read_actor_file(ACTORS_PATH)
    if path is None:
        return bundled
    actors, added, replace = _read_actor_file(path)
    out = {} if replace else dict(bundled)
    out.update(actors)
    for name, aliases in added.items():
        out[name] = list(dict.fromkeys([*out.get(name, []), *aliases]))
    return out


_SEP = r"[\s\-\u2010\u2011]+"
_WORD_RUN = re.compile(r"\w+")


def _key_fold(text: str) -> str:
    """The case folding of the actor prefilter: ``casefold()``, with the Turkish dotted and
    dotless i folded to ``i``.

    An alias's pattern ignores case as Python's regular expressions do: character by
    character, so "İ" (whose ``casefold()`` is "i" plus a combining dot) and "ı" (which
    ``casefold()`` keeps) both match "i" and "I". Folded here the same way, a text
    that the pattern matches always holds the alias's first word run. One character
    is the exception: U+0345 (combining ypogegrammeni) is not a word character but
    folds to "ι", which is, so it can join two word runs; a text holding it is given
    every key (:func:`_sentence_keys`). (Checked over every code point, grouped as
    Python's regular expressions compare them when ignoring case.)

    Examples:
        >>> _key_fold("İzmir, KILIÇ, Straße")
        'izmir, kiliç, strasse'
    """
    return text.replace("\u0130", "i").casefold().replace("\u0131", "i")


def _alias_regex(alias: str) -> str:
    words = [w for w in re.split(r"[\s\-\u2010\u2011]+", alias.strip()) if w]
    body = _SEP.join(re.sub(r"['\u2019]", "['\u2019]", re.escape(w)) for w in words)
    case_sensitive = not any(ch.islower() for ch in alias)
    return body if case_sensitive else f"(?i:{body})"


@lru_cache(maxsize=256)
def _compiled(aliases: tuple[str, ...]) -> re.Pattern:
    ordered = sorted(set(aliases), key=lambda a: (-len(a), a))
    return re.compile(r"(?<!\w)(?:" + "|".join(_alias_regex(a) for a in ordered) + r")(?!\w)")


def actor_pattern(aliases) -> re.Pattern:
    """The compiled regular expression that finds any of ``aliases`` in a text.

    Rules: whole words only (no letter, digit or underscore may touch either end);
    case ignored, except for aliases with no lower-case letter (acronyms such as
    ``US``, ``UN``, ``PA``, ``IDF``), which match only as written so that "US" does
    not match "us"; spaces and hyphens inside an alias match any run of spaces or
    hyphens ("Tel Aviv" = "Tel-Aviv"); a straight apostrophe also matches a curly
    one. Aliases are escaped literals, never regular expressions. Longer aliases are
    tried first, so a match reports the longest alias at that position.

    Examples:
        >>> p = actor_pattern(["US", "United States", "Washington"])
        >>> [m.group() for m in p.finditer("Let us ask the US, the united states and Washington's allies.")]
        ['US', 'united states', 'Washington']
    """
    return _compiled(tuple(str(a) for a in aliases))


# ASCII bytes that are not word characters (``\w``), after lower-casing: become spaces.
_ASCII_NONWORD = bytes(c if (chr(c).isalnum() or c == 0x5F) else 0x20 for c in range(128)) + bytes(range(128, 256))


@lru_cache(maxsize=16)
def _ascii_key_automaton(keys: frozenset):
    """Aho-Corasick automaton of the ASCII keys as b" key ", and the keys by pattern number."""
    import ahocorasick_rs

    listed = sorted(k for k in keys if k.isascii())
    if not listed:
        return None, listed
    return ahocorasick_rs.BytesAhoCorasick([f" {k} ".encode("ascii") for k in listed]), listed


def _sentence_keys(texts: list[str], keys: frozenset) -> list:
    r"""For each text, the set of ``keys`` that are word runs (``\w+``) of its folded text.

    The same as ``keys & set(re.findall(r"\w+", _key_fold(text)))`` for every text, except
    that a text holding U+0345 gets every key (see :func:`_key_fold`).
    ASCII texts (most sentences) are searched together: joined as lower-cased bytes
    whose non-word characters are spaces, with an automaton of " key " patterns (so
    only whole runs match), instead of building every word of every sentence as a
    string. Other texts go the plain way. ``keys`` are folded word runs (:func:`_key_fold`).
    """
    found: list = [None] * len(texts)
    ascii_at, other_at = [], []
    for i, t in enumerate(texts):
        (ascii_at if t.isascii() else other_at).append(i)
    # an ASCII text folds to ASCII, so only ASCII keys can be among its runs
    auto, listed = _ascii_key_automaton(keys) if ascii_at else (None, [])
    if auto is not None:
        # _key_fold() of ASCII text is lower(); each text ends in a space (non-word, so no run crosses it)
        hay = (" " + " \n".join(texts[i] for i in ascii_at) + " ").encode("ascii").lower().translate(_ASCII_NONWORD)
        hits = auto.find_matches_as_indexes(hay, overlapping=True)
        if hits:
            starts = np.cumsum([1] + [len(texts[i]) + 2 for i in ascii_at[:-1]])
            arr = np.asarray(hits, dtype=np.int64)
            # a hit starts at the space before the key, which is inside the text (or its leading space)
            where = np.searchsorted(starts, arr[:, 1] + 1, side="right") - 1
            for j, pid in zip(where.tolist(), arr[:, 0].tolist()):
                i = ascii_at[j]
                if found[i] is None:
                    found[i] = set()
                found[i].add(listed[pid])
    for i in other_at:
        t = texts[i]
        if "\u0345" in t:  # see _key_fold: every key, so every actor is searched
            found[i] = set(keys) or None
            continue
        hit = keys.intersection(_WORD_RUN.findall(_key_fold(t)))  # in C: no loop over the words here
        found[i] = hit or None
    return found


def actor_mentions(sentences: pd.DataFrame, actors: dict[str, list[str]] | None = None) -> pd.DataFrame:
    """Which actors each sentence mentions: one row per (sentence, actor).

    ``actors`` maps actor -> aliases (default: :func:`load_actors`). A sentence
    mentions an actor when any alias occurs in it (:func:`actor_pattern`); each
    actor is tested on its own, so a sentence can mention several.

    Columns: ``doc_id, sentence_id, actor, n_mentions, surfaces`` (how many times and
    the distinct strings found, ``|``-separated, for auditing). Sorted by doc_id,
    sentence_id, actor.

    Examples:
        >>> s = pd.DataFrame({"doc_id": ["a", "a"], "sentence_id": [0, 1],
        ...                   "text": ["Putin called Netanyahu.", "The IDF said Hezbollah dug tunnels."]})
        >>> actor_mentions(s)[["sentence_id", "actor", "surfaces"]]
           sentence_id      actor   surfaces
        0            0     Israel  Netanyahu
        1            0     Russia      Putin
        2            1  Hezbollah  Hezbollah
        3            1     Israel        IDF
    """
    if actors is None:
        actors = load_actors()
    _require(sentences, ["doc_id", "sentence_id", "text"], "sentences")
    texts = _as_texts(sentences["text"])
    docs = sentences["doc_id"].astype(str).to_numpy()
    sids = sentences["sentence_id"].to_numpy()
    names = sorted(actors)
    patterns = {a: actor_pattern(actors[a]) for a in names}
    # Prefilter: an alias can only match where its first word run is a word run of
    # the sentence (its ends are non-word characters or lookarounds), so an actor is
    # only searched in sentences containing one of those runs. Exact, just faster.
    key_to_actors: dict[str, set[str]] = {}
    for a in names:
        for alias in actors[a]:
            first = _WORD_RUN.search(_key_fold(str(alias)))
            if first:
                key_to_actors.setdefault(first.group(), set()).add(a)
    found_keys = _sentence_keys(texts, frozenset(key_to_actors))
    rows_doc, rows_sid, rows_actor, rows_n, rows_surf = [], [], [], [], []
    for i, t in enumerate(texts):
        if not found_keys[i]:
            continue
        cands: set[str] = set()
        for w in found_keys[i]:
            cands |= key_to_actors[w]
        for actor in sorted(cands):
            found = patterns[actor].findall(t)
            if found:
                rows_doc.append(docs[i])
                rows_sid.append(sids[i])
                rows_actor.append(actor)
                rows_n.append(len(found))
                rows_surf.append("|".join(dict.fromkeys(found)))
    out = pd.DataFrame({"doc_id": pd.Series(rows_doc, dtype=object),
                        "sentence_id": pd.Series(rows_sid, dtype=np.int64),
                        "actor": pd.Series(rows_actor, dtype=object),
                        "n_mentions": pd.Series(rows_n, dtype=np.int64),
                        "surfaces": pd.Series(rows_surf, dtype=object)})
    return out.sort_values(["doc_id", "sentence_id", "actor"], kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------- outlet summaries


def _ensure_scored(sentences: pd.DataFrame) -> pd.DataFrame:
    if all(c in sentences.columns for c, _ in _MEASURES):
        return sentences
    return score_sentences(sentences)


def _group_sums(codes: np.ndarray, ngroups: int, values: np.ndarray) -> np.ndarray:
    """Sum of ``values`` per group code, each group summed on its own, in row order.

    A group's sum depends only on its own values: pandas 3's groupby ``sum``/``mean``
    switch summation algorithm (``np.add.reduceat`` or compensated sums) with whether
    the whole key column happens to be sorted, so an article's figure could change
    in the last digit with the other articles in the call (or the chunk).
    """
    codes = np.asarray(codes, dtype=np.int64)
    out = np.zeros(ngroups)
    if len(codes) == 0:
        return out
    order = np.argsort(codes, kind="stable")
    sc = codes[order]
    starts = np.flatnonzero(np.r_[True, sc[1:] != sc[:-1]])
    out[sc[starts]] = np.add.reduceat(np.asarray(values, dtype=float)[order], starts)
    return out


def _per_doc(s: pd.DataFrame, groups: list[str]) -> pd.DataFrame:
    """Per (group, article): sentence count, zero-polarity count, sums and sums of squares of the measures."""
    s = s.copy()
    s["_zero"] = (s["polarity"] == 0).astype(np.int64)
    g = s.groupby([*groups, "doc_id"], sort=True)
    out = g.agg(n=("polarity", "size"), zero=("_zero", "sum"))
    codes = g.ngroup().to_numpy()
    for col, _ in _MEASURES:
        v = pd.to_numeric(s[col]).to_numpy(dtype=float)
        v = np.where(np.isnan(v), 0.0, v)
        out[f"sum_{col}"] = _group_sums(codes, len(out), v)
        out[f"sq_{col}"] = _group_sums(codes, len(out), v ** 2)
    return out.reset_index()


def _runs(per_doc: pd.DataFrame, groups: list[str]) -> tuple[list[tuple], np.ndarray, dict[str, np.ndarray]]:
    """``(keys, bounds, arrays)`` of :func:`_summarise_runs` from one :func:`_per_doc` table.

    ``per_doc`` is sorted by the group columns, then doc_id, so each group's articles
    are one run of rows.
    """
    n = len(per_doc)
    change = np.zeros(n, dtype=bool)
    if n:
        change[0] = True
        for g in groups:
            v = per_doc[g].to_numpy()
            change[1:] |= v[1:] != v[:-1]
    starts = np.flatnonzero(change)
    keys = list(per_doc[groups].iloc[starts].itertuples(index=False, name=None))
    bounds = np.append(starts, n).astype(np.int64)
    arrays = {c: per_doc[c].to_numpy() for c in PARTIAL_MEASURES}
    return keys, bounds, arrays


def _sentences_with_outlet(articles: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    _require(articles, ["doc_id", "outlet"], "articles")
    _require(sentences, ["doc_id", "sentence_id", "voice", "text"], "sentences")
    outlet_of = pd.Series(articles["outlet"].astype(str).to_numpy(), index=articles["doc_id"].astype(str).to_numpy())
    s = _ensure_scored(sentences)
    out = pd.DataFrame({
        "doc_id": s["doc_id"].astype(str).to_numpy(),
        "sentence_id": s["sentence_id"].to_numpy(),
        "voice": s["voice"].astype(str).to_numpy(),
        **{c: pd.to_numeric(s[c]).to_numpy(dtype=float) for c, _ in _MEASURES},
    })
    out["outlet"] = out["doc_id"].map(outlet_of)
    if out["outlet"].isna().any():
        bad = out.loc[out["outlet"].isna(), "doc_id"].iloc[0]
        raise MediabiasError(f"the sentences table refers to doc_id {bad!r}, which is not in the articles table",
                             hint="Pass the articles and the sentences of the same run.")
    return out


def _stat_columns() -> list[str]:
    cols = []
    for _, label in _MEASURES:
        cols += [f"{label}_mean", f"{label}_ci_low", f"{label}_ci_high"]
    return cols


def sentiment_by_outlet(articles_scored: pd.DataFrame, sentences_scored: pd.DataFrame, n_boot: int = 2000,
                        seed: int = DEFAULT_SEED, level: float = 0.95, min_docs_bootstrap: int = MIN_ARTICLES,
                        by_voice: bool = False) -> pd.DataFrame:
    """Mean sentence sentiment per outlet, with intervals over articles (``outlet_sentiment``).

    Means are over the outlet's sentences: ``polarity_mean`` in [-1, 1],
    ``subjectivity_mean`` in [0, 1] (TextBlob), ``vader_mean`` in [-1, 1] (VADER
    compound); ``zero_polarity_share`` in [0, 1] is the share of sentences TextBlob
    scores exactly 0 (no word of its lexicon), to read beside every mean.
    ``n_docs`` counts the articles contributing sentences, ``n_sentences`` the
    sentences. Unscored sentences are scored first (:func:`score_sentences`).

    Intervals (``level``, default 95%), in ``ci_method``:

    - ``"cluster-bootstrap"`` when at least ``min_docs_bootstrap`` (default 5) articles
      contribute: ``n_boot`` resamples of the outlet's articles with replacement
      (seeded by ``seed`` and the outlet), each giving the mean over the sentences of
      the resampled articles; expanded percentile interval (see
      :func:`mediabias.stats.bootstrap_rate_ci`), which widens the plain percentile
      interval when there are few articles.
    - ``"t-over-sentences"`` with fewer articles: a t-interval over the sentences,
      which treats sentences as independent and describes these articles only.
    - ``"none"`` (NaN) with fewer than 2 sentences.

    ``caveat``: :data:`CAVEAT_FEW_ARTICLES` ("descriptive only: fewer than 5 articles
    from this outlet") for an outlet with fewer than 5 articles, else empty.

    Columns: ``outlet, n_docs, n_sentences, polarity_mean, polarity_ci_low,
    polarity_ci_high, subjectivity_mean, subjectivity_ci_low, subjectivity_ci_high,
    vader_mean, vader_ci_low, vader_ci_high, zero_polarity_share, ci_method, caveat,
    article_polarity_mean, article_subjectivity_mean`` (the last two: means of the
    whole-article TextBlob scores, NaN if ``articles_scored`` has none). With
    ``by_voice=True`` a ``voice`` column follows ``outlet`` and each outlet gets rows
    for ``all``, ``mixed``, ``outlet`` and ``quoted`` sentences. Sorted by outlet
    (and voice).

    Examples:
        >>> arts = pd.DataFrame({"doc_id": ["a"], "outlet": ["X"], "text": ["Good news. Bad news."]})
        >>> sents = pd.DataFrame({"doc_id": ["a", "a"], "sentence_id": [0, 1], "voice": ["outlet"] * 2,
        ...                       "text": ["Good news.", "Bad news."]})
        >>> t = sentiment_by_outlet(arts, sents)
        >>> t[["outlet", "n_docs", "n_sentences", "polarity_mean", "ci_method"]].round(3)
          outlet  n_docs  n_sentences  polarity_mean         ci_method
        0      X       1            2            0.0  t-over-sentences
        >>> t.caveat[0]
        'descriptive only: fewer than 5 articles from this outlet'
    """
    s = _sentences_with_outlet(articles_scored, sentences_scored)
    groups, voices = ["outlet"], None
    if by_voice:
        voices = list(dict.fromkeys([*SENTENCE_VOICES, *sorted(s["voice"].unique())]))
        s = pd.concat([s.assign(voice="all"), s], ignore_index=True)
        groups = ["outlet", "voice"]
    scored = "polarity" in articles_scored.columns and "subjectivity" in articles_scored.columns
    return _sentiment_table(_runs(_per_doc(s, groups), groups), articles_scored["outlet"].astype(str), voices,
                            articles_scored if scored else None, n_boot, seed, level, min_docs_bootstrap)


def actor_sentiment_by_outlet(articles: pd.DataFrame, sentences_scored: pd.DataFrame,
                              actors: dict[str, list[str]] | None = None, n_boot: int = 2000,
                              seed: int = DEFAULT_SEED, level: float = 0.95,
                              min_docs_bootstrap: int = MIN_ARTICLES) -> pd.DataFrame:
    """Mean polarity of the sentences that mention each actor, per outlet and voice.

    A sentence counts for an actor when it mentions one of its aliases
    (:func:`actor_mentions`; ``actors`` defaults to :func:`load_actors`). For every
    outlet, every actor mentioned anywhere in the corpus, and voice ``all``,
    ``mixed``, ``outlet`` and ``quoted`` (the sentence's voice: the outlet's own
    words, a quotation, or both), one row: ``n_docs`` (articles with such
    sentences), ``n_sentences``, ``polarity_mean`` in [-1, 1] (TextBlob, NaN when
    there are no sentences) with its interval. Rows with 0 sentences are kept, so an
    outlet that never mentions an actor says so.

    Intervals as in :func:`sentiment_by_outlet`: ``"cluster-bootstrap"`` over the
    contributing articles when there are at least ``min_docs_bootstrap`` (default 5),
    else ``"t-over-sentences"``, ``"none"`` below 2 sentences. ``caveat``:
    :data:`CAVEAT_FEW_ARTICLES` for an outlet with fewer than 5 articles; "descriptive
    only: fewer than 5 articles from this outlet mention this actor" when fewer than 5
    of its articles contribute; else empty.

    Columns: ``outlet, actor, voice, n_docs, n_sentences, polarity_mean,
    polarity_ci_low, polarity_ci_high, ci_method, caveat, subjectivity_mean,
    subjectivity_ci_low, subjectivity_ci_high, vader_mean, vader_ci_low,
    vader_ci_high, zero_polarity_share``. Sorted by outlet, actor, voice.

    Examples:
        >>> arts = pd.DataFrame({"doc_id": ["a"], "outlet": ["X"], "text": ["..."]})
        >>> sents = pd.DataFrame({"doc_id": ["a", "a"], "sentence_id": [0, 1], "voice": ["outlet", "quoted"],
        ...                       "text": ["Putin is a great leader.", "Putin is a terrible leader."]})
        >>> t = actor_sentiment_by_outlet(arts, sents)
        >>> t[["actor", "voice", "n_sentences", "polarity_mean"]]
            actor   voice  n_sentences  polarity_mean
        0  Russia     all            2           -0.1
        1  Russia   mixed            0            NaN
        2  Russia  outlet            1            0.8
        3  Russia  quoted            1           -1.0
    """
    s = _sentences_with_outlet(articles, sentences_scored)
    per_doc, actors_seen = _actor_per_doc(s, sentences_scored, actors)
    runs = _runs(per_doc, _ACTOR_GROUPS) if per_doc is not None else ([], np.zeros(1, dtype=np.int64), {})
    return actor_sentiment_by_outlet_from_partials(*runs, articles["outlet"].astype(str).value_counts(), actors_seen,
                                                   s["voice"].unique(), n_boot, seed, level, min_docs_bootstrap)


# ------------------------------------------------------- from per-article partial sums
#
# ``mediabias report`` reduces each chunk of articles to per-article partial sums
# (:func:`sentiment_doc_partials`, :func:`actor_doc_partials`) and computes the outlet
# tables from them. Same tables as sentiment_by_outlet and actor_sentiment_by_outlet
# on the whole corpus (tests/test_engine.py checks it): those compute the same
# per-article sums (_per_doc) and call the same code (_summarise_runs), so the sums
# are added in the same order and resampled with the same seeded streams.

PARTIAL_MEASURES = ("n", "zero", *(f"{k}_{c}" for c, _ in _MEASURES for k in ("sum", "sq")))
_ACTOR_GROUPS = ["outlet", "actor", "voice"]


def sentiment_doc_partials(articles: pd.DataFrame, sentences_scored: pd.DataFrame) -> pd.DataFrame:
    """Per (outlet, article) partial sums for :func:`sentiment_by_outlet`.

    Columns: ``outlet, doc_id, n, zero, sum_polarity, sq_polarity, ...`` (sentences,
    sentences scored exactly 0, and the sum and sum of squares of each measure).
    """
    return _per_doc(_sentences_with_outlet(articles, sentences_scored), ["outlet"])


def actor_doc_partials(articles: pd.DataFrame, sentences_scored: pd.DataFrame,
                       actors: dict[str, list[str]] | None = None) -> pd.DataFrame:
    """Per (outlet, actor, voice, article) partial sums for :func:`actor_sentiment_by_outlet`.

    Voice ``all`` rows are included. Empty (with the columns) when no sentence
    mentions an actor.
    """
    per_doc, _ = _actor_per_doc(_sentences_with_outlet(articles, sentences_scored), sentences_scored, actors)
    if per_doc is None:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in [*_ACTOR_GROUPS, "doc_id"]}
                            | {c: pd.Series(dtype=float) for c in PARTIAL_MEASURES})
    return per_doc


def _actor_per_doc(s: pd.DataFrame, sentences_scored: pd.DataFrame, actors) -> tuple[pd.DataFrame | None, list]:
    """:func:`_per_doc` of the actor-mentioning sentences of ``s`` (voice ``all`` added) and the actors seen.

    ``(None, [])`` when no sentence mentions an actor.
    """
    mentions = actor_mentions(sentences_scored, actors)
    if mentions.empty:
        return None, []
    j = mentions[["doc_id", "sentence_id", "actor"]].merge(s, on=["doc_id", "sentence_id"], how="left",
                                                           validate="many_to_one")
    j = pd.concat([j.assign(voice="all"), j], ignore_index=True)
    return _per_doc(j, _ACTOR_GROUPS), sorted(mentions["actor"].unique())


def _summarise_runs(keys: list[tuple], bounds: np.ndarray, arrays: dict[str, np.ndarray], groups: list[str],
                    grid: pd.DataFrame, n_articles, n_boot: int, seed: int, level: float, min_docs: int,
                    cell_caveat: str) -> pd.DataFrame:
    """Sentence means with article-cluster intervals for each row of ``grid`` (group keys).

    The one implementation behind :func:`sentiment_by_outlet`,
    :func:`actor_sentiment_by_outlet` and their ``*_from_partials`` versions: it works
    on per-article partial sums (:func:`_per_doc`) already sorted by group, then doc_id.
    ``n_articles`` maps outlet -> number of articles (for the caveat).

    The rows of group ``keys[i]`` are ``bounds[i]:bounds[i + 1]`` of each array of
    ``arrays`` (``n``, ``zero``, ``sum_*``, ``sq_*``).
    """
    where = {k: i for i, k in enumerate(keys)}
    sums = [np.ascontiguousarray(arrays[f"sum_{c}"], dtype=float) for c, _ in _MEASURES]
    sqs = [np.ascontiguousarray(arrays[f"sq_{c}"], dtype=float) for c, _ in _MEASURES]
    n_arr = np.asarray(arrays["n"], dtype=np.int64)
    zero_arr = np.asarray(arrays["zero"], dtype=np.int64)
    alpha = 1 - level
    pos_outlet = groups.index("outlet")
    records = []
    for key in grid[groups].itertuples(index=False, name=None):
        i = where.get(key)
        lo, hi = (0, 0) if i is None else (int(bounds[i]), int(bounds[i + 1]))
        outlet = key[pos_outlet]
        rec: dict = {}
        n_docs = hi - lo
        n = int(n_arr[lo:hi].sum())
        rec["n_docs"], rec["n_sentences"] = n_docs, n
        lows = highs = [np.nan] * len(_MEASURES)
        method = "none"
        if n_docs >= min_docs and n_boot > 0:
            num = np.column_stack([a[lo:hi] for a in sums])
            lows, highs = _bootstrap_ratio(num, n_arr[lo:hi].astype(float), n_boot, level,
                                           lambda key=key: _rng(seed, *key))
            method = "cluster-bootstrap"
        elif n >= 2:
            tq = sps.t.ppf(1 - alpha / 2, n - 1)
            lows, highs = [], []
            for m in range(len(_MEASURES)):
                tot, sq = float(sums[m][lo:hi].sum()), float(sqs[m][lo:hi].sum())
                var = max(0.0, (sq - tot * tot / n) / (n - 1))
                half = tq * math.sqrt(var / n)
                lows.append(tot / n - half)
                highs.append(tot / n + half)
            method = "t-over-sentences"
        for m, (_col, label) in enumerate(_MEASURES):
            rec[f"{label}_mean"] = float(sums[m][lo:hi].sum()) / n if n else np.nan
            rec[f"{label}_ci_low"] = float(lows[m])
            rec[f"{label}_ci_high"] = float(highs[m])
        rec["zero_polarity_share"] = float(zero_arr[lo:hi].sum()) / n if n else np.nan
        rec["ci_method"] = method
        if int(n_articles.get(outlet, 0)) < MIN_ARTICLES:
            rec["caveat"] = CAVEAT_FEW_ARTICLES
        elif n_docs < MIN_ARTICLES:
            rec["caveat"] = cell_caveat
        else:
            rec["caveat"] = ""
        records.append(rec)
    stats = pd.DataFrame.from_records(records, index=grid.index) if records else pd.DataFrame(index=grid.index)
    return pd.concat([grid, stats], axis=1)


def sentiment_by_outlet_from_partials(keys: list[tuple], bounds: np.ndarray, arrays: dict[str, np.ndarray],
                                      article_scores: pd.DataFrame, n_boot: int = 2000, seed: int = DEFAULT_SEED,
                                      level: float = 0.95,
                                      min_docs_bootstrap: int = MIN_ARTICLES) -> pd.DataFrame:
    """:func:`sentiment_by_outlet` (``by_voice=False``) from per-article partial sums.

    ``keys``/``bounds``/``arrays``: the concatenated :func:`sentiment_doc_partials`
    sorted by outlet, then doc_id (see :func:`_summarise_runs`); ``article_scores``:
    ``outlet, polarity, subjectivity`` of every article, in corpus order.
    """
    return _sentiment_table((keys, bounds, arrays), article_scores["outlet"].astype(str), None, article_scores,
                            n_boot, seed, level, min_docs_bootstrap)


def _sentiment_table(runs: tuple, outlet_col: pd.Series, voices: list[str] | None, article_scores: pd.DataFrame | None,
                     n_boot: int, seed: int, level: float, min_docs: int) -> pd.DataFrame:
    """The ``outlet_sentiment`` table from :func:`_runs` of per-article partial sums.

    ``outlet_col``: every article's outlet (as str), in corpus order; ``voices``: the
    voice rows of each outlet (None: one row per outlet); ``article_scores``:
    ``outlet, polarity, subjectivity`` of every article, or None (NaN article means).
    """
    outlets = sorted(outlet_col.unique())
    n_articles = outlet_col.value_counts()
    groups = ["outlet"]
    grid = pd.DataFrame({"outlet": outlets})
    if voices is not None:
        groups = ["outlet", "voice"]
        grid = grid.merge(pd.DataFrame({"voice": voices}), how="cross")
    out = _summarise_runs(*runs, groups, grid, n_articles, n_boot, seed, level, min_docs,
                          "descriptive only: fewer than 5 articles from this outlet have such sentences")
    set_article_means(out, article_scores)
    cols = [*groups, "n_docs", "n_sentences", *_stat_columns(), "zero_polarity_share", "ci_method", "caveat",
            "article_polarity_mean", "article_subjectivity_mean"]
    out = out[cols].sort_values(groups, kind="stable").reset_index(drop=True)
    out["n_docs"] = out["n_docs"].astype(np.int64)
    out["n_sentences"] = out["n_sentences"].astype(np.int64)
    return out


def set_article_means(table: pd.DataFrame, article_scores: pd.DataFrame | None) -> None:
    """Set ``article_polarity_mean`` and ``article_subjectivity_mean`` of ``table`` (by its ``outlet``).

    ``article_scores``: ``outlet, polarity, subjectivity`` of every article, in corpus
    order (None: NaN). The means are taken over all outlets' articles at once:
    pandas' grouped mean of an outlet can differ in the last digit with the other
    outlets' articles present or not, so a table computed in batches of outlets gets
    its means from here, from all articles.
    """
    if article_scores is None:
        table["article_polarity_mean"] = np.nan
        table["article_subjectivity_mean"] = np.nan
        return
    a = pd.DataFrame({"outlet": article_scores["outlet"].astype(str).to_numpy(),
                      "p": pd.to_numeric(article_scores["polarity"]).to_numpy(dtype=float),
                      "s": pd.to_numeric(article_scores["subjectivity"]).to_numpy(dtype=float)})
    means = a.groupby("outlet")[["p", "s"]].mean()
    table["article_polarity_mean"] = table["outlet"].map(means["p"]).astype(float)
    table["article_subjectivity_mean"] = table["outlet"].map(means["s"]).astype(float)


def sentiment_by_outlet_from_counts(keys: list[tuple], bounds: np.ndarray, arrays: dict[str, np.ndarray],
                                    outlet_counts: pd.Series, n_boot: int = 2000, seed: int = DEFAULT_SEED,
                                    level: float = 0.95, min_docs_bootstrap: int = MIN_ARTICLES) -> pd.DataFrame:
    """:func:`sentiment_by_outlet_from_partials` with ``outlet_counts`` (articles per outlet) and NaN article means.

    For a table computed in batches of outlets: :func:`set_article_means` then sets
    the article means from all articles.
    """
    outlet_col = pd.Series(np.repeat(np.asarray(list(map(str, outlet_counts.index)), dtype=object),
                                     outlet_counts.to_numpy(dtype=np.int64)))
    return _sentiment_table((keys, bounds, arrays), outlet_col, None, None, n_boot, seed, level, min_docs_bootstrap)


def actor_sentiment_by_outlet_from_partials(keys: list[tuple], bounds: np.ndarray, arrays: dict[str, np.ndarray],
                                            outlet_counts: pd.Series, actors_seen, sentence_voices,
                                            n_boot: int = 2000, seed: int = DEFAULT_SEED, level: float = 0.95,
                                            min_docs_bootstrap: int = MIN_ARTICLES) -> pd.DataFrame:
    """:func:`actor_sentiment_by_outlet` from per-article partial sums.

    ``keys``/``bounds``/``arrays``: the concatenated :func:`actor_doc_partials`,
    sorted by (outlet, actor, voice), then doc_id; ``outlet_counts``: articles per
    outlet (every outlet); ``actors_seen``: actors mentioned anywhere;
    ``sentence_voices``: the voices of all sentences.
    """
    cols = ["outlet", "actor", "voice", "n_docs", "n_sentences", "polarity_mean", "polarity_ci_low",
            "polarity_ci_high", "ci_method", "caveat", "subjectivity_mean", "subjectivity_ci_low",
            "subjectivity_ci_high", "vader_mean", "vader_ci_low", "vader_ci_high", "zero_polarity_share"]
    if not actors_seen:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    outlets = sorted(map(str, outlet_counts.index))
    voices = list(dict.fromkeys([*SENTENCE_VOICES, *sorted(sentence_voices)]))
    grid = (pd.DataFrame({"outlet": outlets})
            .merge(pd.DataFrame({"actor": sorted(actors_seen)}), how="cross")
            .merge(pd.DataFrame({"voice": voices}), how="cross"))
    out = _summarise_runs(keys, bounds, arrays, ["outlet", "actor", "voice"], grid, outlet_counts, n_boot, seed,
                          level, min_docs_bootstrap,
                          "descriptive only: fewer than 5 articles from this outlet mention this actor")
    out = out[cols].sort_values(["outlet", "actor", "voice"], kind="stable").reset_index(drop=True)
    out["n_docs"] = out["n_docs"].astype(np.int64)
    out["n_sentences"] = out["n_sentences"].astype(np.int64)
    return out
