"""The notebook suite: its shape, clean stored outputs, and 06 run by papermill on another corpus.

``pytest --nbval notebooks/`` re-runs every notebook and compares its outputs with the
stored ones; these tests check what nbval does not: that the six notebooks exist and
follow the conventions of the design brief (numbered names, a first cell stating the
question, inputs and outputs, thin code, no absolute paths or memory addresses in the
stored outputs), that the README lists them, and that ``06-your-own-corpus`` runs on
a corpus other than the seeds when papermill sets its parameters.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from mediabias.paths import REPO_ROOT

NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
EXPECTED = [
    "01-read-articles.ipynb",
    "02-loaded-terms-by-outlet.ipynb",
    "03-sentiment-by-outlet.ipynb",
    "04-compare-outlets.ipynb",
    "05-teaching-build-a-lexicon.ipynb",
    "06-your-own-corpus.ipynb",
]
NAME = re.compile(r"^\d\d-[a-z]+(?:-[a-z0-9]+)+\.ipynb$")
KERNEL = "python3"
MAX_CELL_LINES = 15


def _load(name: str) -> dict:
    return json.loads((NOTEBOOKS_DIR / name).read_text(encoding="utf-8"))


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _output_texts(cell: dict) -> list[str]:
    texts = []
    for out in cell.get("outputs", []):
        if "text" in out:
            texts.append("".join(out["text"]) if isinstance(out["text"], list) else out["text"])
        for mime, value in out.get("data", {}).items():
            if mime.startswith("text/") or mime == "application/json":
                texts.append("".join(value) if isinstance(value, list) else str(value))
    return texts


def test_the_six_notebooks_are_there():
    found = sorted(p.name for p in NOTEBOOKS_DIR.glob("[0-9][0-9]-*.ipynb"))
    assert found == EXPECTED
    assert all(NAME.match(n) for n in found)


@pytest.mark.parametrize("name", EXPECTED)
def test_first_cell_states_question_inputs_outputs(name):
    first = _load(name)["cells"][0]
    assert first["cell_type"] == "markdown"
    text = _source(first)
    assert text.startswith(f"# {name[:2]} ")
    for word in ("**Question.**", "**Inputs.**", "**Outputs.**"):
        assert word in text, f"{name}: the first cell does not state {word}"


@pytest.mark.parametrize("name", EXPECTED)
def test_stored_outputs_are_complete_and_clean(name):
    nb = _load(name)
    assert nb["metadata"]["kernelspec"]["name"] == KERNEL
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    counts = [c.get("execution_count") for c in code]
    assert counts == list(range(1, len(code) + 1)), f"{name}: not executed top to bottom in one run"
    home = str(Path.home())
    for c in code:
        for out in c.get("outputs", []):
            assert out["output_type"] != "error", f"{name}: a stored error output"
            assert not (out["output_type"] == "stream" and out.get("name") == "stderr"), \
                f"{name}: stderr in the stored outputs (a warning?): {''.join(out['text'])[:200]}"
        for text in _output_texts(c):
            assert str(REPO_ROOT) not in text, f"{name}: an absolute path in an output"
            assert not re.search(r"(?<![\w/])/(?:tmp|home|root|Users|var)/", text), f"{name}: an absolute path"
            assert home == "/" or home not in text
            assert not re.search(r"\b0x[0-9a-fA-F]{6,}\b", text), f"{name}: a memory address in an output"
            assert not re.search(r"Wall time|CPU times|\d+(?:\.\d+)? ?s elapsed", text), f"{name}: a timing"


@pytest.mark.parametrize("name", EXPECTED)
def test_notebooks_are_thin(name):
    """Helpers belong in the library: no functions or classes, short cells, no raw HTML, no hand-made charts."""
    for c in _load(name)["cells"]:
        if c["cell_type"] != "code":
            continue
        src = _source(c)
        assert not re.search(r"^\s*(?:def|class) ", src, re.M), f"{name}: define helpers in mediabias, not here"
        assert len(src.splitlines()) <= MAX_CELL_LINES, f"{name}: a cell longer than {MAX_CELL_LINES} lines"
        assert "HTML(" not in src and "display_html" not in src, f"{name}: build no HTML from article text"
        assert not re.search(r"\bplt\.(?:bar|barh|plot|scatter|hist|subplots|figure)\(|\.plot\(", src), \
            f"{name}: charts come from mediabias.plots"
        assert not re.search(r"['\"]/(?:\w+/)+", src), f"{name}: an absolute path in the code"


@pytest.mark.parametrize("name", EXPECTED[1:])
def test_charts_come_from_the_library_and_render(name):
    nb = _load(name)
    sources = "\n".join(_source(c) for c in nb["cells"] if c["cell_type"] == "code")
    assert "mbp.plot_" in sources
    assert "%matplotlib inline" in sources
    pngs = sum("image/png" in out.get("data", {}) for c in nb["cells"] for out in c.get("outputs", []))
    assert pngs >= 1, f"{name}: no figure in the stored outputs"


def test_teaching_notebook_has_tasks_then_solutions():
    text = "\n".join(_source(c) for c in _load("05-teaching-build-a-lexicon.ipynb")["cells"]
                     if c["cell_type"] == "markdown")
    tasks, solutions = text.find("# Part 2 · Tasks"), text.find("# Part 3 · Worked solutions")
    assert 0 < tasks < solutions
    assert text.count("### Task ") == text[solutions:].count("### Solution ") == 6


def test_parameters_cells():
    for name in EXPECTED:
        cells = _load(name)["cells"]
        tagged = [i for i, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", [])]
        if name.startswith("05"):
            assert tagged == []   # the class exercise runs on the seeds
            continue
        assert len(tagged) == 1, f"{name}: one cell tagged 'parameters'"
        assert "INPUTS = None" in _source(cells[tagged[0]])
    params = next(_source(c) for c in _load("06-your-own-corpus.ipynb")["cells"]
                  if "parameters" in c.get("metadata", {}).get("tags", []))
    for name in ("INPUTS", "TEXT_FIELD", "OUTLET_FIELD", "TITLE_FIELD", "DATE_FIELD", "URL_FIELD", "ID_FIELD",
                 "LEXICONS", "SEED", "OUT_DIR"):
        assert re.search(rf"^{name} = ", params, re.M), f"06: no parameter {name}"


def test_readme_lists_every_notebook():
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Notebooks"):]
    section = section[:section.find("\n## ", 1)] if "\n## " in section[1:] else section
    for name in EXPECTED:
        assert f"`{name}`" in section, f"README's Notebooks section does not list {name}"
    assert "make lab" in section


# ----------------------------------------------------------------------------- papermill

OWN_CORPUS = """story_id,publication,headline,published,body
gp-1,Gazette Post,Talks on the border,2024-05-02,"Troops moved to the border under the pretext of a security drill, the ministry said. Residents of the occupied territories were told to stay indoors. The so-called buffer zone was widened overnight."
gp-2,Gazette Post,Tunnels found,2024-05-03,"The army said it had found what it called the alleged tunnels near the village. Officials boasted that the operation was a success."
dm-1,Daily Mirror Line,Army acts against threat,2024-05-02,"The army moved against the Iran-backed militia after what officials described as an imminent threat. ""We will remove the tunnel threat,"" the minister said."
dm-2,Daily Mirror Line,Militants fire rockets,2024-05-04,"Militants fired rockets across the border on Saturday. Officials said the terrorists had used civilian homes as cover."
"""


@pytest.fixture(scope="module")
def kernel_name():
    """The kernel papermill starts must be this environment's Python (the venv's)."""
    jupyter_client = pytest.importorskip("jupyter_client")
    spec = jupyter_client.kernelspec.KernelSpecManager().get_kernel_spec(KERNEL)
    exe = spec.argv[0]
    # jupyter_client runs a kernelspec whose argv[0] is "python" with sys.executable
    assert exe in ("python", "python3", sys.executable) or Path(exe).resolve() == Path(sys.executable).resolve(), \
        f"kernel {KERNEL!r} runs {exe}, not this environment's Python {sys.executable}"
    return KERNEL


def test_06_runs_on_another_corpus_with_papermill(tmp_path, kernel_name):
    papermill = pytest.importorskip("papermill")
    corpus = tmp_path / "corpus" / "own.csv"
    corpus.parent.mkdir()
    corpus.write_text(OWN_CORPUS, encoding="utf-8")
    out_nb = tmp_path / "06-run.ipynb"
    report_dir = tmp_path / "report"
    papermill.execute_notebook(
        str(NOTEBOOKS_DIR / "06-your-own-corpus.ipynb"), str(out_nb), kernel_name=kernel_name,
        cwd=str(tmp_path), progress_bar=False, log_output=False, report_mode=False,
        parameters={"INPUTS": "corpus/own.csv",   # relative to the working folder
                    "TEXT_FIELD": "body", "OUTLET_FIELD": "publication", "TITLE_FIELD": "headline",
                    "DATE_FIELD": "published", "ID_FIELD": "story_id", "LEXICONS": ["loaded_terms"],
                    "SEED": 7, "TOP": 5, "OUT_DIR": str(report_dir)})
    nb = json.loads(out_nb.read_text(encoding="utf-8"))
    cells = nb["cells"]
    injected = [c for c in cells if "injected-parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(injected) == 1 and "TEXT_FIELD = \"body\"" in _source(injected[0])
    text = "\n".join(t for c in cells if c["cell_type"] == "code" for t in _output_texts(c))
    assert not any(out["output_type"] == "error" for c in cells for out in c.get("outputs", []))
    assert "Analysis(4 articles from 2 outlets" in text
    assert "Gazette Post" in text and "Daily Mirror Line" in text
    assert "Press TV" not in text   # the seeds were not read
    assert "lexicons: loaded_terms" in text and "bias_cues" not in text
    assert "exit status 0" in text
    written = {p.name for p in report_dir.iterdir()}
    assert {"articles.csv", "matches.csv", "outlet_terms.csv", "framing_pairs.csv", "manifest.json"} <= written
    import pandas as pd
    articles = pd.read_csv(report_dir / "articles.csv")
    assert sorted(articles["doc_id"]) == ["dm-1", "dm-2", "gp-1", "gp-2"]   # ID_FIELD was used
    assert set(articles["title"]) >= {"Talks on the border", "Militants fire rockets"}
    matches = pd.read_csv(report_dir / "matches.csv")
    voice = dict(zip(matches["entry"], matches["voice"]))
    assert voice["under the pretext of"] == "outlet" and voice["tunnel threat"] == "quoted"
    assert {"occupied territories", "Iran-backed", "alleged tunnels"} <= set(matches["entry"])
    assert set(matches["lexicon"]) == {"loaded_terms"}
    figures = sum("image/png" in out.get("data", {}) for c in cells for out in c.get("outputs", []))
    assert figures >= 5
