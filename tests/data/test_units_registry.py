"""Unit registry with time validity: former districts/communes and the units of 1 July 2025."""
from __future__ import annotations

import unicodedata

import pytest

from ctxh_plan.data.units import REFORM_DATE, Relation, load_conversion, load_units, normalize_text, unit_type_from_name
from ctxh_plan.errors import InputError, ParameterError

HEADER = "new_province,new_unit_name,new_unit_code,old_unit_name,old_unit_code,note,old_district,old_province\n"


def test_default_registry_is_province_and_former_districts():
    reg = load_units("22")
    assert len(reg) == 14 and reg.province_code == "22"
    assert reg.codes("district")[:2] == ["193", "194"] and len(reg.codes("district")) == 13
    assert reg.name("193") == "Thành phố Hạ Long" and reg.level("193") == "district"
    assert reg.parent("193") == "22" and reg.parent("22") is None
    assert "193" in reg and "06655" not in reg
    assert sorted(reg.children("22")) == sorted(reg.codes("district"))
    assert list(reg.frame.columns) == ["unit_code", "name", "level", "parent_code", "unit_type", "valid_from",
                                       "valid_to"]


def test_new_units_of_quang_ninh():
    reg = load_units("22", as_of="2025-07-01")
    codes = reg.codes(level="commune")
    assert len(codes) == 54 and len(set(codes)) == 54
    assert all(len(c) == 5 and c.isdigit() for c in codes)
    types = reg.frame.loc[reg.frame["level"] == "commune", "unit_type"].value_counts().to_dict()
    assert types == {"phường": 30, "xã": 22, "đặc khu": 2}
    assert reg.codes("district") == []
    assert reg.name("06994") == "Đặc khu Vân Đồn" and reg.parent("06994") == "22"
    assert set(reg.children("22")) == set(codes)
    assert (reg.frame.loc[reg.frame["level"] == "commune", "valid_from"] == REFORM_DATE).all()
    assert all(unicodedata.is_normalized("NFC", n) for n in reg.frame["name"])


def test_former_communes_and_shared_codes_need_a_date():
    reg = load_units("22", include_communes=True)
    old = reg.codes("commune", as_of="2025-06-30")
    assert len(old) == 171
    for d in load_units("22").codes("district"):
        assert reg.children(d, as_of="2025-06-30"), d
    assert len(reg.children("196", as_of="2025-06-30")) == 10
    # 06820: former Phường Trưng Vương and new Phường Vàng Danh
    assert reg.name("06820", as_of="2025-06-30") == "Phường Trưng Vương"
    assert reg.name("06820", as_of="2025-07-01") == "Phường Vàng Danh"
    assert reg.parent("06820", as_of="2025-06-30") == "196"
    assert reg.parent("06820", as_of="2025-07-01") == "22"
    with pytest.raises(InputError, match="as_of"):
        reg.name("06820")
    with pytest.raises(InputError, match="not valid on"):
        reg.name("193", as_of="2025-07-01")
    dated = reg.at("2025-01-01")
    assert dated.name("06820") == "Phường Trưng Vương" and len(dated.codes("commune")) == 171


def test_dates_are_checked():
    with pytest.raises(ParameterError, match="YYYY-MM-DD"):
        load_units("22", as_of="1/7/2025")


def test_yen_bai_becomes_lao_cai():
    old = load_units("15", as_of="2025-06-30", include_communes=True)
    new = load_units("15", as_of="2025-07-01")
    assert old.name("15") == "Tỉnh Yên Bái" and new.name("15") == "Tỉnh Lào Cai"
    assert len(old.codes("district")) == 9 and len(old.codes("commune")) == 168
    assert len(new.codes("commune")) == 51  # the part of Lào Cai formed from Yên Bái


def test_conversion_relations():
    conv = load_conversion("22")
    assert len(conv) == 184 and conv["old_code"].nunique() == 171 and conv["new_code"].nunique() == 54
    rel = conv.set_index(["old_code", "new_code"])["relation"]
    assert rel[("06655", "06661")] == Relation.PART.value
    assert rel[("07180", "07180")] == Relation.AREA_ALL_POPULATION.value
    assert rel[("07180", "07168")] == Relation.AREA_ONLY.value
    assert rel[("06967", "06967")] == Relation.UNCHANGED.value
    assert conv["old_code"].str.len().eq(5).all()


