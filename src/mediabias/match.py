"""Find every lexicon hit in every article: the ledger.

Semantics (each one tested in ``tests/test_match.py``):

* **Case** is ignored unless an entry is marked ``case_sensitive``.
* **Whole tokens**: an entry matches only where it starts and ends at a token
  boundary, so ``pretext`` does not match "pretextual"; ``pretext*`` does, and its
  hit covers the whole word. A boundary is any character that is not a letter or
  digit, so ``Israel`` matches in "Israel's" (the possessive is not part of it).
* **Separators**: between words, a space, a hyphen, a line break, a tab and NBSP
  are all the same, and runs of them count as one: "Iran-backed" = "Iran backed"
  = "Iran -\\nbacked". A blank line (paragraph break) is a barrier no entry spans.
* **Apostrophes**: straight and curly (``'`` ``’`` ``‘``) are the same.
* **Overlaps**: within one lexicon, hits are leftmost-longest and do not overlap
  ("alleged tunnels" wins over "alleged" and "tunnels"); lexicons are independent.
  A term listed in several categories (LIWC-style) gives one row per category.
* **Voice**: ``quoted`` when the hit lies inside an attributed quotation (see
  :func:`mediabias.text.find_quotes`), else ``outlet``. A short scare-quoted
  fragment (“cutting off”) is the outlet's own wording, kept at a distance: its
  hits are ``outlet`` voice with ``hedged`` true.
* **Hedged**: true when the hit is inside scare quotes, or its own first word or
  one of the three tokens before it (same sentence) is a distancing cue
  ("alleged", "so-called", "purported", "supposed", "self-styled", "what he
  called" ...; list in ``resources/hedge_cues.txt``).

Offsets are into ``articles.text``: for every row, ``text[start:end] == surface``.
Matching runs on a normalised view of the text (lower case, separators unified and
collapsed), folded to one byte per character (:class:`FoldedText`), with Aho-Corasick
automata (ahocorasick-rs) whose patterns carry the token boundaries; offsets are mapped
back exactly. :func:`find_hits_many` and :func:`match_lexicon` match texts in batches.
"""

from __future__ import annotations

import codecs
import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

from . import paths
from .lexicon import Lexicon, load_lexicon

MATCH_COLUMNS = ["doc_id", "outlet", "sentence_id", "start", "end", "surface", "entry", "category",
                 "lexicon", "voice", "hedged"]

# Characters that separate words and are all equivalent to one space.
_SEPARATORS = "\t\n\r\x0b\x0c\u00a0\u2007\u202f\u2009\u200a\u2002\u2003\u2004\u2005\u2006\u2008\u205f\u3000" \
              "-\u2010\u2011"
_APOSTROPHES = "\u2019\u2018\u02bc\u2032\u00b4`"
_SEP_TABLE = str.maketrans({**{c: " " for c in _SEPARATORS}, **{c: "'" for c in _APOSTROPHES}})
_REPLACEMENTS = tuple((c, " ") for c in _SEPARATORS) + tuple((c, "'") for c in _APOSTROPHES)


def _unify_separators(text: str) -> str:
    """``text.translate(_SEP_TABLE)``, faster: str.replace is a C scan per character,
    whereas translate looks every character up in a dict once the text is not ASCII."""
    for old, new in _REPLACEMENTS:
        if old in text:
            text = text.replace(old, new)
    return text


_WORD_TAIL = re.compile(r"[^\W_]*")
_SPACE_TAIL = re.compile(" *")
_SPACE_TAIL_B = re.compile(b" *")
_BARRIER = "\x00"


def _space_runs(s: str | bytes) -> list[tuple[int, int]]:
    """Spans of the runs of two or more spaces in ``s`` (str.find finds them at C speed)."""
    if isinstance(s, bytes) and len(s) >= 8192:   # long: numpy (find's cost grows with every single space)
        sp = np.frombuffer(s, dtype=np.uint8) == 32
        pairs = np.flatnonzero(sp[1:] & sp[:-1])
        if not len(pairs):
            return []
        cut = np.flatnonzero(np.diff(pairs) != 1)
        firsts = np.concatenate(([pairs[0]], pairs[cut + 1]))
        lasts = np.concatenate((pairs[cut], [pairs[-1]])) + 2
        return list(zip(firsts.tolist(), lasts.tolist()))
    two, tail = ("  ", _SPACE_TAIL) if isinstance(s, str) else (b"  ", _SPACE_TAIL_B)
    runs = []
    i = s.find(two)
    while i >= 0:
        j = tail.match(s, i + 2).end()
        runs.append((i, j))
        i = s.find(two, j)
    return runs


