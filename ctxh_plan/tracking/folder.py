"""A tracking folder: the adopted plan, the forms received per period, causes and solutions, and where the
history lives (``tracking.yaml``), labelled by its ``dataset.yaml`` (province, ``illustrative``, title).

``tracking.yaml`` keys (paths relative to the folder; every key checked):

``history``       dataset folder of the years before the plan (e.g. ``../quang_ninh``)
``rebase_to``     re-base that history onto the units valid on this day (``"2025-07-01"``; ``""`` = as it is)
``plan``          the adopted-targets file (``ctxh-plan adopt``)
``received``      folder with one subfolder per period: ``received/2026-H1``, ``received/2026``
``causes``        the analysts' sheet of causes and solutions (optional)
``province_form`` indicators the province reports on its own form besides the province-level ones (optional)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ctxh_plan.errors import InputError, UsageError
from ctxh_plan.io.yamlfile import read_yaml

__all__ = ["TRACKING_KEYS", "TrackingFolder", "load_history", "read_tracking_folder"]

TRACKING_KEYS = ("history", "rebase_to", "plan", "received", "causes", "province_form")


@dataclass(frozen=True)
class TrackingFolder:
    """Paths and labels of a tracking folder (absolute paths; ``None`` where the folder has none)."""

    path: Path
    history: Path | None = None
    rebase_to: str = ""
    plan: Path | None = None
    received: Path | None = None
    causes: Path | None = None
    province_form: tuple[str, ...] = ()
    province: str = "22"
    illustrative: bool = False
    title: str = ""
    units_as_of: str = ""
    meta: dict = field(default_factory=dict, repr=False)

    def received_dir(self, period: Any) -> Path:
        """``received/<period>`` (e.g. ``received/2026-H1``)."""
        if self.received is None:
            raise UsageError(f"{self.path / 'tracking.yaml'}: no `received:` folder — fix: add `received: received` "
                             f"or give the forms folder on the command line")
        return self.received / str(period)


def read_tracking_folder(path: str | Path) -> TrackingFolder:
    """Read ``tracking.yaml`` and ``dataset.yaml`` of a tracking folder.

    Raises
    ------
    InputError
        The folder or its ``tracking.yaml`` is missing, a key is unknown or of the wrong type, a named
        file or folder does not exist.
    """
    from ctxh_plan.io.layout import read_dataset_meta
    from ctxh_plan.paths import resolve

    folder = resolve(path)
    if not folder.is_dir():
        raise InputError("tracking folder not found", file=str(folder),
                         fix="give a folder with tracking.yaml, e.g. data/quang_ninh_2026")
    cfg_path = folder / "tracking.yaml"
    if not cfg_path.is_file():
        raise InputError("no tracking.yaml in the folder", file=str(folder),
                         fix="add tracking.yaml (see data/quang_ninh_2026/tracking.yaml)")
    doc = read_yaml(cfg_path) or {}
    file = str(cfg_path)
    if not isinstance(doc, dict):
        raise InputError("tracking.yaml must be a mapping of keys", file=file, fix="see data/quang_ninh_2026")
    unknown = sorted(set(doc) - set(TRACKING_KEYS))
    if unknown:
        raise InputError("unknown key", file=file, column=unknown[0], fix=f"use only: {', '.join(TRACKING_KEYS)}")
    paths: dict[str, Path | None] = {}
    for key in ("history", "plan", "received", "causes"):
        v = doc.get(key)
        if v in (None, ""):
            paths[key] = None
            continue
        if not isinstance(v, str):
            raise InputError("must be a path (text)", file=file, column=key, value=v, fix=f"{key}: <path>")
        p = (folder / v).resolve() if not Path(v).is_absolute() else Path(v)
        if not p.exists():
            raise InputError(f"{key} not found: {p}", file=file, column=key, value=v,
                             fix="give a path relative to the tracking folder")
        paths[key] = p
    rebase_to = doc.get("rebase_to", "")
    if not isinstance(rebase_to, str):
        raise InputError("must be a quoted date", file=file, column="rebase_to", value=rebase_to,
                         fix='rebase_to: "2025-07-01"')
    extra = doc.get("province_form", []) or []
    if not isinstance(extra, list) or not all(isinstance(x, str) for x in extra):
        raise InputError("must be a list of quoted indicator codes", file=file, column="province_form", value=extra,
                         fix='province_form: ["TNTT_DEATHS"]')
    meta = read_dataset_meta(folder)
    return TrackingFolder(path=folder, history=paths["history"], rebase_to=rebase_to, plan=paths["plan"],
                          received=paths["received"], causes=paths["causes"], province_form=tuple(extra),
                          province=str(meta.get("province", "22")), illustrative=bool(meta.get("illustrative", False)),
                          title=str(meta.get("title", "")), units_as_of=str(meta.get("units_as_of", "") or ""),
                          meta=meta)


def load_history(folder: TrackingFolder, history: Any = None) -> Any:
    """The history dataset of a tracking folder, re-based when the folder says so.

    ``history`` (a Dataset already loaded, e.g. a batch kernel's re-based dataset) is used as it is.

    Raises
    ------
    UsageError
        The folder names no history.
    """
    if history is not None:
        return history
    if folder.history is None:
        raise UsageError(f"{folder.path / 'tracking.yaml'}: no `history:` dataset — fix: add `history: <folder>`")
    from ctxh_plan.data.dataset import load_dataset

    ds = load_dataset(folder.history)
    if folder.rebase_to:
        from ctxh_plan.rebase import rebase_dataset

        ds = rebase_dataset(ds, to=folder.rebase_to)
    return ds
