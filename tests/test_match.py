"""The matcher: semantics, the ledger, KWIC, and properties against a plain regex reference."""

from __future__ import annotations

import re

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mediabias.lexicon import Entry, Lexicon
from mediabias.match import (MATCH_COLUMNS, find_hits, kwic, make_view, match_lexicon, normalise_term,
                             unmatched_entries)


def lex(*terms, name="t", category="c"):
    return Lexicon(name, tuple(Entry(t, category) if isinstance(t, str) else t for t in terms))


def spans(text, lexicon):
    return [(text[s:e], entry) for s, e, entry, _ in find_hits(text, lexicon)]


# --------------------------------------------------------------------------- semantics

def test_case_is_ignored_by_default():
    assert spans("PRETEXT, Pretext, pretext", lex("pretext")) == [("PRETEXT", "pretext"), ("Pretext", "pretext"),
                                                                   ("pretext", "pretext")]


def test_case_sensitive_entry_matches_exact_case_only():
    lx = lex(Entry("IDF", "c", case_sensitive=True))
    assert spans("the IDF said; idf files; Idf", lx) == [("IDF", "IDF")]


def test_whole_tokens_only_unless_glob():
    assert spans("pretextual pretexts pretext", lex("pretext")) == [("pretext", "pretext")]
    assert spans("pretextual pretexts pretext", lex("pretext*")) == [
        ("pretextual", "pretext*"), ("pretexts", "pretext*"), ("pretext", "pretext*")]
    assert spans("apretext", lex("pretext*")) == []


def test_hyphen_space_linebreak_nbsp_are_equivalent():
    text = "Iran-backed; Iran backed; Iran\nbacked; Iran\u00a0backed; Iran \u2010 backed; Iran\u2011backed"
    got = spans(text, lex("Iran-backed"))
    assert [s for s, _ in got] == ["Iran-backed", "Iran backed", "Iran\nbacked", "Iran\u00a0backed",
                                   "Iran \u2010 backed", "Iran\u2011backed"]
    assert [x for x, _ in spans("Iran backed", lex("iran-backed"))] == ["Iran backed"]


def test_paragraph_break_is_a_barrier():
    assert spans("occupied\n\nterritories", lex("occupied territories")) == []
    assert spans("occupied\nterritories", lex("occupied territories")) == [("occupied\nterritories",
                                                                          "occupied territories")]


def test_apostrophes_are_equivalent():
    text = "Israel’s enemy and Israel's enemy and Israel‘s enemy"
    assert len(spans(text, lex("Israel's enemy"))) == 3
    assert len(spans(text, lex("Israel’s enemy"))) == 3


def test_possessive_does_not_block_a_match():
    assert spans("Lebanon’s border", lex("Lebanon")) == [("Lebanon", "Lebanon")]


def test_leftmost_longest_non_overlapping_within_a_lexicon():
    lx = lex("alleged", "tunnels", "alleged tunnels", "tunnel threat")
    assert spans("the alleged tunnels", lx) == [("alleged tunnels", "alleged tunnels")]
    # leftmost wins over longer-later: "the tunnel threat" vs "tunnel"
    lx2 = lex("a b", "b c d")
    assert spans("a b c d", lx2) == [("a b", "a b")]


def test_lexicons_are_independent():
    arts = pd.DataFrame({"doc_id": ["d"], "outlet": ["o"], "text": ["the alleged tunnels"]})
    m = match_lexicon(arts, [lex("alleged tunnels", name="one"), lex("tunnels", name="two")])
    assert sorted(zip(m["lexicon"], m["surface"])) == [("one", "alleged tunnels"), ("two", "tunnels")]


def test_term_in_several_categories_gives_a_row_per_category():
    lx = Lexicon("liwc", (Entry("enemy", "negemo"), Entry("enemy", "social")))
    got = find_hits("the enemy", lx)
    assert [(c, s, e) for s, e, _, c in got] == [("negemo", 4, 9), ("social", 4, 9)]


def test_unicode_case_folding_keeps_offsets():
    text = "İstanbul and ISTANBUL"
    got = find_hits(text, lex("istanbul"))
    assert [text[s:e] for s, e, _, _ in got] == ["İstanbul", "ISTANBUL"]


def test_normalise_term_and_view():
    assert normalise_term("Iran-Backed") == "iran backed"
    v = make_view("A  -  b\n\nc")
    assert v.lower == "a b\x00\x00c"
    assert [v.to_original(i) for i in range(len(v.lower))] == [0, 1, 6, 7, 8, 9]


# --------------------------------------------------------------------------- the ledger

