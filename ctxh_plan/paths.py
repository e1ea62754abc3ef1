"""Every path the toolkit uses, from one place.

Paths are resolved from the package location, never from the current working
directory. ``CTXH_PLAN_HOME`` overrides the project root (for an installed
package used outside the repository).
"""
from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "data_dir",
    "default_dataset",
    "display_path",
    "notebooks_dir",
    "outputs_dir",
    "params_dir",
    "project_root",
    "reference_dir",
    "resolve",
]


def project_root() -> Path:
    """Root of the ctxh_plan project (the folder holding ``params/`` and ``data/``)."""
    env = os.environ.get("CTXH_PLAN_HOME")
    if env:
        return Path(env).resolve()
    return Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    return project_root() / "data"


def params_dir() -> Path:
    return project_root() / "params"


def outputs_dir() -> Path:
    return project_root() / "outputs"


def notebooks_dir() -> Path:
    return project_root() / "notebooks"


def reference_dir() -> Path:
    """Copies of the public reference tables (national targets, unit codes, conversion table)."""
    return data_dir() / "reference"


def default_dataset() -> Path:
    """The embedded illustrative Quảng Ninh dataset."""
    return data_dir() / "quang_ninh"


def resolve(path: str | os.PathLike[str], base: Path | None = None) -> Path:
    """Resolve a user-given path: absolute stays, relative is taken from ``base``
    (default: the current directory if it exists there, else the project root)."""
    p = Path(path).expanduser()
    if p.is_absolute():
        return p
    if base is not None:
        return (base / p).resolve()
    cand = Path.cwd() / p
    if cand.exists():
        return cand.resolve()
    return (project_root() / p).resolve()


def display_path(path: str | os.PathLike[str]) -> str:
    """``path`` relative to the project root when inside it (POSIX slashes), else as given.

    Used wherever a path is recorded (manifest, run id): records must not depend on where the
    project was cloned.
    """
    try:
        return Path(path).resolve().relative_to(project_root()).as_posix()
    except ValueError:
        return str(path)
