"""The catalogue loader refuses malformed YAML with a clear message."""
from __future__ import annotations

import pytest

from ctxh_plan.data.catalog import load_catalog
from ctxh_plan.errors import InputError, ParameterError
from ctxh_plan.vocab import Aggregation, Kind

GOOD = """
indicators:
  - {code: DEATHS, name_vi: Số trẻ tử vong, name_en: Deaths, unit_vi: trẻ em, kind: count, direction: lower}
  - {code: POP, name_vi: Số trẻ em, name_en: Children, unit_vi: trẻ em, kind: count, direction: higher}
  - {code: RATE, name_vi: Tỷ suất, name_en: Rate, unit_vi: /100.000, kind: rate_per_100000, direction: lower,
     numerator: DEATHS, denominator: POP}
"""


def _write(tmp_path, text):
    p = tmp_path / "indicators.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_good_catalogue(tmp_path):
    cat = load_catalog(_write(tmp_path, GOOD))
    assert cat.codes() == ["DEATHS", "POP", "RATE"]
    assert cat["RATE"].kind is Kind.RATE_100000 and cat["RATE"].aggregation is Aggregation.RATIO
    assert cat["RATE"].factor == 100_000
    assert len(cat.to_frame()) == 3


@pytest.mark.parametrize("text, words", [
    ("indicators:\n  - {code: A, name_vi: a, name_en: a, unit_vi: x, kind: cnt, direction: lower}\n",
     ["kind", "'cnt'", "count"]),
    ("indicators:\n  - {code: A, name_vi: a, name_en: a, unit_vi: x, kind: count}\n", ["direction"]),
    ("indicators:\n  - {code: A, name_vi: a, name_en: a, unit_vi: x, kind: count, direction: lower, colour: red}\n",
     ["unknown key", "colour"]),
    ("indicators:\n  - {code: A, name_vi: a, name_en: a, unit_vi: x, kind: count, direction: lower}\n"
     "  - {code: A, name_vi: b, name_en: b, unit_vi: x, kind: count, direction: lower}\n", ["twice", "row 2"]),
    ("indicators:\n  - {code: R, name_vi: a, name_en: a, unit_vi: x, kind: percent, direction: lower, "
     "numerator: NOPE}\n", ["numerator", "NOPE"]),
    ("indicators: [\n", ["not valid YAML"]),
    ("foo: 1\n", ["indicators"]),
])
def test_bad_catalogue_names_the_problem(tmp_path, text, words):
    with pytest.raises((InputError, ParameterError)) as err:
        load_catalog(_write(tmp_path, text))
    msg = str(err.value)
    assert "indicators.yaml" in msg
    for w in words:
        assert w in msg


def test_the_same_bytes_give_the_same_catalogue_and_an_edit_a_new_one(tmp_path):
    p = _write(tmp_path, GOOD)
    first = load_catalog(p)
    assert load_catalog(p) is first  # parsed once: a catalogue is read-only
    p.write_text(GOOD.replace("Deaths", "Child deaths"), encoding="utf-8")
    edited = load_catalog(p)
    assert edited is not first and edited["DEATHS"].name_en == "Child deaths"
    assert first["DEATHS"].name_en == "Deaths"
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD + "  - {code: A}\n", encoding="utf-8")
    for _ in range(2):  # a refused file is refused every time (nothing of it is kept)
        with pytest.raises(ParameterError, match="name_vi"):
            load_catalog(bad)
