"""The lexicon data model shared by every reader and by the matcher.

A :class:`Lexicon` is plain, immutable data: metadata (name, version, licence,
source, description), described categories, entries, and framing pairs. Readers
for each file format build one; :func:`mediabias.match_lexicon` consumes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# An entry is one or more words; a word may end in a single "*" (prefix glob).
_GLOB_OK = re.compile(r"^[^*]*\*?$")


@dataclass(frozen=True)
class Entry:
    """One lexicon entry.

    Attributes:
        term: the entry as written in the lexicon, e.g. ``"occupied territories"``,
            ``"Iran-backed"`` or ``"pretext*"`` (a trailing ``*`` matches any word
            ending, so ``pretext*`` matches "pretexts" and "pretextual").
        category: the category the entry belongs to.
        weight: optional numeric weight (``None`` when the lexicon gives none).
        case_sensitive: match the exact letter case (default: ignore case).
        note: optional free-text note (source, usage, caveat).
        line: 1-based line of the entry in its source file, for error messages.
    """

    term: str
    category: str
    weight: float | None = None
    case_sensitive: bool = False
    note: str | None = None
    line: int | None = None

    @property
    def is_glob(self) -> bool:
        return self.term.endswith("*")


@dataclass(frozen=True)
class FramingPair:
    """Competing labels for one referent, e.g. occupied / disputed territories.

    Attributes:
        referent: short name of what is being labelled (``"territories"``).
        description: what the referent is and why the alternatives compete.
        alternatives: alternative label -> the entry terms that express it; every
            term is also an entry of the lexicon.
    """

    referent: str
    description: str
    alternatives: dict[str, tuple[str, ...]]

    def __hash__(self) -> int:  # dict field: hash by referent
        return hash(self.referent)


@dataclass(frozen=True)
class Lexicon:
    """A named, versioned, licensed set of categorised entries.

    Attributes:
        name: short identifier used in outputs (``loaded_terms``).
        version: the lexicon's own version string.
        licence: SPDX identifier or free text (``CC-BY-4.0``).
        source: who made it, or where it comes from.
        description: what it measures.
        categories: category -> description (empty string when the format has none).
        entries: all entries, in file order. A term may appear in several
            categories only in formats that allow it (LIWC, quanteda); each
            (term, category) then yields its own ledger row.
        framing_pairs: competing labels for the same referent.
        format: the reader that built it (``native-yaml``, ``liwc``, ...).
        path: the file it was read from, if any.
        sha256: sha256 of that file's bytes, if any.
    """

    name: str
    entries: tuple[Entry, ...]
    version: str = "unversioned"
    licence: str = "unknown"
    source: str = ""
    description: str = ""
    categories: dict[str, str] = field(default_factory=dict)
    framing_pairs: tuple[FramingPair, ...] = ()
    format: str = "native"
    path: str | None = None
    sha256: str | None = None

    def __hash__(self) -> int:
        return hash((self.name, self.version, self.sha256, len(self.entries)))

    def __len__(self) -> int:
        return len(self.entries)

    def to_frame(self):
        """Entries as a DataFrame (term, category, weight, case_sensitive, note, line)."""
        import pandas as pd

        return pd.DataFrame(
            [(e.term, e.category, e.weight, e.case_sensitive, e.note, e.line) for e in self.entries],
            columns=["term", "category", "weight", "case_sensitive", "note", "line"],
        )


def check_term(term: str) -> str | None:
    """Return a reason why ``term`` is not a valid entry, or ``None`` if it is.

    Valid: non-empty after trimming, at most one ``*``, and only at the very end,
    after at least one letter or digit.

    Examples:
        >>> check_term("pretext*") is None
        True
        >>> check_term("*tunnel")
        "'*' may only end an entry"
    """
    t = term.strip()
    if not t:
        return "empty entry"
    if "*" in t and not _GLOB_OK.match(t):
        return "'*' may only end an entry"
    if t.endswith("*") and not re.search(r"\w\*$", t):
        return "'*' must follow a letter or digit"
    if not re.search(r"\w", t):
        return "entry has no letters or digits"
    return None


def entry_key(term: str, case_sensitive: bool = False) -> str:
    """The form in which two entries count as the same (for duplicate checks in every reader).

    Case-folded (unless case-sensitive), curly apostrophes straightened, hyphens,
    underscores and runs of whitespace as one space.

    Examples:
        >>> entry_key("Iran-Backed") == entry_key("iran  backed")
        True
        >>> entry_key("Israel’s enemy")
        "israel's enemy"
    """
    t = term if case_sensitive else term.casefold()
    t = t.replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"[-\u2010\u2011_\s]+", " ", t).strip()
