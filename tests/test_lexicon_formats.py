"""Readers for third-party dictionary formats (mediabias.lexicon.formats)."""

from __future__ import annotations

import codecs
import hashlib
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mediabias.errors import LexiconError
from mediabias.lexicon.formats import (
    FOREIGN_FORMATS,
    detect_format,
    read_csv_lexicon,
    read_foreign,
    read_lexicoder,
    read_liwc_dic,
    read_mpqa_tff,
    read_quanteda_yaml,
    read_wordlist,
)
from mediabias.lexicon.model import Lexicon

DATA = Path(__file__).parent / "data" / "lexicons"


def rows(lex: Lexicon) -> list[tuple]:
    return [(e.term, e.category, e.weight, e.case_sensitive, e.note, e.line) for e in lex.entries]


def short(lex: Lexicon) -> list[tuple]:
    return [(e.term, e.category, e.line) for e in lex.entries]


def write(tmp_path: Path, filename: str, content: str | bytes) -> Path:
    p = tmp_path / filename
    if isinstance(content, str):
        p.write_text(content, encoding="utf-8", newline="")
    else:
        p.write_bytes(content)
    return p


def assert_error_at(exc: pytest.ExceptionInfo, path: Path, line: int | None, *words: str) -> None:
    text = str(exc.value)
    assert os.fspath(path) in text
    assert "\n" not in text
    if line is None:
        assert exc.value.line is None
    else:
        assert exc.value.line == line
        assert f"{os.fspath(path)}:{line}:" in text
    for w in words:
        assert w.lower() in text.lower(), (w, text)


# --------------------------------------------------------------------------- metadata


@pytest.mark.parametrize("filename, reader, fmt", [
    ("liwc_sample.dic", read_liwc_dic, "liwc"),
    ("quanteda_nested.yml", read_quanteda_yaml, "quanteda-yaml"),
    ("lsd_sample.lc3", read_lexicoder, "lexicoder"),
    ("subjclues_sample.tff", read_mpqa_tff, "mpqa"),
    ("wordlist_latin1.txt", read_wordlist, "wordlist"),
    ("loaded_terms.csv", read_csv_lexicon, "csv"),
])
def test_common_metadata(filename, reader, fmt):
    path = DATA / filename
    lex = reader(path)
    assert isinstance(lex, Lexicon)
    assert lex.name == path.stem
    assert lex.version == "unversioned"
    assert lex.licence == "see source file"
    assert lex.source == os.fspath(path)
    assert lex.path == os.fspath(path)
    assert lex.format == fmt
    assert lex.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert filename in lex.description and "encoding" in lex.description
    assert all(isinstance(e.line, int) and e.line >= 1 for e in lex.entries)
    assert {e.category for e in lex.entries} <= set(lex.categories)
    # a name override, and the same result through read_foreign (str path)
    assert reader(path, name="mine").name == "mine"
    again = read_foreign(os.fspath(path))
    assert again.entries == lex.entries and again.path == os.fspath(path)


# --------------------------------------------------------------------------- LIWC


def test_liwc_sample_word_in_two_categories():
    lex = read_liwc_dic(DATA / "liwc_sample.dic")
    assert lex.categories == {"affect": "", "negemo": "", "certain": ""}
    assert rows(lex) == [
        ("abandon*", "affect", None, False, None, 6),
        ("abandon*", "negemo", None, False, None, 6),
        ("always", "certain", None, False, None, 7),
        ("hate", "negemo", None, False, None, 8),
        ("hate", "affect", None, False, None, 8),
        ("for sure", "certain", None, False, None, 9),
    ]