def _shifts(runs: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """The view-to-text offset map of collapsing each run to one character."""
    shift_at: list[int] = []
    shift_cum: list[int] = []
    cum = 0
    for a, b in runs:
        shift_at.append(a - cum + 1)
        cum += b - a - 1
        shift_cum.append(cum)
    return shift_at, shift_cum


# --------------------------------------------------------------------------- views

def _lower_same_length(text: str) -> str:
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower()[0] for c in text)  # e.g. 'İ' -> 'i̇': keep one character


@dataclass
class TextView:
    """A normalised view of a text and the map back to the original offsets."""

    lower: str                 # collapsed, lower-cased view
    cased: str | None          # collapsed view with case kept (only built when needed)
    shift_at: list[int]        # view positions from which an extra shift applies
    shift_cum: list[int]       # cumulative shift from that position on

    def to_original(self, i: int) -> int:
        k = bisect_right(self.shift_at, i)
        return i + (self.shift_cum[k - 1] if k else 0)


def _collapse(s, runs, barrier_at) -> str | bytes:
    """``s`` with each run replaced by one space, or by the barrier where ``barrier_at(run)``."""
    empty, space, barrier = ("", " ", _BARRIER) if isinstance(s, str) else (b"", b" ", b"\x00")
    pieces = []
    prev = 0
    for a, b in runs:
        pieces.append(s[prev:a])
        pieces.append(barrier if barrier_at(a, b) else space)
        prev = b
    pieces.append(s[prev:])
    return empty.join(pieces)


def make_view(text: str, cased: bool = False) -> TextView:
    """Build the matching view of ``text`` (see the module docstring).

    Examples:
        >>> v = make_view("Iran -\\nBacked  Hezbollah")
        >>> v.lower
        'iran backed hezbollah'
        >>> v.to_original(5), v.to_original(12)
        (7, 15)
        >>> make_view("tunnels.\\n\\nThreat").lower
        'tunnels.\\x00\\x00threat'

    """
    # Paragraph breaks become barriers of the same length, so the common case needs
    # no offset map; only other runs of separators ("Iran - backed") are collapsed,
    # to a barrier when the run holds a paragraph break ("\n \n").
    sep = _unify_separators(text.replace("\n\n", _BARRIER * 2) if "\n\n" in text else text)
    low = _lower_same_length(sep)
    runs = _space_runs(sep)
    if not runs:
        return TextView(low, sep if cased else None, [], [])
    shift_at, shift_cum = _shifts(runs)

    def barrier_at(a, b):
        return text.count("\n", a, b) >= 2

    return TextView(_collapse(low, runs, barrier_at), _collapse(sep, runs, barrier_at) if cased else None,
                    shift_at, shift_cum)


# Folded views: the same view as bytes, one byte per character, that the compiled
# automata scan. A Latin-1 character is its own byte; a character beyond Latin-1 becomes
# a space (separators), "'" (apostrophes), its lower-case form where that is Latin-1
# ("İ" -> "i", in the lower-case view only), or a stand-in: "ª" for any other letter or
# digit, "¬" for anything else. Entries with characters beyond Latin-1 (or with the two
# stand-ins) are matched on the text view instead (CompiledLexicon._find_text).
_ALNUM_STAND_IN, _OTHER_STAND_IN = "\u00aa", "\u00ac"
_FOLD_CACHE: dict[tuple[str, bool], str] = {}


def _fold_char(c: str, cased: bool) -> str:
    if c in _SEPARATORS:
        return " "
    if c in _APOSTROPHES:
        return "'"
    if not cased:
        low = c.lower()[0]       # what the lower-case view holds ("İ" -> "i", Kelvin sign -> "k")
        if low <= "\u00ff":
            return low
    return _ALNUM_STAND_IN if c.isalnum() else _OTHER_STAND_IN


def _fold_handler(cased: bool):
    def handler(exc: UnicodeEncodeError) -> tuple[str, int]:
        out = []
        for c in exc.object[exc.start:exc.end]:
            r = _FOLD_CACHE.get((c, cased))
            if r is None:
                r = _fold_char(c, cased)
                if len(_FOLD_CACHE) < 100_000:
                    _FOLD_CACHE[c, cased] = r
            out.append(r)
        return "".join(out), exc.end
    return handler


codecs.register_error("mediabias.fold", _fold_handler(False))
codecs.register_error("mediabias.fold-cased", _fold_handler(True))


