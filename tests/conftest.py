"""The one shared fixture set of the test suite (pyjanitor style).

Paths:
    ``repo_root``, ``seeds_dir``, ``test_data_dir``, ``formats_dir``, ``bad_dir``, ``golden_dir``

Reads done once per session (tests must not mutate what they get):
    ``seed_read``     ``read_sources(seeds/)``: the two seed articles with their manifest
    ``formats_read``  ``read_sources(tests/data/formats/)``: one small file of every input format
    ``bad_read``      ``read_sources(tests/data/bad/)``: the bad-input corpus

Factories:
    ``tmp_corpus``    write files into a fresh folder: ``tmp_corpus({"a.csv": "id,text\\n..."})``
    ``run_cli``       run ``mediabias ARGS...`` in-process; returns ``(status, stdout, stderr)``

Golden files are compared by ``golden``; ``MEDIABIAS_REGEN_GOLDEN=1`` rewrites them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Callable

import pytest

from mediabias.corpus import CorpusRead, read_sources
from mediabias.paths import REPO_ROOT, SEEDS_DIR

TESTS_DIR = Path(__file__).resolve().parent
TEST_DATA_DIR = TESTS_DIR / "data"
REGEN_GOLDEN = os.environ.get("MEDIABIAS_REGEN_GOLDEN") == "1"


# ----------------------------------------------------------------------------- paths

@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS_DIR


@pytest.fixture(scope="session")
def test_data_dir() -> Path:
    return TEST_DATA_DIR


@pytest.fixture(scope="session")
def formats_dir() -> Path:
    return TEST_DATA_DIR / "formats"


@pytest.fixture(scope="session")
def bad_dir() -> Path:
    return TEST_DATA_DIR / "bad"


@pytest.fixture(scope="session")
def golden_dir() -> Path:
    return TEST_DATA_DIR / "golden"


# ----------------------------------------------------------------------------- reads

@pytest.fixture(scope="session")
def seed_read(seeds_dir: Path) -> CorpusRead:
    """The seed corpus, read once: two page dumps and their manifest."""
    return read_sources(seeds_dir)


@pytest.fixture(scope="session")
def seed_ledger(seed_read: CorpusRead):
    """(matches, articles) of the seeds with the bundled loaded_terms lexicon."""
    from mediabias import match_lexicon, segment_articles

    arts, sents = segment_articles(seed_read.articles)
    return match_lexicon(arts, ["loaded_terms"], sents), arts


@pytest.fixture(scope="session")
def formats_read(formats_dir: Path) -> CorpusRead:
    """One small file of every input format, read once as a folder (recursively)."""
    return read_sources(formats_dir)


def bad_article_files(bad_dir: Path) -> list[Path]:
    """The bad-input article files (top level of tests/data/bad/; broken lexicons are in bad/lexicons/)."""
    return sorted(p for p in bad_dir.iterdir() if p.is_file())


@pytest.fixture(scope="session")
def bad_read(bad_dir: Path) -> CorpusRead:
    """The bad-input corpus, read once."""
    return read_sources(bad_article_files(bad_dir))


# ----------------------------------------------------------------------------- factories

@pytest.fixture
def tmp_corpus(tmp_path: Path) -> Callable[..., Path]:
    """Write files into a fresh folder and return the folder.

    Values may be ``str`` (written as UTF-8), ``bytes``, or a list/dict (written as
    JSON; a list of dicts under a ``.jsonl`` name is written one object per line).
    Names may contain ``/`` for subfolders. Call it more than once for more folders::

        folder = tmp_corpus({"a.csv": "id,text\\n1,Hello there.\\n"})
    """
    counter = iter(range(1_000_000))

    def make(files: dict[str, Any], name: str | None = None) -> Path:
        root = tmp_path / (name or f"corpus{next(counter)}")
        root.mkdir(parents=True, exist_ok=True)
        for rel, content in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            elif isinstance(content, str):
                path.write_text(content, encoding="utf-8", newline="")
            elif rel.endswith((".jsonl", ".ndjson")):
                path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in content), encoding="utf-8")
            else:
                path.write_text(json.dumps(content, ensure_ascii=False, indent=1), encoding="utf-8")
        return root

    return make


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture) -> Callable[..., tuple[int, str, str]]:
    """Run ``mediabias ARGS...`` in-process; return ``(exit status, stdout, stderr)``.

    argparse's ``SystemExit`` (usage errors, ``--help``) becomes the status.
    """
    from mediabias.cli import main

    def run(*args: str | os.PathLike) -> tuple[int, str, str]:
        capsys.readouterr()
        try:
            status = main([os.fspath(a) for a in args])
        except SystemExit as exc:
            status = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        out, err = capsys.readouterr()
        return status, out, err

    return run


@pytest.fixture(scope="session")
def golden(golden_dir: Path) -> Callable[[str, Any], None]:
    """Compare ``data`` with ``golden/NAME.json``; with ``MEDIABIAS_REGEN_GOLDEN=1``, rewrite it.

    Review a regenerated file by reading it before committing it.
    """

    def check(name: str, data: Any) -> None:
        path = golden_dir / f"{name}.json"
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        if REGEN_GOLDEN:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return
        assert path.is_file(), f"no golden file {path}; run with MEDIABIAS_REGEN_GOLDEN=1 and review it"
        expected = json.loads(path.read_text(encoding="utf-8"))
        assert json.loads(text) == expected, f"parse differs from {path} (rerun with MEDIABIAS_REGEN_GOLDEN=1 if intended)"

    return check
