"""report.html (mediabias.html_report): one self-contained, escaped, deterministic page."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import base64  # noqa: E402
import html  # noqa: E402
import re  # noqa: E402

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from mediabias import load_lexicon, plots, read_sources  # noqa: E402
from mediabias.html_report import write_html_report  # noqa: E402
from mediabias.report import aggregate_tables, process_articles  # noqa: E402

SEED = 20181208
# a layout that collapses, or any other matplotlib complaint, is a failure here
pytestmark = pytest.mark.filterwarnings("error::UserWarning", "error::RuntimeWarning")
SCRIPT = "<script>alert(1)</script>"


def build_tables(read) -> dict[str, pd.DataFrame]:
    """The tables of a report run, as ``run_report`` builds them."""
    lexicons = [load_lexicon("loaded_terms"), load_lexicon("bias_cues")]
    arts, sents, matches = process_articles(read.articles, lexicons)
    return {"articles": arts, "sentences": sents, "matches": matches,
            **aggregate_tables(arts, sents, matches, lexicons, SEED),
            "dropped_lines": read.dropped_lines, "load_report": read.load_report}


def manifest_for(tables, caveat="descriptive only: 2 of 2 outlets have fewer than 5 articles (Press TV, i24NEWS)",
                 **extra) -> dict:
    """A manifest shaped like report.build_manifest's (fixed values: the page must not depend on the clock)."""
    man = {"mediabias": "0.1.0", "python": "3.11.7", "dependencies": {"pandas": "3.1.1", "matplotlib": "3.11.2"},
           "command": "mediabias report",
           "options": {"lexicons": [], "seed": SEED, "fields": {}, "outlets_file": None},
           "inputs": [{"source": "000_1da48ea08291236c.txt", "sha256": "4032e40a" + "0" * 56, "bytes": 2971}],
           "lexicons": [{"name": "loaded_terms", "version": "1.0.0", "licence": "CC-BY-4.0", "format": "native-yaml",
                         "entries": 796, "sha256": "ef13" + "0" * 60}],
           "counts": {name: len(df) for name, df in tables.items()}, "load_report": {"loaded": 3},
           "caveat": caveat, "completed": True, "started_at": "2026-01-01T00:00:00Z", "seconds": 1.0}
    man.update(extra)
    return man


@pytest.fixture(scope="module")
def seed_tables(seed_read):
    return build_tables(seed_read)


@pytest.fixture(scope="module")
def seed_report(seed_tables, tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    figures = plots.write_figures(seed_tables, out / "figures")
    path = write_html_report(out, seed_tables, figures, manifest_for(seed_tables))
    return path, figures, path.read_text(encoding="utf-8")


def test_report_exists_and_is_self_contained(seed_report):
    path, figures, page = seed_report
    assert path.name == "report.html" and path.is_file()
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r'(src|href)\s*=\s*["\']?\s*(https?:)?//', page, re.I)   # nothing fetched from anywhere
    assert "<script" not in page.lower() and "<link" not in page.lower() and "@import" not in page
    assert "url(" not in page                                   # no CSS resources either
    for src in re.findall(r'<img[^>]*\ssrc="([^"]*)"', page):
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"


def test_report_shows_every_figure_headline_first(seed_report):
    _path, figures, page = seed_report
    drawn = [f for f in figures if f["png"]]
    assert len(drawn) >= 5
    assert page.count("<img ") == len(drawn)
    for f in drawn:
        png = base64.b64encode(f["png"].read_bytes()).decode("ascii")
        assert png in page, f["name"]
        assert html.escape(f["title"]) in page
        assert html.escape(f["caption"]) in page
    headline = page.index('<figure id="fig-terms_by_outlet"')
    assert page.index("<figure") == headline < page.index("<img ")   # the headline chart comes first
    assert headline < page.index('id="kwic"') < page.index('id="fig-dispersion"')


def test_report_sections(seed_report, seed_tables):
    _path, _figures, page = seed_report
    text = html.unescape(page)
    # what was read
    assert "loaded: 3" in text and "Every input was loaded." in text
    assert "000_1da48ea08291236c.txt" in text and "breadcrumb" in text
    # KWIC lines with the keyword highlighted
    assert "<mark>under the pretext of</mark>" in page or "<mark>alleged tunnels</mark>" in page
    assert page.count("<mark>") >= 10
    # key tables
    for heading in ("outlet_terms.csv", "outlet_sentiment.csv", "framing_pairs.csv", "keyness.csv"):
        assert heading in text
    assert "occupied" in text and "zero_polarity_share" in text
    # caveats in words, manifest with hashes and lexicons
    assert "descriptive only: 2 of 2 outlets" in text
    assert "fewer than 5 articles" in text
    assert "4032e40a" + "0" * 56 in text and "CC-BY-4.0" in text and "3.11.2" in text