def test_liwc2015_variants():
    lex = read_liwc_dic(DATA / "liwc2015_variants.dic")
    # leading zeros, a nested (tab-indented) legend line, a description in parentheses
    assert lex.categories == {"function": "Function Words", "pronoun": "", "affect": "", "posemo": ""}
    note = "LIWC context code '(02)131/125' simplified: every alternative category kept"
    assert rows(lex) == [
        ("i", "function", None, False, None, 7),
        ("i", "pronoun", None, False, None, 7),
        ("a lot", "function", None, False, None, 8),        # phrase, category by name
        ("do not know", "affect", None, False, None, 9),    # phrase without a tab
        ("like", "posemo", None, False, note, 10),          # LIWC2007 context code
        ("like", "affect", None, False, note, 10),
        ("well", "function", None, False, None, 11),        # two categories by name
        ("well", "affect", None, False, None, 11),
    ]


def test_liwc_empty_category_kept_and_duplicates_once(tmp_path):
    p = write(tmp_path, "d.dic", "\n%\n1 neg\n2 unused\n%\nbad 1\nbad\t1 1\nBAD\t1\r\nworse 1\n")
    lex = read_liwc_dic(p)
    assert lex.categories == {"neg": "", "unused": ""}
    assert short(lex) == [("bad", "neg", 6), ("worse", "neg", 9)]


LIWC_BROKEN = [
    # (content, line, words in the message)
    ("1\taffect\n%\nabandon*\t1\n", 1, ["missing header", "'%'"]),
    ("\n\nabandon*\t1\n", 3, ["missing header"]),
    ("%\n1\taffect\n2\tnegemo\nabandon*\t1 2\n", 4, ["not 'number<TAB>category'", "'%'"]),  # truncated
    ("%\n1\taffect\n2\tnegemo\n", 1, ["not closed"]),
    ("%\n1\taffect\n%\nabandon*\t1 7\n", 4, ["undefined category number 7", "abandon*"]),
    ("%\n1\taffect\n%\nabandon*\tnegemo\n", 4, ["undefined category 'negemo'"]),
    ("%\n1\taffect\n%\nok\t1\n*abandon\t1\n", 5, ["'*abandon'", "may only end", "'abandon*'"]),
    ("%\n1\taffect\n%\naban*don\t1\n", 4, ["'aban*don'", "'abandon*'", "'abandon'"]),
    ("%\n1\taffect\n%\nabandon\n", 4, ["no categories"]),
    ("%\n1\taffect\n1\tnegemo\n%\nx\t1\n", 3, ["defined twice"]),
    ("%\n1\taffect\n2\taffect\n%\nx\t1\n", 3, ["defined twice", "line 2"]),
    ("%\n1\n%\nx\t1\n", 2, ["has no name"]),
    ("%\n%\nx\t1\n", 1, ["no categories"]),
    ("%\n1\taffect\n%\n\n", 3, ["no entries"]),
    ("%\n1\taffect\n%\nx\t1\n%\n", 5, ["unexpected '%'"]),
    ("%\n1\taffect\n%\nkind\t<of>1\n", 4, ["<of>"]),
    ("%\n1\taffect\n%\nlike\t(1 1\n", 4, ["parentheses"]),
    ("", 1, ["empty"]),
    (" \n\n", 1, ["empty"]),
    (b"%\n1\taffect\n%\nab\x00ndon\t1\n", 4, ["binary"]),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 3, ["binary"]),
    ("<?xml version='1.0'?>\n<dictionary/>\n", 1, ["XML"]),
]


@pytest.mark.parametrize("content, line, words", LIWC_BROKEN)
def test_liwc_broken(tmp_path, content, line, words):
    p = write(tmp_path, "broken.dic", content)
    with pytest.raises(LexiconError) as exc:
        read_liwc_dic(p)
    assert_error_at(exc, p, line, *words)


# --------------------------------------------------------------------------- quanteda YAML


def test_quanteda_nested():
    lex = read_quanteda_yaml(DATA / "quanteda_nested.yml")
    assert lex.categories == {
        "economy": "", "sentiment.positive.strong": "", "sentiment.positive.weak": "",
        "sentiment.negative": "", "conflict.violence": "", "conflict": "", "undecided": "",
    }
    assert short(lex) == [
        ("tax*", "economy", 3),
        ("jobs", "economy", 4),
        ("superb", "sentiment.positive.strong", 8),
        ("excel*", "sentiment.positive.strong", 9),
        ("fine", "sentiment.positive.weak", 10),
        ("decent", "sentiment.positive.weak", 10),
        ("bad", "sentiment.negative", 12),
        ("awful", "sentiment.negative", 13),
        ("shelling", "conflict.violence", 16),
        ("war", "conflict.violence", 17),   # a term in two categories: one entry each
        ("war", "conflict", 19),            # '__' holds the parent's own terms
        ("ceasefire", "conflict", 20),
    ]
    assert all(e.weight is None and e.note is None and not e.case_sensitive for e in lex.entries)


