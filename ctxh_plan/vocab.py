"""Fixed vocabularies of the toolkit, as enums with Vietnamese and English labels.

Every enum value is a short English identifier (what files and frames store);
:func:`label` gives the user-facing text in the chosen language.
"""
from __future__ import annotations

from enum import Enum

__all__ = [
    "Aggregation",
    "AllocationMethod",
    "Attainment",
    "Binding",
    "Certainty",
    "Direction",
    "Flag",
    "Kind",
    "Lang",
    "Level",
    "MilestonePath",
    "Operator",
    "ProgressCategory",
    "ScenarioOperation",
    "TargetKind",
    "TargetMethod",
    "TrackingStatus",
    "Trend",
    "UnsdCategory",
    "label",
]


class _Labelled(str, Enum):
    """A str-valued enum whose members carry (vi, en) labels."""

    #: the member's Vietnamese and English labels (set by ``__new__``; annotations only, not members)
    vi: str
    en: str

    def __new__(cls, value: str, vi: str = "", en: str = ""):
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.vi = vi or value
        obj.en = en or value
        return obj

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.value

    def label(self, lang: str = "vi") -> str:
        """User-facing label in ``lang`` ("vi" or "en")."""
        return self.vi if lang == "vi" else self.en


class Lang(_Labelled):
    VI = "vi", "Tiếng Việt", "Vietnamese"
    EN = "en", "Tiếng Anh", "English"


class Kind(_Labelled):
    """What an indicator measures; decides bounds, aggregation and forecasting transform."""

    COUNT = "count", "Số lượng", "Count"
    PERCENT = "percent", "Tỷ lệ (%)", "Percent"
    RATE_1000 = "rate_per_1000", "Tỷ suất (‰)", "Rate per 1,000"
    RATE_100000 = "rate_per_100000", "Tỷ suất (/100.000)", "Rate per 100,000"
    SHARE_OF_UNITS = "share_of_units", "Tỷ lệ đơn vị (%)", "Share of units (%)"
    YES_NO = "yes_no", "Có/Không", "Yes/No"
    MONEY = "money", "Kinh phí", "Money"

    @property
    def factor(self) -> float:
        """Multiplier from numerator/denominator to the value's unit."""
        return {
            Kind.PERCENT: 100.0,
            Kind.SHARE_OF_UNITS: 100.0,
            Kind.RATE_1000: 1_000.0,
            Kind.RATE_100000: 100_000.0,
        }.get(self, 1.0)

    @property
    def is_ratio(self) -> bool:
        return self in (Kind.PERCENT, Kind.SHARE_OF_UNITS, Kind.RATE_1000, Kind.RATE_100000)

    @property
    def is_bounded_100(self) -> bool:
        return self in (Kind.PERCENT, Kind.SHARE_OF_UNITS)


class Direction(_Labelled):
    HIGHER = "higher", "Càng cao càng tốt", "Higher is better"
    LOWER = "lower", "Càng thấp càng tốt", "Lower is better"

    @property
    def sign(self) -> int:
        """d in the method formulas: +1 if higher is better, -1 if lower is better."""
        return 1 if self is Direction.HIGHER else -1


class Operator(_Labelled):
    GE = ">=", "≥", "at least"
    LE = "<=", "≤", "at most"
    GT = ">", ">", "above"
    LT = "<", "<", "below"
    EQ = "=", "=", "equal to"

    def holds(self, value: float, target: float, tol: float = 1e-9) -> bool:
        """Whether ``value`` satisfies ``value <op> target`` (with a small tolerance for =, >=, <=)."""
        if self is Operator.GE:
            return value >= target - tol
        if self is Operator.LE:
            return value <= target + tol
        if self is Operator.GT:
            return value > target
        if self is Operator.LT:
            return value < target
        return abs(value - target) <= max(tol, 1e-9 * abs(target))


class Aggregation(_Labelled):
    """How a unit's values roll up to its parent."""

    SUM = "sum", "Cộng", "Sum"
    RATIO = "ratio", "Tỷ số của tổng tử số và tổng mẫu số", "Ratio of sums"
    SHARE_OF_UNITS = "share_of_units", "Tỷ lệ đơn vị đạt", "Share of units"
    ALL = "all", "Tất cả đơn vị đạt", "All units meet"
    NONE = "none", "Không cộng dồn", "Not aggregated"


