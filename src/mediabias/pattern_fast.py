"""Fast, bit-exact replacement for TextBlob's default sentiment of a string.

``pattern_sentiment(text)`` returns ``(polarity, subjectivity)`` equal, float for float,
to ``textblob.en.sentiment(text)[:2]``, which is what ``TextBlob(text).sentiment``
returns with the default ``PatternAnalyzer``. It avoids most of the library's per-call
and per-token Python overhead, so it is several times faster on news prose
(``benchmarks/bench_sentiment.py`` measures it).

What TextBlob computes
----------------------
TextBlob tokenises the string, lower-cases every token and walks the tokens once with
a little state: a list of assessments of known words (polarity, subjectivity,
intensity, negated or not), whether a modifier (a known adverb) and a negation are
pending. Unknown tokens matter only through their length (a long one ends a pending
modifier or negation) and when they are a negation, ``!`` (boosts the last
assessment), the sarcasm mark ``(!)`` or an emoticon. Polarity and subjectivity are the
plain means of the assessments.

Why the floats are the same
---------------------------
* No word data is copied into this project: it is read at import time from the loaded
  ``textblob.en.sentiment`` object (lexicon entries for the part-of-speech key ``None``,
  its ``modifiers``, ``modifier`` predicate and ``negations``) and from
  ``textblob._text`` (punctuation, abbreviations and abbreviation patterns, emoticons,
  the sarcasm and emoticon regular expressions).
* The arithmetic is the same operations in the same order: ``p * intensity`` clipped
  with ``max(-1.0, min(x, 1.0))``, ``1.0 / i`` for a negation, ``* 1.25`` for ``!``,
  ``p * -0.5`` for negated assessments, left-to-right sums starting from the int 0,
  division by ``float(count or 1)``.
* Tokens: of the library's seven contraction substitutions only ``n't`` -> `` n't``
  changes a token (the others put a space before an apostrophe that gets spaces around
  it anyway), so only that one is applied (case-sensitive, like the library). Quote
  characters get spaces around them, whitespace runs separate tokens (``str.split``
  uses the same whitespace set as the library's ``\\s``), and each token is split into
  leading punctuation, a core and trailing punctuation / ``...`` / ``.`` under the
  library's abbreviation rules (``U.S.``, ``Mr.``, ``e.g.``). Each distinct raw token's
  lower-cased pieces are classified once and cached (known word, negation, ``!``,
  emoticon, or inert unknown token of some length).
* Paragraph breaks (``\\n\\n``) only start new sentences; the library deletes its
  END-OF-SENTENCE markers again, so the token sequence does not depend on them.
  Sentences matter only for the two regular expressions the library runs on each of
  them (sarcasm ``( ! )`` -> ``(!)``; emoticons spelled with spaces, ``: )`` -> ``:)``,
  which also turns ``(2018)`` into the tokens ``(`` ``2018)``). A conservative check on
  the raw text (the emoticon's characters with optional whitespace between them and,
  unless it ends in punctuation, followed by something that ends a token) says whether
  either could match. If neither can, sentences are skipped altogether (fast path).
  Otherwise the careful path rebuilds the library's sentences (end marks, with closing
  quotes, brackets and repeated marks kept with the sentence before) and applies the
  library's own compiled regular expressions to each of them, so even the alternation
  order of the emoticon pattern (which depends on set iteration order) is shared.

When it falls back
------------------
``textblob.en.sentiment(text)`` itself computes the result (trivially exact) for

* anything that is not a ``str`` (the library treats other objects differently);
* text containing the literal ``END-OF-SENTENCE``, the library's internal paragraph
  marker, which it deletes wherever it appears.

``path_counts()`` reports how many texts took the fallback and the careful path.
"""

from __future__ import annotations

import re

from textblob import _text as _tb
from textblob.en import sentiment as _library_sentiment

__all__ = ["pattern_sentiment", "pattern_sentiments", "path_counts"]

