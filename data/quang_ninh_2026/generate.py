"""Generate the illustrative 2026 tracking folder of Quảng Ninh — DỮ LIỆU MINH HỌA (illustrative data).

The 2026–2030 plan is adopted for the province and its 54 commune-level units (from 1 July 2025);
from 2026 each unit sends a six-month report (due 20 May) and an annual report (due 15 November).
This script writes, next to itself (or into ``--out``):

``de_xuat_chi_tieu.xlsx``
    Proposals for 2026–2030 in the layout of the ``targets`` sheet of ``ctxh-plan project``: one row
    per unit and plan indicator, 2025 level (from the re-based history), 2030 target, milestones
    2026–2030, national floor. Made by a fixed illustrative rule (below), not by the forecasting engine,
    so that the files stay the same when the forecasters change.
``de_xuat_chi_tieu_da_sua.xlsx``
    The same proposals after analysts' edits in Excel (a ``set_by`` column says who changed what):
    a few targets raised or lowered — two of them below the national floor —, a milestone moved and
    one indicator dropped from a unit's plan. ``ctxh-plan adopt`` shows the diff.
``adopted_targets.csv``
    The adopted plan (``ctxh-plan adopt`` of the edited copy against the proposals, Quyết định số
    25/QĐ-UBND ngày 20/01/2026 — an illustrative number).
``received/2026-H1/*.xlsx``, ``received/2026/*.xlsx``
    Forms as received (``ctxh-plan form`` layout, filled): most units on time, a few late, a few
    missing, two analysts' own workbooks with indicator names only (names written with other case,
    spacing, NFD, tone placement and catalogue synonyms, and one name that matches no indicator), one
    unit that filled part of its form, and the province's own form (province-level indicators and
    its own count of injury deaths).
``nguyen_nhan_giai_phap.xlsx``
    Causes and solutions ("nguyên nhân", "giải pháp") analysts keep for indicators behind their path.
``dataset.yaml``, ``tracking.yaml``
    Labels (``illustrative: true``) and the layout of the folder (history, plan, received forms, causes).

How the numbers are made
------------------------
* History: ``data/quang_ninh`` re-based onto the units of 2025-07-01 (``ctxh_plan.rebase``); the
  province's 2025 levels are the roll-up of its units (ratio of sums).
* Proposals (illustrative rule): counts where lower is better −20% by 2030 (whole numbers), activity
  counts +20%; percentages where higher is better close 30% of the gap to 100, lower is better −15%;
  rates −15%; never weaker than the national 2030 target (QĐ 23/QĐ-TTg); milestones on a straight line
  from 2025 (``targets.milestones.milestone_matrix``).
* Forms: ``numpy.random.default_rng(2026)``: event counts are Poisson draws around the unit's 2025
  six-month level (harms 8% lower, activities 8% higher); stocks (children, communes) keep their level;
  percentages move a little in the good direction with binomial noise on the unit's 2025 denominator.
  The annual figures add a Poisson draw for the second half of the year to the six-month ones.

Run from the repository root (or anywhere)::

    .venv/bin/python data/quang_ninh_2026/generate.py            # rewrite the committed files
    .venv/bin/python data/quang_ninh_2026/generate.py --out /tmp/qn26
"""
from __future__ import annotations

import argparse
import datetime as dt
import math
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
if str(ROOT) not in sys.path:  # allow running the script from a fresh clone without installing
    sys.path.insert(0, str(ROOT))

__all__ = ["PLAN_CODES", "SEED", "generate", "main"]

SEED = 2026
PROVINCE = "22"
REBASE_TO = "2025-07-01"
DOCUMENT = ("25/QĐ-UBND", "2026-01-20")
ADOPTED_BY = "UBND tỉnh Quảng Ninh"
#: indicators of the illustrative plan (every unit and the province)
PLAN_CODES = ("CT01", "CT03b", "CT03c", "CT04a", "CT04b", "CT05a", "CT08b", "CT09", "CT11b", "CT14", "CT16",
              "CT17a", "CT18a", "CT21", "CT22", "TNTT_DEATHS", "DROWNING_DEATHS", "ABUSE_CASES", "CHILD_MARRIAGES",
              "SWIM_CLASSES", "COMM_SESSIONS", "SWIM_MODEL")
