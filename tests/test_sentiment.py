"""Tests for mediabias.sentiment: scores equal direct TextBlob/VADER calls; actor lists; outlet tables."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps
from hypothesis import example, given, settings
from hypothesis import strategies as st
from textblob import TextBlob
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from mediabias.errors import MediabiasError
from mediabias.sentiment import (_key_fold, _sentence_keys, actor_mentions, actor_pattern,
                                 actor_sentiment_by_outlet, load_actors, score_articles, score_sentences,
                                 sentiment_by_outlet)
from mediabias.stats import CAVEAT_FEW_ARTICLES

VADER = SentimentIntensityAnalyzer()

PRESS_TV = ("Russian President Vladimir Putin has told Israeli Prime Minister Benjamin Netanyahu of the need "
            "for 'strict' stability. The Tel Aviv regime boasted about the alleged tunnels. "
            "Hezbollah said the Israeli enemy was lying.")
I24 = ("Netanyahu updated Putin on the operation against Iran-backed Hezbollah's terror tunnels. "
       "\u201cThis is a great success,\u201d the IDF said. The UN peacekeepers in Lebanon confirmed the tunnel.")


def split(text: str) -> list[str]:
    parts, cur = [], ""
    for ch in text:
        cur += ch
        if ch in ".!?" and len(cur.strip()) > 3:
            parts.append(cur.strip())
            cur = ""
    if cur.strip():
        parts.append(cur.strip())
    return parts


@pytest.fixture
def corpus():
    arts = pd.DataFrame({"doc_id": ["p1", "i1", "i2"], "outlet": ["Press TV", "i24NEWS", "i24NEWS"],
                         "title": "", "date": "", "url": "", "source": "", "n_tokens": [40, 40, 3],
                         "n_sentences": [3, 3, 0], "text": [PRESS_TV, I24, "Nothing to see"]})
    rows = []
    for doc, text in (("p1", PRESS_TV), ("i1", I24)):
        for k, s in enumerate(split(text)):
            start = text.index(s)
            voice = "quoted" if s.startswith("\u201c") else ("mixed" if "said" in s else "outlet")
            rows.append({"doc_id": doc, "sentence_id": k, "start": start, "end": start + len(s), "voice": voice,
                         "text": s})
    return arts, pd.DataFrame(rows)


# --------------------------------------------------------------------- scores


def test_score_sentences_equals_direct_calls(corpus):
    _, sents = corpus
    before = sents.copy()
    scored = score_sentences(sents)
    pd.testing.assert_frame_equal(sents, before)  # input untouched
    assert list(scored.columns) == [*sents.columns, "polarity", "subjectivity", "vader_compound"]
    assert scored.index.equals(sents.index)
    for r in scored.itertuples():
        s = TextBlob(r.text).sentiment
        assert r.polarity == s.polarity and r.subjectivity == s.subjectivity
        assert r.vader_compound == VADER.polarity_scores(r.text)["compound"]
        assert -1 <= r.polarity <= 1 and 0 <= r.subjectivity <= 1 and -1 <= r.vader_compound <= 1


def test_score_sentences_missing_text_and_rescoring():
    s = pd.DataFrame({"doc_id": ["a", "a", "a"], "sentence_id": [0, 1, 2],
                      "text": ["A wonderful day.", None, "A wonderful day."]})
    out = score_sentences(s)
    assert out.loc[1, ["polarity", "subjectivity", "vader_compound"]].tolist() == [0.0, 0.0, 0.0]
    assert out.loc[0, "polarity"] == out.loc[2, "polarity"] == TextBlob("A wonderful day.").sentiment.polarity
    again = score_sentences(out)  # scores are replaced, not duplicated
    assert list(again.columns) == list(out.columns)
    pd.testing.assert_frame_equal(again, out)


def test_score_articles(corpus):
    arts, sents = corpus
    before = arts.copy()
    scored = score_articles(arts, score_sentences(sents))
    pd.testing.assert_frame_equal(arts, before)
    for r in scored.itertuples():
        s = TextBlob(r.text).sentiment
        assert (r.polarity, r.subjectivity) == (s.polarity, s.subjectivity)
    p1 = [VADER.polarity_scores(t)["compound"] for t in sents.loc[sents.doc_id == "p1", "text"]]
    assert scored.set_index("doc_id").loc["p1", "vader_compound"] == pytest.approx(np.mean(p1))
    assert math.isnan(scored.set_index("doc_id").loc["i2", "vader_compound"])  # no sentences
    # computed from unscored sentences gives the same
    pd.testing.assert_frame_equal(score_articles(arts, sents), scored)


# --------------------------------------------------------------------- actors


def test_bundled_actors():
    actors = load_actors()
    for actor, alias in [("Israel", "IDF"), ("Israel", "Netanyahu"), ("Israel", "Tel Aviv government"),
                         ("Hezbollah", "Hezbollah"), ("Lebanon", "Lebanon"), ("Palestinians", "Hamas"),
                         ("Palestinians", "PA"), ("Russia", "Kremlin"), ("Russia", "Moscow"),
                         ("Iran", "IRGC"), ("Iran", "Khamenei"), ("Syria", "Assad"), ("United States", "Pentagon"),
                         ("United States", "Trump"), ("United Nations", "UNIFIL"),
                         ("United Nations", "Security Council"), ("Saudi Arabia", "Saudi Arabia"),
                         ("Turkey", "Ankara"), ("European Union", "EU")]:
        assert alias in actors[actor], (actor, alias)


def test_user_actor_file_extends_and_overrides(tmp_path):
    f = tmp_path / "mine.yaml"
    f.write_text("actors:\n  Israel: [Israel, Israeli]\n  Wagner: [Wagner Group, Prigozhin]\n"
                 "add_aliases:\n  Russia: [Shoigu]\n", encoding="utf-8")
    a = load_actors(f)
    assert a["Israel"] == ["Israel", "Israeli"]  # overridden
    assert a["Wagner"] == ["Wagner Group", "Prigozhin"]  # added
    assert a["Russia"][-1] == "Shoigu" and "Putin" in a["Russia"]  # extended
    assert a["Hezbollah"] == load_actors()["Hezbollah"]  # untouched
    f.write_text("replace_bundled: true\nWagner: Prigozhin\n", encoding="utf-8")
    assert load_actors(f) == {"Wagner": ["Prigozhin"]}


def test_actor_file_errors_name_file_and_line(tmp_path):
    f = tmp_path / "bad.yaml"
    f.write_text("actors:\n  Israel: [Israel]\n  Norway: [NO, Norwegian]\n", encoding="utf-8")
    with pytest.raises(MediabiasError) as e:
        load_actors(f)
    assert str(e.value).startswith(f"{f}:3:") and "quotes" in str(e.value)
    f.write_text("actors: [Israel\n", encoding="utf-8")
    with pytest.raises(MediabiasError, match="not valid YAML"):
        load_actors(f)
    with pytest.raises(MediabiasError, match="cannot read"):
        load_actors(tmp_path / "missing.yaml")


def test_actor_pattern_rules():
    def found(aliases, text):
        return [m.group() for m in actor_pattern(aliases).finditer(text)]

    assert found(["Israel"], "Israel's army; Israeli jets; ISRAEL; israel") == ["Israel", "ISRAEL", "israel"]
    assert found(["Iran"], "Iran-backed Hezbollah; Iranian; Tehran") == ["Iran"]
    assert found(["US"], "Tell us what the US and the USA said") == ["US"]  # acronyms: exact case
    assert found(["U.S."], "the U.S. army, the UxSx army") == ["U.S."]  # escaped literal, not a regex
    assert found(["Tel Aviv"], "Tel-Aviv and Tel  Aviv and TelAviv") == ["Tel-Aviv", "Tel  Aviv"]
    assert found(["Israel's enemy"], "Israel\u2019s enemy") == ["Israel\u2019s enemy"]
    assert found(["a+b (c)"], "x a+b (c) y ab c") == ["a+b (c)"]
    assert found(["Israel", "Israel Defense Forces"], "the Israel Defense Forces") == ["Israel Defense Forces"]


def test_actor_mentions(corpus):
    _, sents = corpus
    before = sents.copy()
    m = actor_mentions(sents)
    pd.testing.assert_frame_equal(sents, before)
    got = set(zip(m.doc_id, m.sentence_id, m.actor))
    assert ("p1", 0, "Russia") in got and ("p1", 0, "Israel") in got
    assert ("p1", 1, "Israel") in got  # "Tel Aviv regime"
    assert ("i1", 0, "Iran") in got and ("i1", 0, "Hezbollah") in got
    assert ("i1", 2, "United Nations") in got and ("i1", 2, "Lebanon") in got
    assert list(m.columns[:3]) == ["doc_id", "sentence_id", "actor"]
    assert m.equals(m.sort_values(["doc_id", "sentence_id", "actor"]).reset_index(drop=True))
    row = m[(m.doc_id == "p1") & (m.sentence_id == 2) & (m.actor == "Israel")].iloc[0]
    assert row.surfaces == "Israeli" and row.n_mentions == 1


def test_actor_mentions_prefilter_is_exact():
    """The fast path finds exactly what searching every actor's pattern in every sentence finds."""
    actors = load_actors()
    texts = split(PRESS_TV + " " + I24) + [
        "The U.S. and the EU met the PA and UNIFIL.", "Washington's Pentagon; Türkiye and Erdoğan.",
        "Hizbollah's and Tel-Aviv's men.", "us un pa eu", "Let us go to Moscow-based Kremlin offices."]
    s = pd.DataFrame({"doc_id": "d", "sentence_id": range(len(texts)), "text": texts})
    fast = set(zip(actor_mentions(s, actors).sentence_id, actor_mentions(s, actors).actor))
    slow = {(i, a) for i, t in enumerate(texts) for a, al in actors.items() if actor_pattern(al).search(t)}
    assert fast == slow and len(slow) > 15


