"""Every path the project uses, in one place (cookiecutter-data-science style).

Package data (bundled lexicons, outlet signatures, actor lists) ships inside the
package; the repository folders (``seeds/``, ``data/``) exist only in a source
checkout and are used as defaults by the command line and the notebooks.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
LEXICONS_DIR = PACKAGE_DIR / "lexicons"          # packaged (built) lexicons
RESOURCES_DIR = PACKAGE_DIR / "resources"        # outlet signatures, actors, cue lists
OUTLETS_FILE = RESOURCES_DIR / "outlets.yaml"
ACTORS_FILE = RESOURCES_DIR / "actors.yaml"

# A source checkout: src/mediabias/ -> repo root two levels up.
REPO_ROOT = PACKAGE_DIR.parents[1]
SEEDS_DIR = REPO_ROOT / "seeds"
DATA_DIR = REPO_ROOT / "data"
RAW_LEXICONS_DIR = DATA_DIR / "lexicons"         # raw lexicon sources (build input)
REPORT_DIR = DATA_DIR / "report"                 # default output of `make report`
