"""Unicode normalisation of article text.

What :func:`normalize_text` does, in order:

* line endings ``\\r\\n`` and ``\\r`` become ``\\n``;
* every Unicode space (NBSP, thin, narrow, figure, ideographic ...) becomes ``" "``;
* zero-width characters, soft hyphens, byte-order marks, bidi controls and other
  invisible format characters are removed, as are C0/C1 control characters
  other than tab and newline;
* private-use characters, in every private-use plane (icon fonts: arrows, share icons) and the replacement
  character ``U+FFFD`` are removed as stray glyphs;
* NFC composition (``e`` + combining accent becomes ``é``);
* trailing spaces on each line are removed.

Curly quotes and apostrophes (``“ ” ‘ ’``) are kept as they are, distinct from
straight ones: quote detection needs them. Hyphens and dashes are kept.

Examples:
    >>> normalize_text("Lebanon\\u00a0border\\u200b.\\r\\n")
    'Lebanon border.\\n'
    >>> normalize_text("Russia\\u2019s \\u201cstrict\\u201d")
    'Russia’s “strict”'
"""

from __future__ import annotations

import re
import sys
import unicodedata

_SPACE_CHARS = "".join(
    chr(c) for c in range(sys.maxunicode + 1)
    if unicodedata.category(chr(c)) == "Zs" and chr(c) != " "
)
_REMOVE = {
    **{ord(c): None for c in "\u00ad\u200b\u200c\u200d\u2060\ufeff\u180e\ufffd\ufffc"},
    **{c: None for c in range(0x200E, 0x2010)},       # LRM, RLM
    **{c: None for c in range(0x202A, 0x202F)},       # bidi embeddings
    **{c: None for c in range(0x2066, 0x206A)},       # bidi isolates
    **{c: None for c in range(0xE000, 0xF900)},       # private use (icon fonts)
    **{c: None for c in range(0x00, 0x20) if chr(c) not in "\t\n"},
    **{c: None for c in range(0x7F, 0xA0)},
    **{ord(c): " " for c in _SPACE_CHARS},
    ord("\u2028"): "\n",
    ord("\u2029"): "\n",
}
_SUPPLEMENTARY_PRIVATE = "\U000F0000-\U0010FFFF"  # icon fonts in planes 15-16
_TRAILING_WS = re.compile(r"[ \t]+$", re.MULTILINE)


def _char_class(codes) -> str:
    """A regex character class of the code points ``codes``, as ranges."""
    ranges: list[list[int]] = []
    for c in sorted(codes):
        if ranges and ranges[-1][1] == c - 1:
            ranges[-1][1] = c
        else:
            ranges.append([c, c])
    return "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)


# ``_REMOVE`` as three substitutions: ``str.translate`` with a dict looks every character up
# (0.4 ms for a 6,000-character article, most of the cost of reading a JSONL corpus); a regex
# character class scans in C and the text is only rewritten where something is found.
_DROP = re.compile("[" + _char_class(k for k, v in _REMOVE.items() if v is None) + _SUPPLEMENTARY_PRIVATE + "]+")
_TO_SPACE = re.compile("[" + _char_class(k for k, v in _REMOVE.items() if v == " ") + "]")
_TO_NEWLINE = re.compile("[" + _char_class(k for k, v in _REMOVE.items() if v == "\n") + "]")
_ANY = re.compile("[\r" + _char_class(_REMOVE) + _SUPPLEMENTARY_PRIVATE + "]")
assert {v for v in _REMOVE.values()} == {None, " ", "\n"}


def normalize_text(text: str) -> str:
    """Return ``text`` normalised as described in the module docstring.

    The result never contains ``\\r``, NBSP or zero-width characters; it keeps
    curly quotes distinct from straight ones. Idempotent:
    ``normalize_text(normalize_text(s)) == normalize_text(s)``.
    """
    if _ANY.search(text):
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        text = _DROP.sub("", text)
        text = _TO_SPACE.sub(" ", text)
        text = _TO_NEWLINE.sub("\n", text)
    if not text.isascii():  # NFC leaves ASCII as it is
        text = unicodedata.normalize("NFC", text)
    if " \n" in text or "\t\n" in text or text.endswith((" ", "\t")):
        text = _TRAILING_WS.sub("", text)
    return text


def normalize_text_reference(text: str) -> str:
    """:func:`normalize_text` step by step as the module docstring says (slower; the tests compare the two)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(_REMOVE)
    text = re.sub("[" + _SUPPLEMENTARY_PRIVATE + "]", "", text)
    text = unicodedata.normalize("NFC", text)
    return _TRAILING_WS.sub("", text)
