"""Person-level data is refused; aggregate tables pass."""
from __future__ import annotations

import pytest

from ctxh_plan.data.privacy import check_person_level, person_level_reason
from ctxh_plan.errors import PersonLevelDataError
from ctxh_plan.io.readers import read_observations

AGG = ["unit_code", "indicator_code", "year", "value", "note"]


@pytest.mark.parametrize("column", ["Họ tên", "Họ và tên", "HỌ VÀ TÊN", "name", "Tên trẻ", "Ngày sinh", "DOB",
                                    "Date of birth", "CCCD", "Số CMND", "Số định danh cá nhân", "Mô tả",
                                    "Diễn biến vụ việc", "Địa chỉ"])
def test_person_columns_refused(column):
    with pytest.raises(PersonLevelDataError) as exc:
        check_person_level(AGG + [column], [], file="f.csv")
    assert "aggregates only" in str(exc.value) and exc.value.where.column == column


@pytest.mark.parametrize("column", ["Tên chỉ tiêu", "Tên đơn vị", "unit_name", "Ghi chú", "Nguồn", "Đơn vị tính",
                                    "indicator_name", "Năm"])
def test_aggregate_columns_pass(column):
    assert person_level_reason(AGG + [column], [["22", "X", "2020", "1", "", "Số trẻ em"]]) is None


def test_id_like_values_in_text_column():
    rows = [["22", "X", "2020", "1", "", "022301004567"], ["22", "X", "2021", "2", "", "123456789"]]
    found = person_level_reason(AGG + ["ref"], rows)
    assert found is not None and found[0] == 5 and found[2] == 0
    # big figures in the value column are not IDs
    assert person_level_reason(AGG, [["22", "BUDGET", "2020", "150000000", ""]]) is None


def test_long_free_text_refused():
    long = "Cháu bị ngã từ tầng hai xuống sân khi chơi một mình, được đưa đi cấp cứu " * 3
    assert person_level_reason(AGG + ["chi tiết"], [["22", "X", "2020", "1", "", long]]) is not None


def test_reader_refuses_excel_with_name_column(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "193"
    ws.append(["Mã chỉ tiêu", "Họ và tên", 2023])
    ws.append(["X", "Nguyễn Văn A", 1])
    wb.save(tmp_path / "o.xlsx")
    with pytest.raises(PersonLevelDataError) as exc:
        read_observations(tmp_path / "o.xlsx")
    assert exc.value.where.sheet == "193" and exc.value.where.row == 1
