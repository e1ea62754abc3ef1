"""Second worked example: Yên Bái districts re-based to the new units of Lào Cai (province code 15).

The table in docs/REBASE.md is produced by :func:`render_example`; this test fails when the code
and the page disagree. Regenerate with ``.venv/bin/python -m tests.rebase.test_rebase_yenbai``.
DỮ LIỆU MINH HỌA — illustrative figures, not official.
"""
from __future__ import annotations

import pandas as pd

from ctxh_plan.data.units import load_units
from ctxh_plan.rebase import rebase_frames
from tests.helpers.paths import ROOT
from tests.helpers.rebase_catalog import make_catalog

DOC = ROOT / "docs" / "REBASE.md"
#: illustrative 2024 figures (dữ liệu minh họa): injury deaths, children under 16
EXAMPLE = {"132": (6, 28_500), "138": (9, 22_000), "139": (5, 12_300)}


def example_result():
    rows = []
    for d, (deaths, pop) in EXAMPLE.items():
        rows += [(d, "DEATHS", 2024, float(deaths)), (d, "POP", 2024, float(pop)),
                 (d, "RATE", 2024, deaths / pop * 1e5)]
    obs = pd.DataFrame(rows, columns=["unit_code", "indicator_code", "year", "value"]).assign(flag="illustrative")
    return rebase_frames(obs, make_catalog(), province="15", to="2025-07-01")


def render_example() -> str:
    """Markdown table of the re-based example and the units it could not fill."""
    res = example_result()
    reg = res.units
    o = res.observations.pivot(index="unit_code", columns="indicator_code", values="value")
    rate_num = res.observations[res.observations["indicator_code"] == "RATE"].set_index("unit_code")["numerator"]
    dx = res.crosswalk[res.crosswalk["level"] == "district"]
    lines = ["| Mã mới / new code | Đơn vị mới (Lào Cai) | Trẻ tử vong do TNTT (số nguyên) | Số trẻ em < 16 | "
             "Tử số lẻ của tỷ suất / rate numerator | Tỷ suất /100.000 | "
             "Từ huyện cũ × trọng số / from former district × weight |",
             "|---|---|---:|---:|---:|---:|---|"]
    for code in o.index:
        src = dx[dx["new_code"] == code]
        frm = ", ".join(f"{r.old_code}×{r.weight:.3f}" for r in src.itertuples() if r.old_code in EXAMPLE)
        lines.append(f"| {code} | {reg.name(code)} | {o.loc[code, 'DEATHS']:.0f} | {o.loc[code, 'POP']:.0f} | "
                     f"{rate_num[code]:.2f} | {o.loc[code, 'RATE']:.1f} | {frm} |")
    total = f"| **tổng / total** | | {o['DEATHS'].sum():.0f} | {o['POP'].sum():.0f} | {rate_num.sum():.2f} | " \
            f"{o['DEATHS'].sum() / o['POP'].sum() * 1e5:.1f} | |"
    lines.append(total)
    sk = res.skipped.drop_duplicates("unit_code")
    lines.append("")
    lines.append("Không quy đổi được / not re-based (a former district is missing): " + "; ".join(
        f"{r.unit_code} {reg.name(r.unit_code)} — {r.reason}" for r in sk.itertuples()))
    return "\n".join(lines)


def test_yen_bai_example_keeps_totals_and_matches_docs():
    res = example_result()
    o = res.observations
    assert o["flag"].str.contains("rebased").all() and o["flag"].str.contains("illustrative").all()
    new15 = load_units("15", as_of="2025-07-01")
    assert set(o["unit_code"]) <= set(new15.codes("commune"))
    assert new15.name("15") == "Tỉnh Lào Cai"
    lost = res.skipped["unit_code"].unique().tolist()
    assert lost, "the unit shared with Yên Bình (141) cannot be filled without 141's data"
    assert res.skipped["reason"].str.contains("no data for former commune").all()
    # counts from the two fully covered districts (138, 139) are kept exactly; 132 loses only the
    # part that went to the unit shared with 141
    deaths = o[o["indicator_code"] == "DEATHS"]["value"].sum()
    assert deaths <= sum(v[0] for v in EXAMPLE.values()) and deaths >= 9 + 5
    table = render_example()
    assert table in DOC.read_text(encoding="utf-8"), "docs/REBASE.md is out of date: run this file to regenerate"


if __name__ == "__main__":
    print(render_example())
