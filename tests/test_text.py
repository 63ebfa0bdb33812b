"""Tests for mediabias.text: sentences, quotation spans and voice."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mediabias.text import (
    PARAGRAPH_BREAK_RE,
    Quote,
    count_tokens,
    find_quotes,
    lower_tokens,
    quote_mask,
    segment,
    sentence_voice,
    split_paragraphs,
    split_sentences,
    tokenize,
    tokens_by_span,
    voice_of_span,
)

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
PRESS_TV = SEEDS / "000_1da48ea08291236c.txt"
I24 = SEEDS / "002_d6eca5df38951f0f.txt"


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


def quotes(text: str, **kw) -> list[tuple[str, str, bool]]:
    return [(text[q.start : q.end], q.kind, q.terminated) for q in find_quotes(text, **kw)]


def voice_of(text: str, phrase: str, qs: list[Quote] | None = None) -> str:
    i = text.index(phrase)
    return voice_of_span(find_quotes(text) if qs is None else qs, i, i + len(phrase))


def quote_of(text: str, phrase: str) -> Quote:
    """The quote whose interior contains ``phrase``."""
    i = text.index(phrase)
    hits = [q for q in find_quotes(text) if q.start < i and i + len(phrase) <= q.inner_end]
    assert len(hits) == 1, (phrase, hits)
    return hits[0]


# ---------------------------------------------------------------------------
# split_sentences
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        # titles never end a sentence
        (
            "Dr. Smith and Lt. Col. Jones met Sen. Brown. Rep. Lee and Gov. Ray spoke.",
            ["Dr. Smith and Lt. Col. Jones met Sen. Brown.", "Rep. Lee and Gov. Ray spoke."],
        ),
        ("Mr. and Mrs. Cohen met Gen. Aoun.", ["Mr. and Mrs. Cohen met Gen. Aoun."]),
        # acronyms: end a sentence only before a common sentence opener
        (
            "The U.S. and the U.N. met. The U.K. Foreign Office said no. It was the U.S. The end.",
            ["The U.S. and the U.N. met.", "The U.K. Foreign Office said no.", "It was the U.S.", "The end."],
        ),
        (
            "He visited St. Petersburg and Main St. The trip was long.",
            ["He visited St. Petersburg and Main St.", "The trip was long."],
        ),
        # e.g., i.e., etc.
        (
            "Some, e.g. Iran, i.e. Tehran, etc. and more. Others etc. The end.",
            ["Some, e.g. Iran, i.e. Tehran, etc. and more.", "Others etc.", "The end."],
        ),
        # months and initials
        (
            "On Dec. 7 they met. In Sept. 2019 too. George W. Bush spoke. Plan B. It worked.",
            ["On Dec. 7 they met.", "In Sept. 2019 too.", "George W. Bush spoke.", "Plan B.", "It worked."],
        ),
        ("Jan. Feb. and Oct. 3 are dates.", ["Jan. Feb. and Oct. 3 are dates."]),
        # decimals and numbers
        (
            "The vote was 3.5 percent. Prices rose 4.2%. 15 people died.",
            ["The vote was 3.5 percent.", "Prices rose 4.2%.", "15 people died."],
        ),
        ("He lives at No. 10 on the street.", ["He lives at No. 10 on the street."]),
        # ellipses
        (
            "He paused... Then left. He said \u2026 and more. It went on . . . and on.",
            ["He paused...", "Then left.", "He said \u2026 and more.", "It went on . . . and on."],
        ),
        # ? and !
        (
            'Why? "Why not?" he asked. Wow! Really.',
            ["Why?", '"Why not?" he asked.', "Wow!", "Really."],
        ),
        # closing quote then lowercase: one sentence; closing quote then capital: split
        (
            'The talks aimed at "stability in the region," the statement said.',
            ['The talks aimed at "stability in the region," the statement said.'],
        ),
        (
            "It is worse than we thought.\u201d Next he spoke.",
            ["It is worse than we thought.\u201d", "Next he spoke."],
        ),
        # sentence end followed by an opening quote; brackets
        (
            "It ended. \u201cNext quote.\u201d And then. (A bracketed sentence.) After.",
            ["It ended.", "\u201cNext quote.\u201d", "And then.", "(A bracketed sentence.)", "After."],
        ),
        # a quotation that goes on in the same sentence: lowercase next word, no split
        (
            '"The work continues. the rest," he said.',
            ['"The work continues. the rest," he said.'],
        ),
        # continuing punctuation after a period
        ("Use the U.S. \u2014 not the U.K. \u2014 rules.", ["Use the U.S. \u2014 not the U.K. \u2014 rules."]),
        # paragraph breaks always end a sentence; single newlines do not
        (
            "A line\nwith a wrap. Next\n\n  \nPara two without stop\n\nThird.",
            ["A line\nwith a wrap.", "Next", "Para two without stop", "Third."],
        ),
        ("Headline without stop\r\n\r\nBody.", ["Headline without stop", "Body."]),
        ("One\u2029Two", ["One", "Two"]),
        # inc./co.
        (
            "Apple Inc. said so. They bought Apple Inc. The deal closed.",
            ["Apple Inc. said so.", "They bought Apple Inc.", "The deal closed."],
        ),
        ("", []),
        ("   \n\n  ", []),
        ("No terminal punctuation", ["No terminal punctuation"]),
    ],
)
def test_split_sentences_cases(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_split_sentences_offsets_and_types() -> None:
    text = "  First one.  Second one!\n\nThird  "
    spans = split_sentences(text)
    assert spans == [(2, 12), (14, 25), (27, 32)]
    assert all(isinstance(s, int) and isinstance(e, int) for s, e in spans)


def test_split_sentences_seed_quotation_sentences() -> None:
    text = I24.read_text(encoding="utf-8")
    got = sentences(text)
    assert '"IDF troops fired towards the suspects in accordance with the standard operating procedures.' in got
    assert "The three fled." in got
    assert 'The work in the area continues as usual," the statement concluded.' in got
    press = sentences(PRESS_TV.read_text(encoding="utf-8"))
    assert '"The president of Russia stressed the importance of ensuring stability in the region," the statement said.' in press
    assert any(s.startswith("We are talking about engineering activity \u2026,\u201d she said") for s in press)


def test_split_sentences_rejects_non_str() -> None:
    with pytest.raises(TypeError):
        split_sentences(None)  # type: ignore[arg-type]


def test_split_paragraphs() -> None:
    text = "Title\n\n  Body one.\nstill one. \n \n\nBody two"
    assert [text[s:e] for s, e in split_paragraphs(text)] == ["Title", "Body one.\nstill one.", "Body two"]


# ---------------------------------------------------------------------------
# find_quotes
# ---------------------------------------------------------------------------


def test_quote_dataclass_is_frozen() -> None:
    q = Quote(0, 3, "scare", True)
    with pytest.raises(AttributeError):
        q.start = 1  # type: ignore[misc]
    assert (q.inner_start, q.inner_end) == (1, 2)
    assert Quote(0, 3, "quotation", False).inner_end == 3


@pytest.mark.parametrize(
    "text, expected",
    [
        ('He said "we will act now and decide later" today.', [('"we will act now and decide later"', "quotation", True)]),
        ("A \u201cshort\u201d one.", [("\u201cshort\u201d", "scare", True)]),
        # mixed straight/curly pairs, as on real pages
        (
            '"We are talking about engineering activity \u2026,\u201d she said.',
            [('"We are talking about engineering activity \u2026,\u201d', "quotation", True)],
        ),
        (
            'Putin also \u201cemphasized the necessity to improve it," read another tweet.',
            [('\u201cemphasized the necessity to improve it,"', "quotation", True)],
        ),
        # guillemets and German quotes
        ("\u00abFrench style\u00bb and \u201eGerman style\u201c.", [("\u00abFrench style\u00bb", "scare", True), ("\u201eGerman style\u201c", "scare", True)]),
        # straight marks after a non-space and before a space close; a lone closer is ignored
        ('A 5" screen. He said "hello there friend" loudly.', [('"hello there friend"', "quotation", True)]),
        # an unclosed quote runs to the end of its paragraph
        ('He said "this never closes\n\nNext paragraph.', [('"this never closes', "quotation", False)]),
        ('Ends with a lone mark "', [('"', "quotation", False)]),
        # an opening mark while a quote is open restarts quoting
        ('He said "foo bar. Then "baz qux" happened.', [('"foo bar. Then', "quotation", False), ('"baz qux"', "scare", True)]),
        # missing space after a comma before an opening mark
        ('He said,"Go home now." Then left.', [('"Go home now."', "quotation", True)]),
        ("", []),
        ("No quotes at all.", []),
    ],
)
def test_double_quotes(text: str, expected: list[tuple[str, str, bool]]) -> None:
    assert quotes(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Putin tells Netanyahu of need for 'strict' stability", [("'strict'", "scare", True)]),
        ("Putin tells Netanyahu of need for \u2018strict\u2019 stability", [("\u2018strict\u2019", "scare", True)]),
        ("Advised the prince to 'weather storm' in wake of it", [("'weather storm'", "scare", True)]),
        ("He said 'we will never accept this deal, not now.' Then left.", [("'we will never accept this deal, not now.'", "quotation", True)]),
        # apostrophes: none of these is a quote
        ("Israel's border, Israel\u2019s army, don't, can\u2019t, it's.", []),
        ("Back in the \u201990s and the '90s, in '18 too.", []),
        ("They went to the Netanyahus\u2019 home and the players' union.", []),
        ("They played rock 'n' roll and rock \u2018n\u2019 roll all night.", []),
        ("'Tis the season, they said, 'til dawn.", []),
        # a closing candidate too far away (> 15 tokens) is not a closer
        (
            "The 'opening mark is followed by far too many words, many more than fifteen, before the apostrophe of the "
            "players' union appears here.",
            [],
        ),
    ],
)
def test_single_quotes(text: str, expected: list[tuple[str, str, bool]]) -> None:
    assert quotes(text) == expected


def test_single_quote_before_possessive_closes_at_first_candidate() -> None:
    text = "The 'hawks' and the Netanyahus\u2019 home."
    assert quotes(text) == [("'hawks'", "scare", True)]


def test_single_quotes_nested_in_double_quotes() -> None:
    text = '"He called it \'absurd\' and walked out of the room," she said.'
    outer = '"He called it \'absurd\' and walked out of the room,"'
    assert quotes(text) == [(outer, "quotation", True)]
    assert quotes(text, nested=True) == [(outer, "quotation", True), ("'absurd'", "scare", True)]
    curly = "\u201cIt is \u2018absurd\u2019 and wrong, truly wrong,\u201d she said of the players\u2019 union."
    assert quotes(curly, nested=True) == [
        ("\u201cIt is \u2018absurd\u2019 and wrong, truly wrong,\u201d", "quotation", True),
        ("\u2018absurd\u2019", "scare", True),
    ]
    # opening single right after an opening double
    text = "\"'Absurd' is the word they chose for it,\" he said."
    assert quotes(text, nested=True)[1] == ("'Absurd'", "scare", True)


def test_double_quotes_nested_in_single_quotes() -> None:
    text = "'He said \"no\" to me,' she said."
    assert quotes(text) == [("'He said \"no\" to me,'", "quotation", True)]
    assert quotes(text, nested=True) == [("'He said \"no\" to me,'", "quotation", True), ('"no"', "quotation", True)]


def test_single_quote_pair_does_not_cross_double_quote_boundary() -> None:
    text = "The 'players union said \"it is theirs' and then\" more."
    found = find_quotes(text, nested=True)
    assert [(text[q.start : q.end]) for q in found] == ['"it is theirs\' and then"']


def test_multi_paragraph_quotation_pieces() -> None:
    text = (
        '"This is the first paragraph of a long speech.\n\n'
        '"This is the second.\n\n'
        '"Short end." Then the outlet speaks.'
    )
    found = find_quotes(text)
    assert [(text[q.start : q.end], q.terminated) for q in found] == [
        ('"This is the first paragraph of a long speech.', False),
        ('"This is the second.', False),
        ('"Short end."', True),
    ]
    # every piece of a multi-paragraph quotation is a quotation, even a short last one
    assert {q.kind for q in found} == {"quotation"}
    # an unterminated piece ends at its paragraph's end (no trailing whitespace)
    assert text[found[0].end - 1] == "."
    assert voice_of(text, "the outlet speaks") == "outlet"


def test_unclosed_quote_not_followed_by_an_opening_mark_ends_at_its_paragraph() -> None:
    text = '"An unclosed quotation of several words here \n\nThe outlet "short" word.'
    found = find_quotes(text)
    assert [(text[q.start : q.end], q.kind, q.terminated) for q in found] == [
        ('"An unclosed quotation of several words here', "quotation", False),
        ('"short"', "scare", True),
    ]


# ---------------------------------------------------------------------------
# seeds
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def i24_text() -> str:
    return I24.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def press_text() -> str:
    return PRESS_TV.read_text(encoding="utf-8")


@pytest.mark.parametrize("phrase", ["Israeli enemy", "tunnel threat", "Hezbollah activists"])
def test_i24_quoted_phrases(i24_text: str, phrase: str) -> None:
    assert voice_of(i24_text, phrase) == "quoted"
    assert quote_of(i24_text, phrase).kind == "quotation"


def test_i24_outlet_phrases(i24_text: str) -> None:
    assert voice_of(i24_text, "Iran-backed Hezbollah") == "outlet"
    assert voice_of(i24_text, "Netanyahu's office said") == "outlet"


def test_i24_mixed_and_curly_quotes(i24_text: str) -> None:
    q = quote_of(i24_text, "interaction in the military sphere")  # opens curly, closes straight
    assert i24_text[q.start] == "\u201c" and i24_text[q.end - 1] == '"' and q.kind == "quotation"
    assert quote_of(i24_text, "important").kind == "scare"
    assert quote_of(i24_text, "Operation Northern Shield").kind == "scare"
    assert quote_of(i24_text, "weather storm").kind == "scare"
    assert all(q.terminated for q in find_quotes(i24_text))


@pytest.mark.parametrize("phrase", ["pretext", "occupied territories", "alleged tunnels", "Lebanese resistance movement", "boasted"])
def test_press_tv_outlet_phrases(press_text: str, phrase: str) -> None:
    assert voice_of(press_text, phrase) == "outlet"


def test_press_tv_scare_quotes(press_text: str) -> None:
    cutting = quote_of(press_text, "cutting off")
    assert cutting.kind == "scare" and press_text[cutting.start : cutting.end] == "\u201ccutting off\u201d"
    strict = quote_of(press_text, "strict")  # the title line
    assert strict.kind == "scare" and press_text[strict.start : strict.end] == "'strict'"
    assert quote_of(press_text, "regret").kind == "scare"
    # a scare quote is still a quote for voice_of_span; filter by kind to ignore it
    assert voice_of(press_text, "cutting off") == "quoted"
    quotations = [q for q in find_quotes(press_text) if q.kind == "quotation"]
    assert voice_of(press_text, "cutting off", quotations) == "outlet"


def test_press_tv_mixed_pair(press_text: str) -> None:
    q = quote_of(press_text, "engineering activity")
    assert press_text[q.start] == '"' and press_text[q.end - 1] == "\u201d"
    assert voice_of(press_text, "behind enemy lines") == "quoted"
    assert voice_of(press_text, "she said") == "outlet"
    assert voice_of(press_text, "blowing the incident") == "quoted"


def test_seed_segment_voices(i24_text: str, press_text: str) -> None:
    df = segment(i24_text)
    by_text = dict(zip(df["text"], df["voice"]))
    assert by_text["The three fled."] == "quoted"
    assert by_text['The work in the area continues as usual," the statement concluded.'] == "mixed"
    df = segment(press_text)
    row = df[df["text"].str.contains("cutting off")].iloc[0]
    assert row["voice"] == "outlet"  # scare quotes ignored by default
    assert segment(press_text, scare_quotes=True).loc[row["sentence_id"], "voice"] == "mixed"


# ---------------------------------------------------------------------------
# voice helpers
# ---------------------------------------------------------------------------


def test_voice_of_span_boundaries() -> None:
    text = 'a "bc" d'
    qs = find_quotes(text)
    assert voice_of_span(qs, 3, 5) == "quoted"
    assert voice_of_span(qs, 2, 5) == "outlet"  # includes the opening mark
    assert voice_of_span(qs, 3, 6) == "outlet"  # includes the closing mark
    assert voice_of_span(qs, 0, 1) == "outlet"
    assert voice_of_span([], 0, 1) == "outlet"
    unterminated = 'x "open to the end'
    assert voice_of_span(find_quotes(unterminated), 3, len(unterminated)) == "quoted"


def test_sentence_voice() -> None:
    text = '"We will win this war." The minister said "yes" and left. "We will win this war".'
    qs = find_quotes(text)
    spans = split_sentences(text)
    assert [sentence_voice(qs, s, e, text) for s, e in spans] == ["quoted", "mixed", "quoted"]
    # without the text, every character counts: the final period lies outside
    s, e = spans[2]
    assert sentence_voice(qs, s, e) == "mixed"
    assert sentence_voice(qs, *spans[0]) == "quoted"
    assert sentence_voice([], 0, 5, text) == "outlet"
    assert sentence_voice(qs, 5, 5, text) == "outlet"


def test_sentence_voice_multi_sentence_quotation() -> None:
    text = '"First part. Second part. Third part," he said.'
    qs = find_quotes(text)
    assert [sentence_voice(qs, s, e, text) for s, e in split_sentences(text)] == ["quoted", "quoted", "mixed"]


def test_quote_mask() -> None:
    text = "He said \u201cno way\u201d and 'maybe' today's."
    mask = quote_mask(text)
    assert mask.dtype == bool and mask.shape == (len(text),)
    assert "".join(c for c, m in zip(text, mask) if m) == "no waymaybe"
    assert not quote_mask("").size


def test_segment_frame() -> None:
    text = 'Israel cited a "tunnel threat". "We will act now," he said.\n\n"All of it is quoted here."'
    df = segment(text)
    assert list(df.columns) == ["sentence_id", "start", "end", "voice", "text"]
    assert df["sentence_id"].tolist() == [0, 1, 2]
    assert df["voice"].tolist() == ["outlet", "mixed", "quoted"]
    for row in df.itertuples():
        assert text[row.start : row.end] == row.text
    assert df["start"].dtype == np.int64 and df["end"].dtype == np.int64
    empty = segment("")
    assert list(empty.columns) == ["sentence_id", "start", "end", "voice", "text"] and len(empty) == 0


def test_segment_does_not_depend_on_global_state() -> None:
    text = I24.read_text(encoding="utf-8")
    pd.testing.assert_frame_equal(segment(text), segment(text))


# ---------------------------------------------------------------------------
# properties
# ---------------------------------------------------------------------------

FRAGMENTS = [
    " ", "  ", "\n", "\n\n", "\n \n", "\r\n", "\t", "\u2029",
    ".", "?", "!", "...", "\u2026", ",", ";", ":", "-", "\u2014", "(", ")", "[", "]",
    '"', "'", "\u201c", "\u201d", "\u2018", "\u2019", "\u201e", "\u00ab", "\u00bb",
    "Mr.", "Dr.", "Gen.", "Lt.", "Col.", "Sen.", "St.", "U.S.", "U.N.", "e.g.", "i.e.", "etc.",
    "Jan.", "Dec.", "W.", "No.", "3.5", "1701", "Inc.",
    "The", "the", "He", "said", "Israel's", "don't", "\u201990s", "'n'", "Netanyahus\u2019",
    "word", "Hezbollah", "a", "I", "x",
]
texts = st.one_of(
    st.lists(st.sampled_from(FRAGMENTS), max_size=60).map("".join),
    st.text(alphabet=st.sampled_from(list(" \n.?!'\"\u201c\u201d\u2018\u2019aAbB,()\u2026")), max_size=80),
    st.text(max_size=60),
)
PROPS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPS
@given(texts)
def test_sentences_tile_the_text(text: str) -> None:
    spans = split_sentences(text)
    prev = 0
    for s, e in spans:
        assert prev <= s < e <= len(text)
        piece = text[s:e]
        assert piece.strip() == piece and piece
        assert text[prev:s].strip() == ""
        assert PARAGRAPH_BREAK_RE.search(piece) is None  # paragraph breaks end sentences
        prev = e
    assert text[prev:].strip() == ""
    if text.strip():
        assert spans


@PROPS
@given(texts)
def test_paragraphs_tile_the_text(text: str) -> None:
    prev = 0
    for s, e in split_paragraphs(text):
        assert prev <= s < e <= len(text)
        assert text[prev:s].strip() == "" and text[s:e].strip() == text[s:e]
        prev = e


OPENING = set("\"'\u201c\u201d\u2018\u201e\u201f\u00ab\u00bb")
CLOSING = set("\"'\u201d\u201c\u2019\u00bb")


def check_quote_basics(text: str, found: list[Quote]) -> None:
    for q in found:
        assert isinstance(q, Quote)
        assert 0 <= q.start < q.end <= len(text)
        assert q.kind in ("quotation", "scare")
        assert text[q.start] in OPENING
        if q.terminated:
            assert q.end - q.start >= 2 and text[q.end - 1] in CLOSING
        else:
            assert q.kind == "quotation"
            assert text[q.end - 1].strip()  # no trailing whitespace
        assert PARAGRAPH_BREAK_RE.search(text, q.start, q.end) is None


@PROPS
@given(texts)
def test_quotes_in_order_and_non_overlapping(text: str) -> None:
    found = find_quotes(text)
    check_quote_basics(text, found)
    for a, b in zip(found, found[1:]):
        assert a.end <= b.start


@PROPS
@given(texts)
def test_nested_quotes_are_laminar(text: str) -> None:
    found = find_quotes(text, nested=True)
    check_quote_basics(text, found)
    assert [q.start for q in found] == sorted(q.start for q in found)
    for i, a in enumerate(found):
        for b in found[i + 1 :]:
            assert b.end <= a.end or b.start >= a.end  # inside a, or after it
    # the default result is the outermost quotes of the nested one
    outer = [q for q in found if not any(p is not q and p.start <= q.start and q.end <= p.end for p in found)]
    assert find_quotes(text) == outer


@PROPS
@given(texts, st.data())
def test_voice_helpers_agree_with_mask(text: str, data: st.DataObject) -> None:
    found = find_quotes(text)
    mask = quote_mask(text, found)
    assert mask.shape == (len(text),)
    n = len(text)
    start = data.draw(st.integers(0, n))
    end = data.draw(st.integers(start, n))
    voice = voice_of_span(found, start, end)
    assert voice in ("quoted", "outlet")
    if end > start:
        # quoted iff every character is strictly inside one quote
        expected = any(q.start < start and end <= q.inner_end for q in found)
        assert (voice == "quoted") == expected
        if voice == "quoted":
            assert mask[start:end].all()
    v1 = sentence_voice(found, start, end)
    v2 = sentence_voice(found, start, end, text)
    assert v1 in ("outlet", "quoted", "mixed") and v2 in ("outlet", "quoted", "mixed")
    if end > start:
        inside = mask[start:end].any()
        assert (v1 == "outlet") == (not inside)


@PROPS
@given(texts)
def test_segment_never_raises_and_is_consistent(text: str) -> None:
    df = segment(text)
    assert df["sentence_id"].tolist() == list(range(len(df)))
    assert list(zip(df["start"], df["end"])) == split_sentences(text)
    assert set(df["voice"]) <= {"outlet", "quoted", "mixed"}
    for row in df.itertuples():
        assert text[row.start : row.end] == row.text


def test_long_inputs_without_paragraphs_are_fast() -> None:
    # many single-quote candidates in one paragraph must not go quadratic
    text = ("it's the 'x and the players' union said \"yes\" 'now' " * 4000).strip()
    found = find_quotes(text)
    assert found and all(a.end <= b.start for a, b in zip(found, found[1:]))
    assert split_sentences(text)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ('"We agree," he said.', "quotation"),          # speech: comma before the attribution
        ('She said: "No." Then she left.', "quotation"),
        ('"Why?" asked Smith.', "quotation"),
        ("They called it “important” without elaborating.", "scare"),
        ("under the pretext of “cutting off” Hezbollah tunnels", "scare"),
    ],
)
def test_short_speech_is_a_quotation_not_a_scare_quote(text: str, kind: str) -> None:
    (q,) = find_quotes(text)
    assert q.kind == kind


# ------------------------------------------------------- tokens counted once per sentence split

token_texts = st.text(alphabet=st.sampled_from(list("ab Z9_-'\u2019\u2010. \n\"İß")), max_size=60)


@PROPS
@given(token_texts, st.lists(st.integers(0, 60), max_size=8), st.booleans())
def test_tokens_by_span_equal_tokenizing_each_span_and_the_whole_text(text, cuts, ordered_spans) -> None:
    """Any spans (cut inside tokens, gaps, out of order, overlapping): the same tokens as scanning each."""
    points = sorted(min(c, len(text)) for c in cuts)
    spans = list(zip(points[::2], points[1::2]))
    if not ordered_spans:
        spans = spans[::-1] + [(0, len(text))]
    per, whole = tokens_by_span(text, spans)
    assert per == [tokenize(text[s:e]) for s, e in spans]
    assert whole == tokenize(text)


@PROPS
@given(st.one_of(texts, token_texts))
def test_tokens_by_span_of_the_sentences(text) -> None:
    spans = split_sentences(text)
    per, whole = tokens_by_span(text, spans)
    assert per == [tokenize(text[s:e]) for s, e in spans]
    assert whole == tokenize(text) and len(whole) == count_tokens(text)


def test_tokens_by_span_scans_again_only_when_a_cut_splits_a_token() -> None:
    assert tokens_by_span("ab cd", [(0, 2), (3, 5)]) == ([["ab"], ["cd"]], ["ab", "cd"])
    assert tokens_by_span("ab-cd", [(0, 3), (3, 5)]) == ([["ab"], ["cd"]], ["ab-cd"])
    assert tokens_by_span("x ab.cd y", [(2, 5), (5, 7)]) == ([["ab"], ["cd"]], ["x", "ab", "cd", "y"])


@given(st.lists(st.text(alphabet=st.sampled_from(list("aZİßΣ'-9")), min_size=1, max_size=6), max_size=20))
def test_lower_tokens_is_str_lower_of_each(tokens) -> None:
    assert lower_tokens(tokens) == [t.lower() for t in tokens]
