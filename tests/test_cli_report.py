"""`mediabias report`: the output contract, reproducibility and auditability on the seeds."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from textblob import TextBlob

CONTRACT = {
    "articles.csv": ["doc_id", "outlet", "title", "date", "url", "source", "n_tokens", "n_sentences", "polarity",
                     "subjectivity", "vader_compound", "text"],
    "sentences.csv": ["doc_id", "sentence_id", "start", "end", "voice", "polarity", "subjectivity",
                      "vader_compound", "text"],
    "matches.csv": ["doc_id", "outlet", "sentence_id", "start", "end", "surface", "entry", "category", "lexicon",
                    "voice", "hedged"],
    "doc_categories.csv": ["doc_id", "outlet", "lexicon", "category", "voice", "count", "rate_per_1k"],
    "outlet_terms.csv": ["outlet", "lexicon", "category", "entry", "voice", "count", "n_docs", "docs_with_term",
                         "rate_per_1k", "ci_low", "ci_high", "ci_method", "caveat"],
    "outlet_sentiment.csv": ["outlet", "n_docs", "n_sentences", "polarity_mean", "polarity_ci_low",
                             "polarity_ci_high", "subjectivity_mean", "zero_polarity_share", "caveat"],
    "outlet_actor_sentiment.csv": ["outlet", "actor", "voice", "n_sentences", "polarity_mean", "caveat"],
    "keyness.csv": ["outlet", "term", "count_target", "count_reference", "g2", "p_value", "log_ratio", "unit"],
    "framing_pairs.csv": ["outlet", "lexicon", "referent", "alternative", "count", "share", "ci_low", "ci_high"],
    "load_report.csv": ["source", "status", "reason", "n_articles"],
    "dropped_lines.csv": ["doc_id", "source", "line", "reason", "text"],
    "unmatched_entries.csv": ["lexicon", "category", "entry"],
}


def run_report(inputs, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mediabias.cli", "report", *map(str, inputs), "--out", str(out),
                           "--quiet", *extra], capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def seed_report(tmp_path_factory, seeds_dir) -> Path:
    out = tmp_path_factory.mktemp("report")
    proc = run_report([seeds_dir], out)
    assert proc.returncode == 0, proc.stderr
    return out


def test_every_contract_file_and_column(seed_report):
    for name, columns in CONTRACT.items():
        df = pd.read_csv(seed_report / name)
        missing = [c for c in columns if c not in df.columns]
        assert not missing, (name, missing)
    manifest = json.loads((seed_report / "manifest.json").read_text())
    assert manifest["completed"] is True
    assert {x["name"] for x in manifest["lexicons"]} == {"loaded_terms", "bias_cues"}
    assert all(len(x["sha256"]) == 64 for x in manifest["inputs"] + manifest["lexicons"])
    assert manifest["counts"]["articles"] == 2


def test_sentiment_is_textblob_of_the_row_text(seed_report):
    for name in ("articles.csv", "sentences.csv"):
        df = pd.read_csv(seed_report / name, keep_default_na=False)
        for text, pol, subj in zip(df["text"], df["polarity"], df["subjectivity"]):
            s = TextBlob(text).sentiment
            assert (pol, subj) == (s.polarity, s.subjectivity), (name, text[:60])


def test_sentences_point_into_their_article(seed_report):
    arts = pd.read_csv(seed_report / "articles.csv", keep_default_na=False)
    sents = pd.read_csv(seed_report / "sentences.csv", keep_default_na=False)
    text = dict(zip(arts["doc_id"], arts["text"]))
    assert all(text[d][s:e] == t for d, s, e, t in zip(sents["doc_id"], sents["start"], sents["end"], sents["text"]))
    per_doc = sents.groupby("doc_id").size()
    assert dict(zip(arts["doc_id"], arts["n_sentences"])) == per_doc.to_dict()


def test_small_sample_caveat_is_visible(seed_report):
    for name in ("outlet_terms.csv", "outlet_sentiment.csv", "framing_pairs.csv"):
        df = pd.read_csv(seed_report / name)
        assert df["caveat"].str.contains("fewer than 5 articles").all(), name
    assert "fewer than 5 articles" in json.loads((seed_report / "manifest.json").read_text())["caveat"]


def test_framing_outlet_without_referent_gets_no_rows(seed_report):
    fp = pd.read_csv(seed_report / "framing_pairs.csv")
    m = pd.read_csv(seed_report / "matches.csv")
    assert (fp.groupby(["outlet", "referent"])["share"].sum().round(9) == 1).all()
    assert fp["count"].ge(0).all() and len(m)


def test_two_runs_are_byte_identical(seed_report, seeds_dir, tmp_path):
    proc = run_report([seeds_dir], tmp_path)
    assert proc.returncode == 0, proc.stderr
    for name in CONTRACT:
        assert (tmp_path / name).read_bytes() == (seed_report / name).read_bytes(), name


def test_user_lexicon_and_partial_input_exit_status(tmp_path, seeds_dir):
    (tmp_path / "in").mkdir()
    for f in seeds_dir.iterdir():
        (tmp_path / "in" / f.name).write_bytes(f.read_bytes())
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    lex = tmp_path / "mine.csv"
    lex.write_text("term,category\npretext,distancing\nIran-backed,sponsorship\n", encoding="utf-8")
    proc = run_report([tmp_path / "in"], tmp_path / "out", "--lexicon", str(lex))
    assert proc.returncode == 3 and "Traceback" not in proc.stderr
    m = pd.read_csv(tmp_path / "out" / "matches.csv")
    assert set(m["lexicon"]) == {"mine"} and set(m["entry"]) == {"pretext", "Iran-backed"}
    report = pd.read_csv(tmp_path / "out" / "load_report.csv")
    assert report.loc[report["source"] == "empty.txt", "status"].item() == "error"


def test_broken_lexicon_is_one_line_and_exit_1(tmp_path, seeds_dir):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nversion: '1'\ncategories:\n  a:\n    entries: ['*oops']\n", encoding="utf-8")
    proc = run_report([seeds_dir], tmp_path / "out", "--lexicon", str(bad))
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "bad.yaml:5" in lines[0] and "Traceback" not in proc.stderr


def test_figures_each_with_its_csv_twin_and_the_html_report(seed_report):
    figures = sorted((seed_report / "figures").glob("*.png"))
    assert len(figures) >= 5
    assert all(p.with_suffix(".csv").is_file() for p in figures)
    html = (seed_report / "report.html").read_text(encoding="utf-8")
    assert html.count("data:image/png;base64,") >= len(figures)
    manifest = json.loads((seed_report / "manifest.json").read_text())
    assert "report.html" in manifest["outputs"]
    assert all(f"figures/{p.name}" in manifest["outputs"] for p in figures)


def test_article_markup_is_escaped_in_the_html_report(tmp_path):
    csv_in = tmp_path / "in.csv"
    pd.DataFrame({"id": ["x1", "x2"], "outlet": ["<b>Bold Outlet</b>", "Plain"],
                  "title": ["<script>alert('t')</script>", "Quiet title"],
                  "text": ["The alleged <script>alert(1)</script> tunnels were shown under the pretext of calm.",
                           "Officials said the occupied territories were calm on Monday."]}).to_csv(csv_in, index=False)
    proc = run_report([csv_in], tmp_path / "out")
    assert proc.returncode == 0, proc.stderr
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html and "<script>alert('t')</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>Bold Outlet</b>" not in html and "&lt;b&gt;Bold Outlet&lt;/b&gt;" in html


def test_no_figures_writes_tables_only(tmp_path, seeds_dir):
    proc = run_report([seeds_dir], tmp_path, "--no-figures")
    assert proc.returncode == 0, proc.stderr
    assert not (tmp_path / "figures").exists() and not (tmp_path / "report.html").exists()
    assert (tmp_path / "matches.csv").is_file()