def _table(fn) -> bytes:
    return bytes(ord(fn(chr(b))) for b in range(256))


def _sep(c: str) -> str:
    return " " if c in _SEPARATORS else "'" if c in _APOSTROPHES else c


def _sep_keep_newline(c: str) -> str:
    return c if c == "\n" else _sep(c)


# The views keep "\n" until paragraph breaks are barriers, then it becomes a space.
_T_VIEW_NL = _table(lambda c: _sep_keep_newline(c).lower())            # lower case
_T_VIEW_CASED_NL = _table(_sep_keep_newline)                            # case kept
_T_NEWLINE = _table(lambda c: " " if c == "\n" else c)
_T_WORDS = _table(lambda c: c if c.isalnum() else " ")              # view -> letters/digits, the rest spaces
_LUTS: dict[bool, "np.ndarray"] = {}


def _view_bytes(text: str, cased: bool) -> bytes:
    """The view of ``text`` before runs are collapsed, as folded bytes (one per character)."""
    table = _T_VIEW_CASED_NL if cased else _T_VIEW_NL
    if text.isascii():
        view = text.encode("ascii").translate(table)
    else:
        u16 = text.encode("utf-16-le", "surrogatepass")
        if len(u16) != 2 * len(text):   # characters beyond the BMP: the codec error handler, per character
            view = text.encode("latin-1", "mediabias.fold-cased" if cased else "mediabias.fold").translate(table)
        else:
            lut = _LUTS.get(cased)
            if lut is None:   # one byte per BMP code point, looked up with numpy (no Python call per character)
                folded = "".join(chr(c) if c < 256 else _fold_char(chr(c), cased) for c in range(0x10000))
                lut = _LUTS[cased] = np.frombuffer(folded.encode("latin-1").translate(table), dtype=np.uint8)
            view = lut.take(np.frombuffer(u16, dtype=np.uint16)).tobytes()
    if b"\n\n" in view:
        view = view.replace(b"\n\n", b"\x00\x00")
    return view.translate(_T_NEWLINE)


def _never(a: int, b: int) -> bool:
    return False


class FoldedText:
    """The view of a text as bytes, in two forms, with the map back to the text.

    ``view`` is the view (:func:`make_view`) with characters beyond Latin-1 replaced as
    described above; ``words`` is ``view`` with every character that is not a letter
    or digit made a space, padded with one space at each end. In ``words`` an entry
    ``pretext`` is searched as ``" pretext "``: the boundary test is part of the
    pattern, so the automaton never reports a hit inside a word ("pretextual").
    """

    __slots__ = ("text", "cased", "view", "words", "view_cased", "words_cased", "shift_at",
                 "shift_cum", "_text_view")

    def __init__(self, text: str, cased: bool = False):
        self.text = text
        self.cased = cased
        view = _view_bytes(text, False)
        view_c = _view_bytes(text, True) if cased else None
        runs = _space_runs(view)
        if runs:
            def barrier_at(a, b):
                return text.count("\n", a, b) >= 2

            self.shift_at, self.shift_cum = _shifts(runs)
            view = _collapse(view, runs, barrier_at)
            if cased:
                view_c = _collapse(view_c, runs, barrier_at)
        else:
            self.shift_at, self.shift_cum = [], []
        self.view = view
        self.words = b" " + view.translate(_T_WORDS) + b" "
        self.view_cased = view_c
        self.words_cased = b" " + view_c.translate(_T_WORDS) + b" " if cased else None
        self._text_view: TextView | None = None

    def text_view(self) -> TextView:
        """The view as text (:func:`make_view`), built on first use."""
        if self._text_view is None:
            self._text_view = make_view(self.text, cased=self.cased)
        return self._text_view

    def to_original(self, i: int) -> int:
        k = bisect_right(self.shift_at, i)
        return i + (self.shift_cum[k - 1] if k else 0)


def normalise_term(term: str, case_sensitive: bool = False) -> str:
    """The form an entry is searched for in a :class:`TextView`.

    Examples:
        >>> normalise_term("Iran-Backed")
        'iran backed'
        >>> normalise_term("Israel’s  enemy*")
        "israel's enemy"
    """
    t = term.strip().rstrip("*").translate(_SEP_TABLE)
    t = " ".join(t.split(" "))
    t = re.sub(" {2,}", " ", t).strip()
    return t if case_sensitive else _lower_same_length(t)


# --------------------------------------------------------------------------- compiled lexicon

