"""`python3 tasks.py look`: what can be checked without Chromium and LibreOffice — the tools it looks for,
the message when they are missing (before any work), the commands it runs, the screenshot tiles, the
README's install line."""
from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from tests.helpers.paths import ROOT


@pytest.fixture(scope="module")
def tasks():
    spec = importlib.util.spec_from_file_location("ctxh_tasks", ROOT / "tasks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_missing_tools_are_named_with_the_install_command_before_any_work(tasks, monkeypatch, capsys):
    found, missing = tasks.find_tools(which=lambda name: None)
    assert found == {} and missing == ["chromium", "libreoffice", "pdftoppm"]
    msg = tasks.missing_tools_message(missing)
    assert "apt-get install -y chromium libreoffice-writer libreoffice-calc poppler-utils" in msg
    monkeypatch.setattr(tasks, "find_tools", lambda: ({"chromium": "/usr/bin/chromium"}, ["libreoffice", "pdftoppm"]))
    monkeypatch.setattr(tasks, "setup", lambda: pytest.fail("set-up or the batch ran although tools are missing"))
    assert tasks.look(["198"]) == 1
    err = capsys.readouterr().err
    assert "libreoffice, pdftoppm" in err and "poppler-utils" in err


def test_tools_found_under_their_usual_names(tasks):
    paths = {"chromium-browser": "/usr/bin/chromium-browser", "soffice": "/usr/bin/soffice",
             "pdftoppm": "/usr/bin/pdftoppm"}
    found, missing = tasks.find_tools(which=paths.get)
    assert missing == [] and found == {"chromium": "/usr/bin/chromium-browser", "libreoffice": "/usr/bin/soffice",
                                       "pdftoppm": "/usr/bin/pdftoppm"}


def test_commands(tasks, tmp_path):
    shot = tasks.screenshot_command("chromium", tmp_path / "unit_198.html", tmp_path / "s.png", tmp_path / "p")
    assert shot[:2] == ["chromium", "--headless"] and f"--screenshot={tmp_path / 's.png'}" in shot
    assert shot[-1] == (tmp_path / "unit_198.html").as_uri() and any(a.startswith("--user-data-dir=") for a in shot)
    office = tasks.office_pdf_command("soffice", tmp_path / "phu_luc_198.docx", tmp_path / "pdf", tmp_path / "lo")
    assert office[1] == f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}"  # a private profile per look
    assert office[2:6] == ["--headless", "--convert-to", "pdf", "--outdir"]
    pages = tasks.pdf_png_command("pdftoppm", tmp_path / "a.pdf", tmp_path / "a")
    assert pages[:4] == ["pdftoppm", "-png", "-r", str(tasks.PDF_DPI)]


def test_a_tall_screenshot_is_trimmed_and_cut_into_tiles(tasks, tmp_path):
    from PIL import Image, ImageDraw

    png = tmp_path / "full.png"
    im = Image.new("RGB", (200, 6000), "white")
    ImageDraw.Draw(im).rectangle((10, 10, 190, 2500), fill="navy")  # the page ends at 2500, blank below
    im.save(png)
    tiles = tasks.split_screenshot(png, tmp_path / "unit", tile=1600)
    assert [t.name for t in tiles] == ["unit-01.png", "unit-02.png"] and not png.exists()
    sizes = [Image.open(t).size for t in tiles]
    assert sizes[0] == (200, 1600) and sizes[1][1] == 2501 + 40 - 1600


def test_usage_lists_look_and_the_readme_says_how_to_install_the_tools(tasks):
    out = subprocess.run([sys.executable, str(ROOT / "tasks.py"), "help"], capture_output=True, text=True,
                         check=False)
    assert out.returncode == 2 and "tasks.py look" in out.stdout
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "python3 tasks.py look" in readme and tasks.INSTALL_HINT in readme
