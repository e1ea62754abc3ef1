"""Which files make a dataset folder, and its ``dataset.yaml``.

A dataset folder holds ``observations.csv`` (or ``observations*.xlsx`` when there
is no CSV), optionally ``targets.csv`` and ``dataset.yaml`` (``province``,
``illustrative``, ``title``, ``source``). National targets come from
``params/targets_national.csv``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ctxh_plan.errors import InputError, UsageError
from ctxh_plan.paths import params_dir

__all__ = ["DatasetFiles", "classify_path", "find_dataset_files", "national_targets_path", "read_dataset_meta"]

_META_KEYS = {"province", "province_code", "illustrative", "title", "source", "note", "description",
              "units_as_of", "rebased"}


@dataclass(frozen=True)
class DatasetFiles:
    """Input files of a dataset folder (or of files named on the command line)."""

    observations: tuple[Path, ...] = ()
    targets: tuple[Path, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict)
    folder: Path | None = None


def national_targets_path() -> Path:
    """``params/targets_national.csv`` (written from QĐ 23/QĐ-TTg)."""
    return params_dir() / "targets_national.csv"


def read_dataset_meta(folder: Path) -> dict[str, Any]:
    """Read ``dataset.yaml`` of a folder ({} when absent).

    Raises
    ------
    InputError
        Not valid YAML, not a mapping, or unknown keys.
    """
    p = Path(folder) / "dataset.yaml"
    if not p.exists():
        return {}
    from ctxh_plan.io.yamlfile import read_yaml

    doc = read_yaml(p) or {}
    if not isinstance(doc, dict):
        raise InputError("dataset.yaml phải là các cặp khóa: giá trị / must be a mapping of keys", file=str(p),
                         fix="ví dụ / e.g. `province: \"22\"`")
    unknown = sorted((str(k) for k in set(doc) - _META_KEYS), key=str)  # keys may be numbers or null
    if unknown:
        raise InputError(f"khóa không biết / unknown key(s) {unknown}", file=str(p), column=unknown[0],
                         fix=f"dùng / use: {sorted(_META_KEYS)}")
    from ctxh_plan.data.privacy import find_personal_data, redact_personal_data
    from ctxh_plan.errors import PersonLevelDataError

    for key in ("title", "source", "note", "description"):  # shown on every published output
        text = doc.get(key)
        bad = re.search(r"[\x00-\x08\x0b-\x1f\x7f]", text) if isinstance(text, str) else None
        if bad:
            raise InputError(f"có ký tự điều khiển U+{ord(bad.group()):04X} / holds the control character "
                             f"U+{ord(bad.group()):04X}", file=str(p), column=key,
                             fix="xóa ký tự lạ (gõ lại dòng này) / delete the invisible character (retype the line)")
        if isinstance(text, str) and find_personal_data(text):
            hit = find_personal_data(text)[0]
            raise PersonLevelDataError(f"dữ liệu cá nhân ({hit.what}) — công cụ chỉ nhận số liệu tổng hợp / "
                                       f"person-level data; the toolkit takes aggregates only", file=str(p),
                                       column=key, value=redact_personal_data(text)[:80],
                                       fix="xóa thông tin cá nhân khỏi dòng này / remove the personal data "
                                           "from this line")
    if "province_code" in doc and "province" not in doc:
        doc["province"] = doc.pop("province_code")
    if "province" in doc:
        doc["province"] = str(doc["province"]).strip()
    if "illustrative" in doc and not isinstance(doc["illustrative"], bool):
        raise InputError("illustrative phải là true/false / must be true or false", file=str(p),
                         column="illustrative", value=doc["illustrative"], fix="illustrative: true")
    return doc


def find_dataset_files(folder: str | Path) -> DatasetFiles:
    """The observation and target files of a dataset folder.

    Raises
    ------
    InputError
        No ``observations.csv`` nor ``observations*.xlsx`` in the folder.
    """
    folder = Path(folder)
    csv = folder / "observations.csv"
    obs = (csv,) if csv.exists() else tuple(sorted(p for p in folder.glob("observations*.xlsx")
                                                   if not p.name.startswith(("~$", "."))))
    if not obs:
        raise InputError("thư mục không có observations.csv hay observations*.xlsx / "
                         "no observations.csv or observations*.xlsx in the folder", file=str(folder),
                         fix="đặt tệp số liệu tên observations.csv vào thư mục / put an observations.csv there")
    tg = folder / "targets.csv"
    return DatasetFiles(observations=obs, targets=(tg,) if tg.exists() else (), meta=read_dataset_meta(folder),
                        folder=folder)


def classify_path(path: str | Path) -> str:
    """``"folder"``, ``"targets"`` or ``"observations"`` for a path named by the user.

    Raises
    ------
    UsageError
        The path does not exist.
    """
    p = Path(path)
    if not p.exists():
        raise UsageError(f"không có tệp hay thư mục / no such file or folder: {p} — fix: kiểm tra đường dẫn / "
                         f"check the path")
    if p.is_dir():
        return "folder"
    return "targets" if "target" in p.stem.lower() else "observations"