@dataclass(frozen=True)
class _Target:
    key: str                            # normalised pattern
    glob: bool
    rows: tuple[tuple[str, str], ...]   # (entry as written, category), one per category


# Up to this many patterns the automaton is a DFA (fastest scan, memory grows with the
# patterns); above it, the library's default (a contiguous NFA).
_DFA_MAX_PATTERNS = 50_000


def _automaton(patterns: list, as_bytes: bool):
    import ahocorasick_rs

    impl = ahocorasick_rs.Implementation.DFA if len(patterns) <= _DFA_MAX_PATTERNS else None
    cls = ahocorasick_rs.BytesAhoCorasick if as_bytes else ahocorasick_rs.AhoCorasick
    return cls(patterns, implementation=impl)


def _latin_key(key: str) -> bytes | None:
    """The key as folded-view bytes, or None when it must be matched on the text view."""
    try:
        b = key.encode("latin-1")
    except UnicodeEncodeError:
        return None
    if b"\xaa" in b or b"\xac" in b or b"\x00" in b:   # the stand-ins and the barrier
        return None
    return b


class CompiledLexicon:
    """A lexicon compiled into Aho-Corasick automata (case-insensitive and case-sensitive).

    Entries whose characters are all Latin-1 (nearly all, in English and Western European
    lexicons) are searched in :class:`FoldedText` ``words`` with the token boundaries
    written into the patterns, and checked against ``view`` when the entry holds
    anything other than letters and digits; other entries are searched in the text view
    with the boundaries checked per candidate.
    """

    def __init__(self, lexicon: Lexicon, *, text_view_only: bool = False):
        # text_view_only: match every entry on the text view, the plain path (tests
        # compare the two paths on random texts)
        self.lexicon = lexicon
        groups: dict[tuple[str, bool, bool], list[tuple[str, str]]] = {}
        for e in lexicon.entries:
            key = normalise_term(e.term, e.case_sensitive)
            if not key:
                continue
            g = groups.setdefault((key, e.is_glob, e.case_sensitive), [])
            if (e.term, e.category) not in g:
                g.append((e.term, e.category))
        self.targets: list[_Target] = []
        # per case mode: folded pattern -> [(target, key length, key bytes to check in view or None, glob)]
        folded: dict[bool, dict[bytes, list[tuple[int, int, bytes | None]]]] = {False: {}, True: {}}
        text_keys: dict[bool, dict[str, list[int]]] = {False: {}, True: {}}
        for (key, glob, cs), rows in groups.items():
            tid = len(self.targets)
            self.targets.append(_Target(key, glob, tuple(rows)))
            kb = None if text_view_only else _latin_key(key)
            if kb is None:
                text_keys[cs].setdefault(key, []).append(tid)
                continue
            kw = kb.translate(_T_WORDS)
            pattern = b" " + kw + (b"" if glob else b" ")
            folded[cs].setdefault(pattern, []).append((tid, len(key), kb if b" " in kw else None, glob))
        self._folded = {}
        self._text = {}
        for cs in (False, True):
            if folded[cs]:
                pats = list(folded[cs])
                # a pattern of one plain word or phrase (no glob, no check) is just its target
                slots = [sl[0][0] if len(sl) == 1 and sl[0][2] is None and not sl[0][3] else sl
                         for sl in (folded[cs][p] for p in pats)]
                self._folded[cs] = (_automaton(pats, True), slots)
            if text_keys[cs]:
                keys = list(text_keys[cs])
                self._text[cs] = (_automaton(keys, False), [(len(k), text_keys[cs][k]) for k in keys])
        self.needs_cased = True in self._folded or True in self._text
        self.entry_keys = {t.key for t in self.targets}

    def fold(self, text: str) -> FoldedText:
        return FoldedText(text, cased=self.needs_cased)

    def find(self, folded: FoldedText | str) -> list[tuple[int, int, int]]:
        """Leftmost-longest, non-overlapping hits as (view_start, view_end, target index)."""
        if isinstance(folded, str):
            folded = self.fold(folded)
        return [(start, -neg_end, tid) for start, neg_end, _, tid in self._select(folded)]

    def _select(self, folded: FoldedText) -> list[tuple[int, int, int, int]]:
        """:meth:`find`'s hits as ``(view_start, -view_end, -key length, target)`` (no copies)."""
        cands: list[tuple[int, int, int, int]] = []
        append = cands.append
        for cs, (auto, slots) in self._folded.items():
            words, view = (folded.words_cased, folded.view_cased) if cs else (folded.words, folded.view)
            if words is None:
                continue
            for pid, s, e in auto.find_matches_as_indexes(words, overlapping=True):
                # words[s] is the boundary before the key (words is the view shifted by one)
                sl = slots[pid]
                if type(sl) is int:   # " key ": the key spans view[s:e - 2]
                    append((s, 2 - e, s + 2 - e, sl))
                    continue
                for tid, klen, check, glob in sl:
                    if check is not None and view[s:s + klen] != check:
                        continue
                    append((s, -(words.find(b" ", s + 1 + klen) - 1 if glob else s + klen), -klen, tid))
        if self._text:
            self._find_text(folded.text_view(), cands)
        if not cands:
            return []
        cands.sort()
        out: list[tuple[int, int, int, int]] = []
        last_end = -1
        for c in cands:
            if c[0] >= last_end:
                out.append(c)
                last_end = -c[1]
        return out

    def _find_text(self, view: TextView, cands: list) -> None:
        """Candidates of the entries matched on the text view (characters beyond Latin-1)."""
        for cs, (auto, slots) in self._text.items():
            hay = view.cased if cs else view.lower
            if hay is None:
                continue
            n = len(hay)
            for pid, start, after in auto.find_matches_as_indexes(hay, overlapping=True):
                if start > 0 and hay[start - 1].isalnum():
                    continue
                length, ids = slots[pid]
                boundary = after >= n or not hay[after].isalnum()
                for tid in ids:
                    if self.targets[tid].glob:
                        end = _WORD_TAIL.match(hay, after).end()
                    elif boundary:
                        end = after
                    else:
                        continue
                    cands.append((start, -end, -length, tid))