ARTICLE = ('Troops moved under the pretext of “cutting off” the alleged tunnels. '
           '"The Israeli enemy is watching," the agency said. What he called a "threat" grew. '
           'So-called resistance fighters stayed.')


def _ledger(text=ARTICLE, lexicon=None):
    arts = pd.DataFrame({"doc_id": ["d1"], "outlet": ["Outlet"], "text": [text]})
    lexicon = lexicon or lex("pretext", "cutting off", "alleged tunnels", "Israeli enemy", "threat",
                             "resistance fighters")
    return arts, match_lexicon(arts, lexicon)


def test_ledger_columns_and_offsets_round_trip():
    arts, m = _ledger()
    assert list(m.columns) == MATCH_COLUMNS
    text = arts.loc[0, "text"]
    assert all(text[s:e] == surf for s, e, surf in zip(m["start"], m["end"], m["surface"]))
    assert m["doc_id"].eq("d1").all() and m["outlet"].eq("Outlet").all()


def test_voice_and_hedges():
    _, m = _ledger()
    got = {r.surface: (r.voice, r.hedged) for r in m.itertuples()}
    assert got["pretext"] == ("outlet", False)
    assert got["cutting off"] == ("outlet", True)          # scare quotes: outlet's wording, distanced
    assert got["alleged tunnels"] == ("outlet", True)      # the entry starts with a distancing cue
    assert got["Israeli enemy"] == ("quoted", False)       # inside an attributed quotation
    assert got["threat"] == ("outlet", True)               # scare quotes, and "what he called"
    assert got["resistance fighters"] == ("outlet", True)  # "So-called" right before it


def test_hedge_cue_in_previous_sentence_does_not_count():
    _, m = _ledger("It was alleged. Tunnels were found.", lex("tunnels"))
    assert m["hedged"].tolist() == [False]


def test_sentence_ids_follow_sentences():
    _, m = _ledger("First about a pretext. Second about a threat.", lex("pretext", "threat"))
    assert m["sentence_id"].tolist() == [0, 1]


def test_match_lexicon_does_not_mutate_input():
    arts = pd.DataFrame({"doc_id": ["d"], "outlet": ["o"], "text": ["a pretext"]})
    before = arts.copy(deep=True)
    match_lexicon(arts, lex("pretext"))
    pd.testing.assert_frame_equal(arts, before)


def test_empty_inputs_give_empty_ledger_with_columns():
    arts = pd.DataFrame({"doc_id": ["d"], "outlet": ["o"], "text": [""]})
    m = match_lexicon(arts, lex("pretext"))
    assert m.empty and list(m.columns) == MATCH_COLUMNS


def test_kwic_and_unmatched():
    arts, m = _ledger()
    k = kwic(m, arts, window=20)
    row = k[k["surface"] == "pretext"].iloc[0]
    assert row["keyword"] == "pretext" and row["left"].endswith("under the") and row["right"].startswith("of")
    lx = lex("pretext", "never seen")
    um = unmatched_entries(match_lexicon(arts, lx), lx)
    assert um["entry"].tolist() == ["never seen"]


def test_seed_terms_in_bundled_lexicon(seed_ledger):
    """The seeds' loaded wording, found where the issue says, in the right voice."""
    m, arts = seed_ledger
    lt = m[m["lexicon"] == "loaded_terms"]
    outlet_of = dict(zip(arts["doc_id"], arts["outlet"]))
    lt = lt.assign(outlet_name=lt["doc_id"].map(outlet_of), low=lt["surface"].str.lower())

    def hits(outlet, needle):
        rows = lt[(lt["outlet_name"] == outlet) & lt["low"].str.contains(needle, regex=False)]
        return set(rows["voice"])

    for needle in ("pretext", "occupied territories", "alleged tunnels"):
        assert hits("Press TV", needle) == {"outlet"}, needle
        assert hits("i24NEWS", needle) == set(), needle
    assert hits("i24NEWS", "iran-backed") == {"outlet"}
    for needle in ("israeli enemy", "tunnel threat", "hezbollah activists"):
        assert hits("i24NEWS", needle) == {"quoted"}, needle
    text = dict(zip(arts["doc_id"], arts["text"]))
    assert all(text[d][s:e] == surf for d, s, e, surf in zip(m["doc_id"], m["start"], m["end"], m["surface"]))


# --------------------------------------------------------------------------- properties

_SEP = r"(?:[ \t\u00a0\-\u2010\u2011]|\n)+"
_APOS = "['\u2019\u2018]"


