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
    "write_collection_index",
    "write_index",
    "write_manifest",
    "write_run_index",
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
_RUN_STATUS = {"ok": ("Hoàn thành", "Complete"), "failed": ("Có báo cáo lỗi", "Some reports failed"),
               "interrupted": ("Bị dừng giữa chừng", "Interrupted"), "running": ("Đang chạy", "Running")}


def _when(iso: str | None, lang: str) -> str:
    """``2025-11-27T15:44:03Z`` → ``27/11/2025 15:44 (UTC)`` (vi) / ``2025-11-27 15:44 UTC`` (en)."""
    if not iso or len(iso) < 16:
        return "–"
    date, time_ = iso[:10], iso[11:16]
    if lang == "vi":
        y, m, d = date.split("-")
        return f"{d}/{m}/{y} {time_} (UTC)"
    return f"{date} {time_} UTC"


def write_index(run_dir: Path, entries: list[dict[str, Any]], *, title: str, illustrative: bool,
                lang: str = "vi", details: list[tuple[str, str]] | None = None,
                contents: dict[str, str] | None = None) -> Path:
    """Write ``run_dir/index.html``: what the run is (``details``), then one row per report — the unit's name
    linking its report, its status, its plan appendix (links and what it holds) and its notebook.

    Parameters
    ----------
    entries : list of dict
        ``key, name, status, html, notebook`` (paths relative to ``run_dir``), ``error``, and
        ``appendices`` (appendix documents relative to ``run_dir``).
    title : str
        A title for readers (the run id goes in ``details``).
    illustrative : bool
        Adds the "dữ liệu minh họa" banner.
    details : list of (label, text)
        Lines under the title: run date, dataset, scenario, language… (plain text, escaped here).
    contents : dict
        Report key → what its appendix holds (``"province"`` for the province, ``"unit"`` for the others).

    Every value is escaped; the page carries the Content-Security-Policy that forbids scripts.
    """
    from ctxh_plan.reports.html import security_meta

    vi = lang == "vi"
    head = (("Đơn vị", "Mã", "Trạng thái", "Phụ lục kế hoạch", "Sổ tay (notebook)") if vi
            else ("Unit", "Code", "Status", "Plan appendix", "Notebook"))
    contents = contents or {}
    rows = []
    for e in entries:
        label_vi, label_en, colour = _STATUS.get(e["status"], (str(e["status"]), str(e["status"]), "#555"))
        status = html.escape(label_vi if vi else label_en)
        if e.get("error"):
            status += f" — {html.escape(str(e['error']))}"
        name = html.escape(str(e.get("name") or e["key"]))
        if e["key"] == "province":
            name += " — " + ("tổng hợp toàn tỉnh" if vi else "province summary")
        link = (f'<a href="{html.escape(e["html"])}">{name}</a>'
                if e.get("html") and e["status"] != "pending" else name)
        nb = (f'<a href="{html.escape(e["notebook"])}">.ipynb</a>'
              if e.get("notebook") and e["status"] != "pending" else "")
        apx = " ".join(f'<a href="{html.escape(a)}">{"Word" if a.endswith(".docx") else "Excel"}</a>'
                       if a.endswith((".docx", ".xlsx")) else f'<a href="{html.escape(a)}">{html.escape(a)}</a>'
                       for a in e.get("appendices") or [])
        what = contents.get("province" if e["key"] == "province" else "unit", "")
        if apx and what:
            apx += f'<br><span class="what">{html.escape(what)}</span>'
        code = "" if e["key"] == "province" else html.escape(e["key"])
        rows.append(f"<tr><td>{link}</td><td>{code}</td><td style=\"color:{colour};white-space:nowrap\">{status}</td>"
                    f"<td>{apx}</td><td>{nb}</td></tr>")
    banner = ('<p class="illustrative"><strong>Dữ liệu minh họa</strong>'
              + (" — illustrative data, not official statistics." if not vi else
                 ": số liệu được tạo để minh họa cách dùng công cụ, không phải số liệu thống kê chính thức.")
              + "</p>" if illustrative else "")
    facts = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in details or [])
    tech = "Thông tin kỹ thuật của lần chạy" if vi else "Technical record of the run"
    doc = f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">{security_meta()}<title>{html.escape(title)}</title>