def test_quanteda_scalars_mixed_lists_and_literal_values(tmp_path):
    p = write(tmp_path, "d.yaml", (
        "taxing: taxing\n"
        "answers: [yes, 'no', 2020, 'null']\n"
        "mixed:\n"
        "  - direct\n"
        "  - sub:\n"
        "      - nested one\n"
        "empty_map: {}\n"
        "empty_null:\n"
    ))
    lex = read_quanteda_yaml(p)
    assert short(lex) == [
        ("taxing", "taxing", 1),
        ("yes", "answers", 2), ("no", "answers", 2), ("2020", "answers", 2), ("null", "answers", 2),
        ("direct", "mixed", 4),
        ("nested one", "mixed.sub", 6),
    ]
    assert list(lex.categories) == ["taxing", "answers", "mixed", "mixed.sub", "empty_map", "empty_null"]


QUANTEDA_BROKEN = [
    ("colour:\n  - colo?r\n", 2, ["'?'", "only a trailing '*'", "'colo*'"]),
    ("a:\n  - ok\nb:\n  c:\n    - organi??tion\n", 5, ["'?'", "'organi*'"]),
    ("a:\n  - '*abc'\n", 2, ["'*abc'", "'abc*'"]),
    ("a:\n  - a*b\n", 2, ["'a*b'"]),
    ("a:\n  - ok\n  -\n", 3, ["empty term"]),
    ("a:\n  - [x, y]\n", 2, ["list inside"]),
    ("a: [x\nb: [y]\n", 2, ["not valid yaml"]),
    ("a:\n  - x\n a: b\n", 3, ["not valid yaml"]),
    ("a: [x]\na: [y]\n", 2, ["appears twice", "line 1"]),
    ("- x\n- y\n", 1, ["top level"]),
    ("just a string\n", 1, ["top level"]),
    ("# only a comment\n", 1, ["no categories"]),
    ("a: []\nb:\n", 2, ["no entries"]),
    ("a: &x [one]\nb: *x\n", 2, ["aliases", "repeats line 1"]),
    ("__: [x]\n", 1, ["'__'"]),
    ("a: [x]\n---\nb: [y]\n", 2, ["not valid yaml", "single document"]),
    ("[a]: [x]\n", 1, ["plain text"]),
    ("a: [x\x07]\n", 1, ["not valid yaml", "U+0007"]),
    ("", 1, ["empty"]),
    (b"a: [x]\n\x00", 2, ["binary"]),
]


@pytest.mark.parametrize("content, line, words", QUANTEDA_BROKEN)
def test_quanteda_broken(tmp_path, content, line, words):
    p = write(tmp_path, "broken.yml", content)
    with pytest.raises(LexiconError) as exc:
        read_quanteda_yaml(p)
    assert_error_at(exc, p, line, *words)


def test_quanteda_too_deep(tmp_path):
    p = write(tmp_path, "deep.yml", "[" * 5000 + "]" * 5000)
    with pytest.raises(LexiconError) as exc:
        read_quanteda_yaml(p)
    assert os.fspath(p) in str(exc.value)
    deep = "".join("  " * i + f"k{i}:\n" for i in range(80)) + "  " * 80 + "- x\n"
    p2 = write(tmp_path, "deep2.yml", deep)
    with pytest.raises(LexiconError, match="too deeply"):
        read_quanteda_yaml(p2)


# --------------------------------------------------------------------------- Lexicoder