#: indicators the province reports on its own form besides the province-level ones (its sector counts)
PROVINCE_FORM = ("TNTT_DEATHS", "DROWNING_DEATHS")
_FLOWS = {"TNTT_DEATHS", "DROWNING_DEATHS", "TNTT_CASES", "SWIM_CLASSES", "SWIM_CLASSES_STATE", "SWIM_CLASSES_PRIVATE",
          "SWIM_BUDGET", "SWIM_BUDGET_STATE", "SWIM_BUDGET_PRIVATE", "ABUSE_CASES", "ABUSED_CHILDREN",
          "CHILD_MARRIAGES", "HOTLINE_CALLS", "HOTLINE_CHILD_CALLS", "COMM_SESSIONS", "COMM_REACHED",
          "TRAINING_CLASSES", "TRAINED_PEOPLE", "LIVE_BIRTHS", "NEONATAL_DEATHS", "INFANT_DEATHS", "U5_DEATHS"}
_HARMS = {"TNTT_DEATHS", "DROWNING_DEATHS", "TNTT_CASES", "ABUSE_CASES", "ABUSED_CHILDREN", "CHILD_MARRIAGES",
          "NEONATAL_DEATHS", "INFANT_DEATHS", "U5_DEATHS"}
_README_NOTE = "DỮ LIỆU MINH HỌA — illustrative data, not official statistics"


# --------------------------------------------------------------------------------------------- history

def load_history():
    """The re-based history (units of 2025-07-01) and its full-year levels with the province rolled up."""
    import logging

    from ctxh_plan.data.dataset import load_dataset
    from ctxh_plan.rebase import rebase_dataset
    from ctxh_plan.targets.projection import prepare_observations

    logging.getLogger("ctxh_plan").setLevel(logging.ERROR)
    ds = rebase_dataset(load_dataset(ROOT / "data" / "quang_ninh"), to=REBASE_TO)
    return ds, prepare_observations(ds)


# --------------------------------------------------------------------------------------------- proposals

def build_proposals(ds, levels):
    """Proposals of every unit and the province for :data:`PLAN_CODES` (layout of ``project``'s targets sheet)."""
    import numpy as np
    import pandas as pd

    from ctxh_plan.targets.milestones import milestone_matrix
    from ctxh_plan.tracking.adopt import _national_2030

    cat, units = ds.catalog, ds.units
    national = _national_2030(cat, units)
    codes_units = [PROVINCE] + sorted(c for c in units.codes() if c != PROVINCE)
    lv = levels[(levels["year"] == 2025) & (levels["period"] == "FY")]
    lv = lv.drop_duplicates(["unit_code", "indicator_code"], keep="last").set_index(["unit_code", "indicator_code"])
    rows = []
    for unit in codes_units:
        for code in PLAN_CODES:
            if (unit, code) not in lv.index:
                continue
            ind = cat[code]
            v = float(lv.loc[(unit, code), "value"])
            higher = ind.direction.value == "higher"
            nat = national.get(code)
            floor = nat[1] if nat is not None and nat[2] == "absolute" and ind.aggregation.value != "sum" else math.nan
            kind = ind.kind.value
            if kind == "yes_no":
                cand, method = 1.0, "maintain"
            elif kind == "count":
                cand = math.ceil(max(v, 1.0) * 1.2) if higher else math.floor(v * 0.8)
                method = "maintain" if (not higher and v == 0) else "trend"
            elif ind.kind.is_bounded_100:
                cand = v + 0.3 * (100.0 - v) if higher else v * 0.85
                method = "maintain" if (higher and v >= 99.95) else "trend"
            else:
                cand, method = v * 0.85, "trend"
            target = cand
            if not math.isnan(floor) and ((higher and floor > cand) or (not higher and floor < cand)):
                target, method = floor, "required"
            dec = 0 if kind in ("count", "yes_no") else int(ind.decimals)
            scale = 10.0 ** dec
            target = (math.ceil(target * scale) if higher else math.floor(target * scale)) / scale
            if ind.kind.is_bounded_100:
                target = min(100.0, max(0.0, target))
            ms, _ = milestone_matrix(np.array([v]), np.array([target]), 5, "linear")
            ms = np.round(ms[0] * scale) / scale
            ms[-1] = target
            rows.append({"unit_code": unit, "indicator_code": code, "scenario": "baseline", "value_2025": round(v, 4),
                         "target_2030": target, "target_method": method, "national_floor": floor,
                         **{f"milestone_{y}": float(m) for y, m in zip(range(2026, 2031), ms)},
                         "notes": "dữ liệu minh họa (illustrative data)"})
    return pd.DataFrame(rows)