_KEY_WORDS = ["us", "un", "e", "u", "pa", "israel", "tel", "erdoğan", "türkiye", "x_1", "42", "strasse", "kiliç",
              "i"]
_TEXT_PIECES = [*_KEY_WORDS, "US", "Us", "U.S.", "E.U.", "Israel's", "ISRAEL", "Erdoğan", "TÜRKIYE", "Straße",
                "bus", "uses", "_us_", "us1", "\u212aremlin", " ", "  ", "\n", ".", "-", "'", "\u2019", "\u201c",
                "é", "\t", "_", "0", "\u0130", "\u0131", "KILI\u00c7", "\u0345"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_TEXT_PIECES), max_size=12).map("".join), max_size=12),
       st.frozensets(st.sampled_from([*_KEY_WORDS, "kremlin", "ss"]), max_size=8))
def test_sentence_keys_equal_the_plain_word_runs(texts, keys):
    """The prefilter's fast path (ASCII texts searched together as bytes) is exact: it finds the
    keys among each folded text's word runs, no more, no less, whatever the mix of texts."""
    got = _sentence_keys(texts, keys)
    want = [set(keys) if "\u0345" in t else keys & set(re.findall(r"\w+", _key_fold(t))) for t in texts]
    assert [g or set() for g in got] == want