def test_lexicoder_lc3():
    lex = read_lexicoder(DATA / "lsd_sample.lc3")
    assert lex.categories == {"NEGATIVE": "", "POSITIVE": ""}
    assert rows(lex) == [
        ("ABANDON*", "NEGATIVE", None, False, None, 2),
        ("A LIE", "NEGATIVE", None, False, None, 3),
        ("ABILIT*", "POSITIVE", None, False, None, 6),
        ("A GOOD DEAL", "POSITIVE", None, False, None, 7),
    ]


def test_lexicoder_lcd_negations():
    lex = read_lexicoder(DATA / "lsd_negations.lcd")
    assert list(lex.categories) == ["NEGATIVE", "POSITIVE", "NEG_POSITIVE", "NEG_NEGATIVE"]
    assert short(lex) == [
        ("abandon*", "NEGATIVE", 2),
        ("abilit*", "POSITIVE", 4),
        ("not abilit*", "NEG_POSITIVE", 6),
        ("not abandon*", "NEG_NEGATIVE", 8),
    ]
    assert lex.format == "lexicoder"


def test_lexicoder_tolerant(tmp_path):
    # CRLF, indentation, doubled spaces, an empty category, a repeated entry, BOM
    p = write(tmp_path, "x.lc3", codecs.BOM_UTF8 + b"+ EMPTY\r\n+NEGATIVE  \r\n  A   LIE \r\nA LIE\r\n\r\n")
    lex = read_lexicoder(p)
    assert lex.categories == {"EMPTY": "", "NEGATIVE": ""}
    assert short(lex) == [("A LIE", "NEGATIVE", 3)]
    assert "BOM" in lex.description


LEXICODER_BROKEN = [
    ("ABANDON*\n+NEGATIVE\nA LIE\n", 1, ["before the first '+category'"]),
    ("+NEGATIVE\nA LIE\n+\nX\n", 3, ["empty category name"]),
    ("+NEGATIVE\nA LIE\n*BANDON\n", 3, ["'*BANDON'", "'BANDON*'"]),
    ("+NEGATIVE\nA *LIE\n", 2, ["'A *LIE'"]),
    ("+NEGATIVE\n+POSITIVE\n\n", 2, ["no entries"]),
    ("\n\n", 1, ["empty"]),
    (b"+NEGATIVE\n\x00\x01\x02", 2, ["binary"]),
    ("<?xml version=\"1.0\"?>\n<dictionary><cnode name=\"a\"/></dictionary>\n", 1, ["Yoshikoder"]),
]


@pytest.mark.parametrize("content, line, words", LEXICODER_BROKEN)
@pytest.mark.parametrize("ext", [".lc3", ".lcd"])
def test_lexicoder_broken(tmp_path, content, line, words, ext):
    p = write(tmp_path, "broken" + ext, content)
    with pytest.raises(LexiconError) as exc:
        read_lexicoder(p)
    assert_error_at(exc, p, line, *words)


# --------------------------------------------------------------------------- MPQA


def test_mpqa_sample():
    lex = read_mpqa_tff(DATA / "subjclues_sample.tff")
    assert lex.categories == {"negative_weaksubj": "", "negative_strongsubj": "", "positive_strongsubj": ""}
    assert rows(lex) == [
        ("abandoned", "negative_weaksubj", None, False, "pos: adj", 1),
        ("abandon*", "negative_weaksubj", None, False, "pos: verb", 2),
        ("abuse*", "negative_strongsubj", None, False, "pos: noun, verb", 3),   # two POS rows, one entry
        ("acclaim*", "positive_strongsubj", None, False, "pos: anypos", 5),
    ]