_EOS = _tb.EOS
_LEAD = frozenset(_tb.PUNCTUATION.replace(".", ""))   # split off the front of a token
_TRAIL = frozenset(_tb.PUNCTUATION)                   # split off the end ("." unless an abbreviation)
_QUOTES = ("\u201c", "\u201d", "\u2018", "\u2019", "'", '"')
_ABBREVIATIONS = frozenset(_tb.ABBREVIATIONS)
_ABBR_PATTERNS = (_tb.RE_ABBR1.match, _tb.RE_ABBR2.match, _tb.RE_ABBR3.match)
_RE_SARCASM = _tb.RE_SARCASM
_RE_EMOTICONS = _tb.RE_EMOTICONS
# A sentence ends at one of these, and keeps what follows of the second set (never the
# quotes ' and ": the library checks their balance on the still-empty next sentence).
_SENTENCE_END = frozenset(("...", ".", "!", "?", _EOS))
_SENTENCE_TAIL = frozenset(("\u201d", "\u2019", "...", ".", "!", "?", ")", _EOS))


# ----------------------------------------------------------------- token entries
#
# Every lower-cased token is described by one tuple:
#   (_KNOWN, p, s, i, is_modifier, modifier_passes_ly_rule, is_negation)
#   (_SPECIAL, is_negation, is_bang, is_irony, emoticon_polarity_or_None, long1, long2)
#   (_INERT, long1, long2)
# long1 = len(w.strip("'")) > 1 (ends a pending negation), long2 = len(w) > 2 (ends a
# pending modifier).

_INERT, _KNOWN, _SPECIAL = 0, 1, 2


def _lengths(w: str) -> tuple[bool, bool]:
    return len(w.strip("'")) > 1, len(w) > 2


def _build_table() -> dict[str, tuple]:
    lib = _library_sentiment
    "good" in lib  # noqa: B015 -- a lazydict: the first lookup loads the XML lexicon
    negations = frozenset(lib.negations)
    modifier_tags = tuple(lib.modifiers)
    table: dict[str, tuple] = {}
    # Unknown tokens with an effect of their own. The library looks emoticons up only
    # for tokens that pass its pre-filter, and the first kind (in dict order) wins.
    emoticons: dict[str, float] = {}
    for (_kind, polarity), faces in _tb.EMOTICONS.items():
        for face in faces:
            w = face.lower()
            if w.isalpha() is False and len(w) <= 5 and w not in _tb.PUNCTUATION:
                emoticons.setdefault(w, polarity)
    for w in set(negations) | {"!", "(!)"} | set(emoticons):
        table[w] = (_SPECIAL, w in negations, w == "!", w == "(!)", emoticons.get(w)) + _lengths(w)
    # Known words (plain strings are looked up with part-of-speech None); they take
    # precedence, as in the library.
    for w, by_pos in dict.items(lib):
        if None not in by_pos:
            continue
        p, s, i = by_pos[None]
        is_mod = any(tag in by_pos for tag in modifier_tags)
        table[w] = (_KNOWN, p, s, i, is_mod, bool(is_mod and lib.modifier(w)), w in negations)
    return table


_TABLE = _build_table()
# One-entry tuples, shared, for whole tokens.
_ONE = {w: (e,) for w, e in _TABLE.items()}
_INERT_ONE = {k: ((_INERT,) + k,) for k in ((a, b) for a in (False, True) for b in (False, True))}
_INERT_LONG = _INERT_ONE[(True, True)]    # the usual unknown word: ends anything pending
_INERT_SHORT = _INERT_ONE[(True, False)]  # a two-letter unknown word: ends a pending negation


def _word_entries(w: str) -> tuple:
    """Entries for one final, lower-cased token."""
    r = _ONE.get(w)
    if r is None:
        r = _INERT_ONE[_lengths(w)]
    return r


# ------------------------------------------------------------------------ tokens

def _is_abbreviation(t: str) -> bool:
    if t in _ABBREVIATIONS:
        return True
    for match in _ABBR_PATTERNS:
        if match(t) is not None:
            return True
    return False


def _split_token(t: str) -> list[str]:
    """Pieces of one whitespace-free token that starts or ends with punctuation."""
    out = []
    k = 0
    while k < len(t) and t[k] in _LEAD:
        out.append(t[k])
        k += 1
    t = t[k:]
    tail = []
    while t and t[-1] in _TRAIL:
        if t[-1] in _LEAD:
            tail.append(t[-1])
            t = t[:-1]
        if t.endswith("..."):
            tail.append("...")
            t = t[:-3].rstrip(".")
        if t.endswith("."):
            if _is_abbreviation(t):
                break
            tail.append(".")
            t = t[:-1]
    if t:
        out.append(t)
    out.extend(reversed(tail))
    return out


