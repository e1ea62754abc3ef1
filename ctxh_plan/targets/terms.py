"""Fixed vocabularies of target setting (methods, paths, allocation, scenario operations).

Values are the short English identifiers stored in frames and YAML; ``.label(lang)``
gives the Vietnamese (default) or English text for users.
"""
from __future__ import annotations

from ..vocab import _Labelled

__all__ = ["TargetMethod", "MilestonePath", "AllocationMethod", "ScenarioOperation", "Binding"]


class TargetMethod(_Labelled):
    """How a 2030 target was set (the ``target_method`` column)."""

    AUTO = "auto", "Tự động", "Automatic"
    TREND = "trend", "Theo xu hướng dự báo", "Forecast trend"
    REQUIRED = "required", "Mức cần đạt theo chỉ tiêu sàn", "Required to reach the floor"
    MAINTAIN = "maintain", "Duy trì", "Maintain"
    STRETCH = "stretch", "Phấn đấu (mức cao của dự báo)", "Stretch (good-side quantile)"


class Binding(_Labelled):
    """Which rule decided the final value (``binding`` column)."""

    METHOD = "method", "Theo phương pháp", "The method itself"
    FLOOR = "floor", "Chỉ tiêu sàn (quốc gia/tỉnh)", "National/provincial floor"
    NO_BACKSLIDING = "no_backsliding", "Không thấp hơn mức 2025", "No backsliding below 2025"
    LIMIT = "limit", "Giới hạn tự nhiên", "Natural limit"


class MilestonePath(_Labelled):
    GEOMETRIC = "geometric", "Tăng/giảm đều theo tỷ lệ", "Geometric (constant rate)"
    LINEAR = "linear", "Tăng/giảm đều theo mức", "Linear (constant step)"


class AllocationMethod(_Labelled):
    POPULATION = "population", "Theo tỷ trọng dân số", "By population share"
    GAP = "gap", "Theo khoảng cách đến mục tiêu", "By gap to target"
    EQUAL_EFFORT = "equal_effort", "Cùng mức nỗ lực (cùng tỷ lệ thay đổi)", "Equal effort (same relative change)"


class ScenarioOperation(_Labelled):
    ANNUAL_PCT = "annual_pct", "Thay đổi % mỗi năm", "Percent change per year"
    ANNUAL_POINTS = "annual_points", "Thay đổi điểm mỗi năm", "Points per year"
    SET = "set", "Đặt giá trị", "Set value"
    MULTIPLY = "multiply", "Nhân với hệ số", "Multiply"