def reference_hits(text: str, lexicon: Lexicon) -> list[tuple[int, int, str]]:
    """A slow, plain matcher: one regular expression per entry, then leftmost-longest selection."""
    cands = []
    for e in lexicon.entries:
        words = re.split(r"[\s\-\u2010\u2011]+", e.term.rstrip("*").strip())
        parts = []
        for w in words:
            parts.append("".join(_APOS if ch in "'\u2019\u2018" else re.escape(ch) for ch in w))
        body = _SEP.join(parts)
        tail = r"[^\W_]*" if e.is_glob else ""
        pat = re.compile(r"(?<![^\W_])(?=(" + body + tail + r"))", 0 if e.case_sensitive else re.IGNORECASE)
        key_len = len(normalise_term(e.term))
        for m in pat.finditer(text):
            s, surf = m.start(1), m.group(1)
            end = s + len(surf)
            if not e.is_glob and end < len(text) and text[end].isalnum():
                continue
            if any(run.count("\n") >= 2 for run in re.findall(_SEP, surf)):
                continue
            cands.append((s, -end, -key_len, e.term))
    cands.sort()
    out, last = [], -1
    for s, neg_end, _, term in cands:
        if s >= last:
            out.append((s, -neg_end))
            last = -neg_end
    return out


WORDS = ["iran", "backed", "pretext", "tunnel", "tunnels", "threat", "enemy", "israel's", "occupied", "al",
         "a", "ab", "abc", "résistance", "hezbollah"]
word = st.sampled_from(WORDS)
sep = st.sampled_from([" ", "  ", "-", " - ", "\n", "\n\n", ", ", ". ", "\u00a0", "’", "'", " “", "” "])
texts = st.lists(st.tuples(word, sep), max_size=40).map(lambda xs: "".join(w + s for w, s in xs))
entry_terms = st.lists(word, min_size=1, max_size=3).map(" ".join)
lexicons = st.lists(st.tuples(entry_terms, st.booleans()), min_size=1, max_size=12, unique_by=lambda t: t[0]).map(
    lambda xs: Lexicon("p", tuple(Entry(t + ("*" if g else ""), "c") for t, g in xs)))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts, lexicons)
def test_same_hits_as_reference(text, lexicon):
    got = sorted({(s, e) for s, e, _, _ in find_hits(text, lexicon)})
    assert got == reference_hits(text, lexicon)


@settings(max_examples=200, deadline=None)
@given(texts, lexicons)
def test_offsets_round_trip(text, lexicon):
    arts = pd.DataFrame({"doc_id": ["d"], "outlet": ["o"], "text": [text]})
    m = match_lexicon(arts, lexicon)
    assert all(text[s:e] == surf for s, e, surf in zip(m["start"], m["end"], m["surface"]))
    assert (m["start"] < m["end"]).all()


@settings(max_examples=200, deadline=None)
@given(texts, lexicons, st.randoms(use_true_random=False))
def test_invariant_under_case_changes(text, lexicon, rnd):
    flipped = "".join(c.upper() if rnd.random() < 0.5 else c for c in text)
    if len(flipped) != len(text):
        return
    a = [(s, e, x) for s, e, x, _ in find_hits(text, lexicon)]
    b = [(s, e, x) for s, e, x, _ in find_hits(flipped, lexicon)]
    assert a == b


@settings(max_examples=200, deadline=None)
@given(st.lists(word, min_size=1, max_size=30), lexicons, st.randoms(use_true_random=False))
def test_invariant_under_hyphen_space_swaps(words, lexicon, rnd):
    text_space = " ".join(words)
    seps = ["-" if rnd.random() < 0.5 else " " for _ in words[1:]]
    text_mixed = words[0] + "".join(s + w for s, w in zip(seps, words[1:]))
    a = [(s, e, x) for s, e, x, _ in find_hits(text_space, lexicon)]
    b = [(s, e, x) for s, e, x, _ in find_hits(text_mixed, lexicon)]
    assert a == b


# The two matching paths (folded bytes with boundaries in the patterns; the text view
# with boundaries checked per candidate) must agree on any text, in any script.
RICH_WORDS = ["iran", "Iran", "IRAN", "backed", "al", "a", "ab", "résistance", "RÉSISTANCE", "straße", "STRAẞE",
              "istina", "истина", "ИСТИНА", "İstanbul", "istanbul", "\u212aelvin", "kelvin", "ªb", "a¬b", "x_y",
              "u.s.", "U.S", "israel's", "israel’s", "9/11", "co-op", "#metoo", "café", "ﬁre", "fire", "σοφία",
              "ΣΟΦΊΑΣ", "שלום", "42", "4²", "é"]
