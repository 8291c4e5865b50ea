"""pyproject.toml is the single source of dependencies; environment.yml must declare the same ones."""

from __future__ import annotations

import re
import tomllib

import yaml

from conftest import ROOT

# Packages whose conda-forge name differs from the PyPI name.
CONDA_NAMES = {"python-docx": "python-docx"}
_NAME = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$")


def _split(spec: str) -> tuple[str, str]:
    m = _NAME.match(spec)
    assert m, spec
    return m.group(1).lower(), m.group(2).replace(" ", "")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = dict(_split(s) for s in project["dependencies"] + project["optional-dependencies"]["dev"])
    wanted = {CONDA_NAMES.get(k, k): v for k, v in wanted.items()}
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert "conda-forge" in env["channels"]
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    declared = dict(_split(d) for d in conda if not d.startswith(("python", "pip")) or d.startswith("python-"))
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert pip[-1] == "-e ."
    pip_only = dict(_split(d) for d in pip[:-1])  # packages conda-forge does not carry
    assert not set(pip_only) & set(declared)
    assert declared | pip_only == wanted
    python = next(d for d in conda if re.match(r"python\b(?!-)", d))
    assert python.replace(" ", "") == "python" + project["requires-python"]
