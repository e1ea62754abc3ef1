"""`ctxh-plan rebase`: a dataset folder in, a re-based dataset folder out."""
from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
import yaml

from ctxh_plan.cli import main
from ctxh_plan.data.units import load_units
from tests.helpers.paths import EMBEDDED, ROOT

DISTRICTS = load_units("22").codes("district")
NEW_UNITS = load_units("22", as_of="2025-07-01").codes(level="commune")


def _dataset(folder: Path) -> Path:
    """A small district-level dataset written the way Excel in Vietnamese locale writes it (`;`, `49.980`)."""
    folder.mkdir()
    lines = ["unit_code;indicator_code;year;period;value;numerator;denominator;flag;source;note"]
    for i, d in enumerate(DISTRICTS):
        for y in (2023, 2024):
            deaths, pop = (i + y) % 4, 10_000 + 1_000 * i + y
            pop_txt = f"{pop // 1000}.{pop % 1000:03d}"  # Vietnamese thousands separator
            lines.append(f"{d};TNTT_DEATHS;{y};FY;{deaths};;;;thử nghiệm;")
            lines.append(f"{d};POP_U16;{y};FY;{pop_txt};;;;thử nghiệm;")
            rate = f"{deaths / pop * 1e5:.4f}".replace(".", ",")
            lines.append(f"{d};CT11b;{y};FY;{rate};{deaths};{pop_txt};;thử nghiệm;")
    (folder / "observations.csv").write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    (folder / "targets.csv").write_text(
        "scope,indicator_code,target_year,operator,value,value_hi,kind,base_year,source,verification,note\n"
        "22,CT11b,2030,<=,20,,absolute,,KH thử,minh họa,\n"
        "193,CT11b,2030,<=,18,,absolute,,KH thử,minh họa,\n", encoding="utf-8")
    (folder / "dataset.yaml").write_text('province: "22"\nillustrative: true\ntitle: "thử / test"\n',
                                         encoding="utf-8")
    return folder


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def test_rebase_command_writes_a_dataset_folder(tmp_path, capsys):
    src, out = _dataset(tmp_path / "src"), tmp_path / "out"
    assert main(["rebase", "--data", str(src), "--to", "2025-07-01", "-o", str(out)]) == 0
    assert "54" in capsys.readouterr().out
    obs = _read(out / "observations.csv")
    assert list(obs.columns) == ["unit_code", "indicator_code", "year", "period", "value", "numerator",
                                 "denominator", "flag", "source", "note"]
    assert set(obs["unit_code"]) == set(NEW_UNITS)  # strings with leading zeros
    assert obs["flag"].str.contains("rebased").all()
    deaths = obs[obs["indicator_code"] == "TNTT_DEATHS"]
    assert deaths["value"].astype(int).sum() == sum((i + y) % 4 for i in range(13) for y in (2023, 2024))
    pop = obs[obs["indicator_code"] == "POP_U16"]["value"].astype(int).sum()
    assert pop == sum(10_000 + 1_000 * i + y for i in range(13) for y in (2023, 2024))  # 49.980 read as 49980
    rate = obs[obs["indicator_code"] == "CT11b"]
    assert math.isclose(rate["numerator"].astype(float).sum(), deaths["value"].astype(float).sum())
    assert not obs["value"].str.fullmatch(r"\d+\.\d{3}").any()  # never readable as a thousands separator
    cw = _read(out / "crosswalk.csv")
    assert list(cw.columns[:4]) == ["old_code", "new_code", "weight", "weight_source"]
    assert cw.loc[(cw["old_code"] == "06655") & (cw["new_code"] == "06661"), "weight"].tolist() == ["0.5"]
    assert set(cw["level"]) == {"commune", "district"}
    for _, g in cw.groupby(["level", "old_code"]):
        assert math.isclose(g["weight"].astype(float).sum(), 1.0, rel_tol=1e-9)
    assert _read(out / "targets.csv")["scope"].tolist() == ["22"]  # the former district's target is dropped
    meta = yaml.safe_load((out / "dataset.yaml").read_text(encoding="utf-8"))
    assert meta["illustrative"] is True and meta["units_as_of"] == "2025-07-01"
    assert meta["rebased"]["new_units"] == 54 and meta["rebased"]["district_targets_dropped"] == 1
    assert "equal_shares" in meta["rebased"]["weight_sources"]
    units = _read(out / "units.csv")
    assert units["unit_code"].tolist()[1:] == NEW_UNITS
    assert not list(out.glob(".tmp-ctxh-*"))


