"""Charts (mediabias.plots): every chart's CSV twin is exactly what it draws.

Each chart function runs on the real seed tables and on small hand-made tables
with known values; the drawn artists (bar widths, error-bar ends, marker positions,
heatmap cells) are compared with the returned table. Degenerate inputs (no hits,
one outlet, empty framing table) must give an "empty" chart, never an exception.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_rgb  # noqa: E402

from mediabias import load_lexicon, plots  # noqa: E402
from mediabias.report import aggregate_tables, process_articles  # noqa: E402

SEED = 20181208
# a layout that collapses, or any other matplotlib complaint, is a failure here
pytestmark = pytest.mark.filterwarnings("error::UserWarning", "error::RuntimeWarning")


# ----------------------------------------------------------------------------- fixtures and helpers

def build_tables(read, lexicon_names=("loaded_terms", "bias_cues")) -> dict[str, pd.DataFrame]:
    """The tables of a report run, as ``run_report`` builds them."""
    lexicons = [load_lexicon(x) for x in lexicon_names]
    arts, sents, matches = process_articles(read.articles, lexicons)
    return {"articles": arts, "sentences": sents, "matches": matches,
            **aggregate_tables(arts, sents, matches, lexicons, SEED),
            "dropped_lines": read.dropped_lines, "load_report": read.load_report}


@pytest.fixture(scope="module")
def seed_tables(seed_read) -> dict[str, pd.DataFrame]:
    return build_tables(seed_read)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def caption_text(chart) -> str:
    return " ".join(t.get_text() for t in chart.figure.texts)


def all_axes(chart) -> list:
    return list(np.ravel(chart.ax)) if isinstance(chart.ax, np.ndarray) else [chart.ax]


def check_frame(chart, sample: str = "n = ") -> None:
    """Title, axis labels, caption with the sample size, table attrs."""
    fig = chart.figure
    assert fig.get_suptitle().strip()
    assert chart.title == fig.get_suptitle()
    assert sample in caption_text(chart)
    assert chart.caption and chart.caption.split()[0] in caption_text(chart)
    visible = [ax for ax in all_axes(chart) if ax.get_visible()]
    assert any(ax.get_xlabel().strip() for ax in visible)
    assert any(ax.get_ylabel().strip() for ax in visible) or fig.get_supylabel().strip()
    assert chart.empty is None


def points(ax) -> list:
    """The data-point lines (gid mediabias-points) of an Axes."""
    return [line for line in ax.lines if line.get_gid() == "mediabias-points"]


def bar_patches(ax) -> list:
    return [p for p in ax.patches if type(p).__name__ == "Rectangle"]


def ci_segments(ax) -> list[tuple[float, float, float]]:
    """(low, high, y) of every horizontal error bar (the charts draw error bars only for intervals)."""
    out = []
    for c in ax.containers:
        if type(c).__name__ == "ErrorbarContainer":
            for seg in c.lines[2][0].get_segments():
                (x0, y0), (x1, _y1) = seg
                out.append((min(x0, x1), max(x0, x1), y0))
    return out


def assert_same_pairs(got, expected) -> None:
    got, expected = sorted(map(tuple, got)), sorted(map(tuple, expected))
    assert len(got) == len(expected)
    np.testing.assert_allclose(np.array(got, dtype=float), np.array(expected, dtype=float), rtol=1e-9, atol=1e-12)


def luminance(color) -> float:
    r, g, b = to_rgb(color)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


# ----------------------------------------------------------------------------- the look

def test_palette_is_okabe_ito_and_greyscale_distinct():
    okabe_ito = {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"}
    assert set(plots.PALETTE) == okabe_ito
    lum = [luminance(c) for c in plots.PALETTE]
    assert all(abs(a - b) > 0.08 for a, b in zip(lum, lum[1:])), "neighbouring series must differ in greyscale"
    assert len(set(plots.HATCHES)) == len(plots.HATCHES) == len(plots.MARKERS) == len(set(plots.MARKERS))


def test_outlet_styles_stable_and_distinct():
    st = plots.outlet_styles(["A", "B", "C"])
    assert st["A"]["color"] != st["B"]["color"] and st["A"]["hatch"] != st["B"]["hatch"]
    assert st["A"]["marker"] != st["B"]["marker"]
    assert plots.outlet_styles(["A", "B"])["B"] == st["B"]


def test_style_context_restores_rcparams():
    before = matplotlib.rcParams["axes.prop_cycle"]
    with plots.mediabias_style():
        assert matplotlib.rcParams["axes.spines.top"] is False
    assert matplotlib.rcParams["axes.prop_cycle"] == before


# ----------------------------------------------------------------------------- terms by outlet

def small_outlet_terms() -> pd.DataFrame:
    rows = []

    def add(outlet, entry, voice, count, tokens, lo, hi, category="c", lexicon="loaded_terms", n_docs=1):
        lo = lo if count else 0.0
        rows.append({"outlet": outlet, "lexicon": lexicon, "category": category, "entry": entry, "voice": voice,
                     "count": count, "n_docs": n_docs, "docs_with_term": int(count > 0), "n_tokens": tokens,
                     "rate_per_1k": count / tokens * 1000, "ci_low": lo, "ci_high": hi, "ci_method": "exact-poisson",
                     "caveat": ""})
    for o, tok in (("X", 1000), ("Y", 500)):
        add(o, "pretext", "all", 3 if o == "X" else 0, tok, 0.5, 8.0)
        add(o, "pretext", "outlet", 2 if o == "X" else 0, tok, 0.2, 7.0)
        add(o, "pretext", "quoted", 1 if o == "X" else 0, tok, 0.1, 5.0)
        add(o, "threat", "all", 1 if o == "X" else 4, tok, 0.3, 9.0)
        add(o, "threat", "outlet", 1 if o == "X" else 4, tok, 0.3, 9.0)
        add(o, "Israel", "all", 9, tok, 1.0, 20.0, category="reference_labels")
        add(o, "Israel", "outlet", 9, tok, 1.0, 20.0, category="reference_labels")
    return pd.DataFrame(rows)


def test_terms_by_outlet_known_values():
    ot = small_outlet_terms()
    chart = plots.plot_terms_by_outlet(ot)
    check_frame(chart)
    axes = all_axes(chart)
    t = chart.table
    assert list(t["outlet"].unique()) == ["X", "Y"]          # equal n_docs: by name
    assert set(t["entry"]) == {"pretext", "threat"}          # reference_labels left out by default
    assert set(t["voice"]) == {"outlet", "quoted"}           # "all" is not drawn
    widths = [p.get_width() for ax in axes for p in bar_patches(ax)]
    assert widths == pytest.approx(t["rate_per_1k"].tolist())
    # the entry with most hits first: threat (5) before pretext (3)
    assert [lab.get_text() for lab in axes[0].get_yticklabels()] == ["threat", "pretext"]
    # error bars: exactly the ci columns
    segs = [(a, b) for ax in axes for a, b, _ in ci_segments(ax)]
    assert_same_pairs(segs, zip(t["ci_low"], t["ci_high"]))
    # voices told apart without colour: own solid, quoted hatched
    for ax in axes:
        own = [p for p in bar_patches(ax) if not p.get_hatch()]
        quoted = [p for p in bar_patches(ax) if p.get_hatch()]
        assert own and quoted
    assert "n = 1 article per outlet" in caption_text(chart)
    assert "descriptive only" in caption_text(chart)


def test_terms_by_outlet_entries_and_category_level():
    ot = small_outlet_terms()
    chart = plots.plot_terms_by_outlet(ot, entries=["PRETEXT", "Israel"], exclude_categories=None)
    labels = [lab.get_text() for lab in all_axes(chart)[0].get_yticklabels()]
    assert labels == ["pretext", "Israel"]
    cat = ot.drop(columns=["entry"])
    cat = cat.groupby(["outlet", "lexicon", "category", "voice"], as_index=False).agg(
        count=("count", "sum"), n_docs=("n_docs", "max"), n_tokens=("n_tokens", "max"), ci_low=("ci_low", "min"),
        ci_high=("ci_high", "max"))
    cat["rate_per_1k"] = cat["count"] / cat["n_tokens"] * 1000
    chart = plots.plot_terms_by_outlet(cat)
    assert "entry" not in chart.table.columns
    assert set(chart.table["category"]) == {"c"}
    widths = [p.get_width() for ax in all_axes(chart) for p in bar_patches(ax)]
    assert widths == pytest.approx(chart.table["rate_per_1k"].tolist())


def test_terms_by_outlet_seed_headline(seed_tables):
    chart = plots.plot_terms_by_outlet(seed_tables["outlet_terms"], top=30)
    check_frame(chart)
    t = chart.table
    entries = set(t["entry"])
    for term in ("under the pretext of", "occupied territories", "alleged tunnels", "Iran-backed", "boasted"):
        assert term in entries
    assert "Israel" not in entries                            # a baseline name, not loaded
    widths = [p.get_width() for ax in all_axes(chart) for p in bar_patches(ax)]
    assert widths == pytest.approx(t["rate_per_1k"].tolist())
    segs = [(a, b) for ax in all_axes(chart) for a, b, _ in ci_segments(ax)]
    assert_same_pairs(segs, zip(t["ci_low"], t["ci_high"]))
    # the rates are the table's: Press TV wrote "under the pretext of" once in 387 tokens
    row = t[(t["outlet"] == "Press TV") & (t["entry"] == "under the pretext of") & (t["voice"] == "outlet")]
    assert row["rate_per_1k"].iloc[0] == pytest.approx(1 / 387 * 1000)
    titles = [ax.get_title() for ax in all_axes(chart)]
    assert any("387 tokens" in x for x in titles)


# ----------------------------------------------------------------------------- heatmap

def test_category_heatmap_known_values():
    df = pd.DataFrame({"outlet": ["X", "X", "Y", "Y", "X"], "lexicon": ["lx"] * 5,
                       "category": ["a", "b", "a", "b", "c"], "voice": ["all"] * 5,
                       "count": [2, 0, 1, 4, 0], "n_docs": [1] * 5, "rate_per_1k": [2.0, 0.0, 1.5, 6.0, 0.0]})
    chart = plots.plot_category_heatmap(df, lexicon="lx")
    check_frame(chart)
    t = chart.table
    assert list(t["category"].unique()) == ["b", "a"]         # most hits first; c (no hits) left out
    img = chart.ax.images[0].get_array()
    assert np.asarray(img).ravel().tolist() == pytest.approx(t["rate_per_1k"].tolist())
    texts = [x.get_text() for x in chart.ax.texts]
    assert texts == ["0", "2.0", "6.0", "1.5"]


def test_category_heatmap_seed_outlets_and_docs(seed_tables):
    chart = plots.plot_category_heatmap(seed_tables["outlet_categories"])
    check_frame(chart)
    assert "reference_labels" not in set(chart.table["category"])
    assert len(chart.ax.texts) == len(chart.table)
    img = np.asarray(chart.ax.images[0].get_array()).ravel()
    assert img.tolist() == pytest.approx(chart.table["rate_per_1k"].tolist())
    docs = plots.plot_category_heatmap(seed_tables["doc_categories"], lexicon="bias_cues")
    check_frame(docs)
    assert "doc_id" in docs.table.columns and docs.table["doc_id"].nunique() == 2


# ----------------------------------------------------------------------------- keyness

def test_keyness_known_values_and_measures():
    k = pd.DataFrame({"outlet": ["X", "X", "X", "Y", "Y", "Y"], "term": ["a", "b", "c", "a", "b", "c"],
                      "count_target": [5, 2, 0, 0, 1, 3], "count_reference": [0, 1, 3, 5, 2, 0],
                      "total_target": [100] * 3 + [120] * 3, "total_reference": [120] * 3 + [100] * 3,
                      "g2": [6.1, 0.5, -3.0, -6.1, -0.5, 3.0], "p_value": [0.01, 0.5, 0.08, 0.01, 0.5, 0.08],
                      "log_ratio": [3.1, 0.4, -2.5, -3.1, -0.4, 2.5], "unit": ["word"] * 6,
                      "q_value": [0.03, 0.5, 0.1, 0.03, 0.5, 0.1]})
    chart = plots.plot_keyness(k, unit="word")
    check_frame(chart, sample="n = ")
    t = chart.table
    assert t[["outlet", "term"]].values.tolist() == [["X", "a"], ["X", "b"], ["Y", "c"]]   # positive only
    widths = [p.get_width() for ax in all_axes(chart) for p in bar_patches(ax)]
    assert widths == pytest.approx(t["g2"].tolist())
    assert "signed G2" in all_axes(chart)[0].get_xlabel()
    lr = plots.plot_keyness(k, unit="word", measure="log_ratio", top=1)
    assert [p.get_width() for ax in all_axes(lr) for p in bar_patches(ax)] == pytest.approx([3.1, 2.5])
    assert "log ratio" in all_axes(lr)[0].get_xlabel()
    with pytest.raises(ValueError):
        plots.plot_keyness(k, measure="chi2")


def test_keyness_seed(seed_tables):
    arts = seed_tables["articles"]
    chart = plots.plot_keyness(seed_tables["keyness"], unit="entry", articles=arts)
    check_frame(chart, sample="n = 1 article per outlet")
    t = chart.table
    assert (t["g2"] > 0).all() and set(t["outlet"]) == {"Press TV", "i24NEWS"}
    assert t.groupby("outlet").size().max() <= 10
    widths = [p.get_width() for ax in all_axes(chart) for p in bar_patches(ax)]
    assert widths == pytest.approx(t["g2"].tolist())
    # outlets told apart without colour
    hatches = [bar_patches(ax)[0].get_hatch() for ax in all_axes(chart)]
    assert len(set(hatches)) == 2


# ----------------------------------------------------------------------------- framing shares

def test_framing_shares_known_values():
    fp = pd.DataFrame({"outlet": ["X", "X", "Y", "Y", "Z", "Z"], "lexicon": ["lx"] * 6,
                       "referent": ["territories"] * 6,
                       "alternative": ["disputed", "occupied"] * 3, "count": [1, 3, 2, 0, 0, 0],
                       "total": [4, 4, 2, 2, 0, 0], "share": [0.25, 0.75, 1.0, 0.0, np.nan, np.nan],
                       "ci_low": [0.0] * 6, "ci_high": [1.0] * 6, "n_docs": [2, 2, 1, 1, 0, 0]})
    chart = plots.plot_framing_shares(fp)
    check_frame(chart)
    t = chart.table
    assert set(t["outlet"]) == {"X", "Y"}                      # Z never names the referent: no bar
    ax = all_axes(chart)[0]
    rects = bar_patches(ax)
    assert [r.get_width() for r in rects] == pytest.approx(t["share"].tolist())
    assert [r.get_x() for r in rects] == pytest.approx(t["left"].tolist())
    sums = t.groupby("outlet")["share"].sum()
    assert sums.tolist() == pytest.approx([1.0, 1.0])
    hatches = {r.get_hatch() for r in rects}
    assert len(hatches) == 2                                   # alternatives differ in hatch, not only colour
    assert "n = 4 hits" in " ".join(x.get_text() for x in ax.get_yticklabels())


def test_framing_shares_seed(seed_tables):
    chart = plots.plot_framing_shares(seed_tables["framing_pairs"])
    check_frame(chart)
    t = chart.table
    rects = [r for ax in all_axes(chart) for r in bar_patches(ax)]
    assert [r.get_width() for r in rects] == pytest.approx(t["share"].tolist())
    terr = t[(t["referent"] == "territories") & (t["outlet"] == "Press TV")]
    assert terr.set_index("alternative")["share"].to_dict() == {"occupied": 1.0}
    for (_ref, _o), g in t.groupby(["referent", "outlet"]):
        assert g["share"].sum() == pytest.approx(1.0)


# ----------------------------------------------------------------------------- dispersion

def test_dispersion_known_positions():
    arts = pd.DataFrame({"doc_id": ["d1", "d2"], "outlet": ["X", "Y"], "title": ["One", "Two"],
                         "text": ["pretext " + "x" * 92, "y" * 50 + "pretext" + "z" * 43]})
    m = pd.DataFrame({"doc_id": ["d1", "d2", "d2"], "outlet": ["X", "Y", "Y"], "start": [0, 50, 90],
                      "end": [7, 57, 95], "entry": ["pretext", "pretext", "threat"], "category": ["c"] * 3,
                      "lexicon": ["lx"] * 3, "voice": ["outlet", "quoted", "outlet"]})
    chart = plots.plot_dispersion(m, arts, lexicon="lx")
    check_frame(chart)
    t = chart.table
    assert t["position"].tolist() == pytest.approx([0.0, 0.5, 0.9])
    own = next(line for line in chart.ax.lines if line.get_gid() == "mediabias-own")
    quoted = next(line for line in chart.ax.lines if line.get_gid() == "mediabias-quoted")
    assert list(own.get_xdata()) == pytest.approx(t.loc[t["voice"] != "quoted", "position"].tolist())
    assert list(own.get_ydata()) == t.loc[t["voice"] != "quoted", "row"].tolist()
    assert list(quoted.get_xdata()) == pytest.approx([0.5])
    assert own.get_marker() != quoted.get_marker()
    lengths_only = plots.plot_dispersion(m, arts.assign(n_chars=100).drop(columns="text"), lexicon="lx")
    pd.testing.assert_frame_equal(lengths_only.table, t)
    capped = plots.plot_dispersion(m, arts, lexicon="lx", max_articles=1)
    assert capped.table["doc_id"].unique().tolist() == ["d2"]  # the article with most hits


def test_dispersion_seed(seed_tables):
    arts, m = seed_tables["articles"], seed_tables["matches"]
    chart = plots.plot_dispersion(m, arts, entries=["under the pretext of", "alleged tunnels", "Iran-backed"])
    check_frame(chart)
    t = chart.table
    assert set(t["entry"]) == {"under the pretext of", "alleged tunnels", "Iran-backed"}
    texts = dict(zip(arts["doc_id"], arts["text"]))
    for r in t.itertuples():
        assert r.position == pytest.approx(r.start / len(texts[r.doc_id]))
        assert texts[r.doc_id][r.start:r.end].casefold().replace("-", " ") == r.entry.casefold().replace("-", " ")


# ----------------------------------------------------------------------------- sentiment

def test_sentiment_by_outlet_known_values():
    arts = pd.DataFrame({"doc_id": ["a", "b", "c"], "outlet": ["X", "X", "Y"]})
    sents = pd.DataFrame({"doc_id": ["a", "a", "b", "c", "c"], "sentence_id": [0, 1, 0, 0, 1],
                          "voice": ["outlet", "quoted", "mixed", "outlet", "outlet"],
                          "polarity": [0.0, 0.5, -0.5, 0.0, 0.0]})
    chart = plots.plot_sentiment_by_outlet(sents, arts)
    check_frame(chart)
    t = chart.table
    assert t["polarity"].tolist() == [0.0, 0.5, -0.5, 0.0, 0.0]
    ys = sorted(v for line in points(chart.ax) for v in line.get_ydata())
    assert ys == sorted(t["polarity"].tolist())
    assert t.groupby("outlet")["outlet_zero_share"].first().to_dict() == pytest.approx({"X": 1 / 3, "Y": 1.0})
    texts = " ".join(x.get_text() for x in chart.ax.texts)
    assert "33% score 0" in texts and "100% score 0" in texts   # Y: all zeros, no violin, no error
    markers = {line.get_marker() for line in points(chart.ax)}
    assert len(markers) >= 3                                   # voices by marker, not colour


def test_sentiment_by_outlet_seed_and_sampling(seed_tables):
    s, a = seed_tables["sentences"], seed_tables["articles"]
    chart = plots.plot_sentiment_by_outlet(s, a)
    check_frame(chart)
    assert len(chart.table) == len(s)
    ticks = " ".join(x.get_text() for x in chart.ax.get_xticklabels())
    assert "18 sentences" in ticks and "22 sentences" in ticks
    few = plots.plot_sentiment_by_outlet(s, a, max_sentences=5, strip_max=3)
    assert few.table.groupby("outlet").size().tolist() == [5, 5]
    assert few.table["x"].isna().all()                         # too many for dots: violin and box only
    assert "sample" in few.caption
    again = plots.plot_sentiment_by_outlet(s, a, max_sentences=5, strip_max=3)
    assert again.table.equals(few.table)                       # seeded


# ----------------------------------------------------------------------------- actor sentiment

def test_actor_sentiment_known_values():
    df = pd.DataFrame({"outlet": ["X", "X", "Y", "Y", "Y"], "actor": ["Iran", "Israel", "Iran", "Israel", "Iran"],
                       "voice": ["all", "all", "all", "all", "quoted"], "n_docs": [1] * 5,
                       "n_sentences": [3, 1, 4, 0, 2], "polarity_mean": [0.1, -0.2, -0.3, np.nan, 0.4],
                       "polarity_ci_low": [0.0, np.nan, -0.5, np.nan, 0.1],
                       "polarity_ci_high": [0.2, np.nan, -0.1, np.nan, 0.7], "ci_method": ["t"] * 5})
    chart = plots.plot_actor_sentiment(df)
    check_frame(chart)
    t = chart.table
    assert t[["outlet", "actor"]].values.tolist() == [["X", "Iran"], ["X", "Israel"], ["Y", "Iran"]]
    xs = [v for line in points(chart.ax) for v in line.get_xdata()]
    assert xs == pytest.approx(t["polarity_mean"].tolist())
    segs = [(a, b) for a, b, _ in ci_segments(chart.ax)]
    assert_same_pairs(segs, [(-0.5, -0.1), (0.0, 0.2)])       # no interval for one sentence
    markers = [line.get_marker() for line in points(chart.ax)]
    assert len(set(markers)) == 2


def test_actor_sentiment_seed(seed_tables):
    chart = plots.plot_actor_sentiment(seed_tables["outlet_actor_sentiment"])
    check_frame(chart)
    assert {"Israel", "Hezbollah", "Russia"} <= set(chart.table["actor"])
    assert (chart.table["voice"] == "all").all()


# ----------------------------------------------------------------------------- polarity trace

def test_polarity_trace_seed(seed_tables):
    s, m, a = seed_tables["sentences"], seed_tables["matches"], seed_tables["articles"]
    doc = a.loc[a["outlet"] == "Press TV", "doc_id"].iloc[0]
    chart = plots.plot_polarity_trace(s, m, doc, articles=a)
    check_frame(chart, sample="n = 1 article")
    t = chart.table
    mine = s[s["doc_id"] == doc].sort_values("sentence_id")
    assert t["polarity"].tolist() == pytest.approx(mine["polarity"].tolist())
    line = chart.ax.lines[0]
    assert list(line.get_ydata()) == pytest.approx(t["polarity"].tolist())
    loaded = m[(m["doc_id"] == doc) & (m["lexicon"] == "loaded_terms") & (m["category"] != "reference_labels")]
    assert t["n_hits"].sum() == len(loaded)
    pretext = t[t["entries"].str.contains("under the pretext of", regex=False)]
    assert len(pretext) == 1
    assert "Press TV" in chart.title


def test_polarity_trace_unknown_article(seed_tables):
    chart = plots.plot_polarity_trace(seed_tables["sentences"], seed_tables["matches"], "nope")
    assert chart.empty and chart.table.empty


# ----------------------------------------------------------------------------- degenerate input

def test_degenerate_inputs_draw_empty_charts(seed_tables):
    ot = seed_tables["outlet_terms"]
    empty_m = seed_tables["matches"].iloc[0:0]
    arts, sents = seed_tables["articles"], seed_tables["sentences"]
    charts = [
        plots.plot_terms_by_outlet(ot.iloc[0:0]),
        plots.plot_terms_by_outlet(ot, entries=["not an entry"]),
        plots.plot_category_heatmap(seed_tables["outlet_categories"].assign(count=0, rate_per_1k=0.0)),
        plots.plot_keyness(seed_tables["keyness"].iloc[0:0]),
        plots.plot_framing_shares(seed_tables["framing_pairs"].iloc[0:0]),
        plots.plot_dispersion(empty_m, arts),
        plots.plot_sentiment_by_outlet(sents.iloc[0:0], arts),
        plots.plot_actor_sentiment(seed_tables["outlet_actor_sentiment"].iloc[0:0]),
        plots.plot_polarity_trace(sents, empty_m, arts["doc_id"].iloc[0]),
    ]
    for c in charts[:-1]:
        assert c.empty, c
        assert c.table.empty
        assert c.figure.get_suptitle()
        assert "Nothing to draw" in caption_text(c)
    assert charts[-1].empty is None and charts[-1].table["n_hits"].sum() == 0   # a trace without hits is fine


def test_one_outlet_and_markup_in_names(tmp_corpus, tmp_path):
    from mediabias import read_sources

    folder = tmp_corpus({"a.jsonl": [
        {"outlet": "Cost $5 & <b>Co</b>", "title": "A $x$ title", "text": "They acted under the pretext of "
         "security in the occupied territories. The $alleged$ tunnels were shown. Israel said so."}]})
    t = build_tables(read_sources(folder))
    results = plots.write_figures(t, tmp_path / "figures")
    by = {r["name"]: r for r in results}
    assert by["keyness_entries"]["skipped"] and by["keyness_words"]["skipped"]   # needs two outlets
    assert by["terms_by_outlet"]["png"] is not None
    assert by["framing_shares"]["png"] is not None
    assert by["dispersion"]["png"] is not None
    assert pd.read_csv(by["terms_by_outlet"]["csv"])["outlet"].iloc[0] == "Cost $5 & <b>Co</b>"
    trace = next(r for r in results if r["name"].startswith("polarity_trace_"))
    assert "Cost $5 & <b>Co</b>, A $x$ title" in trace["title"]      # raw text, drawn without mathtext
    assert "(Cost $5 & <b>Co</b>)" in trace["caption"]
    assert plt.get_fignums() == []


# ----------------------------------------------------------------------------- saving

def test_save_figure_writes_png_and_csv_byte_identically(seed_tables, tmp_path):
    paths = []
    for run in ("a", "b"):
        chart = plots.plot_terms_by_outlet(seed_tables["outlet_terms"])
        png, csv = plots.save_figure(chart.figure, chart.table, "terms", tmp_path / run)
        assert png == tmp_path / run / "terms.png" and csv == tmp_path / run / "terms.csv"
        paths.append((png, csv))
        plt.close(chart.figure)
    (png_a, csv_a), (png_b, csv_b) = paths
    assert png_a.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png_a.read_bytes() == png_b.read_bytes()
    assert csv_a.read_bytes() == csv_b.read_bytes()
    assert b"Matplotlib" not in png_a.read_bytes()              # no version in the metadata
    assert b"\r\n" not in csv_a.read_bytes()
    back = pd.read_csv(csv_a)
    assert back["rate_per_1k"].tolist() == pytest.approx(chart.table["rate_per_1k"].tolist())
    assert not list((tmp_path / "a").glob(".*tmp*"))           # no temporary file left
    with pytest.raises(ValueError):
        plots.save_figure(chart.figure, chart.table, "../evil", tmp_path)


def test_write_figures_seed(seed_tables, tmp_path):
    results = plots.write_figures(seed_tables, tmp_path / "figures")
    assert plt.get_fignums() == []                              # every figure closed
    drawn = [r for r in results if not r["skipped"]]
    assert len(drawn) >= 5
    assert results[0]["name"] == "terms_by_outlet" and not results[0]["skipped"]
    names = [r["name"] for r in results]
    assert len(names) == len(set(names))
    for want in ("terms_by_outlet", "categories_loaded_terms", "keyness_entries", "framing_shares", "dispersion",
                 "sentiment_by_outlet", "actor_sentiment"):
        assert want in names
    assert sum(n.startswith("polarity_trace_") for n in names) == 2
    for r in drawn:
        assert set(r) >= {"name", "title", "png", "csv", "caption"}
        assert r["png"].is_file() and r["csv"].is_file() and r["title"] and "n = " in r["caption"]
        assert r["png"].name == f"{r['name']}.png" and r["csv"].name == f"{r['name']}.csv"
    # the CSV twin of the headline is exactly the chart's table
    chart = plots.plot_terms_by_outlet(seed_tables["outlet_terms"], top=30, outlets=["Press TV", "i24NEWS"])
    twin = pd.read_csv(tmp_path / "figures" / "terms_by_outlet.csv")
    pd.testing.assert_frame_equal(twin, pd.read_csv(pd.io.common.StringIO(chart.table.to_csv(index=False))))


@pytest.mark.parametrize("worker_max_rows", [100_000, 100])
def test_write_figures_on_worker_processes_writes_the_same_bytes(seed_tables, tmp_path, monkeypatch,
                                                                  worker_max_rows):
    """jobs=2 draws in other processes (100: the figures of big tables here, the others there);
    every PNG and CSV must be the same bytes, the entries the same."""
    monkeypatch.setattr(plots, "FIGURE_WORKER_MAX_ROWS", worker_max_rows)
    t = dict(seed_tables)
    assert len(t["outlet_terms"]) > 100 > len(t["outlet_actor_sentiment"])
    del t["framing_pairs"]                                      # a skipped figure travels back too
    one = plots.write_figures(t, tmp_path / "one")
    two = plots.write_figures(t, tmp_path / "two", jobs=2)
    strip = (lambda rs: [{k: (v.name if hasattr(v, "name") else v) for k, v in r.items()} for r in rs])
    assert strip(one) == strip(two)
    assert any(r["skipped"] == "no framing_pairs table" for r in two)
    files = sorted(p.name for p in (tmp_path / "one").iterdir())
    assert files == sorted(p.name for p in (tmp_path / "two").iterdir()) and len(files) >= 10
    for name in files:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name


def test_write_figures_with_jobs_draws_in_this_process_and_on_a_worker(seed_tables, tmp_path, monkeypatch):
    """jobs=2: one worker takes figures from the front; this process (matplotlib already imported)
    takes from the back those the worker has not started. Both draw; every figure is written once."""
    here = []
    save = plots.save_figure
    monkeypatch.setattr(plots, "save_figure", lambda fig, table, name, out: here.append(name) or save(fig, table, name, out))
    results = plots.write_figures(dict(seed_tables), tmp_path / "two", jobs=2)
    drawn = [r["name"] for r in results if not r["skipped"]]
    assert len(drawn) >= 10 and set(here) < set(drawn) and here  # some here, the first ones on the worker
    assert drawn[0] not in here
    assert sorted(p.stem for p in (tmp_path / "two").glob("*.png")) == sorted(drawn)


def test_write_figures_degenerate_never_raises(seed_tables, tmp_path):
    t = dict(seed_tables)
    t["matches"] = t["matches"].iloc[0:0]
    t["outlet_terms"] = t["outlet_terms"].iloc[0:0]
    t["framing_pairs"] = t["framing_pairs"].iloc[0:0]
    t["keyness"] = t["keyness"].iloc[0:0]
    del t["outlet_actor_sentiment"]
    results = plots.write_figures(t, tmp_path / "f")
    by = {r["name"]: r for r in results}
    for name in ("terms_by_outlet", "framing_shares", "dispersion", "keyness_entries", "actor_sentiment"):
        assert by[name]["skipped"] and by[name]["png"] is None, name
    assert "no outlet_actor_sentiment table" in by["actor_sentiment"]["skipped"]
    assert by["sentiment_by_outlet"]["png"].is_file()
    assert not (tmp_path / "f" / "terms_by_outlet.png").exists()
    assert plt.get_fignums() == []


def test_write_figures_caps_many_outlets(tmp_corpus, tmp_path):
    from mediabias import read_sources

    words = ["under the pretext of", "occupied territories", "alleged tunnels", "Iran-backed Hezbollah",
             "the Zionist regime", "terrorists", "militants", "the resistance", "disputed territories"]
    rows = []
    for i in range(8):
        for j in range(2):
            picks = [words[(i + j + k) % len(words)] for k in range(4)]
            text = " ".join(f"Officials spoke of {p} on day {k}." for k, p in enumerate(picks))
            rows.append({"outlet": f"Outlet {i}", "title": f"Story {i}-{j}", "text": text})
    t = build_tables(read_sources(tmp_corpus({"many.jsonl": rows})), lexicon_names=("loaded_terms",))
    results = plots.write_figures(t, tmp_path / "figures", max_traces=3)
    assert sum(r["name"].startswith("polarity_trace_") for r in results) == 3
    terms = pd.read_csv(tmp_path / "figures" / "terms_by_outlet.csv")
    assert terms["outlet"].nunique() == 6                        # max_outlets panels
    key = next(r for r in results if r["name"] == "keyness_entries")
    assert not key["skipped"]
    assert plt.get_fignums() == []


def test_write_figures_on_a_sample_of_a_streamed_corpus(seed_tables, tmp_path):
    """Streamed runs keep only a sample of articles: captions say so, outlets follow the whole corpus."""
    results = plots.write_figures(seed_tables, tmp_path / "f", outlet_articles={"Press TV": 10, "i24NEWS": 20},
                                  max_traces=0)
    by = {r["name"]: r for r in results}
    for name in ("sentiment_by_outlet", "dispersion"):
        assert "sample of the corpus: 2 of its 30 articles" in by[name]["caption"]
    assert "sample" not in by["terms_by_outlet"]["caption"]
    assert "n = 10 to 20 articles per outlet" in by["keyness_entries"]["caption"]
    terms = pd.read_csv(by["terms_by_outlet"]["csv"])
    assert terms["outlet"].iloc[0] == "i24NEWS"                 # most articles first, in the whole corpus
    assert not any(n.startswith("polarity_trace_") for n in by)


def test_note_is_appended_to_the_caption(seed_tables):
    chart = plots.plot_actor_sentiment(seed_tables["outlet_actor_sentiment"], note="Seed corpus only.")
    assert chart.caption.endswith("Seed corpus only.")
    assert "Seed corpus only." in caption_text(chart)
