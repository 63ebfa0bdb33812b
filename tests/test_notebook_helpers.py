"""Tests of mediabias.notebook_helpers: the small helpers the notebooks share."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mediabias import match_lexicon, segment_articles
from mediabias import notebook_helpers as nh
from mediabias.errors import LexiconError, MediabiasError
from mediabias.lexicon import load_lexicon
from mediabias.stats import framing_shares


@pytest.fixture(scope="module")
def seed_run(seeds_dir):
    return nh.analyse_corpus(seeds_dir, ["loaded_terms"])


# ----------------------------------------------------------------------------- analyse_corpus

def test_analyse_corpus_gives_the_report_tables(seed_run):
    assert set(seed_run.tables) == {"unmatched_entries", "doc_categories", "outlet_terms", "outlet_categories",
                                    "outlet_sentiment", "outlet_actor_sentiment", "keyness", "framing_pairs"}
    assert sorted(seed_run.articles["outlet"]) == ["Press TV", "i24NEWS"]
    assert {"polarity", "vader_compound", "n_tokens"} <= set(seed_run.articles.columns)
    assert {"polarity", "vader_compound", "voice"} <= set(seed_run.sentences.columns)
    # the ledger's offsets point into the article text
    text = dict(zip(seed_run.articles["doc_id"], seed_run.articles["text"]))
    assert all(text[d][s:e] == surf for d, s, e, surf in
               seed_run.matches[["doc_id", "start", "end", "surface"]].itertuples(index=False))
    assert [lx.name for lx in seed_run.lexicons] == ["loaded_terms"]


def test_analyse_corpus_repr_is_stable_and_has_no_address(seed_run):
    r = repr(seed_run)
    assert r.startswith("Analysis(2 articles from 2 outlets")
    assert "0x" not in r


def test_analyse_corpus_is_deterministic(seeds_dir, seed_run):
    again = nh.analyse_corpus(seeds_dir, "loaded_terms")
    for name, table in seed_run.tables.items():
        pd.testing.assert_frame_equal(table, again.tables[name])


def test_analyse_corpus_caveat(seed_run):
    assert seed_run.caveat.startswith("descriptive only: 2 of 2 outlets have fewer than 5 articles")


def test_analyse_corpus_field_names(tmp_corpus):
    folder = tmp_corpus({"c.csv": "story,paper,body\n1,A,Troops moved under the pretext of a threat.\n"
                                  "2,B,The Iran-backed group denied it.\n"})
    run = nh.analyse_corpus(folder, "loaded_terms", text_field="body", outlet_field="paper", id_field="story")
    assert sorted(run.articles["outlet"]) == ["A", "B"]
    assert set(run.matches["entry"]) >= {"under the pretext of", "Iran-backed"}


def test_analyse_corpus_without_articles_raises(tmp_corpus):
    folder = tmp_corpus({"c.csv": "id,nothing\n1,x\n"})
    with pytest.raises(MediabiasError, match="no article could be read"):
        nh.analyse_corpus(folder)


# ----------------------------------------------------------------------------- provenance

def test_outlet_provenance_seeds(seeds_dir):
    t = nh.outlet_provenance(seeds_dir)
    assert t["outlet_from"].tolist() == ["manifest", "manifest"]
    assert t["page_outlet"].tolist() == ["Press TV", "i24NEWS"]
    assert t["page_evidence"].str.startswith("signature").all()
    assert t["agree"].tolist() == [True, True]


def test_outlet_provenance_without_manifest_and_table(tmp_corpus, seeds_dir):
    dump = (seeds_dir / "000_1da48ea08291236c.txt").read_bytes()
    folder = tmp_corpus({"press.txt": dump, "t.csv": "id,outlet,text\n1,X,Some words here.\n"})
    t = nh.outlet_provenance(folder).set_index("source")
    assert t.loc["press.txt", "outlet"] == "Press TV"
    assert t.loc["press.txt", "outlet_from"].startswith("signature")
    assert t.loc["press.txt", "agree"]
    assert t.loc["t.csv:2", "outlet_from"] == "field"
    assert t.loc["t.csv:2", "page_outlet"] == "" and pd.isna(t.loc["t.csv:2", "agree"])


# ----------------------------------------------------------------------------- kwic and sentences

def test_kwic_lines_order_and_filters(seed_run):
    k = nh.kwic_lines(seed_run.matches, seed_run.articles, ["Iran backed", "under the pretext of"])
    assert k["entry"].tolist() == ["Iran-backed", "under the pretext of"]   # in the order given
    assert k["outlet"].tolist() == ["i24NEWS", "Press TV"]
    row = k.iloc[1]
    assert row["keyword"] == "under the pretext of" and "Lebanon" in row["left"] and "tunnels" in row["right"]
    assert nh.kwic_lines(seed_run.matches, seed_run.articles, "no such entry").empty
    every = nh.kwic_lines(seed_run.matches, seed_run.articles)
    assert len(every) == len(seed_run.matches)


def test_kwic_lines_lexicon_filter(seeds_dir):
    run = nh.analyse_corpus(seeds_dir)   # both bundled lexicons: "boasted" is in each
    both = nh.kwic_lines(run.matches, run.articles, ["boasted"])
    one = nh.kwic_lines(run.matches, run.articles, ["boasted"], lexicon="loaded_terms")
    assert len(both) == 2 and len(one) == 1


def test_kwic_lines_does_not_mutate(seed_run):
    before = seed_run.matches.copy()
    nh.kwic_lines(seed_run.matches, seed_run.articles, ["boasted"])
    pd.testing.assert_frame_equal(before, seed_run.matches)


def test_sentences_with_entries_hold_the_entry(seed_run):
    s = nh.sentences_with_entries(seed_run.sentences, seed_run.matches, ["occupied territories", "Iran-backed"])
    assert s["entry"].tolist() == ["occupied territories", "Iran-backed"]
    assert "occupied territories" in s["text"].iloc[0] and "Iran-backed" in s["text"].iloc[1]
    assert {"polarity", "subjectivity", "vader_compound"} <= set(s.columns)
    # each row's scores are the sentence's scores
    sid = seed_run.sentences.set_index(["doc_id", "sentence_id"])
    for r in s.itertuples():
        assert sid.loc[(r.doc_id, r.sentence_id), "polarity"] == r.polarity


# ----------------------------------------------------------------------------- sentiment blind spots

def test_term_sentiment_values():
    t = nh.term_sentiment(["occupied territories", "Iran-backed", "pretext*", "excellent"])
    assert t["term"].tolist() == ["occupied territories", "Iran-backed", "pretext*", "excellent"]
    assert (t["polarity"].iloc[:3] == 0).all()
    assert t["polarity"].iloc[3] > 0.5 and t["vader_compound"].iloc[3] > 0.5


def test_sentiment_blind_spots_on_bundled_lexicon():
    t = nh.sentiment_blind_spots("loaded_terms")
    assert "reference_labels" not in set(t["category"])
    assert (t["n_entries"] > 0).all()
    assert t["textblob_zero_share"].between(0, 1).all() and t["vader_zero_share"].between(0, 1).all()
    occ = t.set_index("category").loc["occupation_framing"]
    assert occ["textblob_zero_share"] > 0.5   # most occupation wording is invisible to TextBlob
    lex = load_lexicon("loaded_terms")
    assert t["n_entries"].sum() == sum(e.category != "reference_labels" for e in lex.entries)


# ----------------------------------------------------------------------------- intervals

def test_interval_widths():
    t = pd.DataFrame({"rate_per_1k": [2.0, 0.0, np.nan], "ci_low": [0.5, 0.0, np.nan],
                      "ci_high": [5.0, 3.7, np.nan]})
    out = nh.interval_widths(t)
    assert out["ci_width"].tolist()[:2] == [4.5, 3.7]
    assert out["ci_fold"].iloc[0] == 10.0 and np.isinf(out["ci_fold"].iloc[1]) and np.isnan(out["ci_fold"].iloc[2])
    assert "ci_width" not in t.columns


def test_interval_widths_on_seed_rates(seed_run):
    t = nh.interval_widths(seed_run.tables["outlet_terms"])
    one = t[(t["count"] == 1) & (t["voice"] == "all")]
    assert len(one) and (one["ci_fold"] > 100).all()   # one hit: the data cannot tell x from 100x


# ----------------------------------------------------------------------------- a lexicon to edit

def test_lexicon_from_dict_matches_like_a_file():
    lex = nh.lexicon_from_dict("class", {"distancing": ["alleged*", "under the pretext of"],
                                         "labels": ["Iran-backed"]})
    arts = pd.DataFrame({"doc_id": ["d"], "outlet": ["X"],
                         "text": ["Under the pretext of the alleged tunnels, Iran backed groups were named."]})
    m = match_lexicon(arts, lex)
    assert m["entry"].tolist() == ["under the pretext of", "alleged*", "Iran-backed"]
    assert lex.format == "python" and lex.path is None


@pytest.mark.parametrize("cats, pairs, message", [
    ({"a": ["*bad"]}, None, "may only end"),
    ({"a": ["x"], "b": ["X"]}, None, "is in 'a' and 'b'"),
    ({"a": ["x", "x"]}, None, "listed twice"),
    ({"a": []}, None, "no entries"),
    ({"a": ["x", "y"]}, {"r": {"one": ["x"]}}, "at least two alternatives"),
    ({"a": ["x", "y"]}, {"r": {"one": ["x"], "two": ["z"]}}, "'z' is not an entry"),
])
def test_lexicon_from_dict_errors(cats, pairs, message):
    with pytest.raises(LexiconError, match=message):
        nh.lexicon_from_dict("class", cats, framing_pairs=pairs)


def test_add_entries_returns_a_new_lexicon():
    lex = nh.lexicon_from_dict("class", {"labels": ["Iran-backed"]})
    bigger = nh.add_entries(lex, "verbs", ["boasted", "claimed"])
    assert [e.term for e in lex.entries] == ["Iran-backed"]
    assert [(e.term, e.category) for e in bigger.entries] == [
        ("Iran-backed", "labels"), ("boasted", "verbs"), ("claimed", "verbs")]
    assert bigger.categories == {"labels": "", "verbs": ""}
    assert nh.add_entries(bigger, "verbs", ["Boasted"]) == bigger   # re-running a class cell changes nothing
    with pytest.raises(LexiconError):
        nh.add_entries(lex, "verbs", ["*x"])


def test_add_entries_to_a_framing_pair_changes_the_shares():
    lex = nh.lexicon_from_dict("class", {"groups": ["resistance", "militants"]},
                               framing_pairs={"armed_groups": {"resistance": ["resistance"],
                                                               "militants": ["militants"]}})
    arts = pd.DataFrame({"doc_id": ["d"], "outlet": ["X"], "text": ["The resistance and the activists met."]})
    before = framing_shares(match_lexicon(arts, lex), lex)
    assert before["total"].tolist() == [1, 1]
    more = nh.add_entries(lex, "groups", ["activists"], framing=("armed_groups", "activists"))
    after = framing_shares(match_lexicon(arts, more), more)
    assert dict(zip(after["alternative"], after["share"])) == {"activists": 0.5, "militants": 0.0, "resistance": 0.5}
    with pytest.raises(LexiconError, match="no framing pair"):
        nh.add_entries(lex, "groups", ["x"], framing=("nope", "x"))


def test_add_entries_to_a_bundled_lexicon_drops_its_file_identity():
    lex = load_lexicon("loaded_terms")
    more = nh.add_entries(lex, "class_additions", ["pretext", "engineering scare"])  # "pretext" is in it
    assert len(more) == len(lex) + 1 and more.sha256 is None and lex.sha256 is not None


def test_count_changes(seeds_dir, seed_run):
    lex = nh.lexicon_from_dict("class", {"labels": ["Iran-backed"]})
    arts, sents = segment_articles(seed_run.read.articles)
    before = match_lexicon(arts, lex, sents)
    after = match_lexicon(arts, nh.add_entries(lex, "verbs", ["boasted"]), sents)
    c = nh.count_changes(before, after)
    assert c[c["change"] != 0][["outlet", "entry", "before", "after"]].values.tolist() == [
        ["Press TV", "boasted", 0, 1]]
    assert (c["after"] - c["before"] == c["change"]).all()


def test_sentiment_with_swaps_on_the_seed_sentences(seed_run):
    s = nh.sentences_with_entries(seed_run.sentences, seed_run.matches, ["occupied territories", "Iran-backed"])
    sw = nh.sentiment_with_swaps(s["text"], {"occupied territories": "West Bank", "Iran-backed": "Lebanese",
                                             "not in any sentence": "x"})
    assert sw["term"].tolist() == ["occupied territories", "Iran-backed"]
    # the labels are invisible to TextBlob: swapping them leaves the score exactly where it was
    assert (sw["polarity"] == sw["polarity_swapped"]).all()
    assert "West Bank" in sw["text_swapped"].iloc[0] and "occupied territories" not in sw["text_swapped"].iloc[0]
    assert sw["polarity"].tolist() == s["polarity"].tolist()


def test_sentiment_with_swaps_whole_words_only():
    sw = nh.sentiment_with_swaps(["The occupier left.", "Nothing here."], {"occupied": "held"})
    assert sw.empty and "polarity" in sw.columns


def test_write_report_writes_what_the_command_writes(tmp_path, seeds_dir):
    status = nh.write_report(seeds_dir, tmp_path / "out", ["loaded_terms"], seed=1)
    assert status == 0
    names = {p.name for p in (tmp_path / "out").iterdir()}
    assert {"articles.csv", "matches.csv", "outlet_terms.csv", "manifest.json"} <= names


def test_write_report_field_names_and_failure(tmp_corpus, tmp_path):
    folder = tmp_corpus({"c.csv": "story,paper,body\n1,A,Troops moved under the pretext of a threat.\n"})
    assert nh.write_report(folder, tmp_path / "o", "loaded_terms", text_field="body", outlet_field="paper") == 0
    assert pd.read_csv(tmp_path / "o" / "articles.csv")["outlet"].tolist() == ["A"]
    with pytest.raises(MediabiasError, match="exit status"):
        nh.write_report(folder, tmp_path / "p", "no_such_lexicon")


def test_kwic_lines_display_escapes_article_markup():
    """Notebooks show KWIC lines as DataFrames: article text with markup must come out escaped."""
    arts = pd.DataFrame({"doc_id": ["d"], "outlet": ["X"],
                         "text": ['<script>alert(1)</script> Troops moved under the pretext of <b>"drills"</b>.']})
    k = nh.kwic_lines(match_lexicon(arts, "loaded_terms"), arts, ["under the pretext of"])
    html = k[["left", "keyword", "right"]]._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html and "<b>" not in html
