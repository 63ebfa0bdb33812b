"""Exact, faster VADER compound scores.

:func:`vader_compound` returns exactly (bit for bit)
``SentimentIntensityAnalyzer().polarity_scores(text)["compound"]`` of the installed
``vaderSentiment`` (3.3.2), about 4-7x faster on news sentences
(``benchmarks/bench_vader.py``); :func:`vader_compounds` scores a list. No VADER
data is copied: the lexicon, the emoji descriptions and the rule constants
(``BOOSTER_DICT``, ``NEGATE``, ``SPECIAL_CASES``, ``N_SCALAR``, ``C_INCR``) are read
at import time from the installed package (one analyzer instance and the module's
globals).

Where the library spends its time
    ``polarity_scores`` rebuilds the text character by character to swap emoji for
    their descriptions, lowercases every word several times per lexicon word (the
    negation and idiom checks each lowercase the *whole* token list again), scans
    ``NEGATE`` as a list, and computes positive/negative/neutral shares we never use.

What this module does instead
    * Emoji: a text in which no character is a (single-character) emoji key is left
      as it is; the library's loop is then the identity. ASCII text cannot hold one
      (every single-character key is non-ASCII; checked at import), else a regex
      over a few wide code-point ranges around the keys finds candidates, which are
      confirmed against the key set (an exact 1,200-character class is a slow scan
      in ``re``). When there are emoji, a regex substitution reproduces the loop's
      rule: the description replaces the character, preceded by one space unless
      the character starts the text or follows a ``" "``. (Multi-character keys
      never match in the library's per-character loop, so they are ignored here too.)
    * Tokens: ``text.split()``, each token stripped of ``string.punctuation`` unless
      that leaves two characters or fewer (then the token is kept whole), as VADER's
      ``SentiText`` does; each token is lowercased once (an ASCII text is lowercased
      whole before splitting, which is the same thing for ASCII). ``isupper()`` is
      read on the unstripped tokens: the stripped characters are uncased.
    * Only lexicon words carry valence. A token whose lowercase form is not a
      lexicon key contributes 0 in the library (``sentiment_valence`` appends the
      initial 0), boosters and "kind" before "of" contribute 0, and every other rule
      (negation, boosters, caps, "least", idioms, "but") only rescales or replaces
      the valence *of a lexicon word*; a sum of zeros scores 0.0 without
      punctuation emphasis. So a text without any lexicon token scores 0.0 after a
      single pass of dict look-ups; otherwise only the lexicon tokens are
      evaluated, with the same rules in the same order and the same floating-point
      operations (the same multiplications, additions and comparisons, in the same
      order), reading the precomputed lowercase list instead of re-lowercasing.
    * "but": the library's loop (``list.index`` of each value, so equal values can
      be rescaled twice or not at all) is replayed on the non-zero values in token
      order. Zeros cannot equal a non-zero value and stay zero when halved or
      multiplied by 1.5, so dropping them changes nothing.
    * Sum: Python's ``sum`` of the non-zero values in token order. Adding a zero
      never changes a float sum or its compensation term (CPython >= 3.12 sums
      floats with compensation; the same builtin is used on both sides), and the
      sum of the library's list is never -0.0 since it starts from the integer 0.
    * Punctuation emphasis, ``normalize`` (alpha 15) and ``round(x, 4)`` as in the
      library. The pos/neg/neu shares are not computed: the compound does not use them.

Fallback to the library (``polarity_scores``)
    * input that is not exactly a ``str`` (the library stringifies/encodes it);
    * every text, if the installed ``vaderSentiment`` is not the version this module
      was checked against, or if the import-time self-check (a few dozen probe
      sentences exercising every rule, compared with the library) fails.
    On ``str`` input with the checked version nothing else falls back: every
    construct (emoji, emoticons, idioms, "but", "least", caps, "no", n't words, ...)
    is reproduced. :data:`FAST_PATH` says whether the fast path is active.
"""

from __future__ import annotations

import math
import re
import string
from importlib import metadata

from vaderSentiment import vaderSentiment as _vs

__all__ = ["vader_compound", "vader_compounds", "FAST_PATH", "CHECKED_VERSION"]

