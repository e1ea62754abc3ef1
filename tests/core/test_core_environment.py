"""The set-up stays consistent: pinned lock, requirements, environment.yml, CI and README agree."""
from __future__ import annotations

import re

import pytest
import yaml

from tests.helpers.paths import ROOT


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _lock() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements-lock.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            assert "==" in line, f"requirements-lock.txt: {line!r} is not pinned with =="
            name, version = line.split("==", 1)
            pins[_norm(name)] = version.strip()
    return pins


def _top_level() -> list[str]:
    return [_norm(line.strip()) for line in (ROOT / "requirements.txt").read_text().splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


#: conda-forge package name → the pip name it stands for (where they differ)
CONDA_TO_PIP = {"dask-core": "dask"}


def _conda() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    out = {}
    for dep in env["dependencies"]:
        assert isinstance(dep, str), f"environment.yml: unexpected entry {dep!r}"
        name, _, version = dep.partition("=")
        out[_norm(CONDA_TO_PIP.get(name, name))] = version
    return out


def test_every_top_level_package_is_pinned_in_the_lock():
    lock = _lock()
    missing = [p for p in _top_level() if p not in lock]
    assert not missing, f"in requirements.txt but not pinned in requirements-lock.txt: {missing}"


def test_environment_yml_lists_the_same_packages_and_versions_as_the_lock():
    lock, conda, top = _lock(), _conda(), _top_level()
    assert conda.pop("python") == "3.11"
    assert sorted(conda) == sorted(top), "environment.yml and requirements.txt list different packages"
    wrong = {p: (conda[p], lock[p]) for p in top if conda[p] != lock[p]}
    assert not wrong, f"environment.yml versions differ from requirements-lock.txt: {wrong}"


def test_pyproject_dependencies_are_in_requirements():
    import tomllib

    proj = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    deps = {_norm(re.split(r"[<>=!~ ]", d)[0]) for d in proj["dependencies"]}
    deps |= {_norm(re.split(r"[<>=!~ ]", d)[0]) for d in proj["optional-dependencies"]["test"]}
    assert deps == set(_top_level())


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"^\s*(python3 tasks\.py \w+)\s*$", quick, flags=re.M)
    assert len(commands) == 2, f"Quick start must show exactly two commands, found {commands}"
    assert commands[0] == "python3 tasks.py run"
    ci = (ROOT / ".ci" / "run").read_text()
    assert commands[1] in ci, ".ci/run must call the README's test command"


def test_cli_help_lists_verbs(capsys):
    from ctxh_plan.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "ctxh-plan" in out and "COMMAND" in out


def test_import_does_not_load_heavy_modules():
    import subprocess
    import sys

    code = ("import sys, ctxh_plan; heavy = [m for m in ('pandas', 'numpy', 'statsmodels', 'matplotlib', "
            "'pandera', 'scipy', 'dask', 'distributed') if m in sys.modules]; print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "", f"`import ctxh_plan` imported heavy modules: {out}"
