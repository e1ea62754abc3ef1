#!/usr/bin/env python3
"""Set up and run ctxh_plan with nothing but Python 3.11 and pip.

    python3 tasks.py run     # set up .venv (pinned), then the main job: the Quảng Ninh 2026 batch
                             # (54 units + province, history re-based, the adopted plan tracked)
    python3 tasks.py test    # set up .venv (pinned), then `ruff check .`, `mypy` and every test (incl.
                             # notebooks); fails when any of the three fails (the summary says which)
    python3 tasks.py setup   # only set up .venv
    python3 tasks.py look [UNIT] [--out DIR] [--params FILE]
                             # render one unit's report, the province summary, the index (headless
                             # Chromium) and their Word/Excel appendices (LibreOffice -> PDF -> PNG)
                             # into a folder of PNG pages to look at (default unit 198, folder
                             # outputs/look/<unit>/). Needs: apt-get install -y chromium
                             # libreoffice-writer libreoffice-calc poppler-utils

Set-up is idempotent: .venv is (re)installed only when requirements-lock.txt
or pyproject.toml changed since the last install (a hash is kept in .venv).
This file uses the standard library only.
"""
from __future__ import annotations

import hashlib
import os
import shutil
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
#: the checks `test` runs before pytest (settings in pyproject.toml): name -> arguments to the venv's Python
CHECKS = {
    "ruff check": ["-m", "ruff", "check", "."],
    "mypy": ["-m", "mypy"],
}


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
    return subprocess.run([str(PY)] + args, cwd=ROOT, env=env, check=False).returncode


def test(extra: list[str]) -> int:
    """Run ruff and mypy, then pytest (with ``extra`` arguments); every step runs, so one sees all
    that fails. Exit code: pytest's when it failed, else 1 when a check failed, else 0."""
    failed = [name for name, args in CHECKS.items() if _run(args) != 0]
    code = _run(TEST_CMD + extra)
    if code != 0:
        failed.append("pytest")
    if failed:
        _say(f"FAILED: {', '.join(failed)} — see the output above (the checks alone: "
             f"{'; '.join('.venv/bin/python ' + ' '.join(args) for args in CHECKS.values())})")
        return code or 1
    _say("passed: " + ", ".join([*CHECKS, "pytest"]))
    return 0


# --------------------------------------------------------------------------- look

#: system tools the look command needs: name -> (executables to try, Debian package)
LOOK_TOOLS = {
    "chromium": (("chromium", "chromium-browser", "google-chrome"), "chromium"),
    "libreoffice": (("soffice", "libreoffice"), "libreoffice-writer libreoffice-calc"),
    "pdftoppm": (("pdftoppm",), "poppler-utils"),
}
INSTALL_HINT = "apt-get install -y chromium libreoffice-writer libreoffice-calc poppler-utils"
#: screen width of the HTML screenshots and the height of one PNG tile (pixels)
SCREEN_WIDTH, TILE_HEIGHT, MAX_HEIGHT = 1280, 1600, 30000
PDF_DPI = 70


def find_tools(which=shutil.which) -> tuple[dict[str, str], list[str]]:
    """(tool name -> executable found, names of the missing tools)."""
    found, missing = {}, []
    for name, (candidates, _package) in LOOK_TOOLS.items():
        exe = next((which(c) for c in candidates if which(c)), None)
        if exe:
            found[name] = exe
        else:
            missing.append(name)
    return found, missing


def missing_tools_message(missing: list[str]) -> str:
    """One line naming the missing tools and how to install them (Debian/Ubuntu)."""
    packages = " ".join(LOOK_TOOLS[m][1] for m in missing)
    return (f"look: missing {', '.join(missing)} — fix: apt-get install -y {packages} "
            f"(all tools: {INSTALL_HINT})")


def screenshot_command(chromium: str, html: Path, png: Path, profile: Path) -> list[str]:
    """Headless Chromium command writing a screenshot of ``html`` (one tall page) to ``png``."""
    return [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--no-first-run", "--hide-scrollbars", f"--user-data-dir={profile}", f"--screenshot={png}",
            f"--window-size={SCREEN_WIDTH},{MAX_HEIGHT}", html.resolve().as_uri()]


def office_pdf_command(soffice: str, document: Path, outdir: Path, profile: Path) -> list[str]:
    """LibreOffice command converting ``document`` to PDF in ``outdir`` with a private profile (parallel
    conversions by other users do not clash)."""
    return [soffice, f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless", "--convert-to", "pdf",
            "--outdir", str(outdir), str(document)]


def pdf_png_command(pdftoppm: str, pdf: Path, prefix: Path) -> list[str]:
    """pdftoppm command writing one PNG per page of ``pdf`` (``prefix-1.png`` …)."""
    return [pdftoppm, "-png", "-r", str(PDF_DPI), str(pdf), str(prefix)]