_COMPILED: dict[int, tuple[Lexicon, CompiledLexicon]] = {}


def compile_lexicon(lexicon: Lexicon) -> CompiledLexicon:
    """Compile (and cache, per lexicon object) the automata of a lexicon."""
    hit = _COMPILED.get(id(lexicon))
    if hit is not None and hit[0] is lexicon:
        return hit[1]
    compiled = CompiledLexicon(lexicon)
    if len(_COMPILED) > 64:
        _COMPILED.clear()
    _COMPILED[id(lexicon)] = (lexicon, compiled)
    return compiled


def find_hits(text: str, lexicon: Lexicon | CompiledLexicon) -> list[tuple[int, int, str, str]]:
    """Hits of one lexicon in one text: ``(start, end, entry, category)`` with original offsets.

    Examples:
        >>> from mediabias.lexicon import Entry, Lexicon
        >>> lex = Lexicon("demo", (Entry("Iran-backed", "sponsorship"), Entry("pretext*", "distancing")))
        >>> find_hits("An Iran backed group; pretexts.", lex)
        [(3, 14, 'Iran-backed', 'sponsorship'), (22, 30, 'pretext*', 'distancing')]
    """
    comp = lexicon if isinstance(lexicon, CompiledLexicon) else compile_lexicon(lexicon)
    folded = comp.fold(text)
    hits = comp._select(folded)
    targets = comp.targets
    if not folded.shift_at:   # no collapsed runs: view offsets are text offsets
        return [(s, -ne, entry, category) for s, ne, _, tid in hits for entry, category in targets[tid].rows]
    out = []
    for s, ne, _, tid in hits:
        os_, oe = folded.to_original(s), folded.to_original(-ne - 1) + 1
        for entry, category in targets[tid].rows:
            out.append((os_, oe, entry, category))
    return out


# Texts are matched in batches joined by two barrier characters: a token boundary, a
# paragraph barrier (no entry spans it) and a sentence end (no hedge window crosses it),
# so a joined batch gives every text exactly its own hits, with one fold and one scan
# per batch instead of per text. Lexicons with entries beyond Latin-1 are matched text
# by text (their lower-casing can depend on the neighbouring characters).
_TEXT_JOIN = _BARRIER * 2
_BATCH_CHARS = 1 << 20


def _batches(texts: Sequence[str], limit: int = _BATCH_CHARS):
    """Lists of consecutive indexes of ``texts`` of about ``limit`` characters each."""
    batch: list[int] = []
    size = 0
    for i, t in enumerate(texts):
        if batch and size + len(t) > limit:
            yield batch
            batch, size = [], 0
        batch.append(i)
        size += len(t) + len(_TEXT_JOIN)
    if batch:
        yield batch