def _pieces(t: str) -> list[str]:
    if t[0] in _LEAD or t[-1] in _TRAIL:
        return _split_token(t)
    return [t]


_RAW: dict[str, tuple] = {}     # raw token (original case) -> entries of its pieces
_RAW_MAX = 300_000


def _raw_entries(t: str) -> tuple:
    pieces = _pieces(t)
    if len(pieces) == 1:
        r = _word_entries(pieces[0].lower())
    else:
        r = tuple(_word_entries(p.lower())[0] for p in pieces)
        # "said," acts like "said": once a long unknown word has ended everything
        # pending, further unknown pieces change nothing
        if r[0] is _INERT_LONG[0] and all(e[0] == _INERT for e in r):
            r = _INERT_LONG
    if len(_RAW) >= _RAW_MAX:
        _RAW.clear()
    _RAW[t] = r
    return r


def _prepare(text: str) -> str:
    """The library's contraction and quote spacing (only the steps that change tokens)."""
    if "n't" in text:
        text = text.replace("n't", " n't")
    for q in _QUOTES:
        if q in text:
            text = text.replace(q, " " + q + " ")
    return text


def _careful_tokens(text: str) -> list[str]:
    """Final lower-cased tokens via the library's sentences and its two substitutions."""
    text = text.replace("\r\n", "\n")
    if "\n\n" in text:
        text = re.sub(r"\n{2,}", " %s " % _EOS, text)
    tokens = [p for t in text.split() for p in _pieces(t)]
    sentences = []
    current: list[str] = []
    k, n = 0, len(tokens)
    while k < n:
        t = tokens[k]
        if t in _SENTENCE_END:
            while k < n and tokens[k] in _SENTENCE_TAIL:
                if tokens[k] != _EOS:
                    current.append(tokens[k])
                k += 1
            if current:
                sentences.append(current)
            current = []
        else:
            current.append(t)
            k += 1
    if current:
        sentences.append(current)
    out = []
    for s in sentences:
        s = _RE_SARCASM.sub("(!)", " ".join(s))
        out.append(_RE_EMOTICONS.sub(_glue_emoticon, s))
    return [t.lower() for t in " ".join(out).split()]


def _glue_emoticon(m: re.Match) -> str:
    return m.group(1).replace(" ", "") + m.group(2)


# ----------------------------------------------------- could a regex substitution apply?

def _regex_guards() -> tuple:
    """(character, searches) pairs: the library's sarcasm or emoticon substitution can
    change a text only if, for some pair, the character occurs in it and every search
    matches it. Conservative: raw characters may be separated by any whitespace, and an
    emoticon that does not end in punctuation must be followed by something that ends
    a token."""
    token_end = "".join(sorted(_TRAIL | set(_QUOTES)))
    ends_token = r"(?=[\s%s]|n't|$)" % re.escape(token_end)
    trie: dict = {}
    for faces in _tb.EMOTICONS.values():
        for face in faces:
            node = trie
            for ch in face:
                node = node.setdefault(ch, {})
            node[""] = {}

    def alternatives(node: dict, last: str) -> str:
        alts = []
        for ch in sorted(k for k in node if k):
            rest = alternatives(node[ch], ch)
            alts.append(re.escape(ch) + (r"\s*" + rest if rest else ""))
        if "" in node:
            alts.append("" if last in _TRAIL else ends_token)
        if len(alts) == 1:
            return alts[0]
        return "(?:" + "|".join(alts) + ")"

    guards = [("!", (re.compile(r"\(\s*!\s*\)").search,))]
    for first in sorted(trie):
        searches = []
        lasts = {face[-1] for faces in _tb.EMOTICONS.values() for face in faces if face[0] == first}
        if len(lasts) == 1 and not lasts <= _TRAIL:
            # e.g. "o.O", "o_O": first look for the (rarer) last character ending a token
            searches.append(re.compile(re.escape(lasts.pop()) + ends_token).search)
        searches.append(re.compile(re.escape(first) + r"\s*" + alternatives(trie[first], first)).search)
        guards.append((first, tuple(searches)))
    return tuple(guards)


