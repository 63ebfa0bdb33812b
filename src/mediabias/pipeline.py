"""The analysis as a chain of DataFrame functions, and the writing of its tables.

``read_sources -> segment_articles -> match_lexicon -> sentiment -> stats``: each
step takes DataFrames and returns new ones; nothing is mutated. The command line
(:mod:`mediabias.cli`) and the notebooks call these.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from .text import find_quotes, sentence_voice, split_sentences, tokens_by_span

ARTICLE_COLUMNS = ["doc_id", "outlet", "title", "date", "url", "source", "n_tokens", "n_sentences",
                   "polarity", "subjectivity", "vader_compound", "format", "encoding", "outlet_from",
                   "date_raw", "captions", "text"]
SENTENCE_COLUMNS = ["doc_id", "sentence_id", "start", "end", "voice", "n_tokens", "polarity", "subjectivity",
                    "vader_compound", "text"]


def segment_articles(articles: pd.DataFrame, on_tokens: Callable[[int, list[str]], Any] | None = None
                     ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split every article into sentences with their voice; count tokens.

    Returns ``(articles, sentences)``: a copy of ``articles`` with ``n_tokens`` and
    ``n_sentences`` added, and one row per sentence (``doc_id, sentence_id, start,
    end, voice, n_tokens, text``; ``start``/``end`` are offsets into the article text).
    ``on_tokens(i, tokens)`` is called with each article's position and its tokens
    (case kept), for callers that count words too (so the text is not tokenized
    again).

    Examples:
        >>> arts = pd.DataFrame({"doc_id": ["d"], "text": ['He said: "We will go." Then he left.']})
        >>> a, s = segment_articles(arts)
        >>> a["n_sentences"].item(), s["voice"].tolist()
        (2, ['mixed', 'outlet'])
    """
    rows = []
    n_tok, n_sent = [], []
    for i_art, (doc_id, text) in enumerate(zip(articles["doc_id"], articles["text"])):
        text = text if isinstance(text, str) else ""
        # Scare quotes are the outlet's own wording kept at a distance (see mediabias.match):
        # only attributed quotations make a sentence quoted or mixed.
        quotes = [q for q in find_quotes(text) if q.kind != "scare"]
        spans = split_sentences(text)
        per, whole = tokens_by_span(text, spans)
        for i, (s, e) in enumerate(spans):
            rows.append((doc_id, i, s, e, sentence_voice(quotes, s, e, text), len(per[i]), text[s:e]))
        n_tok.append(len(whole))
        if on_tokens is not None:
            on_tokens(i_art, whole)
        n_sent.append(len(spans))
    out = articles.copy()
    out["n_tokens"] = pd.Series(n_tok, index=out.index, dtype="int64")
    out["n_sentences"] = pd.Series(n_sent, index=out.index, dtype="int64")
    sentences = pd.DataFrame(rows, columns=["doc_id", "sentence_id", "start", "end", "voice", "n_tokens", "text"])
    sentences = sentences.astype({"sentence_id": "int64", "start": "int64", "end": "int64", "n_tokens": "int64"})
    return out, sentences


def ordered(df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """``df`` with ``columns`` first (those present), then any others in their order."""
    first = [c for c in columns if c in df.columns]
    return df[first + [c for c in df.columns if c not in first]]


def write_table(df: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write a CSV deterministically (UTF-8, ``\\n`` line ends) via a temporary name, then rename.

    A reader never sees a half-written table under the final name.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    df.to_csv(tmp, index=False, lineterminator="\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


def write_json(data: dict, path: str | os.PathLike) -> Path:
    """Write JSON deterministically (sorted keys, UTF-8) via a temporary name."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n",
                   encoding="utf-8")
    os.replace(tmp, path)
    return path
