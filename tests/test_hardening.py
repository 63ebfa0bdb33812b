"""Hardening: broken lexicons of every format, crafted entries, and identical outputs across machines' accidents."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from mediabias import LexiconError, load_lexicon
from mediabias.lexicon import Entry, Lexicon
from mediabias.match import find_hits

# file in tests/data/bad/lexicons -> (line the message must name, words it must contain)
BROKEN_LEXICONS = {
    "bad_glob.yaml": (8, "'*' may only end an entry"),
    "bad_syntax.yaml": (6, "YAML syntax error"),
    "undefined_category.dic": (5, "undefined category number 7"),
    "unclosed_header.dic": (3, "header line"),
    "bad_glob.lc3": (3, "'*' may only end an entry"),
    "no_word.tff": (1, "no word1="),
    "bad_weight.csv": (2, "not a number"),
    "wildcard.yml": (3, "wildcard"),
    "binary.txt": (None, "binary"),
    "empty.txt": (1, "empty"),
}


def test_bad_lexicon_corpus_is_complete(bad_dir):
    assert {p.name for p in (bad_dir / "lexicons").iterdir()} == set(BROKEN_LEXICONS)


@pytest.mark.parametrize("name", sorted(BROKEN_LEXICONS))
def test_broken_lexicon_gives_one_line_with_file_and_line(bad_dir, name):
    line, words = BROKEN_LEXICONS[name]
    path = bad_dir / "lexicons" / name
    with pytest.raises(LexiconError) as info:
        load_lexicon(path)
    msg = str(info.value)
    assert "\n" not in msg and words in msg
    assert msg.startswith(f"{path}:{line}:" if line else str(path))


@pytest.mark.parametrize("name", ["bad_glob.yaml", "undefined_category.dic", "bad_weight.csv"])
def test_broken_lexicon_on_the_command_line_exits_1_without_traceback(bad_dir, seeds_dir, tmp_path, name):
    proc = subprocess.run([sys.executable, "-m", "mediabias.cli", "report", str(seeds_dir), "--out", str(tmp_path),
                           "--lexicon", str(bad_dir / "lexicons" / name)], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and name in proc.stderr


# Classic catastrophic-backtracking patterns: entries are literals for the automaton,
# never compiled into regular expressions, so these match literally and in linear time.
REDOS = ["(a+)+$", "(a|aa)+$", "(a|a?)+$", "(.*a){20}", "([a-zA-Z]+)*$", "(x+x+)+y", "a{1,99999}(b|c)*"]


@pytest.mark.parametrize("pattern", REDOS)
def test_crafted_entries_match_literally_in_bounded_time(pattern):
    lex = Lexicon("hostile", (Entry(pattern.rstrip("*$") or "a", "x"), Entry("tunnel", "x")))
    text = "a" * 200_000 + "!" + " tunnel " + pattern
    started = time.perf_counter()
    hits = find_hits(text, lex)
    assert time.perf_counter() - started < 5
    assert any(text[s:e] == "tunnel" for s, e, _, _ in hits)


def _report(inputs: list[Path], out: Path, env_extra: dict[str, str]) -> None:
    env = {**os.environ, **env_extra}
    proc = subprocess.run([sys.executable, "-m", "mediabias.cli", "report", *map(str, inputs), "--out", str(out),
                           "--quiet"], capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr


def _tables(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.csv"))}


def test_same_bytes_across_hash_seeds_and_folders(seeds_dir, tmp_path):
    """Two runs with different PYTHONHASHSEED, one on a copy of the inputs elsewhere: identical tables."""
    copy = tmp_path / "elsewhere with spaces é" / "corpus"
    shutil.copytree(seeds_dir, copy)
    _report([seeds_dir], tmp_path / "a", {"PYTHONHASHSEED": "1"})
    _report([copy], tmp_path / "b", {"PYTHONHASHSEED": "4242"})
    a, b = _tables(tmp_path / "a"), _tables(tmp_path / "b")
    assert a.keys() == b.keys() and len(a) >= 10
    assert [k for k in a if a[k] != b[k]] == []
    arts = pd.read_csv(tmp_path / "b" / "articles.csv")
    assert sorted(arts["outlet"]) == ["Press TV", "i24NEWS"]