def test_rebase_command_with_weights_file(tmp_path):
    src, out = _dataset(tmp_path / "src"), tmp_path / "out"
    w = ROOT / "params" / "weights" / "example_weights.csv"
    assert main(["rebase", "--data", str(src), "-o", str(out), "--weights", str(w)]) == 0
    cw = _read(out / "crosswalk.csv").set_index(["old_code", "new_code"])
    assert cw.loc[("06655", "06661"), "weight_source"] == "weights_file"
    assert "weights_file" in yaml.safe_load((out / "dataset.yaml").read_text(encoding="utf-8"))["rebased"][
        "weight_sources"]


@pytest.mark.parametrize("args, code, words", [
    (["--to", "2024-12-31"], 1, ["2025-07-01"]),
    (["--weights", "BAD"], 1, ["row 2", "sum to"]),
    (["--to", "soon"], 1, ["YYYY-MM-DD"]),
])
def test_rebase_command_errors(tmp_path, capsys, args, code, words):
    src = _dataset(tmp_path / "src")
    if "BAD" in args:
        bad = tmp_path / "w.csv"
        bad.write_text("old_code,new_code,weight\n06655,06661,0.9\n06655,06706,0.9\n", encoding="utf-8")
        args = [a if a != "BAD" else str(bad) for a in args]
    assert main(["rebase", "--data", str(src), "-o", str(tmp_path / "out"), *args]) == code
    err = capsys.readouterr().err
    assert "Traceback" not in err
    for w in words:
        assert w in err
    assert not (tmp_path / "out" / "observations.csv").exists()


def test_rebase_command_usage(tmp_path, capsys):
    assert main(["rebase", "--data", str(tmp_path / "nope"), "-o", str(tmp_path / "o")]) == 2
    with pytest.raises(SystemExit) as exc:
        main(["rebase", "--data", str(tmp_path)])  # -o missing
    assert exc.value.code == 2


def test_rebased_folder_loads_as_a_dataset(tmp_path):
    from ctxh_plan.data.dataset import load_dataset

    src, out = _dataset(tmp_path / "src"), tmp_path / "out"
    assert main(["rebase", "--data", str(src), "-o", str(out)]) == 0
    ds = load_dataset(out)
    assert set(ds.observations["unit_code"]) == set(NEW_UNITS) and ds.illustrative


@pytest.mark.notebooks  # end-to-end: the embedded dataset re-based onto the 54 units by the CLI
def test_embedded_dataset_rebases_to_54_units(tmp_path):
    emb = EMBEDDED
    out = tmp_path / "qn"
    assert main(["rebase", "--data", str(emb), "-o", str(out)]) == 0
    obs = _read(out / "observations.csv")
    src = _read(emb / "observations.csv")
    new = sorted(set(obs["unit_code"]) - {"22"})
    assert new == sorted(NEW_UNITS)
    assert (obs["unit_code"] == "22").sum() == (src["unit_code"] == "22").sum()
    skipped = _read(out / "rebase_skipped.csv")
    # every (count indicator, year, period) without skipped units keeps its province total exactly
    from ctxh_plan.data.catalog import load_catalog

    counts = [i.code for i in load_catalog() if i.aggregation.value == "sum" and i.kind.value == "count"]
    o = obs[obs["indicator_code"].isin(counts) & (obs["unit_code"] != "22")]
    o = o.assign(v=o["value"].astype(float))
    s = src[src["indicator_code"].isin(counts) & (src["unit_code"] != "22")]
    s = s.assign(v=pd.to_numeric(s["value"], errors="coerce"))
    keys = ["indicator_code", "year", "period"]
    before, after = s.groupby(keys)["v"].sum(), o.groupby(keys)["v"].sum()
    skip = set(map(tuple, skipped[keys].values.tolist()))
    checked = [k for k in before.index if k not in skip]
    assert len(checked) > 100
    for k in checked:
        assert after[k] == before[k], k
    # the folder is a dataset the other commands accept: validation passes and it loads
    assert main(["validate", str(out)]) == 0
    from ctxh_plan.data.dataset import load_dataset

    ds = load_dataset(out)
    assert len(ds.units.codes(level="commune")) == 54 and ds.illustrative


@pytest.mark.notebooks  # end-to-end: the whole embedded dataset re-based
def test_rebase_dataset_on_the_embedded_dataset():
    from ctxh_plan.data.dataset import load_dataset
    from ctxh_plan.rebase import rebase_dataset

    emb = EMBEDDED
    ds = load_dataset(emb)
    new = rebase_dataset(ds, to="2025-07-01")
    assert new.units.codes(level="commune") == NEW_UNITS and new.illustrative == ds.illustrative
    assert set(new.observations["unit_code"]) == set(NEW_UNITS) | {"22"}
    assert len(new.series("06661", "POP_U16")) > 0
    assert set(new.targets["scope"]) <= {"national", "22"}
    assert len(ds.observations["unit_code"].unique()) == 14  # the source dataset is unchanged
