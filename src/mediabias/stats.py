"""Rates, intervals, keyness, framing-pair shares and rate comparisons.

Every function here is pure: DataFrames (and lexicons) in, a new DataFrame out; no
input is modified. Rows come back sorted and columns in a fixed order, and all
randomness is seeded, so the same inputs and options give the same tables.

The sampled unit
    An outlet's articles, not its tokens, are the sampled unit: hits cluster in
    articles (one story about tunnels uses "tunnel" ten times). Intervals therefore
    resample *articles* (bootstrap) where an outlet has enough of them, and fall back
    to an exact Poisson interval on the count otherwise. The method used is the
    ``ci_method`` column of every table.

Caveats
    Every outlet-level table has a ``caveat`` column. For an outlet with fewer than
    5 articles it reads exactly ``"descriptive only: fewer than 5 articles from this
    outlet"`` (:data:`CAVEAT_FEW_ARTICLES`): the numbers describe these articles, not
    the outlet. Otherwise it is empty unless a narrower caveat applies (stated per
    function).

Voice
    The ledger's ``voice`` is ``outlet`` (the outlet's own words) or ``quoted``.
    Tables split by voice also carry ``voice == "all"`` rows (both together), so
    ``outlet + quoted == all`` for every count. Rates for every voice are per 1,000
    tokens of the *whole* article(s), so they add up the same way.

Input tables
    ``articles``: doc_id, outlet, n_tokens (tokens per :func:`mediabias.text.count_tokens`;
    computed from ``text`` when the column is absent), text (for word keyness).
    ``matches`` (the ledger): doc_id, outlet, lexicon, category, entry, voice, ...
    The outlet of a hit is taken from ``articles``; a hit whose doc_id is not in
    ``articles`` or whose outlet disagrees is an error.
"""

from __future__ import annotations

import functools
import zlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse, stats as sps
from scipy.special import xlogy

from mediabias.errors import MediabiasError

__all__ = [
    "CAVEAT_FEW_ARTICLES",
    "MIN_ARTICLES",
    "VOICES",
    "poisson_ci",
    "bootstrap_rate_ci",
    "wilson_ci",
    "benjamini_hochberg",
    "g2_statistic",
    "rate_by_article",
    "rate_by_outlet",
    "keyness",
    "keyness_by_outlet",
    "framing_shares",
    "compare_rates",
]

#: Below this many articles an outlet's figures are descriptive only.
MIN_ARTICLES = 5
#: The caveat every outlet-level table carries for such an outlet (exact wording).
CAVEAT_FEW_ARTICLES = "descriptive only: fewer than 5 articles from this outlet"
#: Voice values of split tables, in output order ("all" = outlet + quoted).
VOICES = ("all", "outlet", "quoted")
#: Default seed of every bootstrap.
DEFAULT_SEED = 0

_KEYS = {"entry": ["lexicon", "category", "entry"], "category": ["lexicon", "category"]}


# --------------------------------------------------------------------------- helpers