def edit_proposals(proposals, unit_names: dict[str, str]):
    """The analysts' edited copy: a few changes with who made them, one row dropped."""
    e = proposals.copy()
    e["set_by"] = ""
    communes = sorted(c for c in set(e["unit_code"]) if c != PROVINCE)

    def change(unit: str, code: str, field: str, value: float, who: str) -> None:
        m = (e["unit_code"] == unit) & (e["indicator_code"] == code)
        if not m.any():
            raise AssertionError(f"no proposal {unit}/{code}")
        e.loc[m, field] = value
        if field == "target_2030":
            e.loc[m, "milestone_2030"] = value
        e.loc[m, "set_by"] = who

    u0, u1, u2, u3, u4 = communes[0], communes[5], communes[12], communes[20], communes[33]
    change(PROVINCE, "CT16", "target_2030", 99.8, ADOPTED_BY)
    change(u0, "CT14", "target_2030", 99.0, f"UBND {unit_names[u0]}")           # below the national "= 100"
    change(u1, "CT05a", "target_2030", 97.0, f"UBND {unit_names[u1]}")          # below the national ≥ 98
    drown = e[(e["indicator_code"] == "DROWNING_DEATHS") & (e["unit_code"] != PROVINCE)]
    u2 = str(drown.sort_values(["milestone_2027", "unit_code"], ascending=[False, True])["unit_code"].iloc[0])
    m27 = float(drown.loc[drown["unit_code"] == u2, "milestone_2027"].iloc[0])
    change(u2, "DROWNING_DEATHS", "milestone_2027", max(m27 - 1.0, 0.0), f"UBND {unit_names[u2]}")
    swim = e.loc[(e["unit_code"] == u3) & (e["indicator_code"] == "SWIM_CLASSES"), "target_2030"]
    change(u3, "SWIM_CLASSES", "target_2030", float(swim.iloc[0]) + 2, f"UBND {unit_names[u3]}")
    e = e[~((e["unit_code"] == u4) & (e["indicator_code"] == "CT22"))].reset_index(drop=True)
    return e


def write_proposals(frame, path: Path) -> None:
    """The proposals workbook (sheet ``targets``) with fixed dates inside (byte-identical runs)."""
    import pandas as pd

    from ctxh_plan.io.atomic import atomic_path
    from ctxh_plan.present.docx_writer import normalize_ooxml

    info = pd.DataFrame({"key": ["data", "rule"],
                         "value": ["dữ liệu minh họa (illustrative data)",
                                   "đề xuất theo quy tắc minh họa của data/quang_ninh_2026/generate.py"]})
    with atomic_path(path) as tmp:
        with pd.ExcelWriter(tmp, engine="openpyxl") as xw:
            frame.to_excel(xw, sheet_name="targets", index=False)
            info.to_excel(xw, sheet_name="ghi_chu", index=False)
            for ws in xw.book.worksheets:
                ws.sheet_properties  # noqa: B018 (touch: openpyxl writes them in order)
            xw.book.properties.created = xw.book.properties.modified = dt.datetime(2000, 1, 1)
        normalize_ooxml(tmp)


# --------------------------------------------------------------------------------------------- forms

