"""What a batch run records about itself: manifest.json, index.html, the `latest` pointer.

The manifest lists the inputs with sha256 hashes, the parameters, package
versions, and per report its status, timing and files. Only the manifest carries
times (``started_at``, ``finished_at``, ``seconds``): everything else a run
writes is identical when the run is repeated on the same inputs.
"""
from __future__ import annotations

import html
import json
import os
import sys
from collections.abc import Iterable
from datetime import UTC
from pathlib import Path
from typing import Any

from ctxh_plan.io.atomic import write_text

__all__ = [
    "PACKAGES",
    "package_versions",
    "point_latest",
    "read_manifest",
    "utc_now",
    "write_index",
    "write_manifest",
]

#: packages whose versions go into the manifest
PACKAGES = ("ctxh_plan", "pandas", "numpy", "scipy", "statsmodels", "matplotlib", "papermill", "nbclient",
            "nbconvert", "ipykernel", "pandera", "openpyxl", "python-docx", "pyyaml")


def package_versions(names: Iterable[str] = PACKAGES) -> dict[str, str]:
    """Installed versions of ``names`` (``"not installed"`` when missing), plus Python's."""
    from importlib import metadata

    out = {"python": sys.version.split()[0]}
    for name in names:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def utc_now() -> str:
    """Current UTC time as ISO 8601 with a ``Z`` (seconds)."""
    from datetime import datetime

    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def write_manifest(run_dir: Path, manifest: dict[str, Any]) -> Path:
    """Write ``run_dir/manifest.json`` atomically (UTF-8, sorted keys, indented)."""
    path = Path(run_dir) / "manifest.json"
    write_text(path, json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
    return path


def read_manifest(run_dir: Path) -> dict[str, Any] | None:
    """The manifest of a run folder, or None if there is none (or it is unreadable)."""
    path = Path(run_dir) / "manifest.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None


_STATUS = {"ok": ("Hoàn thành", "Done", "#1a7f37"), "failed": ("Lỗi", "Failed", "#cf222e"),
           "pending": ("Chưa chạy", "Not run", "#9a6700")}


def write_index(run_dir: Path, entries: list[dict[str, Any]], *, title: str, illustrative: bool,
                lang: str = "vi") -> Path:
    """Write ``run_dir/index.html``: one row per report with its status and links.

    Parameters
    ----------
    entries : list of dict
        ``key, name, status, html, notebook`` (paths relative to ``run_dir``), ``error``, and
        ``appendices`` (appendix documents relative to ``run_dir``, linked in the "Phụ lục" column).
    illustrative : bool
        Adds the "dữ liệu minh họa" banner.

    Every value is escaped; the page carries the Content-Security-Policy that forbids scripts.
    """
    from ctxh_plan.reports.html import security_meta

    vi = lang == "vi"
    head = (("Báo cáo", "Đơn vị", "Trạng thái", "Sổ tay (notebook)", "Phụ lục / Appendices") if vi
            else ("Report", "Unit", "Status", "Notebook", "Phụ lục / Appendices"))
    rows = []
    for e in entries:
        label_vi, label_en, colour = _STATUS.get(e["status"], (str(e["status"]), str(e["status"]), "#555"))
        status = html.escape(label_vi if vi else label_en)
        if e.get("error"):
            status += f" — {html.escape(str(e['error']))}"
        link = (f'<a href="{html.escape(e["html"])}">{html.escape(e["key"])}</a>'
                if e.get("html") and e["status"] != "pending" else html.escape(e["key"]))
        nb = f'<a href="{html.escape(e["notebook"])}">.ipynb</a>' if e.get("notebook") and e["status"] != "pending" else ""
        apx = " ".join(f'<a href="{html.escape(a)}">{html.escape(a.rsplit(".", 1)[-1])}</a>'
                       for a in e.get("appendices") or [])
        rows.append(f"<tr><td>{link}</td><td>{html.escape(str(e.get('name') or ''))}</td>"
                    f"<td style=\"color:{colour}\">{status}</td><td>{nb}</td><td>{apx}</td></tr>")
    banner = ('<p class="illustrative"><strong>Dữ liệu minh họa</strong> — illustrative data, '
              'not official statistics.</p>' if illustrative else "")
    doc = f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">{security_meta()}<title>{html.escape(title)}</title>
<style>body{{font-family:"Times New Roman",serif;margin:2em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #999;padding:4px 10px;text-align:left}}
.illustrative{{background:#fff3cd;padding:6px;border:1px solid #e0c36c}}</style></head>
<body><h1>{html.escape(title)}</h1>
{banner}
<table><thead><tr>{''.join(f'<th>{h}</th>' for h in head)}</tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table>
<p><a href="manifest.json">manifest.json</a></p>
</body></html>
"""
    path = Path(run_dir) / "index.html"
    write_text(path, doc)
    return path


def point_latest(outputs: Path, run_id: str) -> None:
    """Point ``outputs/latest`` at ``run_id`` (a relative symlink, replaced atomically);
    also writes ``outputs/LATEST`` (the run id as text) for systems without symlinks."""
    outputs = Path(outputs)
    write_text(outputs / "LATEST", run_id + "\n")
    link = outputs / "latest"
    tmp = outputs / f".latest-{os.getpid()}"
    try:
        if tmp.is_symlink() or tmp.exists():
            tmp.unlink()
        os.symlink(run_id, tmp, target_is_directory=True)
        os.replace(tmp, link)
    except OSError:  # no symlinks (e.g. Windows without rights): LATEST is enough
        if tmp.is_symlink():
            tmp.unlink()
