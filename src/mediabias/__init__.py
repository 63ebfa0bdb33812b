"""mediabias: measure how news outlets word the same events.

The public API, in the order of the analysis::

    articles = read_corpus("seeds/")                   # page dumps, HTML, tables
    articles, sentences = segment_articles(articles)   # sentences, tokens, voice
    matches = match_lexicon(articles, "loaded_terms")  # the ledger of hits
    kwic(matches, articles)                            # the words behind each count
"""

from __future__ import annotations

__version__ = "0.1.0"

from .corpus import read_corpus, read_sources
from .errors import InputError, LexiconError, MediabiasError
from .lexicon import Entry, FramingPair, Lexicon, list_lexicons, load_lexicon
from .match import find_hits, kwic, match_lexicon, unmatched_entries
from .pipeline import segment_articles

__all__ = [
    "Entry", "FramingPair", "InputError", "Lexicon", "LexiconError", "MediabiasError", "find_hits", "kwic",
    "list_lexicons", "load_lexicon", "match_lexicon", "read_corpus", "read_sources", "segment_articles",
    "unmatched_entries",
]