# letters whose case folding is unusual: Turkish dotted/dotless i, sharp s, Kelvin sign, long s,
# final sigma, a ligature, a letter with a combining mark
_TRICKY = ["i", "I", "\u0130", "\u0131", "s", "S", "\u00df", "\u1e9e", "k", "K", "\u212a", "\u017f", "\u03c3",
           "\u03c2", "\u03a3", "\ufb06", "j\u030c", "\u01f0", "z", "\u00e9", "\u0345", "\u03b9"]
_ALIAS = st.lists(st.sampled_from(_TRICKY), min_size=1, max_size=4).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["A", "B", "C"]), st.lists(_ALIAS, min_size=1, max_size=3), min_size=1),
       st.lists(st.lists(st.sampled_from([*_TRICKY, " ", ".", "'", "-", "ab", "IZ"]), max_size=10).map("".join),
                min_size=1, max_size=6))
@example({"A": ["\u0130zmir"]}, ["Izmir said", "IZMIR", "izmir"])        # İ: casefold() gives i + a dot
@example({"A": ["K\u0131l\u0131\u00e7"]}, ["KILI\u00c7", "kili\u00e7"])  # ı: casefold() keeps it
@example({"A": ["izmir"], "B": ["KILIC"]}, ["\u0130zmir", "k\u0131l\u0131c"])
@example({"A": ["Putin"]}, ["Putin\u0345 said", "\u0345Putin"])  # U+0345: not a word character, folds to one
def test_actor_prefilter_never_hides_a_match(actors, texts):
    """Whatever the letters' case folding, the prefilter finds every (sentence, actor) that searching
    each actor's pattern in each sentence finds (ASCII and other sentences in the same call)."""
    texts = [*texts, "plain ascii " + " ".join(texts).encode("ascii", "ignore").decode()]
    s = pd.DataFrame({"doc_id": "d", "sentence_id": range(len(texts)), "text": texts})
    m = actor_mentions(s, actors)
    fast = set(zip(m.sentence_id, m.actor))
    slow = {(i, a) for i, t in enumerate(texts) for a, al in actors.items() if actor_pattern(al).search(t)}
    assert fast == slow


