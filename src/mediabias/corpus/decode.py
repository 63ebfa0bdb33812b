"""Bytes to text: encoding detection, binary and empty files.

:func:`decode_bytes` returns the text and the name of the encoding it used, so
the load report can record it. Order of decisions:

1. empty (zero bytes, or only whitespace) -> :class:`~mediabias.errors.InputError`;
2. a byte-order mark decides (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE);
3. NUL bytes without a BOM, or many control bytes -> binary -> error;
4. strict UTF-8;
5. when the bytes read through cp1252 are mostly accented letters (what
   Cyrillic or Greek look like as mojibake), charset-normalizer's guess if it
   names a non-Western encoding (cp1251, ...);
6. otherwise ``latin-1`` when no byte is in 0x80-0x9F (cp1252 and latin-1
   decode such bytes identically, and latin-1 is the smaller claim), else
   ``cp1252`` (curly quotes and dashes in 0x80-0x9F, as Western pages have),
   and ``latin-1`` as the last resort, because it decodes any byte string.
"""

from __future__ import annotations

import codecs

from ..errors import InputError

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]
_CONTROL = set(range(0, 32)) - {9, 10, 12, 13}


def looks_binary(data: bytes) -> bool:
    """True if ``data`` (without a BOM) looks like a binary file, not text.

    Examples:
        >>> looks_binary(b"\\x89PNG\\r\\n\\x1a\\n\\x00\\x00")
        True
        >>> looks_binary("Putin tells Netanyahu".encode())
        False
    """
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b in _CONTROL)
    return controls > max(2, len(sample) // 100)


def decode_bytes(data: bytes, path: str = "<bytes>") -> tuple[str, str]:
    """Decode ``data``; return ``(text, encoding)``. Raises InputError for empty or binary data.

    Examples:
        >>> decode_bytes("café “ok”".encode("cp1252"), "a.txt")
        ('café “ok”', 'cp1252')
        >>> decode_bytes("café".encode("latin-1"), "a.txt")
        ('café', 'latin-1')
        >>> decode_bytes(codecs.BOM_UTF16_LE + "hi".encode("utf-16-le"))
        ('hi', 'utf-16-le')
    """
    if not data.strip():
        raise InputError("file is empty", path=path,
                         hint="Remove it from the inputs or re-save the article into it.")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            body = data[len(bom):]
            try:
                text = body.decode(enc.replace("-sig", ""))
            except UnicodeDecodeError as exc:
                raise InputError(f"file starts with a {enc} byte-order mark but does not decode as {enc} "
                                 f"(byte {exc.start + len(bom)})", path=path,
                                 hint="Re-save it as UTF-8.") from None
            if not text.strip():
                raise InputError("file is empty", path=path,
                                 hint="Remove it from the inputs or re-save the article into it.")
            return text, enc
    if looks_binary(data):
        raise InputError("file is binary, not text", path=path,
                         hint="Pass article text (.txt, .html, .csv, .jsonl, .json, .parquet); "
                              "convert PDFs or word-processor files to text first.")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        western = data.decode("cp1252")
    except UnicodeDecodeError:
        western = None
    if western is None or _non_ascii_letter_share(western) > 0.3:
        # Mostly accented letters is what other scripts look like through cp1252
        # (mojibake): ask charset-normalizer.
        guess = _guess_encoding(data)
        if guess and guess not in _WESTERN:
            try:
                return data.decode(guess), guess
            except (UnicodeDecodeError, LookupError):
                pass
    if not any(0x80 <= b <= 0x9F for b in data):
        return data.decode("latin-1"), "latin-1"      # identical to cp1252 here; the smaller claim
    if western is not None:
        return western, "cp1252"
    return data.decode("latin-1"), "latin-1"


def _non_ascii_letter_share(text: str) -> float:
    letters = [c for c in text[:20000] if c.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for c in letters if ord(c) > 127) / len(letters)


_WESTERN = {"cp1252", "latin_1", "iso8859_15", "iso8859_1", "cp850", "cp437", "mac_roman",
            "ascii", "utf_8"}


def _guess_encoding(data: bytes) -> str | None:
    """charset-normalizer's best guess for non-UTF-8 bytes (None if unsure)."""
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:65536]).best()
    except Exception:  # detection is a heuristic; never let it crash a read
        return None
    return None if best is None else best.encoding
