"""Reading a corpus: the seeds (golden parses), every input format, field detection,
doc ids, dates, manifests, outlets, and bad input (issue 2, "Reading a corpus" and
"Bad input gets a clear answer").

Fixture files: ``tests/data/formats/`` (one small file per format), ``tests/data/bad/``
(the bad-input corpus); the bytes-exact ones are written by ``tests/data/make_fixtures.py``.
Golden parses of the seeds: ``tests/data/golden/`` (``MEDIABIAS_REGEN_GOLDEN=1`` rewrites them).
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import warnings
from pathlib import Path

import pandas as pd
import pytest
from conftest import bad_article_files
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mediabias.corpus import LOAD_REPORT_COLUMNS, CorpusRead, read_corpus, read_sources
from mediabias.corpus.sources import ARTICLE_FIELDS, FieldMap, parse_date
from mediabias.errors import InputError

SEED_PRESS_TV = "000_1da48ea08291236c.txt"
SEED_I24 = "002_d6eca5df38951f0f.txt"
PRESS_TV_TITLE = "Putin tells Netanyahu of need for 'strict' stability in Mideast"
I24_TITLE = "Putin, Netanyahu discuss military cooperation, Lebanese border"
STATUSES = {"loaded", "skipped", "error"}


def article(got: CorpusRead, source: str) -> pd.Series:
    rows = got.articles[got.articles["source"] == source]
    assert len(rows) == 1, f"{source}: {len(rows)} articles"
    return rows.iloc[0]


def report_row(got: CorpusRead, source: str) -> pd.Series:
    rows = got.load_report[got.load_report["source"] == source]
    assert len(rows) == 1, f"{source}: {len(rows)} load-report rows in\n{got.load_report.to_string()}"
    return rows.iloc[0]


def paragraphs_of(got: CorpusRead, source: str) -> list[str]:
    lines = got.lines[(got.lines["source"] == source) & (got.lines["role"] == "body")]
    return list(lines["text"])


# ============================================================================ seeds

def seed_parse(got: CorpusRead, source: str) -> dict:
    art = article(got, source)
    lines = got.lines[got.lines["source"] == source]
    return {
        "source": source,
        "outlet": art["outlet"],
        "title": art["title"],
        "captions": art["captions"].split("\n") if art["captions"] else [],
        "paragraphs": list(lines.loc[lines["role"] == "body", "text"]),
        "dropped": [{"line": int(r.line), "reason": r.reason, "text": r.text}
                    for r in lines[lines["role"] == "dropped"].itertuples()],
    }


@pytest.mark.parametrize("source", [SEED_PRESS_TV, SEED_I24])
def test_seed_golden_parse(seed_read, golden, source):
    parse = seed_parse(seed_read, source)
    golden(Path(source).stem, parse)
    # The article text is exactly the body paragraphs, blank-line separated.
    assert article(seed_read, source)["text"] == "\n\n".join(parse["paragraphs"])


@pytest.mark.parametrize("source", [SEED_PRESS_TV, SEED_I24])
def test_golden_files_are_the_reviewed_shape(golden_dir, source):
    data = json.loads((golden_dir / f"{Path(source).stem}.json").read_text(encoding="utf-8"))
    assert set(data) == {"source", "outlet", "title", "captions", "paragraphs", "dropped"}
    assert len(data["captions"]) == 1 and len(data["paragraphs"]) >= 15
    assert all(set(d) == {"line", "reason", "text"} and d["reason"] for d in data["dropped"])


def test_seed_titles_exact(seed_read):
    assert article(seed_read, SEED_PRESS_TV)["title"] == PRESS_TV_TITLE
    assert article(seed_read, SEED_I24)["title"] == I24_TITLE


def test_seed_outlets_dates_from_manifest(seed_read):
    got = seed_read.articles.set_index("source")
    assert got.loc[SEED_PRESS_TV, "outlet"] == "Press TV"
    assert got.loc[SEED_I24, "outlet"] == "i24NEWS"
    assert set(got["outlet_from"]) == {"manifest"}
    assert got.loc[SEED_PRESS_TV, "date"] == "2018-12-09"
    assert got.loc[SEED_I24, "date"] == "2018-12-08"
    assert set(got["url"]) == {""}  # not known: left empty, not invented
    assert list(seed_read.articles.columns) == list(ARTICLE_FIELDS)


@pytest.mark.parametrize("needle", ["News / Palestine", "Palestine", "(Photo by AFP)", "(R) speaks",
                                    "SHARE THIS ARTICLE", "www.presstv.co.uk", "alternate addresses",
                                    "Roku", "can also be accessed", "\u00a0"])
def test_press_tv_body_has_no_furniture(seed_read, needle):
    art = article(seed_read, SEED_PRESS_TV)
    assert needle.lower() not in art["text"].lower()
    assert not art["text"].startswith(PRESS_TV_TITLE)


@pytest.mark.parametrize("needle", ["Quantcast", "Previous article", "Next article", "Kushner advised",
                                    "Gulf Cooperation Council", "(L) welcomes", "i24NEWS -"])
def test_i24_body_has_no_furniture(seed_read, needle):
    assert needle.lower() not in article(seed_read, SEED_I24)["text"].lower()


def test_seed_bodies_keep_first_and_last_paragraphs(seed_read):
    press = article(seed_read, SEED_PRESS_TV)["text"]
    assert press.startswith("Russian President Vladimir Putin has reminded Israeli Prime Minister")
    assert press.endswith("ended with the victory of the Lebanese movement.")
    i24 = article(seed_read, SEED_I24)["text"]
    assert i24.startswith("Russian President Vladimir Putin spoke with Israeli Prime Minister")
    assert i24.endswith("there was no plan for him to meet with Netanyahu in the near future.")
    # Curly and straight quotes stay distinct (quote detection needs them).
    assert "Russia\u2019s delivery" in press and "\u201ccutting off\u201d" in press and "'strict'" not in press
    assert '"The president of Russia' in press


def test_seed_captions(seed_read):
    assert article(seed_read, SEED_PRESS_TV)["captions"].startswith("Russian President Vladimir Putin (R) speaks")
    assert article(seed_read, SEED_I24)["captions"].startswith("Russian President Vladimir Putin (L) welcomes")


def test_seed_load_report(seed_read):
    rep = seed_read.load_report
    assert list(rep.columns) == LOAD_REPORT_COLUMNS
    assert list(rep["source"]) == ["manifest.csv", SEED_PRESS_TV, SEED_I24]
    assert set(rep["status"]) == {"loaded"} and seed_read.n_problems == 0
    assert list(rep["n_articles"]) == [0, 1, 1]
    assert "manifest with 2 rows" in rep.iloc[0]["reason"]
    assert "page dump (utf-8)" in report_row(seed_read, SEED_PRESS_TV)["reason"]


def test_seed_line_records_cover_every_nonblank_line(seed_read, seeds_dir):
    for source in (SEED_PRESS_TV, SEED_I24):
        raw = (seeds_dir / source).read_text(encoding="utf-8").split("\n")
        nonblank = [i for i, line in enumerate(raw, start=1) if line.split()]
        lines = seed_read.lines[seed_read.lines["source"] == source]
        assert list(lines["line"]) == nonblank  # no hard-wrapped lines in the seeds
        for rec in lines.itertuples():
            assert rec.text == " ".join(raw[rec.line - 1].split())
        assert set(lines["role"]) == {"title", "caption", "body", "dropped"}
        assert (lines.loc[lines["role"] == "dropped", "reason"] != "").all()
        assert (lines.loc[lines["role"] != "dropped", "reason"] == "").all()
    assert seed_read.dropped_lines["role"].eq("dropped").all()


def test_seed_outlets_from_signatures_without_manifest(tmp_path, seeds_dir, seed_read):
    for name in (SEED_PRESS_TV, SEED_I24):
        shutil.copy(seeds_dir / name, tmp_path / name)
    got = read_sources(tmp_path)
    arts = got.articles.set_index("source")
    assert arts.loc[SEED_PRESS_TV, "outlet"] == "Press TV"
    assert arts.loc[SEED_I24, "outlet"] == "i24NEWS"
    assert arts["outlet_from"].str.startswith("signature").all()
    assert set(arts["date"]) == {""}
    # The parse itself does not depend on the manifest.
    assert arts.loc[SEED_PRESS_TV, "title"] == PRESS_TV_TITLE
    with_manifest = seed_read.articles.set_index("source")
    assert list(arts["text"]) == list(with_manifest.loc[list(arts.index), "text"])


def test_seed_read_is_deterministic(seed_read, seeds_dir):
    again = read_sources(seeds_dir)
    pd.testing.assert_frame_equal(again.articles, seed_read.articles)
    pd.testing.assert_frame_equal(again.load_report, seed_read.load_report)
    pd.testing.assert_frame_equal(again.lines, seed_read.lines)
    assert seed_read.articles["doc_id"].str.fullmatch(r"[0-9a-f]{16}").all()


def test_read_corpus_is_read_sources_articles(seeds_dir, seed_read):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing skipped: no warning
        df = read_corpus(seeds_dir)
    pd.testing.assert_frame_equal(df, seed_read.articles)
    pd.testing.assert_frame_equal(df.attrs["load_report"], seed_read.load_report)
    pd.testing.assert_frame_equal(df.attrs["lines"], seed_read.lines)


# ============================================================================ formats

def test_formats_folder_reads_every_file(formats_read, formats_dir):
    rep = formats_read.load_report
    assert set(rep["status"]) == {"loaded"}, rep.to_string()
    files = {p.relative_to(formats_dir).as_posix() for p in formats_dir.rglob("*") if p.is_file()}
    assert files <= set(rep["source"])
    assert "json_folder/more/0003.json" in files  # recursion into subfolders
    per_file = rep[rep["source"].isin(files)].set_index("source")["n_articles"]
    assert per_file.sum() == len(formats_read.articles) == 18
    assert formats_read.articles["doc_id"].is_unique


def test_page_dump_txt(formats_read):
    art = article(formats_read, "page_dump.txt")
    assert art["format"] == "page-dump" and art["encoding"] == "utf-8"
    assert art["title"] == "Harbour strike ends after dockers accept new pay offer"
    assert art["outlet"] == "The Coastal Courier" and art["outlet_from"] == "page title line"
    assert art["captions"].startswith("Dockers leave the union hall in Port Aldane")
    paras = art["text"].split("\n\n")
    assert paras[0].startswith("Dockers at Port Aldane voted on Wednesday evening")
    # A paragraph hard-wrapped over two lines is joined with a space.
    assert ('"Nobody wanted this to go on," said Lena Hart, the union\'s branch secretary, after the '
            'result was announced. "But the members needed to be heard, and now they have been."') in paras
    for furniture in ("Skip to main content", "Subscribe", "Home \u203a", "By Maria Delgado", "Published:",
                      "min read", "Facebook", "WhatsApp", "Advertisement", "Read more", "Tags:",
                      "Previous article", "Next article", "Comments", "settled weeks ago", "\u00a9",
                      "Privacy Policy", "cookies", "(Photo by"):
        assert furniture not in art["text"], furniture


def test_page_dump_dropped_lines_have_reasons(formats_read):
    lines = formats_read.lines[formats_read.lines["source"] == "page_dump.txt"].set_index("line")
    expected = {1: "navigation", 4: "subscription prompt", 5: "breadcrumb", 7: "page title with site name",
                11: "byline", 12: "date line", 13: "reading time", 15: "share prompt", 16: "share prompt",
                29: "advertisement", 33: "related-content link", 37: "tags", 39: "previous/next link",
                40: "previous/next link", 42: "comments section", 44: "footer / legal", 47: "cookie notice"}
    for line, reason in expected.items():
        assert lines.loc[line, "role"] == "dropped" and lines.loc[line, "reason"] == reason, (line, reason)
    assert lines.loc[9, "role"] == "title" and lines.loc[20, "role"] == "caption"
    assert lines.loc[26, "role"] == "body" and 27 not in lines.index  # line 27 joined to line 26


def test_page_dump_keeps_the_paragraph_after_an_inline_read_more_link(formats_read):
    art = article(formats_read, "page_dump.txt")
    assert art["text"].endswith("welcomed the agreement as a relief for shops across the town.")


def test_html(formats_read):
    art = article(formats_read, "article.html")
    assert art["format"] == "html" and art["encoding"] == "utf-8"
    assert art["title"] == "Harbour strike ends after dockers accept new pay offer"
    assert art["date"] == "2024-03-14"
    assert art["outlet"] == "The Coastal Courier" and art["outlet_from"] == "HTML site name"
    assert art["url"] == "https://coastalcourier.example/news/harbour-strike-ends"
    paras = art["text"].split("\n\n")
    assert len(paras) == 5
    assert paras[0].startswith("Dockers at Port Aldane voted") and paras[-1].endswith("across the town.")
    assert "\u201cfair but overdue\u201d" in paras[1]  # &ldquo; entities become curly quotes, kept curly
    for furniture in ("Most read", "Ferry timetable", "\u00a9", "Privacy", "Subscribe", "By Maria Delgado",
                      "Harbour strike ends after dockers"):
        assert furniture not in art["text"], furniture


def test_csv(formats_read):
    arts = formats_read.articles[formats_read.articles["format"] == "csv"].set_index("doc_id")
    assert list(arts.index) == ["cc-0311-ferry", "cc-0312-library", "vp-0312-bus"]
    assert list(arts["source"]) == ["articles.csv:2", "articles.csv:5", "articles.csv:6"]
    assert list(arts["outlet"]) == ["The Coastal Courier", "The Coastal Courier", "Valley Post"]
    assert arts.loc["vp-0312-bus", "title"] == "Bus route 7 restored, bridge reopens"  # quoted comma
    assert list(arts["date"]) == ["2024-03-11", "2024-03-12", "2024-03-12T17:40:00"]
    assert arts.loc["cc-0312-library", "date_raw"] == "12 March 2024"
    assert arts.loc["cc-0312-library", "text"].endswith("about £30,000 a year.")
    assert "\n\n" in arts.loc["cc-0312-library", "text"]  # a quoted multi-line field keeps its paragraphs
    assert arts.loc["cc-0311-ferry", "url"] == "https://coastalcourier.example/news/ferry-timetable"
    assert set(arts["outlet_from"]) == {"field"}
    assert "text column 'text'" in report_row(formats_read, "articles.csv")["reason"]


def test_tsv_with_other_common_names(formats_read):
    arts = formats_read.articles[formats_read.articles["format"] == "tsv"]
    assert list(arts["doc_id"]) == ["7", "8"]  # column "ID"
    assert list(arts["title"]) == ["School roof fund reaches its target", "River path closed for repairs"]
    assert set(arts["outlet"]) == {"Valley Post"}  # "publication"
    assert list(arts["date"]) == ["2024-03-13T18:05:00+01:00", "2024-03-14"]  # "published"
    assert list(arts["url"]) == ["https://valleypost.example/school-roof", "https://valleypost.example/river-path"]
    assert arts.iloc[0]["text"].startswith("Parents and teachers raised")  # "body"
    assert "text column 'body'" in report_row(formats_read, "articles.tsv")["reason"]


def test_jsonl_newsapi_style(formats_read):
    arts = formats_read.articles[formats_read.articles["format"] == "jsonl"]
    assert list(arts["source"]) == ["articles.jsonl:1", "articles.jsonl:2"]
    assert list(arts["outlet"]) == ["The Coastal Courier", "Valley Post"]  # {"source": {"name": ...}}
    assert list(arts["date"]) == ["2024-03-14T09:12:00+00:00", "2024-03-14T07:30:00+00:00"]  # publishedAt
    assert arts.iloc[0]["text"].startswith("Dockers at Port Aldane")  # "content", not "description"
    assert arts["doc_id"].str.fullmatch(r"[0-9a-f]{16}").all()  # no id field: a content hash


def test_json_single_object(formats_read):
    art = article(formats_read, "article.json")
    assert art["doc_id"] == "cc-0315-lifeboat"
    assert art["title"] == "Lifeboat crew rescue two kayakers off the point"
    assert art["outlet"] == "The Coastal Courier"
    assert art["date"] == "2024-03-15T16:20:00+00:00"
    assert art["url"] == "https://coastalcourier.example/news/lifeboat-kayakers"
    assert art["text"].split("\n\n")[1].startswith("Both were brought ashore")


def test_json_list(formats_read):
    arts = formats_read.articles[formats_read.articles["source"].str.startswith("articles_list.json")]
    assert list(arts["source"]) == ["articles_list.json#1", "articles_list.json#2"]
    assert list(arts["doc_id"]) == ["vp-0316-orchard", "vp-0317-choir"]
    assert list(arts["date"]) == ["2024-03-16", "2024-03-17"]
    assert set(arts["outlet"]) == {"Valley Post"}
    # 17/03/2024 can only be day-first: no "read month-first" note.
    assert not formats_read.load_report["reason"].str.contains("month-first").any()


def test_folder_of_one_object_json_files(formats_read):
    arts = formats_read.articles[formats_read.articles["source"].str.startswith("json_folder/")]
    assert list(arts["source"]) == ["json_folder/0001.json", "json_folder/0002.json", "json_folder/more/0003.json"]
    assert list(arts["doc_id"]) == ["5f0c2a1e-0001", "5f0c2a1e-0002", "5f0c2a1e-0003"]  # "uuid"
    assert list(arts["outlet"]) == ["coastalcourier.example", "valleypost.example", "valleypost.example"]
    assert arts.iloc[0]["date"] == "2024-03-18T08:00:00+02:00"
    assert arts.iloc[2]["title"] == "Gritters out as late snow falls on the hills"


def test_parquet(formats_read):
    arts = formats_read.articles[formats_read.articles["format"] == "parquet"]
    assert list(arts["source"]) == ["articles.parquet#1", "articles.parquet#2", "articles.parquet#3"]
    assert list(arts["doc_id"]) == ["1001", "1002", "1003"]  # "article_id", an integer column
    assert list(arts["outlet"]) == ["The Coastal Courier", "Valley Post", "Valley Post"]  # "publisher"
    assert arts.iloc[0]["title"] == "Lighthouse opens to visitors for the summer"  # "headline"
    assert list(arts["date"]) == ["2024-05-01T09:30:00+00:00", "2024-05-02T07:00:00+00:00",
                                  "2024-05-03T16:45:00+00:00"]  # a timestamp column
    assert arts.iloc[2]["url"] == "https://valleypost.example/footbridge"  # "link"
    assert arts.iloc[1]["text"].startswith("The Saturday farmers' market")  # "content"


def test_glob(formats_dir):
    got = read_sources(str(formats_dir / "*.json"))
    assert list(got.articles["source"]) == ["article.json", "articles_list.json#1", "articles_list.json#2"]
    deep = read_sources(str(formats_dir / "**" / "*.json"))
    assert len(deep.articles) == 6 and "0003.json" in set(deep.articles["source"])


def test_glob_or_path_matching_nothing_is_an_error_row(formats_dir):
    got = read_sources([formats_dir / "article.json", str(formats_dir / "*.nothing"), "no/such/file.csv"])
    assert len(got.articles) == 1
    for src in (str(formats_dir / "*.nothing"), "no/such/file.csv"):
        row = report_row(got, src)
        assert row["status"] == "error" and "no such file" in row["reason"]


def test_mixed_inputs(formats_dir):
    got = read_sources([formats_dir / "page_dump.txt", str(formats_dir / "article.html"),
                        formats_dir / "json_folder", str(formats_dir / "*.tsv"), formats_dir / "articles.parquet"])
    assert got.n_problems == 0
    assert list(got.articles["format"]) == ["page-dump", "html", "json", "json", "json", "tsv", "tsv",
                                            "parquet", "parquet", "parquet"]
    assert list(got.load_report["source"])[:3] == ["page_dump.txt", "article.html", "0001.json"]


def test_sources_and_ids_do_not_depend_on_where_the_files_are(tmp_path, formats_dir, formats_read):
    copy = tmp_path / "elsewhere" / "corpus"
    shutil.copytree(formats_dir, copy)
    got = read_sources(copy)
    pd.testing.assert_frame_equal(got.articles, formats_read.articles)
    pd.testing.assert_frame_equal(got.load_report, formats_read.load_report)


# ============================================================================ fields

@pytest.mark.parametrize(("field", "column"), [
    ("text", "text"), ("text", "content"), ("text", "body"), ("text", "Text"), ("text", "full_text"),
    ("outlet", "outlet"), ("outlet", "source"), ("outlet", "publication"), ("outlet", "site"),
    ("outlet", "Publisher"),
    ("title", "title"), ("title", "headline"), ("title", "Headline"),
    ("date", "date"), ("date", "published"), ("date", "publishedAt"), ("date", "published_at"),
    ("date", "datePublished"),
    ("url", "url"), ("url", "link"), ("url", "URL"),
    ("id", "id"), ("id", "ID"), ("id", "doc_id"), ("id", "uuid"),
])
def test_field_auto_detection(tmp_corpus, field, column):
    values = {"text": "The ferry will leave half an hour earlier from Monday.", "outlet": "Valley Post",
              "title": "Ferry times change", "date": "2024-03-11", "url": "https://valleypost.example/ferry",
              "id": "vp-42"}
    names = {"text": "text", "outlet": "outlet", "title": "title", "date": "date", "url": "url", "id": "id"}
    names[field] = column
    rec = {names[k]: v for k, v in values.items()}
    folder = tmp_corpus({"a.jsonl": [rec], "b.csv": ",".join(rec) + "\n" + ",".join(rec.values()) + "\n"})
    for name in ("a.jsonl", "b.csv"):
        got = read_sources(folder / name)
        assert len(got.articles) == 1, got.load_report.to_string()
        art = got.articles.iloc[0]
        key = {"id": "doc_id"}.get(field, field)
        assert art[key] == values[field], (name, field, column)


@pytest.mark.parametrize("source", [{"id": "valley-post", "name": "Valley Post"},
                                    {"id": "valley-post", "name": None}])
def test_newsapi_nested_source(tmp_corpus, source):
    rec = {"source": source, "title": "Ferry times change", "url": "https://valleypost.example/ferry",
           "publishedAt": "2024-03-11T06:00:00Z", "content": "The ferry will leave earlier from Monday."}
    other = {"source": {"id": None, "name": "Island Gazette"}, "title": "Bus", "content": "The bus is back."}
    got = read_sources(tmp_corpus({"news.json": {"status": "ok", "totalResults": 2, "articles": [rec, other]}}))
    art = got.articles.iloc[0]
    assert art["outlet"] == (source["name"] or source["id"])
    assert art["date"] == "2024-03-11T06:00:00+00:00" and art["source"] == "news.json#1"
    assert got.articles.iloc[1]["outlet"] == "Island Gazette"


def test_explicit_field_options(tmp_corpus):
    csv = ("key,paper,hed,when,permalink,story_text,text\n"
           'k-1,Valley Post,Ferry times change,11 March 2024,https://valleypost.example/ferry,'
           '"The ferry will leave half an hour earlier from Monday.",teaser only\n')
    folder = tmp_corpus({"custom.csv": csv})
    got = read_sources(folder, text_field="story_text", outlet_field="paper", title_field="hed",
                       date_field="when", url_field="permalink", id_field="key")
    art = got.articles.iloc[0]
    assert (art["doc_id"], art["outlet"], art["title"], art["date"], art["url"]) == (
        "k-1", "Valley Post", "Ferry times change", "2024-03-11", "https://valleypost.example/ferry")
    assert art["text"] == "The ferry will leave half an hour earlier from Monday."
    # Without options the common name "text" wins, and nothing else is detected.
    auto = read_sources(folder).articles.iloc[0]
    assert auto["text"] == "teaser only" and auto["outlet"] == "unknown" and auto["title"] == ""
    # Field names given by the user are matched regardless of case.
    assert read_sources(folder, text_field="STORY_TEXT").articles.iloc[0]["text"].startswith("The ferry")


def test_explicit_text_field_that_does_not_exist(tmp_corpus):
    got = read_sources(tmp_corpus({"a.csv": "id,body\n1,Some text here.\n"}), text_field="article_body")
    assert got.articles.empty
    row = report_row(got, "a.csv:1")
    assert row["status"] == "error"
    assert "no column 'article_body'" in row["reason"] and "columns are: id, body" in row["reason"]


def test_fieldmap_resolve_prefers_given_then_candidates_in_order():
    fm = FieldMap().resolve(["Body", "content", "Source", "link"])
    assert fm["text"] == "content" and fm["outlet"] == "Source" and fm["url"] == "link"
    assert fm["title"] is None and fm["id"] is None
    assert FieldMap(text="nope").resolve(["text"])["text"].startswith("\x00missing:")


# ============================================================================ doc ids

def test_table_without_id_gets_a_stable_content_hash(tmp_corpus):
    csv = "outlet,title,text\nValley Post,Ferry,The ferry leaves earlier.\nValley Post,Bus,The bus is back.\n"
    a = read_sources(tmp_corpus({"a.csv": csv})).articles
    b = read_sources(tmp_corpus({"renamed.csv": csv}, name="other/place")).articles
    assert a["doc_id"].str.fullmatch(r"[0-9a-f]{16}").all()
    assert list(a["doc_id"]) == list(b["doc_id"])  # same content, same id, wherever it is
    assert a["doc_id"].is_unique
    changed = read_sources(tmp_corpus({"a.csv": csv.replace("earlier", "later")})).articles
    assert changed["doc_id"].iloc[0] != a["doc_id"].iloc[0] and changed["doc_id"].iloc[1] == a["doc_id"].iloc[1]


def test_page_dump_id_is_stable_and_content_based(tmp_path, formats_dir):
    src = formats_dir / "page_dump.txt"
    (tmp_path / "x").mkdir()
    shutil.copy(src, tmp_path / "x" / "renamed.txt")
    first = read_sources(src).articles["doc_id"].item()
    assert read_sources(src).articles["doc_id"].item() == first
    assert read_sources(tmp_path / "x").articles["doc_id"].item() == first
    (tmp_path / "x" / "renamed.txt").write_bytes(src.read_bytes().replace(b"nine days", b"ten days"))
    assert read_sources(tmp_path / "x").articles["doc_id"].item() != first


def test_duplicate_ids_get_a_suffix_and_a_note(tmp_corpus):
    csv = "id,text\na,First text.\na,Second text.\na-2,Third text.\nb,Fourth text.\na,Fifth text.\n"
    got = read_sources(tmp_corpus({"dup.csv": csv}))
    assert list(got.articles["doc_id"]) == ["a", "a-2", "a-2-2", "b", "a-3"]
    assert got.articles["doc_id"].is_unique
    note = report_row(got, "dup.csv:3")
    assert note["status"] == "loaded" and "doc_id 'a' already used" in note["reason"] and "'a-2'" in note["reason"]
    assert "doc_id 'a-2' already used" in report_row(got, "dup.csv:4")["reason"]


def test_identical_page_dumps_get_distinct_ids(tmp_path, formats_dir):
    for sub in ("one", "two"):
        (tmp_path / sub).mkdir()
        shutil.copy(formats_dir / "page_dump.txt", tmp_path / sub / "page.txt")
    got = read_sources(tmp_path)
    a, b = got.articles["doc_id"]
    assert b == f"{a}-2"
    assert "already used" in report_row(got, "two/page.txt")["reason"]


# ============================================================================ dates

@pytest.mark.parametrize(("raw", "iso"), [
    ("2024-03-14", "2024-03-14"),
    ("14 March 2024", "2024-03-14"),
    ("Thursday 14 March 2024", "2024-03-14"),
    ("March 12, 2024 17:40", "2024-03-12T17:40:00"),
    ("2024-03-14T09:12:00Z", "2024-03-14T09:12:00+00:00"),
    ("2024-03-14T09:12:00.000+02:00", "2024-03-14T09:12:00+02:00"),
    ("Thu, 14 Mar 2024 09:12:00 GMT", "2024-03-14T09:12:00+00:00"),
    ("17/03/2024", "2024-03-17"),
    (1710407520, "2024-03-14T09:12:00+00:00"),
    (1710407520000, "2024-03-14T09:12:00+00:00"),
    ("1710407520", "2024-03-14T09:12:00+00:00"),
    ("", ""),
    (None, ""),
    (float("nan"), ""),
])
def test_parse_date_to_iso(raw, iso):
    assert parse_date(raw) == (iso, "")


def test_ambiguous_date_is_read_month_first_with_a_note():
    assert parse_date("03/04/2024") == ("2024-03-04", "date '03/04/2024' read month-first")


@pytest.mark.parametrize("raw", ["sometime last week", "14 March", "32/13/2024", 1e300, float("inf"), 12345,
                                 "99999999999999999999", True, "2024-01-01T00:00:00+24:00"])
def test_unparsable_date_gives_empty_iso_and_a_note(raw):
    iso, note = parse_date(raw)
    assert iso == "" and note


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=40), st.integers(), st.floats(), st.booleans(), st.none()))
def test_parse_date_never_raises(raw):
    iso, note = parse_date(raw)
    assert isinstance(iso, str) and isinstance(note, str)
    if iso:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}(T[\d:.]+([+-]\d{2}:\d{2}(:\d{2})?)?)?", iso), iso


def test_unparsable_date_kept_raw_with_a_note_in_the_load_report(tmp_corpus):
    recs = [{"id": "d1", "outlet": "Valley Post", "date": "sometime last week", "text": "The ferry leaves earlier."},
            {"id": "d2", "outlet": "Valley Post", "date": "2024-03-14", "text": "The bus is back."}]
    got = read_sources(tmp_corpus({"dates.jsonl": recs}))
    arts = got.articles.set_index("doc_id")
    assert arts.loc["d1", "date"] == "" and arts.loc["d1", "date_raw"] == "sometime last week"
    assert arts.loc["d2", "date"] == "2024-03-14"
    note = report_row(got, "dates.jsonl:1")
    assert note["status"] == "loaded" and "'sometime last week' not understood" in note["reason"]
    assert "dates.jsonl:2" not in set(got.load_report["source"])


# ============================================================================ manifests and outlets

def test_manifest_names_outlet_url_date_and_title(tmp_corpus, formats_dir):
    page = (formats_dir / "page_dump.txt").read_bytes()
    folder = tmp_corpus({"sub/a.txt": page, "sub/manifest.csv":
                         "file,outlet,url,date,title,notes\n"
                         "a.txt,Harbour Weekly,https://hw.example/a,14 March 2024,A Title Of Our Own,seen\n"
                         "missing.txt,Harbour Weekly,,2024-03-01,,\n"})
    got = read_sources(folder)
    art = got.articles.iloc[0]
    assert (art["outlet"], art["outlet_from"], art["url"], art["date"], art["title"]) == (
        "Harbour Weekly", "manifest", "https://hw.example/a", "2024-03-14", "A Title Of Our Own")
    assert report_row(got, "sub/manifest.csv")["status"] == "loaded"
    missing = got.load_report[got.load_report["reason"].str.contains("'missing.txt'")]
    assert list(missing["status"]) == ["skipped"] and missing.iloc[0]["source"] == "manifest.csv:3"


def test_broken_manifest_is_reported_and_files_still_read(tmp_corpus, formats_dir):
    folder = tmp_corpus({"a.txt": (formats_dir / "page_dump.txt").read_bytes(),
                         "manifest.csv": "name,outlet\na.txt,Harbour Weekly\n"})
    got = read_sources(folder)
    row = report_row(got, "manifest.csv")
    assert row["status"] == "error" and "no 'file' column" in row["reason"] and "name, outlet" in row["reason"]
    assert got.articles.iloc[0]["outlet"] == "The Coastal Courier"  # from the page itself


def test_outlet_from_copyright_line_then_unknown_with_a_note(tmp_corpus):
    body = ("The ferry to the islands will leave half an hour earlier from Monday, the operator said on Friday.\n\n"
            "The change is meant to avoid the low tide in the afternoon, which has delayed crossings all winter.\n\n")
    got = read_sources(tmp_corpus({
        "a.txt": "Ferry times change from Monday\n\n" + body + "\u00a9 2024 Island Gazette. All rights reserved.\n",
        "b.txt": "Ferry times change from Monday\n\n" + body}))
    a, b = article(got, "a.txt"), article(got, "b.txt")
    assert (a["outlet"], a["outlet_from"]) == ("Island Gazette", "copyright line")
    assert (b["outlet"], b["outlet_from"]) == ("unknown", "none")
    assert "outlet unknown" in report_row(got, "b.txt")["reason"]


def test_custom_outlets_file(tmp_corpus, tmp_path):
    yaml_file = tmp_path / "outlets.yaml"
    yaml_file.write_text("outlets:\n  - name: Island Gazette\n    domains: [islandgazette.example]\n", encoding="utf-8")
    page = ("Ferry times change from Monday\n\n"
            "The ferry to the islands will leave half an hour earlier from Monday, the operator said on Friday.\n\n"
            "Read the Island Gazette at islandgazette.example\n")
    folder = tmp_corpus({"a.txt": page})
    art = read_sources(folder, outlets_file=yaml_file).articles.iloc[0]
    assert art["outlet"] == "Island Gazette" and art["outlet_from"] == "signature: web address islandgazette.example"
    assert read_sources(folder).articles.iloc[0]["outlet"] == "unknown"


def test_broken_outlets_file_raises_one_line_input_error(tmp_path, formats_dir):
    bad = tmp_path / "outlets.yaml"
    bad.write_text("outlets:\n  - domains: [x.example]\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_sources(formats_dir / "page_dump.txt", outlets_file=bad)
    assert "has no name" in str(info.value) and "\n" not in str(info.value)


# ============================================================================ bad input

BAD_EXPECTED = [
    # (load-report source, status, words the reason must contain, n_articles)
    ("empty.txt", "error", ["empty"], 0),
    ("whitespace.txt", "error", ["empty"], 0),
    ("binary.txt", "error", ["binary"], 0),
    ("bad_bom.txt", "error", ["byte-order mark", "utf-16-le"], 0),
    ("cp1252.txt", "loaded", ["page dump (cp1252)"], 1),
    ("latin1.txt", "loaded", ["page dump (latin-1)"], 1),
    ("utf16_bom.txt", "loaded", ["page dump (utf-16-le)"], 1),
    ("truncated.jsonl:4", "error", ["truncated or invalid JSON", "other lines were read"], 0),
    ("truncated.jsonl", "loaded", ["jsonl (utf-8)"], 3),
    ("mixed_records.jsonl:2", "skipped", ["empty text"], 0),
    ("mixed_records.jsonl:3", "error", ["JSON list", "not an object"], 0),
    ("mixed_records.jsonl:4", "error", ["no text column", "columns are: id, outlet, headline"], 0),
    ("mixed_records.jsonl", "loaded", ["jsonl"], 1),
    ("no_text_column.csv:1", "error", ["no text column", "columns are: id, headline, outlet, published, url",
                                       "--text-field"], 0),
    ("ragged.csv:3", "error", ["row has 6 fields", "header 4"], 0),
    ("ragged.csv", "loaded", ["csv table"], 2),
    ("no_article.html", "error", ["no article text", "HTML"], 0),
    ("no_article.txt", "error", ["no article text"], 0),
    ("broken.json:7", "error", ["truncated or invalid JSON", "line 7"], 0),
    ("scalar.json", "error", ["JSON holds a str"], 0),
    ("notes.docx", "skipped", ["not an input file type"], 0),
    ("truncated.parquet", "error", ["not a readable Parquet file"], 0),
]


@pytest.mark.parametrize(("source", "status", "words", "n"), BAD_EXPECTED, ids=[b[0] for b in BAD_EXPECTED])
def test_bad_input_load_report_row(bad_read, source, status, words, n):
    row = report_row(bad_read, source)
    assert row["status"] == status
    for word in words:
        assert word in row["reason"], (word, row["reason"])
    assert row["n_articles"] == n
    assert "\n" not in row["reason"] and "Traceback" not in row["reason"]


def test_bad_input_every_file_is_accounted_for(bad_read, bad_dir):
    names = {f.name for f in bad_article_files(bad_dir)}
    files = set(bad_read.load_report["source"].str.replace(r"[:#]\d+$", "", regex=True))
    assert files == names  # every file has a row (a file failing as a whole may name its line: broken.json:7)
    assert set(bad_read.load_report["status"]) <= STATUSES
    assert bad_read.n_problems == sum(1 for b in BAD_EXPECTED if b[1] != "loaded")


def test_bad_input_good_parts_still_load(bad_read):
    ids = set(bad_read.articles["doc_id"])
    assert {"tr-1", "tr-2", "tr-3", "rg-1", "rg-3", "mx-1"} <= ids
    assert not {"tr-4", "rg-2", "mx-2", "mx-4"} & ids
    assert set(bad_read.articles["source"].str.replace(r"[:#]\d+$", "", regex=True)) == {
        "cp1252.txt", "latin1.txt", "utf16_bom.txt", "truncated.jsonl", "ragged.csv", "mixed_records.jsonl"}


@pytest.mark.parametrize(("source", "encoding", "snippets"), [
    ("cp1252.txt", "cp1252", ["Council approves \u201curgent\u201d repairs", "the council\u2019s leader",
                              "four months \u2014 longer", "\u00a3420,000"]),
    ("latin1.txt", "latin-1", ["Caf\u00e9 owner in Z\u00fcrich", "Ren\u00e9e M\u00fcller", "Jo\u00e3o Ara\u00fajo"]),
    ("utf16_bom.txt", "utf-16-le", ["\u201cWe did not expect", "Tom\u00e1s Reid", "Young crew take"]),
])
def test_bad_input_encodings_detected_and_recorded(bad_read, source, encoding, snippets):
    art = article(bad_read, source)
    assert art["encoding"] == encoding
    whole = art["title"] + "\n" + art["text"]
    for s in snippets:
        assert s in whole, s
    assert "\ufffd" not in whole and "\u00e2\u0080" not in whole  # no mojibake


def test_read_corpus_warns_about_bad_input(bad_dir):
    with pytest.warns(UserWarning, match=r"input\(s\) skipped or failed"):
        df = read_corpus(bad_article_files(bad_dir))
    assert len(df) == 9 and len(df.attrs["load_report"]) == len(BAD_EXPECTED)


# -------------------------------------------------------------- records that used to crash the reader

@pytest.mark.parametrize(("name", "content", "source", "status", "words"), [
    ("nan_id.jsonl", '{"id": NaN, "text": "The ferry leaves earlier."}\n', "nan_id.jsonl", "loaded", ["jsonl"]),
    ("huge_date.jsonl", '{"date": 1e300, "text": "The ferry leaves earlier."}\n{"date": Infinity, "text": "Bus."}\n',
     "huge_date.jsonl:1", "loaded", ["not understood"]),
    ("long_number.json", '{"text": "The ferry leaves earlier.", "id": ' + "1" * 5000 + "}", "long_number.json",
     "error", ["JSON cannot be read"]),
    ("long_number.jsonl", '{"text": "The ferry leaves earlier.", "id": ' + "1" * 5000 + "}\n",
     "long_number.jsonl:1", "error", ["JSON cannot be read"]),
    ("deep.json", "[" * 100_000, "deep.json", "error", ["JSON cannot be read"]),
    ("deep.jsonl", "[" * 100_000 + "\n", "deep.jsonl:1", "error", ["JSON cannot be read"]),
    ("surrogate.jsonl", '{"id": "s\\udc80", "title": "T\\ud800", "text": "Lone \\ud800 surrogate."}\n',
     "surrogate.jsonl", "loaded", ["jsonl"]),
])
def test_hostile_records_give_rows_not_exceptions(tmp_corpus, name, content, source, status, words):
    got = read_sources(tmp_corpus({name: content}))
    row = report_row(got, source)
    assert row["status"] == status and all(w in row["reason"] for w in words), row["reason"]
    if status == "loaded":
        for col in ("doc_id", "title", "text"):
            assert not any("\ud800" <= ch <= "\udfff" for ch in "".join(got.articles[col]))
        assert got.articles["doc_id"].str.len().gt(0).all()


def test_nan_id_falls_back_to_a_content_hash(tmp_corpus):
    got = read_sources(tmp_corpus({"a.jsonl": '{"id": NaN, "text": "The ferry leaves earlier."}\n'
                                              '{"id": 3.0, "text": "The bus is back."}\n'}))
    ids = list(got.articles["doc_id"])
    assert re.fullmatch(r"[0-9a-f]{16}", ids[0]) and ids[1] == "3"


def test_file_name_that_is_not_utf8(tmp_path):
    import os

    name = os.fsdecode(b"caf\xe9.txt")
    (tmp_path / name).write_text("Ferry times change\n\nThe ferry to the islands will leave half an hour earlier "
                                 "from Monday, the operator said on Friday.\n", encoding="utf-8")
    got = read_sources(tmp_path)
    assert list(got.articles["source"]) == ["caf\ufffd.txt"]
    got.articles.to_csv(tmp_path / "out.csv")  # writable as UTF-8


# ============================================================================ properties

FILE_KINDS = [".jsonl", ".csv", ".tsv", ".json", ".html", ".txt", ".parquet"]


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


def check_accounting(got: CorpusRead, name: str) -> None:
    rep = got.load_report
    assert set(rep["status"]) <= STATUSES
    assert rep["source"].str.replace(r"[:#]\d+$", "", regex=True).eq(name).all()
    assert len(rep) >= 1  # the file always has a row (a file failing as a whole may name its line)
    assert rep["n_articles"].sum() == len(got.articles)
    assert got.articles["doc_id"].is_unique
    assert not rep["reason"].str.contains("Traceback").any()


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=600), ext=st.sampled_from(FILE_KINDS))
def test_arbitrary_bytes_never_raise(fuzz_dir, data, ext):
    path = fuzz_dir / f"input{ext}"
    path.write_bytes(data)
    check_accounting(read_sources(path), path.name)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from(["id", "text", "body", "title", "date", "url", "source", "outlet", "x"]),
                      children, max_size=6),
    max_leaves=12)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=st.lists(JSON_VALUES, min_size=1, max_size=4), ext=st.sampled_from([".json", ".jsonl"]))
def test_arbitrary_json_records_never_raise(fuzz_dir, value, ext):
    path = fuzz_dir / f"records{ext}"
    if ext == ".json":
        path.write_text(json.dumps(value if len(value) > 1 else value[0]), encoding="utf-8")
    else:
        path.write_text("".join(json.dumps(v) + "\n" for v in value), encoding="utf-8")
    got = read_sources(path)
    check_accounting(got, path.name)
    assert (got.articles["text"].str.strip() != "").all()


# ============================================================================ the fixture script

def _load_make_fixtures(test_data_dir):
    spec = importlib.util.spec_from_file_location("make_fixtures", test_data_dir / "make_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _parquet_created_by(data: bytes) -> str:
    import pyarrow as pa
    import pyarrow.parquet as pq

    return pq.ParquetFile(pa.BufferReader(data)).metadata.created_by


def test_make_fixtures_reproduces_the_files_byte_for_byte(test_data_dir, tmp_path):
    module = _load_make_fixtures(test_data_dir)
    built = module.build()
    assert set(built) >= {"bad/empty.txt", "bad/binary.txt", "bad/cp1252.txt", "bad/latin1.txt",
                          "bad/utf16_bom.txt", "bad/truncated.jsonl", "formats/articles.parquet"}
    for name, data in built.items():
        on_disk = (test_data_dir / name).read_bytes()
        if name == "formats/articles.parquet" and _parquet_created_by(on_disk) != _parquet_created_by(data):
            # Another pyarrow writes other bytes: compare the table instead.
            import pyarrow as pa
            import pyarrow.parquet as pq

            assert pq.read_table(pa.BufferReader(data)).equals(pq.read_table(pa.BufferReader(on_disk))), name
            continue
        assert on_disk == data, f"{name} differs from what make_fixtures.py writes; rerun the script"
    # The script's command line writes the same bytes where it is told to.
    assert module.main(["--out", str(tmp_path)]) == 0
    for name, data in built.items():
        assert (tmp_path / name).read_bytes() == data


def test_generated_fixtures_are_what_they_claim(test_data_dir):
    bad = test_data_dir / "bad"
    assert (bad / "empty.txt").read_bytes() == b""
    assert (bad / "binary.txt").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    cp = (bad / "cp1252.txt").read_bytes()
    assert b"\x93" in cp and b"\x94" in cp and b"\x97" in cp
    with pytest.raises(UnicodeDecodeError):
        cp.decode("utf-8")
    lat = (bad / "latin1.txt").read_bytes()
    assert not any(0x80 <= b <= 0x9F for b in lat) and b"\xfc" in lat
    assert (bad / "utf16_bom.txt").read_bytes().startswith(b"\xff\xfe")
    lines = (bad / "truncated.jsonl").read_text(encoding="utf-8").split("\n")
    assert len(lines) == 4 and all(json.loads(x) for x in lines[:3])
    with pytest.raises(json.JSONDecodeError):
        json.loads(lines[3])


@settings(max_examples=600, deadline=None)
@given(st.tuples(st.integers(0, 9999), st.integers(0, 13), st.integers(0, 32), st.booleans(), st.integers(0, 25),
                 st.integers(0, 61), st.integers(0, 61),
                 st.sampled_from(["", "Z", "+00:00", "-00:00", "+02:00", "-05:30", "+14:00", "+24:00", "+05:61"])))
def test_iso_date_fast_path_equals_dateutil(parts):
    """Plain ISO dates and date-times skip dateutil; the result must be what dateutil gives."""
    from mediabias.corpus.sources import _parse_date_dateutil

    y, mo, d, with_time, h, mi, sec, tz = parts
    s = f"{y:04d}-{mo:02d}-{d:02d}" + (f"T{h:02d}:{mi:02d}:{sec:02d}{tz}" if with_time else "")
    assert parse_date(s) == _parse_date_dateutil(s), s