def split_screenshot(png: Path, prefix: Path, tile: int = TILE_HEIGHT) -> list[Path]:
    """(Runs in the virtual environment: needs Pillow.) Cut the blank bottom of a tall screenshot and split it
    into tiles of ``tile`` pixels: ``prefix-01.png`` …; the screenshot itself is removed."""
    from PIL import Image, ImageChops

    with Image.open(png) as im:
        rgb = im.convert("RGB")
        bg = Image.new("RGB", rgb.size, rgb.getpixel((rgb.width - 1, rgb.height - 1)))
        box = ImageChops.difference(rgb, bg).getbbox()
        bottom = min(rgb.height, (box[3] if box else rgb.height) + 40)
        out = []
        for k, top in enumerate(range(0, bottom, tile), start=1):
            path = Path(f"{prefix}-{k:02d}.png")
            rgb.crop((0, top, rgb.width, min(bottom, top + tile))).save(path)
            out.append(path)
    png.unlink()
    return out


def _look_args(args: list[str]) -> tuple[str, Path | None, str]:
    unit, out, params = "198", None, "params/quang_ninh.yaml"
    it = iter(args)
    for a in it:
        if a == "--out":
            out = Path(next(it, ""))
        elif a == "--params":
            params = next(it, params)
        elif a.startswith("-"):
            raise SystemExit(f"look: unknown option {a} — fix: python3 tasks.py look [UNIT] [--out DIR] "
                             "[--params FILE]")
        else:
            unit = a
    return unit, out, params


def look(args: list[str]) -> int:
    """Run the batch for one unit and render what a reader sees into PNG pages (see the module doc)."""
    import tempfile

    unit, out, params = _look_args(args)
    tools, missing = find_tools()
    if missing:
        print(missing_tools_message(missing), file=sys.stderr)
        return 1
    out = (out or ROOT / "outputs" / "look" / unit).resolve()
    runs = out / "run"
    setup()
    code = _run(["-m", "ctxh_plan", "batch", params, "--units", unit, "--output", str(runs), "--no-progress"])
    latest = runs / "LATEST"
    if not latest.is_file():
        print(f"look: the batch wrote no run into {runs} (exit code {code})", file=sys.stderr)
        return code or 1
    run_dir = runs / latest.read_text(encoding="utf-8").strip()
    for kind in ("html", "docx", "xlsx"):  # pages of an earlier look would be mixed with these
        shutil.rmtree(out / kind, ignore_errors=True)
    pages: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="ctxh-look-") as tmp:
        tmpdir = Path(tmp)
        for html in [run_dir / "index.html", *sorted((run_dir / "html").glob("*.html"))]:
            shot = out / "html" / f"{html.stem}-full.png"
            shot.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run(screenshot_command(tools["chromium"], html, shot, tmpdir / f"chrome-{html.stem}"),
                           check=True, capture_output=True)
            subprocess.run([str(PY), str(Path(__file__).resolve()), "_split", str(shot), str(out / "html" / html.stem)],
                           check=True)
            pages += sorted((out / "html").glob(f"{html.stem}-[0-9]*.png"))
        for doc in sorted((run_dir / "appendices").glob("*.docx")) + sorted((run_dir / "appendices").glob("*.xlsx")):
            kind = doc.suffix[1:]
            pdf_dir = out / kind
            pdf_dir.mkdir(parents=True, exist_ok=True)
            subprocess.run(office_pdf_command(tools["libreoffice"], doc, pdf_dir, tmpdir / "lo_profile"),
                           check=True, capture_output=True)
            pdf = pdf_dir / f"{doc.stem}.pdf"
            subprocess.run(pdf_png_command(tools["pdftoppm"], pdf, pdf_dir / doc.stem), check=True)
            pages += sorted(pdf_dir.glob(f"{doc.stem}-*.png"))
    _say(f"{len(pages)} pages to look at in {out}:")
    for folder in sorted({p.parent for p in pages}):
        _say(f"  {folder.relative_to(out)}/: {len([p for p in pages if p.parent == folder])} PNG")
    return 0


def main(argv: list[str]) -> int:
    verb = argv[0] if argv else "run"
    extra = argv[1:]
    if verb == "_split":  # internal: run by `look` with the virtual environment's Python (Pillow)
        split_screenshot(Path(extra[0]), Path(extra[1]))
        return 0
    if verb not in {"setup", "run", "test", "look"}:
        print(__doc__)
        return 2
    if verb == "look":
        return look(extra)
    setup()
    if verb == "run":
        return _run(MAIN_JOB + extra)
    if verb == "test":
        return test(extra)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