class TargetKind(_Labelled):
    ABSOLUTE = "absolute", "Giá trị tuyệt đối", "Absolute value"
    RELATIVE = "relative", "Thay đổi so với năm gốc", "Change vs base year"
    ANNUAL_CHANGE = "annual_change", "Thay đổi hằng năm", "Change per year"


class Attainment(_Labelled):
    """The official verdict ("Đánh giá") of a target, as a signed report writes it.

    Decided by the target's operator on the reported (or estimated) value at the indicator's
    displayed precision: MET (Đạt), EXCEEDED (Vượt: strictly better than the target), NOT_MET
    (Chưa đạt); INSUFFICIENT when the value or the target is missing; NOT_APPLICABLE when a
    province's relative target is not carried by a unit (see docs/EVALUATION.md). UNCERTAIN is
    never the official verdict: the statistical judgement is :class:`Certainty` (it remains for
    the pooled, purely statistical check ``attainment_pooled``).
    """

    MET = "met", "Đạt", "Met"
    EXCEEDED = "exceeded", "Vượt", "Exceeded"
    NOT_MET = "not_met", "Chưa đạt", "Not met"
    UNCERTAIN = "uncertain", "Chưa đủ chắc chắn", "Not conclusive"
    INSUFFICIENT = "insufficient_data", "Không đủ số liệu", "Insufficient data"
    NOT_APPLICABLE = "not_applicable", "Không giao chỉ tiêu", "No target for this unit"


class Certainty(_Labelled):
    """The statistical judgement beside the verdict (its own column, never a replacement for it).

    For small-number events (deaths, cases, rates per 1,000/100,000) the exact Poisson interval of
    the latest value either lies on one side of the target (SURE: the verdict would be the same
    for any value in the interval) or straddles it (UNSURE: "chưa đủ chắc chắn" — one or two events
    more or fewer would change it). NOT_TESTED: not a small-number indicator, or no verdict.
    """

    SURE = "sure", "Đủ chắc chắn", "Conclusive"
    UNSURE = "unsure", "Chưa đủ chắc chắn", "Not conclusive"
    NOT_TESTED = "not_tested", "–", "–"


class ProgressCategory(_Labelled):
    """Open SDG / Statistics Canada progress categories."""

    ACHIEVED = "achieved", "Đã đạt chỉ tiêu", "Target achieved"
    ON_TRACK = "on_track", "Đúng tiến độ", "On track"
    ACCELERATION = "acceleration_needed", "Cần đẩy nhanh", "Acceleration needed"
    LIMITED = "limited_progress", "Tiến bộ hạn chế", "Limited progress"
    DETERIORATION = "deterioration", "Thụt lùi", "Deterioration"
    INSUFFICIENT = "insufficient_data", "Không đủ số liệu", "Insufficient data"


class UnsdCategory(_Labelled):
    """UN Statistics Division progress chart (2023) categories."""

    ON_TRACK = "on_track", "Đúng tiến độ", "On track or target met"
    ACCELERATION = "acceleration_needed", "Cần đẩy nhanh", "Acceleration needed"
    STAGNATION = "stagnation_or_regression", "Đình trệ hoặc thụt lùi", "Stagnation or regression"
    INSUFFICIENT = "insufficient_data", "Không đủ số liệu", "Insufficient data"


class TrackingStatus(_Labelled):
    """Where a unit stands against the year's milestone or the 2030 target (plan tracking 2026–2030).

    Decided by the probability that the year's value meets the milestone (thresholds in
    ``params/tracking.yaml``); for a reported full year the probability is 1 or 0 (Đạt / Chưa đạt).
    """

    ON_TRACK = "on_track", "Đúng lộ trình", "On track"
    AT_RISK = "at_risk", "Có nguy cơ không đạt", "At risk"
    OFF_TRACK = "off_track", "Chậm so với lộ trình", "Off track"
    NO_TARGET = "no_target", "Không có chỉ tiêu", "No target"
    NO_DATA = "no_data", "Chưa có số liệu", "No data"


class Trend(_Labelled):
    """Direction of an indicator against the average of the three previous full years (direction-aware)."""

    IMPROVING = "improving", "Chuyển biến tốt", "Improving"
    STABLE = "stable", "Ổn định", "Stable"
    WORSENING = "worsening", "Chuyển biến xấu", "Worsening"
    INSUFFICIENT = "insufficient_data", "Chưa đủ số liệu", "Insufficient data"