class _Draw:
    """Seeded draws of one unit's figures for 2026 (H1 and the full year)."""

    def __init__(self, rng, history, cat):
        self.rng, self.h, self.cat = rng, history, cat
        # lookups instead of a scan of the whole history per figure (same rows, same order, same values):
        # the rows of each (unit, indicator), and the last value of each (unit, indicator, year, period)
        self._rows = dict(iter(history.groupby(["unit_code", "indicator_code"], sort=False)))
        self._none = history.iloc[:0]
        self._last = {key[:4]: key[4] for key in zip(history["unit_code"], history["indicator_code"],
                                                      history["year"], history["period"], history["value"])}

    def _of(self, unit: str, code: str):
        return self._rows.get((unit, code), self._none)

    def _level(self, unit: str, code: str, period: str = "FY") -> float:
        """The unit's 2025 value of ``code`` for ``period`` (the last such row of the history), NaN if none."""
        v = self._last.get((unit, code, 2025, period))
        return math.nan if v is None else float(v)

    def unit_values(self, unit: str, codes: list[str]) -> tuple[dict, dict]:
        """(H1 values, full-year values): code → (value, numerator, denominator)."""
        rng = self.rng
        h1: dict[str, tuple] = {}
        fy: dict[str, tuple] = {}
        for code in codes:
            ind = self.cat[code]
            base_fy = self._level(unit, code)
            base_h1 = self._level(unit, code, period="H1")
            kind = ind.kind.value
            if code in _FLOWS:
                lam = base_h1 if not math.isnan(base_h1) else (base_fy * 0.5 if not math.isnan(base_fy) else 1.0)
                lam_fy = base_fy if not math.isnan(base_fy) else lam * 2.0
                f = 0.92 if code in _HARMS else 1.08
                a = int(rng.poisson(max(lam, 0.0) * f))
                b = a + int(rng.poisson(max(lam_fy - lam, lam, 0.0) * f))
                if kind == "money":
                    a, b = round(a * 1.0, 1), round(b * 1.0, 1)
                h1[code], fy[code] = (float(a), None, None), (float(b), None, None)
            elif kind in ("count", "money"):  # stocks: numbers at a date
                v = base_fy if not math.isnan(base_fy) else base_h1
                v = 0.0 if math.isnan(v) else float(round(v * (1 + rng.normal(0.004, 0.004))))
                h1[code] = (v, None, None)
                fy[code] = (float(round(v * (1 + abs(rng.normal(0.002, 0.003))))), None, None)
            elif kind == "yes_no":
                v = 1.0 if rng.random() < 0.85 else 0.0
                h1[code], fy[code] = (v, None, None), (v, None, None)
            else:  # percentages and rates without components
                v = base_fy if not math.isnan(base_fy) else 50.0
                sign = 1 if ind.direction.value == "higher" else -1
                den = self._denominator(unit, code)
                out = []
                for shift in (0.3, 0.6):
                    p = min(max((v + sign * shift * max(abs(v) * 0.02, 0.2)) / ind.factor, 0.0), 1.0)
                    if den:
                        num = int(rng.binomial(den, p))
                        out.append((round(num / den * ind.factor, 4), float(num), float(den)))
                    else:
                        out.append((round(min(max(p * ind.factor + rng.normal(0, 0.3), 0.0), ind.factor), 1),
                                    None, None))
                h1[code], fy[code] = out[0], out[1]
        self._consistent(h1)
        self._consistent(fy)
        return h1, fy

    def _denominator(self, unit: str, code: str) -> int | None:
        h = self._of(unit, code)
        o = h[(h["unit_code"] == unit) & (h["indicator_code"] == code) & (h["year"] == 2025)]
        d = o["denominator"].dropna()
        return round(float(d.iloc[-1])) if len(d) and float(d.iloc[-1]) >= 1 else None

    @staticmethod
    def _consistent(v: dict) -> None:
        def val(c):
            return v[c][0] if c in v else None

        def put(c, x):
            if c in v:
                v[c] = (float(x), v[c][1], v[c][2])

        for small, big in (("DROWNING_DEATHS", "TNTT_DEATHS"), ("NEONATAL_DEATHS", "INFANT_DEATHS"),
                           ("INFANT_DEATHS", "U5_DEATHS"), ("HOTLINE_CHILD_CALLS", "HOTLINE_CALLS"),
                           ("HCDB_SUPPORTED", "HCDB_CHILDREN"), ("CF_COMMUNES", "COMMUNES_TOTAL"),
                           ("PLAY_COMMUNES", "COMMUNES_TOTAL"), ("ABUSE_CASES", "ABUSED_CHILDREN")):
            if val(small) is not None and val(big) is not None and val(small) > val(big):
                put(big, val(small))
        if all(val(c) is not None for c in ("SWIM_CLASSES", "SWIM_CLASSES_STATE", "SWIM_CLASSES_PRIVATE")):
            put("SWIM_CLASSES", val("SWIM_CLASSES_STATE") + val("SWIM_CLASSES_PRIVATE"))
        if all(val(c) is not None for c in ("SWIM_BUDGET", "SWIM_BUDGET_STATE", "SWIM_BUDGET_PRIVATE")):
            for kind in ("STATE", "PRIVATE"):
                classes = val(f"SWIM_CLASSES_{kind}")
                put(f"SWIM_BUDGET_{kind}", round(classes * 11.5, 1) if classes is not None else 0)
            put("SWIM_BUDGET", round(val("SWIM_BUDGET_STATE") + val("SWIM_BUDGET_PRIVATE"), 1))


