#!/usr/bin/env python3
"""Set up and run ctxh_plan with nothing but Python 3.11 and pip.

    python3 tasks.py run     # set up .venv (pinned), then the main job: the Quảng Ninh 2026 batch
                             # (54 units + province, history re-based, the adopted plan tracked)
    python3 tasks.py test    # set up .venv (pinned), then every test (incl. notebooks)
    python3 tasks.py setup   # only set up .venv

Set-up is idempotent: .venv is (re)installed only when requirements-lock.txt
or pyproject.toml changed since the last install (a hash is kept in .venv).
This file uses the standard library only.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".ctxh-installed"

MAIN_JOB = ["-m", "ctxh_plan", "batch", "params/quang_ninh_2026.yaml"]
TEST_CMD = ["-m", "pytest", "-q", "-n", "2", "--dist", "loadgroup"]


def _say(msg: str) -> None:
    print(f"[tasks] {msg}", flush=True)


def _fingerprint() -> str:
    h = hashlib.sha256()
    for name in ("requirements-lock.txt", "pyproject.toml"):
        h.update((ROOT / name).read_bytes())
    return h.hexdigest()


def setup() -> None:
    if not PY.exists():
        _say(f"creating virtual environment {VENV}")
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    fp = _fingerprint()
    if STAMP.exists() and STAMP.read_text().strip() == fp:
        _say("environment up to date")
        return
    _say("installing pinned dependencies (requirements-lock.txt); first time takes ~2 minutes")
    pip = [str(PY), "-m", "pip", "--disable-pip-version-check", "install", "-q"]
    subprocess.run(pip + ["-r", str(ROOT / "requirements-lock.txt")], check=True)
    subprocess.run(pip + ["--no-deps", "-e", str(ROOT)], check=True)
    STAMP.write_text(fp)
    _say("environment ready")


def _run(args: list[str]) -> int:
    env = dict(os.environ, PYTHONUTF8="1", MPLBACKEND="Agg")
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    _say("running: " + " ".join(["python"] + args))
    return subprocess.run([str(PY)] + args, cwd=ROOT, env=env).returncode


def main(argv: list[str]) -> int:
    verb = argv[0] if argv else "run"
    extra = argv[1:]
    if verb not in {"setup", "run", "test"}:
        print(__doc__)
        return 2
    setup()
    if verb == "run":
        return _run(MAIN_JOB + extra)
    if verb == "test":
        return _run(TEST_CMD + extra)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