class Flag(_Labelled):
    APPROXIMATE = "approximate", "Số gần đúng", "Approximate"
    ESTIMATE = "estimate", "Ước thực hiện", "Estimate"
    REBASED = "rebased", "Quy đổi theo đơn vị mới", "Re-based"
    SUPPRESSED = "suppressed", "Ẩn (số nhỏ)", "Suppressed (small cell)"
    ILLUSTRATIVE = "illustrative", "Dữ liệu minh họa", "Illustrative data"


class Level(_Labelled):
    PROVINCE = "province", "Tỉnh", "Province"
    DISTRICT = "district", "Huyện (cũ)", "Former district"
    COMMUNE = "commune", "Xã", "Commune"


class TargetMethod(_Labelled):
    """How a 2030 target was set (the ``target_method`` column; shown as "Cơ sở xác định chỉ tiêu")."""

    AUTO = "auto", "Tự động", "Automatic"
    TREND = "trend", "Theo xu hướng dự báo", "Forecast trend"
    REQUIRED = "required", "Theo chỉ tiêu quốc gia hoặc của tỉnh", "Required by the national or provincial target"
    MAINTAIN = "maintain", "Duy trì mức đã đạt", "Maintain the level reached"
    STRETCH = "stretch", "Mức phấn đấu theo dự báo", "Stretch (good-side quantile of the forecast)"
    REDUCE = "reduce", "Giảm tối thiểu hằng năm so với năm 2025", "Minimum yearly reduction from 2025"
    NORM = "norm", "Theo định mức của hướng dẫn, quy định", "Norm set by guidance or regulation"

    @classmethod
    def choosable(cls) -> tuple[TargetMethod, ...]:
        """The methods a user may ask for (settings, notebook parameters); REDUCE and NORM only say how a
        target was decided."""
        return (cls.AUTO, cls.TREND, cls.STRETCH, cls.REQUIRED, cls.MAINTAIN)


class Binding(_Labelled):
    """Which rule decided the final value (``binding`` column); :meth:`label_for` words it by direction."""

    METHOD = "method", "Theo phương pháp", "The method itself"
    FLOOR = "floor", "Chỉ tiêu quốc gia hoặc của tỉnh", "National or provincial target"
    NO_BACKSLIDING = "no_backsliding", "Không kém mức năm 2025", "No backsliding from 2025"
    LIMIT = "limit", "Giới hạn tự nhiên", "Natural limit"
    MIN_REDUCTION = "min_reduction", "Giảm tối thiểu hằng năm", "Minimum yearly reduction"

    def label_for(self, direction: str | Direction, lang: str = "vi") -> str:
        """Label worded by the indicator's direction: "no backsliding" is "Không thấp hơn mức năm 2025"
        when higher is better and "Không cao hơn mức năm 2025" when lower is better."""
        if self is Binding.NO_BACKSLIDING:
            lower = Direction(direction) is Direction.LOWER
            if lang == "vi":
                return "Không cao hơn mức năm 2025" if lower else "Không thấp hơn mức năm 2025"
            return "Not above the 2025 level" if lower else "Not below the 2025 level"
        return self.label(lang)


class MilestonePath(_Labelled):
    GEOMETRIC = "geometric", "Tăng/giảm đều theo tỷ lệ", "Geometric (constant rate)"
    LINEAR = "linear", "Tăng/giảm đều theo mức", "Linear (constant step)"


class AllocationMethod(_Labelled):
    POPULATION = "population", "Theo tỷ trọng dân số", "By population share"
    GAP = "gap", "Theo khoảng cách đến chỉ tiêu", "By gap to target"
    EQUAL_EFFORT = "equal_effort", "Cùng mức nỗ lực (cùng tỷ lệ thay đổi)", "Equal effort (same relative change)"


class ScenarioOperation(_Labelled):
    ANNUAL_PCT = "annual_pct", "Thay đổi % mỗi năm", "Percent change per year"
    ANNUAL_POINTS = "annual_points", "Thay đổi điểm mỗi năm", "Points per year"
    SET = "set", "Đặt giá trị", "Set value"
    MULTIPLY = "multiply", "Nhân với hệ số", "Multiply"


def label(member: _Labelled | str, lang: str = "vi") -> str:
    """Label of an enum member (or its raw value) in ``lang``; unknown strings pass through."""
    if isinstance(member, _Labelled):
        return member.label(lang)
    for enum in (Attainment, Certainty, ProgressCategory, UnsdCategory, Kind, Direction, Flag, Level, TargetKind,
                 TrackingStatus, Trend):
        try:
            return enum(member).label(lang)
        except ValueError:
            continue
    return str(member)
