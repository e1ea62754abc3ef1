"""Vietnamese / English number parsing and formatting."""
from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ctxh_plan.data.numbers import detect_number_style, format_number, parse_number
from ctxh_plan.errors import InputError


@pytest.mark.parametrize("text, value", [
    ("49.980", 49980.0), ("17.316,469", 17316.469), ("1.234,5", 1234.5), ("1.234.567", 1234567.0),
    ("12,5", 12.5), ("0,5", 0.5), ("0.500", 0.5), ("49 980", 49980.0), ("28", 28.0), ("-3", -3.0),
    ("1,234.5", 1234.5), ("12.5", 12.5), ("1234,567", 1234.567), (" 7 ", 7.0),
])
def test_parse_auto(text, value):
    p = parse_number(text)
    assert p.value == pytest.approx(value) and not p.approximate and p.problem is None


def test_49980_is_never_49_98():
    for style in ("auto", "vi"):
        assert parse_number("49.980", style=style).value == 49980.0
    assert parse_number("49.980", style="en").value == pytest.approx(49.98)  # only when told the file is English


def test_percent_and_approximate():
    p = parse_number("12,5%")
    assert p.value == 12.5 and p.percent
    for text, v in [("trên 200.000", 200000), ("hơn 1.000", 1000), ("gần 2.000", 2000), ("khoảng 15", 15),
                    ("~3", 3), ("Trên 200.000", 200000), ("about 40", 40)]:
        p = parse_number(text)
        assert p.value == v and p.approximate, text


@pytest.mark.parametrize("text", ["-", "", "—", "x", "X", "..", None, float("nan")])
def test_missing(text):
    p = parse_number(text)
    assert p.value is None and p.missing


@pytest.mark.parametrize("text", ["abc", "1.2.3", "12,34,5", "1,2.3,4", "12 trẻ", "2020-01-01", ".", "%"])
def test_unparseable_raises_with_exact_value(text):
    with pytest.raises(InputError) as exc:
        parse_number(text)
    assert exc.value.where.value == text
    p = parse_number(text, errors="return")
    assert p.value is None and p.problem and not p.missing


def test_ambiguity_rule():
    assert parse_number("1,234").value == pytest.approx(1.234) and parse_number("1,234").ambiguous
    assert parse_number("1,234", style="en").value == 1234 and not parse_number("1,234", style="en").ambiguous
    assert parse_number("1.234", style="vi").value == 1234
    assert parse_number("1.234", style="en").value == pytest.approx(1.234)
    assert not parse_number("1.234,5").ambiguous


def test_detect_style():
    assert detect_number_style(["49.980", "12,5", 3]) == "vi"
    assert detect_number_style(["49,980", "12.5"]) == "en"
    assert detect_number_style(["49.980", "1.000"]) is None  # only ambiguous cells
    assert detect_number_style(["1.234,5", "1,234.5"]) is None  # mixed


def test_format():
    assert format_number(49980) == "49.980"
    assert format_number(17316.469, 3) == "17.316,469"
    assert format_number(12.5, 1, "en", percent=True) == "12.5%"
    assert format_number(None) == "-" and format_number(float("nan"), missing="") == ""
    assert format_number(-0.0001, 2) == "0,00"
    with pytest.raises(ValueError, match="style must be 'vi' or 'en', not 'fr'"):
        format_number(1, style="fr")


finite = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False)


@settings(max_examples=150, deadline=None)
@given(x=finite, decimals=st.integers(min_value=0, max_value=4), style=st.sampled_from(["vi", "en"]))
def test_round_trip(x, decimals, style):
    text = format_number(x, decimals, style)
    back = parse_number(text, style=style).value
    # the printed number is x rounded to ``decimals``: within half a unit of the last digit
    assert abs(back - x) <= 0.5 * 10 ** -decimals * (1 + 1e-9) + 1e-12 * abs(x)


@settings(max_examples=100, deadline=None)
@given(n=st.integers(min_value=1000, max_value=10**12))
def test_vi_integers_never_shrink(n):
    """A whole number written the Vietnamese way is read back whole in auto and vi modes."""
    text = format_number(n, 0, "vi")
    assert parse_number(text).value == n
    assert parse_number(text, style="vi").value == n
    assert not math.isclose(parse_number(text).value, n / 1000)


@given(st.from_regex(r"[0-9]{1,18}", fullmatch=True), st.sampled_from(["auto", "vi", "en"]))
@settings(max_examples=200, deadline=None)
def test_plain_digits_read_as_through_the_full_rules(digits, style):
    """The shortcut for cells of plain digits gives what the full rules give to the same text with a space
    around it (which takes the general path): the number, the text as written, no flags."""
    fast, general = parse_number(digits, style=style), parse_number(f" {digits} ", style=style)
    assert fast.value == general.value == float(digits)
    assert (fast.approximate, fast.percent, fast.ambiguous, fast.problem) == (False, False, False, None)
    assert fast.text == digits and general.text == f" {digits} "


@pytest.mark.parametrize("text", ["١٢", "²", "１２"])
def test_digits_of_other_scripts_are_not_numbers(text):
    assert parse_number(text, errors="return").problem
