"""``mediabias.vader_fast`` gives exactly VADER's compound score.

Every check compares with the library itself,
``SentimentIntensityAnalyzer().polarity_scores(text)["compound"]``, using ``==`` on
floats (no tolerance), plus ``repr`` so that even 0.0 and -0.0 must agree.
"""

from __future__ import annotations

import importlib.util
import re
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from vaderSentiment import vaderSentiment as V

from mediabias import vader_fast
from mediabias.paths import REPO_ROOT, SEEDS_DIR
from mediabias.vader_fast import vader_compound, vader_compounds

_LIB = V.SentimentIntensityAnalyzer()


def lib(text) -> float:
    return _LIB.polarity_scores(text)["compound"]


def mismatches(texts) -> list[tuple[str, float, float]]:
    """(text, library, ours) wherever the two differ, one by one and in bulk."""
    texts = list(texts)
    bulk = vader_compounds(texts)
    assert len(bulk) == len(texts)
    out = []
    for t, b in zip(texts, bulk):
        want, got = lib(t), vader_compound(t)
        if not (type(got) is float and got == want and repr(got) == repr(want) and repr(b) == repr(want)):
            out.append((t, want, got))
    return out


def test_fast_path_is_active():
    # otherwise every comparison below would compare the library with itself
    assert vader_fast.FAST_PATH is True


# ------------------------------------------------------------------ (a) seed articles