#: name-only workbooks: catalogue code → the name as the analyst wrote it (case, spacing, NFD, tone
#: placement, synonyms); None = a row whose name matches no indicator (reported, never guessed)
_ANALYST_NAMES = {
    "TNTT_DEATHS": "SỐ TRẺ EM TỬ VONG DO TNTT",
    "DROWNING_DEATHS": unicodedata.normalize("NFD", "Số trẻ em bị đuối nước tử vong"),
    "TNTT_CASES": "số  trẻ em  bị tai nạn  thương tích",
    "ABUSE_CASES": "Số vụ trẻ em bị xâm hại",
    "ABUSED_CHILDREN": "Số trẻ em bị xâm hại",
    "CHILD_MARRIAGES": "Số vụ tảo hôn",
    "SWIM_CLASSES": "Số lớp dạy bơi cho trẻ em",
    "COMM_SESSIONS": "Số buổi truyền thông trực tiếp về bảo vệ, chăm sóc trẻ em",
    "POP_U16": "Tổng số trẻ em dưới 16 tuổi",
    "HCDB_CHILDREN": "Số trẻ em có HCĐB",
    "HCDB_SUPPORTED": "Số trẻ em có hoàn cảnh đặc biệt được chăm sóc, nuôi dưỡng, trợ giúp",
    "CT16": "Tỷ lệ huy động trẻ em 5 tuổi đi học mẫu giáo (%)",
    "CT05a": "Tỷ lệ trẻ em dưới 1 tuổi được tiêm chủng đầy đủ 8 loại vắc-xin",
    "CT14": "Tỷ lệ trẻ em dưới 5 tuổi được đăng ký khai sinh",
    "CT04b": "Tỷ lệ trẻ em dưới 5 tuổi suy dinh dưỡng thể chiều cao theo tuổi (thấp còi)",
    "SWIM_MODEL": "Có ít nhất 1 xã hoặc trường học thực hiện mô hình dạy bơi an toàn",
    "CF_COMMUNES": "Số xã, phường, đặc khu đạt tiêu chuẩn phù hợp với trẻ em",
    "COMMUNES_TOTAL": "Tổng số xã, phường, đặc khu",
    "LIVE_BIRTHS": "Số trẻ sinh sống",
    "U5_DEATHS": "Số trẻ em dưới 5 tuổi bị tử vong",
}
_UNMATCHED_NAME = "Số trẻ em được hỗ trợ tâm lý sau sự cố"


