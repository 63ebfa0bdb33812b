"""Unicode normalisation of article text (``mediabias.normalize``)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mediabias.normalize import normalize_text, normalize_text_reference

QUOTES = "\"'\u201c\u201d\u2018\u2019"  # straight and curly quotes and apostrophes
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e", "\u200f", "\u202a", "\u202e",
             "\u2066", "\u2069", "\u180e"]


@pytest.mark.parametrize("space", ["\u00a0", "\u2002", "\u2003", "\u2009", "\u200a", "\u202f", "\u205f", "\u3000",
                                   "\u2007", "\u1680"])
def test_unicode_spaces_become_plain_spaces(space):
    assert normalize_text(f"Lebanese{space}border") == "Lebanese border"


@pytest.mark.parametrize("char", INVISIBLE)
def test_invisible_characters_are_removed(char):
    assert normalize_text(f"Hez{char}bollah") == "Hezbollah"


def test_soft_hyphen_is_removed_and_real_hyphens_kept():
    assert normalize_text("co\u00adoperation Iran-backed 2006\u20132018 \u2014 yes") == \
        "cooperation Iran-backed 2006\u20132018 \u2014 yes"


@pytest.mark.parametrize(("raw", "clean"), [
    ("one\r\ntwo\rthree\n", "one\ntwo\nthree\n"),
    ("one\u2028two\u2029three", "one\ntwo\nthree"),
    ("trailing   \nspaces\t\n", "trailing\nspaces\n"),
    ("keeps\tinner\ttabs", "keeps\tinner\ttabs"),
    ("e\u0301te\u0301", "\u00e9t\u00e9"),                      # NFC composition
    ("share \ue800 icon \uf099 now", "share  icon  now"),      # private-use icon glyphs
    ("bad \ufffd byte", "bad  byte"),                           # replacement character
    ("bell\x07 and \x85 NEL", "bell and  NEL"),                 # C0 / C1 controls
])
def test_normalize_cases(raw, clean):
    assert normalize_text(raw) == clean


def test_supplementary_private_use_icons_are_removed():
    assert normalize_text("share \U000f0544 this") == "share  this"


def test_curly_and_straight_quotes_stay_distinct():
    text = "Russia\u2019s \u201cstrict\u201d stability, the \u2018alleged\u2019 tunnels, \"regret\" and 'strict'"
    assert normalize_text(text) == text


def test_seed_press_tv_nbsp_removed_quotes_kept(seeds_dir):
    raw = (seeds_dir / "000_1da48ea08291236c.txt").read_text(encoding="utf-8")
    assert "\u00a0" in raw
    clean = normalize_text(raw)
    assert "\u00a0" not in clean
    for q in QUOTES:
        assert clean.count(q) == raw.count(q), q
    assert "Lebanon\u2019s border" in clean and "\u201ccutting off\u201d" in clean


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=200))
def test_normalize_is_idempotent(text):
    once = normalize_text(text)
    assert normalize_text(once) == once


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=200))
def test_normalize_output_is_clean_and_keeps_quotes(text):
    out = normalize_text(text)
    assert "\r" not in out
    assert not any(ch in out for ch in INVISIBLE)
    assert not any(unicodedata.category(ch) in ("Zs", "Cc") and ch not in " \t\n" for ch in out)
    assert not any(unicodedata.category(ch) == "Co" for ch in out)
    assert unicodedata.is_normalized("NFC", out)
    assert all(not line.endswith((" ", "\t")) for line in out.split("\n"))
    for q in QUOTES:
        assert out.count(q) == text.count(q), q


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["Hezbollah", "tunnels", "\u00a0", "\u200b", "\u00ad", "\u201c", "\u201d",
                                 "\u2019", "'", '"', " ", "\n", "\r\n", "\u2009", "e\u0301"]), max_size=30))
def test_normalize_on_article_like_text(parts):
    text = "".join(parts)
    out = normalize_text(text)
    assert normalize_text(out) == out
    # Words survive: removing invisibles and spacing never deletes a letter.
    assert out.count("Hezbollah") >= text.replace("\u00ad", "").replace("\u200b", "").count("Hezbollah")


# The fast implementation (regex classes, skipping what a text cannot need) against the
# docstring's steps done literally (``str.translate`` over the whole table).
_SPECIALS = ["\r", "\r\n", "\n", "\t", " ", "  ", "\u00a0", "\u2028", "\u2029", "\u200b", "\ufeff", "\ufffd",
             "\ue800", "\U000F0001", "\U0010FFFD", "\x00", "\x7f", "\x85", "\x9f", "\u3000", "e\u0301",
             "\u0301", "\u212b", "a", "Z", "\u00e9", "\u05d0", "\U0001F600", "\u202e", "\u2066"]


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(max_size=200),
                 st.lists(st.sampled_from(_SPECIALS), max_size=40).map("".join)))
def test_fast_normalize_equals_reference(text):
    assert normalize_text(text) == normalize_text_reference(text)


def test_every_special_code_point_matches_reference():
    """Each code point of the BMP's first blocks and private-use area, alone and in context."""
    cps = list(range(0, 0x3100)) + list(range(0xE000, 0xFB00)) + [0xFEFF, 0xFFFC, 0xFFFD, 0xF0000, 0x10FFFF]
    bad = [hex(cp) for cp in cps
           for text in (chr(cp), f"a{chr(cp)}b", f"x {chr(cp)}\n", f"{chr(cp)} ")
           if normalize_text(text) != normalize_text_reference(text)]
    assert not bad