def test_mpqa_quirks(tmp_path):
    p = write(tmp_path, "clues.tff", (
        # the official file's dangling 'm'
        "type=strongsubj len=1 word1=pervasive pos1=adj stemmed1=n m priorpolarity=negative\n"
        "\n"
        # the variant with polarity=/mpqapolarity= instead of priorpolarity=
        "type=weaksubj len=1 word1=abandoned pos1=adj stemmed1=n polarity=negative polannsrc=ph "
        "mpqapolarity=strongneg\n"
        # mixed stemming for one word and category
        "type=weaksubj len=1 word1=close pos1=adj stemmed1=n priorpolarity=positive\n"
        "type=weaksubj len=1 word1=close pos1=verb stemmed1=y priorpolarity=positive\n"
        # same word, other category: its own entry
        "type=strongsubj len=1 word1=close pos1=noun stemmed1=n priorpolarity=neutral\n"
    ))
    assert rows(read_mpqa_tff(p)) == [
        ("pervasive", "negative_strongsubj", None, False, "pos: adj", 1),
        ("abandoned", "negative_weaksubj", None, False, "pos: adj", 3),
        ("close*", "positive_weaksubj", None, False, "pos: adj, verb (stemmed)", 4),
        ("close", "neutral_strongsubj", None, False, "pos: noun", 6),
    ]


_OK = "type=weaksubj len=1 word1=abandoned pos1=adj stemmed1=n priorpolarity=negative\n"
MPQA_BROKEN = [
    (_OK + "type=weaksubj len=1 pos1=adj stemmed1=n priorpolarity=negative\n", 2, ["no word1="]),
    (_OK + "type=weaksubj len=1 wrd1=abandon pos1=adj stemmed1=n priorpolarity=negative\n", 2,
     ["unknown key 'wrd1'"]),
    (_OK + _OK.replace(" pos1", " stray pos1"), 2, ["'stray' is not a key=value pair"]),
    (_OK + _OK.replace("type=weaksubj ", ""), 2, ["no type="]),
    (_OK + _OK.replace("weaksubj", "mediumsubj"), 2, ["type='mediumsubj'"]),
    (_OK + _OK.replace(" priorpolarity=negative", ""), 2, ["no priorpolarity="]),
    (_OK + _OK.replace("priorpolarity=negative", "priorpolarity=neg-ative"), 2, ["not a word"]),
    (_OK + _OK.replace("word1=abandoned", "word1="), 2, ["empty value"]),
    (_OK + _OK.replace("stemmed1=n", "stemmed1=maybe"), 2, ["neither y nor n"]),
    (_OK + _OK.replace("len=1", "len=one"), 2, ["not a word count"]),
    (_OK + _OK.replace("len=1", "len=2"), 2, ["no word2="]),
    (_OK + _OK.replace("pos1=adj", "pos1=adj pos1=noun"), 2, ["appears twice"]),
    (_OK + _OK.replace("word1=abandoned", "word1=*abandoned"), 2, ["'*abandoned'", "'abandoned*'"]),
    (_OK + _OK.replace("word1=abandoned", "word1=a*b"), 2, ["'a*b'"]),
    ("# nothing but a comment\n", 1, ["no entries"]),
    ("", 1, ["empty"]),
    (_OK.encode() + b"\x00\xff\xfe", 2, ["binary"]),
]


@pytest.mark.parametrize("content, line, words", MPQA_BROKEN)
def test_mpqa_broken(tmp_path, content, line, words):
    p = write(tmp_path, "broken.tff", content)
    with pytest.raises(LexiconError) as exc:
        read_mpqa_tff(p)
    assert_error_at(exc, p, line, *words)


# --------------------------------------------------------------------------- word lists


def test_wordlist_latin1():
    lex = read_wordlist(DATA / "wordlist_latin1.txt")
    assert lex.categories == {"wordlist_latin1": ""}
    assert rows(lex) == [
        ("alleged*", "wordlist_latin1", None, False, None, 2),
        ("so-called", "wordlist_latin1", None, False, "scare quotes", 3),
        ("prétendu", "wordlist_latin1", None, False, None, 4),
        ("soi-disant", "wordlist_latin1", None, False, "French", 5),
    ]
    assert "latin-1" in lex.description