@pytest.mark.parametrize("name, typ", [("Phường Hà Khẩu", "phường"), ("Xã Cái Chiên", "xã"),
                                       ("Đặc khu Cô Tô", "đặc khu"), ("Thị trấn Ba Chẽ", "thị trấn"),
                                       ("Thị Xã Quảng Yên", "thị xã"), ("Khu X", "")])
def test_unit_type_from_name(name, typ):
    assert unit_type_from_name(name) == typ


def _table(tmp_path, rows: str, name="conv.csv"):
    p = tmp_path / name
    p.write_text(HEADER + rows, encoding="utf-8")
    return p


def test_another_province_table(tmp_path):
    nfd = unicodedata.normalize("NFD", "Xã Hòa Bình")
    p = _table(tmp_path, (
        f"Tỉnh Thử (99),{nfd},00010,Xã A,00001,Nhập toàn bộ,Huyện Một (901),Tỉnh Thử (99)\n"
        "Tỉnh Thử (99),Xã Hòa Bình,00010,Xã B,00002,Nhập một phần,Huyện Một (901),Tỉnh Thử (99)\n"
        "Tỉnh Thử (99),Phường Mới,00020,Xã B,00002,Nhập một phần,Huyện Một (901),Tỉnh Thử (99)\n"
        "Tỉnh Thử (99),Phường Mới,00020,Thị trấn C,00003,Nhập toàn bộ,Thị xã Hai (902),Tỉnh Thử (99)\n"))
    reg = load_units("99", conversion=p, include_communes=True)
    assert reg.codes("district") == ["901", "902"] and reg.unit_type("902") == "thị xã"
    assert reg.name("00010") == normalize_text("Xã Hòa Bình") == "Xã Hòa Bình"
    assert reg.unit_type("00020") == "phường" and reg.children("902") == ["00003"]
    assert load_units("99", conversion=p, as_of="2025-07-01").codes("commune") == ["00010", "00020"]


@pytest.mark.parametrize("rows, words", [
    ("Tỉnh T (99),Xã M,00010,Xã A,0001,Nhập toàn bộ,Huyện H (901),Tỉnh T (99)\n", ["5 digits", "row 2"]),
    ("Tỉnh T (99),Xã M,00010,Xã A,00001,Sáp nhập,Huyện H (901),Tỉnh T (99)\n", ["unknown conversion note", "row 2"]),
    ("Tỉnh T (99),Xã M,00010,Xã A,00001,Nhập toàn bộ,Huyện H,Tỉnh T (99)\n", ["code in brackets", "old_district"]),
    ("Tỉnh T (99),Xã M,00010,Xã A,00001,Nhập toàn bộ,Huyện H (901),Tỉnh T (99)\n"
     "Tỉnh T (99),Xã N,00020,Xã A,00001,Nhập toàn bộ,Huyện H (901),Tỉnh T (99)\n", ["merged whole", "row 2"]),
    ("Tỉnh T (99),Xã M,00010,Xã A,00001,Nhập một phần,Huyện H (901),Tỉnh T (99)\n"
     "Tỉnh T (99),Xã M,00010,Xã A,00001,Nhập một phần,Huyện H (901),Tỉnh T (99)\n", ["listed twice", "row 3"]),
])
def test_malformed_conversion_table(tmp_path, rows, words):
    p = _table(tmp_path, rows, name=f"bad{abs(hash(rows))}.csv")
    with pytest.raises(InputError) as exc:
        load_conversion(conversion=p)
    msg = str(exc.value)
    assert str(p) in msg
    for w in words:
        assert w in msg


def test_missing_column(tmp_path):
    p = tmp_path / "c.csv"
    p.write_text("new_unit_code,old_unit_code\n00001,00001\n", encoding="utf-8")
    with pytest.raises(InputError, match="lacks column"):
        load_conversion(conversion=p)


def test_unknown_province():
    with pytest.raises(InputError, match="no units"):
        load_units("77")