#: The vaderSentiment release whose algorithm this module reproduces.
CHECKED_VERSION = "3.3.2"

_ANALYZER = _vs.SentimentIntensityAnalyzer()
_polarity_scores = _ANALYZER.polarity_scores

# ---------------------------------------------------------------- data, read at runtime

_LEX: dict[str, float] = _ANALYZER.lexicon
_BOOST: dict[str, float] = dict(_vs.BOOSTER_DICT)
_NEG = frozenset(_vs.NEGATE)
_N_SCALAR: float = _vs.N_SCALAR
_C_INCR: float = _vs.C_INCR
_PUNCT = string.punctuation

# single-character emoji keys only: the library looks characters up one at a time
_EMOJI: dict[str, str] = {k: v for k, v in _ANALYZER.emojis.items() if len(k) == 1}
_EMOJI_SET = frozenset(_EMOJI)
_EMOJI_ASCII = any(c.isascii() for c in _EMOJI)


def _hint_pattern(chars, max_gap: int = 0x1000) -> re.Pattern:
    """A cheap regex matching a superset of ``chars``: their code points merged into
    a few wide ranges. (An exact class of ~1,200 emoji is a slow scan in ``re``.)"""
    spans: list[list[int]] = []
    for cp in sorted(map(ord, chars)):
        if spans and cp - spans[-1][1] <= max_gap:
            spans[-1][1] = cp
        else:
            spans.append([cp, cp])
    return re.compile("[" + "".join(re.escape(chr(a)) + "-" + re.escape(chr(b)) for a, b in spans) + "]")


# the common non-ASCII characters of news text (accented letters, dashes, curly
# quotes, ellipsis) fall outside these ranges; a hit is confirmed with the set
_EMOJI_HINT = _hint_pattern(_EMOJI)


def _phrases(d: dict) -> dict[tuple[str, ...], float]:
    """Multi-word keys as word tuples (tokens never contain spaces, so a key matches
    a space-joined run of tokens exactly when its words equal the tokens)."""
    return {tuple(k.split(" ")): v for k, v in d.items() if " " in k}


_SPECIAL = _phrases(_vs.SPECIAL_CASES)  # "kiss of death" -> ("kiss", "of", "death")
_SPECIAL_FIRST = frozenset(k[0] for k in _SPECIAL)
_BOOST_NGRAM = _phrases(_vs.BOOSTER_DICT)  # "kind of", "sort of", "just enough"
_BOOST_NGRAM_FIRST = frozenset(k[0] for k in _BOOST_NGRAM)


def _installed_version() -> str | None:
    try:
        return metadata.version("vaderSentiment")
    except metadata.PackageNotFoundError:  # pragma: no cover - vendored copies
        return None


# ---------------------------------------------------------------- the fast path


def _demoji(text: str) -> str:
    """The library's emoji loop: each emoji character becomes its description,
    preceded by a space unless it starts the text or follows a plain space."""

    def repl(m: re.Match) -> str:
        desc = _EMOJI.get(m.group())
        if desc is None:  # in a hint range but not an emoji: kept as it is
            return m.group()
        p = m.start()
        if p == 0 or text[p - 1] == " ":
            return desc
        return " " + desc

    return _EMOJI_HINT.sub(repl, text)


def _idioms(valence, lows: list[str], i: int, n: int):
    """Special-case phrases and booster n-grams around lexicon word ``i`` (i >= 3)."""
    l0 = lows[i]
    l1 = lows[i - 1]
    l2 = lows[i - 2]
    l3 = lows[i - 3]
    sp = _SPECIAL
    first = _SPECIAL_FIRST
    # the first of these that is a special case wins
    found = None
    if l1 in first:
        found = sp.get((l1, l0))
    if found is None and l2 in first:
        found = sp.get((l2, l1, l0))
        if found is None:
            found = sp.get((l2, l1))
    if found is None and l3 in first:
        found = sp.get((l3, l2, l1))
        if found is None:
            found = sp.get((l3, l2))
    if found is not None:
        valence = found
    # then phrases starting at the word itself override
    if l0 in first:
        if n - 1 > i:
            v = sp.get((l0, lows[i + 1]))
            if v is not None:
                valence = v
        if n - 1 > i + 1:
            v = sp.get((l0, lows[i + 1], lows[i + 2]))
            if v is not None:
                valence = v
    # booster bigrams/trigrams just before the word add up
    bf = _BOOST_NGRAM_FIRST
    if l3 in bf:
        v = _BOOST_NGRAM.get((l3, l2, l1))
        if v is not None:
            valence = valence + v
        v = _BOOST_NGRAM.get((l3, l2))
        if v is not None:
            valence = valence + v
    if l2 in bf:
        v = _BOOST_NGRAM.get((l2, l1))
        if v is not None:
            valence = valence + v
    return valence