def test_actor_mentions_same_on_ascii_and_other_sentences():
    """A sentence finds the same actors whether it is searched with ASCII ones (bytes path) or not."""
    actors = load_actors()
    ascii_texts = ["The US said: Israel, the UN & \"Hezbollah\" (Iran) met.", "us-Israel_ties; U.S.-led", "PA/EU"]
    s = pd.DataFrame({"doc_id": "d", "sentence_id": range(3), "text": ascii_texts})
    alone = actor_mentions(s, actors)
    mixed_texts = [t + " \u2014 caf\u00e9" for t in ascii_texts]  # the same, made non-ASCII
    m = pd.DataFrame({"doc_id": "d", "sentence_id": range(3), "text": mixed_texts})
    mixed = actor_mentions(m, actors)
    assert alone[["sentence_id", "actor", "n_mentions"]].equals(mixed[["sentence_id", "actor", "n_mentions"]])
    assert {"United States", "Israel", "United Nations", "Hezbollah", "Iran"} <= set(alone.actor)


# ----------------------------------------------------------- outlet tables


def test_sentiment_by_outlet_small_outlets(corpus):
    arts, sents = corpus
    scored = score_sentences(sents)
    a0, s0 = arts.copy(), scored.copy()
    t = sentiment_by_outlet(score_articles(arts, scored), scored)
    pd.testing.assert_frame_equal(arts, a0)
    pd.testing.assert_frame_equal(scored, s0)
    assert list(t.columns)[:15] == [
        "outlet", "n_docs", "n_sentences", "polarity_mean", "polarity_ci_low", "polarity_ci_high",
        "subjectivity_mean", "subjectivity_ci_low", "subjectivity_ci_high", "vader_mean", "vader_ci_low",
        "vader_ci_high", "zero_polarity_share", "ci_method", "caveat"]
    assert list(t.outlet) == ["Press TV", "i24NEWS"]
    assert set(t.caveat) == {"descriptive only: fewer than 5 articles from this outlet"}
    row = t.set_index("outlet").loc["Press TV"]
    pol = scored.loc[scored.doc_id == "p1", "polarity"].to_numpy()
    assert row.n_docs == 1 and row.n_sentences == len(pol)
    assert row.polarity_mean == pytest.approx(pol.mean())
    assert row.zero_polarity_share == pytest.approx((pol == 0).mean())
    # fewer than 5 articles: a t-interval over sentences, and it says so
    assert row.ci_method == "t-over-sentences"
    lo, hi = sps.t.interval(0.95, len(pol) - 1, loc=pol.mean(), scale=sps.sem(pol))
    assert (row.polarity_ci_low, row.polarity_ci_high) == pytest.approx((lo, hi))
    vad = scored.loc[scored.doc_id == "p1", "vader_compound"]
    assert row.vader_mean == pytest.approx(vad.mean())
    # unscored sentences are scored on the way
    pd.testing.assert_frame_equal(sentiment_by_outlet(arts, sents).iloc[:, :15], t.iloc[:, :15])


