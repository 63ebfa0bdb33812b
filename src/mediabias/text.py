"""Offline text segmentation: tokens, sentences and quotation spans.

No NLTK data is needed (TextBlob's ``.words`` and ``.sentences`` need corpora that
cannot be downloaded offline). All offsets are character offsets into the string
given, which for articles is the cleaned body in ``articles.text``.

Tokens
    A token is a run of letters/digits, possibly joined by internal hyphens or
    apostrophes: ``Iran-backed``, ``Lebanon's``, ``1701`` are one token each;
    punctuation is not a token. Rates "per 1,000 tokens" use this count.
"""

from __future__ import annotations

import re

import numpy as np

# Letters/digits (\w without the underscore), joined by internal hyphens/apostrophes.
TOKEN_RE = re.compile(r"[^\W_]+(?:[-\u2010\u2011'\u2019][^\W_]+)*")


def token_spans(text: str) -> list[tuple[int, int]]:
    """Character spans ``(start, end)`` of the tokens of ``text``.

    Examples:
        >>> token_spans("Iran-backed Hezbollah's tunnels.")
        [(0, 11), (12, 23), (24, 31)]
    """
    return [m.span() for m in TOKEN_RE.finditer(text)]


def tokenize(text: str) -> list[str]:
    """The tokens of ``text`` as strings, in order (case kept).

    Examples:
        >>> tokenize("Israel's 'strict' stability, 1701.")
        ["Israel's", 'strict', 'stability', '1701']
    """
    return TOKEN_RE.findall(text)


def count_tokens(text: str) -> int:
    """Number of tokens in ``text`` (see module docstring for the definition).

    Examples:
        >>> count_tokens("The occupied territories, 2018.")
        4
    """
    return sum(1 for _ in TOKEN_RE.finditer(text))


def token_starts(text: str) -> np.ndarray:
    """Sorted start offsets of the tokens of ``text`` (for position lookups)."""
    return np.fromiter((m.start() for m in TOKEN_RE.finditer(text)), dtype=np.int64)