@pytest.mark.parametrize("prefix, label", [(b"", "UTF-8)"), (codecs.BOM_UTF8, "UTF-8 with BOM")])
def test_wordlist_utf8_with_and_without_bom(tmp_path, prefix, label):
    p = write(tmp_path, "hedges.lst", prefix + "prétendu\r\nso-called\r\n; x\r\nsemicolon;inside\r\n".encode())
    lex = read_wordlist(p, category="hedging")
    assert short(lex) == [("prétendu", "hedging", 1), ("so-called", "hedging", 2),
                          ("semicolon;inside", "hedging", 4)]
    assert lex.name == "hedges"
    assert label in lex.description


def test_wordlist_windows_1252_and_utf16(tmp_path):
    p = write(tmp_path, "quotes.txt", "don\u2019t\ncaf\xe9\n".encode("cp1252"))
    lex = read_wordlist(p)
    assert [e.term for e in lex.entries] == ["don\u2019t", "caf\xe9"]
    assert "Windows-1252" in lex.description
    p16 = write(tmp_path, "w16.txt", "abc\nd\xe9f*\n".encode("utf-16"))
    lex16 = read_wordlist(p16)
    assert short(lex16) == [("abc", "w16", 1), ("déf*", "w16", 2)]
    assert "UTF-16" in lex16.description


def test_wordlist_duplicates_once_without_extension(tmp_path):
    p = write(tmp_path, "terms", "Hezbollah\nhezbollah\n  Iran-backed  \nIran backed\nisrael\u2019s\nIsrael's\n")
    assert detect_format(p) == "wordlist"
    assert short(read_foreign(p)) == [("Hezbollah", "terms", 1), ("Iran-backed", "terms", 3),
                                      ("israel\u2019s", "terms", 5)]


WORDLIST_BROKEN = [
    ("ok\n*bad\n", 2, ["'*bad'", "'bad*'"]),
    ("ok\nbad**\n", 2, ["'bad**'"]),
    ("ok\n-*\n", 2, ["'-*'", "remove"]),
    ("ok\nso-*\n", 2, ["'so-*'", "write 'so-'"]),
    ("ok\n...\n", 2, ["no letters or digits"]),
    ("ok\nbell\x07\n", 2, ["U+0007"]),
    ("# just\n; comments\n\n", 2, ["no entries"]),
    ("", 1, ["empty"]),
    (b"ok\nok\n\x00binary", 3, ["binary"]),
    (codecs.BOM_UTF16_LE + b"\x00\xd8", 1, ["UTF-16"]),  # a lone surrogate
]


@pytest.mark.parametrize("content, line, words", WORDLIST_BROKEN)
def test_wordlist_broken(tmp_path, content, line, words):
    p = write(tmp_path, "broken.txt", content)
    with pytest.raises(LexiconError) as exc:
        read_wordlist(p)
    assert_error_at(exc, p, line if "UTF-16" not in words else None, *words)


# --------------------------------------------------------------------------- CSV


def test_csv_sample():
    lex = read_csv_lexicon(DATA / "loaded_terms.csv")
    assert lex.categories == {"distancing": "", "territory": "", "attribution": ""}
    assert rows(lex) == [
        ("under the pretext of", "distancing", 1.0, False, None, 2),
        ("alleged*", "distancing", 0.5, False, "hedge, casts doubt", 3),
        ("occupied territories", "territory", None, False, None, 4),
        ("Iran-backed", "attribution", None, True, None, 5),
    ]


def test_csv_word_column_short_rows_multiline_cells(tmp_path):
    p = write(tmp_path, "lex.csv", (
        "\ufeff Word , Category ,Note,extra\r\n"
        "\r\n"
        "pretext,distancing\r\n"
        "boasted,verbs,\"a note\nover two lines\",x\r\n"
        "claimed,verbs\r\n"
    ))
    assert rows(read_csv_lexicon(p)) == [
        ("pretext", "distancing", None, False, None, 3),
        ("boasted", "verbs", None, False, "a note over two lines", 4),
        ("claimed", "verbs", None, False, None, 6),
    ]