def _fast(text: str) -> float:
    punct = _PUNCT
    if text.isascii() and not _EMOJI_ASCII:
        # No emoji key is ASCII, so the emoji loop would copy the text unchanged.
        # ASCII lowercasing maps letters to letters one for one and leaves
        # punctuation and whitespace alone, so lowercasing the whole text first and
        # then splitting and stripping gives each stripped token lowercased.
        lows = [s if len(s := t.strip(punct)) > 2 else t for t in text.lower().split()]
        raw = None
    else:
        if _EMOJI_HINT.search(text) is not None and not _EMOJI_SET.isdisjoint(text):
            text = _demoji(text)
        raw = text.split()
        lows = [(s if len(s := t.strip(punct)) > 2 else t).lower() for t in raw]

    lex = _LEX
    hits = [i for i, w in enumerate(lows) if w in lex]
    if not hits:
        return 0.0
    if raw is None:
        raw = text.split()
    # ``raw`` holds the unstripped tokens: stripping removes only ASCII punctuation,
    # which is uncased, so ``isupper()`` of a raw token equals that of VADER's token.

    n = len(lows)
    boost = _BOOST
    n_scalar = _N_SCALAR
    c_incr = _C_INCR
    # negation words: in NEGATE or containing "n't" (VADER lowercases the already
    # lowercased word again, which changes nothing: str.lower is idempotent)
    neg = _NEG
    cap_diff = None  # some but not all tokens ALL CAPS; computed on first need

    def caps_differ() -> bool:
        nonlocal cap_diff
        if cap_diff is None:
            n_up = sum(1 for t in raw if t.isupper())
            cap_diff = 0 < n - n_up < n
        return cap_diff

    vals = []
    poss = []
    for i in hits:
        w = lows[i]
        if w in boost:
            continue
        if w == "kind" and i < n - 1 and lows[i + 1] == "of":
            continue
        base = lex[w]
        valence = base
        # "no" before a lexicon word negates that word instead of counting itself
        if w == "no" and i < n - 1 and lows[i + 1] in lex:
            valence = 0.0
        if ((i > 0 and lows[i - 1] == "no") or (i > 1 and lows[i - 2] == "no")
                or (i > 2 and lows[i - 3] == "no" and lows[i - 1] in ("or", "nor"))):
            valence = base * n_scalar
        # ALL CAPS word among mixed-case words
        if raw[i].isupper() and caps_differ():
            valence = valence + c_incr if valence > 0 else valence - c_incr
        # up to three preceding non-lexicon words: boosters, negations, idioms
        for k in (0, 1, 2):
            j = i - k - 1
            if j < 0:
                break
            pw = lows[j]
            if pw in lex:
                continue
            b = boost.get(pw)
            if b is not None:
                s = b
                if valence < 0:
                    s = s * -1
                if raw[j].isupper() and caps_differ():
                    s = s + c_incr if valence > 0 else s - c_incr
                if k == 1 and s != 0:
                    s = s * 0.95
                elif k == 2 and s != 0:
                    s = s * 0.9
                valence = valence + s
            # (no booster: the library adds 0.0, which can only turn -0.0 into 0.0;
            #  the sign of a zero valence never changes any later step or the sum)
            if k == 0:
                if pw in neg or "n't" in pw:
                    valence = valence * n_scalar
            elif k == 1:
                p1 = lows[i - 1]
                if pw == "never" and (p1 == "so" or p1 == "this"):
                    valence = valence * 1.25
                elif pw == "without" and p1 == "doubt":
                    pass
                elif pw in neg or "n't" in pw:
                    valence = valence * n_scalar
            else:
                p2 = lows[i - 2]
                p1 = lows[i - 1]
                if (pw == "never" and (p2 == "so" or p2 == "this")) or (p1 == "so" or p1 == "this"):
                    valence = valence * 1.25
                elif pw == "without" and (p2 == "doubt" or p1 == "doubt"):
                    pass
                elif pw in neg or "n't" in pw:
                    valence = valence * n_scalar
                valence = _idioms(valence, lows, i, n)
        # "least" just before the word negates it, except in "at least"/"very least"
        if i > 0 and lows[i - 1] == "least" and "least" not in lex:
            if i > 1:
                if lows[i - 2] != "at" and lows[i - 2] != "very":
                    valence = valence * n_scalar
            else:
                valence = valence * n_scalar
        if valence != 0:
            vals.append(valence)
            poss.append(i)

    if not vals:
        return 0.0
    if "but" in lows:
        # replay of the library's loop: for each value in turn, the *first* entry
        # equal to it is halved (before "but") or multiplied by 1.5 (after)
        bi = lows.index("but")
        for m in range(len(vals)):
            s = vals[m]
            f = vals.index(s)
            p = poss[f]
            if p < bi:
                vals[f] = s * 0.5
            elif p > bi:
                vals[f] = s * 1.5

    total = float(sum(vals))
    if total > 0 or total < 0:
        ep = text.count("!")
        if ep > 4:
            ep = 4
        amp_ep = ep * 0.292
        qm = text.count("?")
        amp_qm = 0
        if qm > 1:
            amp_qm = qm * 0.18 if qm <= 3 else 0.96
        amp = amp_ep + amp_qm
        if total > 0:
            total += amp
        else:
            total -= amp
    score = total / math.sqrt(total * total + 15)
    if score < -1.0:
        score = -1.0
    elif score > 1.0:
        score = 1.0
    return round(score, 4)