rich_sep = st.sampled_from([" ", "  ", "-", " - ", "\n", "\n\n", "\n \n", ", ", ". ", "\u00a0", "’", "'", " “",
                            "” ", "\t", "\u2009", "_", "", "—", "…", "ª", "¬", "\x00", "é"])
rich_texts = st.lists(st.tuples(st.sampled_from(RICH_WORDS), rich_sep), max_size=30).map(
    lambda xs: "".join(w + s for w, s in xs))
rich_terms = st.tuples(st.lists(st.sampled_from(RICH_WORDS), min_size=1, max_size=3),
                       st.sampled_from([" ", "-", "  ", "’", "'"])).map(lambda t: t[1].join(t[0]))
rich_lexicons = st.lists(st.tuples(rich_terms, st.booleans(), st.booleans()), min_size=1, max_size=12,
                         unique_by=lambda t: (t[0], t[1])).map(
    lambda xs: Lexicon("p", tuple(Entry(t + ("*" if g else ""), "c", case_sensitive=cs) for t, g, cs in xs)))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rich_texts, rich_lexicons)
def test_folded_path_equals_text_view_path(text, lexicon):
    from mediabias.match import CompiledLexicon

    fast = CompiledLexicon(lexicon)
    plain = CompiledLexicon(lexicon, text_view_only=True)
    assert find_hits(text, fast) == find_hits(text, plain)


def test_folded_path_corner_cases():
    from mediabias.match import CompiledLexicon

    cases = [("İstanbul, ISTANBUL", ["istanbul"]), ("\u212aelvin kelvin", ["kelvin"]),
             ("STRAẞE straße", ["straße"]), ("ªb a¬b ab", ["ªb", "a¬b"]), ("tunnels\n \nthreat", ["tunnels threat"]),
             ("so,called so called", ["so called"]), ("caf\u00e9 cafe", ["cafe", "café"]),
             ("истина ИСТИНА истинаx", ["истина"]), ("(#metoo a#metoo", ["#metoo"]), ("U.S. u.s.a", ["u.s."])]
    for text, terms in cases:
        lexicon = Lexicon("p", tuple(Entry(t, "c") for t in terms))
        got = find_hits(text, CompiledLexicon(lexicon))
        assert got == find_hits(text, CompiledLexicon(lexicon, text_view_only=True)), text
    assert [(s, e) for s, e, _, _ in find_hits("İstanbul, ISTANBUL", lex("istanbul"))] == [(0, 8), (10, 18)]
    assert find_hits("tunnels\n \nthreat", lex("tunnels threat")) == []
    assert [(s, e) for s, e, _, _ in find_hits("so,called so called", lex("so called"))] == [(10, 19)]
    assert [(s, e) for s, e, _, _ in find_hits("истина ИСТИНА истинаx", lex("истина"))] == [(0, 6), (7, 13)]


latin_lexicons = st.lists(st.tuples(rich_terms, st.booleans(), st.booleans()), min_size=1, max_size=12,
                          unique_by=lambda t: (t[0], t[1])).map(
    lambda xs: Lexicon("p", tuple(Entry(t + ("*" if g else ""), "c", case_sensitive=cs) for t, g, cs in xs
                                  if all(ord(ch) < 256 for ch in t))
                       or (Entry("iran", "c"),)))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(rich_texts, max_size=6), st.one_of(latin_lexicons, rich_lexicons))
def test_batched_matching_equals_text_by_text(texts, lexicon):
    """Texts matched in one joined batch get exactly the hits they get one by one."""
    from mediabias.match import find_hits_many

    assert find_hits_many(texts, lexicon) == [find_hits(t, lexicon) for t in texts]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(rich_texts, st.sampled_from(["", "He said: “", "”. The ", " so-called ", "alleged ",
                                                        "\n\n", "‘"])), min_size=1, max_size=5))
def test_batched_ledger_equals_text_by_text(parts):
    """match_lexicon (batched) gives the rows match_text gives article by article: voice, hedges, sentences."""
    from mediabias.match import compile_lexicon, match_text

    texts = ["".join(a + b for a, b in parts[i:]) for i in range(len(parts))]
    arts = pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(texts))], "outlet": "o", "text": texts})
    lexicon = lex("iran", "iran backed", "résistance", "al*", "u.s.", "israel's", "kelvin", "istanbul")
    got = match_lexicon(arts, lexicon)
    want = [r for d, t in zip(arts["doc_id"], texts) for r in match_text(d, "o", t, [compile_lexicon(lexicon)])]
    assert list(got.itertuples(index=False, name=None)) == want