def _seed_texts() -> list[str]:
    out = []
    for path in sorted(SEEDS_DIR.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        out.append(text)  # the whole page dump as one text
        for para in text.split("\n"):
            out.append(para)
            out.extend(para.split(". "))
    return out


def test_seed_articles():
    texts = _seed_texts()
    assert len(texts) > 100
    assert sum(lib(t) != 0 for t in texts) > 20  # the sentences do carry sentiment
    assert mismatches(texts) == []


# ------------------------------------------------------------------ (b) synthetic news


def _synth_sentences(n_articles: int = 160) -> list[str]:
    spec = importlib.util.spec_from_file_location("synth_corpus", REPO_ROOT / "benchmarks" / "synth_corpus.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    out = []
    for rec in mod.make_records(n_articles, seed=11):
        out.append(rec["title"])
        out.extend(s for s in re.split(r"(?<=[.!?\u201d\"])\s+|\n+", rec["text"]) if s)
    return out


def test_synthetic_sentences():
    texts = _synth_sentences()
    assert len(texts) >= 2500
    assert mismatches(texts) == []


# ------------------------------------------------------------------ (c) edge cases

EDGE_CASES = [
    # empty, whitespace, trivial
    "", " ", "   \t\n ", "\n", "\u00a0", "\u3000good\u3000", "a", "I", "x y z", ".", "!!!", "???", "!?",
    # VADER's own examples
    "VADER is smart, handsome, and funny.", "VADER is smart, handsome, and funny!",
    "VADER is very smart, handsome, and funny.", "VADER is VERY SMART, handsome, and FUNNY.",
    "VADER is VERY SMART, handsome, and FUNNY!!!", "VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!",
    "VADER is not smart, handsome, nor funny.", "The book was good.", "At least it isn't a horrible book.",
    "The book was only kind of good.",
    "The plot was good, but the characters are uncompelling and the dialog is not great.",
    "Today SUX!", "Today only kinda sux! But I'll get by, lol", "Make sure you :) or :D today!",
    "Catch utf-8 emoji such as \U0001f498 and \U0001f48b and \U0001f601", "Not bad at all",
    # negations
    "This is not good", "This isn't good", "This isnt good", "This is never so good", "never this bad",
    "It was never so very good", "without doubt good", "without a doubt good", "without any doubt, good",
    "good without", "not, good", "not the good", "not a very good idea", "nothing is good", "uh-uh good",
    "They haven't won", "it wasn’t good", "isn’t bad", "doesn't hurt", "no good", "no, good", "No GOOD",
    "no", "no no", "no problem or nor worry", "no problem or worry", "no fun or joy here", "no fun nor joy",
    "there is no good no bad", "so no", "yes no maybe", "rarely good", "seldom bad", "despite the win",
    # but
    "good but bad", "bad but good", "good BUT bad", "But good", "good but", "good, but, bad",
    "good but bad but good", "butter is good", "but", "good good good but good good",
    "GREAT work but TERRIBLE ending??", "love, but hate.",
    # least
    "least good", "at least good", "very least good", "the least good idea", "not least good", "least",
    # boosters and dampeners
    "very good", "VERY good", "very GOOD", "extremely bad", "EXTREMELY bad news", "very very very good",
    "really extremely good", "kind of good", "kind of bad", "Kind Of good", "kind", "kind of",
    "kinda good", "sort of nice", "sort of awful", "just enough love", "it was just enough",
    "hardly good", "barely bad", "somewhat happy", "the most beautiful", "slightly disappointed",
    "so good", "so so good", "this good", "this this bad", "a so-so result",
    # ALL CAPS
    "GOOD", "GOOD BAD", "GOOD bad", "good BAD", "I LOVE it", "I love IT", "WOW!!!", "HAPPY HAPPY joy",
    "NOT good", "not GOOD", "The USA and the UK agree", "NATO warns of WAR", "A B C good",
    # exclamation / question marks
    "good!", "good!!", "good!!!!", "good!!!!!!!", "bad?", "bad??", "bad???", "bad????", "bad?!?!",
    "good ! ! ! !", "Why?? bad", "nice?!", "? good ?",
    # emoji and emoticons
    "\U0001f600", "I am \U0001f600", "I am\U0001f600", "\U0001f600\U0001f600", "sad \U0001f622 day",
    "\u2764\ufe0f", "\u2764 love", "x\u2764y", "\u203c\u2049", "\U0001f44d\U0001f3fd thumbs",
    "\u00a9 2018 \u00ae", "go \u2b06 up", "\U0001f1fa\U0001f1f8 flag", "#\ufe0f\u20e3",
    ":)", ":-(", ":(", ":-)", ":D", ":d", "<3", "</3", ";)", ":P", "(-:", "xD", "=)", ":'(",
    "good :)", "bad :-(", "so :) happy", "lol", "LOL", "lmao", "wtf", "omg",
    # special cases and idioms
    "this is the shit", "the shit", "you are the bomb", "the bomb", "bad ass", "what a bad ass car",
    "badass", "wait at the bus stop", "the bus stop", "yeah right", "oh yeah right", "kiss of death",
    "a real kiss of death", "to die for", "a cake to die for", "beating heart", "his beating heart",
    "the the the shit", "x the shit y", "cut the mustard", "in the red", "under the weather",
    "kind of the bomb", "it was sort of the shit", "just enough kiss of death",
    # contractions, apostrophes, punctuation on words
    "don't", "don’t like it", "can't stand it", "I can't stand it", "won't win", "it's good",
    "'good'", "\"bad\"", "“great”", "‘nice’", "(good)", "[bad]", "good.", ".good", "...good...",
    "good,", ",good", "--good--", "good-bad", "good/bad", "good's", "no,", "no.", "ok,", "ok", "a,",
    "U.S. strikes", "e.g. good", "u.s.a. great", "!!good!!", "??bad??", "good!!!bad", "wow,good",
    # single characters, digits, non-ASCII
    "a b c d e", "1 2 3", "2018 was good", "100% good", "10/10 good", "good 5 stars",
    "café is good", "naïve but good", "Zürich is nice", "ΣΑΣ good", "İstanbul good", "İS", "good—bad",
    "good – bad", "good … bad", "日本 good", "good\u200bbad", "\u212aind of good", "ﬁne good",
    "Россия is bad", "bad\u00a0news",
    # whitespace variants
    "good\tbad", "good\nbad", "  good  ", "good\r\nbad", "good\x1cbad", "good\x0bbad \x0c",
]
LONG_TEXTS = [
    " ".join(["The very good minister said it was not bad, but terrible!"] * 200),
    "good " * 5000,
    ("I LOVE it but HATE this " * 300) + "??!!",
    "\U0001f600 " * 1000,
    "x" * 20000,
]


@pytest.mark.parametrize("text", EDGE_CASES)
def test_edge_case(text):
    assert mismatches([text]) == []


def test_long_texts():
    assert mismatches(LONG_TEXTS) == []


def test_but_rescales_the_first_equal_value():
    """VADER's 'but' rule rescales the *first* entry equal to each value, so after
    "X but Y" with valence(X) == 2 * valence(Y) the halved X absorbs Y's factor too.
    Checks a case where that quirk changes the result."""
    lex = _LIB.lexicon
    by_value = {}
    for w in sorted(lex):
        if w.isalpha() and w not in V.BOOSTER_DICT:
            by_value.setdefault(lex[w], w)
    pairs = [(by_value[2 * v], by_value[v]) for v in sorted(by_value) if v > 0 and 2 * v in by_value]
    assert pairs
    big, small = pairs[0]
    text = f"{big} but {small}"
    naive = round(V.normalize(0.5 * lex[big] + 1.5 * lex[small]), 4)
    assert lib(text) != naive  # the quirk is in play here
    assert vader_compound(text) == lib(text)


def test_lexicon_words_and_special_phrases_one_by_one():
    # every lexicon key and special case alone, capitalised and after a booster
    words = sorted(_LIB.lexicon) + sorted(V.SPECIAL_CASES) + sorted(V.BOOSTER_DICT)
    texts = []
    for w in words[::3]:
        texts += [w, w.upper() + " now", f"very {w}", f"not {w}!", f"the {w} but"]
    assert mismatches(texts) == []


def test_non_string_input_behaves_like_the_library():
    for bad in (None, 5, 3.5):
        with pytest.raises(Exception) as ours:
            vader_compound(bad)
        with pytest.raises(Exception) as theirs:
            lib(bad)
        assert type(ours.value) is type(theirs.value)

    class S(str):
        pass

    assert vader_compound(S("very good")) == lib(S("very good"))


def test_vader_compounds_keeps_order():
    texts = ["good", "bad", "", "not good", "good"]
    assert vader_compounds(texts) == [lib(t) for t in texts]
    assert vader_compounds([]) == []


# ------------------------------------------------------------------ (d) property tests

_LEX_WORDS = sorted(w for w in _LIB.lexicon if w.isalpha())[::7]  # ~1,000 real words
_EMOTICONS = sorted(w for w in _LIB.lexicon if not w.isalnum())[:120]
_EMOJI = sorted(vader_fast._EMOJI)[::5]
_FUNCTION = ["the", "a", "of", "to", "for", "at", "or", "nor", "and", "this", "so", "is", "it", "I",
             "but", "least", "no", "never", "without", "doubt", "kind", "sort", "just", "enough",
             "yeah", "right", "bus", "stop", "kiss", "death", "die", "beating", "heart", "bomb", "shit",
             "bad", "ass", "isn't", "isn’t", "don't", "can't", "ok", "a,", "no,", "x", "12", "U.S."]

word = st.one_of(
    st.sampled_from(_LEX_WORDS),
    st.sampled_from(sorted(V.BOOSTER_DICT)),
    st.sampled_from(V.NEGATE),
    st.sampled_from(_FUNCTION),
    st.sampled_from(_EMOTICONS),
    st.sampled_from(_EMOJI),
    st.text(alphabet=string.ascii_letters + "'’-", min_size=1, max_size=6),
)
cased = st.tuples(word, st.sampled_from([str, str.upper, str.lower, str.capitalize, str.title])).map(
    lambda p: p[1](p[0]))
dressed = st.tuples(
    st.sampled_from(["", "", "", "(", "\"", "'", "“", "...", "-"]),
    cased,
    st.sampled_from(["", "", "", "", ",", ".", "!", "?", "!!", "???", "!?!", ";", ":", "\"", "”", "'s", ":)"]),
).map("".join)
sep = st.sampled_from([" "] * 8 + ["  ", "\n", "\t", "", " \u00a0"])
texts = st.lists(st.tuples(dressed, sep).map("".join), max_size=30).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_property_word_mixtures(text):
    assert mismatches([text]) == []


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.one_of(st.characters(), st.sampled_from(_EMOJI + list(" !?.,'’:)("))),
               max_size=60))
def test_property_arbitrary_unicode(text):
    assert mismatches([text]) == []