def _joined(texts: Sequence[str]) -> tuple[str, list[int]]:
    """The texts joined for batch matching, and where each one starts in the result."""
    starts = []
    pos = 0
    for t in texts:
        starts.append(pos)
        pos += len(t) + len(_TEXT_JOIN)
    return _TEXT_JOIN.join(texts), starts


def _by_text(folded: FoldedText, hits: list[tuple], starts: list[int]):
    """Yield ``(text number, start, end, hit)`` for hits of a joined text, in order,
    with ``start, end`` offsets into that text."""
    shifted = bool(folded.shift_at)
    to_original = folded.to_original
    k, last = 0, len(starts) - 1
    base, nxt = 0, starts[1] if last else None
    for h in hits:   # in order of start
        if shifted:
            os_, oe = to_original(h[0]), to_original(-h[1] - 1) + 1
        else:
            os_, oe = h[0], -h[1]
        while nxt is not None and os_ >= nxt:
            k += 1
            base, nxt = nxt, starts[k + 1] if k < last else None
        yield k, os_ - base, oe - base, h


def _batch_hits(texts: Sequence[str], compiled: Sequence[CompiledLexicon]):
    """Hits of each compiled lexicon in ``texts``, matched as one joined text.

    Returns the folded joined text and, per text, its hits as
    ``(lexicon index, view start, view end, start, end, target)`` with ``start, end``
    offsets into the text itself and ``view start, view end`` into the joined view.
    """
    big, starts = _joined(texts)
    folded = FoldedText(big, cased=any(c.needs_cased for c in compiled))
    per: list[list[tuple]] = [[] for _ in texts]
    for li, comp in enumerate(compiled):
        for k, os_, oe, h in _by_text(folded, comp._select(folded), starts):
            per[k].append((li, h[0], -h[1], os_, oe, h[3]))
    return folded, per


def find_hits_many(texts: Sequence[str], lexicon: Lexicon | CompiledLexicon) -> list[list[tuple[int, int, str, str]]]:
    """:func:`find_hits` for many texts at once (faster: texts are matched in batches).

    Examples:
        >>> from mediabias.lexicon import Entry, Lexicon
        >>> lex = Lexicon("demo", (Entry("Iran-backed", "sponsorship"),))
        >>> find_hits_many(["An Iran backed group", "", "iran-backed"], lex)
        [[(3, 14, 'Iran-backed', 'sponsorship')], [], [(0, 11, 'Iran-backed', 'sponsorship')]]
    """
    comp = lexicon if isinstance(lexicon, CompiledLexicon) else compile_lexicon(lexicon)
    if comp._text:
        return [find_hits(t, comp) for t in texts]
    targets = comp.targets
    out: list[list[tuple[int, int, str, str]]] = []
    for idx in _batches(texts):
        big, starts = _joined([texts[i] for i in idx])
        folded = comp.fold(big)
        per: list[list[tuple[int, int, str, str]]] = [[] for _ in idx]
        for k, s, e, h in _by_text(folded, comp._select(folded), starts):
            for entry, category in targets[h[3]].rows:
                per[k].append((s, e, entry, category))
        out.extend(per)
    return out


# --------------------------------------------------------------------------- hedges