CSV_BROKEN = [
    ("term,weight\npretext,1\n", 1, ["no 'category' column"]),
    ("category\nx\n", 1, ["no 'term' column"]),
    ("note\nx\n", 1, ["no 'term' or 'category' column"]),
    ("term,category,weight\npretext,distancing,1\nalleged,distancing,high\n", 3, ["weight 'high'"]),
    ("term,category,weight\npretext,distancing,nan\n", 2, ["weight 'nan'"]),
    ("term,category,weight\npretext,distancing,\"1,5\"\n", 2, ["weight '1,5'"]),
    ("term,category\npretext,distancing,extra\n", 2, ["3 fields", "header has 2"]),
    ("term,category\npretext,\n", 2, ["empty category"]),
    ("term,category\n,distancing\n", 2, ["empty entry"]),
    ("term,category\n*pretext,distancing\n", 2, ["'*pretext'", "'pretext*'"]),
    ("term,category\npre*text,distancing\n", 2, ["'pre*text'"]),
    ("term,category,case_sensitive\nIran,x,perhaps\n", 2, ["case_sensitive 'perhaps'"]),
    ("term,category\npretext,a\nx,a\nPretext,b\n", 4, ["two categories", "line 2"]),
    ("term,category\npretext,a\nPRETEXT,a\n", 3, ["listed twice", "line 2"]),
    ("term,category\nIran-backed,a\niran backed,b\n", 3, ["two categories", "line 2"]),
    ("term,category\n", 1, ["no entries"]),
    ("\n\n", 1, ["empty"]),
    (b"term,category\nx,y\n\x00", 3, ["binary"]),
]


@pytest.mark.parametrize("content, line, words", CSV_BROKEN)
def test_csv_broken(tmp_path, content, line, words):
    p = write(tmp_path, "broken.csv", content)
    with pytest.raises(LexiconError) as exc:
        read_csv_lexicon(p)
    assert_error_at(exc, p, line, *words)


def test_csv_case_sensitive_terms_may_differ_by_case(tmp_path):
    p = write(tmp_path, "cs.csv", "term,category,case_sensitive\nUS,country,true\nus,pronoun,true\n")
    assert short(read_csv_lexicon(p)) == [("US", "country", 2), ("us", "pronoun", 3)]


# --------------------------------------------------------------------------- detect_format / read_foreign


@pytest.mark.parametrize("filename, fmt", [
    ("liwc_sample.dic", "liwc"),
    ("liwc2015_variants.dic", "liwc"),
    ("quanteda_nested.yml", "quanteda-yaml"),
    ("native_sample.yaml", "native-yaml"),
    ("lsd_sample.lc3", "lexicoder"),
    ("lsd_negations.lcd", "lexicoder"),
    ("subjclues_sample.tff", "mpqa"),
    ("wordlist_latin1.txt", "wordlist"),
    ("loaded_terms.csv", "csv"),
])
def test_detect_format_fixtures(filename, fmt):
    assert detect_format(DATA / filename) == fmt
    assert detect_format(os.fspath(DATA / filename)) == fmt


def test_detect_format_peeks(tmp_path):
    cases = {
        "liwc.txt": "%\n1\ta\n%\nx\t1\n",
        "clues": "type=weaksubj len=1 word1=x pos1=adj stemmed1=n priorpolarity=negative\n",
        "lsd.txt": "+NEGATIVE\nA LIE\n",
        "table.txt": "term,category\nx,y\n",
        "words.txt": "# comment\nalleged*\n",
        "UPPER.DIC": "whatever",
        "q.yaml": "name:\n  - x\ncategories_extra: [y]\n",
        "native.yml": "'categories':\n  a: {}\nversion: 1\n",
        "only_cats.yml": "categories: [a]\n",
        "terms.cat2": "type=weaksubj len=1 word1=x priorpolarity=negative\n",
    }
    expected = {
        "liwc.txt": "liwc", "clues": "mpqa", "lsd.txt": "lexicoder", "table.txt": "csv",
        "words.txt": "wordlist", "UPPER.DIC": "liwc", "q.yaml": "quanteda-yaml",
        "native.yml": "native-yaml", "only_cats.yml": "quanteda-yaml", "terms.cat2": "mpqa",
    }
    for filename, content in cases.items():
        assert detect_format(write(tmp_path, filename, content)) == expected[filename], filename