def test_kwic_lines_are_the_ledger(seed_report, seed_tables):
    _path, _figures, page = seed_report
    m, arts = seed_tables["matches"], seed_tables["articles"]
    row = m[m["entry"] == "alleged tunnels"].iloc[0]
    text = arts.set_index("doc_id").loc[row["doc_id"], "text"]
    assert text[row["start"]:row["end"]] == "alleged tunnels"
    assert "(hedged)" in page                                   # "alleged tunnels" is a hedged hit


def test_markup_in_articles_is_escaped(tmp_corpus, tmp_path):
    folder = tmp_corpus({"evil.jsonl": [
        {"outlet": "Evil <b>Outlet</b>", "title": f"Title {SCRIPT} & <b>bold</b>",
         "text": f"Forces moved in under the pretext of security {SCRIPT} and <b>bold</b> claims. "
                 "The occupied territories were quiet."},
        {"outlet": "Plain News", "title": "Plain", "text": "Troops entered the disputed territories on Monday."}]})
    tables = build_tables(read_sources(folder))
    tables["load_report"] = pd.concat([tables["load_report"], pd.DataFrame(
        [{"source": f"bad{SCRIPT}.txt", "status": "error", "reason": "<b>broken</b> & <i>odd</i>",
          "n_articles": 0}])], ignore_index=True)
    figures = plots.write_figures(tables, tmp_path / "figures")
    figures.append({"name": "extra", "title": f"T {SCRIPT}", "caption": "<b>c</b>", "png": None, "csv": None,
                    "skipped": f"why {SCRIPT}"})
    man = manifest_for(tables, caveat=f"caveat {SCRIPT}",
                       lexicons=[{"name": f"lex{SCRIPT}", "version": "<b>1</b>", "licence": "x", "format": "y",
                                  "entries": 1, "sha256": "z"}])
    page = write_html_report(tmp_path, tables, figures, man).read_text(encoding="utf-8")
    assert SCRIPT not in page
    assert "<b>" not in page and "<i>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page                   # article text, in the KWIC line
    assert "Evil &lt;b&gt;Outlet&lt;/b&gt;" in page             # outlet names
    assert "&lt;b&gt;broken&lt;/b&gt; &amp; &lt;i&gt;odd&lt;/i&gt;" in page   # load-report reasons
    assert "why &lt;script&gt;" in page                         # skipped-figure reasons
    kwic = re.search(r"<mark>under the pretext of</mark></td><td class=\"right\">([^<]*)</td>", page)
    assert kwic and "&lt;script&gt;" in kwic.group(1)


def test_report_is_deterministic(seed_report, seed_tables, tmp_path):
    """Same tables, figures and manifest: the same bytes (PNG determinism is tested in test_plots)."""
    path, figures, page = seed_report
    again = write_html_report(path.parent, seed_tables, figures, manifest_for(seed_tables))
    assert again == path and again.read_text(encoding="utf-8") == page
    other = manifest_for(seed_tables, started_at="2030-01-01T00:00:00Z", seconds=9.9)
    moved = write_html_report(path.parent, seed_tables, figures, other).read_text(encoding="utf-8")
    differ = [(a, b) for a, b in zip(page.splitlines(), moved.splitlines()) if a != b]
    assert differ and all("2030-01-01" in b or "9.9" in b for _, b in differ)   # only the timestamps
    write_html_report(path.parent, seed_tables, figures, manifest_for(seed_tables))
    assert plt.get_fignums() == []


def test_report_without_figures_or_tables(tmp_path):
    path = write_html_report(tmp_path, {}, [], {})
    page = path.read_text(encoding="utf-8")
    assert "No figures were drawn." in page
    assert "<img" not in page
    assert not list(tmp_path.glob(".*tmp*"))


def test_report_lists_skipped_figures(seed_tables, tmp_path):
    figures = [{"name": "framing_shares", "title": "Framing", "caption": "", "png": None, "csv": None,
                "skipped": "no outlet names a referent of any framing pair"}]
    page = write_html_report(tmp_path, seed_tables, figures, manifest_for(seed_tables)).read_text(encoding="utf-8")
    assert "not drawn (no outlet names a referent of any framing pair)" in page


def test_report_on_a_sample_of_a_streamed_corpus(seed_tables, tmp_path):
    tables = {k: v for k, v in seed_tables.items()}
    man = manifest_for(seed_tables)
    man["counts"] = {**man["counts"], "matches": 12345}
    page = write_html_report(tmp_path, tables, [], man, outlet_articles={"Press TV": 10, "i24NEWS": 20})
    text = html.unescape(page.read_text(encoding="utf-8"))
    assert "30 articles from 2 outlets; 12,345 lexicon hits" in text
    assert "Articles (30 from 2 outlets)" in text
    assert "the sample kept for the charts" in text and "2 of 30" in text
    assert "from the sample of 2 articles kept in memory" in text
