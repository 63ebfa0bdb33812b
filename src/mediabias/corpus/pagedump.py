"""Parse a page dump: the whole text of an article page, as copied or saved.

A page dump holds breadcrumbs, menus, the title, photo captions, bylines, the body,
share prompts, related-article lists, comments and footers. :func:`parse_page_dump`
recovers the title, the captions and the body paragraphs, and keeps a record of
every non-blank line it did not put in the body, with the reason.

How it decides, in order (general rules first; nothing here knows any outlet):

1. **Units.** Lines are read one by one; a line hard-wrapped inside a paragraph
   (the next line starts in lowercase and this one does not end a sentence) is
   joined to the next one.
2. **Furniture rules.** Each unit is checked against patterns for page furniture:
   web addresses, mirror-address notes, share/subscribe/cookie/paywall prompts,
   "Previous/Next article" links, breadcrumbs, bylines and date lines, photo
   credits, advertisement labels, "Read more"/related headers, comment widgets,
   tags, footers. A match drops the unit with that reason. Some of them
   (comments, footer, previous/next, mirror note) mark the end of the article.
3. **Prose score.** Other units are *good* (a long prose line: 10+ words, ends
   a sentence, enough function words), *near* (a short sentence) or *short*
   (headings, menu items, headlines).
4. **The body** is the run of good and near units with the most prose, where a
   run continues across inline furniture and up to two short units, and stops at
   an end marker. A run after a comments marker or footer counts for little, so
   reader comments are not taken for the article.
5. **Title** is the headline-like unit nearest before the body (a line that is
   repeated inside a longer "Site - Title" line wins outright); **captions** are
   units with photo markers ("(L)", "(Photo by ...)", "Image caption", credits).

Outlet signatures (``resources/outlets.yaml``) are applied afterwards, by
:func:`detect_outlet`, and only name the outlet and drop lines the general rules
missed; the body does not depend on them.

Examples:
    >>> page = parse_page_dump(
    ...     "Home / World\\n\\nTalks resume in Geneva\\n\\n"
    ...     "Negotiators from both sides met again on Monday to resume the talks that broke down last year.\\n\\n"
    ...     "They agreed to meet again next week, a spokesman for the mediators said in a statement.\\n\\n"
    ...     "Share this article\\n")
    >>> page.title
    'Talks resume in Geneva'
    >>> len(page.paragraphs)
    2
    >>> [(d.line, d.reason) for d in page.dropped]
    [(1, 'breadcrumb'), (9, 'share prompt')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..text import TOKEN_RE

# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class LineRecord:
    """What the parser did with one unit (a line, or hard-wrapped lines joined).

    ``role`` is ``title``, ``caption``, ``body`` or ``dropped``; ``reason`` says why
    for dropped units (empty otherwise); ``line`` is the 1-based line number of the
    unit's first line in the dump.
    """

    line: int
    text: str
    role: str
    reason: str = ""


@dataclass(frozen=True)
class ParsedPage:
    """The result of parsing one page dump."""

    title: str
    captions: tuple[str, ...]
    paragraphs: tuple[str, ...]
    records: tuple[LineRecord, ...]
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def body(self) -> str:
        """The body paragraphs joined by a blank line."""
        return "\n\n".join(self.paragraphs)

    @property
    def dropped(self) -> tuple[LineRecord, ...]:
        """Every unit that is not title, caption or body, with its reason."""
        return tuple(r for r in self.records if r.role == "dropped")


# ------------------------------------------------------------------ vocabulary

_STOPWORDS = frozenset("""
a about above after again against all also although am an and any are as at be because been
before being below between both but by can could did do does doing down during each even ever
few for from further had has have having he her here hers herself him himself his how however
i if in into is it its itself just least less let like may me might more most much must my
myself no nor not now of off on once only or other our ours ourselves out over own per same
she should since so some still such than that the their theirs them themselves then there
these they this those though through to too under until up upon us very was we were what
when where whether which while who whom whose why will with within without would yet you
your yours yourself said says told
""".split())

_TERMINAL = re.compile(r"""[.!?…:;]["'”’)\]]*$|["”’]$""")
_LOWER_START = re.compile(r"^[\"'“‘(]?[a-z]")

# Furniture rules: (compiled pattern, reason, maximum words for the rule to apply,
# end-marker kind: "" none, "soft" (may be followed by more body), "hard").
_I = re.IGNORECASE
_SOCIAL = (r"facebook|twitter|x|linkedin|whatsapp|telegram|reddit|pinterest|email|e-mail|print|"
           r"copy link|copy|messenger|flipboard|tumblr|vk|instagram|youtube|tiktok|mail|sms|share|tweet|"
           r"pin it|comments?|bookmark|save|gift( this)? article|listen")
_RULES: list[tuple[re.Pattern, str, int, str]] = [
    (re.compile(r"^(?:https?://\S+|www\.\S+|[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|info|news|tv|co|uk|ir|il|io|ru|fr|de|eu|in|pk|qa|ae|lb|sy|tr|us|ca|au)(?:/\S*)?)$", _I),
     "web address", 10, ""),
    (re.compile(r"^\S+@\S+\.\w+$"), "contact address", 3, ""),
    (re.compile(r"(?:alternat(?:e|ive)|mirror|backup)\s+(?:address|site|domain|url|link)s?|can (?:also )?be accessed (?:at|via|through)", _I),
     "mirror-address note", 40, "hard"),
    (re.compile(r"^\W*(?:\w\s*)?(?:previous|next|prev|older|newer)\s*(?:article|post|story|page|item|entry|report)(?:\b|(?=[A-Z]))", _I),
     "previous/next link", 30, "hard"),
    (re.compile(r"^(?:\d+\s+)?(?:comments?|responses?|replies|discussion|join the (?:conversation|discussion))\s*(?:\(\d+\))?\W*$|^(?:leave|post|add|write|view|show|see|load|read)\s+(?:a |all |more |the )?(?:\d+\s+)?(?:comments?|replies|reply|responses?)\b|^comments? (?:are|have been) (?:closed|disabled)|^(?:reply|report|like|flag|upvote|downvote|\d+\s+(?:likes?|replies|points?))\W*$", _I),
     "comments section", 12, "hard"),
    (re.compile(r"^\S.{0,50}?\s(?:wrote|writes|says|said|replied|commented)\s*:\s*$|^(?:reply to|in reply to|replying to)\s+\S", _I),
     "comments section", 10, "hard"),
    (re.compile(r"©|\(c\)\s*\d{4}|^copyright\b|\bcopyright (?:\d{4}|©)|all rights reserved|^(?:terms (?:of (?:use|service)|and conditions)|privacy (?:policy|notice)|contact us|about us|advertise(?: with us)?|careers|sitemap|site map|accessibility|corrections|editorial (?:policy|standards)|imprint|impressum)\b", _I),
     "footer / legal", 30, "hard"),
    (re.compile(r"\bcookies?\b.*\b(?:accept|consent|agree|privacy|experience|browsing|settings|preferences|partners|personali[sz]e)|\b(?:accept|reject|manage) (?:all )?cookies|cookie (?:policy|settings|preferences)", _I),
     "cookie notice", 90, ""),
    (re.compile(r"subscribe (?:now )?to (?:continue|read|unlock|keep reading)|to continue reading|continue reading with|already (?:a )?(?:subscriber|a member)|(?:this|the) (?:article|story|content) is (?:for|available to|exclusive to) (?:subscribers|members)|subscribers only|premium (?:content|article)|unlock (?:this|unlimited)|start your (?:free )?trial|you have (?:\d+|one|no) free articles?|create a free account", _I),
     "paywall prompt", 40, ""),
    (re.compile(r"^(?:share|share this(?: article| story| page| post)?|share on \w+|share via \w+|sharing is caring|shares?\s*\d*)\W*$|^(?:(?:" + _SOCIAL + r")(?:\s*[|/·•,]?\s*|\s+))+$", _I),
     "share prompt", 12, ""),
    (re.compile(r"^(?:subscribe|sign up|sign in|log ?in|log out|register|create (?:an )?account|my account|newsletters?|get (?:our|the) .{0,40}newsletter|follow us|follow (?:\w+ )?on|join (?:us|our)|download (?:our|the) app|get the app|install (?:our|the) app|enable notifications|turn on notifications|get (?:the )?(?:latest|breaking) news)\b|\bsign up (?:for|to)\b.*\b(?:newsletter|email|alerts|updates)|\bsubscribe (?:to|for|now)\b.*\b(?:newsletter|email|alerts|updates|channel|podcast)|\bfollow us on\b", _I),
     "subscription prompt", 30, ""),
    (re.compile(r"\bnewsletters?\b", _I), "subscription prompt", 12, ""),
    (re.compile(r"^this (?:article|story|piece|essay) (?:appears|appeared|was published|first appeared) in\b|"
                r"\bsubscribe (?:to|and) (?:get|receive|read)\b|\bprint edition\b.*\bsubscri", _I),
     "print-edition note", 40, ""),
    (re.compile(r"^(?:additional )?(?:reporting|writing|editing|compiled|translated|produced) by\b.*|^(?:our standards|the \w+ trust principles)\b", _I),
     "credits line", 40, "hard"),
    (re.compile(r"^(?:advertisement|advertising|advert|ad|ads|sponsored(?: content| post| links?)?|promoted(?: content| stories)?|paid (?:content|post|partner)|partner content|story continues below(?: advertisement)?|article continues (?:below|after)(?: advertisement)?|continue reading (?:below|the main story)|scroll (?:down )?to continue(?: with content)?|skip (?:advert|ad)|report this ad|close ad)\W*$", _I),
     "advertisement", 8, ""),
    (re.compile(r"^(?:read more|read also|also read|read next|see also|related|more on (?:this|that)(?: story| topic)?|more about|watch|watch now|listen|recommended(?: for you| stories| articles)?|you (?:may|might) (?:also )?(?:like|be interested in|have missed)|more from|more stories|more news|most read|most popular|most viewed|popular now|trending(?: now)?|top stories|latest(?: news| stories| articles| videos)?|editor'?s? picks?|don'?t miss|related (?:articles|stories|coverage|content|news|topics|posts|videos|links)|further reading|in other news|elsewhere on \w+|what to read next|explore more)\b", _I),
     "related-content link", 25, "soft"),
    (re.compile(r"^(?:tags?|topics?|filed under|categories|category|keywords|subjects?|more on)\s*:", _I),
     "tags", 40, "soft"),
    (re.compile(r"^(?:(?:photo|image|picture|photograph|illustration|video|graphic|source|credit|credits|photo credit|image credit|image source|pictures?)\s*(?:by|credit)?\s*[:/©]|(?:photo|image|picture)\s+by\s+)|^\(?(?:[A-Z][\w.'-]+\s+){0,4}[A-Z][\w.'-]+\s*/\s*(?:AFP|Reuters|AP|EPA|Getty|Getty Images|Shutterstock|Anadolu|Xinhua|Bloomberg|NurPhoto|Sipa|Alamy|SOPA Images|Pool)(?:\s+via\s+\w+(?:\s+\w+)?)?\)?\W*$|^\(?(?:AFP|Reuters|AP|EPA|AP Photo|Getty Images|Shutterstock|Anadolu Agency|Xinhua)(?:\s*(?:/|via)\s*[\w ]+)?\)?\.?$", _I),
     "photo credit", 14, ""),
    (re.compile(r"^(?:by|words? by|written by|reporting by|report by|author|authors)\s*:?\s+\S+", _I),
     "byline", 12, ""),
    (re.compile(r"^(?:published|updated|posted|last (?:updated|modified)|first published|modified|date|created)\b\s*(?:on|at)?\s*:?", _I),
     "date line", 16, ""),
    (re.compile(r"^\d+\s*(?:-\s*)?(?:min(?:ute)?s?|mins?)\.?\s*(?:read|watch|listen)$|^(?:reading time|estimated reading time)\b", _I),
     "reading time", 8, ""),
    (re.compile(r"^(?:hide caption|toggle caption|show caption|enlarge (?:this )?image|expand image|view (?:image|gallery|photos?)|open gallery|image \d+ (?:of|/) \d+|\d+ (?:of|/) \d+ photos?|swipe for more|fullscreen|full screen)\W*$", _I),
     "caption control", 6, ""),
    (re.compile(r"^(?:menu|search|close|open|home|toggle navigation|skip to (?:main )?content|skip navigation|back to top|go to top|top|log in|edit|more|less|show more|show less|load more|see more|view more|view all|see all|expand|collapse|play|pause|mute|next|previous|back|continue|loading\W*|\d+\s*/\s*\d+)\W*$", _I),
     "navigation", 4, ""),
]
_BREADCRUMB = re.compile(r"^[^.!?]{1,120}?\s[/>»›|·•]\s[^.!?]{1,120}$|^[^.!?/>»›|·•]{1,40}\s*[>»›]\s*$")
_DATE_ONLY = re.compile(
    r"^(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?(?:\d{1,2}(?:st|nd|rd|th)?\s+[a-z]{3,9}\.?,?\s+\d{4}|[a-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}|\d{4}-\d{2}-\d{2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4})"
    r"(?:\s*(?:[,|-]|at)?\s*\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*[A-Z]{2,5}|\s*(?:GMT|UTC)[+-]?\d*)?)?\W*$", _I)
_TIME_ONLY = re.compile(r"^\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*(?:GMT|UTC|[A-Z]{2,4}))?$|^\d+\s+(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)\s+ago$|^(?:just now|yesterday|today)$", _I)
_CAPTION_CARRIES = {"photo credit", "footer / legal", "byline", "date line"}
_CONSENT = re.compile(
    r"personal data|your consent|legitimate interest|our (?:\d+ )?partners|store and/or access|precise geolocation|"
    r"personali[sz]ed (?:ads|advertising|content)|device (?:identifiers|characteristics)|withdraw (?:your )?consent|"
    r"data processing|manage (?:your )?(?:choices|preferences)|ad measurement|audience insights")
_NUMBERS_ONLY = re.compile(r"^[\W\d]*$")
_HASHTAGS = re.compile(r"^(?:[#@]\w+[\s,]*)+$")
_CAPTION = re.compile(
    r"\((?:L|R|C|M|left|right|centre|center|top|bottom|front|back|above|below|file|file photo|file image|archive|pictured|seated|standing|2nd [LR]|second (?:left|right)|L to R|R to L|from left|from right|inset|foreground|background)\)"
    r"|\((?:photo|image|picture|photograph|illustration|video|credit)\b[^)]*\)"
    r"|^(?:image caption|caption|photo caption|pictured|in this (?:photo|picture|image|file photo)|this (?:photo|picture|image|handout))\b"
    r"|\b(?:via getty images|getty images|/afp|/reuters|/ap\b|ap photo|/epa|afp photo|reuters/|handout photo|file photo|photo:|credit:)",
    _I)
_CAPTION_PREFIX = re.compile(r"^(?:image caption|caption|photo caption)\s*[:,-]?\s*", _I)
# Names of tracking and widget scripts that leak into copied page titles.
_TRACKERS = re.compile(r"\b(?:quantcast|chartbeat|comscore|google analytics|gtm|taboola|outbrain|disqus)\b\s*", _I)
_TITLE_SPLIT = re.compile(r"\s+[-–—|:•·]\s+")


def _words(text: str) -> list[str]:
    return TOKEN_RE.findall(text)


@dataclass
class _Unit:
    line: int
    text: str
    n_words: int = 0
    stop_ratio: float = 0.0
    terminal: bool = False
    rule: str = ""          # furniture reason, if any
    marker: str = ""        # "", "soft", "hard"
    klass: str = ""         # good / near / short
    caption: bool = False
    role: str = ""
    reason: str = ""


# ------------------------------------------------------------------ units

def _split_units(text: str) -> list[_Unit]:
    units: list[_Unit] = []
    pending: _Unit | None = None
    for i, raw in enumerate(text.split("\n"), start=1):
        line = " ".join(raw.split())
        if not line:
            if pending is not None:
                units.append(pending)
                pending = None
            continue
        if pending is not None and _is_wrap(pending.text, line):
            pending.text = pending.text + " " + line
            continue
        if pending is not None:
            units.append(pending)
        pending = _Unit(i, line)
    if pending is not None:
        units.append(pending)
    return units


def _is_wrap(previous: str, line: str) -> bool:
    """A hard-wrapped paragraph: previous line long, not ending a sentence, next starts lowercase."""
    return (len(previous) >= 50 and not _TERMINAL.search(previous)
            and _LOWER_START.match(line) is not None and len(_words(previous)) >= 8)


def _describe(unit: _Unit, english: bool) -> None:
    words = _words(unit.text)
    unit.n_words = len(words)
    if words:
        unit.stop_ratio = sum(1 for w in words if w.lower() in _STOPWORDS) / len(words)
    unit.terminal = bool(_TERMINAL.search(unit.text))
    unit.caption = bool(_CAPTION.search(unit.text)) and unit.n_words >= 5
    for pattern, reason, max_words, marker in _RULES:
        if unit.n_words <= max_words and pattern.search(unit.text):
            if unit.caption and unit.n_words >= 8 and reason in _CAPTION_CARRIES:
                break  # a caption that carries its credit, copyright sign or date
            unit.rule, unit.marker = reason, marker
            if reason == "related-content link" and (unit.n_words > 4 or re.search(r"[:|]\s*\S", unit.text)):
                unit.marker = ""  # an inline "Read more: <headline>" link, not the header of a list
            break
    if not unit.rule and unit.n_words <= 120 and len(set(_CONSENT.findall(unit.text.lower()))) >= 2:
        unit.rule = "cookie notice"  # consent-wall prose that never says "cookie"
    if not unit.rule:
        if unit.n_words == 0 or _NUMBERS_ONLY.match(unit.text):
            unit.rule = "no words (symbols or numbers only)"
        elif _DATE_ONLY.match(unit.text) or _TIME_ONLY.match(unit.text):
            unit.rule = "date line"
        elif _HASHTAGS.match(unit.text):
            unit.rule = "hashtags or handles"
        elif unit.n_words <= 12 and _BREADCRUMB.match(unit.text) and not unit.terminal:
            unit.rule = "breadcrumb"
    min_stop = 0.2 if english else 0.0
    if unit.n_words >= 10 and unit.stop_ratio >= min_stop and (unit.terminal or unit.n_words >= 30):
        unit.klass = "good"
    elif unit.n_words >= 4 and unit.terminal and unit.stop_ratio >= min_stop * 0.75:
        unit.klass = "near"
    else:
        unit.klass = "short"


# ------------------------------------------------------------------ body

def _runs(units: list[_Unit]) -> list[tuple[int, int, float]]:
    """Candidate body runs as (first index, last index, score)."""
    runs = []
    start = last = None
    score = 0.0
    shorts = 0
    penalty = 1.0
    run_penalty = 1.0
    seen_prose = False
    for i, u in enumerate(units):
        if u.marker == "hard":
            if not seen_prose:
                continue  # a "Comments (4)" link or a menu's "Contact us" above the article
            if start is not None:
                runs.append((start, last, score * run_penalty))
                start = None
            if u.rule in ("comments section", "footer / legal"):
                penalty = min(penalty, 0.25 if u.rule == "comments section" else 0.1)
            continue
        if u.marker == "soft":
            if start is not None:
                runs.append((start, last, score * run_penalty))
                start = None
            continue
        if u.rule or u.caption:
            continue  # inline furniture does not break a run
        if u.klass in ("good", "near"):
            seen_prose = seen_prose or u.klass == "good"
            if start is None:
                start, score, run_penalty = i, 0.0, penalty
            last = i
            shorts = 0
            score += len(u.text) if u.klass == "good" else 0.3 * len(u.text)
        else:
            shorts += 1
            if start is not None and shorts > 2:
                runs.append((start, last, score * run_penalty))
                start = None
    if start is not None:
        runs.append((start, last, score * run_penalty))
    return runs


def _joinable(units: list[_Unit], gap: list[_Unit], run: tuple[int, int, float]) -> bool:
    """May a neighbouring run join the body across ``gap``?

    Never across an end marker (comments, footer, previous/next link). Across
    plain furniture (captions, credits, a bullet box, an advert) when the run has
    prose. Across a soft marker (an inline "Related" box, a share bar) only when
    the run holds at least three prose paragraphs, which teaser lists rarely do.
    """
    if len(gap) > 12 or any(u.marker == "hard" for u in gap):
        return False
    good = sum(1 for u in units[run[0]:run[1] + 1] if u.klass == "good" and not u.rule and not u.caption)
    return good >= (3 if any(u.marker == "soft" for u in gap) else 1)


def _choose_body(units: list[_Unit]) -> tuple[int, int] | None:
    runs = [r for r in _runs(units) if r[2] > 0]
    if not runs:
        return None
    best = max(range(len(runs)), key=lambda k: (runs[k][2], -k))
    first, last, _ = runs[best]
    for nxt in runs[best + 1:]:
        if not _joinable(units, units[last + 1:nxt[0]], nxt):
            break
        last = nxt[1]
    for prv in reversed(runs[:best]):
        if not _joinable(units, units[prv[1] + 1:first], prv):
            break
        first = prv[0]
    return first, last


# ------------------------------------------------------------------ title

_NOT_TITLE = re.compile(
    r"\b(?:photo(?:graph)?|picture|image|credit|getty|reporter|correspondent|editor|writer|columnist|"
    r"reviewed by|contributor|staff|duration|listen|minutes? read)\b|:\s*$|^\W*(?:by|for)\s", _I)


def _headline_like(u: _Unit) -> bool:
    return (not u.rule and not u.caption and 3 <= u.n_words <= 40
            and not u.text.endswith((";", ",", ":"))
            and any(c.isupper() for c in u.text[:3]))


def _choose_title(units: list[_Unit], body_start: int) -> int | None:
    """The title: repeated in a "Site - Title" line, else the first headline of the header block.

    The header block is what stands just above the body: title, standfirst,
    byline, date, captions, credits, summary bullets. Walking back from the body,
    it ends at the navigation menu (five short lines in a row) or the page top.
    A line repeated in the footer or copyright line is the site's name, not a title.
    """
    head = list(range(body_start))
    # 1. A unit repeated inside a longer "Site - Title" / "Title | Site" unit, and
    #    longer than what is left of that unit (the site name).
    for i in head:
        u = units[i]
        if not _headline_like(u):
            continue
        for j in range(len(units)):
            other = units[j].text
            if j != i and u.text in other and len(other) > len(u.text) + 2:
                rest = len(_words(other.replace(u.text, " ")))
                if rest <= 6 and rest < u.n_words:
                    return i
    # 2. The first headline of the header block.
    block: list[int] = []
    shorts = 0
    for i in reversed(head):
        u = units[i]
        if not u.rule and not u.caption and u.n_words <= 3:
            shorts += 1
            if shorts >= 5:
                break
        else:
            shorts = 0
        block.append(i)
    footer = [u.text for u in units if u.rule == "footer / legal"]
    candidates = [i for i in reversed(block) if _headline_like(units[i]) and units[i].n_words >= 4
                  and not _NOT_TITLE.search(units[i].text)
                  and not any(units[i].text in f for f in footer)]
    if candidates:
        return candidates[0]
    fallback = [i for i in reversed(block) if _headline_like(units[i])]
    return fallback[0] if fallback else None


# ------------------------------------------------------------------ main

_CONTROL_BEFORE = re.compile(r"^(?:hide|toggle|show) caption", _I)


_QUESTION_HEADING = re.compile(
    r"^(?:what|why|how|when|who|where|which|is|are|can|will|does|do|did|should|could|would|has|have)\b[^.!]{0,80}\?$", _I)
_AUTHOR_BIO = re.compile(
    r"^(?:[A-Z][\w'.-]+\s){1,3}(?:is|was)\s(?:a|an|the)\s(?:[\w,&'-]+\s){0,6}?(?:writer|reporter|correspondent|"
    r"columnist|editor|journalist|author|contributor|professor|lecturer|fellow|researcher|analyst|director|"
    r"producer|photographer|commentator|economist|planner)\b")


def _mark_structure(units: list[_Unit]) -> None:
    """Marks that need a unit's neighbours: related-box teasers and question subheadings.

    After a "Related"/"More from" header, (headline, teaser) pairs are the box, not
    the article; a short question standing before a prose paragraph is an
    explainer's subheading.
    """
    n = len(units)
    for i, u in enumerate(units):
        if u.rule == "related-content link" and u.marker == "soft":
            j = i + 1
            while j + 1 < n and units[j].klass == "short" and not units[j].rule and units[j].n_words >= 3 \
                    and units[j + 1].klass in ("good", "near") and not units[j + 1].rule:
                units[j].rule = units[j + 1].rule = "related-content teaser"
                j += 2
        if (not u.rule and u.n_words <= 10 and _QUESTION_HEADING.match(u.text) and i + 1 < n
                and units[i + 1].klass == "good"):
            u.rule = "subheading inside the body"


def _mark_caption_neighbours(units: list[_Unit]) -> None:
    """Text next to gallery controls is a caption: before "hide caption", after "Enlarge this image"."""
    for i, u in enumerate(units):
        if u.rule != "caption control":
            continue
        step, span = (-1, range(i - 1, max(-1, i - 5), -1)) if _CONTROL_BEFORE.match(u.text) \
            else (1, range(i + 1, min(len(units), i + 3)))
        for j in span:
            v = units[j]
            if v.rule == "caption control":
                continue
            if v.n_words >= 5 and not v.rule:
                v.caption = True
                break


def parse_page_dump(text: str) -> ParsedPage:
    """Parse the text of a whole article page into title, captions and body.

    Args:
        text: the page dump, already decoded and normalised
            (:func:`mediabias.normalize.normalize_text`).

    Returns:
        A :class:`ParsedPage`. ``records`` has one entry per non-blank unit, in
        order, with its role (title / caption / body / dropped) and, for dropped
        units, the reason. The body is ``""`` when no prose was found (the caller
        reports that as a failure).
    """
    units = _split_units(text)
    words = [w.lower() for u in units for w in _words(u.text)]
    english = bool(words) and sum(w in _STOPWORDS for w in words) / len(words) >= 0.12
    for u in units:
        _describe(u, english)
    _mark_caption_neighbours(units)
    _mark_structure(units)

    warnings: list[str] = []
    span = _choose_body(units)
    if span is None:
        for u in units:
            u.role, u.reason = "dropped", u.rule or "no article prose found on the page"
        return ParsedPage("", (), (), tuple(LineRecord(u.line, u.text, u.role, u.reason) for u in units),
                          ("no article prose found",))
    first, last = span
    while last > first and _AUTHOR_BIO.match(units[last].text) and units[last].n_words <= 80:
        units[last].rule = "author bio"
        last -= 1
    title_i = _choose_title(units, first)
    if title_i is None:
        warnings.append("no title found before the body")

    captions: list[str] = []
    paragraphs: list[str] = []
    for i, u in enumerate(units):
        if i == title_i:
            u.role = "title"
        elif i < first and title_i is not None and u.text != units[title_i].text \
                and units[title_i].text in u.text and len(_words(u.text)) - units[title_i].n_words <= 6:
            u.role, u.reason = "dropped", "page title with site name"
        elif u.caption and not (first <= i <= last and u.klass == "good" and not u.rule and
                                not _CAPTION_PREFIX.match(u.text) and u.n_words > 40):
            u.role = "caption"
            captions.append(_CAPTION_PREFIX.sub("", u.text))
        elif u.rule:
            u.role, u.reason = "dropped", u.rule
        elif first <= i <= last:
            if u.klass in ("good", "near"):
                u.role = "body"
                paragraphs.append(u.text)
            else:
                u.role, u.reason = "dropped", "short line inside the body (heading, label or link)"
        elif i < first:
            if title_i is not None and u.text == units[title_i].text:
                u.role, u.reason = "dropped", "title repeated"
            else:
                u.role, u.reason = "dropped", "before the article (navigation or header)"
        else:
            u.role, u.reason = "dropped", "after the article (related links, comments or footer)"
    title = units[title_i].text if title_i is not None else ""
    records = tuple(LineRecord(u.line, u.text, u.role, u.reason) for u in units)
    return ParsedPage(title, tuple(captions), tuple(paragraphs), records, tuple(warnings))


def site_name_from_title_line(page: ParsedPage) -> str | None:
    """The site name in a "Site - Title" / "Title | Site" line of the dump, if one exists.

    Examples:
        >>> p = parse_page_dump("Daily Planet | Floods close the coast road\\n\\nFloods close the coast road\\n\\n"
        ...     "Heavy rain closed the coast road on Tuesday, and the council said it would stay shut until the weekend.")
        >>> site_name_from_title_line(p)
        'Daily Planet'
    """
    if not page.title:
        return None
    for r in page.records:
        if r.reason == "page title with site name":
            parts = [p.strip() for p in _TITLE_SPLIT.split(r.text.replace(page.title, "\x00"))]
            parts = [p for p in parts if p and "\x00" not in p]
            parts = [_TRACKERS.sub("", p).strip() for p in parts]
            parts = [p for p in parts if p]
            if len(parts) == 1 and 1 <= len(_words(parts[0])) <= 5:
                return parts[0]
            rest = r.text.replace(page.title, "").strip(" -–—|:•·")
            rest = _TRACKERS.sub("", rest).strip(" -–—|:•·")
            if 1 <= len(_words(rest)) <= 5:
                return rest
    return None