def write_analyst_workbook(path: Path, *, unit_code: str, unit_name: str, period, values: dict, submitted: dt.date,
                           cat) -> None:
    """An analyst's own workbook: indicator names only (no codes), a title naming the unit and its code."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from ctxh_plan.io.atomic import atomic_path
    from ctxh_plan.present.docx_writer import normalize_ooxml

    wb = Workbook()
    ws = wb.active
    ws.title = "Bao cao"
    ws["A1"] = f"UBND {unit_name.upper()} (mã đơn vị: {unit_code})"
    ws["A2"] = f"BÁO CÁO SỐ LIỆU CÔNG TÁC TRẺ EM {period.label('vi').upper()} (DỮ LIỆU MINH HỌA)"
    ws["A3"] = f"Ngày báo cáo: {submitted:%d/%m/%Y}"
    head = "Thực hiện 6 tháng đầu năm 2026" if period.part == "H1" else f"Ước thực hiện năm {period.year}"
    for j, h in enumerate(["TT", "Nội dung chỉ tiêu", "ĐVT", head, "Ghi chú"], start=1):
        ws.cell(row=5, column=j, value=h).font = Font(bold=True)
    r = 5
    order = [c for c in cat.codes() if c in _ANALYST_NAMES and c in values]
    groups: dict[str, list[str]] = {}
    for c in order:
        groups.setdefault(cat[c].group, []).append(c)
    k = 0
    for g, codes in groups.items():
        r += 1
        ws.cell(row=r, column=2, value=g.upper()).font = Font(bold=True)  # a section heading, no figure
        for c in codes:
            r += 1
            k += 1
            ws.cell(row=r, column=1, value=k)
            ws.cell(row=r, column=2, value=_ANALYST_NAMES[c])
            ws.cell(row=r, column=3, value=cat[c].unit_vi)
            v = values[c][0]
            ws.cell(row=r, column=4, value=int(v) if float(v).is_integer() else v)
    r += 1
    ws.cell(row=r, column=1, value=k + 1)
    ws.cell(row=r, column=2, value=_UNMATCHED_NAME)
    ws.cell(row=r, column=3, value="trẻ em")
    ws.cell(row=r, column=4, value=3)
    r += 2
    ws.cell(row=r, column=1, value="Ghi chú: số liệu minh họa; bảng do đơn vị tự lập, không có mã chỉ tiêu.")
    wb.properties.created = wb.properties.modified = dt.datetime(2000, 1, 1)
    with atomic_path(path) as tmp:
        wb.save(tmp)
        normalize_ooxml(tmp)


# --------------------------------------------------------------------------------------------- causes

_CAUSES = {
    "Phòng, chống tai nạn thương tích, đuối nước": (
        "Mùa mưa đến sớm; một số ao, hồ, hố khai thác chưa có biển cảnh báo; trẻ em tự đi bơi ở nơi không an toàn.",
        "Tuyên truyền phòng, chống đuối nước trước và trong dịp hè; rà soát, lắp biển cảnh báo tại các điểm "
        "nguy hiểm; mở thêm lớp dạy bơi an toàn cho trẻ em."),
    "Bảo vệ trẻ em": (
        "Nhận thức của một bộ phận cha mẹ về phòng ngừa xâm hại, tảo hôn còn hạn chế; phát hiện, thông báo "
        "vụ việc chưa kịp thời.",
        "Tập huấn kỹ năng tự bảo vệ cho học sinh; phối hợp công an, nhà trường, cộng tác viên theo dõi, can "
        "thiệp sớm; tuyên truyền tại thôn, khu phố."),
    "Y tế, dinh dưỡng": (
        "Một số gia đình đi làm ăn xa, trẻ chưa được tiêm chủng, khám dinh dưỡng đúng lịch.",
        "Rà soát danh sách trẻ, tổ chức tiêm bù; trạm y tế phối hợp cộng tác viên theo dõi từng trẻ."),
    "Giáo dục, văn hóa, vui chơi giải trí": (
        "Một số trẻ theo gia đình di chuyển chỗ ở trong năm học.",
        "Nhà trường phối hợp chính quyền vận động trẻ ra lớp, theo dõi trẻ chuyển đến, chuyển đi."),
    "Truyền thông, nâng cao năng lực": (
        "Hoạt động tuyên truyền tập trung vào Tháng hành động vì trẻ em (tháng 6) và quý III.",
        "Đẩy mạnh tổ chức các buổi tuyên truyền trong 6 tháng cuối năm."),
}


def build_causes(plan, h1_values: dict, cat, rng):
    """Causes and solutions for up to 10 (unit, indicator) behind their 2026 path on a simple reading of the
    six-month figure (flows ×2, others as they are) — analysts' notes, not the toolkit's verdicts."""
    import pandas as pd

    behind = []
    for r in plan.to_dict("records"):
        vals = h1_values.get(r["unit_code"], {})
        code = r["indicator_code"]
        if code not in vals or code not in cat or math.isnan(r["milestone_2026"]):
            continue
        v = vals[code][0] * (2.0 if code in _FLOWS else 1.0)
        higher = cat[code].direction.value == "higher"
        gap = (r["milestone_2026"] - v) if higher else (v - r["milestone_2026"])
        if gap > 1e-9 and cat[code].group in _CAUSES:
            behind.append((r["unit_code"], code))
    pick = sorted(behind)
    if len(pick) > 10:
        idx = sorted(int(i) for i in rng.choice(len(pick), size=10, replace=False))
        pick = [pick[i] for i in idx]
    rows = [{"Mã đơn vị": u, "Mã chỉ tiêu": c, "Kỳ báo cáo": "2026-H1", "Nguyên nhân": _CAUSES[cat[c].group][0],
             "Giải pháp": _CAUSES[cat[c].group][1]} for u, c in pick]
    rows.append({"Mã đơn vị": PROVINCE, "Mã chỉ tiêu": "DROWNING_DEATHS", "Kỳ báo cáo": "2026-H1",
                 "Nguyên nhân": _CAUSES["Phòng, chống tai nạn thương tích, đuối nước"][0],
                 "Giải pháp": _CAUSES["Phòng, chống tai nạn thương tích, đuối nước"][1]})
    return pd.DataFrame(rows)


def write_causes(frame, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from ctxh_plan.io.atomic import atomic_path
    from ctxh_plan.present.docx_writer import normalize_ooxml

    wb = Workbook()
    ws = wb.active
    ws.title = "Nguyen_nhan"
    ws["A1"] = "NGUYÊN NHÂN VÀ GIẢI PHÁP ĐỐI VỚI CÁC CHỈ TIÊU CHƯA ĐẠT LỘ TRÌNH (DỮ LIỆU MINH HỌA)"
    ws["A1"].font = Font(bold=True)
    cols = list(frame.columns)
    for j, c in enumerate(cols, start=1):
        ws.cell(row=3, column=j, value=c).font = Font(bold=True)
    for i, rec in enumerate(frame.to_dict("records"), start=4):
        for j, c in enumerate(cols, start=1):
            ws.cell(row=i, column=j, value=rec[c])
    for letter, w in zip("ABCDE", (12, 18, 12, 70, 70)):
        ws.column_dimensions[letter].width = w
    wb.properties.created = wb.properties.modified = dt.datetime(2000, 1, 1)
    with atomic_path(path) as tmp:
        wb.save(tmp)
        normalize_ooxml(tmp)


# --------------------------------------------------------------------------------------------- the folder

_DATASET_YAML = """\
# Theo dõi thực hiện kế hoạch công tác trẻ em 2026–2030 của tỉnh Quảng Ninh — DỮ LIỆU MINH HỌA
# (illustrative data, not official figures). Written by data/quang_ninh_2026/generate.py; see README.md here.
province: "22"
title: "Quảng Ninh — theo dõi thực hiện kế hoạch 2026–2030, 54 đơn vị cấp xã và toàn tỉnh (dữ liệu minh họa)"
illustrative: true
units_as_of: "2025-07-01"
source: "dữ liệu minh họa (data/quang_ninh_2026/generate.py, numpy default_rng({seed}))"
description: >-
  Kế hoạch 2026–2030 đã ban hành (minh họa) cho toàn tỉnh và 54 xã, phường, đặc khu; biểu mẫu báo cáo
  6 tháng đầu năm 2026 và báo cáo năm 2026 đã nhận (có đơn vị nộp muộn, chưa nộp, gửi bảng tự lập chỉ có
  tên chỉ tiêu); nguyên nhân, giải pháp do cán bộ tổng hợp ghi. Lịch sử 2019–2025: data/quang_ninh quy đổi
  về đơn vị từ 01/7/2025.
