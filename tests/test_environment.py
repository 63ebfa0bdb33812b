"""environment.yml and pyproject.toml list the same dependencies, with the same bounds."""

from __future__ import annotations

import re
import tomllib

import yaml

from mediabias.paths import REPO_ROOT


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _split(spec: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", spec)
    return _norm(m.group(1)), m.group(2).replace(" ", "")


def test_environment_yml_matches_pyproject():
    py = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    wanted = dict(_split(s) for s in py["dependencies"] + py["optional-dependencies"]["dev"])
    env = yaml.safe_load((REPO_ROOT / "environment.yml").read_text())
    conda, pip = {}, {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip.update(dict(_split(s) for s in dep.get("pip", [])))
        else:
            name, bound = _split(dep)
            conda[name] = bound
    conda.pop("python", None)
    conda.pop("pip", None)
    listed = {**conda, **pip}
    assert listed == wanted


def test_requires_python_matches_environment():
    py = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    env = yaml.safe_load((REPO_ROOT / "environment.yml").read_text())
    assert "python=3.11" in env["dependencies"] and py == ">=3.11"