def many_articles(n_per_outlet=(8, 3), seed=0):
    rng = np.random.default_rng(seed)
    arts, sents = [], []
    for o, n in zip(("Alpha", "Beta"), n_per_outlet):
        for i in range(n):
            doc = f"{o}{i}"
            arts.append({"doc_id": doc, "outlet": o, "text": "x"})
            for k in range(int(rng.integers(2, 7))):
                sents.append({"doc_id": doc, "sentence_id": k, "voice": rng.choice(["outlet", "quoted", "mixed"]),
                              "text": "Putin spoke." if k % 2 else "Hezbollah spoke.",
                              "polarity": float(rng.choice([0.0, rng.uniform(-1, 1)])),
                              "subjectivity": float(rng.uniform(0, 1)),
                              "vader_compound": float(rng.uniform(-1, 1))})
    return pd.DataFrame(arts), pd.DataFrame(sents)


def test_sentiment_by_outlet_cluster_bootstrap():
    arts, sents = many_articles()
    t = sentiment_by_outlet(arts, sents, n_boot=500).set_index("outlet")
    a = t.loc["Alpha"]
    assert a.ci_method == "cluster-bootstrap" and a.caveat == ""
    assert a.polarity_ci_low < a.polarity_mean < a.polarity_ci_high
    assert -1 <= a.polarity_ci_low and a.polarity_ci_high <= 1
    assert 0 <= a.subjectivity_ci_low < a.subjectivity_ci_high <= 1
    assert t.loc["Beta", "caveat"] == CAVEAT_FEW_ARTICLES
    # seeded and deterministic; the seed matters
    t2 = sentiment_by_outlet(arts, sents, n_boot=500).set_index("outlet")
    assert t2.loc["Alpha", "polarity_ci_low"] == a.polarity_ci_low
    t3 = sentiment_by_outlet(arts, sents, n_boot=500, seed=9).set_index("outlet")
    assert t3.loc["Alpha", "polarity_ci_low"] != a.polarity_ci_low
    # split by voice: rows for every voice, "all" equals the plain table
    v = sentiment_by_outlet(arts, sents, n_boot=500, by_voice=True)
    assert set(v.voice) == {"all", "mixed", "outlet", "quoted"}
    assert v.set_index(["outlet", "voice"]).loc[("Alpha", "all"), "polarity_mean"] == pytest.approx(
        a.polarity_mean)
    n = v[v.voice != "all"].groupby("outlet")["n_sentences"].sum()
    assert n["Alpha"] == a.n_sentences


def test_actor_sentiment_by_outlet():
    arts, sents = many_articles()
    s0 = sents.copy()
    t = actor_sentiment_by_outlet(arts, sents, n_boot=300)
    pd.testing.assert_frame_equal(sents, s0)
    assert list(t.columns)[:10] == ["outlet", "actor", "voice", "n_docs", "n_sentences", "polarity_mean",
                                    "polarity_ci_low", "polarity_ci_high", "ci_method", "caveat"]
    assert set(t.actor) == {"Russia", "Hezbollah"}
    assert len(t) == 2 * 2 * 4  # outlets x actors x voices (all, mixed, outlet, quoted)
    row = t.set_index(["outlet", "actor", "voice"])
    putin = sents[sents.text.str.contains("Putin") & sents.doc_id.str.startswith("Alpha")]
    assert row.loc[("Alpha", "Russia", "all"), "n_sentences"] == len(putin)
    assert row.loc[("Alpha", "Russia", "all"), "polarity_mean"] == pytest.approx(putin.polarity.mean())
    q = putin[putin.voice == "quoted"]
    assert row.loc[("Alpha", "Russia", "quoted"), "n_sentences"] == len(q)
    assert row.loc[("Alpha", "Russia", "quoted"), "n_docs"] == q.doc_id.nunique()
    assert row.loc[("Beta", "Russia", "all"), "caveat"] == CAVEAT_FEW_ARTICLES
    assert row.loc[("Alpha", "Russia", "all"), "ci_method"] == "cluster-bootstrap"
    # an outlet that never mentions an actor gets an explicit empty row
    only = actor_sentiment_by_outlet(arts, sents[~(sents.doc_id.str.startswith("Beta")
                                                   & sents.text.str.contains("Putin"))], n_boot=100)
    empty = only.set_index(["outlet", "actor", "voice"]).loc[("Beta", "Russia", "all")]
    assert empty.n_sentences == 0 and math.isnan(empty.polarity_mean) and empty.ci_method == "none"


def test_docstring_examples_run():
    import doctest

    import mediabias.sentiment as mod

    result = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted >= 15