def test_detect_format_errors(tmp_path):
    unknown = write(tmp_path, "dict.cat", "POSITIVE\n\tGOOD (1)\n")
    with pytest.raises(LexiconError) as exc:
        detect_format(unknown)
    assert_error_at(exc, unknown, None, "unknown dictionary format", "fmt=")
    missing = tmp_path / "nope.yml"
    with pytest.raises(LexiconError, match="not found"):
        detect_format(missing)
    with pytest.raises(LexiconError, match="folder"):
        detect_format(tmp_path)
    # extension-only formats are named without opening the file
    assert detect_format(tmp_path / "missing.dic") == "liwc"


def test_read_foreign_dispatch_and_errors(tmp_path):
    assert read_foreign(DATA / "lsd_sample.lc3", name="lsd").name == "lsd"
    # fmt overrides the extension
    p = write(tmp_path, "dict.data", "+NEGATIVE\nA LIE\n")
    assert read_foreign(p, fmt="lexicoder").format == "lexicoder"
    assert read_foreign(p).format == "lexicoder"  # sniffed
    with pytest.raises(ValueError, match="native"):
        read_foreign(DATA / "native_sample.yaml")
    with pytest.raises(ValueError, match="native"):
        read_foreign(DATA / "quanteda_nested.yml", fmt="native-yaml")
    with pytest.raises(ValueError, match="unknown format 'wordstat'"):
        read_foreign(p, fmt="wordstat")
    with pytest.raises(LexiconError) as exc:
        read_foreign(tmp_path / "gone.dic")
    assert_error_at(exc, tmp_path / "gone.dic", None, "not found")
    assert set(FOREIGN_FORMATS) == {"liwc", "quanteda-yaml", "lexicoder", "mpqa", "wordlist", "csv"}


def test_error_is_one_line_with_hint(tmp_path):
    p = write(tmp_path, "x.dic", "%\n1\taffect\n%\nabandon*\t1 9\n")
    with pytest.raises(LexiconError) as exc:
        read_liwc_dic(p)
    assert str(exc.value) == (
        f"{p}:4: undefined category number 9 for entry 'abandon*'. Define it in the header "
        "(a line '9<TAB>name' between the two '%' lines) or remove it from this entry."
    )


def test_readers_do_not_touch_the_file():
    path = DATA / "liwc_sample.dic"
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    read_liwc_dic(path)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


# --------------------------------------------------------------------------- robustness

EXTENSIONS = [".dic", ".yml", ".yaml", ".lc3", ".lcd", ".tff", ".txt", ".lst", ".csv", "", ".xyz"]
READERS = [read_liwc_dic, read_quanteda_yaml, read_lexicoder, read_mpqa_tff, read_wordlist, read_csv_lexicon]

structured = st.lists(
    st.sampled_from(["%", "\t", " ", "\n", "\r\n", "1", "02", "*", "+", "=", ":", "-", ",", "#", ";",
                     "[", "]", "{", "}", "(", ")", "/", "?", "&a", "*a", "\"", "'", "__", "word1",
                     "type", "weaksubj", "priorpolarity", "term", "category", "abandon", "é", "\x00",
                     "\ufeff", "<of>", "name", "categories"]),
    max_size=60,
).map("".join).map(lambda s: s.encode("utf-8"))


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(st.binary(max_size=300), structured), ext=st.sampled_from(EXTENSIONS))
def test_arbitrary_bytes_load_or_raise_lexicon_error(fuzz_dir, data, ext):
    path = fuzz_dir / f"fuzz{ext}"
    path.write_bytes(data)
    for reader in READERS:
        try:
            lex = reader(path)
        except LexiconError as exc:
            assert os.fspath(path) in str(exc)
        else:
            assert isinstance(lex, Lexicon) and len(lex) > 0
    try:
        fmt = detect_format(path)
    except LexiconError:
        return
    try:
        read_foreign(path)
    except LexiconError:
        pass
    except ValueError:
        assert fmt == "native-yaml"
