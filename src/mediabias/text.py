"""Offline text segmentation: tokens, sentences and quotation spans.

No NLTK data is needed (TextBlob's ``.words`` and ``.sentences`` need corpora that
cannot be downloaded offline). All offsets are character offsets into the string
given, which for articles is the cleaned body in ``articles.text``.

Tokens
    A token is a run of letters/digits, possibly joined by internal hyphens or
    apostrophes: ``Iran-backed``, ``Lebanon's``, ``1701`` are one token each;
    punctuation is not a token. Rates "per 1,000 tokens" use this count.

Paragraphs
    Separated by a blank line (``\\n\\s*\\n``) or U+2029: :func:`split_paragraphs`.

Sentences
    :func:`split_sentences` gives spans that tile the text (only whitespace
    between them); rule-based (abbreviations, initials, decimals, ellipses,
    closing quotes), regex scans only, tens of MB/s.

Quotations and voice
    :func:`find_quotes` gives :class:`Quote` spans (straight, curly and mixed
    double quotes; single quotes told apart from apostrophes), each
    ``"quotation"`` or ``"scare"``. :func:`voice_of_span` says whether a span
    (a lexicon hit) is ``"quoted"`` or the ``"outlet"``'s own words;
    :func:`sentence_voice` adds ``"mixed"`` for sentences; :func:`segment`
    returns one row per sentence with its voice.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from operator import attrgetter

import numpy as np
import pandas as pd

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
    return len(TOKEN_RE.findall(text))


# A character a token can hold (a letter, digit or joiner): a cut between two of them may split a token.
_TOKEN_CHAR = re.compile(r"[^\W_]|[-\u2010\u2011'\u2019]")


def tokens_by_span(text: str, spans) -> tuple[list[list[str]], list[str]]:
    """The tokens of each span of ``text``, and the tokens of the whole ``text``.

    Equal to ``[tokenize(text[s:e]) for s, e in spans]`` and ``tokenize(text)``,
    but where it can each character is scanned once: the whole text's tokens are
    the spans' tokens and those of the gaps between them, when the spans are in
    order without overlap and no cut falls between two characters a token can hold
    (then no token can straddle a cut). Otherwise the whole text is scanned again.

    Examples:
        >>> tokens_by_span("Iran-backed forces. They left.", [(0, 19), (20, 30)])
        ([['Iran-backed', 'forces'], ['They', 'left']], ['Iran-backed', 'forces', 'They', 'left'])
        >>> tokens_by_span("Iran-backed", [(0, 5), (5, 11)])  # a cut inside a token
        ([['Iran'], ['backed']], ['Iran-backed'])
    """
    per = [TOKEN_RE.findall(text[s:e]) for s, e in spans]
    whole: list[str] = []
    pos, n = 0, len(text)
    for (s, e), toks in zip(spans, per):
        if s < pos or e < s or e > n:
            return per, TOKEN_RE.findall(text)
        for cut in (s, e):
            if 0 < cut < n and _TOKEN_CHAR.match(text, cut - 1) and _TOKEN_CHAR.match(text, cut):
                return per, TOKEN_RE.findall(text)
        if s > pos:
            whole += TOKEN_RE.findall(text, pos, s)
        whole += toks
        pos = e
    if pos < n:
        whole += TOKEN_RE.findall(text, pos)
    return per, whole


def lower_tokens(tokens: list[str]) -> list[str]:
    """``[t.lower() for t in tokens]``, in one pass (tokens hold no space).

    Examples:
        >>> lower_tokens(["Israel's", "IDF", "1701"])
        ["israel's", 'idf', '1701']
    """
    if not tokens:
        return []
    low = " ".join(tokens).lower().split(" ")
    return low if len(low) == len(tokens) else [t.lower() for t in tokens]


# ---------------------------------------------------------------------------
# Paragraphs
# ---------------------------------------------------------------------------

#: A paragraph break: a blank line (two newlines with only whitespace between)
#: or a Unicode paragraph separator.
PARAGRAPH_BREAK_RE = re.compile(r"\n\s*\n|\u2029")


def split_paragraphs(text: str) -> list[tuple[int, int]]:
    """Character spans ``(start, end)`` of the paragraphs of ``text``.

    A paragraph ends at a blank line (``\\n\\s*\\n``) or a U+2029 separator. Spans
    are stripped of surrounding whitespace; whitespace-only paragraphs are
    skipped. ``0 <= start < end <= len(text)``.

    Examples:
        >>> split_paragraphs("One.\\n\\n  Two.\\nStill two.\\n")
        [(0, 4), (8, 23)]
    """
    spans: list[tuple[int, int]] = []
    _append_stripped(text, 0, [m.start() for m in PARAGRAPH_BREAK_RE.finditer(text)], spans)
    return spans


def _append_stripped(text: str, begin: int, cuts: list[int], spans: list[tuple[int, int]]) -> None:
    """Append the stripped, non-empty chunks between ``begin``, ``cuts`` and ``len(text)``."""
    prev = begin
    cuts.append(len(text))
    for cut in cuts:
        if cut <= prev:
            continue
        chunk = text[prev:cut]
        stripped = chunk.strip()
        if stripped:
            s = prev + len(chunk) - len(chunk.lstrip())
            spans.append((s, s + len(stripped)))
        prev = cut


# ---------------------------------------------------------------------------
# Sentences
# ---------------------------------------------------------------------------

# A candidate sentence end: terminal punctuation, optional closing quotes or
# brackets, then whitespace (lookahead, not consumed). Paragraph breaks are
# matched in the same pass so the cuts come out in order.
# (Same skip-ahead trick as ``_QSCAN_RE`` below: a greedy negated class, then
# the alternatives, then ``|.`` for a newline/stop that is not a candidate.)
_SENT_RE = re.compile(
    r"[^\n\u2029.?!\u2026\u203d]*"
    r"(?:(?P<para>\n\s*\n|\u2029)"
    r"|(?P<term>[.?!\u2026\u203d]+)(?P<close>[\"'\u201d\u2019\u00bb\u203a)\]}]*)(?=\s)"
    r"|.)",
    re.S,
)
# Whitespace after a candidate, then opening quotes/brackets before the next word.
_AFTER_RE = re.compile(r"(\s+)[\"'\u201c\u2018\u00ab\u201e\u201a\u2039(\[{]*")
_WORD_RE = re.compile(r"[^\W_]+")
_ACRONYM_RE = re.compile(r"(?:[^\W\d_]{1,2}\.)+[^\W\d_]{1,2}")
_LEADING_OPENERS = "\"'\u201c\u2018\u00ab\u201e\u201a\u2039([{"
# A sentence never starts with these: the period before them is not an end.
_CONTINUATION = set(",;:.\u2026\u2014\u2013-)]}%&/\u201d\u2019\u00bb")

# Abbreviations, lower-cased, without the final period.
_NEVER_SPLIT = frozenset({"e.g", "i.e", "cf", "vs", "viz", "v"})
# Titles precede a name; only when capitalised ("Gen." not "gen.").
_TITLES = frozenset(
    "mr mrs ms mx messrs mme mmes mlle dr prof gen gens lt col maj capt cpt sgt cpl "
    "pvt adm cmdr cdr cmdt brig sen sens rep reps gov govs pres amb rev fr hon supt "
    "insp det atty msgr lieut mt ft".split()
)
# Followed by a number: "No. 10", "p. 5", "approx. 40".
_NUMBER_ABBR = frozenset("no nos vol vols p pp fig figs art arts sec ch nr approx ca est op".split())
# Can end a sentence or not ("Apple Inc. said" / "... Inc. The ..."): split
# only when the next word is a common sentence opener.
_AMBIGUOUS_CAP = frozenset("jan feb mar apr jun jul aug sep sept oct nov dec st ave rd blvd".split())
_AMBIGUOUS = frozenset("etc inc ltd co corp jr sr bros al dept univ assn govt intl plc llc".split())
_STARTERS = frozenset(
    """The A An He She It They We I You This That These Those There Their His Her Its
    Our My Your In On At But And Or So Yet If When While After Before As However
    Meanwhile Moreover Also Still Then Now Earlier Later According Since Although
    Though Despite Some Many Most Several Not What Why How Who Where Both Each All One
    Another Other Such For From With By Under Last Next Yesterday Today Tomorrow
    Instead Nevertheless Thus Therefore Indeed Further Furthermore Separately During
    Over Unlike Like Among Asked Because Every No Neither Nor Only Even Here""".split()
)


def _period_ends_sentence(text: str, pos: int, next_start: int) -> bool:
    """Whether the bare period at ``pos`` ends a sentence (abbreviation check)."""
    window = text[max(0, pos - 40) : pos]
    if not window or window[-1].isspace():
        return True
    prev = window.rsplit(None, 1)[-1].lstrip(_LEADING_OPENERS)
    if not prev:
        return True
    low = prev.lower()
    if low in _NEVER_SPLIT:
        return False
    cap = prev[0].isupper()
    if cap and low in _TITLES:
        return False
    if low in _NUMBER_ABBR:
        return not text[next_start].isdigit()
    if (
        low in _AMBIGUOUS
        or (cap and low in _AMBIGUOUS_CAP)
        or (cap and len(prev) == 1)
        or _ACRONYM_RE.fullmatch(prev)
    ):
        word = _WORD_RE.match(text, next_start)
        return word is not None and word.group() in _STARTERS
    return True


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans ``(start, end)`` of the sentences of ``text``.

    Rule-based and offline. The spans tile the text: they are in order and
    non-overlapping, each ``text[start:end]`` is non-empty with no leading or
    trailing whitespace, and everything outside the spans is whitespace.
    ``0 <= start < end <= len(text)``; ``[]`` for blank text.

    A sentence ends at a paragraph break (blank line) always, and at ``.``,
    ``?``, ``!`` or an ellipsis (plus any closing quotes/brackets) followed by
    whitespace, unless the next word (after any opening quotes/brackets)
    starts lowercase or with continuing punctuation (``,;:`` dashes), or the
    period belongs to an abbreviation: titles (``Mr. Dr. Gen. Lt. Sen.``...)
    never end a sentence, ``No. 5``-style ones do not before a number, and
    acronyms (``U.S.``), single initials (``George W. Bush``), months
    (``Jan.``) and ``Inc. etc. Jr. St.`` end one only before a common
    sentence opener ("The", "He", "In"...). Single newlines do not end a
    sentence (hard-wrapped text). A quotation of several sentences is split
    into those sentences.

    Examples:
        >>> t = 'Mr. Smith met Gen. Jones in the U.S. on Jan. 5. It rained.'
        >>> [t[s:e] for s, e in split_sentences(t)]
        ['Mr. Smith met Gen. Jones in the U.S. on Jan. 5.', 'It rained.']
        >>> t = '"Stability in the region," the statement said. "We agree."'
        >>> [t[s:e] for s, e in split_sentences(t)]
        ['"Stability in the region," the statement said.', '"We agree."']
        >>> t = "It grew 3.5 percent... Why? Nobody knows!\\n\\nNew paragraph"
        >>> [t[s:e] for s, e in split_sentences(t)]
        ['It grew 3.5 percent...', 'Why?', 'Nobody knows!', 'New paragraph']
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    n = len(text)
    cuts: list[int] = []
    append = cuts.append
    after_match = _AFTER_RE.match
    for m in _SENT_RE.finditer(text):
        group = m.lastgroup
        if group is None:
            continue
        if group == "para":
            append(m.start(group))
            continue
        end = m.end()
        after = after_match(text, end)
        if after is None:  # cannot happen: the lookahead saw whitespace
            continue
        ws = after.group(1)
        if ws.count("\n") >= 2 or "\u2029" in ws:
            continue  # a paragraph break follows; it is matched next
        nxt = after.end()
        if nxt >= n:
            continue
        c = text[nxt]
        if c.islower() or c in _CONTINUATION:
            continue
        if m.group("term") == "." and not m.group("close"):
            if not _period_ends_sentence(text, m.start("term"), nxt):
                continue
        append(end)
    spans: list[tuple[int, int]] = []
    _append_stripped(text, 0, cuts, spans)
    return spans


# ---------------------------------------------------------------------------
# Quotations
# ---------------------------------------------------------------------------

QUOTE_KINDS = ("quotation", "scare")

#: Most tokens between a pair of single quotes (more: they are apostrophes).
MAX_SINGLE_QUOTE_TOKENS = 15
#: Most tokens inside a ``"scare"`` quote.
MAX_SCARE_TOKENS = 3


@dataclass(frozen=True, slots=True)
class Quote:
    """A quotation span in a text.

    ``text[start]`` is the opening mark. When ``terminated``, ``text[end - 1]``
    is the closing mark; otherwise the quote was not closed in its paragraph
    and ``end`` is the end of that paragraph's text (trailing whitespace
    excluded), or the position before the next opening mark that restarted
    quoting. ``0 <= start < end <= len(text)``.

    ``kind`` is ``"scare"`` for a closed fragment of at most three tokens with
    no sentence-final punctuation inside (``'strict'``, ``“cutting off”``), else
    ``"quotation"`` (unterminated quotes and pieces of a quotation that runs
    across paragraphs are always ``"quotation"``). The rule looks only at the
    quoted text, so a short real quotation (``"We agree," he said``) is
    ``"scare"`` too.

    Examples:
        >>> q = Quote(4, 12, "scare", True)
        >>> "for 'strict' rules"[q.start:q.end], (q.inner_start, q.inner_end)
        ("'strict'", (5, 11))
    """

    start: int
    end: int
    kind: str
    terminated: bool

    @property
    def inner_start(self) -> int:
        """Offset just after the opening mark."""
        return self.start + 1

    @property
    def inner_end(self) -> int:
        """Offset of the closing mark (``end`` when not terminated)."""
        return self.end - 1 if self.terminated else self.end


# The leading negated class skips ordinary text in one greedy step (several
# times faster than letting the engine try each alternative at every
# position); the final ``|.`` branch consumes a newline or apostrophe that is
# not a paragraph break / quote candidate, and yields no named group.
_QSCAN_RE = re.compile(
    r"[^\n\u2029\"\u201c\u201d\u201e\u201f\u00ab\u00bb'\u2018\u2019]*"
    r"(?:(?P<para>\n\s*\n|\u2029)"
    r"|(?P<dq>[\"\u201c\u201d\u201e\u201f\u00ab\u00bb])"
    # single marks not flanked by letters/digits on both sides (those are
    # word-internal apostrophes: Israel's, don't)
    r"|(?P<sq>['\u2018\u2019](?:(?<![^\W_].)|(?![^\W_])))"
    r"|.)",
    re.S,
)
_DQ_OPENING_GLYPHS = "\u201c\u201e\u201f\u00ab"
_DQ_CLOSING_GLYPHS = "\u201d\u00bb"
# Characters (besides whitespace) after which a mark opens / before which it closes.
_OPEN_LEFT = frozenset("([{<\u2014\u2013-/'\u2018\u201c\u201e\u00ab\u201a")
_CLOSE_RIGHT = frozenset(".,;:!?)]}>\u2026\u2014\u2013-/\u2019\"\u201d\u00bb\u201c")
_SQ_OPEN_LEFT = frozenset("([{<\u2014\u2013-/\"\u201c\u201d\u201e\u00ab")
_SQ_NOT_CLOSE_LEFT = frozenset("([{<\u201c\u201e\u00ab\u2018")
_SQ_CLOSE_RIGHT = frozenset(".,;:!?)]}>\u2026\u2014\u2013-/\"\u201d\u00bb\u201c\u2019")
# Text after a leading apostrophe that marks an elision, not a quote:
# 'n, 'em, 'til, 'tis, 'cause, '90s, '18.
_ELISION_RE = re.compile(r"(?:n|em|til|tis|twas|cause|bout|cos|round|\d\ds?)(?![^\W_])", re.I)
_FINAL_PUNCT_RE = re.compile(r"[?!\u2026\u203d]|\.(?:\s|\Z)")

_OPEN, _CLOSE, _AMBIG = 1, -1, 0


def _dq_context(left: str, right: str) -> int:
    """Direction a straight double mark takes from its neighbours."""
    lo = left.isspace() or left in _OPEN_LEFT
    rc = right.isspace() or right in _CLOSE_RIGHT
    if lo and not rc:
        return _OPEN
    if rc and not lo:
        return _CLOSE
    if not lo and not rc and left in ".,;:!?":
        return _OPEN  # said,"Next  (missing space)
    return _AMBIG


# A short quote is still speech when it ends in a comma, '?' or '!', or an attribution follows
# ("...," he said) or precedes it (said: "...").
_SPEECH_END_RE = re.compile(r"[,?!]\s*$")
_SPEECH_AFTER_RE = re.compile(
    r"""\s*,?\s*(?:(?:he|she|they|it|we|i|[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,3})\s+)?"""
    r"(?:said|says|say|told|tells|added|adds|asked|asks|replied|replies|wrote|writes|stated|states|"
    r"insisted|declared|tweeted|posted|shouted)\b")
_SPEECH_BEFORE_RE = re.compile(
    r"\b(?:said|says|say|told \w+|added|asked|replied|wrote|stated|declared|tweeted|shouted)\s*[:,]?\s*$")


def _quote_kind(text: str, start: int, end: int, terminated: bool, continued: bool) -> str:
    if not terminated or continued:
        return "quotation"
    inner = text[start + 1 : end - 1]
    if len(inner) > 120 or _FINAL_PUNCT_RE.search(inner):
        return "quotation"
    if _SPEECH_END_RE.search(inner) or _SPEECH_AFTER_RE.match(text, end) or _SPEECH_BEFORE_RE.search(
            text, max(0, start - 40), start):
        return "quotation"  # "We agree," he said / she said: "No."
    count = 0
    for _ in TOKEN_RE.finditer(inner):
        count += 1
        if count > MAX_SCARE_TOKENS:
            return "quotation"
    return "scare"


def _rstrip_pos(text: str, start: int, end: int) -> int:
    """``end`` moved left over whitespace, not below ``start``."""
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def _paragraph_quotes(
    text: str,
    ps: int,
    pe: int,
    dmarks: list[int],
    smarks: list[int],
    continued: bool,
    nested: bool,
) -> tuple[list[Quote], bool]:
    """Quotes of the paragraph ``text[ps:pe]``; also whether a double quote is open at its end."""
    n = len(text)
    # ---- double quotes: a small state machine over the marks ----
    doubles: list[tuple[int, int, bool, bool]] = []  # start, end, terminated, continued
    o = -1
    o_glyph = ""
    o_cont = False
    first = True
    for p in dmarks:
        g = text[p]
        left = text[p - 1] if p > 0 else " "
        right = text[p + 1] if p + 1 < n else " "
        ctx = _dq_context(left, right)
        if o < 0:
            if g in _DQ_OPENING_GLYPHS:
                opens = True
            elif g in _DQ_CLOSING_GLYPHS:
                opens = ctx == _OPEN  # a mis-curled opener
            else:
                opens = ctx != _CLOSE  # a lone closing mark is ignored
            if opens:
                o, o_glyph = p, g
                o_cont = continued and first and (p == ps or text[ps:p].isspace())
        else:
            if g in _DQ_CLOSING_GLYPHS:
                closes = True
            elif g in _DQ_OPENING_GLYPHS:
                # only \u201c can close: German \u201e...\u201c, or a mis-curled closer
                closes = g == "\u201c" and (ctx == _CLOSE or o_glyph == "\u201e")
            else:
                closes = ctx != _OPEN
            if closes:
                doubles.append((o, p + 1, True, o_cont))
                o = -1
            else:  # an opening mark while open: the earlier quote was never closed
                doubles.append((o, _rstrip_pos(text, o + 1, p), False, o_cont))
                o, o_glyph, o_cont = p, g, False
        first = False
    open_at_end = o >= 0
    if open_at_end:
        doubles.append((o, max(pe, o + 1), False, o_cont))

    quotes = [Quote(s, e, _quote_kind(text, s, e, t, c), t) for s, e, t, c in doubles]

    # ---- single quotes: pair an opening candidate with the next closing one ----
    if smarks:
        dstarts = [d[0] for d in doubles]
        dends = [d[1] for d in doubles]

        def region(x: int) -> int:
            i = bisect_right(dstarts, x) - 1
            return i if i >= 0 and x < dends[i] else -1

        not_close: set[int] = set()
        so = -1
        for p in smarks:
            g = text[p]
            left = text[p - 1] if p > 0 else " "
            right = text[p + 1] if p + 1 < n else " "
            is_open = (
                g != "\u2019"
                and (left.isspace() or left in _SQ_OPEN_LEFT)
                and right.isalnum()
                and _ELISION_RE.match(text, p + 1) is None
            )
            if not is_open and g != "\u2019" and right in "nN" and p + 2 < n and text[p + 2] in "'\u2019":
                not_close.add(p + 2)  # rock 'n' roll
            is_close = (
                g != "\u2018"
                and not (left.isspace() or left in _SQ_NOT_CLOSE_LEFT)
                and (right.isspace() or right in _SQ_CLOSE_RIGHT)
                and p not in not_close
            )
            if so >= 0 and is_close:
                if (
                    p - so <= 400
                    and region(so) == region(p)
                    and count_tokens(text[so + 1 : p]) <= MAX_SINGLE_QUOTE_TOKENS
                ):
                    quotes.append(Quote(so, p + 1, _quote_kind(text, so, p + 1, True, False), True))
                so = -1
                continue
            if is_open:
                so = p
            elif so >= 0 and p - so > 400:
                so = -1
        quotes.sort(key=_quote_sort_key)
        if not nested:
            kept: list[Quote] = []
            for q in quotes:
                if kept and q.start < kept[-1].end:
                    continue  # inside the previous (outer) quote
                kept.append(q)
            quotes = kept
    return quotes, open_at_end


def _quote_sort_key(q: Quote) -> tuple[int, int]:
    return (q.start, -q.end)


def find_quotes(text: str, *, nested: bool = False) -> list[Quote]:
    """Quotation spans of ``text``, sorted by ``start``.

    Double quotes: straight ``"``, curly ``“ ”``, ``„ ‟`` and ``« »``, in any
    mix (``"...”`` and ``“..."`` pair up). Curly marks keep their direction; a
    straight mark opens after whitespace/start/an opening bracket or dash when
    a non-space follows, closes after a non-space when whitespace or
    punctuation follows, and otherwise alternates. An opening mark while a
    quote is open ends the earlier one, unterminated, just before it.

    Single quotes (``'`` and ``‘ ’``) are quotes only when an opening candidate
    (start/space/bracket/dash/double mark before, letter or digit after) pairs
    with a closing candidate (non-space before, space/punctuation/end after)
    in the same paragraph, within ``MAX_SINGLE_QUOTE_TOKENS`` (15) tokens and
    without crossing a double-quote boundary; otherwise they are apostrophes
    (``Israel's``, ``don’t``, ``’90s``, ``the Netanyahus’ home``,
    ``rock 'n' roll``).

    Quotes never cross a paragraph break. A quotation that runs over several
    paragraphs (English style: reopened at each paragraph, closed only at the
    end) is returned as one ``Quote`` per paragraph piece: every piece but the
    last has ``terminated=False`` and ends at its paragraph's end; the pieces
    are all ``kind="quotation"``.

    With ``nested=False`` (default) the result is non-overlapping: a quote
    inside another (single inside double, British style, or the reverse) is
    left out, as the outer one already covers it. With ``nested=True`` inner
    quotes are kept; quotes then nest properly (never partially overlap) and
    are sorted by ``(start, -end)``. Never raises on any string.

    Examples:
        >>> t = 'Putin urged \\'strict\\' calm. "We agree with him," Israel\\'s office said.'
        >>> [(t[q.start:q.end], q.kind) for q in find_quotes(t)]
        [("'strict'", 'scare'), ('"We agree with him,"', 'quotation')]
        >>> t = '\\u201cThe talks are over," read a tweet on the \\u201cimportant\\u201d call.'
        >>> [(t[q.start:q.end], q.kind, q.terminated) for q in find_quotes(t)]
        [('“The talks are over,"', 'quotation', True), ('“important”', 'scare', True)]
        >>> t = '"First paragraph of a speech.\\n\\n"Second and last."'
        >>> [(t[q.start:q.end], q.terminated) for q in find_quotes(t)]
        [('"First paragraph of a speech.', False), ('"Second and last."', True)]
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    quotes: list[Quote] = []
    ps = 0
    dmarks: list[int] = []
    smarks: list[int] = []
    continued = False
    for m in _QSCAN_RE.finditer(text):
        group = m.lastgroup
        if group is None:
            continue
        if group == "dq":
            dmarks.append(m.start(group))
        elif group == "sq":
            smarks.append(m.start(group))
        else:  # paragraph break
            if dmarks or smarks:
                found, continued = _paragraph_quotes(
                    text, ps, _rstrip_pos(text, ps, m.start(group)), dmarks, smarks, continued, nested
                )
                quotes.extend(found)
                dmarks, smarks = [], []
            else:
                continued = False
            ps = m.end()
    if dmarks or smarks:
        found, _ = _paragraph_quotes(
            text, ps, _rstrip_pos(text, ps, len(text)), dmarks, smarks, continued, nested
        )
        quotes.extend(found)
    return quotes


_START = attrgetter("start")


def voice_of_span(quotes: list[Quote], start: int, end: int) -> str:
    """``"quoted"`` if ``[start, end)`` lies inside a quote, else ``"outlet"``.

    Inside means strictly between the marks: ``q.start < start`` and
    ``end <= q.inner_end``. ``quotes`` must be sorted and non-overlapping (the
    default output of :func:`find_quotes`); pass a filtered list, e.g.
    ``[q for q in quotes if q.kind == "quotation"]``, to ignore scare quotes.
    O(log n) by bisection.

    Examples:
        >>> t = 'Press TV wrote "the Israeli enemy" twice.'
        >>> qs = find_quotes(t)
        >>> i = t.index("Israeli enemy")
        >>> voice_of_span(qs, i, i + len("Israeli enemy")), voice_of_span(qs, 0, 8)
        ('quoted', 'outlet')
    """
    i = bisect_right(quotes, start, key=_START) - 1
    if i >= 0:
        q = quotes[i]
        if q.start < start and end <= q.inner_end:
            return "quoted"
    return "outlet"


_ALNUM_RE = re.compile(r"[^\W_]")
_TRIM_CHARS = (
    " \t\n\r\f\v\u00a0\u2028\u2029.,;:!?\u2026\u203d\"'\u201c\u201d\u2018\u2019\u201e\u201f"
    "\u00ab\u00bb\u2039\u203a()[]{}<>\u2014\u2013-*\u2022"
)


def sentence_voice(quotes: list[Quote], start: int, end: int, text: str | None = None) -> str:
    """Voice of the sentence ``[start, end)``: ``"outlet"``, ``"quoted"`` or ``"mixed"``.

    ``"quoted"``: everything in the sentence is inside quotes (a quote's own
    marks count as inside); ``"outlet"``: nothing in it is strictly inside a
    quote; ``"mixed"``: both, e.g. ``"We agree," the minister said.`` With
    ``text`` given, surrounding whitespace, punctuation and quote marks are
    ignored and only letters/digits decide (``"We agree".`` is ``"quoted"``);
    without it, every character counts. ``quotes``: sorted and non-overlapping,
    as for :func:`voice_of_span`. O(log n + k) for k quotes in the sentence.

    Examples:
        >>> t = '"We agree." The minister said "yes" and left.'
        >>> qs = find_quotes(t)
        >>> [sentence_voice(qs, s, e, t) for s, e in split_sentences(t)]
        ['quoted', 'mixed']
        >>> sentence_voice(qs, 12, 26, t)
        'outlet'
    """
    if text is not None:
        seg = text[start:end]
        trimmed = seg.lstrip(_TRIM_CHARS)
        if trimmed:
            start += len(seg) - len(trimmed)
            end = start + len(trimmed.rstrip(_TRIM_CHARS))
    if end <= start:
        return "outlet"
    i = max(bisect_right(quotes, start, key=_START) - 1, 0)
    pos = start
    inside = False
    outside = False
    nq = len(quotes)
    while i < nq:
        q = quotes[i]
        i += 1
        if q.start >= end:
            break
        if q.end <= pos:
            continue
        if q.start > pos and not outside:
            outside = text is None or _ALNUM_RE.search(text, pos, q.start) is not None
        a, b = max(q.start + 1, start), min(q.inner_end, end)
        if a < b and not inside:
            inside = text is None or _ALNUM_RE.search(text, a, b) is not None
        pos = max(pos, q.end)
        if pos >= end:
            break
    if pos < end and not outside:
        outside = text is None or _ALNUM_RE.search(text, pos, end) is not None
    if not inside:
        return "outlet"
    return "mixed" if outside else "quoted"


def quote_mask(text: str, quotes: list[Quote] | None = None) -> np.ndarray:
    """Boolean array, one per character of ``text``: True strictly inside a quote.

    The marks themselves are False. ``quotes`` defaults to ``find_quotes(text)``.

    Examples:
        >>> quote_mask('a "bc" d').astype(int).tolist()
        [0, 0, 0, 1, 1, 0, 0, 0]
    """
    if quotes is None:
        quotes = find_quotes(text)
    n = len(text)
    delta = np.zeros(n + 1, dtype=np.int32)
    for q in quotes:
        a, b = min(q.start + 1, n), min(q.inner_end, n)
        if a < b:
            delta[a] += 1
            delta[b] -= 1
    return np.cumsum(delta[:n]) > 0


def segment(text: str, *, scare_quotes: bool = False) -> pd.DataFrame:
    """One row per sentence of ``text`` with its voice.

    Columns: ``sentence_id`` (0-based, int64), ``start``, ``end`` (int64
    character offsets, ``text[start:end]`` is the sentence), ``voice``
    (``"outlet"``, ``"quoted"`` or ``"mixed"``, see :func:`sentence_voice`,
    computed with the text so punctuation is ignored) and ``text``. Scare
    quotes do not make a sentence quoted or mixed unless ``scare_quotes=True``:
    a sentence that puts one word in scare quotes is still the outlet's.
    Empty text gives an empty frame with these columns.

    Examples:
        >>> df = segment('Israel cited a "tunnel threat". "We will act now," he said.')
        >>> df[["sentence_id", "start", "end", "voice"]].values.tolist()
        [[0, 0, 31, 'outlet'], [1, 32, 59, 'mixed']]
    """
    spans = split_sentences(text)
    quotes = find_quotes(text)
    if not scare_quotes:
        quotes = [q for q in quotes if q.kind != "scare"]
    starts = np.fromiter((s for s, _ in spans), dtype=np.int64, count=len(spans))
    ends = np.fromiter((e for _, e in spans), dtype=np.int64, count=len(spans))
    return pd.DataFrame(
        {
            "sentence_id": np.arange(len(spans), dtype=np.int64),
            "start": starts,
            "end": ends,
            "voice": [sentence_voice(quotes, s, e, text) for s, e in spans],
            "text": [text[s:e] for s, e in spans],
        }
    )
