"""Charts of the analysis (matplotlib): every chart function returns its Axes *and* its table.

The convention, for every ``plot_*`` function of this module:

- It takes tables (DataFrames shaped like the CSV files of ``mediabias report``) and
  options, and returns a :class:`Chart`, a named tuple ``(ax, table)``:

  * ``ax``: the matplotlib ``Axes``, or a NumPy array of ``Axes`` for charts drawn
    as small multiples (one panel per outlet or per referent);
  * ``table``: a new DataFrame holding exactly the numbers drawn, one row per drawn
    mark (bar, segment, point, cell), in drawing order. ``table.attrs`` carries
    ``"title"`` and ``"caption"`` (the caption is also printed under the figure), and
    ``"empty"``: a reason when there was nothing to draw (then ``table`` has no rows
    and the figure shows the reason instead of failing).

  So ``ax, table = plot_terms_by_outlet(outlet_terms)`` and then
  ``save_figure(ax.figure, table, "terms_by_outlet", "figures/")`` writes the PNG and
  the CSV of exactly what it shows. ``chart.figure`` is the figure either way.

- It never saves and never calls ``plt.show()``; it creates a new figure through
  ``pyplot`` (so notebooks display it) and leaves closing it to the caller.
  :func:`write_figures` makes, saves and closes the standard set.

- It never mutates its inputs.

One look for the whole suite (:data:`STYLE`, applied by :func:`mediabias_style`): the
Okabe-Ito palette, which stays distinct for the common colour-vision deficiencies,
and every series told apart a second way, by hatching, marker or line style, so the
charts also read in greyscale. Every chart has a title, labelled axes, and a caption
stating the sample size (and "descriptive only" where an outlet has fewer than
:data:`mediabias.stats.MIN_ARTICLES` articles).

Categories in :data:`BASELINE_CATEGORIES` (``reference_labels``: the plain names that
serve as the baseline of framing pairs, such as "Israel") are left out of the
loaded-term charts by default, as the ``loaded_terms`` lexicon asks.
"""

from __future__ import annotations

import math
import os
import re
import textwrap
import warnings
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Any, Iterable, Mapping, NamedTuple, Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import to_rgb
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator, PercentFormatter

from .pipeline import write_table
from .stats import MIN_ARTICLES

__all__ = [
    "BASELINE_CATEGORIES", "Chart", "HATCHES", "LINESTYLES", "MARKERS", "PALETTE", "STYLE", "mediabias_style",
    "outlet_styles", "plot_actor_sentiment", "plot_category_heatmap", "plot_dispersion", "plot_framing_shares",
    "plot_keyness", "plot_polarity_trace", "plot_sentiment_by_outlet", "plot_terms_by_outlet", "save_figure",
    "write_figures",
]

# ----------------------------------------------------------------------------- the look

#: Okabe & Ito (2008) colour-blind-safe palette, ordered so that neighbours also
#: differ in lightness (greyscale luma .37, .64, .48, .86, .44, .64, 0, .56): blue,
#: orange, bluish green, yellow, vermillion, sky blue, black, reddish purple.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#F0E442", "#D55E00", "#56B4E9", "#000000", "#CC79A7")
#: Hatches paired with :data:`PALETTE` (series i gets colour i and hatch i).
HATCHES = ("", "///", "...", "xxx", "\\\\\\", "ooo", "---", "+++")
#: Markers paired with :data:`PALETTE`.
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
#: Line styles paired with :data:`PALETTE`.
LINESTYLES = ("-", "--", ":", "-.", (0, (5, 1)), (0, (1, 1)), (0, (3, 1, 1, 1)), (0, (5, 2, 1, 2)))
#: Sequential colour map of heatmaps: one hue, light (0) to dark, monotonic in greyscale.
HEATMAP_CMAP = "Blues"
#: Lexicon categories left out of loaded-term charts by default (plain baseline names).
BASELINE_CATEGORIES = ("reference_labels",)
#: How each voice is drawn in bar charts: the outlet's own words solid, quoted words hatched.
VOICE_LABELS = {"outlet": "own voice (the outlet's words)", "quoted": "quoted voice (words it quotes)",
                "mixed": "mixed (quote and own words)", "all": "all hits"}
VOICE_MARKERS = {"outlet": "o", "quoted": "^", "mixed": "s", "all": "D"}
QUOTED_HATCH = "////"
DPI = 150

#: matplotlib rcParams of the suite (see :func:`mediabias_style`).
STYLE: dict[str, Any] = {
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "savefig.dpi": DPI,
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "figure.titlesize": 12,
    "figure.titleweight": "bold",
    "axes.titlesize": 9.5,
    "axes.titleweight": "bold",
    "axes.labelsize": 9,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "legend.fontsize": 8,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#333333",
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "axes.prop_cycle": mpl.cycler(color=list(PALETTE), linestyle=list(LINESTYLES)),
    "hatch.linewidth": 0.8,
    "image.cmap": HEATMAP_CMAP,
    "lines.linewidth": 1.4,
    "errorbar.capsize": 2,
    "svg.hashsalt": "mediabias",
}


@contextmanager
def mediabias_style():
    """Context manager applying :data:`STYLE` (the suite's one look) to the figures made inside it.

    Every ``plot_*`` function already draws inside it; use it for your own figures::

        with mediabias_style():
            fig, ax = plt.subplots()
    """
    with mpl.rc_context(STYLE):
        yield


def _styled(func):
    @wraps(func)
    def wrapper(*args, **kwargs):
        with mediabias_style():
            return func(*args, **kwargs)
    return wrapper


