"""The bundled lexicons: raw sources in data/lexicons/, packaged YAML in the package,
and the build script that turns one into the other (mediabias.lexicon.build)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from mediabias.errors import LexiconError
from mediabias.lexicon import build as lexbuild
from mediabias.lexicon.model import check_term

REPO = Path(__file__).resolve().parents[1]
RAW = REPO / "data" / "lexicons"
PACKAGED = REPO / "src" / "mediabias" / "lexicons"
BUNDLED = ("bias_cues", "loaded_terms")

# Loaded wording of the two seed articles (Press TV and i24NEWS, December 2018).
SEED_TERMS = [
    "pretext", "under the pretext of", "occupied territories", "alleged tunnels", "boasted",
    "resistance movement", "Lebanese resistance", "Iran-backed", "tunnel threat",
    "Israeli enemy", "Hezbollah activists",
]


def _doc(name: str) -> dict:
    return yaml.safe_load((PACKAGED / f"{name}.yaml").read_text(encoding="utf-8"))


def _terms(doc: dict) -> list[str]:
    return [e if isinstance(e, str) else e["term"]
            for cat in doc["categories"].values() for e in cat["entries"]]


# --------------------------------------------------------------------------- packaged files


def test_packaged_files_are_up_to_date(tmp_path):
    written = lexbuild.build(RAW, tmp_path)
    assert sorted(p.stem for p in written) == sorted(BUNDLED)
    for path in written:
        assert path.read_bytes() == (PACKAGED / path.name).read_bytes(), (
            f"{path.name} is out of date: run `python -m mediabias.lexicon.build`")


def test_build_is_deterministic(tmp_path):
    first = {p.name: p.read_bytes() for p in lexbuild.build(RAW, tmp_path / "a")}
    second = {p.name: p.read_bytes() for p in lexbuild.build(RAW, tmp_path / "b")}
    assert first == second


def test_check_mode_reports_missing_and_stale_files(tmp_path, capsys):
    args = ["--src", str(RAW), "--out", str(tmp_path)]
    assert lexbuild.main(args + ["--check"]) == 1  # nothing built yet
    assert lexbuild.main(args) == 0
    assert lexbuild.main(args + ["--check"]) == 0
    stale = tmp_path / "bias_cues.yaml"
    stale.write_bytes(stale.read_bytes() + b"# edited by hand\n")
    capsys.readouterr()
    assert lexbuild.main(args + ["--check"]) == 1
    assert "bias_cues.yaml is out of date" in capsys.readouterr().err


def test_module_entry_point_checks_the_repository():
    proc = subprocess.run([sys.executable, "-m", "mediabias.lexicon.build", "--check"],
                          capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("name", BUNDLED)
def test_metadata(name):
    doc = _doc(name)
    assert list(doc)[:6] == ["name", "version", "licence", "source", "description", "categories"]
    assert doc["name"] == name
    assert doc["version"] == "1.0.0"
    assert doc["licence"] == "CC-BY-4.0"
    assert doc["source"] == "Written by the mediabias developers, 2026"
    assert len(doc["description"].split(". ")) >= 3  # several sentences
    text = (PACKAGED / f"{name}.yaml").read_text(encoding="utf-8")
    assert 'version: "1.0.0"' in text


@pytest.mark.parametrize("name, min_total, min_per_category",
                         [("loaded_terms", 150, 5), ("bias_cues", 1000, 20)])
def test_entry_counts_and_descriptions(name, min_total, min_per_category):
    doc = _doc(name)
    assert len(_terms(doc)) >= min_total
    for cat_id, cat in doc["categories"].items():
        assert cat["description"].strip(), cat_id
        assert len(cat["entries"]) >= min_per_category, cat_id


@pytest.mark.parametrize("name", BUNDLED)
def test_entries_are_valid_and_unique(name):
    doc = _doc(name)
    seen: dict[str, str] = {}
    for cat_id, cat in doc["categories"].items():
        for item in cat["entries"]:
            if isinstance(item, dict):
                assert set(item) <= {"term", "note", "weight", "case_sensitive"}
                assert set(item) != {"term"}  # plain entries are plain strings
                term = item["term"]
            else:
                term = item
            assert isinstance(term, str) and check_term(term) is None, term
            key = lexbuild.normalise_term(term)
            assert key not in seen, f"{term!r} in {cat_id} and {seen[key]}"
            seen[key] = cat_id


def test_seed_terms_are_loaded_terms_entries():
    terms = set(_terms(_doc("loaded_terms")))
    missing = [t for t in SEED_TERMS if t not in terms]
    assert not missing


def test_framing_pairs_name_entries():
    doc = _doc("loaded_terms")
    terms = set(_terms(doc))
    referents = [p["referent"] for p in doc["framing_pairs"]]
    assert len(referents) >= 5
    assert {"territories", "armed_groups", "barrier", "israeli_state", "settlements",
            "killing"} <= set(referents)
    for pair in doc["framing_pairs"]:
        assert pair["description"].strip()
        assert len(pair["alternatives"]) >= 2
        for label, alts in pair["alternatives"].items():
            assert alts and all(t in terms for t in alts), (pair["referent"], label)
    territories = next(p for p in doc["framing_pairs"] if p["referent"] == "territories")
    assert "occupied territories" in territories["alternatives"]["occupied"]
    assert "Judea and Samaria" in territories["alternatives"]["biblical"]


def test_bias_cues_favour_slant_over_topic():
    terms = {lexbuild.normalise_term(t) for t in _terms(_doc("bias_cues"))}
    for cue in ["so-called", "slammed", "slaughtered", "ruthless", "radical", "disastrous",
                "boasted", "far-left", "unprecedented", "laughable"]:
        assert lexbuild.normalise_term(cue) in terms, cue
    for neutral in ["killed", "said", "died", "attack", "police", "election"]:
        assert neutral not in terms, neutral


# --------------------------------------------------------------------------- validation

META = """\
name: tiny
version: "1.0.0"
licence: CC-BY-4.0
source: a test
description: A tiny lexicon for tests.
categories:
  alpha: Alpha words, for example "one" and "two".
  beta: Beta words, for example "three" and "four".