def _load_hedge_cues() -> dict[int, frozenset[tuple[str, ...]]]:
    """Distancing cues from ``resources/hedge_cues.txt``, as token tuples grouped by length."""
    by_len: dict[int, set[tuple[str, ...]]] = {}
    for line in (paths.RESOURCES_DIR / "hedge_cues.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            cue = tuple(normalise_term(line).split())
            by_len.setdefault(len(cue), set()).add(cue)
    return {n: frozenset(c) for n, c in sorted(by_len.items())}


_HEDGE_CUES: dict[int, frozenset[tuple[str, ...]]] | None = None
_HEDGE_WORDS: frozenset[str] = frozenset()
_HEDGE_MAX = 0
_VIEW_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_SENTENCE_END = re.compile(r"[.!?;:\x00]")


def is_hedged_by_cue(view_text: str, start: int, end: int) -> bool:
    """True when a distancing cue starts the hit or stands among the 3 tokens before it (same sentence)."""
    global _HEDGE_CUES, _HEDGE_WORDS, _HEDGE_MAX
    if _HEDGE_CUES is None:
        _HEDGE_CUES = _load_hedge_cues()
        _HEDGE_WORDS = frozenset(w for cues in _HEDGE_CUES.values() for cue in cues for w in cue)
        _HEDGE_MAX = max(_HEDGE_CUES, default=0)
    first = tuple(_VIEW_TOKEN.findall(view_text[start:end]))
    window = view_text[max(0, start - 80):start]
    cut = max((m.end() for m in _SENTENCE_END.finditer(window)), default=0)
    before = tuple(_VIEW_TOKEN.findall(window[cut:]))
    # no word of any cue among the tokens a cue could occupy: not hedged (most hits)
    if _HEDGE_WORDS.isdisjoint(first[:_HEDGE_MAX]) and _HEDGE_WORDS.isdisjoint(before[-(_HEDGE_MAX + 2):]):
        return False
    for n, cues in _HEDGE_CUES.items():
        if len(first) > n and first[:n] in cues:
            return True
        for gap in range(0, 3):  # the cue ends 0, 1 or 2 tokens before the hit
            stop = len(before) - gap
            if stop - n >= 0 and before[stop - n:stop] in cues:
                return True
    return False


# --------------------------------------------------------------------------- the ledger

def _as_lexicons(lexicons) -> list[Lexicon]:
    if lexicons is None:
        from .lexicon import list_lexicons

        return [load_lexicon(n) for n in list_lexicons()]
    if isinstance(lexicons, (Lexicon, str)) or hasattr(lexicons, "__fspath__"):
        lexicons = [lexicons]
    return [load_lexicon(x) for x in lexicons]


class _Lazy:
    """A value computed on first call and kept."""

    def __init__(self, fn):
        self.fn, self.done, self.value = fn, False, None

    def __call__(self):
        if not self.done:
            self.value, self.done = self.fn(), True
        return self.value


def _ledger_rows(doc_id, outlet, text: str, hits: list[tuple], compiled: Sequence[CompiledLexicon], view_lower,
                 sentence_starts: Sequence[int] | None = None, quotes=None) -> list[tuple]:
    """Ledger rows for one article from its hits (see :func:`_batch_hits`); ``view_lower()``
    gives the lower-case text view the hits' view offsets point into."""
    from .text import find_quotes, split_sentences

    if not hits:
        return []
    if sentence_starts is None:
        sentence_starts = [s for s, _ in split_sentences(text)]
    if quotes is None:
        quotes = find_quotes(text)
    q_starts = [q.start for q in quotes]
    rows: list[tuple] = []
    for li, s, e, os_, oe, tid in hits:
        comp = compiled[li]
        voice, scare = "outlet", False
        k = bisect_right(q_starts, os_ - 1) - 1   # the last quote opening before the hit
        if k >= 0 and oe <= quotes[k].end:        # quotes do not overlap: only it can hold the hit
            if quotes[k].kind == "scare":
                scare = True
            else:
                voice = "quoted"
        hedged = scare or is_hedged_by_cue(view_lower(), s, e)
        sid = bisect_right(sentence_starts, os_) - 1
        surface = text[os_:oe]
        for entry, category in comp.targets[tid].rows:
            rows.append((doc_id, outlet, max(sid, 0), os_, oe, surface, entry, category,
                         comp.lexicon.name, voice, hedged))
    rows.sort(key=lambda r: (r[3], r[4], r[8], r[7], r[6]))
    return rows


def match_text(doc_id: str, outlet: str, text: str, compiled: Sequence[CompiledLexicon],
               sentence_starts: Sequence[int] | None = None, quotes=None) -> list[tuple]:
    """Ledger rows (in :data:`MATCH_COLUMNS` order) for one article."""
    if not compiled:
        return []
    folded = FoldedText(text, cased=any(c.needs_cased for c in compiled))
    hits = []
    for li, comp in enumerate(compiled):
        for s, e, tid in comp.find(folded):
            hits.append((li, s, e, folded.to_original(s), folded.to_original(e - 1) + 1, tid))
    return _ledger_rows(doc_id, outlet, text, hits, compiled, lambda: folded.text_view().lower,
                        sentence_starts, quotes)


def match_lexicon(articles: pd.DataFrame, lexicons=None, sentences: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every hit of every entry of the lexicons in every article: the ledger.

    Args:
        articles: one row per article with ``doc_id``, ``outlet`` and ``text``.
        lexicons: a :class:`~mediabias.lexicon.Lexicon`, a bundled name, a path, or
            a list of them; default: all bundled lexicons.
        sentences: optional sentence table (``doc_id, sentence_id, start``) to
            reuse; computed with :func:`mediabias.text.split_sentences` otherwise.

    Returns:
        One row per hit (per category, for terms in several categories), columns
        :data:`MATCH_COLUMNS`; rows ordered by article (input order), then offset.
        ``text[start:end] == surface`` holds on every row. The input is not changed.

    Examples:
        >>> import pandas as pd
        >>> arts = pd.DataFrame({"doc_id": ["d1"], "outlet": ["X"],
        ...     "text": ['Troops moved under the pretext of "cutting off" the alleged tunnels.']})
        >>> m = match_lexicon(arts, "loaded_terms")
        >>> m[["surface", "voice", "hedged"]].values.tolist()[-1]
        ['alleged tunnels', 'outlet', True]
    """
    compiled = [compile_lexicon(x) for x in _as_lexicons(lexicons)]
    starts_by_doc: dict[str, list[int]] = {}
    if sentences is not None and len(sentences):
        for doc, grp in sentences.sort_values(["doc_id", "sentence_id"]).groupby("doc_id", sort=False):
            starts_by_doc[doc] = grp["start"].tolist()
    rows: list[tuple] = []
    docs, outlets = articles["doc_id"].tolist(), articles["outlet"].tolist()
    texts = [t if isinstance(t, str) else "" for t in articles["text"]]
    if any(c._text for c in compiled):
        for doc_id, outlet, text in zip(docs, outlets, texts):
            rows.extend(match_text(doc_id, outlet, text, compiled, starts_by_doc.get(doc_id)))
    elif compiled:
        for idx in _batches(texts):
            folded, per = _batch_hits([texts[i] for i in idx], compiled)
            view_lower = _Lazy(lambda f=folded: f.text_view().lower)
            for i, hits in zip(idx, per):
                rows.extend(_ledger_rows(docs[i], outlets[i], texts[i], hits, compiled, view_lower,
                                         starts_by_doc.get(docs[i])))
    out = pd.DataFrame(rows, columns=MATCH_COLUMNS)
    return out.astype({"sentence_id": "int64", "start": "int64", "end": "int64", "hedged": "bool"})


def unmatched_entries(matches: pd.DataFrame, lexicons=None) -> pd.DataFrame:
    """Entries that never matched in the corpus: ``lexicon, category, entry``.

    Examples:
        >>> import pandas as pd
        >>> from mediabias.lexicon import Entry, Lexicon
        >>> lex = Lexicon("demo", (Entry("pretext", "a"), Entry("boasted", "b")))
        >>> m = match_lexicon(pd.DataFrame({"doc_id": ["d"], "outlet": ["o"], "text": ["He boasted."]}), lex)
        >>> unmatched_entries(m, lex).values.tolist()
        [['demo', 'a', 'pretext']]
    """
    seen = set(zip(matches["lexicon"], matches["category"], matches["entry"]))
    rows = [(lex.name, e.category, e.term) for lex in _as_lexicons(lexicons) for e in lex.entries
            if (lex.name, e.category, e.term) not in seen]
    return pd.DataFrame(rows, columns=["lexicon", "category", "entry"])


def kwic(matches: pd.DataFrame, articles: pd.DataFrame, window: int = 60) -> pd.DataFrame:
    """Keyword-in-context lines for ledger rows: ``left``, ``keyword``, ``right`` (plain text).

    ``window`` characters on each side, cut at whitespace, line breaks shown as
    spaces. The text is not HTML-escaped here; renderers escape it.

    Examples:
        >>> import pandas as pd
        >>> arts = pd.DataFrame({"doc_id": ["d"], "outlet": ["o"], "text": ["They boasted of it."]})
        >>> m = pd.DataFrame({"doc_id": ["d"], "start": [5], "end": [12], "surface": ["boasted"],
        ...                   "entry": ["boasted"], "outlet": ["o"]})
        >>> kwic(m, arts, window=10)[["left", "keyword", "right"]].values.tolist()
        [['They', 'boasted', 'of it.']]
    """
    texts = dict(zip(articles["doc_id"], articles["text"]))
    left, key, right = [], [], []
    for doc, s, e in zip(matches["doc_id"], matches["start"], matches["end"]):
        t = texts.get(doc, "")
        lo = t[max(0, s - window):s]
        hi = t[e:e + window]
        if s - window > 0 and " " in lo:
            lo = lo[lo.index(" ") + 1:]
        if e + window < len(t) and " " in hi:
            hi = hi[:hi.rindex(" ")]
        left.append(" ".join(lo.split()))
        key.append(" ".join(t[s:e].split()))
        right.append(" ".join(hi.split()))
    out = matches.copy()
    out["left"], out["keyword"], out["right"] = left, key, right
    return out
