"""mediabias.pattern_fast gives exactly TextBlob's default sentiment.

Every comparison is ``==`` on the floats (no tolerance): ``pattern_sentiment(text)`` must
equal ``textblob.en.sentiment(text)[:2]``, which is ``TextBlob(text).sentiment``. Where
it helps to see why, the token sequences are compared too (the library's tokenizer,
joined and lower-cased as its ``Sentiment.__call__`` does, against ours).

Texts: the two seed page dumps (whole, paragraphs, sentences, and the cleaned article
bodies), a synthetic corpus (``benchmarks/synth_corpus.py``), hand-written edge cases
and hypothesis-generated texts mixing lexicon words, negations, punctuation, quotes,
apostrophes, emoticon pieces and whitespace of every kind.
"""

from __future__ import annotations

import os
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textblob import TextBlob
from textblob import _text as tb_text
from textblob.en import sentiment as library

from mediabias import pattern_fast as pf
from mediabias.paths import REPO_ROOT, SEEDS_DIR
from mediabias.text import split_paragraphs, split_sentences

EXAMPLES = int(os.environ.get("MEDIABIAS_FUZZ_EXAMPLES") or 300)
PROPERTY = settings(max_examples=EXAMPLES, deadline=None, derandomize=not os.environ.get("MEDIABIAS_FUZZ_EXAMPLES"),
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def expected(text):
    p, s = library(text)[:2]
    return p, s


def library_tokens(text: str) -> list[str]:
    """The words the library's Sentiment.__call__ assesses, in order."""
    return [w.lower() for w in " ".join(tb_text.find_tokens(text)).split()]


def our_tokens(text: str) -> list[str]:
    """The words pattern_fast assesses (fast or careful path), in order."""
    prepared = pf._prepare(text)
    if pf._needs_sentences(text):
        return pf._careful_tokens(prepared)
    return [p.lower() for t in prepared.split() for p in pf._pieces(t)]


def assert_same(text) -> None:
    got = pf.pattern_sentiment(text)
    want = expected(text)
    assert type(got[0]) is float and type(got[1]) is float
    # == on floats, and the same sign of zero: bit-identical
    assert got == want, (text, got, want)
    assert [repr(x) for x in got] == [repr(float(x)) for x in want], (text, got, want)


def assert_same_many(texts) -> None:
    bad = []
    for t in texts:
        got, want = pf.pattern_sentiment(t), expected(t)
        if got != want or [repr(x) for x in got] != [repr(float(x)) for x in want]:
            bad.append((t[:120], got, want))
    assert not bad, f"{len(bad)} of {len(texts)} differ, e.g. {bad[:3]}"
    pol, subj = pf.pattern_sentiments(texts)
    assert list(zip(pol, subj)) == [expected(t) for t in texts]


# --------------------------------------------------------------------- seeds

def _seed_texts() -> list[str]:
    texts = []
    for path in sorted(SEEDS_DIR.glob("*.txt")):
        raw = path.read_text(encoding="utf-8")
        texts.append(raw)
        texts += [raw[a:b] for a, b in split_paragraphs(raw)]
        texts += [raw[a:b] for a, b in split_sentences(raw)]
        texts += [p for p in raw.split("\n\n") if p.strip()]
    return texts


def test_seed_files_whole_paragraphs_and_sentences():
    texts = _seed_texts()
    assert len(texts) > 60
    assert_same_many(texts)
    # the comparison is not vacuous: most seed sentences have some sentiment
    assert sum(pf.pattern_sentiment(t)[1] != 0 for t in texts) > len(texts) // 3


def test_seed_articles_as_read(seed_read):
    texts = []
    for body in seed_read.articles["text"]:
        texts.append(body)
        texts += [body[a:b] for a, b in split_sentences(body)]
    assert len(texts) > 20
    assert_same_many(texts)
    for body in seed_read.articles["text"]:
        assert tuple(TextBlob(body).sentiment) == pf.pattern_sentiment(body)


# ----------------------------------------------------------------- synthetic

@pytest.fixture(scope="module")
def synth_texts() -> list[str]:
    sys.path.insert(0, str(REPO_ROOT / "benchmarks"))
    try:
        import synth_corpus
    finally:
        sys.path.remove(str(REPO_ROOT / "benchmarks"))
    texts = []
    for rec in synth_corpus.make_records(120, n_outlets=4, mean_chars=2000, seed=11):
        body = rec["text"]
        texts.append(body)
        texts.append(rec["title"])
        texts += [body[a:b] for a, b in split_sentences(body)]
    return texts


def test_synthetic_corpus(synth_texts):
    before = pf.path_counts()
    assert len(synth_texts) > 2000
    assert_same_many(synth_texts)
    after = pf.path_counts()
    # almost everything takes the fast path: the test exercises our code, not the library's
    assert after["fallback"] == before["fallback"]
    assert after["careful"] - before["careful"] < len(synth_texts) // 50
    assert sum(pf.pattern_sentiment(t)[0] != 0 for t in synth_texts) > len(synth_texts) // 4


def test_synthetic_tokens(synth_texts):
    for t in synth_texts[:400]:
        assert our_tokens(t) == library_tokens(t), t


# ---------------------------------------------------------------- edge cases

EDGE_CASES = [
    # empty and whitespace
    "", " ", "   ", "\n", "\n\n", "\r\n\r\n", "\t", "\xa0", "\u2028\u3000", "\x1c\x1d",
    # plain words, case
    "good", "Good", "GOOD", "gOoD movie", "a good movie", "The movie was good and bad.",
    # contractions
    "isn't good", "is n't good", "It isn't bad.", "don't like it", "DON'T LIKE IT", "Don't", "doN'T good",
    "It's great", "it’s great", "we'll be happy", "they're happy", "I've been sad", "I'd be glad",
    "I'm glad", "can't", "won't", "shouldn't be good", "wouldn’t be good", "n't good", "'s good",
    "good'd", "o'clock good", "rock 'n' roll is great",
    # quotes
    '"good"', "'good'", "\u201cgood\u201d", "\u2018good\u2019", '""good""', "'''",
    "He said: \u201cIt was a terrible, terrible day.\u201d", 'She said "not good." Then "great!"',
    "the \u201calleged\u201d crime was horrible", "'not' good", "\"not\" 'very' good",
    # negations
    "not good", "not a good idea", "not a very good idea", "not very good", "very not good",
    "really not good", "extremely not bad", "never good", "never ever good", "no good", "no, good",
    "not not good", "not, good", "not the good", "not I good", "not 'a' good", "good not",
    "not really good", "not really", "not", "never", "no",
    # modifiers
    "very good", "very very good", "extremely bad", "really really bad", "terribly good",
    "very is a good", "very a good", "very the good", "happily sad", "seriously wrong", "too good",
    "very", "very.", "very!", "very :) good", "really :( good",
    "very awesome", "very awful", "real best", "very very awful", "not very awesome", "very awesome!!",
    "very boring!", "really very best",
    # exclamation marks and sarcasm
    "good!", "good!!", "good !", "good ! !", "bad!", "!good", "!", "!!!", "wow! good", "good (!)",
    "(!)", "( ! )", "(! )", "( !)", "good (!) movie", "good ( ! ) movie", "( ! ) ( ! )",
    "great ( !) and (!)", "(!!)", "good! (!) bad!", "Really?!", "wait... what?!",
    # emoticons
    ":)", ": )", ":-)", ":-(", ": - (", ":'(", ": ' (", ":'''(", "<3", "< 3", "\u2665", ":D", ":d", "xD",
    "XD", "x D", "X - D", "8)", "8 )", "8-)", "8-D", "(2018)", "(8)", "( 8 )", "in (1998) it was good",
    "o.O", "o_O", "o . O", ":-.", "=)", "= )", ";)", ";-)", ":P", ":p", ":-b", "Max D ", "Max D.",
    "\u00b0O\u00b0", "\u00b0o\u00b0", ">:(", ">:D", ">:[", ":c)", ":o)", ":o )", ":o", ":c", ":/", "http://x.y",
    ":\\", ">.>", "good :) bad", "very :) good", "not :) good", ":) :( :D", "good:)", "(good:)",
    "smile :-) now", "10:30 good", "ratio 1:3 good", "1:3", "*)", "*-)", ";'(", ":^)", ": ^ )",
    ":-D )", "x :-D", ":- )", ":c )", ":{", ":}", ":]", ":[", "=]", "=(", "=/", ":3", ": 3",
    ":)x", ":(good", "(:-(bad", "=)great", ":)...", ":).", "8)good", "(8)good", ":D.", ":Dn't", "xD\u201d",
    # abbreviations
    "U.S. officials were happy.", "the U.S.", "U.S.A. good", "Mr. Smith is nice.", "Mr.", "mr. good",
    "e.g. good", "E.g. good", "i.e. bad", "Fig. 3 is bad.", "fig. 3 is bad.", "A. good", "a. good",
    "etc. good", "Etc. good", "Dr. Who is great.", "Mrs. Robinson", "Ms. Good", "vs. bad", "Med. good",
    "Mil. bad", "St. Louis is great.", "Jan. 5 was good.", "No. 1 is good.", "Bcd.", "B|.", "w/ good",
    "a.m. good", "p.m.", "J. R. R. Tolkien is great.", "good.)", "U.S.)", "(U.S.)", "Mr.,", "good.,",
    # ellipses and periods
    "good...", "good....", "good.....", "good... bad", "...good", "...", "....", ".", "..", "good..",
    "good.", "good. bad.", "good.bad", "good .", "good . . .", "x...y good", ". . . good",
    # paragraphs, line breaks, tabs
    "good.\n\nbad.", "good\n\n\nbad", "good\r\n\r\nbad", "good\r\r\n\nbad", "Title\n\nBody text is great",
    "good\n bad", "good\n \nbad", "good\tbad", "good\xa0bad", "not\n\ngood", "very\n\ngood",
    "good!\n\n!", "(\n\n!\n\n)", ":\n\n)", ":\n\nD", "<\n\n3", "good :\n\nP", "x\n\nD", "(\n\n!)",
    "good\u2029bad", "good\x85bad",
    "END-OF-SENTENCE good", "good END-OF-SENTENCE.", "end-of-sentence good",
    # non-ASCII, digits, long tokens
    "caf\u00e9 is great", "na\u00efve", "\u0130stanbul is beautiful", "\u03a3\u0391\u03a3 good",
    "\u039f\u0394\u03a5\u03a3\u03a3\u0395\u03a5\u03a3 good", "\u65e5\u672c good", "emoji \U0001f600 good",
    "\u0131 good", "\ufb03 good", "2018", "13th", "the 2nd best", "21st century", "1,000 good", "$5 good",
    "a" * 5000, "good" * 1000, "good " * 1000, "!" * 100, "." * 50, "(" * 30 + "good" + ")" * 30,
    "f*cking good", "#good @bad", "good-looking", "well-off", "top-notch", "across-the-board",
    "good," * 50, "\u201c" * 10 + "good", "\u2019s good", "\u2018tis good",
]


@pytest.mark.parametrize("text", EDGE_CASES)
def test_edge_cases(text):
    assert_same(text)
    if pf._EOS not in text:
        assert our_tokens(text) == library_tokens(text)


def test_edge_cases_exercise_every_path():
    before = pf.path_counts()
    for t in EDGE_CASES:
        pf.pattern_sentiment(t)
    after = pf.path_counts()
    assert after["fallback"] > before["fallback"]      # END-OF-SENTENCE
    assert after["careful"] - before["careful"] > 50   # emoticons, (!), (2018)
    # the cases are not all trivially zero
    assert sum(pf.pattern_sentiment(t)[0] < 0 for t in EDGE_CASES) > 30
    assert sum(pf.pattern_sentiment(t)[0] > 0 for t in EDGE_CASES) > 30


def test_non_str_input_falls_back():
    class S(str):
        pass

    assert pf.pattern_sentiment(S("not very good")) == expected("not very good")
    words = ["not", "very", "good", "!"]
    assert pf.pattern_sentiment(words) == tuple(float(x) for x in expected(words))
    with pytest.raises(TypeError):   # as the library does
        pf.pattern_sentiment(b"a good movie")


def test_batch_equals_single():
    texts = EDGE_CASES[:80] + EDGE_CASES[:10]
    pol, subj = pf.pattern_sentiments(texts)
    assert len(pol) == len(subj) == len(texts)
    assert [(p, s) for p, s in zip(pol, subj)] == [expected(t) for t in texts]


def test_cache_limit_keeps_results():
    old = pf._RAW_MAX
    try:
        pf._RAW_MAX = 5
        pf._RAW.clear()
        for t in EDGE_CASES[:60] + EDGE_CASES[:60]:
            assert_same(t)
            assert len(pf._RAW) <= 5
    finally:
        pf._RAW_MAX = old


# ------------------------------------------------------------------ properties

def _lexicon_sample() -> list[str]:
    words = sorted(dict.keys(library))
    adverbs = sorted(w for w, by_pos in dict.items(library) if "RB" in by_pos)
    plain = [w for w in words if w.isalpha()]
    odd = [w for w in words if not w.isalpha()]
    return plain[::12] + adverbs[::25] + odd[::4] + ["very", "really", "extremely", "too", "so", "quite",
                                                     "more", "most", "pretty", "absolutely", "good", "bad"]


LEXICON = _lexicon_sample()
EMOTICON_PIECES = sorted({e for faces in tb_text.EMOTICONS.values() for e in faces}
                         | {c for faces in tb_text.EMOTICONS.values() for e in faces for c in e})
PIECES = (["not", "no", "never", "n't", "Not", "NEVER", "!", "(!)", "?", ".", "...", "..", ",", ";", ":", "(", ")",
           "[", "]", "-", "'", '"', "\u201c", "\u201d", "\u2018", "\u2019", "'s", "'ll", "'re", "'ve", "'d", "'m",
           "n't", "N'T", "don't", "isn't", "U.S.", "Mr.", "e.g.", "Fig.", "A.", "etc.", "Dr.", "vs.", "a", "an",
           "the", "of", "is", "it", "said", "2018", "8", "x", "X", "o", "O", "D", "END", "\u00e9", "\u03a3",
           "\u0130", "\U0001f600", "abc", "xyz" * 4]
          + EMOTICON_PIECES)
SEPARATORS = [" ", " ", " ", " ", "", "\n", "\n\n", "\r\n", "\r\n\r\n", "\t", "\xa0", "  ", "\u3000", "\x0b"]

word = st.one_of(st.sampled_from(LEXICON), st.sampled_from(PIECES))
cased = st.tuples(word, st.sampled_from(["same", "same", "same", "title", "upper"])).map(
    lambda wc: {"same": wc[0], "title": wc[0].title(), "upper": wc[0].upper()}[wc[1]])
texts = st.lists(st.tuples(cased, st.sampled_from(SEPARATORS)), max_size=40).map(
    lambda parts: "".join(w + s for w, s in parts))
prose = st.lists(st.tuples(st.sampled_from(LEXICON + ["not", "very", "never", "a", "the", "is", "no"]),
                           st.sampled_from(["", "", "", ",", ".", "!", "?", "...", ";", ":"]),
                           st.sampled_from([" ", " ", " ", "\n\n", " \u201c", "\u201d ", " '", "' ", ' "'])),
                 max_size=60).map(lambda parts: "".join(w + p + s for w, p, s in parts))


@PROPERTY
@given(texts)
def test_property_mixed_pieces(text):
    assert_same(text)
    if pf._EOS not in text:
        assert our_tokens(text) == library_tokens(text)


@PROPERTY
@given(prose)
def test_property_news_like_prose(text):
    assert_same(text)
    assert our_tokens(text) == library_tokens(text)


@PROPERTY
@given(st.text(alphabet=st.sampled_from(sorted(set("".join(EMOTICON_PIECES)) | set(" \n\t.!?()'\"ogdabNT"))),
               max_size=40))
def test_property_punctuation_soup(text):
    assert_same(text)
    if pf._EOS not in text:
        assert our_tokens(text) == library_tokens(text)


@PROPERTY
@given(st.text(max_size=60))
def test_property_any_unicode(text):
    assert_same(text)