"""


def _raw(tmp_path: Path, meta: str = META, **files: str) -> Path:
    folder = tmp_path / "lexicons" / "tiny"
    folder.mkdir(parents=True)
    (folder / "meta.yaml").write_text(meta, encoding="utf-8")
    files.setdefault("alpha", "one\ntwo\n")
    files.setdefault("beta", "three\nfour\n")
    for cat, text in files.items():
        (folder / f"{cat}.txt").write_text(text, encoding="utf-8")
    return folder


def _error(folder: Path) -> LexiconError:
    with pytest.raises(LexiconError) as info:
        lexbuild.read_raw_lexicon(folder)
    return info.value


def _at(err: LexiconError, filename: str, line: int) -> None:
    assert Path(err.path).name == filename, str(err)
    assert err.line == line, str(err)
    assert str(err).startswith(f"{err.path}:{line}: ")


def test_valid_raw_folder_builds(tmp_path):
    folder = _raw(tmp_path, alpha="# comment\none | a note\ntwo [cs]\n\nIran-backed [weight=2] | n\n")
    lex = lexbuild.read_raw_lexicon(folder)
    assert [(e.term, e.line) for e in lex.entries][:3] == [("one", 2), ("two", 3), ("Iran-backed", 5)]
    doc = yaml.safe_load(lexbuild.render_lexicon(lex))
    assert doc["categories"]["alpha"]["entries"] == [
        {"term": "one", "note": "a note"},
        {"term": "two", "case_sensitive": True},
        {"term": "Iran-backed", "note": "n", "weight": 2.0},
    ]
    assert doc["categories"]["beta"]["entries"] == ["three", "four"]


@pytest.mark.parametrize("beta, line", [
    ("three\nTwo\n", 2),                 # across categories, other case
    ("three\nfour\nthree\n", 3),         # within one category
    ("three\nfour\n# x\nTWO  | note\n", 4),
])
def test_rejects_duplicate_entry(tmp_path, beta, line):
    err = _error(_raw(tmp_path, beta=beta))
    _at(err, "beta.txt", line)
    assert "duplicate entry" in err.message


def test_duplicates_are_found_after_normalising(tmp_path):
    err = _error(_raw(tmp_path, alpha="Iran-backed\nIsrael's enemy\n", beta="x\nIsrael\u2019s  enemy\n"))
    _at(err, "beta.txt", 2)
    err = _error(_raw(tmp_path / "b", alpha="Iran-backed\ntwo\n", beta="three\niran backed\n"))
    _at(err, "beta.txt", 2)


@pytest.mark.parametrize("bad", ["*tunnel", "tun*nel", "pretext**", "wa*", "-*"])
def test_rejects_bad_glob(tmp_path, bad):
    err = _error(_raw(tmp_path, alpha=f"one\n# c\n{bad}\n"))
    _at(err, "alpha.txt", 3)
    assert "bad " in err.message


def test_rejects_empty_entry(tmp_path):
    err = _error(_raw(tmp_path, alpha="one\n  | just a note\n"))
    _at(err, "alpha.txt", 2)
    assert "empty entry" in err.message


def test_rejects_unknown_marker(tmp_path):
    err = _error(_raw(tmp_path, alpha="one\ntwo [sc]\n"))
    _at(err, "alpha.txt", 2)


def test_rejects_framing_term_that_is_not_an_entry(tmp_path):
    meta = META + (
        "framing_pairs:\n"
        "  - referent: numbers\n"
        "    description: Small numbers.\n"
        "    alternatives:\n"
        "      low: [one, two]\n"
        "      high:\n"
        "        - three\n"
        "        - five\n"
    )
    err = _error(_raw(tmp_path, meta=meta))
    _at(err, "meta.yaml", 16)
    assert "'five' is not an entry" in err.message


def test_framing_terms_take_the_entry_spelling(tmp_path):
    meta = META + (
        "framing_pairs:\n"
        "  - referent: backing\n"
        "    description: Who backs whom.\n"
        "    alternatives:\n"
        "      a: [iran backed]\n"
        "      b: [three]\n"
    )
    lex = lexbuild.read_raw_lexicon(_raw(tmp_path, meta=meta, alpha="Iran-backed\n"))
    doc = yaml.safe_load(lexbuild.render_lexicon(lex))
    assert doc["framing_pairs"][0]["alternatives"] == {"a": ["Iran-backed"], "b": ["three"]}


def test_rejects_unknown_meta_key(tmp_path):
    meta = META.replace("source: a test\n", "source: a test\nauthor: someone\n")
    err = _error(_raw(tmp_path, meta=meta))
    _at(err, "meta.yaml", 5)
    assert "unknown meta key 'author'" in err.message


def test_rejects_category_without_description(tmp_path):
    meta = META.replace('  beta: Beta words, for example "three" and "four".\n', "  beta:\n")
    err = _error(_raw(tmp_path, meta=meta))
    _at(err, "meta.yaml", 8)
    assert "no description" in err.message


def test_rejects_undeclared_and_missing_category_files(tmp_path):
    err = _error(_raw(tmp_path, gamma="five\n"))
    assert Path(err.path).name == "gamma.txt"
    folder = _raw(tmp_path / "b")
    (folder / "beta.txt").unlink()
    err = _error(folder)
    _at(err, "meta.yaml", 8)


def test_cli_reports_errors_with_place(tmp_path, capsys):
    folder = _raw(tmp_path, beta="three\none\n")
    code = lexbuild.main(["--src", str(folder.parent), "--out", str(tmp_path / "out")])
    assert code == 2
    err = capsys.readouterr().err
    assert "beta.txt:2: duplicate entry 'one'" in err
    assert not (tmp_path / "out").exists()
