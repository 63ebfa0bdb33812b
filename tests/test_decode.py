"""Bytes to text (``mediabias.corpus.decode``): encodings detected and named, empty and
binary files refused with a one-line :class:`InputError`."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mediabias.corpus.decode import decode_bytes, looks_binary
from mediabias.errors import InputError, MediabiasError

ARTICLE = ("\u201cWe cannot wait for another winter,\u201d the council\u2019s leader said \u2014 "
           "the wall protects two hundred homes.\n")


@pytest.mark.parametrize(("data", "text", "encoding"), [
    (ARTICLE.encode("utf-8"), ARTICLE, "utf-8"),
    (codecs.BOM_UTF8 + ARTICLE.encode("utf-8"), ARTICLE, "utf-8-sig"),
    (codecs.BOM_UTF16_LE + ARTICLE.encode("utf-16-le"), ARTICLE, "utf-16-le"),
    (codecs.BOM_UTF16_BE + ARTICLE.encode("utf-16-be"), ARTICLE, "utf-16-be"),
    (codecs.BOM_UTF32_LE + ARTICLE.encode("utf-32-le"), ARTICLE, "utf-32-le"),
    (codecs.BOM_UTF32_BE + ARTICLE.encode("utf-32-be"), ARTICLE, "utf-32-be"),
    (ARTICLE.encode("cp1252"), ARTICLE, "cp1252"),
    ("Caf\u00e9 in Z\u00fcrich wins the regional prize, the jury said.".encode("latin-1"),
     "Caf\u00e9 in Z\u00fcrich wins the regional prize, the jury said.", "latin-1"),
    ("\u041c\u043e\u0441\u043a\u0432\u0430 \u0437\u0430\u044f\u0432\u0438\u043b\u0430, \u0447\u0442\u043e "
     "\u043f\u0435\u0440\u0435\u0433\u043e\u0432\u043e\u0440\u044b \u043f\u0440\u043e\u0434\u043e\u043b"
     "\u0436\u0430\u0442\u0441\u044f \u043d\u0430 \u0441\u043b\u0435\u0434\u0443\u044e\u0449\u0435\u0439 "
     "\u043d\u0435\u0434\u0435\u043b\u0435.".encode("cp1251"), None, "cp1251"),
], ids=["utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom", "utf-32-le-bom", "utf-32-be-bom", "cp1252",
        "latin-1", "cp1251"])
def test_decode_detects_and_names_the_encoding(data, text, encoding):
    got, enc = decode_bytes(data, "a.txt")
    assert enc == encoding
    assert got == (text if text is not None else data.decode(encoding))


def test_cp1252_and_latin1_are_told_apart_by_the_0x80_0x9f_bytes():
    # Both decode 0xA0-0xFF identically; only cp1252 has printable characters in 0x80-0x9F.
    assert decode_bytes("na\u00efve caf\u00e9".encode("latin-1"))[1] == "latin-1"
    assert decode_bytes("na\u00efve \u201ccaf\u00e9\u201d".encode("cp1252"))[1] == "cp1252"


@pytest.mark.parametrize("data", [b"", b"   \n\t\r\n", codecs.BOM_UTF8, codecs.BOM_UTF16_LE + " \n".encode("utf-16-le")],
                         ids=["zero-bytes", "whitespace", "utf-8-bom-only", "utf-16-bom-spaces"])
def test_empty_is_an_input_error(data):
    with pytest.raises(InputError) as info:
        decode_bytes(data, "dir/empty.txt")
    msg = str(info.value)
    assert msg.startswith("dir/empty.txt: file is empty.") and "\n" not in msg


@pytest.mark.parametrize("data", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01",
    b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\x00\x00",
    b"PK\x03\x04\x14\x00\x06\x00",
    bytes([1, 2, 3, 4, 5, 6, 7, 8, 11, 14, 15, 16]) * 4,
    "no BOM, so these NULs mean binary".encode("utf-16-le"),
], ids=["png", "pdf", "zip", "control-bytes", "utf-16-without-bom"])
def test_binary_is_an_input_error(data):
    assert looks_binary(data)
    with pytest.raises(InputError) as info:
        decode_bytes(data, "x.txt")
    assert "binary" in str(info.value) and str(info.value).startswith("x.txt:")


def test_text_is_not_binary():
    assert not looks_binary(ARTICLE.encode("utf-8"))
    assert not looks_binary(ARTICLE.encode("cp1252"))
    assert not looks_binary(b"a line\twith tabs\r\nand a form feed\x0c\n")


def test_a_bom_that_lies_is_an_input_error():
    with pytest.raises(InputError) as info:
        decode_bytes(codecs.BOM_UTF16_LE + "odd".encode("utf-16-le") + b"\x00", "bom.txt")
    assert "byte-order mark" in str(info.value) and "utf-16-le" in str(info.value)


@pytest.mark.parametrize(("name", "encoding", "snippet"), [
    ("cp1252.txt", "cp1252", "\u201curgent\u201d"),
    ("latin1.txt", "latin-1", "Z\u00fcrich"),
    ("utf16_bom.txt", "utf-16-le", "Tom\u00e1s"),
])
def test_bad_corpus_encodings(bad_dir, name, encoding, snippet):
    text, enc = decode_bytes((bad_dir / name).read_bytes(), name)
    assert enc == encoding and snippet in text


def test_input_error_is_a_mediabias_error_with_place_and_hint():
    err = InputError("file is empty", path="a.txt", hint="Remove it.")
    assert isinstance(err, MediabiasError)
    assert str(err) == "a.txt: file is empty. Remove it."


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_decode_arbitrary_bytes_returns_text_or_input_error(data):
    try:
        text, enc = decode_bytes(data, "x")
    except InputError as exc:
        assert "\n" not in str(exc)
        return
    assert isinstance(text, str) and text and enc
    try:
        utf8 = data.decode("utf-8")
    except UnicodeDecodeError:
        return
    if not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        assert (text, enc) == (utf8, "utf-8")  # valid UTF-8 is always read as UTF-8


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=200))
def test_utf8_text_round_trips(text):
    if not text.strip() or text.startswith("\ufeff"):
        return
    assert decode_bytes(text.encode("utf-8")) == (text, "utf-8")