note: >-
  Files: de_xuat_chi_tieu.xlsx (proposals), de_xuat_chi_tieu_da_sua.xlsx (edited copy), adopted_targets.csv
  (adopted plan), received/<period>/*.xlsx (forms received), nguyen_nhan_giai_phap.xlsx (causes and
  solutions), tracking.yaml (layout). Regenerate with `.venv/bin/python data/quang_ninh_2026/generate.py`.
"""

_TRACKING_YAML = """\
# Bố cục thư mục theo dõi thực hiện kế hoạch — layout of a tracking folder (ctxh_plan.tracking.folder).
# Paths are relative to this folder. Every key is checked. DỮ LIỆU MINH HỌA (illustrative data).
history: ../quang_ninh             # bộ số liệu 2019–2025 (đơn vị cũ) / history dataset folder
rebase_to: "2025-07-01"            # quy đổi lịch sử về đơn vị mới / re-base the history onto the units of this day
plan: adopted_targets.csv          # kế hoạch đã ban hành (ctxh-plan adopt) / adopted plan
received: received                 # một thư mục con cho mỗi kỳ: received/2026-H1, received/2026
causes: nguyen_nhan_giai_phap.xlsx # nguyên nhân, giải pháp / causes and solutions (unit, indicator, period)
province_form: ["TNTT_DEATHS", "DROWNING_DEATHS"]   # chỉ tiêu tỉnh tự báo cáo ngoài chỉ tiêu cấp tỉnh
"""


def generate(out_dir: Path, seed: int = SEED) -> list[Path]:
    """Write every file of the folder into ``out_dir``; returns the paths written."""
    import numpy as np

    from ctxh_plan.io.atomic import write_text
    from ctxh_plan.tracking.adopt import adopt_proposals, write_adoption
    from ctxh_plan.tracking.forms import form_file_name, form_indicators, write_form
    from ctxh_plan.tracking.periods import load_calendar, parse_period

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    ds, levels = load_history()
    cat, units = ds.catalog, ds.units
    names = {c: units.name(c) for c in units.codes()}
    written: list[Path] = []
    proposals = build_proposals(ds, levels)
    edited = edit_proposals(proposals, names)
    for frame, name in ((proposals, "de_xuat_chi_tieu.xlsx"), (edited, "de_xuat_chi_tieu_da_sua.xlsx")):
        write_proposals(frame, out_dir / name)
        written.append(out_dir / name)
    adoption = adopt_proposals(edited, catalog=cat, units=units, document_number=DOCUMENT[0],
                               document_date=DOCUMENT[1], set_by=ADOPTED_BY, original=proposals)
    if (adoption.problems["severity"] == "error").any():
        raise AssertionError(adoption.problems.to_string())
    written += write_adoption(adoption, out_dir / "adopted_targets.csv")
    plan = adoption.plan
    calendar = load_calendar()
    document = "Quyết định số 25/QĐ-UBND ngày 20/01/2026 (minh họa)"
    history = ds.observations
    communes = sorted(c for c in units.codes() if c != PROVINCE)
    draw = _Draw(rng, levels, cat)
    h1_periods = parse_period("2026-H1")
    fy_period = parse_period("2026")
    all_values: dict[str, tuple[dict, dict]] = {}
    for unit in [PROVINCE, *communes]:
        codes = sorted(set(form_indicators(unit, catalog=cat, plan=plan, history=history, period=h1_periods,
                                           province_code=PROVINCE, province_extra=PROVINCE_FORM))
                       | set(form_indicators(unit, catalog=cat, plan=plan, history=history, period=fy_period,
                                             province_code=PROVINCE, province_extra=PROVINCE_FORM)),
                       key=cat.codes().index)
        all_values[unit] = draw.unit_values(unit, codes)
    # the province counts its own injury deaths (sector statistics): one more than its units report
    for k in (0, 1):
        tot = sum(all_values[u][k].get("TNTT_DEATHS", (0.0,))[0] for u in communes)
        dro = sum(all_values[u][k].get("DROWNING_DEATHS", (0.0,))[0] for u in communes)
        all_values[PROVINCE][k]["TNTT_DEATHS"] = (tot + 1.0, None, None)
        all_values[PROVINCE][k]["DROWNING_DEATHS"] = (dro, None, None)
    # who sends what, and when
    order = [int(i) for i in rng.permutation(len(communes))]
    shuffled = [communes[i] for i in order]
    plans = {
        h1_periods: {"late": shuffled[0:3], "missing": shuffled[3:5], "by_name": shuffled[5:7],
                     "partial": shuffled[7:8], "late_days": (2, 7, 14)},
        fy_period: {"late": shuffled[8:10], "missing": shuffled[3:4] + shuffled[10:11], "by_name": shuffled[11:12],
                    "partial": [], "late_days": (3, 10)},
    }
    for period, who in plans.items():
        folder = out_dir / "received" / str(period)
        folder.mkdir(parents=True, exist_ok=True)
        due = calendar.due_date(period)
        k = 0 if period.is_partial else 1
        for unit in [PROVINCE, *communes]:
            if unit in who["missing"]:
                continue
            if unit in who["late"]:
                submitted = due + dt.timedelta(days=who["late_days"][who["late"].index(unit)])
            else:
                submitted = due - dt.timedelta(days=int(rng.integers(0, 15)))
            values = all_values[unit][k]
            if unit in who["by_name"]:
                path = folder / f"Bao cao {names[unit]} {period}.xlsx"
                write_analyst_workbook(path, unit_code=unit, unit_name=names[unit], period=period, values=values,
                                       submitted=submitted, cat=cat)
                written.append(path)
                continue
            codes = form_indicators(unit, catalog=cat, plan=plan, history=history, period=period,
                                    province_code=PROVINCE, province_extra=PROVINCE_FORM)
            filled = {c: values[c] for c in codes if c in values}
            if unit in who["partial"]:
                filled = {c: v for i, (c, v) in enumerate(filled.items()) if i % 3 != 0}
            prev = period.same_period_last_year()
            h = history[(history["unit_code"] == unit) & (history["year"] == prev.year)
                        & (history["period"] == prev.part)]
            last = dict(zip(h["indicator_code"], h["value"].astype(float)))
            path = folder / form_file_name(unit, period)
            write_form(path, unit_code=unit, unit_name=names[unit], period=period, indicators=codes, catalog=cat,
                       last_year=last, calendar=calendar, illustrative=True, document=document,
                       values={c: (v[0], v[1], v[2], "") for c, v in filled.items()}, submitted_on=submitted)
            written.append(path)
    causes = build_causes(plan, {u: v[0] for u, v in all_values.items()}, cat, rng)
    write_causes(causes, out_dir / "nguyen_nhan_giai_phap.xlsx")
    written.append(out_dir / "nguyen_nhan_giai_phap.xlsx")
    written.append(write_text(out_dir / "dataset.yaml", _DATASET_YAML.format(seed=seed)))
    written.append(write_text(out_dir / "tracking.yaml", _TRACKING_YAML))
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Sinh thư mục theo dõi 2026 minh họa / generate the illustrative "
                                                 "2026 tracking folder of Quảng Ninh.")
    parser.add_argument("--out", default=None, help="thư mục ghi / output folder (default: data/quang_ninh_2026)")
    parser.add_argument("--seed", type=int, default=SEED, help=f"random seed (default {SEED})")
    args = parser.parse_args(argv)
    for p in generate(Path(args.out) if args.out else HERE, args.seed):
        print(p)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
