"""Tests for mediabias.stats: every statistic against an independent value."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from mediabias.errors import MediabiasError
from mediabias.lexicon.model import Entry, FramingPair, Lexicon
from mediabias.stats import (CAVEAT_FEW_ARTICLES, benjamini_hochberg, bootstrap_rate_ci, compare_rates,
                             framing_shares, g2_statistic, keyness, keyness_by_outlet, poisson_ci,
                             rate_by_article, rate_by_outlet, wilson_ci)

# ----------------------------------------------------------------------- fixtures


def make_articles(spec: dict[str, list[int]]) -> pd.DataFrame:
    """outlet -> token counts of its articles."""
    rows = []
    for outlet, tokens in spec.items():
        for i, n in enumerate(tokens):
            prefix = "".join(ch for ch in outlet.lower() if ch.isalnum())
            rows.append({"doc_id": f"{prefix}{i:03d}", "outlet": outlet, "title": "", "date": "",
                         "url": "", "source": "", "n_tokens": n, "n_sentences": 1, "text": "x " * n})
    return pd.DataFrame(rows)


def make_matches(hits: list[tuple[str, str, str, str]], articles: pd.DataFrame) -> pd.DataFrame:
    """(doc_id, category, entry, voice) -> a ledger with the other columns filled in."""
    outlet_of = dict(zip(articles["doc_id"], articles["outlet"]))
    return pd.DataFrame([{"doc_id": d, "outlet": outlet_of[d], "sentence_id": 0, "start": 0, "end": len(e),
                          "surface": e, "entry": e, "category": c, "lexicon": "lx", "voice": v, "hedged": False}
                         for d, c, e, v in hits])


@pytest.fixture
def small():
    arts = make_articles({"Press TV": [400], "i24NEWS": [600, 400]})
    hits = [("presstv000", "distancing", "pretext", "outlet"), ("presstv000", "distancing", "pretext", "outlet"),
            ("presstv000", "distancing", "alleged", "quoted"), ("i24news000", "distancing", "alleged", "outlet"),
            ("i24news001", "labels", "terrorists", "quoted")]
    return arts, make_matches(hits, arts)


# ---------------------------------------------------------------- exact Poisson


def test_poisson_ci_textbook_values():
    lo, hi = poisson_ci(0)
    assert lo == 0.0 and hi == pytest.approx(3.689, abs=5e-4)
    lo, hi = poisson_ci(10)
    assert lo == pytest.approx(4.795, abs=5e-4) and hi == pytest.approx(18.39, abs=5e-3)


@pytest.mark.parametrize("k", [1, 2, 5, 17, 60, 250])
def test_poisson_ci_inverts_the_poisson_tails(k):
    # Garwood's bounds are where each one-sided tail probability equals a/2.
    lo, hi = poisson_ci(k, level=0.95)
    assert sps.poisson.cdf(k, hi) == pytest.approx(0.025, abs=1e-9)  # P(X <= k | hi)
    assert sps.poisson.sf(k - 1, lo) == pytest.approx(0.025, abs=1e-9)  # P(X >= k | lo)


def test_poisson_ci_rates_and_arrays():
    lo, hi = poisson_ci(np.array([0, 10]), np.array([2000, 2000]), per=1000)
    assert lo.tolist() == pytest.approx([0.0, 4.795 / 2], abs=1e-3)
    assert hi.tolist() == pytest.approx([3.689 / 2, 18.39 / 2], abs=5e-3)
    assert all(math.isnan(x) for x in poisson_ci(3, 0))


# ----------------------------------------------------------------- bootstrap


def test_bootstrap_is_seeded_and_columns_share_resamples():
    rng = np.random.default_rng(3)
    tokens = rng.integers(200, 900, 40)
    counts = rng.poisson(2, (40, 3))
    a = bootstrap_rate_ci(counts[:, 0], tokens, seed=5)
    b = bootstrap_rate_ci(counts[:, 0], tokens, seed=5)
    assert a == b
    lo, hi = bootstrap_rate_ci(counts, tokens, seed=5)
    assert (lo[0], hi[0]) == a
    assert bootstrap_rate_ci(counts[:, 0], tokens, seed=6) != a


def test_bootstrap_coverage_by_simulation():
    """200 simulated outlets of 30 overdispersed articles: the 95% interval covers the true rate."""
    rng = np.random.default_rng(20181208)
    true_rate = 2.0  # per 1,000 tokens
    covered = 0
    for o in range(200):
        tokens = rng.integers(300, 1200, 30)
        article_effect = rng.gamma(2.0, 0.5, 30)  # mean 1: articles differ in how often they use the term
        counts = rng.poisson(true_rate / 1000 * tokens * article_effect)
        lo, hi = bootstrap_rate_ci(counts, tokens, n_boot=1000, seed=o, per=1000)
        covered += lo <= true_rate <= hi
    assert 0.90 <= covered / 200 <= 0.99


def test_rate_by_outlet_bootstrap_coverage_through_the_table():
    rng = np.random.default_rng(11)
    n_outlets, true_rate = 120, 3.0
    arts = make_articles({f"outlet{o:03d}": list(rng.integers(300, 1000, 25)) for o in range(n_outlets)})
    effect = rng.gamma(2.0, 0.5, len(arts))
    counts = rng.poisson(true_rate / 1000 * arts["n_tokens"].to_numpy() * effect)
    hits = [(d, "c", "term", "outlet") for d, k in zip(arts["doc_id"], counts) for _ in range(k)]
    t = rate_by_outlet(make_matches(hits, arts), arts, n_boot=1000, seed=1)
    t = t[t.voice == "all"]
    assert len(t) == n_outlets and set(t.ci_method) == {"bootstrap"}
    coverage = ((t.ci_low <= true_rate) & (true_rate <= t.ci_high)).mean()
    assert 0.90 <= coverage <= 0.99


# ------------------------------------------------------------ rates per outlet


def test_rate_by_outlet_counts_rates_and_zero_rows(small):
    arts, m = small
    arts0, m0 = arts.copy(), m.copy()
    t = rate_by_outlet(m, arts)
    pd.testing.assert_frame_equal(arts, arts0)
    pd.testing.assert_frame_equal(m, m0)
    assert list(t.columns) == ["outlet", "lexicon", "category", "entry", "voice", "count", "n_docs",
                               "docs_with_term", "n_tokens", "rate_per_1k", "ci_low", "ci_high", "ci_method",
                               "caveat"]
    # every (term, voice) with a hit anywhere appears for every outlet
    combos = t[["lexicon", "category", "entry", "voice"]].drop_duplicates()
    assert len(t) == 2 * len(combos)
    row = t.set_index(["outlet", "entry", "voice"])
    assert row.loc[("Press TV", "pretext", "all"), "count"] == 2
    assert row.loc[("Press TV", "pretext", "all"), "rate_per_1k"] == pytest.approx(5.0)
    assert row.loc[("i24NEWS", "pretext", "all"), "count"] == 0
    assert row.loc[("i24NEWS", "alleged", "all"), "n_tokens"] == 1000
    assert row.loc[("i24NEWS", "alleged", "all"), "n_docs"] == 2
    assert row.loc[("i24NEWS", "alleged", "all"), "docs_with_term"] == 1
    assert ("i24NEWS", "pretext", "quoted") not in row.index  # never quoted anywhere
    # outlet + quoted == all
    for (o, e), g in t.groupby(["outlet", "entry"]):
        v = g.set_index("voice")["count"]
        assert v["all"] == v.get("outlet", 0) + v.get("quoted", 0)
    # small outlets: exact interval and the caveat in words
    assert set(t.ci_method) == {"exact-poisson"}
    assert set(t.caveat) == {CAVEAT_FEW_ARTICLES}
    lo, hi = poisson_ci(2, 400, per=1000)
    assert row.loc[("Press TV", "pretext", "all"), "ci_low"] == pytest.approx(lo)
    assert row.loc[("Press TV", "pretext", "all"), "ci_high"] == pytest.approx(hi)
    assert t.equals(rate_by_outlet(m, arts))
    assert list(t.sort_values(["outlet", "lexicon", "category", "entry", "voice"]).index) == list(t.index)


def test_rate_by_outlet_switches_to_bootstrap_and_is_independent_of_other_outlets():
    rng = np.random.default_rng(0)
    arts = make_articles({"Big": list(rng.integers(300, 900, 12)), "Small": [500, 500]})
    hits = [(d, "c", "regime", "outlet") for d in arts["doc_id"] for _ in range(int(rng.integers(0, 4)))]
    m = make_matches(hits, arts)
    t = rate_by_outlet(m, arts, n_boot=500).set_index(["outlet", "voice"])
    big = t.loc[("Big", "all")]
    assert big["ci_method"] == "bootstrap" and big["caveat"] == ""
    assert big["ci_low"] < big["rate_per_1k"] < big["ci_high"]
    assert t.loc[("Small", "all"), "ci_method"] == "exact-poisson"
    assert t.loc[("Small", "all"), "caveat"] == CAVEAT_FEW_ARTICLES
    # dropping the other outlet does not move Big's interval (per-outlet seed streams)
    only_big = arts[arts.outlet == "Big"]
    t2 = rate_by_outlet(m[m.outlet == "Big"], only_big, n_boot=500).set_index(["outlet", "voice"])
    assert t2.loc[("Big", "all"), "ci_low"] == big["ci_low"]
    # threshold is a parameter
    t3 = rate_by_outlet(m, arts, n_boot=500, min_docs_bootstrap=20)
    assert set(t3.ci_method) == {"exact-poisson"}


def test_rate_by_outlet_category_level_and_lexicon_entries(small):
    arts, m = small
    t = rate_by_outlet(m, arts, level="category")
    assert "entry" not in t.columns
    row = t.set_index(["outlet", "category", "voice"])
    assert row.loc[("Press TV", "distancing", "all"), "count"] == 3
    lex = Lexicon("lx", (Entry("pretext", "distancing"), Entry("alleged", "distancing"),
                         Entry("terrorists", "labels"), Entry("boasted", "verbs")))
    t = rate_by_outlet(m, arts, lexicons=[lex])
    never = t[t.entry == "boasted"]
    assert len(never) == 2 * 3 and (never["count"] == 0).all()


def test_rate_by_outlet_rejects_unknown_documents(small):
    arts, m = small
    with pytest.raises(MediabiasError, match="not in the articles table"):
        rate_by_outlet(m, arts[arts.outlet == "Press TV"])


def test_rate_by_outlet_empty_ledger(small):
    arts, m = small
    t = rate_by_outlet(m.iloc[:0], arts)
    assert t.empty and "caveat" in t.columns


# ----------------------------------------------------------- rates per article


def test_rate_by_article(small):
    arts, m = small
    t = rate_by_article(m, arts)
    assert list(t.columns) == ["doc_id", "outlet", "lexicon", "category", "voice", "count", "rate_per_1k"]
    row = t.set_index(["doc_id", "category", "voice"])
    assert row.loc[("presstv000", "distancing", "all"), "count"] == 3
    assert row.loc[("presstv000", "distancing", "all"), "rate_per_1k"] == pytest.approx(7.5)
    assert row.loc[("presstv000", "distancing", "quoted"), "count"] == 1
    assert row.loc[("i24news001", "distancing", "all"), "count"] == 0  # zero rows for articles without hits
    # (category, voice) combinations seen anywhere x every article
    assert len(t) == len(arts) * len(t[["category", "voice"]].drop_duplicates())
    nz = rate_by_article(m, arts, zeros=False)
    assert (nz["count"] > 0).all() and nz["count"].sum() == t["count"].sum()


# --------------------------------------------------------------------- keyness


def test_g2_hand_computed():
    # a = 10 in c = 1000 tokens, b = 2 in d = 1000 tokens:
    # E1 = E2 = 1000 * 12 / 2000 = 6
    # G2 = 2 * (10 * ln(10/6) + 2 * ln(2/6)) = 2 * (5.108256 - 2.197225) = 5.822063
    assert float(g2_statistic(10, 2, 1000, 1000)) == pytest.approx(5.822063, abs=1e-6)
    k = keyness({"boasted": 10}, {"boasted": 2}, total_target=1000, total_reference=1000)
    assert k.loc[0, "g2"] == pytest.approx(5.822063, abs=1e-6)
    assert k.loc[0, "p_value"] == pytest.approx(sps.chi2.sf(5.822063, 1), rel=1e-6)
    assert k.loc[0, "log_ratio"] == pytest.approx(math.log2(5))


@pytest.mark.parametrize("a,b,c,d", [(10, 2, 1000, 1000), (3, 40, 5000, 12000), (0, 7, 800, 900),
                                     (55, 55, 10_000, 20_000)])
def test_g2_against_scipy_power_divergence(a, b, c, d):
    n = c + d
    e1, e2 = c * (a + b) / n, d * (a + b) / n
    two_cell = sps.power_divergence([a, b], f_exp=[e1, e2], lambda_="log-likelihood").statistic
    assert float(g2_statistic(a, b, c, d)) == pytest.approx(two_cell, rel=1e-10, abs=1e-12)
    table = np.array([[a, b], [c - a, d - b]], dtype=float)
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / n
    full = sps.power_divergence(table.ravel(), f_exp=expected.ravel(), lambda_="log-likelihood").statistic
    assert float(g2_statistic(a, b, c, d, full_table=True)) == pytest.approx(full, rel=1e-10)
    g, _, _, _ = sps.chi2_contingency(table, correction=False, lambda_="log-likelihood")
    assert float(g2_statistic(a, b, c, d, full_table=True)) == pytest.approx(g, rel=1e-10)


def test_keyness_sign_and_smoothing():
    k = keyness({"occupied": 4, "the": 50}, {"the": 50, "disputed": 4}, total_target=1000,
                total_reference=1000).set_index("term")
    assert k.loc["occupied", "g2"] > 0 and k.loc["disputed", "g2"] < 0
    assert k.loc["the", "g2"] == 0
    assert k.loc["occupied", "log_ratio"] == pytest.approx(math.log2(4 / 0.5))  # zero -> 0.5
    assert k.loc["disputed", "log_ratio"] == pytest.approx(-3.0)
    assert k.loc["occupied", "g2"] == pytest.approx(-k.loc["disputed", "g2"])


def test_keyness_by_outlet_words_one_against_the_rest():
    arts = pd.DataFrame({"doc_id": ["a", "b", "c"], "outlet": ["A", "B", "C"],
                         "text": ["the regime the regime said", "the government said said",
                                  "The government the army said"]})
    arts0 = arts.copy()
    k = keyness_by_outlet(arts, min_count=1)
    pd.testing.assert_frame_equal(arts, arts0)
    assert list(k.columns)[:10] == ["outlet", "term", "count_target", "count_reference", "total_target",
                                    "total_reference", "g2", "p_value", "log_ratio", "unit"]
    row = k.set_index(["outlet", "term"])
    assert row.loc[("A", "regime"), "count_target"] == 2
    assert row.loc[("A", "regime"), "count_reference"] == 0
    assert row.loc[("A", "the"), "count_reference"] == 3  # lower-cased, B + C together
    assert row.loc[("A", "the"), "total_target"] == 5
    assert row.loc[("A", "the"), "total_reference"] == 9
    assert row.loc[("C", "army"), "g2"] > 0 and row.loc[("A", "army"), "g2"] < 0
    direct = keyness({"government": 0}, {"government": 2}, total_target=5, total_reference=9)
    assert row.loc[("A", "government"), "g2"] == pytest.approx(-abs(direct.loc[0, "g2"]))
    # min_count filters on the corpus count, identically for every outlet
    k3 = keyness_by_outlet(arts, min_count=3)
    assert set(k3.term) == {"the", "said"}
    assert keyness_by_outlet(arts[arts.outlet == "A"]).empty
    assert set(k.unit) == {"word"}
    # sorted: outlet, then most overused first
    for _, g in k.groupby("outlet"):
        assert list(g.g2) == sorted(g.g2, reverse=True)


def test_keyness_by_outlet_entries(small):
    arts, m = small
    k = keyness_by_outlet(arts, m, unit="entry")
    row = k.set_index(["outlet", "term"])
    assert row.loc[("Press TV", "pretext"), "count_target"] == 2
    assert row.loc[("Press TV", "pretext"), "total_target"] == 400
    assert row.loc[("Press TV", "pretext"), "total_reference"] == 1000
    assert {"lexicon", "category"} <= set(k.columns) and set(k.unit) == {"entry"}
    kq = keyness_by_outlet(arts, m, unit="entry", voice="quoted")
    assert set(kq.term) == {"alleged", "terrorists"}


# ---------------------------------------------------------------- framing pairs


@pytest.fixture
def framing():
    lex = Lexicon("framing", (Entry("occupied territories", "place"), Entry("disputed territories", "place"),
                              Entry("Judea and Samaria", "place"), Entry("terrorists", "groups"),
                              Entry("resistance", "groups")),
                  framing_pairs=(FramingPair("territories", "the West Bank", {
                      "occupied": ("occupied territories",), "disputed": ("disputed territories", "Judea and Samaria")}),
                      FramingPair("armed_groups", "", {"terrorists": ("terrorists",),
                                                       "resistance": ("resistance",)})))
    hits = pd.DataFrame({
        "doc_id": ["p1", "p1", "p2", "i1", "i1", "i2", "i2"],
        "outlet": ["Press TV", "Press TV", "Press TV", "i24NEWS", "i24NEWS", "i24NEWS", "i24NEWS"],
        "lexicon": ["framing"] * 7,
        "category": ["place", "place", "groups", "place", "place", "place", "place"],
        "entry": ["occupied territories", "Occupied Territories", "resistance", "disputed territories",
                  "Judea and Samaria", "occupied territories", "disputed territories"],
        "voice": ["outlet", "outlet", "outlet", "outlet", "quoted", "outlet", "outlet"],
    })
    return lex, hits


def test_framing_shares(framing):
    lex, hits = framing
    hits0 = hits.copy()
    t = framing_shares(hits, [lex])
    pd.testing.assert_frame_equal(hits, hits0)
    assert list(t.columns) == ["outlet", "lexicon", "referent", "alternative", "count", "total", "share", "ci_low",
                               "ci_high", "ci_method", "n_docs", "caveat"]
    # i24NEWS never names the armed groups: no rows, not zeros
    assert t[(t.outlet == "i24NEWS") & (t.referent == "armed_groups")].empty
    # Press TV names them: a row per alternative, zeros included
    pg = t[(t.outlet == "Press TV") & (t.referent == "armed_groups")].set_index("alternative")
    assert pg.loc["terrorists", "count"] == 0 and pg.loc["resistance", "share"] == 1.0
    for _, g in t.groupby(["outlet", "lexicon", "referent"]):
        assert g["share"].sum() == pytest.approx(1.0)
        assert (g["total"] == g["count"].sum()).all()
    it = t[(t.outlet == "i24NEWS") & (t.referent == "territories")].set_index("alternative")
    assert it.loc["disputed", "count"] == 3 and it.loc["occupied", "count"] == 1
    assert it.loc["disputed", "n_docs"] == 2
    assert t.loc[(t.outlet == "Press TV") & (t.alternative == "occupied"), "count"].item() == 2  # case ignored
    assert set(t.ci_method) == {"wilson"}
    assert set(t.caveat) == {"descriptive only: fewer than 5 articles from this outlet name this referent"}


def test_framing_shares_wilson_matches_scipy(framing):
    lex, hits = framing
    t = framing_shares(hits, lex)
    for r in t.itertuples():
        ci = sps.binomtest(int(r.count), int(r.total)).proportion_ci(0.95, method="wilson")
        assert r.ci_low == pytest.approx(ci.low, abs=1e-12)
        assert r.ci_high == pytest.approx(ci.high, abs=1e-12)
    lo, hi = wilson_ci(np.array([0, 7]), np.array([12, 12]))
    assert lo[0] == 0.0 and hi[1] < 1.0


def test_framing_shares_by_voice_and_article_caveat(framing):
    lex, hits = framing
    arts = make_articles({"Press TV": [100, 100], "i24NEWS": [100, 100]})
    arts["doc_id"] = ["p1", "p2", "i1", "i2"]
    t = framing_shares(hits, lex, articles=arts, by_voice=True)
    assert set(t.voice) == {"all", "outlet", "quoted"}
    for _, g in t.groupby(["outlet", "lexicon", "referent", "voice"]):
        assert g["share"].sum() == pytest.approx(1.0)
    q = t[(t.outlet == "i24NEWS") & (t.voice == "quoted")].set_index("alternative")
    assert q.loc["disputed", "share"] == 1.0
    assert set(t.caveat) == {CAVEAT_FEW_ARTICLES}


@pytest.mark.parametrize("by_voice", [False, True])
def test_framing_shares_from_counted_rows_is_the_per_hit_table(framing, by_voice):
    """Rows of per-article counts (``weights=``) give the table of one row per hit."""
    lex, hits = framing
    hits = pd.concat([hits, hits.iloc[[0, 3, 3]]], ignore_index=True)  # the same cell hit 2 and 3 times
    counted = (hits.groupby(["doc_id", "outlet", "lexicon", "category", "entry", "voice"], as_index=False)
               .size().rename(columns={"size": "hits"}))
    assert sorted(counted["hits"])[-2:] == [2, 3]
    per_hit = framing_shares(hits, lex, by_voice=by_voice)
    pd.testing.assert_frame_equal(framing_shares(counted, lex, by_voice=by_voice, weights="hits"), per_hit)
    doubled = counted.assign(hits=counted["hits"] * 2)
    t = framing_shares(doubled, lex, by_voice=by_voice, weights="hits")
    assert (t["count"] == 2 * per_hit["count"]).all() and (t["n_docs"] == per_hit["n_docs"]).all()


@pytest.mark.parametrize("seed", range(6))
def test_framing_shares_from_cells_is_framing_shares_on_the_hits(framing, seed):
    """The engine's path (cells as codes) gives framing_shares' table on the same hits, byte for byte."""
    from mediabias.stats import _outlet_positions, framing_shares_from_cells

    lex, _ = framing
    other = Lexicon("other", (Entry("resistance", "x"),))  # same entry text, no framing pair: never counted
    rng = np.random.default_rng(seed)
    arts = make_articles({"B outlet": [80] * 6, "A outlet": [120] * 3, "C outlet": [50] * 2})
    arts["doc_id"] = [f"d{i:02d}" for i in rng.permutation(len(arts))]
    arts = arts.sort_values("doc_id", kind="stable").reset_index(drop=True)  # the engine's order (doc rank)
    uni = pd.DataFrame([(lx, e, v) for lx, e in [("framing", "Occupied Territories"), ("framing", "disputed territories"),
                                                 ("framing", "judea and samaria "), ("framing", "terrorists"),
                                                 ("framing", "resistance"), ("other", "resistance")]
                        for v in ("outlet", "quoted")], columns=["lexicon", "entry", "voice"])
    pairs = [(d, r) for d in range(len(arts)) for r in range(len(uni)) if rng.random() < 0.25 * (seed % 3)]
    doc = np.array([d for d, _ in pairs], dtype=np.int64)
    key = np.array([r for _, r in pairs], dtype=np.int64)
    cnt = rng.integers(1, 5, len(pairs))
    hits = pd.DataFrame({"doc_id": arts["doc_id"].to_numpy()[doc] if len(doc) else [],
                         "outlet": arts["outlet"].to_numpy()[doc] if len(doc) else [],
                         "lexicon": uni["lexicon"].to_numpy()[key] if len(key) else [],
                         "entry": uni["entry"].to_numpy()[key] if len(key) else [],
                         "voice": uni["voice"].to_numpy()[key] if len(key) else [], "n": cnt})
    want = framing_shares(hits, [lex, other], articles=arts, weights="n")
    outlets, codes, *_ = _outlet_positions(arts)
    n_art = arts.groupby("outlet").size()
    got = framing_shares_from_cells([lex, other], outlets, codes, n_art, uni, doc, key, cnt)
    pd.testing.assert_frame_equal(got, want)
    if seed % 3:
        assert len(got) and CAVEAT_FEW_ARTICLES in set(got["caveat"]) and (got["outlet"] == "B outlet").any()


def test_framing_shares_rejects_an_entry_in_two_alternatives(framing):
    _, hits = framing
    bad = Lexicon("framing", (Entry("occupied territories", "place"),),
                  framing_pairs=(FramingPair("territories", "", {"a": ("occupied territories",),
                                                                 "b": ("Occupied territories",)}),))
    with pytest.raises(MediabiasError, match="two alternatives"):
        framing_shares(hits, bad)


# ------------------------------------------------------------ BH and comparisons


def test_benjamini_hochberg_against_scipy():
    rng = np.random.default_rng(4)
    for size in (1, 2, 7, 50, 400):
        p = np.concatenate([rng.uniform(0, 1, size), rng.uniform(0, 0.01, size // 3)])
        p[: size // 4] = p[size // 4: 2 * (size // 4)]  # ties
        np.testing.assert_allclose(benjamini_hochberg(p), sps.false_discovery_control(p, method="bh"),
                                   rtol=1e-12)
    q = benjamini_hochberg([0.01, np.nan, 0.04])
    assert math.isnan(q[1])
    np.testing.assert_allclose(q[[0, 2]], sps.false_discovery_control([0.01, 0.04]))


def test_compare_rates_exact_test(small):
    arts, m = small
    r = compare_rates(m, arts, "Press TV", "i24NEWS")
    assert {"count_a", "count_b", "p_value", "q_value", "caveat"} <= set(r.columns)
    row = r.set_index("entry").loc["pretext"]
    expected = sps.binomtest(2, 2, 400 / 1400).pvalue
    assert row["p_value"] == pytest.approx(expected)
    assert row["rate_a_per_1k"] == pytest.approx(5.0) and row["rate_b_per_1k"] == 0
    np.testing.assert_allclose(r["q_value"], sps.false_discovery_control(r["p_value"], method="bh"))
    assert CAVEAT_FEW_ARTICLES in row["caveat"]
    # the same from the outlet_terms table
    r2 = compare_rates(rate_by_outlet(m, arts), None, "Press TV", "i24NEWS")
    pd.testing.assert_frame_equal(r.reset_index(drop=True), r2.reset_index(drop=True), check_dtype=False)
    with pytest.raises(MediabiasError, match="no outlet"):
        compare_rates(m, arts, "Press TV", "Al Jazeera")


def test_compare_rates_detects_a_real_difference():
    arts = make_articles({"A": [1000] * 6, "B": [1000] * 6})
    hits = [(d, "c", "regime", "outlet") for d in arts.doc_id[:6] for _ in range(5)]
    hits += [(d, "c", "regime", "outlet") for d in arts.doc_id[6:8]]
    hits += [(d, "c", "said", "outlet") for d in arts.doc_id for _ in range(3)]
    r = compare_rates(make_matches(hits, arts), arts, "A", "B").set_index("entry")
    assert r.loc["regime", "q_value"] < 0.001
    assert r.loc["said", "p_value"] == pytest.approx(1.0)
    assert r.loc["regime", "caveat"] == ""


def test_docstring_examples_run():
    import doctest

    import mediabias.stats as mod

    result = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted >= 20


def test_outlet_matrix_holds_int32_counts_but_sums_in_int64():
    """Counts held as int32 (memory); column sums and the bootstrap's products do not overflow."""
    from mediabias import stats

    rows, cells = np.array([0, 1, 2], np.int32), np.array([0, 1, 1], np.int32)
    big = np.full(3, 2 ** 30, np.int64)
    m = stats.outlet_matrix(3, 2, rows, cells, big)
    assert m.dtype == np.int32
    assert np.asarray(m.sum(axis=0)).ravel().tolist() == [2 ** 30, 2 ** 31]
    assert (m.T.tocsr() @ np.full((3, 1), 4, np.int64)).ravel().tolist() == [2 ** 32, 2 ** 33]
    assert stats.outlet_matrix(3, 2, rows, cells, np.full(3, 2 ** 31, np.int64)).dtype == np.int64
    tok = np.array([100, 200, 300])
    group = ("X", tok, rows, cells, big)
    values = stats.outlet_rates(group, 2, n_boot=50)
    assert values["count"].tolist() == [2 ** 30, 2 ** 31] and values["count"].dtype == np.int64