def outlet_styles(outlets: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Colour, hatch, marker and line style of each outlet, by its position in ``outlets``.

    Pass the same ordered list to every chart (``outlets=``) and an outlet keeps its
    look across the suite.

    Examples:
        >>> outlet_styles(["Press TV", "i24NEWS"])["i24NEWS"]["hatch"]
        '///'
    """
    out = {}
    for i, name in enumerate(dict.fromkeys(str(o) for o in outlets)):
        k = i % len(PALETTE)
        out[name] = {"color": PALETTE[k], "hatch": HATCHES[k], "marker": MARKERS[k], "linestyle": LINESTYLES[k]}
    return out


# ----------------------------------------------------------------------------- the return value

class Chart(NamedTuple):
    """What every ``plot_*`` function returns: ``(ax, table)``.

    ``ax`` is an ``Axes`` (or an array of them for small multiples); ``table`` holds
    exactly the drawn numbers, with ``attrs["title"]``, ``attrs["caption"]`` and
    ``attrs["empty"]`` (the reason, when nothing could be drawn).
    """

    ax: Any
    table: pd.DataFrame

    @property
    def figure(self):
        ax = self.ax
        return (np.ravel(ax)[0] if isinstance(ax, np.ndarray) else ax).figure

    @property
    def title(self) -> str:
        return self.table.attrs.get("title", "")

    @property
    def caption(self) -> str:
        return self.table.attrs.get("caption", "")

    @property
    def empty(self) -> str | None:
        """Why nothing was drawn, or ``None``."""
        return self.table.attrs.get("empty")

    def __repr__(self) -> str:
        state = f"empty: {self.empty}" if self.empty else f"{len(self.table)} rows"
        return f"Chart({self.title!r}, {state})"


# ----------------------------------------------------------------------------- helpers

def _safe(text: Any) -> str:
    """User text for matplotlib: ``$`` would start mathtext, so escape it; missing -> ''."""
    if text is None or (isinstance(text, float) and math.isnan(text)) or text is pd.NA:
        return ""
    return str(text).replace("$", r"\$")


def _short(text: Any, n: int, safe: bool = True) -> str:
    """``text`` on one line, cut to ``n`` characters; ``safe``: ``$`` escaped (for labels drawn with mathtext on)."""
    s = " ".join((_safe(text) if safe else "" if text is None or text is pd.NA or
                  (isinstance(text, float) and math.isnan(text)) else str(text)).split())
    return s if len(s) <= n else s[: n - 1].rstrip() + "\u2026"


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _label(category: Any) -> str:
    return _safe(category).replace("_", " ")


def _require(df: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{what} lacks column(s) {', '.join(missing)}")


def _lighten(color: str, amount: float) -> tuple[float, float, float]:
    r, g, b = to_rgb(color)
    return (r + (1 - r) * amount, g + (1 - g) * amount, b + (1 - b) * amount)


def _ink_on(rgb) -> str:
    """Black or white text, whichever reads on a fill of colour ``rgb``."""
    r, g, b = to_rgb(rgb)
    return "black" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.5 else "white"


def _pick_lexicon(df: pd.DataFrame, lexicon: str | Sequence[str] | None) -> tuple[pd.DataFrame, str]:
    """Rows of ``lexicon`` (all lexicons when it is None or absent from the table) and a label."""
    if "lexicon" not in df.columns:
        return df, "the lexicon"
    present = sorted(set(df["lexicon"].dropna().astype(str).unique()))
    wanted = [lexicon] if isinstance(lexicon, str) else list(lexicon or [])
    keep = [x for x in wanted if x in present]
    if keep:
        df = df[df["lexicon"].isin(keep)]
        return df, ", ".join(keep)
    return df, ", ".join(present) if present else "no lexicon"


def _drop_categories(df: pd.DataFrame, exclude: Sequence[str] | None) -> tuple[pd.DataFrame, str]:
    if not exclude or "category" not in df.columns:
        return df, ""
    dropped = sorted(set(df["category"].astype(str).unique()) & set(exclude))
    if not dropped:
        return df, ""
    why = ": plain names, not loaded" if set(dropped) <= set(BASELINE_CATEGORIES) else ""
    return df[~df["category"].isin(list(exclude))], f" ({', '.join(dropped)} left out{why})"


def _order_outlets(present: Iterable[str], order: Sequence[str] | None = None,
                   n_docs: Mapping[str, int] | None = None) -> list[str]:
    """Outlets of a chart: in ``order`` when given (others after, by name), else most articles first."""
    names = list(dict.fromkeys(str(o) for o in present))
    if order:
        pos = {o: i for i, o in enumerate(dict.fromkeys(map(str, order)))}
        return sorted(names, key=lambda o: (pos.get(o, len(pos)), o))
    n_docs = n_docs or {}
    return sorted(names, key=lambda o: (-int(n_docs.get(o, 0)), o))


def _styles_for(outlets_shown: Sequence[str], order: Sequence[str] | None) -> dict[str, dict[str, Any]]:
    base = outlet_styles(list(order or []) + [o for o in outlets_shown if o not in set(order or [])])
    return {o: base[o] for o in outlets_shown}


def _sample_note(n_docs: Mapping[str, int] | pd.Series, unit: str = "article") -> str:
    """"n = 1 article per outlet; descriptive only ..." from articles per outlet."""
    counts = {str(k): int(v) for k, v in dict(n_docs).items()}
    if not counts:
        return f"n = 0 {unit}s"
    lo, hi = min(counts.values()), max(counts.values())
    if len(counts) == 1:
        (name, n), = counts.items()
        note = f"n = {_plural(n, unit)} from 1 outlet ({name})"
    elif lo == hi:
        note = f"n = {_plural(lo, unit)} per outlet, {len(counts)} outlets"
    else:
        note = f"n = {lo:,} to {hi:,} {unit}s per outlet, {len(counts)} outlets"
    small = sum(v < MIN_ARTICLES for v in counts.values())
    if small == len(counts):
        note += f"; descriptive only (fewer than {MIN_ARTICLES} articles per outlet)"
    elif small:
        note += f"; descriptive only for the {small} outlet(s) with fewer than {MIN_ARTICLES} articles"
    return note


def _docs_per_outlet(articles: pd.DataFrame | Mapping[str, int] | pd.Series | None) -> dict[str, int]:
    """Articles per outlet, from an articles table or from counts already made."""
    if articles is None:
        return {}
    if not isinstance(articles, pd.DataFrame):
        return {str(k): int(v) for k, v in dict(articles).items()}
    if "outlet" not in articles.columns or articles.empty:
        return {}
    return {str(k): int(v) for k, v in articles.groupby("outlet", sort=True).size().items()}


def _new_figure(nrows: int = 1, ncols: int = 1, figsize=(8.0, 4.5), **kw):
    fig, axes = plt.subplots(nrows, ncols, figsize=figsize, layout="constrained", squeeze=False, **kw)
    return fig, axes


def _finish(fig, ax, table: pd.DataFrame, title: str, caption: str) -> Chart:
    """Title and caption on the figure; both also into ``table.attrs``."""
    fig.suptitle(title, parse_math=False)  # titles and captions carry user text: no mathtext
    width, height = fig.get_figwidth(), fig.get_figheight()
    text = textwrap.fill(caption, width=max(40, int(width * 15)))
    cap_h = ((text.count("\n") + 1) * 7.5 * 1.35 + 12) / 72  # inches: lines of 7.5 pt, and a margin
    fig.set_figheight(height + cap_h)
    frac = cap_h / (height + cap_h)
    engine = fig.get_layout_engine()
    if engine is not None and hasattr(engine, "set"):
        engine.set(rect=(0, frac, 1, 1 - frac))  # constrained layout keeps the plots above the caption
    fig.text(0.01, frac - 4 / 72 / (height + cap_h), text, ha="left", va="top", fontsize=7.5, color="#333333",
             gid="mediabias-caption", parse_math=False)
    table = table.reset_index(drop=True)
    table.attrs = {"title": title, "caption": caption}
    return Chart(ax, table)


def _with_note(caption: str, note: str) -> str:
    return f"{caption} {note.strip()}" if note and note.strip() else caption


def _empty_chart(title: str, reason: str, columns: Sequence[str] = ()) -> Chart:
    fig, axes = _new_figure(figsize=(6.5, 2.2))
    ax = axes[0, 0]
    ax.set_axis_off()
    ax.text(0.5, 0.5, f"Nothing to draw: {reason}", ha="center", va="center", wrap=True, transform=ax.transAxes,
            parse_math=False)
    chart = _finish(fig, ax, pd.DataFrame(columns=list(columns)), title, f"Nothing to draw: {reason}")
    chart.table.attrs["empty"] = reason
    return chart


def _axes_out(axes: np.ndarray):
    """One Axes as itself, several as a flat array."""
    flat = np.ravel(axes)
    return flat[0] if flat.size == 1 else flat


def _ci_methods(table: pd.DataFrame) -> str:
    names = {"exact-poisson": "exact Poisson interval on the count (Garwood)",
             "bootstrap": "bootstrap over articles",
             "cluster-bootstrap": "bootstrap over articles",
             "t-over-sentences": "t-interval over sentences (treats sentences as independent)",
             "wilson": "Wilson interval"}
    if "ci_method" not in table.columns:
        return "interval"
    used = sorted(set(table["ci_method"].dropna().astype(str).unique()) - {"none"})
    return "; ".join(names.get(m, m) for m in used) or "none computed"


# ----------------------------------------------------------------------------- terms by outlet (headline)

@_styled
def plot_terms_by_outlet(outlet_terms: pd.DataFrame, entries: Sequence[str] | None = None, *,
                         lexicon: str | Sequence[str] | None = "loaded_terms",
                         exclude_categories: Sequence[str] | None = BASELINE_CATEGORIES,
                         voices: Sequence[str] = ("outlet", "quoted"), top: int = 15,
                         outlets: Sequence[str] | None = None, max_outlets: int = 6, note: str = "") -> Chart:
    """Rate per 1,000 tokens of each entry (or category) by outlet, own voice against quoted voice.

    The headline chart: one panel per outlet (sharing both axes), one pair of bars per
    entry: the outlet's own words solid, the words it quotes hatched and lighter;
    whiskers are the table's ``ci_low``/``ci_high`` (95% intervals). Panel titles state
    the articles and tokens behind each panel; the caption states the intervals used
    and the small-sample caveat.

    Args:
        outlet_terms: ``outlet_terms`` (entry level) or ``outlet_categories`` (category
            level; there is no ``entry`` column, and the bars are categories).
        entries: entries (or categories) to show, in this order (matched ignoring
            case); default: the ``top`` ones with most hits (voice ``all``).
        lexicon: lexicon(s) to draw; when absent from the table, all lexicons.
        exclude_categories: categories left out (default: the baseline names).
        voices: voices drawn side by side (``outlet``, ``quoted``; ``all`` possible).
        outlets: order (and styles) of the outlets; default most articles first.
        max_outlets: at most this many panels (the caption says how many are left out).

    Returns:
        :class:`Chart`: an array of Axes (one per outlet) and the table of the bars
        (``outlet, lexicon, category, entry, voice, count, n_docs, n_tokens,
        rate_per_1k, ci_low, ci_high, ci_method``), one row per bar in drawing order
        (panel, voice, entry).
    """
    level = "entry" if "entry" in outlet_terms.columns else "category"
    _require(outlet_terms, ["outlet", "category", "voice", "count", "rate_per_1k", "ci_low", "ci_high"],
             "outlet_terms")
    title = ("Loaded terms by outlet: own words and quoted words" if lexicon == "loaded_terms"
             else f"{'Entries' if level == 'entry' else 'Categories'} by outlet: own words and quoted words")
    df, lex_note = _pick_lexicon(outlet_terms, lexicon)
    if lexicon == "loaded_terms" and lex_note != "loaded_terms":
        title = f"Lexicon {'entries' if level == 'entry' else 'categories'} by outlet: own words and quoted words"
    df, excl_note = _drop_categories(df, exclude_categories)
    keys = [k for k in ("lexicon", "category", "entry") if k in df.columns and (k != "entry" or level == "entry")]
    cols = ["outlet", *keys, "voice", "count", "n_docs", "n_tokens", "rate_per_1k", "ci_low", "ci_high", "ci_method"]
    voices = [v for v in voices if v in set(df["voice"].astype(str).unique())]
    if df.empty or not voices:
        return _empty_chart(title, "no rows for these lexicons, categories and voices", cols)

    base = df[df["voice"] == "all"] if (df["voice"] == "all").any() else df[df["voice"].isin(voices)]
    totals = base.groupby(keys, sort=True, dropna=False)["count"].sum()
    if entries is not None:
        pos: dict[str, int] = {}
        for i, e in enumerate(entries):
            pos.setdefault(str(e).casefold(), i)
        sel = [k for k in totals.index if str(k[-1] if isinstance(k, tuple) else k).casefold() in pos]
        sel.sort(key=lambda k: (pos[str(k[-1] if isinstance(k, tuple) else k).casefold()], str(k)))
    else:
        totals = totals[totals > 0]
        # ties (common: counts of 1) grouped by the outlet using the entry at the highest rate
        lead = (base[base["count"] > 0].sort_values(["rate_per_1k"], ascending=False, kind="stable")
                .groupby(keys, sort=False, dropna=False)["outlet"].first().astype(str))
        opos = {o: i for i, o in enumerate(_order_outlets(df["outlet"].astype(str).unique(), outlets,
                                                          df.groupby("outlet")["n_docs"].max().to_dict()
                                                          if "n_docs" in df.columns else None))}
        sel = sorted(totals.index, key=lambda k: (-totals[k], opos.get(lead.get(k, ""), len(opos)),
                                                  str(k[-1] if isinstance(k, tuple) else k).casefold(), str(k)))[:top]
    if not sel:
        return _empty_chart(title, f"no hits of {lex_note}{excl_note}", cols)
    sel = [k if isinstance(k, tuple) else (k,) for k in sel]
    rank = pd.DataFrame(sel, columns=keys).assign(_rank=range(len(sel)))

    n_docs = (df.groupby("outlet")["n_docs"].max() if "n_docs" in df.columns else pd.Series(dtype=int))
    n_tok = (df.groupby("outlet")["n_tokens"].max() if "n_tokens" in df.columns else pd.Series(dtype=int))
    shown = _order_outlets(df["outlet"].astype(str).unique(), outlets, n_docs.to_dict())
    left_out = len(shown) - max_outlets
    shown = shown[:max_outlets]
    styles = _styles_for(shown, outlets)

    rows = df[df["voice"].isin(voices) & df["outlet"].isin(shown)].merge(rank, on=keys, how="inner")
    several_lex = "lexicon" in keys and len({k[0] for k in sel}) > 1
    labels = [(f"{_safe(k[-1])} ({_safe(k[0])})" if several_lex else _label(k[-1]) if level == "category"
               else _safe(k[-1])) for k in sel]

    nv = len(voices)
    height = 0.8 / nv
    offsets = {v: (i - (nv - 1) / 2) * height for i, v in enumerate(voices)}
    fig_h = min(max(3.6, 1.8 + 0.17 * len(sel) * max(nv, 2)), 30)
    fig_w = min(4.4 + 2.9 * len(shown), 20)
    fig, axes = _new_figure(1, len(shown), figsize=(fig_w, fig_h), sharey=True, sharex=True)
    drawn = []
    for ax, outlet in zip(axes[0], shown):
        color = styles[outlet]["color"]
        sub = rows[rows["outlet"] == outlet]
        for v in voices:
            part = sub[sub["voice"] == v].sort_values("_rank", kind="stable")
            y = part["_rank"].to_numpy(float) + offsets[v]
            x = part["rate_per_1k"].to_numpy(float)
            quoted = v == "quoted"
            ax.barh(y, x, height=height * 0.92, color=_lighten(color, 0.7) if quoted else color,
                    edgecolor=color if quoted else "#222222", linewidth=0.6,
                    hatch=QUOTED_HATCH if quoted else None, label=VOICE_LABELS.get(v, v))
            lo, hi = part["ci_low"].to_numpy(float), part["ci_high"].to_numpy(float)
            ok = np.isfinite(lo) & np.isfinite(hi)
            for sel_ci, ecolor in ((ok & (x > 0), "#222222"), (ok & (x <= 0), "#b0b0b0")):
                if sel_ci.any():  # intervals of zero counts drawn lighter: an upper bound, not an estimate
                    ax.errorbar(x[sel_ci], y[sel_ci], xerr=np.vstack([np.clip(x[sel_ci] - lo[sel_ci], 0, None),
                                                                      np.clip(hi[sel_ci] - x[sel_ci], 0, None)]),
                                fmt="none", ecolor=ecolor, elinewidth=0.8, capsize=2, gid="mediabias-ci")
            drawn.append(part.assign(voice=v))
        nd = int(n_docs.get(outlet, 0)) if len(n_docs) else 0
        extra = f", {int(n_tok.get(outlet, 0)):,} tokens" if len(n_tok) else ""
        ax.set_title(f"{_short(outlet, 40)}\nn = {_plural(nd, 'article')}{extra}", fontsize=9)
        ax.set_xlabel("hits per 1,000 tokens")
        ax.grid(axis="y", visible=False)
        ax.set_yticks(np.arange(len(sel) + 1) - 0.5, minor=True)
        ax.grid(axis="y", which="minor", visible=True, color="#eeeeee", linewidth=0.6)
        ax.tick_params(axis="y", which="minor", length=0)
    ax0 = axes[0, 0]
    ax0.set_yticks(range(len(sel)), labels)
    ax0.set_ylim(len(sel) - 0.5, -0.5)
    ax0.set_ylabel("lexicon entry" if level == "entry" else "lexicon category")
    ax0.set_xlim(left=0)
    handles = [Patch(facecolor="#dddddd", edgecolor="#444444", hatch=QUOTED_HATCH, label=VOICE_LABELS[v])
               if v == "quoted" else Patch(facecolor="#666666", edgecolor="#222222", label=VOICE_LABELS.get(v, v))
               for v in voices]
    handles.append(Line2D([], [], color="#222222", marker="|", markersize=8, linewidth=0.8, label="95% interval"))
    axes[0, -1].legend(handles=handles, loc="upper left", bbox_to_anchor=(1.02, 1.0), title="bars",
                       title_fontsize=7.5, alignment="left")

    table = pd.concat(drawn, ignore_index=True) if drawn else pd.DataFrame(columns=cols)
    table = table[[c for c in cols if c in table.columns]]
    sample = _sample_note(n_docs.loc[shown] if len(n_docs) else {})
    caption = (f"Bars: hits per 1,000 tokens of all of the outlet's text (count / tokens x 1,000); solid = the "
               f"outlet's own words, hatched = words it quotes from others. Whiskers: 95% intervals "
               f"({_ci_methods(table)}; grey: the upper bound where the count is 0). "
               f"{'Entries' if level == 'entry' else 'Categories'}: "
               f"{'as chosen' if entries is not None else f'the {len(sel)} with most hits'} from {lex_note}"
               f"{excl_note}.{f' {left_out} outlet(s) with fewer articles not shown.' if left_out > 0 else ''} "
               f"{sample}.")
    return _finish(fig, _axes_out(axes), table, title, _with_note(caption, note))


# ----------------------------------------------------------------------------- category heatmap

@_styled
def plot_category_heatmap(table: pd.DataFrame, *, lexicon: str | Sequence[str] | None = "loaded_terms",
                          voice: str = "all", value: str = "rate_per_1k",
                          exclude_categories: Sequence[str] | None = BASELINE_CATEGORIES,
                          outlets: Sequence[str] | None = None, max_rows: int = 40,
                          max_categories: int = 30, note: str = "") -> Chart:
    """Outlet x category heatmap (or article x category from ``doc_categories``), values written in the cells.

    Args:
        table: ``outlet_categories`` (rows = outlets) or ``doc_categories`` (rows =
            articles, labelled outlet and the start of the doc_id).
        lexicon, voice: which rows to draw (one lexicon, one voice).
        value: the column shown (``rate_per_1k`` or ``count``).
        max_rows, max_categories: caps (rows and categories with most hits are kept).

    Returns:
        :class:`Chart` with one Axes and the table of the cells (``outlet``,
        [``doc_id``,] ``category``, the value, ``count``), one row per cell, row-major.
    """
    per_doc = "doc_id" in table.columns
    _require(table, ["outlet", "category", value], "the category table")
    df, lex_note = _pick_lexicon(table, lexicon)
    title = f"Lexicon categories by {'article' if per_doc else 'outlet'}: {lex_note}"
    if "voice" in df.columns:
        df = df[df["voice"] == voice]
    df, excl_note = _drop_categories(df, exclude_categories)
    row_keys = ["outlet", "doc_id"] if per_doc else ["outlet"]
    cols = [*row_keys, "category", value] + (["count"] if "count" in df.columns and value != "count" else [])
    if df.empty:
        return _empty_chart(title, f"no rows of {lex_note} in voice {voice}", cols)
    df = df.assign(outlet=df["outlet"].astype(str), category=df["category"].astype(str))
    val = df.pivot_table(index=row_keys, columns="category", values=value, aggfunc="sum", fill_value=0,
                         sort=True)
    weight = (df.pivot_table(index=row_keys, columns="category", values="count", aggfunc="sum", fill_value=0,
                             sort=True) if "count" in df.columns else val)
    weight = weight.reindex_like(val).fillna(0)
    colsum = weight.sum(axis=0)
    cats = sorted([c for c in val.columns if colsum[c] > 0], key=lambda c: (-colsum[c], c))
    left_cats = max(0, len(cats) - max_categories)
    cats = cats[:max_categories]
    if not cats:
        return _empty_chart(title, f"no hits of {lex_note}{excl_note} in voice {voice}", cols)
    rowsum = weight[cats].sum(axis=1)
    index = list(val.index)
    left_rows = max(0, len(index) - max_rows)
    if left_rows:
        index = sorted(index, key=lambda r: (-rowsum[r], str(r)))[:max_rows]
    n_docs = (df.groupby("outlet")["n_docs"].max().to_dict() if "n_docs" in df.columns
              else df.groupby("outlet")["doc_id"].nunique().to_dict() if per_doc else {})
    order = _order_outlets(sorted({(r[0] if isinstance(r, tuple) else r) for r in index}), outlets, n_docs)
    opos = {o: i for i, o in enumerate(order)}
    index.sort(key=lambda r: (opos[r[0] if isinstance(r, tuple) else r], str(r)))
    mat = val.loc[index, cats].to_numpy(float)
    cnt = weight.loc[index, cats].to_numpy(float)

    row_labels = [f"{_short(r[0], 30)} \u00b7 {_safe(r[1])[:8]}" if per_doc else _short(r, 30) for r in index]
    fig_w = min(3.0 + 0.62 * len(cats), 18)
    fig_h = min(2.2 + 0.34 * len(index), 24)
    fig, axes = _new_figure(figsize=(fig_w, fig_h))
    ax = axes[0, 0]
    vmax = float(np.nanmax(mat)) if np.nanmax(mat) > 0 else 1.0
    im = ax.imshow(mat, aspect="auto", cmap=HEATMAP_CMAP, vmin=0, vmax=vmax, interpolation="nearest")
    cmap = mpl.colormaps[HEATMAP_CMAP]
    annotate_all = mat.size <= 600
    is_int = value == "count"
    for i in range(mat.shape[0]):
        for j in range(mat.shape[1]):
            v = mat[i, j]
            if not annotate_all and v == 0:
                continue
            txt = f"{int(round(v))}" if is_int else ("0" if v == 0 else f"{v:.1f}")
            ax.text(j, i, txt, ha="center", va="center", fontsize=7, color=_ink_on(cmap(v / vmax)))
    ax.set_xticks(range(len(cats)), [_label(c) for c in cats], rotation=40, ha="right", rotation_mode="anchor")
    ax.set_yticks(range(len(index)), row_labels)
    ax.grid(False)
    ax.set_xlabel("lexicon category")
    ax.set_ylabel("article (outlet \u00b7 doc_id)" if per_doc else "outlet")
    value_label = {"rate_per_1k": "hits per 1,000 tokens", "count": "hits"}.get(value, value)
    fig.colorbar(im, ax=ax, label=value_label, shrink=0.85)

    recs = []
    for i, r in enumerate(index):
        for j, c in enumerate(cats):
            rec = dict(zip(row_keys, r if isinstance(r, tuple) else (r,)))
            rec.update({"category": c, value: mat[i, j]})
            if "count" in cols:
                rec["count"] = int(cnt[i, j])
            recs.append(rec)
    out = pd.DataFrame(recs, columns=cols)
    if per_doc:
        sample = _sample_note({o: n for o, n in n_docs.items() if o in opos})
    else:
        sample = _sample_note({o: n_docs.get(o, 0) for o in order}) if n_docs else f"{len(order)} outlets"
    caveat = []
    if left_rows:
        caveat.append(f"{left_rows} {'article' if per_doc else 'outlet'} row(s) with fewest hits not shown.")
    if left_cats:
        caveat.append(f"{left_cats} categories with fewest hits not shown.")
    caption = (f"Cells: {value_label} of each category of {lex_note}{excl_note}, {voice} voices"
               f"{', one row per article' if per_doc else ''}; categories with no hits left out. "
               f"{' '.join(caveat)}{' ' if caveat else ''}{sample}.")
    return _finish(fig, ax, out, title, _with_note(caption, note))


# ----------------------------------------------------------------------------- keyness

@_styled
def plot_keyness(keyness: pd.DataFrame, top: int = 10, *, unit: str | None = "entry", measure: str = "g2",
                 lexicon: str | Sequence[str] | None = None,
                 articles: pd.DataFrame | Mapping[str, int] | pd.Series | None = None,
                 outlets: Sequence[str] | None = None, max_outlets: int = 6, note: str = "") -> Chart:
    """Key terms of each outlet against all the others: bars of signed G2 (or the log ratio).

    One panel per outlet with its ``top`` terms of largest positive ``measure`` (more
    frequent in this outlet than in the other outlets together); the numbers at the
    bar ends are the counts in the outlet and in the others.

    Args:
        keyness: the ``keyness`` table (:func:`mediabias.stats.keyness_by_outlet`).
        unit: ``entry`` (lexicon entries), ``word``, or None for the rows as they are.
        measure: ``g2`` (signed log-likelihood; the default) or ``log_ratio`` (log2 of
            the ratio of relative frequencies).
        lexicon: keep the entries of these lexicons only (entry unit).
        articles: optional, for the articles-per-outlet note in the caption: the
            articles table, or the number of articles per outlet (Series or dict).

    Returns:
        :class:`Chart` with the Axes (one per outlet) and the table of the bars
        (``outlet, term, [lexicon, category,] count_target, count_reference,
        total_target, total_reference, g2, log_ratio, p_value, q_value``), one row per
        bar, panel by panel, largest first.
    """
    if measure not in ("g2", "log_ratio"):
        raise ValueError("measure must be 'g2' or 'log_ratio'")
    _require(keyness, ["outlet", "term", measure], "keyness")
    what = {"entry": "lexicon entries", "word": "words"}.get(unit or "", "terms")
    title = f"Keyness by outlet: {what} more frequent in one outlet than in all others"
    cols = [c for c in ("outlet", "term", "lexicon", "category", "count_target", "count_reference", "total_target",
                        "total_reference", "g2", "log_ratio", "p_value", "q_value") if c in keyness.columns]
    df = keyness
    if unit and "unit" in df.columns:
        df = df[df["unit"] == unit]
    if lexicon is not None and "lexicon" in df.columns:
        df, _ = _pick_lexicon(df, lexicon)
    if df.empty:
        return _empty_chart(title, "no keyness rows (keyness needs at least two outlets)", cols)
    df = df[df[measure] > 0]
    if "count_target" in df.columns:
        df = df[df["count_target"] > 0]
    if df.empty:
        return _empty_chart(title, "no term is more frequent in one outlet than in the others", cols)
    df = df.assign(outlet=df["outlet"].astype(str), _t=df["term"].astype(str).str.casefold())
    df = df.sort_values(["outlet", measure, "_t", "term"], ascending=[True, False, True, True], kind="stable")
    df = df.groupby("outlet", sort=False).head(top)
    n_docs = _docs_per_outlet(articles)
    shown = _order_outlets(df["outlet"].unique(), outlets, n_docs)
    left_out = len(shown) - max_outlets
    shown = shown[:max_outlets]
    styles = _styles_for(shown, outlets)
    ncols = min(len(shown), 3)
    nrows = math.ceil(len(shown) / ncols)
    fig_h = min(1.4 + nrows * (0.6 + 0.24 * top), 30)
    fig, axes = _new_figure(nrows, ncols, figsize=(min(3.7 * ncols + 1.2, 16), fig_h), sharex=True)
    drawn = []
    for k, ax in enumerate(np.ravel(axes)):
        if k >= len(shown):
            ax.set_visible(False)
            continue
        outlet = shown[k]
        part = df[df["outlet"] == outlet]
        st = styles[outlet]
        y = np.arange(len(part))
        x = part[measure].to_numpy(float)
        ax.barh(y, x, height=0.7, color=st["color"], hatch=st["hatch"] or None, edgecolor="#222222",
                linewidth=0.6)
        if "count_target" in part.columns and "count_reference" in part.columns:
            for yi, xi, a, b in zip(y, x, part["count_target"], part["count_reference"]):
                ax.text(xi, yi, f" {int(a)} vs {int(b)}", va="center", ha="left", fontsize=7, color="#333333")
        dup = part["term"].astype(str).duplicated(keep=False).to_numpy()
        labels = [f"{_short(t, 34)} ({_safe(lx)})" if d and "lexicon" in part.columns else _short(t, 40)
                  for t, d, lx in zip(part["term"], dup, part["lexicon"] if "lexicon" in part.columns
                                      else [""] * len(part))]
        ax.set_yticks(y, labels)
        ax.set_ylim(max(len(part), 4) - 0.5, -0.5)  # a lone bar keeps a bar's height
        if k % ncols == 0:
            ax.set_ylabel("lexicon entry" if unit == "entry" else "word" if unit == "word" else "term")
        tot = (f", {int(part['total_target'].iloc[0]):,} tokens" if "total_target" in part.columns
               and len(part) else "")
        nd = f"n = {_plural(n_docs[outlet], 'article')}" if outlet in n_docs else "n"
        ax.set_title(f"{_short(outlet, 40)}\n({nd}{tot})", fontsize=9)
        ax.grid(axis="y", visible=False)
        if k >= (nrows - 1) * ncols or k + ncols >= len(shown):
            ax.set_xlabel("signed G2 (log-likelihood)" if measure == "g2" else "log ratio (log2)")
        drawn.append(part)
    table = pd.concat(drawn, ignore_index=True)[cols]
    xmax = float(table[measure].max())
    for ax in np.ravel(axes)[:len(shown)]:
        ax.set_xlim(0, xmax * 1.3 if xmax > 0 else 1.0)  # room for the counts at the bar ends
    meaning = ("signed G2: log-likelihood, + = relatively more frequent in this outlet; |G2| >= 3.84 is p < 0.05 "
               "for a single test, not corrected for the many terms tested (q-values in the table)"
               if measure == "g2" else
               "log ratio: log2 of the term's relative frequency in this outlet over that in all others "
               "(+1 = twice as frequent; zero counts smoothed to 0.5)")
    sample = _sample_note({o: n_docs[o] for o in shown if o in n_docs}) if n_docs else \
        "n = tokens in each panel title"
    caption = (f"Each outlet against all other outlets together; top {top} {what} per outlet by {measure}. "
               f"Bars: {meaning}. Numbers at bar ends: hits in this outlet vs in the others."
               f"{f' {left_out} outlet(s) not shown.' if left_out > 0 else ''} {sample}.")
    return _finish(fig, _axes_out(axes), table, title, _with_note(caption, note))


# ----------------------------------------------------------------------------- framing shares

@_styled
def plot_framing_shares(framing_pairs: pd.DataFrame, *, lexicon: str | Sequence[str] | None = None,
                        outlets: Sequence[str] | None = None, max_referents: int = 8,
                        max_outlets: int = 8, note: str = "") -> Chart:
    """Stacked 100% bars: each outlet's share of each competing label for a referent.

    One panel per referent (``territories``, ``armed_groups``, ...) with one bar per
    outlet that names it; each alternative (``occupied``, ``disputed``, ...) has its
    own colour *and* hatch; percentages are written in segments of 10% or more. The
    y labels give the hits behind each bar. Outlets that never name a referent have no
    bar (their share is undefined, not 0).

    Returns:
        :class:`Chart` with the Axes (one per referent) and the table of the
        segments (``lexicon, referent, outlet, alternative, count, total, share,
        left, n_docs, ci_low, ci_high``), one row per segment in drawing order;
        ``share`` is the segment's width, ``left`` where it starts.
    """
    _require(framing_pairs, ["outlet", "referent", "alternative", "count", "total", "share"], "framing_pairs")
    title = "Framing pairs: each outlet's share of the competing labels for one referent"
    cols = [c for c in ("lexicon", "referent", "outlet", "alternative", "count", "total", "share", "left", "n_docs",
                        "ci_low", "ci_high") if c in framing_pairs.columns or c == "left"]
    df, _ = _pick_lexicon(framing_pairs, lexicon)
    if "voice" in df.columns:
        df = df[df["voice"] == "all"]
    df = df[df["total"] > 0]
    if df.empty:
        return _empty_chart(title, "no outlet names a referent of any framing pair", cols)
    if "lexicon" not in df.columns:
        df = df.assign(lexicon="")
    df = df.assign(outlet=df["outlet"].astype(str), referent=df["referent"].astype(str),
                   alternative=df["alternative"].astype(str), lexicon=df["lexicon"].astype(str))
    per = df.groupby(["lexicon", "referent", "outlet"], sort=True)["total"].max()
    ref_tot = per.groupby(level=[0, 1]).sum()
    refs = sorted(ref_tot.index, key=lambda r: (-ref_tot[r], r))
    left_refs = max(0, len(refs) - max_referents)
    refs = refs[:max_referents]
    n_docs_art = (df.groupby("outlet")["n_docs"].max().to_dict() if "n_docs" in df.columns else {})
    all_outlets = _order_outlets(df["outlet"].unique(), outlets, n_docs_art)
    left_out = max(0, len(all_outlets) - max_outlets)
    keep_outlets = all_outlets[:max_outlets]
    several_lex = len({r[0] for r in refs}) > 1

    n_per = [len([o for o in keep_outlets if (r[0], r[1], o) in per.index]) for r in refs]
    heights = [max(n, 1) * 0.36 + 0.75 for n in n_per]
    fig, axes = _new_figure(len(refs), 1, figsize=(8.5, min(1.2 + sum(heights), 30)), sharex=True,
                            gridspec_kw={"height_ratios": heights})
    drawn = []
    for ax, (lex, ref) in zip(axes[:, 0], refs):
        sub = df[(df["lexicon"] == lex) & (df["referent"] == ref) & df["outlet"].isin(keep_outlets)]
        outs = [o for o in keep_outlets if o in set(sub["outlet"])]
        alt_tot = sub.groupby("alternative")["count"].sum()
        alts = sorted([a for a in alt_tot.index if alt_tot[a] > 0], key=lambda a: (-alt_tot[a], a))
        left = np.zeros(len(outs))
        y = np.arange(len(outs))
        for j, alt in enumerate(alts):
            part = sub[sub["alternative"] == alt].set_index("outlet").reindex(outs)
            share = part["share"].fillna(0).to_numpy(float)
            color, hatch = PALETTE[j % len(PALETTE)], HATCHES[j % len(HATCHES)]
            ax.barh(y, share, left=left, height=0.72, color=color, hatch=hatch or None, edgecolor="#222222",
                    linewidth=0.6, label=_safe(alt))
            for yi, l0, s in zip(y, left, share):
                if s >= 0.10:
                    ax.text(l0 + s / 2, yi, f"{s:.0%}", ha="center", va="center", fontsize=7,
                            color=_ink_on(color), bbox=None if not hatch else
                            {"boxstyle": "round,pad=0.12", "facecolor": color, "edgecolor": "none"})
            rec = part.reset_index().assign(lexicon=lex, referent=ref, alternative=alt, share=share, left=left.copy())
            rec["count"] = rec["count"].fillna(0)
            rec["total"] = [int(per[(lex, ref, o)]) for o in outs]
            drawn.append(rec)
            left = left + share
        ylab = []
        for o in outs:
            t = int(per[(lex, ref, o)])
            nd = sub.loc[sub["outlet"] == o, "n_docs"].max() if "n_docs" in sub.columns else None
            art = f", {_plural(int(nd), 'article')}" if nd is not None and pd.notna(nd) else ""
            ylab.append(f"{_short(o, 28)}\n(n = {_plural(t, 'hit')}{art})")
        ax.set_yticks(y, ylab)
        ax.set_ylim(len(outs) - 0.5, -0.5)
        ax.set_xlim(0, 1)
        ax.xaxis.set_major_formatter(PercentFormatter(1.0))
        ax.grid(axis="y", visible=False)
        ax.set_title(_label(ref) + (f" ({_safe(lex)})" if several_lex else ""), loc="left", fontsize=9)
        ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), title="label used", title_fontsize=7.5)
    axes[-1, 0].set_xlabel("share of the outlet's hits on this referent")
    fig.supylabel("outlet", fontsize=9)
    table = pd.concat(drawn, ignore_index=True)
    table = table[[c for c in cols if c in table.columns]]
    extra = []
    if left_refs:
        extra.append(f"{left_refs} referent(s) with fewest hits not shown.")
    if left_out:
        extra.append(f"{left_out} outlet(s) not shown.")
    n_note = (_sample_note({o: n_docs_art[o] for o in keep_outlets if o in n_docs_art}) +
              " (articles naming a referent)" if n_docs_art else "n = hits per bar")
    caption = ("Each bar is 100% of one outlet's hits on a referent (n hits in the label); the segments are the "
               "shares of each competing label; labels no outlet used are left out. Shares share one denominator, "
               "so they control for how much an outlet covers the topic. Wilson intervals in the CSV treat hits "
               f"as independent. {' '.join(extra)}{' ' if extra else ''}{n_note}.")
    return _finish(fig, _axes_out(axes), table, title, _with_note(caption, note))


# ----------------------------------------------------------------------------- dispersion

@_styled
def plot_dispersion(matches: pd.DataFrame, articles: pd.DataFrame, entries: Sequence[str] | None = None,
                    max_articles: int = 12, *, lexicon: str | Sequence[str] | None = "loaded_terms",
                    exclude_categories: Sequence[str] | None = BASELINE_CATEGORIES, top: int = 8,
                    outlets: Sequence[str] | None = None, note: str = "") -> Chart:
    """Lexical x-ray: where in each article the hits fall.

    One block of rows per article (a bold header row: outlet and title), one row per
    entry found in it; a mark per hit at ``start / len(text)`` (0 = the start of the
    cleaned body, 1 = its end): ``|`` for the outlet's own words, a hollow circle for
    quoted words.

    Args:
        matches, articles: the ledger and the articles (with ``text``, or ``n_chars``, its
            length, when the texts are not at hand).
        entries: entries to show (ignoring case), default the ``top`` with most hits.
        max_articles: at most this many articles (those with most hits of the entries).

    Returns:
        :class:`Chart` with one Axes and the table of the marks (``doc_id, outlet,
        title, entry, voice, start, end, n_chars, position, row``), one row per mark
        ordered by row and position; ``position`` is the x value, ``row`` the y value.
    """
    _require(matches, ["doc_id", "entry", "start"], "matches")
    if "text" not in articles.columns and "n_chars" not in articles.columns:
        raise ValueError("articles lacks column(s) text (or n_chars, the length of the text)")
    title = "Where the terms fall in each article (lexical dispersion)"
    cols = ["doc_id", "outlet", "title", "entry", "voice", "start", "end", "n_chars", "position", "row"]
    m, lex_note = _pick_lexicon(matches, lexicon)
    m, excl_note = _drop_categories(m, exclude_categories)
    m = m.assign(entry=m["entry"].astype(str), doc_id=m["doc_id"].astype(str))
    arts = articles.assign(doc_id=articles["doc_id"].astype(str))
    arts = arts.drop_duplicates("doc_id")
    lengths = dict(zip(arts["doc_id"], arts["text"].fillna("").astype(str).str.len() if "text" in arts.columns
                       else pd.to_numeric(arts["n_chars"], errors="coerce").fillna(0).astype(int)))
    m = m[m["doc_id"].map(lengths).fillna(0).astype(float).to_numpy() > 0]
    if entries is not None:
        pos: dict[str, int] = {}
        for i, e in enumerate(entries):
            pos.setdefault(str(e).casefold(), i)
        m = m[m["entry"].str.casefold().isin(list(pos))]
        sel = sorted(m["entry"].unique(), key=lambda e: (pos[e.casefold()], e))
    else:
        counts = m["entry"].value_counts()
        sel = sorted(counts.index, key=lambda e: (-counts[e], e.casefold(), e))[:top]
    m = m[m["entry"].isin(sel)]
    if m.empty:
        return _empty_chart(title, f"no hits of {lex_note}{excl_note} in the articles' text", cols)
    outlet_of = dict(zip(arts["doc_id"], arts["outlet"].astype(str))) if "outlet" in arts.columns else {}
    title_of = dict(zip(arts["doc_id"], arts["title"])) if "title" in arts.columns else {}
    art_order = {d: i for i, d in enumerate(arts["doc_id"])}
    hits = m.groupby("doc_id").size()
    docs = sorted(hits.index, key=lambda d: (-hits[d], art_order.get(d, 0), d))
    n_with = len(docs)
    docs = docs[:max_articles]
    if not outlet_of:
        outlet_of = dict(zip(m["doc_id"], m["outlet"].astype(str))) if "outlet" in m.columns else {}
    o_order = _order_outlets([outlet_of.get(d, "unknown") for d in docs], outlets, _docs_per_outlet(arts))
    opos = {o: i for i, o in enumerate(o_order)}
    docs.sort(key=lambda d: (opos[outlet_of.get(d, "unknown")], art_order.get(d, 0), d))
    epos = {e: i for i, e in enumerate(sel)}

    labels, header_rows, recs = [], [], []
    y = 0
    for d in docs:
        header_rows.append(y)
        labels.append(f"{_short(outlet_of.get(d, 'unknown'), 24)}: {_short(title_of.get(d, d), 44)}")
        y += 1
        sub = m[m["doc_id"] == d]
        for e in sorted(sub["entry"].unique(), key=lambda e: epos[e]):
            labels.append(f"{_short(e, 36)}")
            hit = sub[sub["entry"] == e].sort_values("start", kind="stable")
            n = lengths[d]
            for _, h in hit.iterrows():
                recs.append({"doc_id": d, "outlet": outlet_of.get(d, ""), "title": title_of.get(d, ""),
                             "entry": e, "voice": str(h.get("voice", "outlet")), "start": int(h["start"]),
                             "end": int(h["end"]) if "end" in h and pd.notna(h["end"]) else int(h["start"]),
                             "n_chars": int(n), "position": int(h["start"]) / n, "row": y})
            y += 1
    table = pd.DataFrame(recs, columns=cols)
    fig, axes = _new_figure(figsize=(9.0, min(1.8 + 0.24 * y, 30)))
    ax = axes[0, 0]
    for k, r in enumerate(header_rows):
        end = header_rows[k + 1] if k + 1 < len(header_rows) else y
        ax.axhspan(r - 0.5, end - 0.5, color="#f0f0f0" if k % 2 == 0 else "white", zorder=0, linewidth=0)
    own = table[table["voice"] != "quoted"]
    quo = table[table["voice"] == "quoted"]
    ax.plot(own["position"], own["row"], linestyle="none", marker="|", markersize=11, markeredgewidth=2,
            color="#000000", label="own voice", gid="mediabias-own")
    ax.plot(quo["position"], quo["row"], linestyle="none", marker="o", markersize=6, markeredgewidth=1.4,
            markerfacecolor="white", color="#D55E00", label="quoted voice", gid="mediabias-quoted")
    ax.set_yticks(range(y), labels)
    for k, lab in enumerate(ax.get_yticklabels()):
        if k in set(header_rows):
            lab.set_fontweight("bold")
    ax.set_ylim(y - 0.5, -0.5)
    ax.set_xlim(0, 1)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("position in the article (0 = start of the text, 1 = its end)")
    ax.set_ylabel("article (bold), then each entry found in it")
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=2, fontsize=7.5, frameon=True, facecolor="white",
              edgecolor="#cccccc")
    shown_n = {}
    for d in docs:
        o = outlet_of.get(d, "unknown")
        shown_n[o] = shown_n.get(o, 0) + 1
    caption = (f"One mark per hit at its character offset divided by the article's length; | = own voice, "
               f"o = quoted voice. Entries: {'as chosen' if entries is not None else f'the {len(sel)} with most hits'}"
               f" from {lex_note}{excl_note}. {len(docs)} of {n_with} articles with hits shown"
               f"{' (most hits first)' if n_with > len(docs) else ''}. "
               f"{_sample_note(shown_n)} (articles shown).")
    return _finish(fig, ax, table, title, _with_note(caption, note))


# ----------------------------------------------------------------------------- sentiment by outlet

def _sentences_with_outlet(sentences: pd.DataFrame, articles: pd.DataFrame | None) -> pd.DataFrame:
    s = sentences
    if articles is not None and "outlet" in articles.columns:
        s = s.drop(columns=[c for c in ("outlet",) if c in s.columns]).merge(
            articles[["doc_id", "outlet"]].drop_duplicates("doc_id"), on="doc_id", how="inner")
    elif "outlet" not in s.columns:
        raise ValueError("sentences need an outlet column, or pass articles")
    return s


@_styled
def plot_sentiment_by_outlet(sentences: pd.DataFrame, articles: pd.DataFrame | None = None, *,
                             measure: str = "polarity", outlets: Sequence[str] | None = None,
                             max_outlets: int = 12, max_sentences: int = 5000, strip_max: int = 400,
                             seed: int = 0, note: str = "") -> Chart:
    """Distribution of sentence sentiment per outlet: violin, box, and every sentence as a dot.

    The share of sentences scored exactly 0 (TextBlob finds none of its words) is
    written above each outlet: such sentences are a large share of news text, and
    labelling terms ("occupied territories") score 0.

    Args:
        sentences: ``sentences`` with ``polarity`` (or ``measure``), ``doc_id``, ``voice``.
        articles: for each sentence's outlet (and the articles count).
        measure: the score drawn (``polarity``, ``subjectivity``, ``vader_compound``).
        max_sentences: per outlet, a seeded random sample of at most this many
            sentences is drawn (caption says so); ``strip_max``: dots only when an
            outlet has at most this many drawn sentences.

    Returns:
        :class:`Chart` with one Axes and the table of the drawn sentences (``outlet,
        doc_id, sentence_id, voice, <measure>, x``; ``x`` = the dot's jittered
        position, NaN when no dot is drawn) plus per outlet ``outlet_n_sentences``
        and ``outlet_zero_share`` (all its sentences, before any sampling).
    """
    _require(sentences, ["doc_id", measure], "sentences")
    label = {"polarity": "sentence polarity (TextBlob, -1 to +1)",
             "subjectivity": "sentence subjectivity (TextBlob, 0 to 1)",
             "vader_compound": "sentence compound score (VADER, -1 to +1)"}.get(measure, measure)
    title = f"Sentence {measure.replace('_', ' ')} by outlet: the distribution, not only the mean"
    cols = ["outlet", "doc_id", "sentence_id", "voice", measure, "x", "outlet_n_sentences", "outlet_zero_share"]
    s = _sentences_with_outlet(sentences, articles)
    s = s[pd.to_numeric(s[measure], errors="coerce").notna()]
    if s.empty:
        return _empty_chart(title, "no scored sentences", cols)
    s = s.assign(outlet=s["outlet"].astype(str), **{measure: pd.to_numeric(s[measure]).astype(float)})
    if "voice" not in s.columns:
        s = s.assign(voice="outlet")
    if "sentence_id" not in s.columns:
        s = s.assign(sentence_id=s.groupby("doc_id").cumcount())
    n_docs = s.groupby("outlet")["doc_id"].nunique().to_dict()
    shown = _order_outlets(s["outlet"].unique(), outlets, n_docs)
    left_out = max(0, len(shown) - max_outlets)
    shown = shown[:max_outlets]
    styles = _styles_for(shown, outlets)
    rng = np.random.default_rng(seed)
    fig, axes = _new_figure(figsize=(min(max(6.5, 2.2 + 1.5 * len(shown)), 16), 5.0))
    ax = axes[0, 0]
    parts, sampled_any = [], False
    for i, o in enumerate(shown):
        g = s[s["outlet"] == o].sort_values(["doc_id", "sentence_id"], kind="stable")
        n_all, zero = len(g), float((g[measure] == 0).mean())
        if n_all > max_sentences:
            g = g.iloc[np.sort(rng.choice(n_all, size=max_sentences, replace=False))]
            sampled_any = True
        vals = g[measure].to_numpy(float)
        st = styles[o]
        if len(np.unique(vals)) >= 2:
            vp = ax.violinplot([vals], positions=[i], widths=0.8, showextrema=False)
            for body in vp["bodies"]:
                body.set_facecolor(_lighten(st["color"], 0.45))
                body.set_edgecolor(st["color"])
                body.set_hatch(st["hatch"] or None)
                body.set_alpha(0.9)
        ax.boxplot([vals], positions=[i], widths=0.16, showfliers=False, patch_artist=True,
                   boxprops={"facecolor": "white", "edgecolor": "#222222"},
                   medianprops={"color": "#222222", "linewidth": 1.6},
                   whiskerprops={"color": "#222222"}, capprops={"color": "#222222"}, manage_ticks=False)
        x = np.full(len(g), np.nan)
        if len(g) <= strip_max:
            x = i + rng.uniform(-0.28, 0.28, size=len(g))
            for v in ("outlet", "quoted", "mixed"):
                mask = (g["voice"].astype(str) == v).to_numpy()
                if mask.any():
                    ax.plot(x[mask], vals[mask], linestyle="none", marker=VOICE_MARKERS[v], markersize=4,
                            markerfacecolor="none" if v != "outlet" else "#222222", markeredgecolor="#222222",
                            markeredgewidth=0.7, alpha=0.8, zorder=3, gid="mediabias-points")
            other = ~g["voice"].astype(str).isin(["outlet", "quoted", "mixed"]).to_numpy()
            if other.any():
                ax.plot(x[other], vals[other], linestyle="none", marker="D", markersize=3, color="#222222",
                        alpha=0.8, zorder=3, gid="mediabias-points")
        ax.text(i, 1.0, f"{zero:.0%} score 0", transform=ax.get_xaxis_transform(), ha="center", va="bottom",
                fontsize=7.5, color="#333333")
        parts.append(g[["outlet", "doc_id", "sentence_id", "voice", measure]].assign(
            x=x, outlet_n_sentences=n_all, outlet_zero_share=zero))
    ax.axhline(0, color="#555555", linewidth=0.8, linestyle="--", zorder=1)
    ax.set_xticks(range(len(shown)), [f"{_short(o, 22)}\n{_plural(int(n_docs[o]), 'article')}, "
                                      f"{_plural(int((s['outlet'] == o).sum()), 'sentence')}" for o in shown])
    ax.set_xlim(-0.6, len(shown) - 0.4)
    ax.set_ylabel(label)
    ax.set_xlabel("outlet")
    ax.grid(axis="x", visible=False)
    handles = [Line2D([], [], linestyle="none", marker=VOICE_MARKERS[v], markersize=5,
                      markerfacecolor="none" if v != "outlet" else "#222222", markeredgecolor="#222222",
                      label=VOICE_LABELS[v]) for v in ("outlet", "quoted", "mixed")]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), title="one dot per sentence",
              title_fontsize=7.5, alignment="left")
    table = pd.concat(parts, ignore_index=True)[cols]
    caption = (f"Violin: the distribution of the outlet's sentence scores; box: median and quartiles (whiskers "
               f"1.5 IQR); dots: single sentences, marker = voice. The percentage above each outlet is the share "
               f"of its sentences scored exactly 0 (no word of the scorer's lexicon; labels such as 'occupied "
               f"territories' score 0)."
               f"{f' A seeded sample of {max_sentences:,} sentences per outlet is drawn.' if sampled_any else ''}"
               f"{f' {left_out} outlet(s) not shown.' if left_out else ''} "
               f"{_sample_note({o: n_docs[o] for o in shown})}.")
    return _finish(fig, ax, table, title, _with_note(caption, note))


# ----------------------------------------------------------------------------- actor sentiment

@_styled
def plot_actor_sentiment(outlet_actor_sentiment: pd.DataFrame, *, voice: str = "all", min_sentences: int = 1,
                         max_actors: int = 12, outlets: Sequence[str] | None = None, max_outlets: int = 6,
                         note: str = "") -> Chart:
    """Mean polarity of the sentences that mention each actor, by outlet, with 95% intervals.

    Each outlet has its own marker (and colour); the number beside a point is how
    many sentences it averages. Intervals missing from the table (fewer than two
    sentences) are not drawn.

    Returns:
        :class:`Chart` with one Axes and the table of the points (``outlet, actor,
        voice, n_docs, n_sentences, polarity_mean, polarity_ci_low, polarity_ci_high,
        ci_method, y``), one row per point, outlet by outlet.
    """
    _require(outlet_actor_sentiment, ["outlet", "actor", "polarity_mean", "n_sentences"], "outlet_actor_sentiment")
    title = "Sentiment toward actors by outlet: mean polarity of the sentences naming them"
    cols = [c for c in ("outlet", "actor", "voice", "n_docs", "n_sentences", "polarity_mean", "polarity_ci_low",
                        "polarity_ci_high", "ci_method") if c in outlet_actor_sentiment.columns] + ["y"]
    df = outlet_actor_sentiment
    if "voice" in df.columns:
        df = df[df["voice"] == voice]
    df = df[(df["n_sentences"] >= min_sentences) & df["polarity_mean"].notna()]
    if df.empty:
        return _empty_chart(title, "no sentence mentions any actor", cols)
    df = df.assign(outlet=df["outlet"].astype(str), actor=df["actor"].astype(str))
    tot = df.groupby("actor")["n_sentences"].sum()
    actors = sorted(tot.index, key=lambda a: (-tot[a], a))
    left_actors = max(0, len(actors) - max_actors)
    actors = actors[:max_actors]
    n_docs = df.groupby("outlet")["n_docs"].max().to_dict() if "n_docs" in df.columns else {}
    shown = _order_outlets(df["outlet"].unique(), outlets, n_docs)
    left_out = max(0, len(shown) - max_outlets)
    shown = shown[:max_outlets]
    styles = _styles_for(shown, outlets)
    apos = {a: i for i, a in enumerate(actors)}
    k = len(shown)
    step = min(0.7 / max(k, 1), 0.25)
    fig, axes = _new_figure(figsize=(8.0, min(1.8 + 0.42 * len(actors) * max(1, k / 2), 26)))
    ax = axes[0, 0]
    drawn = []
    for i, o in enumerate(shown):
        st = styles[o]
        part = df[(df["outlet"] == o) & df["actor"].isin(actors)].copy()
        part = part.assign(_a=part["actor"].map(apos)).sort_values("_a", kind="stable")
        y = part["_a"].to_numpy(float) + (i - (k - 1) / 2) * step
        x = part["polarity_mean"].to_numpy(float)
        nd = n_docs.get(o)
        ax.plot(x, y, linestyle="none", marker=st["marker"], markersize=6, color=st["color"],
                markeredgecolor="#222222", markeredgewidth=0.6, zorder=3, gid="mediabias-points",
                label=f"{_short(o, 30)}" + (f" ({_plural(int(nd), 'article')})" if nd is not None else ""))
        if "polarity_ci_low" in part.columns:
            lo, hi = part["polarity_ci_low"].to_numpy(float), part["polarity_ci_high"].to_numpy(float)
            ok = np.isfinite(lo) & np.isfinite(hi)
            if ok.any():
                eb = ax.errorbar(x[ok], y[ok], xerr=np.vstack([np.clip(x[ok] - lo[ok], 0, None),
                                                               np.clip(hi[ok] - x[ok], 0, None)]),
                                 fmt="none", ecolor=st["color"], elinewidth=1.1, capsize=2, zorder=2,
                                 gid="mediabias-ci")
                eb.lines[2][0].set_linestyle(st["linestyle"])
        for xi, yi, n in zip(x, y, part["n_sentences"]):
            ax.annotate(f"{int(n)}", (xi, yi), xytext=(4, 3), textcoords="offset points", fontsize=6.5,
                        color="#333333")
        drawn.append(part.assign(y=y))
    ax.axvline(0, color="#555555", linewidth=0.8, linestyle="--", zorder=1)
    ax.set_yticks(range(len(actors)), [_short(a, 30) for a in actors])
    ax.set_ylim(len(actors) - 0.5, -0.5)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("mean sentence polarity (TextBlob, -1 to +1), 95% interval")
    ax.set_ylabel("actor named in the sentence")
    ax.legend(loc="best", title="outlet (marker)", title_fontsize=7.5,
              frameon=True, facecolor="white", edgecolor="#cccccc")
    table = pd.concat(drawn, ignore_index=True)
    table = table[[c for c in cols if c in table.columns]]
    extra = []
    if left_actors:
        extra.append(f"{left_actors} actor(s) named in fewest sentences not shown.")
    if left_out:
        extra.append(f"{left_out} outlet(s) not shown.")
    caption = (f"Points: mean TextBlob polarity of the outlet's sentences that name the actor ({voice} voices); "
               f"numbers: sentences averaged; whiskers: 95% intervals ({_ci_methods(table)}), none with one "
               f"sentence. A sentence naming two actors counts for both. {' '.join(extra)}{' ' if extra else ''}"
               f"{_sample_note({o: n_docs[o] for o in shown if o in n_docs}) if n_docs else ''}.")
    return _finish(fig, ax, table, title, _with_note(caption, note))


# ----------------------------------------------------------------------------- polarity trace

@_styled
def plot_polarity_trace(sentences: pd.DataFrame, matches: pd.DataFrame, doc_id: str, *,
                        articles: pd.DataFrame | None = None, measure: str = "polarity",
                        lexicon: str | Sequence[str] | None = "loaded_terms",
                        exclude_categories: Sequence[str] | None = BASELINE_CATEGORIES,
                        label_chars: int = 38, note: str = "") -> Chart:
    """Sentence-by-sentence polarity of one article, with the sentences holding lexicon hits marked.

    The line follows the article's sentences in order (marker = voice); a shaded
    band and a label (the entries found) mark each sentence with hits.

    Returns:
        :class:`Chart` with one Axes and the table of the points (``doc_id,
        sentence_id, voice, <measure>, n_hits, entries``), one row per sentence.
    """
    _require(sentences, ["doc_id", "sentence_id", measure], "sentences")
    doc_id = str(doc_id)
    cols = ["doc_id", "sentence_id", "voice", measure, "n_hits", "entries"]
    art = None
    if articles is not None and "doc_id" in articles.columns:
        hit = articles[articles["doc_id"].astype(str) == doc_id]
        art = hit.iloc[0] if len(hit) else None
    outlet = _short(art["outlet"], 40, safe=False) if art is not None and "outlet" in art.index else ""
    head = (_short(art["title"], 60, safe=False) if art is not None and "title" in art.index
            and pd.notna(art["title"]) else doc_id)
    title = f"Polarity sentence by sentence: {outlet + ', ' if outlet else ''}{head}"
    s = sentences[sentences["doc_id"].astype(str) == doc_id]
    s = s[pd.to_numeric(s[measure], errors="coerce").notna()].sort_values("sentence_id", kind="stable")
    if s.empty:
        return _empty_chart(title, f"no scored sentences for article {doc_id}", cols)
    m = matches[matches["doc_id"].astype(str) == doc_id] if "doc_id" in matches.columns else matches.iloc[0:0]
    m, lex_note = _pick_lexicon(m, lexicon)
    m, excl_note = _drop_categories(m, exclude_categories)
    if "sentence_id" in m.columns:
        m = m[m["sentence_id"].notna()]
        by_s = m.groupby(m["sentence_id"].astype(int))["entry"]
        n_hits = by_s.size().to_dict()
        names = by_s.agg(lambda e: "; ".join(sorted(dict.fromkeys(map(str, e)), key=str.casefold))).to_dict()
    else:
        n_hits, names = {}, {}
    sid = s["sentence_id"].astype(int).to_numpy()
    vals = pd.to_numeric(s[measure]).to_numpy(float)
    voices = s["voice"].astype(str).to_numpy() if "voice" in s.columns else np.array(["outlet"] * len(s))
    table = pd.DataFrame({"doc_id": doc_id, "sentence_id": sid, "voice": voices, measure: vals,
                          "n_hits": [int(n_hits.get(i, 0)) for i in sid],
                          "entries": [names.get(i, "") for i in sid]}, columns=cols)
    fig, axes = _new_figure(figsize=(min(4.0 + 0.22 * len(s), 16), 4.6))
    ax = axes[0, 0]
    lo_y = min(-0.25, float(np.nanmin(vals)) - 0.1)
    hi_y = max(0.25, float(np.nanmax(vals)) + 0.1)
    for i, n in zip(sid, table["n_hits"]):
        if n:
            ax.axvspan(i - 0.42, i + 0.42, color="#E69F00", alpha=0.22, linewidth=0, zorder=0)
            ax.text(i, 0.99, _short(names.get(i, ""), label_chars), transform=ax.get_xaxis_transform(),
                    rotation=90, ha="center", va="top", fontsize=6.5, color="#333333", zorder=4)
    ax.plot(sid, vals, color="#0072B2", linewidth=1.2, zorder=2)
    for v in ("outlet", "quoted", "mixed"):
        mask = voices == v
        if mask.any():
            ax.plot(sid[mask], vals[mask], linestyle="none", marker=VOICE_MARKERS[v], markersize=5,
                    markerfacecolor="#0072B2" if v == "outlet" else "white", markeredgecolor="#0072B2",
                    markeredgewidth=1.0, zorder=3, label=VOICE_LABELS[v])
    ax.axhline(0, color="#555555", linewidth=0.8, linestyle="--", zorder=1)
    ax.set_ylim(lo_y, hi_y + (hi_y - lo_y) * 0.9)
    ax.set_xlim(sid.min() - 0.6, sid.max() + 0.6)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("sentence number in the article")
    ax.set_ylabel({"polarity": "polarity (TextBlob, -1 to +1)"}.get(measure, measure))
    hit_patch = Patch(facecolor="#E69F00", alpha=0.35, label="sentence with hits (entries above)")
    handles, _ = ax.get_legend_handles_labels()
    ax.legend(handles=handles + [hit_patch], loc="lower left", ncols=2, fontsize=7, frameon=True,
              facecolor="white", edgecolor="#cccccc")
    ax.grid(axis="x", visible=False)
    n_hit_sent = int((table["n_hits"] > 0).sum())
    caption = (f"n = 1 article ({outlet or 'outlet unknown'}), {_plural(len(s), 'sentence')}, "
               f"{_plural(int(table['n_hits'].sum()), 'hit')} of {lex_note}{excl_note} in "
               f"{_plural(n_hit_sent, 'sentence')}; descriptive only. Points: each sentence's score, marker = "
               f"voice; shaded: sentences with hits, labelled with the entries found.")
    return _finish(fig, ax, table, title, _with_note(caption, note))


# ----------------------------------------------------------------------------- saving

_NAME_OK = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def save_figure(fig, table: pd.DataFrame, name: str, out_dir: str | os.PathLike) -> tuple[Path, Path]:
    """Write ``out_dir/NAME.png`` and ``out_dir/NAME.csv`` (exactly the plotted numbers).

    The PNG is written at 150 dpi without the matplotlib version in its metadata, and
    the CSV deterministically (UTF-8, ``\\n`` line ends), both via a temporary name
    then renamed, so the same figure gives the same bytes on every run and a reader
    never sees half a file. Returns ``(png_path, csv_path)``.
    """
    if not _NAME_OK.match(name):
        raise ValueError(f"figure name {name!r}: use letters, digits, '_', '-' and '.' only")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    png = out / f"{name}.png"
    tmp = out / f".{name}.png.tmp-{os.getpid()}"
    try:
        with mediabias_style():
            fig.savefig(tmp, format="png", dpi=DPI, metadata={"Software": None}, bbox_inches="tight",
                        pad_inches=0.15)
        os.replace(tmp, png)
    finally:
        tmp.unlink(missing_ok=True)
    csv = write_table(table, out / f"{name}.csv")
    return png, csv


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", str(text)).strip("_.") or "x"


def write_figures(tables: Mapping[str, pd.DataFrame], out_dir: str | os.PathLike, *,
                  outlet_articles: Mapping[str, int] | pd.Series | None = None, max_traces: int = 6,
                  max_articles: int = 12, top: int = 30, jobs: int = 1) -> list[dict]:
    """Make, save and close the standard set of figures of a report.

    ``tables`` maps names to the tables of a run (``articles``, ``sentences``,
    ``matches``, ``outlet_terms``, ``outlet_categories``, ``keyness``,
    ``framing_pairs``, ``outlet_actor_sentiment``; others are ignored). Each figure
    is written as ``out_dir/NAME.png`` with its twin ``NAME.csv`` (:func:`save_figure`):
    the headline ``terms_by_outlet`` first, then ``categories_<lexicon>`` (one heatmap
    per lexicon), ``keyness_entries``, ``keyness_words``, ``framing_shares``,
    ``dispersion``, ``sentiment_by_outlet``, ``actor_sentiment`` and
    ``polarity_trace_<doc_id>`` for up to ``max_traces`` articles (those with most
    loaded-term hits). What is drawn is capped (``top`` entries, 6 to 12 outlets,
    ``max_articles`` articles in the dispersion plot), so it works on big corpora. A
    figure with nothing to draw (no hits, one outlet, no framing pair named), or whose
    table is missing, is skipped with the reason, never raised.

    ``outlet_articles``: articles per outlet in the whole corpus, when ``articles``,
    ``sentences`` and ``matches`` hold only a sample of it (a streamed run); the
    charts drawn from those three then say so in their captions, and outlets are
    ordered (and styled) by the whole corpus.

    ``jobs > 1`` draws the figures on ``jobs - 1`` worker processes and this one (about a
    second of processor time each, whatever the corpus size); the files are the same bytes.
    A script that passes it must guard its top level with ``if __name__ == "__main__":``.

    Returns one dict per figure, in order: ``name``, ``title``, ``caption``, ``png``
    and ``csv`` (Paths), and ``skipped``: None, or the reason it was skipped (then
    ``png`` and ``csv`` are None and no file is written).
    """
    out = Path(out_dir)
    arts = tables.get("articles")
    counts = _docs_per_outlet(outlet_articles) if outlet_articles is not None else _docs_per_outlet(arts)
    order = sorted(counts, key=lambda o: (-counts[o], o)) or None
    n_sample = len(arts) if arts is not None else 0
    n_all = sum(counts.values())
    sample = (f"Drawn from a sample of the corpus: {n_sample:,} of its {n_all:,} articles."
              if outlet_articles is not None and n_sample < n_all else "")

    calls: list[tuple] = []  # the arguments of _figure, one tuple per figure

    def add(name, title, func, needed, *extra, **kwargs):
        """A figure drawn by ``func(*tables[needed], *extra, **kwargs)``; skipped when a table is missing."""
        missing = [x for x in needed if tables.get(x) is None]
        args = None if missing else (*[tables[x] for x in needed], *extra)
        calls.append((name, title, func, args, kwargs, out, f"no {', '.join(missing)} table"))

    add("terms_by_outlet", "Loaded terms by outlet", plot_terms_by_outlet, ["outlet_terms"], top=top, outlets=order)
    oc = tables.get("outlet_categories")
    lexicons = (sorted(set(oc["lexicon"].dropna().astype(str).unique())) if oc is not None and "lexicon" in oc.columns
                else [])
    if lexicons:
        for lx in lexicons:
            add(f"categories_{_slug(lx)}", f"Lexicon categories by outlet: {lx}", plot_category_heatmap,
                ["outlet_categories"], lexicon=lx, outlets=order)
    else:
        add("categories", "Lexicon categories by outlet", plot_category_heatmap, ["outlet_categories"], outlets=order)
    add("keyness_entries", "Keyness of lexicon entries by outlet", plot_keyness, ["keyness"], unit="entry",
        articles=counts, outlets=order)
    add("keyness_words", "Keyness of words by outlet", plot_keyness, ["keyness"], unit="word", articles=counts,
        outlets=order)
    add("framing_shares", "Framing pairs by outlet", plot_framing_shares, ["framing_pairs"], outlets=order)
    add("dispersion", "Where the terms fall in each article", plot_dispersion, ["matches", "articles"],
        max_articles=max_articles, outlets=order, note=sample)
    add("sentiment_by_outlet", "Sentence polarity by outlet", plot_sentiment_by_outlet, ["sentences", "articles"],
        outlets=order, note=sample)
    add("actor_sentiment", "Sentiment toward actors by outlet", plot_actor_sentiment, ["outlet_actor_sentiment"],
        outlets=order)
    for doc in _trace_docs(tables, max_traces):
        add(f"polarity_trace_{_slug(doc)}", f"Polarity sentence by sentence: {doc}", plot_polarity_trace,
            ["sentences", "matches"], doc, articles=arts)

    # On workers: the figures whose tables are small. Those drawn from a big table (outlet_terms
    # or keyness of hundreds of outlets: a million rows) are drawn here meanwhile, so the table
    # is not copied into another process (time, and as much memory again).
    remote = [i for i, call in enumerate(calls) if call[3] is not None and
              all(len(x) <= FIGURE_WORKER_MAX_ROWS for x in call[3] if isinstance(x, pd.DataFrame))]
    results: list = [None] * len(calls)
    if jobs > 1 and len(remote) > 1:
        from .engine import WorkerPool

        # jobs - 1 workers, and this process draws too: it has matplotlib imported already,
        # a worker spends about 0.8 s of processor time importing it. The workers take the
        # figures from the front; this process draws its own (big tables), then takes from the
        # back those no worker has started.
        with WorkerPool(min(jobs - 1, len(remote)), initializer=_init_figure_worker) as pool:
            futures = {i: pool.submit(_figure, *calls[i]) for i in remote}
            for i, call in enumerate(calls):
                if i not in futures:
                    results[i] = _figure(*call)
            for i in reversed(remote):
                if not futures[i].cancel():  # started (or queued for a worker): so are those before it
                    break
                del futures[i]
                results[i] = _figure(*calls[i])
            for i, fut in futures.items():
                results[i] = fut.get()
    else:
        results = [_figure(*call) for call in calls]
    for entry in results:
        if entry["skipped"] and entry["skipped"].startswith("could not draw"):
            warnings.warn(f"figure {entry['name']} skipped: {entry['skipped'][len('could not draw: '):]}",
                          RuntimeWarning, stacklevel=2)
    return results


#: Figures drawn from a table longer than this are drawn in the calling process (see :func:`write_figures`).
FIGURE_WORKER_MAX_ROWS = 100_000


def _init_figure_worker() -> None:
    mpl.use("Agg")  # a worker only writes files


def _figure(name: str, title: str, func, args: tuple | None, kwargs: dict, out: Path, missing: str) -> dict:
    """One figure of :func:`write_figures`: drawn, saved and closed; its entry (never raises)."""
    entry = {"name": name, "title": title, "caption": "", "png": None, "csv": None, "skipped": None}
    if args is None:
        entry["skipped"] = missing
        return entry
    chart = None
    before = set(plt.get_fignums())
    try:
        chart = func(*args, **kwargs)
        entry["title"], entry["caption"] = chart.title or title, chart.caption
        if chart.empty:
            entry["skipped"] = chart.empty
        else:
            entry["png"], entry["csv"] = save_figure(chart.figure, chart.table, name, out)
    except Exception as e:  # a report must not die for one figure: say why instead
        entry["skipped"] = f"could not draw: {type(e).__name__}: {e}"
    finally:
        if chart is not None:
            plt.close(chart.figure)
        for num in sorted(set(plt.get_fignums()) - before):  # also those of a chart that failed midway
            plt.close(num)
    return entry


def _trace_docs(tables: Mapping[str, pd.DataFrame], max_traces: int) -> list[str]:
    """Articles to trace: those with most loaded-term hits (then the order of the articles)."""
    arts, m = tables.get("articles"), tables.get("matches")
    if arts is None or "doc_id" not in arts.columns or max_traces <= 0:
        return []
    docs = list(dict.fromkeys(arts["doc_id"].astype(str)))
    if m is None or m.empty or "doc_id" not in m.columns:
        return docs[:max_traces]
    mm, _ = _pick_lexicon(m, "loaded_terms")
    mm, _ = _drop_categories(mm, BASELINE_CATEGORIES)
    hits = mm["doc_id"].astype(str).value_counts().to_dict()
    pos = {d: i for i, d in enumerate(docs)}
    return sorted(docs, key=lambda d: (-hits.get(d, 0), pos[d]))[:max_traces]