# ---------------------------------------------------------------- checks and API


def _library(text) -> float:
    return _polarity_scores(text)["compound"]


# Probes for the import-time self-check: one or more per rule of the algorithm.
_PROBES = (
    "", "   ", "The book was good.", "The book was not good.", "The book was VERY GOOD!!!",
    "VADER is not smart, handsome, nor funny.", "At least it isn't a horrible book.",
    "The book was only kind of good.", "The plot was good, but the characters are bad.",
    "Today only kinda sux! But I'll get by, lol", "Make sure you :) or :D today!",
    "Catch utf-8 emoji such as \U0001f498 and \U0001f48b and\U0001f601", "Not bad at all",
    "no good no bad", "there is no problem or nor issue", "never so happy", "never this good",
    "without doubt great", "without a doubt great", "least good", "very least good",
    "at least good", "it is the shit", "the bomb is here", "a kiss of death indeed",
    "to die for honestly", "yeah right sure", "bus stop wait", "sort of nice", "just enough love",
    "GREAT work but TERRIBLE ending??", "good good good but good good", "What?!?! awful",
    "HORRIBLE", "nothing good", "haven't liked it", "\u2764\ufe0f love \u203c\u2049",
)


def _self_check() -> bool:
    try:
        return all(_fast(t) == _library(t) for t in _PROBES)
    except Exception:  # pragma: no cover - any surprise disables the fast path
        return False


#: True when the fast path is used for ``str`` input (right version, self-check passed).
FAST_PATH: bool = _installed_version() == CHECKED_VERSION and _self_check()


def vader_compound(text: str) -> float:
    """VADER's compound score of ``text``, exactly
    ``SentimentIntensityAnalyzer().polarity_scores(text)["compound"]``.

    >>> vader_compound("The book was good.")
    0.4404
    """
    if FAST_PATH and type(text) is str:
        return _fast(text)
    return _library(text)


def vader_compounds(texts: list[str]) -> list[float]:
    """:func:`vader_compound` of every text, in order."""
    if not FAST_PATH:
        return [_library(t) for t in texts]
    fast = _fast
    return [fast(t) if type(t) is str else _library(t) for t in texts]
