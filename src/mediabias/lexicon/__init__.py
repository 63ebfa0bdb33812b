"""Lexicons: one accessor for bundled lexicons and for files in any supported format.

>>> from mediabias import list_lexicons, load_lexicon
>>> "loaded_terms" in list_lexicons()
True
"""

from __future__ import annotations

import os
from pathlib import Path

from .. import paths
from ..errors import LexiconError
from .model import Entry, FramingPair, Lexicon, check_term

__all__ = ["Entry", "FramingPair", "Lexicon", "check_term", "list_lexicons", "load_lexicon"]


def list_lexicons() -> list[str]:
    """Names of the lexicons bundled with the package, sorted."""
    return sorted(p.stem for p in paths.LEXICONS_DIR.glob("*.yaml"))


def load_lexicon(name_or_path: str | os.PathLike | Lexicon, fmt: str | None = None) -> Lexicon:
    """Load a bundled lexicon by name, or a lexicon file in any supported format.

    Args:
        name_or_path: a bundled name (see :func:`list_lexicons`), a path, or a
            :class:`Lexicon` (returned as it is).
        fmt: force a format (``native-yaml``, ``liwc``, ``quanteda-yaml``,
            ``lexicoder``, ``mpqa``, ``wordlist``, ``csv``); default: detected from
            the extension and content.

    Raises:
        LexiconError: one line naming the file and line of the problem.

    Examples:
        >>> lex = load_lexicon("loaded_terms")
        >>> lex.licence
        'CC-BY-4.0'
    """
    if isinstance(name_or_path, Lexicon):
        return name_or_path
    s = os.fspath(name_or_path)
    bundled = paths.LEXICONS_DIR / f"{s}.yaml"
    if os.sep not in s and "/" not in s and bundled.is_file():
        from .native import read_native_yaml

        return read_native_yaml(bundled)
    p = Path(s)
    if not p.is_file():
        raise LexiconError(f"no bundled lexicon named {s!r} and no such file", path=s,
                           hint="Bundled: " + ", ".join(list_lexicons()) + "; or give a path to a lexicon file.")
    from .formats import detect_format, read_foreign

    fmt = fmt or detect_format(p)
    if fmt == "native-yaml":
        from .native import read_native_yaml

        return read_native_yaml(p)
    return read_foreign(p, fmt=fmt)