_GUARDS = _regex_guards()


def _needs_sentences(text: str) -> bool:
    for ch, searches in _GUARDS:
        if ch in text:
            for search in searches:
                if search(text) is None:
                    break
            else:
                return True
    return False


# ------------------------------------------------------------------------ scoring

_counts = {"fallback": 0, "careful": 0}


def path_counts() -> dict[str, int]:
    """How many texts took the library fallback / the careful path since import."""
    return dict(_counts)


def _score(tokens, cached, classify) -> tuple[float, float]:
    """The assessment walk over tokens (``cached(t)``/``classify(t)`` give each
    token's entries), then the two means."""
    inert_long, inert_short = _INERT_LONG, _INERT_SHORT
    a: list[list] = []   # assessments: [polarity, subjectivity, intensity, 1 or -1 (negated)]
    m = False            # a modifier (known adverb) is pending
    m_ly = False         # ... and it passes the "-ly" rule
    n = False            # a negation is pending
    for t in tokens:
        es = cached(t)
        if es is None:
            es = classify(t)
        if es is inert_long:
            m = n = False
            continue
        if es is inert_short:
            n = False
            continue
        for e in es:
            kind = e[0]
            if kind == _INERT:
                if n and e[1]:
                    n = False
                if n and m and m_ly:
                    a[-1][3] = -1
                    n = False
                elif m and e[2]:
                    m = False
            elif kind == _KNOWN:
                _, p, s, i, is_mod, mod_ly, is_neg = e
                if not m:
                    last = [p, s, i, 1]
                    a.append(last)
                else:
                    last = a[-1]
                    li = last[2]
                    last[0] = max(-1.0, min(p * li, +1.0))
                    last[1] = max(-1.0, min(s * li, +1.0))
                    last[2] = i
                if n:
                    last[2] = 1.0 / last[2]
                    last[3] = -1
                m, m_ly, n = is_mod, mod_ly, is_neg
            else:
                _, is_neg, is_bang, is_irony, emo, long1, long2 = e
                if is_neg:
                    n = True
                elif n and long1:
                    n = False
                if n and m and m_ly:
                    a[-1][3] = -1
                    n = False
                elif m and long2:
                    m = False
                if is_bang and a:
                    last = a[-1]
                    last[0] = max(-1.0, min(last[0] * 1.25, +1.0))
                if is_irony:
                    a.append([0.0, 1.0, 1.0, 1])
                if emo is not None:
                    a.append([emo, 1.0, 1.0, 1])
    sp = 0
    ss = 0
    for p, s, _i, neg in a:
        sp += p * -0.5 if neg < 0 else p
        ss += s
    k = float(len(a) or 1)
    return sp / k, ss / k


def pattern_sentiment(text: str) -> tuple[float, float]:
    """``(polarity, subjectivity)``, bit-identical to ``textblob.en.sentiment(text)[:2]``."""
    if type(text) is not str:
        if not isinstance(text, str):
            _counts["fallback"] += 1
            r = _library_sentiment(text)
            return float(r[0]), float(r[1])
        text = str(text)
    if _EOS in text:
        _counts["fallback"] += 1
        r = _library_sentiment(text)
        return float(r[0]), float(r[1])
    if _needs_sentences(text):
        _counts["careful"] += 1
        return _score(_careful_tokens(_prepare(text)), _ONE.get, _word_entries)
    return _score(_prepare(text).split(), _RAW.get, _raw_entries)


def pattern_sentiments(texts) -> tuple[list[float], list[float]]:
    """Polarity and subjectivity lists for many texts (repeated texts are scored once)."""
    seen: dict[str, tuple[float, float]] = {}
    pol: list[float] = []
    subj: list[float] = []
    for t in texts:
        r = seen.get(t) if type(t) is str else None
        if r is None:
            r = pattern_sentiment(t)
            if type(t) is str:
                seen[t] = r
        pol.append(r[0])
        subj.append(r[1])
    return pol, subj