def _require(df: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise MediabiasError(
            f"the {what} table has no column {', '.join(repr(c) for c in missing)}",
            hint=f"It has: {', '.join(map(str, df.columns))}.",
        )


def _article_frame(articles: pd.DataFrame) -> pd.DataFrame:
    """doc_id, outlet, n_tokens of ``articles`` (n_tokens computed from text if absent)."""
    _require(articles, ["doc_id", "outlet"], "articles")
    if "n_tokens" in articles.columns:
        tokens = pd.to_numeric(articles["n_tokens"], errors="raise")
    elif "text" in articles.columns:
        from mediabias.text import count_tokens

        tokens = pd.Series([count_tokens(t if isinstance(t, str) else "") for t in articles["text"]],
                           index=articles.index)
    else:
        raise MediabiasError("the articles table has neither 'n_tokens' nor 'text'",
                             hint="Pass the articles table read by mediabias.")
    out = pd.DataFrame({
        "doc_id": articles["doc_id"].astype(str).to_numpy(),
        "outlet": articles["outlet"].astype(str).to_numpy(),
        "n_tokens": tokens.fillna(0).astype(np.int64).to_numpy(),
    })
    dup = out["doc_id"].duplicated()
    if dup.any():
        raise MediabiasError(f"doc_id {out.loc[dup, 'doc_id'].iloc[0]!r} occurs twice in the articles table",
                             hint="Every article needs its own doc_id.")
    return out.sort_values("doc_id", kind="stable").reset_index(drop=True)


def _attach_outlet(matches: pd.DataFrame, arts: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``matches`` (as strings) whose outlet comes from ``arts``."""
    m = matches.copy()
    m["doc_id"] = m["doc_id"].astype(str)
    outlet_of = pd.Series(arts["outlet"].to_numpy(), index=arts["doc_id"].to_numpy())
    mapped = m["doc_id"].map(outlet_of)
    if mapped.isna().any():
        bad = m.loc[mapped.isna(), "doc_id"].iloc[0]
        raise MediabiasError(f"the matches table refers to doc_id {bad!r}, which is not in the articles table",
                             hint="Pass the articles and the matches of the same run.")
    if "outlet" in m.columns:
        given = m["outlet"].astype(str)
        differ = given.to_numpy() != mapped.to_numpy()
        if differ.any():
            i = int(np.flatnonzero(differ)[0])
            raise MediabiasError(
                f"the matches table gives outlet {given.iloc[i]!r} for doc_id {m['doc_id'].iloc[i]!r}, "
                f"the articles table {mapped.iloc[i]!r}",
                hint="Pass the articles and the matches of the same run.")
    m["outlet"] = mapped.to_numpy()
    return m


def _rng(seed: int, *key: Any) -> np.random.Generator:
    """A generator seeded by ``seed`` and a stable hash of ``key``.

    Each group (outlet, actor, ...) gets its own stream, so its interval does not
    depend on which other groups are in the table.
    """
    parts = [int(seed)] + [zlib.crc32(str(k).encode("utf-8")) for k in key]
    return np.random.default_rng(np.random.SeedSequence(parts))


def _index_chunks(n: int, n_boot: int, rng: np.random.Generator, max_cells: int = 2_000_000):
    """Bootstrap resamples of ``n`` units as drawn indices, ``(b, n)`` int64 chunks."""
    rows = max(1, max_cells // max(n, 1))
    done = 0
    while done < n_boot:
        b = min(rows, n_boot - done)
        yield rng.integers(0, n, size=(b, n))
        done += b


def _as_weights(idx: np.ndarray, n: int) -> np.ndarray:
    """Resample indices ``(b, n)`` -> how often each unit was drawn, ``(b, n)`` int64."""
    b = len(idx)
    flat = (idx + (np.arange(b, dtype=np.int64) * n)[:, None]).ravel()
    return np.bincount(flat, minlength=b * n).reshape(b, n)


@functools.lru_cache(maxsize=4096)
def _expanded_tail(n: int, level: float) -> float:
    """Tail probability of the expanded percentile interval (Hesterberg 2015).

    The plain percentile interval is too narrow in small samples (it ignores the
    n/(n-1) variance bias and uses normal instead of t quantiles). The expanded
    version reads the bootstrap distribution at ``Phi(-sqrt(n/(n-1)) * t_{n-1, 1-a/2})``
    instead of ``a/2``; it tends to ``a/2`` as n grows (n=30, 95%: 1.88% instead of 2.5%).

    Cached: the actor-sentiment table bootstraps thousands of groups, mostly of a few
    sizes, and each scipy call costs about half a millisecond.
    """
    alpha = 1.0 - level
    if n < 2:
        return alpha / 2
    return float(sps.norm.cdf(-np.sqrt(n / (n - 1)) * sps.t.ppf(1 - alpha / 2, n - 1)))


#: Most resampled ratios held at once by :func:`_bootstrap_ratio` (columns x resamples).
BOOTSTRAP_BLOCK_VALUES = 6_000_000


def _bootstrap_ratio(num, den, n_boot: int, level: float, seed_seq_factory,
                     columns: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Expanded percentile bootstrap of sum(num)/sum(den), resampling rows (units).

    ``num`` is ``(n, K)`` (dense or scipy sparse) or ``(n,)``; ``den`` is ``(n,)``;
    ``columns``: only these columns of ``num`` (the results are theirs, in this
    order), taken block by block instead of as one copy.
    ``seed_seq_factory()`` returns a fresh generator with the same stream each call
    (blocks of columns are computed with the same resamples).

    Speed, with the same numbers as ``np.percentile(boot, pct, axis=0)`` on the
    ``(n_boot, K)`` resampled ratios: they are held column by column (``(K,
    n_boot)``, each column contiguous) and sorted with numpy's vectorised sort; the
    percentiles are then read off the sorted columns (:func:`_sorted_percentiles`).
    A percentile depends only on a column's values, not on their order or layout
    (with one exception, -0.0 and 0.0, handled below), and numpy's own selection (a
    partition at six points striding across ``K`` columns) was most of the time of
    outlet_terms for the thousands of terms of a large outlet. A column holds a NaN
    (0/0) exactly when its sorted last value is NaN; those blocks go through
    ``np.nanpercentile`` as before.
    """
    is_sparse = sparse.issparse(num)
    if not is_sparse:
        num = np.asarray(num)
        if num.ndim == 1:
            num = num[:, None]
    else:
        num = sparse.csc_matrix(num)
    den = np.asarray(den)
    n, k = num.shape
    if columns is not None:
        columns = np.asarray(columns, dtype=np.int64)
        k = len(columns)
    low = np.full(k, np.nan)
    high = np.full(k, np.nan)
    if n == 0 or k == 0 or n_boot <= 0:
        return low, high
    tail = _expanded_tail(n, level)
    pct = [100 * tail, 100 * (1 - tail)]
    # Integer-valued tokens (always, for rates): their resampled sums in integers, the
    # same numbers as BLAS's float product (exact below 2**53), without BLAS threads
    # spinning on the processors the other workers use.
    den_int = None
    if is_sparse and np.all(np.isfinite(den)) and np.array_equal(den, np.round(den)) and \
            float(np.abs(den).max(initial=0)) * n < 2.0 ** 53:
        den_int = den.astype(np.int64)
    # Columns in blocks: the resamples are drawn again for each block (the same ones),
    # which costs ~ n x n_boot, so blocks are of at least 4 n columns; at most
    # BOOTSTRAP_BLOCK_VALUES values (48 MB: a worker's memory, not the outlet's size,
    # bounds the block); otherwise small enough to stay in the processor's cache.
    block = max(1, min(BOOTSTRAP_BLOCK_VALUES // n_boot, max(4 * n, 2_000_000 // n_boot)))
    for start in range(0, k, block):
        stop = min(k, start + block)
        part = num[:, start:stop] if columns is None else num[:, columns[start:stop]]
        part_t = part.T.tocsr() if is_sparse else np.ascontiguousarray(part.T)  # a row per column
        rng = seed_seq_factory()
        boot = np.empty((stop - start, n_boot))  # column x resample
        pos = 0
        # can a ratio be -0.0? Not with non-negative counts and tokens (outlet_terms)
        signed = not is_sparse or bool((part.data < 0).any() or (den < 0).any())
        for idx in _index_chunks(n, n_boot, rng):
            if is_sparse:
                # integer counts and integer-valued tokens: exact in any summation order
                w = _as_weights(idx, n)
                d = (w @ den_int).astype(np.float64) if den_int is not None else w @ den
                nm = np.asarray(part_t @ w.T)
            else:
                # gather and sum with numpy (not BLAS), so float results do not depend
                # on the machine's BLAS kernel: byte-identical tables everywhere
                d = np.take(den, idx).sum(axis=1)
                nm = np.stack([np.take(column, idx).sum(axis=1) for column in part_t], axis=0)
            with np.errstate(divide="ignore", invalid="ignore"):
                np.divide(nm, d[None, :], out=boot[:, pos:pos + len(idx)])
            pos += len(idx)
        # Sorting keeps each column's values but not which of several equal values
        # comes where; only -0.0 and 0.0 are equal without being the same bits, so a
        # block holding a -0.0 keeps numpy's own selection on the resample order.
        if signed and np.signbit(boot[boot == 0]).any():
            lo, hi = _percentiles(boot, pct, np.isnan(boot).any())
        else:
            boot.sort(axis=1)  # NaN last
            nan = np.isnan(boot[:, -1]).any()
            if not nan and _sorted_percentiles_exact(n_boot):
                lo, hi = _sorted_percentiles(boot, pct)
            else:
                lo, hi = _percentiles(boot, pct, nan)
        low[start:stop] = lo
        high[start:stop] = hi
    return low, high


def _percentiles(rows: np.ndarray, pct: list, nan: bool) -> np.ndarray:
    """``np.percentile`` (``np.nanpercentile`` when ``nan``) of each row (overwritten)."""
    if nan:
        with np.errstate(all="ignore"), _quiet():
            return np.nanpercentile(rows, pct, axis=1, overwrite_input=True)
    return np.percentile(rows, pct, axis=1, overwrite_input=True)


def _sorted_percentiles(rows: np.ndarray, pct: list) -> np.ndarray:
    """``np.percentile(rows, pct, axis=1)`` for ``rows`` sorted along axis 1 and without NaN.

    numpy's default ("linear") method reads, at virtual index ``(n - 1) * q``, the
    order statistics below and above and interpolates them with its two-sided
    ``_lerp``; this does the same arithmetic in the same order on the already sorted
    rows, instead of selecting the order statistics again. Whether it gives
    ``np.percentile``'s numbers on the installed numpy is checked before use
    (:func:`_sorted_percentiles_exact`).
    """
    n = rows.shape[1]
    virtual = (n - 1) * np.true_divide(pct, 100)
    previous = np.floor(virtual)
    after = previous + 1
    previous[virtual >= n - 1] = after[virtual >= n - 1] = -1
    previous[virtual < 0] = after[virtual < 0] = 0
    previous, after = previous.astype(np.intp), after.astype(np.intp)
    gamma = np.asanyarray(virtual - previous, dtype=virtual.dtype).reshape(-1, 1)
    a, b = rows[:, previous].T, rows[:, after].T
    diff = b - a
    out = np.add(a, diff * gamma)
    np.subtract(b, diff * (1 - gamma), out=out, where=gamma >= 0.5, casting="unsafe", dtype=out.dtype)
    return out


@functools.lru_cache(maxsize=None)
def _sorted_percentiles_exact(n: int) -> bool:
    """Whether :func:`_sorted_percentiles` gives ``np.percentile``'s numbers (bit for bit) on rows of ``n``.

    Checked once per process and row length, on awkward values (magnitudes from
    1e-300 to 1e300, ties, zeros, infinities) and percentiles (0, 100, halves, the
    bootstrap's tails, random ones).
    """
    rng = np.random.default_rng(n)
    x = rng.standard_normal((40, n)) * 10.0 ** rng.integers(-300, 300, (40, n))
    x[1] = 0.0
    x[2, ::2] = -0.0  # zeros of one sign per row: rows with both are not sorted (see _bootstrap_ratio)
    x[3] = np.abs(np.round(x[3] * 1e-300))
    x[4, :: 3] = np.inf
    x[5, 1:: 4] = -np.inf
    x[6] = 7.0
    pct = [0.0, 100.0, 50.0, 2.5, 97.5, 100 * _expanded_tail(30, 0.95), *rng.uniform(0, 100, 6)]
    with np.errstate(all="ignore"):
        expected = np.percentile(x, pct, axis=1)
        got = _sorted_percentiles(np.sort(x, axis=1), pct)
    return expected.shape == got.shape and expected.tobytes() == got.tobytes()


class _quiet:
    """Silence 'All-NaN slice' warnings of nanpercentile (the result is NaN, as it should be)."""

    def __enter__(self):
        import warnings

        self._w = warnings.catch_warnings()
        self._w.__enter__()
        warnings.simplefilter("ignore", RuntimeWarning)

    def __exit__(self, *exc):
        return self._w.__exit__(*exc)


# ----------------------------------------------------------------- building blocks


def poisson_ci(count, exposure=1.0, level: float = 0.95, per: float = 1.0):
    """Exact (Garwood) confidence interval for a Poisson rate ``count / exposure``.

    ``low = chi2.ppf(a/2, 2k) / 2`` and ``high = chi2.ppf(1 - a/2, 2k + 2) / 2`` with
    ``a = 1 - level`` and ``low = 0`` when ``k = 0``; both are divided by ``exposure``
    and multiplied by ``per`` (``per=1000`` with tokens as exposure gives a rate per
    1,000 tokens). The interval is central and guarantees at least ``level`` coverage.
    It treats tokens as independent (no clustering by article). Works on scalars
    (returns floats) and arrays (returns arrays); exposure 0 gives NaN.

    Examples:
        >>> [round(float(x), 3) for x in poisson_ci(0)]
        [0.0, 3.689]
        >>> [round(float(x), 2) for x in poisson_ci(10)]
        [4.8, 18.39]
        >>> [round(float(x), 3) for x in poisson_ci(10, exposure=2000, per=1000)]
        [2.398, 9.195]
    """
    k = np.asarray(count, dtype=float)
    e = np.asarray(exposure, dtype=float)
    if np.any(k < 0):
        raise ValueError("counts must be >= 0")
    a = 1.0 - level
    with np.errstate(divide="ignore", invalid="ignore"):
        low = np.where(k > 0, sps.chi2.ppf(a / 2, 2 * np.maximum(k, 1)) / 2, 0.0)
        high = sps.chi2.ppf(1 - a / 2, 2 * k + 2) / 2
        scale = np.where(e > 0, per / np.where(e > 0, e, 1.0), np.nan)
    low, high = low * scale, high * scale
    if low.ndim == 0:
        return float(low), float(high)
    return low, high


def bootstrap_rate_ci(counts, tokens, n_boot: int = 2000, level: float = 0.95, seed: int = DEFAULT_SEED,
                      per: float = 1.0):
    """Bootstrap interval of ``sum(counts) / sum(tokens) * per``, resampling articles.

    ``counts`` holds one value per article (``(n,)``), or one column per term
    (``(n, K)``, dense or scipy sparse); ``tokens`` one value per article. Each of
    ``n_boot`` resamples draws ``n`` articles with replacement and recomputes the
    ratio of sums (the rate of the pooled text), so between-article variation is in
    the interval. The interval is the *expanded percentile* interval (Hesterberg
    2015): the resampled rates' quantiles at ``Phi(-sqrt(n/(n-1)) t_{n-1,1-a/2})``
    and its complement rather than ``a/2``, which corrects the plain percentile
    interval's undercoverage with few articles (n = 30: 1.9% / 98.1%; the same as the
    percentile interval for large n). A term that never occurs gives ``(0, 0)``: use
    :func:`poisson_ci` for zero counts. Seeded: the same call gives the same
    interval, and all columns of a 2-D ``counts`` use the same resamples.

    Returns ``(low, high)``: floats for 1-D ``counts``, arrays of length K otherwise.

    Examples:
        >>> lo, hi = bootstrap_rate_ci([0, 2, 1, 4, 0, 3], [500, 800, 400, 900, 300, 700], per=1000)
        >>> bool(lo < 10 / 3600 * 1000 < hi)
        True
    """
    one = not sparse.issparse(counts) and np.ndim(counts) == 1
    c = counts if sparse.issparse(counts) else np.asarray(counts, dtype=float)
    t = np.asarray(tokens, dtype=float)
    if c.shape[0] != t.shape[0]:
        raise ValueError("counts and tokens need one value per article")
    lo, hi = _bootstrap_ratio(c, t, n_boot, level, lambda: _rng(seed))
    lo, hi = lo * per, hi * per
    return (float(lo[0]), float(hi[0])) if one else (lo, hi)


def wilson_ci(k, n, level: float = 0.95):
    """Wilson score interval for a proportion ``k / n`` (arrays or scalars; n = 0 gives NaN).

    Examples:
        >>> [round(float(x), 4) for x in wilson_ci(3, 10)]
        [0.1078, 0.6032]
    """
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    z = sps.norm.ppf(1 - (1 - level) / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        denom = 1 + z * z / n
        centre = (p + z * z / (2 * n)) / denom
        half = z / denom * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
        low = np.clip(centre - half, 0, 1)
        high = np.clip(centre + half, 0, 1)
    low = np.where(k == 0, 0.0, low)
    high = np.where(k == n, 1.0, high)
    low = np.where(n > 0, low, np.nan)
    high = np.where(n > 0, high, np.nan)
    if low.ndim == 0:
        return float(low), float(high)
    return low, high


def benjamini_hochberg(p_values) -> np.ndarray:
    """Benjamini-Hochberg q-values (false discovery rate adjusted p-values).

    ``q_(i) = min_{j >= i} p_(j) * m / j`` over the p-values sorted ascending, capped
    at 1; ``m`` counts the non-missing p-values and NaN stays NaN. Same values as
    ``scipy.stats.false_discovery_control(p, method="bh")``.

    Examples:
        >>> benjamini_hochberg([0.01, 0.04, 0.03, 0.2]).round(3).tolist()
        [0.04, 0.053, 0.053, 0.2]
    """
    p = np.asarray(p_values, dtype=float)
    q = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    pv = p[ok]
    m = pv.size
    if m == 0:
        return q
    order = np.argsort(pv, kind="stable")
    ranked = pv[order] * m / np.arange(1, m + 1)
    ranked = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(ranked, 1.0)
    q[ok] = out
    return q


def g2_statistic(a, b, c, d, full_table: bool = False) -> np.ndarray:
    """Log-likelihood G2 (unsigned) for a term seen ``a`` times in ``c`` tokens and ``b`` in ``d``.

    Default (Rayson & Garside 2000, the UCREL log-likelihood calculator):
    ``E1 = c (a + b) / (c + d)``, ``E2 = d (a + b) / (c + d)`` and
    ``G2 = 2 (a ln(a / E1) + b ln(b / E2))`` (a term with ``O = 0`` contributes 0).
    ``full_table=True`` sums ``O ln(O / E)`` over all four cells of the 2x2 table
    ``[[a, b], [c - a, d - b]]`` (Dunning 1993), the exact likelihood-ratio statistic;
    the two differ little when the term is rare. Compare with chi2(1 df).

    Examples:
        >>> round(float(g2_statistic(10, 2, 1000, 1000)), 4)
        5.8221
    """
    a, b, c, d = (np.asarray(x, dtype=float) for x in (a, b, c, d))
    if np.any(a > c) or np.any(b > d):
        raise ValueError("a count exceeds its total")
    n = c + d
    with np.errstate(divide="ignore", invalid="ignore"):
        e1 = c * (a + b) / n
        e2 = d * (a + b) / n
        g = xlogy(a, a / e1) + xlogy(b, b / e2)
        if full_table:
            rest = n - a - b
            e3 = c * rest / n
            e4 = d * rest / n
            g = g + xlogy(c - a, (c - a) / e3) + xlogy(d - b, (d - b) / e4)
        g = 2 * g
    g = np.where((a + b) > 0, g, 0.0)
    return np.maximum(g, 0.0)


# -------------------------------------------------------------------------- rates


def _cells(m: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Hit counts per doc_id x keys x voice, with voice 'all' added (no zero rows)."""
    m = m[["doc_id", "outlet", *keys, "voice"]].copy()
    for k in keys:
        m[k] = m[k].astype(str)
    m["voice"] = m["voice"].astype(str)
    both = pd.concat([m.assign(voice="all"), m], ignore_index=True)
    return (both.groupby(["doc_id", "outlet", *keys, "voice"], sort=True, observed=True)
            .size().rename("count").reset_index())


def _universe(cell_counts: pd.DataFrame, keys: list[str], lexicons) -> pd.DataFrame:
    """The (keys, voice) combinations every outlet gets a row for."""
    seen = cell_counts[[*keys, "voice"]].drop_duplicates()
    if lexicons is None:
        return seen.sort_values([*keys, "voice"]).reset_index(drop=True)
    rows = []
    for lex in _as_lexicons(lexicons):
        for e in lex.entries:
            row = {"lexicon": lex.name, "category": e.category, "entry": e.term}
            rows.append({k: row[k] for k in keys})
    full = pd.DataFrame(rows, columns=keys).drop_duplicates()
    full = full.merge(pd.DataFrame({"voice": list(VOICES)}), how="cross")
    return (pd.concat([full, seen], ignore_index=True).drop_duplicates()
            .sort_values([*keys, "voice"]).reset_index(drop=True))


def _as_lexicons(lexicons) -> list:
    if hasattr(lexicons, "entries") and hasattr(lexicons, "name"):
        return [lexicons]
    return list(lexicons)


def rate_by_article(matches: pd.DataFrame, articles: pd.DataFrame, zeros: bool = True,
                    lexicons=None) -> pd.DataFrame:
    """Hits per article, lexicon category and voice, with the rate per 1,000 tokens (``doc_categories``).

    Columns: ``doc_id, outlet, lexicon, category, voice, count, rate_per_1k`` where
    ``rate_per_1k = count / n_tokens * 1000`` (``n_tokens`` of the whole article, for
    every voice; NaN for an article with no tokens). ``voice`` is ``outlet``,
    ``quoted`` or ``all`` (both). With ``zeros=True`` (default) every article gets a
    row, possibly 0, for every (lexicon, category, voice) that has a hit anywhere in
    the corpus (plus every category of ``lexicons`` if given), so per-article means
    and distributions include the articles without hits; ``zeros=False`` keeps only
    rows with hits (smaller on very large corpora). Sorted by doc_id, lexicon,
    category, voice.

    Examples:
        >>> arts = pd.DataFrame({"doc_id": ["a", "b"], "outlet": ["X", "Y"], "n_tokens": [200, 400]})
        >>> hits = pd.DataFrame({"doc_id": ["a", "a"], "lexicon": ["lx", "lx"], "category": ["c", "c"],
        ...                      "entry": ["e", "e"], "voice": ["outlet", "quoted"]})
        >>> rate_by_article(hits, arts).query("voice == 'all'")[["doc_id", "count", "rate_per_1k"]]
          doc_id  count  rate_per_1k
        0      a      2         10.0
        3      b      0          0.0
    """
    arts = _article_frame(articles)
    keys = ["lexicon", "category"]
    cols = ["doc_id", "outlet", *keys, "voice", "count", "rate_per_1k"]
    if len(matches) == 0 and lexicons is None:
        return _empty(cols, {"count": "int64", "rate_per_1k": "float64"})
    if len(matches):
        _require(matches, ["doc_id", *keys, "voice"], "matches")
        cc = _cells(_attach_outlet(matches, arts), keys)
    else:
        cc = pd.DataFrame({c: pd.Series(dtype=object) for c in ["doc_id", "outlet", *keys, "voice"]})
        cc["count"] = pd.Series(dtype="int64")
    if zeros:
        uni = _universe(cc, keys, lexicons)
        grid = arts[["doc_id", "outlet"]].merge(uni, how="cross")
        out = grid.merge(cc, on=["doc_id", "outlet", *keys, "voice"], how="left")
        out["count"] = out["count"].fillna(0).astype(np.int64)
    else:
        out = cc
    tok = out["doc_id"].map(pd.Series(arts["n_tokens"].to_numpy(), index=arts["doc_id"].to_numpy()))
    with np.errstate(divide="ignore", invalid="ignore"):
        out["rate_per_1k"] = np.where(tok > 0, out["count"] / tok.where(tok > 0, 1) * 1000, np.nan)
    out = out[cols].sort_values(["doc_id", *keys, "voice"], kind="stable").reset_index(drop=True)
    return out


def _empty(cols, dtypes=None) -> pd.DataFrame:
    df = pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    for c, t in (dtypes or {}).items():
        df[c] = df[c].astype(t)
    return df


def _outlet_cells(matches, articles, level, lexicons):
    """Shared by rate_by_outlet and compare_rates: articles frame, keys, per-doc cells, universe."""
    if level not in _KEYS:
        raise ValueError("level must be 'entry' or 'category'")
    keys = _KEYS[level]
    arts = _article_frame(articles)
    if len(matches) == 0:
        cc = pd.DataFrame(columns=["doc_id", "outlet", *keys, "voice", "count"])
    else:
        _require(matches, ["doc_id", *keys, "voice"], "matches")
        cc = _cells(_attach_outlet(matches, arts), keys)
    uni = _universe(cc, keys, lexicons) if (len(cc) or lexicons is not None) else \
        pd.DataFrame(columns=[*keys, "voice"])
    return arts, keys, cc, uni


def rate_by_outlet(matches: pd.DataFrame, articles: pd.DataFrame, level: str = "entry", n_boot: int = 2000,
                   seed: int = DEFAULT_SEED, min_docs_bootstrap: int = 10, level_ci: float = 0.95,
                   lexicons=None) -> pd.DataFrame:
    """Counts and rates per 1,000 tokens per outlet, term and voice, with intervals (``outlet_terms``).

    Columns: ``outlet, lexicon, category, entry, voice, count, n_docs, docs_with_term,
    n_tokens, rate_per_1k, ci_low, ci_high, ci_method, caveat`` (no ``entry`` with
    ``level="category"``, which counts every hit of a category together). ``n_docs``
    is the outlet's number of articles, ``docs_with_term`` how many of them have the
    term (in that voice), ``n_tokens`` the outlet's tokens, and
    ``rate_per_1k = count / n_tokens * 1000`` (>= 0; the pooled rate).

    Every term (and voice) with a hit in any outlet gets a row for every outlet,
    zeros included, so comparisons are explicit; ``lexicons`` adds rows for the
    lexicons' entries that never matched. ``voice`` is ``all``, ``outlet`` or
    ``quoted``; every voice's rate is per 1,000 tokens of all the outlet's text.

    Intervals (``level_ci``, default 95%), in ``ci_method``:

    - ``"bootstrap"``: when the outlet has at least ``min_docs_bootstrap`` articles
      (default 10) and the term occurs, a bootstrap over the outlet's articles
      (``n_boot`` resamples, seeded by ``seed`` and the outlet name, so an outlet's
      intervals do not depend on the other outlets) of the ratio of summed counts to
      summed tokens, read as an expanded percentile interval
      (:func:`bootstrap_rate_ci`): between-article variation is in it.
    - ``"exact-poisson"``: otherwise (few articles, or a count of 0, where a bootstrap
      would give the degenerate interval [0, 0]), Garwood's exact interval on the count
      divided by the tokens (:func:`poisson_ci`). It treats tokens as independent,
      so with few articles it can be too narrow for the outlet as a whole.

    ``caveat`` is :data:`CAVEAT_FEW_ARTICLES` for outlets with fewer than 5 articles,
    else empty. Sorted by outlet, lexicon, category, entry, voice.

    Examples:
        >>> arts = pd.DataFrame({"doc_id": ["a", "b"], "outlet": ["X", "Y"], "n_tokens": [1000, 500]})
        >>> hits = pd.DataFrame({"doc_id": ["a", "a"], "lexicon": ["lx"] * 2, "category": ["c"] * 2,
        ...                      "entry": ["pretext"] * 2, "voice": ["outlet"] * 2})
        >>> t = rate_by_outlet(hits, arts)
        >>> t[t.voice == "all"][["outlet", "count", "rate_per_1k", "ci_method"]]
          outlet  count  rate_per_1k      ci_method
        0      X      2          2.0  exact-poisson
        2      Y      0          0.0  exact-poisson
        >>> t.caveat.iloc[0]
        'descriptive only: fewer than 5 articles from this outlet'
    """
    arts, keys, cc, uni = _outlet_cells(matches, articles, level, lexicons)
    uni = uni.reset_index(drop=True)
    return rate_by_outlet_from_cells(arts, uni, *_cell_arrays(arts, uni, cc, keys), level, n_boot, seed,
                                     min_docs_bootstrap, level_ci)


def _cell_arrays(arts: pd.DataFrame, uni: pd.DataFrame, cc: pd.DataFrame, keys: list[str]):
    """``cell_doc, cell_key, cell_count`` (see :func:`rate_by_outlet_from_cells`) of the cells ``cc``.

    ``cc``: per-article cell counts (:func:`_cells`); ``arts``: the articles frame;
    ``uni``: a universe holding every (keys, voice) of ``cc``.
    """
    if len(cc) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64)
    cell_index = pd.Series(np.arange(len(uni)), index=pd.MultiIndex.from_frame(uni[[*keys, "voice"]]))
    cell_key = cell_index.reindex(pd.MultiIndex.from_frame(cc[[*keys, "voice"]])).to_numpy(dtype=np.int64)
    doc_pos = pd.Series(np.arange(len(arts)), index=arts["doc_id"].to_numpy())
    cell_doc = doc_pos.reindex(cc["doc_id"]).to_numpy(dtype=np.int64)
    return cell_doc, cell_key, cc["count"].to_numpy(dtype=np.int64)


def _poisson_ci_by_value(count: np.ndarray, exposure, level: float, per: float) -> tuple[np.ndarray, np.ndarray]:
    """:func:`poisson_ci` of an array of counts, computed once per distinct count.

    The same numbers as ``poisson_ci(count, exposure, ...)`` (it works element by
    element), but an outlet's ~10,000 terms have a few dozen distinct counts (most
    are 0), and scipy's chi-square quantiles cost about a microsecond each.
    """
    values, where = np.unique(count, return_inverse=True)
    lo, hi = poisson_ci(values, exposure, level=level, per=per)
    return np.asarray(lo, dtype=float)[where], np.asarray(hi, dtype=float)[where]


def outlet_rates(group: tuple, k: int, n_boot: int = 2000, seed: int = DEFAULT_SEED, min_docs_bootstrap: int = 10,
                 level_ci: float = 0.95) -> dict[str, Any]:
    """The numbers of one outlet's rows of :func:`rate_by_outlet_from_cells`, without a frame.

    ``group``: a tuple of :func:`outlet_cell_groups` (outlet, its articles' tokens in
    doc_id order, and its non-zero cells as article position, row of the universe and
    count); ``k``: rows of the universe. Returns ``{column: value}`` for the columns
    ``count`` .. ``caveat``: arrays of ``k`` values, or one scalar for ``n_docs``,
    ``n_tokens`` and ``caveat``. Kept apart from the frame (:func:`outlet_rate_frame`)
    so that ``mediabias report`` can write millions of rows without building a
    DataFrame per outlet.
    """
    outlet, tok, rows, cells, counts = group
    return outlet_rates_from_matrix(outlet, tok, outlet_matrix(len(tok), k, rows, cells, counts), n_boot, seed,
                                    min_docs_bootstrap, level_ci)


def outlet_matrix(n: int, k: int, rows, cells, counts) -> sparse.csc_matrix:
    """An outlet's ``n`` articles x ``k`` cells of counts, stored by column (cell).

    By column: the column sums, the articles per cell and the bootstrap's blocks of
    cells are read off it without another copy of the outlet's cells. Counts are
    held as int32 when they fit (a large outlet has millions of cells); every sum
    taken of them is in int64 (scipy's sums and products upcast), so the numbers
    are those of an int64 matrix.
    """
    counts = np.asarray(counts)
    fits = not len(counts) or (int(counts.min()) >= 0 and int(counts.max()) < 2 ** 31)
    return sparse.csc_matrix((counts.astype(np.int32 if fits else np.int64, copy=False), (rows, cells)),
                             shape=(n, k))


def outlet_rates_from_matrix(outlet, tok: np.ndarray, mat: sparse.csc_matrix, n_boot: int = 2000,
                             seed: int = DEFAULT_SEED, min_docs_bootstrap: int = 10,
                             level_ci: float = 0.95) -> dict[str, Any]:
    """:func:`outlet_rates` from the outlet's :func:`outlet_matrix` (articles in doc_id order, ``tok`` their tokens)."""
    n, k = mat.shape
    total_tok = int(tok.sum())
    count = np.asarray(mat.sum(axis=0)).ravel()
    with_term = np.diff(mat.indptr)
    rate = count / total_tok * 1000 if total_tok > 0 else np.full(k, np.nan)
    lo, hi = _poisson_ci_by_value(count, total_tok, level_ci, 1000)
    method = np.full(k, "exact-poisson", dtype=object)
    if n >= min_docs_bootstrap and n_boot > 0:
        use = np.flatnonzero(count > 0)
        if use.size:
            # one resampling of the outlet's articles for all its terms (a sparse product)
            blo, bhi = _bootstrap_ratio(mat, tok.astype(np.float64), n_boot, level_ci,
                                        lambda: _rng(seed, outlet), columns=use)
            lo[use], hi[use] = blo * 1000, bhi * 1000
            method[use] = "bootstrap"
    return {"count": count, "n_docs": n, "docs_with_term": with_term.astype(np.int64), "n_tokens": total_tok,
            "rate_per_1k": rate, "ci_low": lo, "ci_high": hi, "ci_method": method,
            "caveat": CAVEAT_FEW_ARTICLES if n < MIN_ARTICLES else ""}


def outlet_rate_frame(outlet, uni: pd.DataFrame, values: dict[str, Any], level: str = "entry") -> pd.DataFrame:
    """One outlet's rows of :func:`rate_by_outlet` from the universe and :func:`outlet_rates`' values."""
    keys = _KEYS[level]
    cols = ["outlet", *keys, "voice", "count", "n_docs", "docs_with_term", "n_tokens", "rate_per_1k",
            "ci_low", "ci_high", "ci_method", "caveat"]
    f = uni.copy()
    f.insert(0, "outlet", outlet)
    for name, v in values.items():
        f[name] = v
    f = f[cols]
    for c in ("count", "n_docs", "docs_with_term", "n_tokens"):
        f[c] = f[c].astype(np.int64)
    return f


def outlet_rates_frame(uni: pd.DataFrame, results: list[tuple], level: str = "entry") -> pd.DataFrame:
    """Several outlets' rows of :func:`rate_by_outlet` as one frame (index from 0).

    ``results``: ``(outlet, values, rows)``: ``values`` from :func:`outlet_rates`,
    ``rows`` the positions in ``uni`` kept, with ``values``' arrays restricted to them
    (or None: every row). The frame concatenating each outlet's
    :func:`outlet_rate_frame` (restricted to ``rows``) would be, built at once: a
    frame per outlet costs milliseconds of pandas bookkeeping, and 490 of them add up.
    """
    picks = [np.arange(len(uni)) if rows is None else np.asarray(rows, dtype=np.int64) for _, _, rows in results]
    sizes = [len(p) for p in picks]
    f = uni.iloc[np.concatenate(picks) if picks else []].reset_index(drop=True)
    f.insert(0, "outlet", np.repeat(np.asarray([o for o, _, _ in results], dtype=object), sizes))
    for name in (results[0][1] if results else ()):
        parts = [v[name] for _, v, _ in results]
        if all(np.ndim(p) == 0 for p in parts):  # one value per outlet
            f[name] = np.repeat(np.asarray(parts, dtype=object if isinstance(parts[0], str) else None), sizes)
        else:
            f[name] = np.concatenate(parts)
    keys = _KEYS[level]
    cols = ["outlet", *keys, "voice", "count", "n_docs", "docs_with_term", "n_tokens", "rate_per_1k",
            "ci_low", "ci_high", "ci_method", "caveat"]
    f = f.reindex(columns=cols)
    for c in ("count", "n_docs", "docs_with_term", "n_tokens"):
        f[c] = f[c].astype(np.int64)
    return f


def _finish_rates(frames: list[pd.DataFrame], keys: list[str], cols: list[str]) -> pd.DataFrame:
    out = pd.concat(frames, ignore_index=True)[cols]
    out = out.sort_values(["outlet", *keys, "voice"], kind="stable").reset_index(drop=True)
    for c in ("count", "n_docs", "docs_with_term", "n_tokens"):
        out[c] = out[c].astype(np.int64)
    return out


# ------------------------------------------------------------------------ keyness


def keyness(counts_target, counts_reference, total_target=None, total_reference=None,
            full_table: bool = False) -> pd.DataFrame:
    """Log-likelihood keyness of every term of a target against a reference.

    ``counts_target`` / ``counts_reference`` map term -> count (dict, Counter or
    Series); missing terms count 0. ``total_*`` are the sizes of the two corpora
    (tokens); by default the sums of the counts (right for word counts).

    Columns: ``term, count_target, count_reference, total_target, total_reference,
    g2, p_value, log_ratio``.

    - ``g2``: log-likelihood G2 (:func:`g2_statistic`; Rayson & Garside's two-cell
      form, or the full 2x2 table with ``full_table=True``), *signed*: positive when
      the term is relatively more frequent in the target (overused), negative when
      less frequent, 0 when equal. ``|g2| >= 3.84`` is p < 0.05, ``>= 6.63`` p < 0.01.
    - ``p_value``: ``chi2.sf(|g2|, df=1)``, in [0, 1].
    - ``log_ratio``: effect size, ``log2((a / c) / (b / d))`` for counts a, b and
      totals c, d, where a zero count is replaced by 0.5 (so the ratio stays finite);
      +1 means twice as frequent in the target.

    Sorted by g2 descending (most overused first), then term.

    Examples:
        >>> k = keyness({"boasted": 10, "said": 50}, {"boasted": 2, "said": 60},
        ...             total_target=1000, total_reference=1000)
        >>> k[["term", "count_target", "count_reference", "g2", "p_value", "log_ratio"]].round(3)
              term  count_target  count_reference     g2  p_value  log_ratio
        0  boasted            10                2  5.822    0.016      2.322
        1     said            50               60 -0.910    0.340     -0.263
    """
    t = pd.Series(counts_target, dtype="float64") if not isinstance(counts_target, pd.Series) else counts_target
    r = pd.Series(counts_reference, dtype="float64") if not isinstance(counts_reference, pd.Series) \
        else counts_reference
    terms = sorted(set(map(str, t.index)) | set(map(str, r.index)))
    t = t.groupby(t.index.map(str)).sum().reindex(terms, fill_value=0)
    r = r.groupby(r.index.map(str)).sum().reindex(terms, fill_value=0)
    c = float(t.sum()) if total_target is None else float(total_target)
    d = float(r.sum()) if total_reference is None else float(total_reference)
    return _keyness_frame(np.asarray(terms, dtype=object), t.to_numpy(float), r.to_numpy(float), c, d,
                          full_table)


def _keyness_frame(terms, a, b, c, d, full_table, extra: dict | None = None) -> pd.DataFrame:
    """The keyness table of ``terms`` (counts ``a`` in ``c`` tokens against ``b`` in ``d``), sorted."""
    return _keyness_rows(*_keyness_columns(terms, a, b, c, d, full_table, extra))


def _keyness_columns(terms, a, b, c, d, full_table, extra: dict | None = None,
                     tie_rank: np.ndarray | None = None) -> tuple[dict[str, Any], np.ndarray]:
    """The columns of :func:`_keyness_frame` (term order) and the frame's row order.

    The order is g2 descending, then term, then ``extra``.

    ``tie_rank``: each term's position in the (term, *extra) order, when the caller
    knows it (it is the same for every outlet); computed here otherwise. Sorting with
    ``np.lexsort`` on that rank gives exactly pandas' stable ``sort_values`` on those
    columns, without factorizing thousands of strings per outlet.
    """
    as_array = (lambda v: v if isinstance(v, np.ndarray) else np.asarray(v, dtype=object))
    terms, extra = as_array(terms), {name: as_array(v) for name, v in (extra or {}).items()}
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    g = g2_statistic(a, b, np.full(a.shape, c), np.full(b.shape, d), full_table=full_table)
    with np.errstate(divide="ignore", invalid="ignore"):
        ft = np.where(a > 0, a, 0.5) / c
        fr = np.where(b > 0, b, 0.5) / d
        sign = np.sign(a / c - b / d) if (c > 0 and d > 0) else np.zeros(a.shape)
        log_ratio = np.log2(ft / fr)
    g = np.where(np.isfinite(g), g * sign, np.nan)
    g2 = g + 0.0  # no -0.0
    cols = {"term": terms, "count_target": a.astype(np.int64), "count_reference": b.astype(np.int64),
            "total_target": np.int64(round(c)), "total_reference": np.int64(round(d)), "g2": g2,
            "p_value": _chi2_sf_df1(np.abs(g)), "log_ratio": log_ratio, **(extra or {})}
    if tie_rank is None:
        tie_rank = _tie_rank(terms, extra)
    if tie_rank is None:  # terms that do not compare (not strings): let pandas sort
        f = pd.DataFrame(cols)
        order = f.assign(_neg=-f["g2"]).sort_values(["_neg", "term", *(extra or {})], kind="stable").index
        order = order.to_numpy()
    else:
        order = np.lexsort((tie_rank, -g2))  # NaN g2 last, like pandas
    return cols, order


def _keyness_rows(cols: dict[str, Any], rows: np.ndarray) -> pd.DataFrame:
    """The frame of :func:`_keyness_columns`' columns, rows ``rows`` (positions), in that order."""
    first = ["term", "count_target", "count_reference", "total_target", "total_reference", "g2", "p_value",
             "log_ratio"]
    pick = (lambda v: v[rows] if isinstance(v, np.ndarray) and v.ndim == 1 else v)
    out = pd.DataFrame({name: pick(cols[name]) for name in first})
    for name in cols:
        if name not in first:
            out[name] = pick(cols[name])
    return out


def _chi2_sf_df1(x: np.ndarray) -> np.ndarray:
    """``scipy.stats.chi2.sf(x, 1)``, computed once per distinct value (the same numbers).

    Keyness has tens of thousands of words per outlet but far fewer distinct
    (count, count) pairs, and scipy's survival function costs about 0.3 us a value.
    """
    x = np.asarray(x, dtype=float)
    values, where = np.unique(x, return_inverse=True)
    return np.asarray(sps.chi2.sf(values, 1), dtype=float)[where.reshape(x.shape)]


def _tie_rank(terms, extra: dict | None) -> np.ndarray | None:
    """Each row's position in the order (term, *extra), or None when the values do not compare."""
    keys = list(zip(terms, *extra.values())) if extra else list(terms)
    try:
        order = sorted(range(len(keys)), key=keys.__getitem__)
    except TypeError:
        return None
    rank = np.empty(len(keys), dtype=np.int64)
    rank[order] = np.arange(len(keys))
    return rank


def _word_counts(articles: pd.DataFrame, lowercase: bool) -> dict[str, Counter]:
    from mediabias.text import lower_tokens, tokenize

    _require(articles, ["doc_id", "outlet", "text"], "articles")
    per: dict[str, Counter] = {}
    for outlet, text in zip(articles["outlet"].astype(str), articles["text"]):
        toks = tokenize(text) if isinstance(text, str) else []
        per.setdefault(outlet, Counter()).update(lower_tokens(toks) if lowercase else toks)
    return per


def keyness_by_outlet(articles: pd.DataFrame | None = None, matches: pd.DataFrame | None = None,
                      unit: str = "word", min_count: int | None = None, lowercase: bool = True,
                      voice: str | None = None, full_table: bool = False) -> pd.DataFrame:
    """Keyness of words or lexicon entries, each outlet against all the other outlets together.

    ``unit="word"`` counts the tokens of ``articles.text`` (:func:`mediabias.text.tokenize`,
    lower-cased unless ``lowercase=False``); totals are the outlet's and the rest's
    token counts. ``unit="entry"`` counts ledger hits per (lexicon, category, entry)
    (``voice="outlet"`` or ``"quoted"`` to keep one voice); totals are the token
    counts from ``articles`` when given, else the numbers of hits (then the test
    compares an entry's share among all hits).

    ``min_count`` keeps a term when ``count_target + count_reference`` (its count in
    the whole corpus) is at least ``min_count``; default 5 for words, 1 for entries.
    Works for any number of outlets; with fewer than two the table is empty.

    Columns: ``outlet, term, count_target, count_reference, total_target,
    total_reference, g2, p_value, log_ratio, unit, q_value`` and, for entries,
    ``lexicon, category``. ``g2`` is signed: positive = overused by the outlet
    (see :func:`keyness` for g2, p_value and log_ratio, with its 0.5 smoothing of zero
    counts); ``q_value`` is the Benjamini-Hochberg adjustment of ``p_value`` over the
    outlet's terms. Sorted by outlet, then g2 descending, then term.

    Examples:
        >>> arts = pd.DataFrame({"doc_id": ["a", "b"], "outlet": ["X", "Y"],
        ...                      "text": ["the resistance " * 6, "the terrorists " * 6]})
        >>> keyness_by_outlet(arts, min_count=5)[["outlet", "term", "count_target", "g2"]].round(2)
          outlet        term  count_target    g2
        0      X  resistance             6  8.32
        1      X         the             6  0.00
        2      X  terrorists             0 -8.32
        3      Y  terrorists             6  8.32
        4      Y         the             6  0.00
        5      Y  resistance             0 -8.32
    """
    if unit not in ("word", "entry"):
        raise ValueError("unit must be 'word' or 'entry'")
    if min_count is None:
        min_count = 5 if unit == "word" else 1
    base = ["outlet", "term", "count_target", "count_reference", "total_target", "total_reference",
            "g2", "p_value", "log_ratio", "unit", "q_value"]
    cols = base + (["lexicon", "category"] if unit == "entry" else [])
    if unit == "word":
        if articles is None:
            raise MediabiasError("word keyness needs the articles table", hint="Pass articles=...")
        frames = list(keyness_words_from_counts(_word_counts(articles, lowercase), min_count, full_table))
        return pd.concat(frames, ignore_index=True)[cols] if frames else _empty(cols)
    else:
        if matches is None:
            raise MediabiasError("entry keyness needs the matches table", hint="Pass matches=...")
        m = matches
        if articles is not None:
            arts = _article_frame(articles)
            m = _attach_outlet(matches, arts) if len(matches) else matches
        _require(m, ["outlet", "lexicon", "category", "entry"], "matches")
        if voice is not None:
            _require(m, ["voice"], "matches")
            m = m[m["voice"].astype(str) == voice]
        g = m.assign(**{c: m[c].astype(str) for c in ("outlet", "lexicon", "category", "entry")})
        table = (g.groupby(["lexicon", "category", "entry", "outlet"]).size().unstack("outlet")
                 .fillna(0).astype(np.int64))
        if articles is not None:
            outlets = sorted(arts["outlet"].unique())
            table = table.reindex(columns=outlets, fill_value=0)
            totals = arts.groupby("outlet")["n_tokens"].sum().reindex(outlets).astype(np.int64)
        else:
            table = table.reindex(columns=sorted(table.columns))
            totals = table.sum(axis=0)
        keyed = table.index.to_frame(index=False).rename(columns={"entry": "term"})
    if table.shape[1] < 2 or table.shape[0] == 0:
        return _empty(cols)
    extras = {"lexicon": keyed["lexicon"].to_numpy(), "category": keyed["category"].to_numpy()}
    frames = list(_keyness_outlet_frames(keyed["term"].to_numpy(), extras, list(table.columns),
                                         lambda o: table[o].to_numpy(), table.sum(axis=1).to_numpy(),
                                         totals, unit, min_count, full_table))
    return pd.concat(frames, ignore_index=True)[cols]


def _keyness_outlet_frames(terms: np.ndarray, extras: dict, outlets: list, column, corpus: np.ndarray, totals,
                           unit: str, min_count: int, full_table: bool, top: int | None = None,
                           grand: int | None = None):
    """Each outlet's keyness frame, in ``outlets`` order (the loop of :func:`keyness_by_outlet`).

    ``column(outlet)`` gives the outlet's count of every term (aligned with ``terms``),
    ``corpus`` the corpus count of every term, ``totals[outlet]`` the outlet's total.
    ``top``: an outlet with more than ``2 * top`` terms gets only its first and last
    ``top`` rows (values, q_value included, as in the full frame), and only those
    rows are built. ``grand``: the corpus total (default: the sum of ``outlets``' totals;
    given when ``outlets`` is a part of the corpus' outlets).
    """
    base = ["outlet", "term", "count_target", "count_reference", "total_target", "total_reference",
            "g2", "p_value", "log_ratio", "unit", "q_value"]
    cols = base + (["lexicon", "category"] if unit == "entry" else [])
    keep = corpus >= min_count
    if grand is None:
        grand = int(sum(int(totals[o]) for o in outlets))
    kept_terms = terms[keep]
    kept_extra = {name: values[keep] for name, values in extras.items()}
    tie_rank = _tie_rank(kept_terms, kept_extra)  # the same for every outlet
    for outlet in outlets:
        a = column(outlet)[keep]
        b = corpus[keep] - a
        c = float(totals[outlet])
        d = float(grand - totals[outlet])
        values, order = _keyness_columns(kept_terms, a, b, c, d, full_table, kept_extra, tie_rank)
        q = benjamini_hochberg(values["p_value"][order])  # over all the outlet's terms
        n = len(q)
        keep_rows = np.r_[0:top, n - top:n] if top is not None and n > 2 * top else slice(None)
        f = _keyness_rows(values, order[keep_rows])
        f.insert(0, "outlet", outlet)
        f["unit"] = unit
        f["q_value"] = q[keep_rows]
        yield f[cols]


# ----------------------------------------------------------------- framing pairs


def framing_shares(matches: pd.DataFrame, lexicons, articles: pd.DataFrame | None = None,
                   level: float = 0.95, by_voice: bool = False, weights: str | None = None) -> pd.DataFrame:
    """Each outlet's share of each competing label for a referent (``framing_pairs``).

    For every framing pair of every lexicon (``Lexicon.framing_pairs``) and every
    outlet, the hits of that lexicon whose ``entry`` is one of an alternative's terms
    (compared ignoring case and surrounding spaces) count for that alternative;
    ``total`` is the outlet's hits on the referent, ``share = count / total`` in
    [0, 1], and the shares of one outlet and referent sum to 1. An outlet that never
    names the referent gets **no rows** (its share is undefined, not 0); an outlet
    that names it gets a row for every alternative, zeros included.

    Interval: Wilson score interval (``ci_method = "wilson"``) at ``level``. It
    treats hits as independent, though one article's hits are not: read it as a
    lower bound on the uncertainty. ``n_docs`` counts the outlet's articles that name
    the referent. ``caveat``: with ``articles`` given, :data:`CAVEAT_FEW_ARTICLES` for
    outlets with fewer than 5 articles; otherwise (or besides) "descriptive only:
    fewer than 5 articles from this outlet name this referent" when ``n_docs < 5``.

    ``by_voice=True`` adds a ``voice`` column (``all``, ``outlet``, ``quoted``) and
    computes shares within each voice. ``weights``: the name of a column holding each
    row's number of hits (rows of per-article counts instead of one row per hit; the
    same table).

    Columns: ``outlet, lexicon, referent, alternative, count, total, share, ci_low,
    ci_high, ci_method, n_docs, caveat`` (``voice`` after ``referent`` when split).
    Sorted by outlet, lexicon, referent, [voice,] alternative.

    Examples:
        >>> from mediabias.lexicon.model import Entry, FramingPair, Lexicon
        >>> lex = Lexicon("framing", (Entry("occupied territories", "f"), Entry("disputed territories", "f")),
        ...     framing_pairs=(FramingPair("territories", "", {"occupied": ("occupied territories",),
        ...                                                    "disputed": ("disputed territories",)}),))
        >>> hits = pd.DataFrame({"doc_id": ["a", "a", "a", "b"], "outlet": ["X", "X", "X", "Y"],
        ...     "lexicon": ["framing"] * 4, "voice": ["outlet"] * 4, "entry": ["occupied territories"] * 3
        ...     + ["disputed territories"]})
        >>> framing_shares(hits, lex)[["outlet", "alternative", "count", "total", "share"]]
          outlet alternative  count  total  share
        0      X    disputed      0      3    0.0
        1      X    occupied      3      3    1.0
        2      Y    disputed      1      1    1.0
        3      Y    occupied      0      1    0.0
    """
    n_art = None
    m = matches
    if articles is not None:
        arts = _article_frame(articles)
        n_art = arts.groupby("outlet").size()
        if len(matches):
            m = _attach_outlet(matches, arts)
    if len(m) == 0:
        return _framing_frame([], n_art, level, by_voice)
    _require(m, ["doc_id", "outlet", "lexicon", "entry"] + (["voice"] if by_voice else []), "matches")
    m = pd.DataFrame({
        "doc_id": m["doc_id"].astype(str).to_numpy(),
        "outlet": m["outlet"].astype(str).to_numpy(),
        "lexicon": m["lexicon"].astype(str).to_numpy(),
        "key": m["entry"].astype(str).str.strip().str.casefold().to_numpy(),
        "voice": m["voice"].astype(str).to_numpy() if "voice" in m.columns else "all",
        "n": m[weights].to_numpy(dtype=np.int64) if weights else 1,
    })
    rows = []
    for lex in _as_lexicons(lexicons):
        for fp in lex.framing_pairs:
            label_of = _framing_labels(lex, fp)
            hits = m[(m["lexicon"] == lex.name) & m["key"].isin(label_of)].copy()
            if hits.empty:
                continue
            hits["alternative"] = hits["key"].map(label_of)
            variants = [hits.assign(voice="all")]
            if by_voice:
                variants.append(hits[hits["voice"].isin(["outlet", "quoted"])])
            for h in variants:
                # per (outlet, voice), in sorted order: hits, articles, and hits per alternative
                groups = h.groupby(["outlet", "voice"], sort=True)
                totals, n_docs = groups["n"].sum(), groups["doc_id"].nunique()
                counts = h.groupby(["outlet", "voice", "alternative"], sort=False)["n"].sum().to_dict()
                for (outlet, v), total, nd in zip(totals.index, totals.to_numpy(), n_docs.to_numpy()):
                    for label in fp.alternatives:
                        rows.append((outlet, lex.name, fp.referent, v, str(label),
                                     int(counts.get((outlet, v, label), 0)), int(total), int(nd)))
    return _framing_frame(rows, n_art, level, by_voice)


def _framing_labels(lex, fp) -> dict[str, str]:
    """Each term of a framing pair (stripped, casefolded) -> its alternative's label; a term in two is an error."""
    label_of: dict[str, str] = {}
    for label, terms in fp.alternatives.items():
        for term in terms:
            key = str(term).strip().casefold()
            if key in label_of and label_of[key] != label:
                raise MediabiasError(
                    f"lexicon {lex.name!r}: entry {term!r} is in two alternatives "
                    f"({label_of[key]!r}, {label!r}) of framing pair {fp.referent!r}",
                    path=lex.path, hint="Keep each entry in one alternative.")
            label_of[key] = str(label)
    return label_of


def _framing_frame(rows: list[tuple], n_art: pd.Series | None, level: float, by_voice: bool) -> pd.DataFrame:
    """The framing_pairs table from its rows ``(outlet, lexicon, referent, voice, alternative, count, total,
    n_docs)``: shares, Wilson intervals, caveats, sorted (see :func:`framing_shares`)."""
    cols = ["outlet", "lexicon", "referent", *(["voice"] if by_voice else []), "alternative", "count", "total",
            "share", "ci_low", "ci_high", "ci_method", "n_docs", "caveat"]
    if not rows:
        return _empty(cols)
    out = pd.DataFrame(rows, columns=["outlet", "lexicon", "referent", "voice", "alternative", "count",
                                      "total", "n_docs"])
    out["share"] = out["count"] / out["total"]
    lo, hi = wilson_ci(out["count"].to_numpy(), out["total"].to_numpy(), level=level)
    out["ci_low"], out["ci_high"] = lo, hi
    out["ci_method"] = "wilson"
    cav = np.where(out["n_docs"] < MIN_ARTICLES,
                   "descriptive only: fewer than 5 articles from this outlet name this referent", "")
    if n_art is not None:
        few = out["outlet"].map(n_art).fillna(0).to_numpy() < MIN_ARTICLES
        cav = np.where(few, CAVEAT_FEW_ARTICLES, cav)
    out["caveat"] = cav.astype(object)
    sort = ["outlet", "lexicon", "referent", *(["voice"] if by_voice else []), "alternative"]
    return out.sort_values(sort, kind="stable")[cols].reset_index(drop=True)


def framing_shares_from_cells(lexicons, outlets: list[str], doc_outlet: np.ndarray, n_art: pd.Series,
                              uni: pd.DataFrame, cell_doc: np.ndarray, cell_key: np.ndarray, cell_count: np.ndarray,
                              level: float = 0.95) -> pd.DataFrame:
    """:func:`framing_shares` (``by_voice=False``, with ``articles``) from per-article cells given as codes.

    ``outlets``: sorted; ``doc_outlet``: each article's outlet (a position in
    ``outlets``); ``n_art``: articles per outlet (a Series by outlet); ``uni``: the
    entry universe (``lexicon``, ``entry``, ...); a cell is ``(article, row of uni,
    count)``, one per article and row, counts above 0. The same table as
    :func:`framing_shares` on those hits, without a row of strings per hit (millions
    on a big corpus).
    """
    u = uni.reset_index(drop=True)
    lex_of_row = u["lexicon"].astype(str).to_numpy(dtype=object)
    key_of_row = [str(e).strip().casefold() for e in u["entry"]]
    cell_doc = np.asarray(cell_doc, dtype=np.int64)
    cell_key = np.asarray(cell_key, dtype=np.int64)
    cell_count = np.asarray(cell_count, dtype=np.int64)
    n_out = len(outlets)
    rows = []
    for lex in _as_lexicons(lexicons):
        for fp in lex.framing_pairs:
            label_of = _framing_labels(lex, fp)
            labels = [str(label) for label in fp.alternatives]
            index = {label: j for j, label in enumerate(labels)}
            alt_of_row = np.array([index[label_of[k]] if lx == lex.name and k in label_of else -1
                                   for lx, k in zip(lex_of_row, key_of_row)], dtype=np.int64)
            alt = alt_of_row[cell_key] if len(cell_key) else np.zeros(0, np.int64)
            sel = alt >= 0
            if not sel.any():
                continue
            doc, a, n = cell_doc[sel], alt[sel], cell_count[sel]
            o = doc_outlet[doc].astype(np.int64)
            has = np.bincount(o, minlength=n_out) > 0
            total = np.zeros(n_out, np.int64)
            np.add.at(total, o, n)
            per = np.zeros(n_out * len(labels), np.int64)
            np.add.at(per, o * len(labels) + a, n)
            per = per.reshape(n_out, len(labels))
            n_docs = np.bincount(doc_outlet[np.unique(doc)].astype(np.int64), minlength=n_out)
            for i in np.flatnonzero(has):
                for j, label in enumerate(labels):
                    rows.append((outlets[i], lex.name, fp.referent, "all", label, int(per[i, j]), int(total[i]),
                                 int(n_docs[i])))
    return _framing_frame(rows, n_art, level, False)


# --------------------------------------------------------------- comparing rates


def compare_rates(outlet_terms_or_matches: pd.DataFrame, articles: pd.DataFrame | None, outlet_a: str,
                  outlet_b: str, level: str = "entry", voice: str | None = "all") -> pd.DataFrame:
    """Exact test of each term's rate in ``outlet_a`` against ``outlet_b``, with BH q-values.

    Accepts the ``outlet_terms`` table of :func:`rate_by_outlet` (then ``articles``
    may be ``None``: tokens and article counts come from its ``n_tokens`` and
    ``n_docs``), or the ledger (``matches``, then ``articles`` is required).

    Test: conditional on the total ``n = count_a + count_b``, if both outlets use the
    term at the same rate per token, ``count_a ~ Binomial(n, p)`` with
    ``p = tokens_a / (tokens_a + tokens_b)``; two-sided ``scipy.stats.binomtest``
    (exact). It assumes Poisson counts, i.e. tokens as independent: hits cluster in
    articles, so read small p-values with care when few articles carry a term.
    Terms with ``n = 0`` are left out. ``q_value`` is the Benjamini-Hochberg
    adjustment (:func:`benjamini_hochberg`) over all rows returned.

    ``voice``: which voice rows to test (``"all"`` default, ``"outlet"``, ``"quoted"``,
    or ``None`` for all three, tested as one family).

    Columns: ``outlet_a, outlet_b, lexicon, category, entry, voice, count_a, count_b,
    n_tokens_a, n_tokens_b, rate_a_per_1k, rate_b_per_1k, log_ratio, p_value, q_value,
    test, caveat`` (``log_ratio = log2(rate_a / rate_b)``, zero counts replaced by 0.5;
    no ``entry`` at ``level="category"``). Sorted by p_value, then term.

    Examples:
        >>> arts = pd.DataFrame({"doc_id": ["a", "b"], "outlet": ["X", "Y"], "n_tokens": [1000, 1000]})
        >>> hits = pd.DataFrame({"doc_id": ["a"] * 8, "lexicon": ["lx"] * 8, "category": ["c"] * 8,
        ...                      "entry": ["regime"] * 8, "voice": ["outlet"] * 8})
        >>> r = compare_rates(hits, arts, "X", "Y")
        >>> r[["entry", "count_a", "count_b", "p_value"]].round(4)
            entry  count_a  count_b  p_value
        0  regime        8        0   0.0078
    """
    df = outlet_terms_or_matches
    is_table = {"count", "n_tokens", "outlet", "voice"} <= set(df.columns) and "doc_id" not in df.columns
    if is_table:
        keys = [k for k in _KEYS["entry"] if k in df.columns]
        level = "entry" if "entry" in keys else "category"
        t = df
        n_docs = t.groupby("outlet")["n_docs"].first() if "n_docs" in t.columns else None
        tokens = t.groupby("outlet")["n_tokens"].first()
    else:
        if articles is None:
            raise MediabiasError("compare_rates needs the articles table with the matches",
                                 hint="Pass articles=..., or the outlet_terms table.")
        arts, keys, cc, uni = _outlet_cells(df, articles, level, None)
        tokens = arts.groupby("outlet")["n_tokens"].sum()
        n_docs = arts.groupby("outlet").size()
        counts = cc.groupby(["outlet", *keys, "voice"])["count"].sum()
        grid = pd.concat([uni.assign(outlet=o) for o in (outlet_a, outlet_b)], ignore_index=True)
        idx = pd.MultiIndex.from_frame(grid[["outlet", *keys, "voice"]])
        grid["count"] = counts.reindex(idx).fillna(0).astype(np.int64).to_numpy() if len(counts) else 0
        t = grid
    known = sorted(map(str, tokens.index))
    for o in (outlet_a, outlet_b):
        if o not in known:
            raise MediabiasError(f"no outlet {o!r} in the table", hint=f"Outlets: {', '.join(known)}.")
    if voice is not None:
        t = t[t["voice"] == voice]
    cols = ["outlet_a", "outlet_b", *keys, "voice", "count_a", "count_b", "n_tokens_a", "n_tokens_b",
            "rate_a_per_1k", "rate_b_per_1k", "log_ratio", "p_value", "q_value", "test", "caveat"]
    wide = (t[t["outlet"].isin([outlet_a, outlet_b])]
            .pivot_table(index=[*keys, "voice"], columns="outlet", values="count", aggfunc="sum", fill_value=0)
            .reindex(columns=[outlet_a, outlet_b], fill_value=0))
    wide = wide[(wide[outlet_a] + wide[outlet_b]) > 0]
    if wide.empty:
        return _empty(cols)
    ta, tb = int(tokens[outlet_a]), int(tokens[outlet_b])
    ka = wide[outlet_a].to_numpy(dtype=np.int64)
    kb = wide[outlet_b].to_numpy(dtype=np.int64)
    p0 = ta / (ta + tb)
    pvals = np.array([sps.binomtest(int(x), int(x + y), p0).pvalue for x, y in zip(ka, kb)])
    out = wide.index.to_frame(index=False)
    out.insert(0, "outlet_b", outlet_b)
    out.insert(0, "outlet_a", outlet_a)
    out["count_a"], out["count_b"] = ka, kb
    out["n_tokens_a"], out["n_tokens_b"] = ta, tb
    out["rate_a_per_1k"] = ka / ta * 1000 if ta else np.nan
    out["rate_b_per_1k"] = kb / tb * 1000 if tb else np.nan
    out["log_ratio"] = np.log2((np.where(ka > 0, ka, 0.5) / ta) / (np.where(kb > 0, kb, 0.5) / tb))
    out["p_value"] = pvals
    out["q_value"] = benjamini_hochberg(pvals)
    out["test"] = "exact conditional binomial (Poisson counts given tokens)"
    cav = []
    for o in (outlet_a, outlet_b):
        if n_docs is not None and int(n_docs.get(o, 0)) < MIN_ARTICLES:
            cav.append(f"{CAVEAT_FEW_ARTICLES} ({o})")
    out["caveat"] = "; ".join(cav)
    out = out.sort_values(["p_value", *keys, "voice"], kind="stable")[cols].reset_index(drop=True)
    return out


# ------------------------------------------------------- from per-article partial counts
#
# ``mediabias report`` does not keep the ledger of a large corpus in memory: each chunk
# of articles is reduced to per-article partial counts (:func:`article_cells`, word
# Counters), and the outlet tables are computed from those. The functions below give
# exactly the tables of rate_by_outlet, rate_by_article and keyness_by_outlet on the
# whole ledger (tests/test_engine.py checks it); they share those functions' code.


def article_cells(matches: pd.DataFrame, articles: pd.DataFrame, level: str = "entry") -> pd.DataFrame:
    """Hits per article x term (``level="entry"``) or category x voice, with voice ``all`` added.

    The per-article partial counts the outlet tables are computed from: columns
    ``doc_id, outlet, lexicon, category, [entry,] voice, count`` (no zero rows).

    Examples:
        >>> arts = pd.DataFrame({"doc_id": ["a"], "outlet": ["X"], "n_tokens": [100]})
        >>> hits = pd.DataFrame({"doc_id": ["a", "a"], "lexicon": ["lx"] * 2, "category": ["c"] * 2,
        ...                      "entry": ["e", "e"], "voice": ["outlet", "quoted"]})
        >>> article_cells(hits, arts)[["voice", "count"]].values.tolist()
        [['all', 2], ['outlet', 1], ['quoted', 1]]
    """
    if level not in _KEYS:
        raise ValueError("level must be 'entry' or 'category'")
    keys = _KEYS[level]
    if len(matches) == 0:
        return pd.DataFrame({**{c: pd.Series(dtype=object) for c in ["doc_id", "outlet", *keys, "voice"]},
                             "count": pd.Series(dtype="int64")})
    arts = _article_frame(articles)
    return _cells(_attach_outlet(matches, arts), keys)


def cell_universe(cell_keys: Iterable[tuple], level: str = "entry") -> pd.DataFrame:
    """The sorted (keys, voice) table of the distinct cells seen (as :func:`rate_by_outlet` builds it)."""
    keys = _KEYS[level]
    seen = pd.DataFrame(list(cell_keys), columns=[*keys, "voice"])
    return seen.sort_values([*keys, "voice"]).reset_index(drop=True)


def _outlet_positions(arts: pd.DataFrame):
    """Outlets (sorted), each article's outlet code, and its position among its outlet's articles."""
    codes, outlets = pd.factorize(arts["outlet"], sort=True)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(outlets) + 1))
    rank = np.empty(len(arts), dtype=np.int64)
    rank[order] = np.arange(len(arts)) - bounds[codes[order]]
    return list(outlets), codes, order, bounds, rank


def rate_by_outlet_from_cells(arts: pd.DataFrame, uni: pd.DataFrame, cell_doc: np.ndarray, cell_key: np.ndarray,
                              cell_count: np.ndarray, level: str = "entry", n_boot: int = 2000,
                              seed: int = DEFAULT_SEED, min_docs_bootstrap: int = 10,
                              level_ci: float = 0.95) -> pd.DataFrame:
    """:func:`rate_by_outlet` from per-article cell counts instead of the ledger.

    ``arts``: ``doc_id, outlet, n_tokens`` sorted by doc_id (one row per article);
    ``uni``: the cell universe (:func:`cell_universe`); ``cell_doc``, ``cell_key``,
    ``cell_count``: for every non-zero cell, the article's row in ``arts``, the
    cell's row in ``uni`` and the count. Same table as ``rate_by_outlet(matches,
    articles, level, ...)`` on the ledger these counts come from.
    """
    keys = _KEYS[level]
    cols = ["outlet", *keys, "voice", "count", "n_docs", "docs_with_term", "n_tokens", "rate_per_1k",
            "ci_low", "ci_high", "ci_method", "caveat"]
    if len(uni) == 0:
        return _empty(cols)
    uni = uni.reset_index(drop=True)
    results = [(group[0], outlet_rates(group, len(uni), n_boot, seed, min_docs_bootstrap, level_ci), None)
               for group in outlet_cell_groups(arts, cell_doc, cell_key, cell_count)]
    return _finish_rates([outlet_rates_frame(uni, results, level)] if results else [], keys, cols)


def outlet_cell_groups(arts: pd.DataFrame, cell_doc: np.ndarray, cell_key: np.ndarray, cell_count: np.ndarray):
    """Per-article cell counts split by outlet, in outlet order: ``(outlet, tok, rows, cells, counts)``.

    ``tok``: the outlet's articles' tokens in doc_id order; ``rows``: each non-zero
    cell's article (position in ``tok``), ``cells``: its row of the universe,
    ``counts``: its count. Arguments as :func:`rate_by_outlet_from_cells`. Each tuple
    is what :func:`outlet_rates` needs, and small enough to send to another process.
    """
    cell_doc = np.asarray(cell_doc, dtype=np.int64)
    outlets, codes, order, bounds, rank = _outlet_positions(arts)
    cell_outlet = codes[cell_doc]
    corder = np.argsort(cell_outlet, kind="stable")
    cbounds = np.searchsorted(cell_outlet[corder], np.arange(len(outlets) + 1))
    tok_all = arts["n_tokens"].to_numpy(dtype=np.int64)
    cell_key = np.asarray(cell_key, dtype=np.int64)
    cell_count = np.asarray(cell_count, dtype=np.int64)
    for i, outlet in enumerate(outlets):
        docs = order[bounds[i]:bounds[i + 1]]
        sel = corder[cbounds[i]:cbounds[i + 1]]
        yield outlet, tok_all[docs], rank[cell_doc[sel]], cell_key[sel], cell_count[sel]


def rate_by_article_from_cells(arts: pd.DataFrame, uni: pd.DataFrame, cell_doc: np.ndarray, cell_key: np.ndarray,
                               cell_count: np.ndarray, block: int = 20_000):
    """:func:`rate_by_article` (zeros included) from category-level cell counts, in blocks of articles.

    Arguments as :func:`rate_by_outlet_from_cells` (with a category-level universe).
    Yields the table's rows in order (doc_id, lexicon, category, voice), ``block``
    articles at a time, so a corpus of any size can be written without holding it.
    """
    cols = ["doc_id", "outlet", "lexicon", "category", "voice", "count", "rate_per_1k"]
    u = len(uni)
    if u == 0:
        yield _empty(cols, {"count": "int64", "rate_per_1k": "float64"})
        return
    cell_doc = np.asarray(cell_doc, dtype=np.int64)
    order = np.argsort(cell_doc, kind="stable")
    sorted_doc = cell_doc[order]
    cell_key = np.asarray(cell_key, dtype=np.int64)[order]
    cell_count = np.asarray(cell_count, dtype=np.int64)[order]
    doc_ids = arts["doc_id"].to_numpy(dtype=object)
    outlet_of = arts["outlet"].to_numpy(dtype=object)
    tokens = arts["n_tokens"].to_numpy(dtype=np.int64)
    uni_cols = {c: uni[c].to_numpy(dtype=object) for c in ("lexicon", "category", "voice")}
    for start in range(0, len(arts), block):
        stop = min(len(arts), start + block)
        m = stop - start
        lo, hi = np.searchsorted(sorted_doc, [start, stop])
        counts = np.zeros((m, u), dtype=np.int64)
        counts[sorted_doc[lo:hi] - start, cell_key[lo:hi]] = cell_count[lo:hi]
        count = counts.ravel()
        tok = np.repeat(tokens[start:stop], u)
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = np.where(tok > 0, count / np.where(tok > 0, tok, 1) * 1000, np.nan)
        yield pd.DataFrame({
            "doc_id": np.repeat(doc_ids[start:stop], u),
            "outlet": np.repeat(outlet_of[start:stop], u),
            **{c: np.tile(v, m) for c, v in uni_cols.items()},
            "count": count,
            "rate_per_1k": rate,
        })[cols]


def keyness_words_from_counts(per_outlet: dict[str, Counter], min_count: int = 5, full_table: bool = False):
    """:func:`keyness_by_outlet` with ``unit="word"`` from each outlet's word Counter.

    ``per_outlet`` maps every outlet (also one whose articles have no words) to the
    Counter of its lower-cased tokens. Yields one frame per outlet, in outlet order
    (nothing with fewer than two outlets or no words): concatenated, the table
    ``keyness_by_outlet(articles, unit="word", min_count=min_count)`` gives.
    """
    outlets = sorted(per_outlet)
    words: dict[str, int] = {}
    o_idx, w_idx, vals = [], [], []
    for i, o in enumerate(outlets):
        cnt = per_outlet[o]
        w_idx.append(np.fromiter((words.setdefault(w, len(words)) for w in cnt), dtype=np.int64, count=len(cnt)))
        vals.append(np.fromiter(cnt.values(), dtype=np.int64, count=len(cnt)))
        o_idx.append(np.full(len(cnt), i, dtype=np.int64))
    cat = (lambda xs: np.concatenate(xs) if xs else np.zeros(0, np.int64))
    yield from keyness_words_from_sparse(outlets, list(words), cat(o_idx), cat(w_idx), cat(vals), min_count,
                                         full_table)


def keyness_words_from_sparse(outlets: list[str], words: list[str], outlet_idx: np.ndarray, word_idx: np.ndarray,
                              counts: np.ndarray, min_count: int = 5, full_table: bool = False,
                              max_rows: int | None = None, top: int = 100, info: dict | None = None):
    """:func:`keyness_words_from_counts` from (outlet, word, count) triplets.

    ``outlets``: every outlet, sorted; ``words``: the vocabulary (any order);
    ``outlet_idx``/``word_idx``/``counts``: one entry per (outlet, word) with a count.

    ``max_rows``: when the full table (outlets x words kept) would have more rows,
    each outlet keeps only its ``top`` most overused and ``top`` most underused words
    (the first and last rows of its frame; every value, q_value included, is the one
    of the full table). ``info["capped"]`` says whether that happened.
    """
    plan = WordKeyness.from_sparse(outlets, words, outlet_idx, word_idx, counts, min_count, full_table, max_rows,
                                   top)
    if info is not None and plan is not None:
        info.update(capped=plan.capped, full_rows=plan.full_rows)
    if plan is not None:
        yield from plan.frames()


@dataclass
class WordKeyness:
    """Word keyness (:func:`keyness_words_from_sparse`) prepared once, to compute any outlets' frames apart.

    The figures every outlet's frame needs (kept words, their corpus counts, the
    grand total) are computed once; :meth:`subset` keeps some outlets (a small object,
    cheap to send to another process) and :meth:`frames` gives their frames, the
    same as in the whole table.
    """

    outlets: list             # the outlets of this plan, in table order
    terms: np.ndarray         # the words kept (corpus count >= min_count), sorted
    corpus: np.ndarray        # their counts in the whole corpus
    counts: Any               # scipy CSR, outlets x words kept: each outlet's counts
    totals: np.ndarray        # each outlet's words (all words, kept or not)
    grand: int                # the corpus' words
    min_count: int
    full_table: bool
    top: int | None           # keep each outlet's first and last ``top`` rows (None: all rows)
    capped: bool = False
    full_rows: int = 0        # rows of the uncapped table

    @classmethod
    def from_sparse(cls, outlets: list[str], words: list[str], outlet_idx: np.ndarray, word_idx: np.ndarray,
                    counts: np.ndarray, min_count: int = 5, full_table: bool = False, max_rows: int | None = None,
                    top: int = 100) -> "WordKeyness | None":
        """Arguments as :func:`keyness_words_from_sparse`; None when there is no table (< 2 outlets, no word)."""
        if len(outlets) < 2 or not words:
            return None
        order = sorted(range(len(words)), key=words.__getitem__)
        rank = np.empty(len(words), dtype=np.int64)
        rank[order] = np.arange(len(words))
        vocab = np.asarray([words[i] for i in order], dtype=object)
        r = rank[np.asarray(word_idx, dtype=np.int64)]
        counts = np.asarray(counts, dtype=np.int64)
        oi = np.asarray(outlet_idx, dtype=np.int64)
        corpus = np.zeros(len(vocab), dtype=np.int64)
        np.add.at(corpus, r, counts)
        totals = np.zeros(len(outlets), dtype=np.int64)
        np.add.at(totals, oi, counts)
        keep = corpus >= min_count
        column = np.cumsum(keep) - 1  # word rank -> column among the kept words
        sel = keep[r]
        matrix = sparse.csr_matrix((counts[sel], (oi[sel], column[r[sel]])), shape=(len(outlets), int(keep.sum())),
                                   dtype=np.int64)
        n_rows = len(outlets) * int(keep.sum())
        capped = max_rows is not None and n_rows > max_rows
        return cls(list(outlets), vocab[keep], corpus[keep], matrix, totals, int(totals.sum()), min_count,
                   full_table, top if capped else None, capped, n_rows)

    def subset(self, positions) -> "WordKeyness":
        """The same plan for the outlets at ``positions`` only."""
        positions = np.asarray(positions, dtype=np.int64)
        return replace(self, outlets=[self.outlets[i] for i in positions],
                                   counts=self.counts[positions], totals=self.totals[positions])

    def frames(self):
        """Each outlet's keyness frame, in order (as in the whole table)."""
        where = {o: i for i, o in enumerate(self.outlets)}
        totals = dict(zip(self.outlets, self.totals.tolist()))
        yield from _keyness_outlet_frames(self.terms, {}, self.outlets,
                                          lambda o: self.counts[where[o]].toarray().ravel(), self.corpus, totals,
                                          "word", self.min_count, self.full_table, self.top, grand=self.grand)


def keyness_entry_frames_from_cells(arts: pd.DataFrame, uni: pd.DataFrame, cell_doc: np.ndarray,
                                    cell_key: np.ndarray, cell_count: np.ndarray, full_table: bool = False):
    """:func:`keyness_by_outlet` with ``unit="entry"`` (and articles) from entry-level cell counts, one
    outlet at a time: each outlet's frame, in outlet order.

    Nothing is yielded with fewer than two outlets or no entry. A caller that writes or
    filters each frame as it comes never holds the whole table (490 outlets x 3,000
    entries: 1.5 million rows).
    """
    outlets = sorted(arts["outlet"].unique())
    if len(outlets) < 2 or len(uni) == 0:
        return
    cell_key = np.asarray(cell_key, dtype=np.int64)
    is_all = (uni["voice"].to_numpy(dtype=object) == "all")[cell_key]
    keyed = uni.iloc[cell_key[is_all]][["lexicon", "category", "entry"]].reset_index(drop=True)
    keyed["outlet"] = arts["outlet"].to_numpy(dtype=object)[np.asarray(cell_doc, dtype=np.int64)[is_all]]
    keyed["count"] = np.asarray(cell_count, dtype=np.int64)[is_all]
    table = (keyed.groupby(["lexicon", "category", "entry", "outlet"])["count"].sum().unstack("outlet")
             .fillna(0).astype(np.int64))
    table = table.reindex(columns=outlets, fill_value=0)
    totals = arts.groupby("outlet")["n_tokens"].sum().reindex(outlets).astype(np.int64)
    if table.shape[0] == 0:
        return
    terms = table.index.to_frame(index=False)
    yield from _keyness_outlet_frames(terms["entry"].to_numpy(), {"lexicon": terms["lexicon"].to_numpy(),
                                                                  "category": terms["category"].to_numpy()},
                                      outlets, lambda o: table[o].to_numpy(), table.sum(axis=1).to_numpy(),
                                      totals, "entry", 1, full_table)
