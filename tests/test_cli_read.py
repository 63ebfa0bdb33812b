"""``mediabias read``: outputs, exit statuses (0 / 1 / 2 / 3), one-line messages and help."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import bad_article_files

from mediabias.cli import EXIT_FATAL, EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, build_parser

SEED_PRESS_TV = "000_1da48ea08291236c.txt"
SEED_I24 = "002_d6eca5df38951f0f.txt"
ARTICLE_CONTRACT = ["doc_id", "outlet", "title", "date", "url", "source", "n_tokens", "n_sentences", "polarity",
                    "subjectivity", "text"]
SENTENCE_CONTRACT = ["doc_id", "sentence_id", "start", "end", "voice", "polarity", "subjectivity", "text"]
LOAD_REPORT_CONTRACT = ["source", "status", "reason", "n_articles"]
MEDIABIAS = Path(sys.executable).with_name("mediabias")


def read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def assert_no_traceback(err: str) -> None:
    assert "Traceback" not in err and "Error:" not in err.replace("mediabias:", ""), err


# ----------------------------------------------------------------------------- status 0

def test_read_seeds_writes_the_contract_tables(run_cli, seeds_dir, tmp_path):
    status, out, err = run_cli("read", seeds_dir, "--out", tmp_path / "out")
    assert status == EXIT_OK == 0, err
    arts = read_csv(tmp_path / "out" / "articles.csv")
    assert set(ARTICLE_CONTRACT) <= set(arts.columns) and arts.columns[0] == "doc_id"  # "at least" these
    assert list(arts["source"]) == [SEED_PRESS_TV, SEED_I24]
    assert list(arts["outlet"]) == ["Press TV", "i24NEWS"]
    assert list(arts["title"]) == ["Putin tells Netanyahu of need for 'strict' stability in Mideast",
                                   "Putin, Netanyahu discuss military cooperation, Lebanese border"]
    sents = read_csv(tmp_path / "out" / "sentences.csv")
    assert set(SENTENCE_CONTRACT) <= set(sents.columns)
    assert set(sents["doc_id"]) == set(arts["doc_id"])
    text = dict(zip(arts["doc_id"], arts["text"]))
    for row in sents.itertuples():
        assert text[row.doc_id][int(row.start):int(row.end)] == row.text
    rep = read_csv(tmp_path / "out" / "load_report.csv")
    assert list(rep.columns) == LOAD_REPORT_CONTRACT and set(rep["status"]) == {"loaded"}
    dropped = read_csv(tmp_path / "out" / "dropped_lines.csv")
    assert "SHARE THIS ARTICLE" in set(dropped["text"]) and set(dropped["role"]) == {"dropped"}
    assert re.fullmatch(r"mediabias: read 2 articles, \d+ sentences into .*\n", err)
    assert out == ""


def test_read_outputs_are_byte_identical_between_runs(run_cli, seeds_dir, formats_dir, tmp_path):
    for name in ("a", "b"):
        assert run_cli("read", seeds_dir, formats_dir, "--out", tmp_path / name, "--quiet")[0] == EXIT_OK
    for table in ("articles.csv", "sentences.csv", "load_report.csv", "dropped_lines.csv"):
        assert (tmp_path / "a" / table).read_bytes() == (tmp_path / "b" / table).read_bytes(), table


def test_read_with_field_options(run_cli, tmp_path):
    src = tmp_path / "custom.csv"
    src.write_text("key,paper,hed,when,story\nk1,Valley Post,Bus is back,2024-03-12,The bus route returns.\n",
                   encoding="utf-8")
    status, _, err = run_cli("read", src, "--out", tmp_path / "out", "--text-field", "story", "--outlet-field",
                             "paper", "--title-field", "hed", "--date-field", "when", "--id-field", "key")
    assert status == EXIT_OK, err
    art = read_csv(tmp_path / "out" / "articles.csv").iloc[0]
    assert (art["doc_id"], art["outlet"], art["title"], art["date"]) == ("k1", "Valley Post", "Bus is back",
                                                                         "2024-03-12")


def test_quiet_prints_nothing_on_success(run_cli, seeds_dir, tmp_path):
    assert run_cli("read", seeds_dir, "--out", tmp_path, "--quiet") == (EXIT_OK, "", "")


# ----------------------------------------------------------------------------- status 3

def test_read_bad_corpus_exits_3_with_a_summary_and_a_full_load_report(run_cli, bad_dir, bad_read, tmp_path):
    status, out, err = run_cli("read", *bad_article_files(bad_dir), "--out", tmp_path)
    assert status == EXIT_PARTIAL == 3
    assert_no_traceback(err)
    lines = err.splitlines()
    assert lines and all(line.startswith("mediabias: ") for line in lines), err
    n_problems = bad_read.n_problems
    summary = [line for line in lines if "skipped or failed" in line]
    assert len(summary) == 1
    assert f"{n_problems} input(s) skipped or failed" in summary[0] and "load_report.csv" in summary[0]
    rep = read_csv(tmp_path / "load_report.csv")
    assert list(rep.columns) == LOAD_REPORT_CONTRACT
    assert rep["status"].isin(["skipped", "error"]).sum() == n_problems
    files = set(rep["source"].str.replace(r"[:#]\d+$", "", regex=True))
    assert files == {f.name for f in bad_article_files(bad_dir)}  # every file accounted for
    arts = read_csv(tmp_path / "articles.csv")
    assert len(arts) == len(bad_read.articles) == 9
    assert dict(zip(arts["source"], arts["encoding"]))["cp1252.txt"] == "cp1252"


def test_console_script_on_bad_corpus_has_no_traceback(bad_dir, tmp_path):
    proc = subprocess.run([str(MEDIABIAS), "read", str(bad_dir), "--out", str(tmp_path)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 3, proc.stderr
    assert_no_traceback(proc.stderr)
    assert (tmp_path / "load_report.csv").is_file()


# ----------------------------------------------------------------------------- status 1

def test_only_bad_input_exits_1_with_one_line(run_cli, bad_dir, tmp_path):
    status, out, err = run_cli("read", bad_dir / "empty.txt", bad_dir / "binary.txt", bad_dir / "no_article.html",
                               "--out", tmp_path / "out")
    assert status == EXIT_FATAL == 1
    assert_no_traceback(err)
    assert len(err.strip().splitlines()) == 1 and out == ""
    assert err.startswith("mediabias: no article could be read") and "empty.txt" in err and "empty" in err


def test_console_script_only_bad_input(bad_dir, tmp_path):
    proc = subprocess.run([str(MEDIABIAS), "read", str(bad_dir / "binary.txt"), "--out", str(tmp_path)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert_no_traceback(proc.stderr)
    assert len(proc.stderr.strip().splitlines()) == 1 and "binary" in proc.stderr


def test_missing_input_exits_1(run_cli, tmp_path):
    status, _, err = run_cli("read", tmp_path / "nope.csv", "--out", tmp_path / "out")
    assert status == EXIT_FATAL and len(err.strip().splitlines()) == 1 and "no such file" in err


def test_unwritable_output_exits_1(run_cli, seeds_dir, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    status, _, err = run_cli("read", seeds_dir, "--out", blocker / "out", "--quiet")
    assert status == EXIT_FATAL
    assert_no_traceback(err)
    assert len(err.strip().splitlines()) == 1 and "a-file" in err


def test_broken_outlets_file_exits_1(run_cli, seeds_dir, tmp_path):
    bad = tmp_path / "outlets.yaml"
    bad.write_text("outlets: [unclosed\n", encoding="utf-8")
    status, _, err = run_cli("read", seeds_dir, "--out", tmp_path / "out", "--outlets-file", bad)
    assert status == EXIT_FATAL
    assert_no_traceback(err)
    assert len(err.strip().splitlines()) == 1 and "outlets.yaml" in err


# ----------------------------------------------------------------------------- status 2

@pytest.mark.parametrize("args", [
    [],
    ["read"],
    ["read", "seeds"],                                     # no --out
    ["read", "--out", "x"],                                # no INPUT
    ["read", "seeds", "--out", "x", "--no-such-option"],
    ["frobnicate", "seeds"],
])
def test_usage_errors_exit_2(run_cli, args):
    status, out, err = run_cli(*args)
    assert status == EXIT_USAGE == 2
    assert "usage:" in err and "Traceback" not in err


# ----------------------------------------------------------------------------- help

def _subparser(name: str):
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return sub.choices[name]


@pytest.mark.parametrize("command", ["read", "report"])
def test_help_mentions_every_option_with_an_example(run_cli, command):
    status, out, _ = run_cli(command, "--help")
    assert status == 0
    flat = " ".join(out.split())
    actions = [a for a in _subparser(command)._actions if a.help and "show this help" not in a.help]
    assert {a.dest for a in actions} >= {"inputs", "out", "text_field", "outlet_field", "title_field", "date_field",
                                         "url_field", "id_field", "outlets_file", "quiet"}
    for action in actions:
        names = action.option_strings or [action.metavar]
        assert all(n in out for n in names), names
        assert "Example:" in action.help, f"{names}: no Example: in its help"
        assert " ".join(action.help.split()) in flat, names  # the example is printed, not only stored
    assert "exit status" in out and all(f"  {n}  " in out for n in "0123")
    assert re.search(rf"mediabias {command} \S+ .*--out", out)  # an example command line