<style>body{{font-family:"Times New Roman",serif;margin:2em;max-width:70em}}table{{border-collapse:collapse}}
table.reports td,table.reports th{{border:1px solid #999;padding:4px 10px;text-align:left;vertical-align:top}}
table.facts th{{text-align:left;padding:2px 12px 2px 0;font-weight:normal;color:#444}}
table.facts td{{padding:2px 0}} .what{{font-size:0.85em;color:#444}}
.illustrative{{background:#fff3cd;padding:6px;border:1px solid #e0c36c}}</style></head>
<body><h1>{html.escape(title)}</h1>
{banner}
<table class="facts">{facts}</table>
<h2>{"Báo cáo" if vi else "Reports"}</h2>
<table class="reports"><thead><tr>{''.join(f'<th>{h}</th>' for h in head)}</tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table>
<p>{tech}: <a href="manifest.json">manifest.json</a></p>
{banner}
</body></html>
"""
    path = Path(run_dir) / "index.html"
    write_text(path, doc)
    return path


def write_collection_index(run_dir: Path, entries: list[dict[str, Any]], *, title: str, illustrative: bool,
                           lang: str = "vi") -> Path:
    """Write the ``index.html`` of a collection run: one row per province folder with its counts and
    a link to the province's own ``index.html``.

    Parameters
    ----------
    entries : list of dict
        ``folder, name, status, reports, ok, failed, pending``.
    """
    from ctxh_plan.reports.html import security_meta

    vi = lang == "vi"
    head = (("Tỉnh", "Tên", "Trạng thái", "Báo cáo", "Hoàn thành", "Lỗi", "Chưa chạy") if vi
            else ("Province", "Name", "Status", "Reports", "Done", "Failed", "Not run"))
    rows = []
    for e in entries:
        label_vi, label_en, colour = _STATUS.get(e["status"], (str(e["status"]), str(e["status"]), "#555"))
        folder = html.escape(e["folder"])
        rows.append(f'<tr><td><a href="{folder}/index.html">{folder}</a></td><td>{html.escape(str(e["name"]))}</td>'
                    f'<td style="color:{colour}">{label_vi if vi else label_en}</td><td>{e["reports"]}</td>'
                    f'<td>{e["ok"]}</td><td>{e["failed"]}</td><td>{e["pending"]}</td></tr>')
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


def write_run_index(run_dir: Path, manifest: dict[str, Any], *, province_name: str, dataset_title: str) -> Path:
    """Write the index of a batch run from its manifest: a human title (the province), the run date (when
    this run folder was first made: the same inputs give the same folder and files, so a re-run keeps
    it), dataset, scenario, language, suppression threshold, run status and id, and the reports.
    """
    from ctxh_plan.present.labels import text
    from ctxh_plan.vocab import Lang

    params = manifest.get("parameters") or {}
    lang = str(params.get("lang") or "vi")
    vi = lang == "vi"
    scenario = str(params.get("scenario") or "")
    try:
        from ctxh_plan.targets.scenarios import load_scenario

        scenario_text = load_scenario(scenario or "baseline").label(lang)
    except Exception:  # the index never fails on a label
        scenario_text = scenario or "baseline"
    try:
        lang_text = Lang(lang).label(lang)
    except ValueError:
        lang_text = lang
    run_vi, run_en = _RUN_STATUS.get(str(manifest.get("status")), (str(manifest.get("status")),) * 2)
    dataset = f"{dataset_title} ({params.get('dataset', '')})" if dataset_title else str(params.get("dataset", ""))
    threshold = params.get("suppress_threshold")
    details = [
        ("Ngày lập" if vi else "Made on", _when(manifest.get("created_at") or manifest.get("started_at"), lang)),
        ("Bộ dữ liệu" if vi else "Dataset", dataset),
        ("Kịch bản" if vi else "Scenario", scenario_text),
        ("Ngôn ngữ" if vi else "Language", lang_text),
        ("Ẩn số nhỏ của chỉ tiêu nhạy cảm" if vi else "Small sensitive counts hidden",
         (f"dưới {threshold}" if vi else f"below {threshold}") if threshold else ("không" if vi else "no")),
        ("Trạng thái lần chạy" if vi else "Run status", run_vi if vi else run_en),
        ("Mã lần chạy" if vi else "Run id", str(manifest.get("run_id", ""))),
    ]
    title = ("Báo cáo công tác trẻ em" if vi else "Child-affairs reports") + f" — {province_name}"
    contents = {"unit": text("appendix_contents_unit", lang), "province": text("appendix_contents_province", lang)}
    return write_index(run_dir, list((manifest.get("reports") or {}).values()), title=title,
                       illustrative=bool(manifest.get("illustrative")), lang=lang, details=details,
                       contents=contents)


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
