"""Parsing page dumps (``mediabias.corpus.pagedump``): general furniture rules, body,
title and captions on pages from outlets the parser has never seen, and the property
that the body is always made of the input's own lines."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from mediabias.corpus import read_sources
from mediabias.corpus.pagedump import parse_page_dump, site_name_from_title_line
from mediabias.normalize import normalize_text

P1 = ("The town council voted on Tuesday evening to spend four hundred thousand pounds on repairs "
      "to the harbour wall, which was damaged in the January storms.")
P2 = ("Work is expected to start in May and to last about four months, longer if the spring tides "
      "are high, the harbour master said at the meeting.")
P3 = ("Residents of Quay Street, whose kitchens flooded twice this winter, said they would believe it "
      "when they saw the first lorry arrive on the quay.")
TITLE = "Council approves repairs to the harbour wall"


def dump(*lines: str) -> str:
    return "\n\n".join(lines) + "\n"


def record(page, text):
    hits = [r for r in page.records if r.text == text]
    assert len(hits) == 1, (text, page.records)
    return hits[0]


# ----------------------------------------------------------------------------- furniture rules

INLINE_FURNITURE = [
    ("https://www.harbourtimes.example/news/wall-repairs", "web address"),
    ("harbourtimes.co.uk/news", "web address"),
    ("news@harbourtimes.example", "contact address"),
    ("We use cookies to give you the best experience. Accept all cookies", "cookie notice"),
    ("Subscribe to continue reading", "paywall prompt"),
    ("Share this article", "share prompt"),
    ("Facebook Twitter WhatsApp Email", "share prompt"),
    ("Sign up for our morning newsletter", "subscription prompt"),
    ("Follow us on Instagram", "subscription prompt"),
    ("Advertisement", "advertisement"),
    ("Story continues below advertisement", "advertisement"),
    ("Photo: Sam Ortiz", "photo credit"),
    ("Sam Ortiz / AFP", "photo credit"),
    ("By Elin Marsh", "byline"),
    ("Updated: 14 March 2024 09:12", "date line"),
    ("14 March 2024", "date line"),
    ("3 hours ago", "date line"),
    ("4 min read", "reading time"),
    ("Menu", "navigation"),
    ("Back to top", "navigation"),
    ("Home / Local / Harbour", "breadcrumb"),
    ("News \u203a Local", "breadcrumb"),
    ("#PortAldane #storms", "hashtags or handles"),
    ("\u2192 \u2190", "no words (symbols or numbers only)"),
]


@pytest.mark.parametrize(("line", "reason"), INLINE_FURNITURE, ids=[r for _, r in INLINE_FURNITURE])
def test_inline_furniture_is_dropped_and_the_body_goes_on(line, reason):
    page = parse_page_dump(dump(TITLE, P1, P2, line, P3))
    rec = record(page, line)
    assert (rec.role, rec.reason) == ("dropped", reason)
    assert page.paragraphs == (P1, P2, P3)
    assert page.title == TITLE


SOFT_ENDS = [
    ("Read more: Storm damage to cost millions", "related-content link"),
    ("You may also like", "related-content link"),
    ("More on this story", "related-content link"),
    ("Tags: harbour, council, storms", "tags"),
]


@pytest.mark.parametrize(("line", "reason"), SOFT_ENDS, ids=[r for _, r in SOFT_ENDS])
def test_related_links_and_tags_after_the_article_are_dropped(line, reason):
    related = ["Storm damage to cost millions, council says", "Ferry timetable changes from Monday"]
    page = parse_page_dump(dump(TITLE, P1, P2, P3, line, *related))
    assert (record(page, line).role, record(page, line).reason) == ("dropped", reason)
    assert page.paragraphs == (P1, P2, P3)
    assert all(record(page, r).role == "dropped" for r in related)


HARD_MARKERS = [
    ("Press Review's website can also be accessed at the following alternate addresses:", "mirror-address note"),
    ("Previous article: Storm damage to cost millions", "previous/next link"),
    ("Next articleFloods close the coast road", "previous/next link"),
    ("12 Comments", "comments section"),
    ("Leave a reply", "comments section"),
    ("\u00a9 2024 Harbour Times. All rights reserved.", "footer / legal"),
    ("Privacy Policy", "footer / legal"),
]


@pytest.mark.parametrize(("line", "reason"), HARD_MARKERS, ids=[r for _, r in HARD_MARKERS])
def test_end_markers_end_the_article(line, reason):
    reader = ("I completely agree with the council, the wall should have been repaired years ago and everyone "
              "in the town knows it.")
    page = parse_page_dump(dump(TITLE, P1, P2, line, reader))
    assert (record(page, line).role, record(page, line).reason) == ("dropped", reason)
    assert page.paragraphs == (P1, P2)
    assert record(page, reader).role == "dropped"


def test_comments_after_the_article_are_not_taken_for_it():
    comments = [f"Reader {i} wrote that the council has known about the state of the wall for many years "
                f"and did nothing until the houses flooded, which is typical." for i in range(4)]
    page = parse_page_dump(dump(TITLE, P1, P2, "7 Comments", *comments, "Reply", "Leave a Reply"))
    assert page.paragraphs == (P1, P2)


# ----------------------------------------------------------------------------- units, title, captions

def test_hard_wrapped_lines_are_joined_and_numbered_by_their_first_line():
    cut = P1.index(" ", 70)
    wrapped = P1[:cut] + "\n" + P1[cut + 1:]
    assert P1[cut + 1].islower()
    text = TITLE + "\n\n" + wrapped + "\n\n" + P2 + "\n"
    page = parse_page_dump(text)
    assert page.paragraphs == (P1, P2)
    assert [(r.line, r.role) for r in page.records] == [(1, "title"), (3, "body"), (6, "body")]


def test_title_from_a_site_title_line():
    page = parse_page_dump(dump("Harbour Times | " + TITLE, TITLE, P1, P2))
    assert page.title == TITLE
    assert record(page, "Harbour Times | " + TITLE).reason == "page title with site name"
    assert site_name_from_title_line(page) == "Harbour Times"


@pytest.mark.parametrize(("line", "site"), [
    (f"{TITLE} - Harbour Times", "Harbour Times"),
    (f"Harbour Times \u2014 {TITLE}", "Harbour Times"),
    (f"Quantcast Harbour Times - {TITLE}", "Harbour Times"),  # a tracker name leaked into the copied title
])
def test_site_name_from_title_line(line, site):
    assert site_name_from_title_line(parse_page_dump(dump(line, TITLE, P1, P2))) == site


def test_title_is_the_headline_nearest_before_the_body():
    page = parse_page_dump(dump("Menu", "Local news", "Most read this week", TITLE, "By Elin Marsh", P1, P2))
    assert page.title == TITLE


def test_standfirst_after_a_short_title_is_not_the_title():
    dek = "Councillors vote to spend four hundred thousand pounds before the next winter storms arrive"
    page = parse_page_dump(dump(TITLE, dek, P1, P2))
    assert page.title == TITLE
    assert dek not in page.paragraphs


@pytest.mark.parametrize("caption", [
    "Council leader Ruth Oakes (L) and the harbour master inspect the wall on Monday.",
    "The breach in the harbour wall after the January storms. (Photo by Sam Ortiz)",
    "Image caption: The breach in the harbour wall after the January storms",
    "Waves break over the harbour wall on January 12. Sam Ortiz/AFP via Getty Images",
])
def test_captions_are_kept_apart_from_the_body(caption):
    page = parse_page_dump(dump(TITLE, caption, P1, P2))
    assert record(page, caption).role == "caption"
    assert len(page.captions) == 1 and page.captions[0] in caption
    assert page.paragraphs == (P1, P2)


def test_no_prose_gives_an_empty_body_and_a_warning():
    page = parse_page_dump(dump("Menu", "Home", "Local", "Harbour strike ends", "Load more", "Privacy Policy"))
    assert page.paragraphs == () and page.title == "" and page.body == ""
    assert page.warnings == ("no article prose found",)
    assert {r.role for r in page.records} == {"dropped"}


def test_records_account_for_every_nonblank_line_in_order():
    text = dump("Home / Local", "Harbour Times | " + TITLE, TITLE, "By Elin Marsh", P1, "Advertisement", P2,
                "Share", "\u00a9 2024 Harbour Times")
    page = parse_page_dump(text)
    lines = [r.line for r in page.records]
    assert lines == sorted(lines) == [i for i, x in enumerate(text.split("\n"), 1) if x.strip()]
    assert all(r.reason for r in page.records if r.role == "dropped")
    assert all(not r.reason for r in page.records if r.role != "dropped")
    assert page.body == "\n\n".join(page.paragraphs)
    assert len(page.dropped) == len(page.records) - len(page.paragraphs) - 1


# ----------------------------------------------------------------------------- pages from unseen outlets

BLOG = """The Harbour Blog
About
Archive
Why the harbour wall matters more than the new marina
March 14, 2024 by Elin Marsh
Last week the council finally approved the repairs to the harbour wall, and I want to explain why this matters more than the marina everyone is talking about.
The wall was built in 1887 and has been patched so many times that the engineers can no longer say which parts are original and which are not.
When the January storms came through, two sections gave way and the water reached the houses on Quay Street within an hour.
The marina, by contrast, will bring visitors in summer, but it will not keep anyone's kitchen dry in winter.
5 Comments
Jane Doe
March 14, 2024 at 10:12 am
I completely agree with this, the marina has always been a distraction from the real problems of the town and the council knows it.
Reply
Leave a Reply
"""

BROADCASTER = """Skip to content
Home
News
Sport
Harbour wall repairs approved after storm damage
Published
14 March 2024
Share
Image caption,
The harbour wall was breached in two places during the January storms
By Elin Marsh
Local Democracy Reporter
Repairs to a harbour wall damaged in the January storms have been approved by councillors.
The work is expected to cost about £420,000 and should start in May, the council said.
Council leader Ruth Oakes said the wall protected two hundred homes and could not wait for another winter.
Residents had complained that sandbags were the only protection for months.
Related Topics
Port Aldane
More on this story
Storm damage to cost millions, council says
Top stories
"""

FRENCH = """Accueil > Société
Le conseil approuve la réparation de la digue du port
Par Élise Martin
Le conseil municipal de Port-Aldane a voté mardi soir une enveloppe de 420 000 euros pour réparer la digue du port, endommagée lors des tempêtes de janvier.
« Nous ne pouvons pas attendre un autre hiver », a déclaré la maire, Ruth Oakes, devant les élus.
Les travaux doivent commencer en mai et durer environ quatre mois, selon le capitaine du port.
Lire aussi : Les tempêtes de janvier en images
© Le Courrier du Port 2024
"""


@pytest.mark.parametrize(("text", "title", "first", "last", "n"), [
    (BLOG, "Why the harbour wall matters more than the new marina", "Last week the council",
     "dry in winter.", 4),
    (BROADCASTER, "Harbour wall repairs approved after storm damage", "Repairs to a harbour wall",
     "protection for months.", 4),
    (FRENCH, "Le conseil approuve la réparation de la digue du port", "Le conseil municipal",
     "selon le capitaine du port.", 3),
], ids=["blog-with-comments", "broadcaster", "french"])
def test_pages_from_unseen_outlets(text, title, first, last, n):
    page = parse_page_dump(text)
    assert page.title == title
    assert len(page.paragraphs) == n
    assert page.paragraphs[0].startswith(first) and page.paragraphs[-1].endswith(last)


def test_outlet_of_an_unseen_page_from_its_copyright_line(tmp_path):
    (tmp_path / "fr.txt").write_text(FRENCH, encoding="utf-8")
    art = read_sources(tmp_path / "fr.txt").articles.iloc[0]
    assert (art["outlet"], art["outlet_from"]) == ("Le Courrier du Port", "copyright line")


# ----------------------------------------------------------------------------- known failures (pagedump.py)

def test_prose_that_mentions_copyright_is_body():
    line = "The judge said the copyright belonged to the photographer because she had never signed it away."
    page = parse_page_dump(dump(TITLE, P1, line, P2, P3))
    assert page.paragraphs == (P1, line, P2, P3)


def test_prose_that_mentions_a_newsletter_is_body():
    line = "The town council said in its weekly newsletter that the work would begin in the first week of May."
    page = parse_page_dump(dump(TITLE, P1, line, P2))
    assert page.paragraphs == (P1, line, P2)


def test_wire_sign_off_ends_the_article():
    page = parse_page_dump(dump(TITLE, P1, P2, "Reporting by Ana Ruiz; Editing by Tom Blake",
                                "Our Standards: The Wire Trust Principles."))
    assert page.paragraphs == (P1, P2)


# ----------------------------------------------------------------------------- property

PROSE = [P1, P2, P3,
         "\u201cWe cannot wait for another winter,\u201d the council\u2019s leader told the meeting on Tuesday.",
         "The race, which is open to amateur crews, drew forty-two boats this year, the organisers said.",
         "Dockers voted on Wednesday evening to accept a new pay offer, ending a strike of nine days."]
FURNITURE = [line for line, _ in INLINE_FURNITURE + SOFT_ENDS + HARD_MARKERS] + [TITLE, "Harbour Times | " + TITLE]
LINES = st.one_of(st.text(max_size=60), st.sampled_from(PROSE), st.sampled_from(FURNITURE),
                  st.sampled_from(PROSE).map(lambda p: p[:40] + "\n" + p[40:]),  # hard-wrapped
                  st.sampled_from(PROSE).map(lambda p: "  " + p.replace(" ", "\u00a0", 3) + " \u200b "))


def _is_joined_lines(paragraphs: list[str], lines: list[str]) -> bool:
    """Each paragraph is consecutive non-blank input lines joined by a space, in input order."""
    pos = 0
    for para in paragraphs:
        for start in range(pos, len(lines)):
            joined = ""
            end = start
            while end < len(lines) and lines[end] and len(joined) < len(para):
                joined = lines[end] if not joined else joined + " " + lines[end]
                end += 1
            if joined == para:
                pos = end
                break
        else:
            return False
    return True


@pytest.fixture(scope="module")
def dump_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("dumps")


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=st.lists(LINES, max_size=14), seps=st.lists(st.sampled_from(["\n", "\n\n", "\r\n", "\n \n"]),
                                                          min_size=14, max_size=14))
def test_any_text_dump_loads_its_own_lines_or_reports_an_error(dump_dir, lines, seps):
    text = "".join(line + sep for line, sep in zip(lines, seps))
    path = dump_dir / "page.txt"
    path.write_bytes(text.encode("utf-8"))
    got = read_sources(path)  # never raises
    rep = got.load_report
    assert list(rep["source"]) == ["page.txt"]
    event(f"status: {rep.iloc[0]['status']}")
    if rep.iloc[0]["status"] == "error":
        assert got.articles.empty and rep.iloc[0]["n_articles"] == 0
        return
    assert rep.iloc[0]["status"] == "loaded" and len(got.articles) == 1
    art = got.articles.iloc[0]
    norm = [" ".join(x.split()) for x in normalize_text(text.lstrip("\ufeff")).split("\n")]
    paragraphs = art["text"].split("\n\n")
    assert all(paragraphs) and _is_joined_lines(paragraphs, norm), (paragraphs, norm)
    if art["title"]:
        assert _is_joined_lines([art["title"]], norm)
    body_lines = got.lines[got.lines["role"] == "body"]
    assert list(body_lines["text"]) == paragraphs
