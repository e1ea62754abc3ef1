"""The "Theo dõi thực hiện" sections of the unit report and the province summary (plan tracking).

The tracking of a period is computed once per kernel for the :class:`~ctxh_plan.reports.plan.Plan` (its
dataset is the re-based history; its projection's forecasts give the probabilities), then each unit's
report shows its rows: a table of its planned indicators (period, same period last year, change, year-end
estimate, milestone and status, 2030 target) and charts of actual against the milestone path; the province
summary shows the submission table and the unit × indicator status grid. Sensitive small counts follow the
report's ``suppress_threshold`` (rates by the count behind them); every block says "Dữ liệu minh họa" when
the data are illustrative.
"""
from __future__ import annotations

import html
import math
from typing import Any

from ctxh_plan.data.frames import frame_records
from ctxh_plan.reports.html import figure_html, notes_html, pick_lang, show_block, styled_table
from ctxh_plan.reports.messages import collect_messages
from ctxh_plan.tracking.names import post_reform

__all__ = ["plan_tracking", "province_tracking_figures", "show_province_tracking", "show_unit_tracking",
           "tracking_line", "unit_tracking_table"]

_STATUS_COLORS = {"on_track": "#c7e9c0", "at_risk": "#fee08b", "off_track": "#fcae91", "no_data": "#f0f0f0"}
_SYMBOL = {"on_track": "✓", "at_risk": "!", "off_track": "✗", "no_data": "–"}


def plan_tracking(plan: Any, tracking_dir: str, period: str) -> Any:
    """The :class:`~ctxh_plan.tracking.run.TrackingRun` of ``period`` for this plan's dataset (cached on the plan).

    The plan's dataset is the history (already re-based by the batch) and its baseline projection gives the
    forecasts, so nothing is loaded or forecast twice in a kernel.
    """
    def make() -> Any:
        from ctxh_plan.tracking.run import open_tracking, run_tracking

        ctx = open_tracking(tracking_dir, history=plan.dataset, forecasts=plan.projection("").forecasts)
        return run_tracking(ctx, period)

    return plan._once(("tracking", (tracking_dir, period)), make, settle=True)


def _hidden(ind: Any, value: float, count: float, threshold: int) -> bool:
    if not threshold or ind is None or not ind.sensitive:
        return False
    x = count if ind.kind.is_ratio else value
    return x is not None and not (isinstance(x, float) and math.isnan(x)) and 0 < x < threshold


def _fmt(v: Any, ind: Any, lang: str) -> str:
    from ctxh_plan.data.numbers import format_number

    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    if ind is not None and ind.kind.value == "yes_no":
        return pick_lang(lang, "Có", "Yes") if v >= 0.5 else pick_lang(lang, "Không", "No")
    dec = 0 if ind is None or ind.kind.value == "count" else min(int(ind.decimals), 4)
    if ind is not None and ind.kind.value == "count" and abs(v - round(v)) > 1e-9:
        dec = 1
    return format_number(float(v), dec, "vi" if lang == "vi" else "en")


def _status(status: str, p: float, full_year: bool, lang: str) -> str:
    from ctxh_plan.vocab import TrackingStatus

    if full_year and status in ("on_track", "off_track"):
        return pick_lang(lang, "Đạt", "Met") if status == "on_track" else pick_lang(lang, "Chưa đạt", "Not met")
    label = TrackingStatus(status).label(lang) if status in {s.value for s in TrackingStatus} else str(status)
    if p is None or (isinstance(p, float) and math.isnan(p)) or status in ("no_data", "no_target"):
        return label
    return f"{label} ({round(100 * p)}%)"


def unit_tracking_table(run: Any, unit: str, catalog: Any, lang: str = "vi", threshold: int = 0) -> Any:
    """The unit's planned indicators as displayed (labelled values, status, 2030 target, cause)."""
    import pandas as pd

    from ctxh_plan.vocab import Operator

    tr = run.tracking
    t = tr.unit(unit)
    t = t[t["milestone"].notna() | t["target_2030"].notna()]
    full = not tr.period.is_partial
    rows = []
    for r in frame_records(t):
        ind = catalog.get(r["indicator_code"])
        hide = _hidden(ind, r["value"], r["numerator"], threshold) or _hidden(
            ind, r["same_period_last_year"], math.nan, threshold)
        mark = f"<{threshold}"
        op = r["operator"]
        mop = (">=" if ind.direction.value == "higher" else "<=") if op == "=" and ind is not None else op
        yes_no = ind is not None and ind.kind.value == "yes_no"
        sym = Operator(mop).vi + " " if mop in {o.value for o in Operator} and not yes_no else ""
        sym30 = Operator(op).vi + " " if op in {o.value for o in Operator} and not yes_no else ""
        ch = r["change_vs_same_period"]
        rows.append({
            pick_lang(lang, "Chỉ tiêu", "Indicator"): (post_reform(ind.name(lang)) if lang == "vi" else ind.name(lang))
            if ind else r["indicator_code"],
            pick_lang(lang, "ĐVT", "Unit"): ind.unit(lang) if ind else "",
            pick_lang(lang, f"Thực hiện {tr.period}", f"Value {tr.period}"):
                mark if hide else _fmt(r["value"], ind, lang),
            pick_lang(lang, "Cùng kỳ", "Same period"): mark if hide else _fmt(r["same_period_last_year"], ind, lang),
            pick_lang(lang, "Tăng/giảm", "Change"): "" if hide or yes_no else (
                ("+" if ch > 0 else "−" if ch < 0 else "") + _fmt(abs(ch), ind, lang) if not math.isnan(ch) else "–"),
            pick_lang(lang, "Ước cả năm", "Year-end"): mark if hide else _fmt(r["year_end_estimate"], ind, lang),
            pick_lang(lang, f"Mốc {tr.period.year}", f"Milestone {tr.period.year}"):
                "–" if math.isnan(r["milestone"]) else sym + _fmt(r["milestone"], ind, lang),
            pick_lang(lang, "Đánh giá", "Status"): _status(r["status_vs_milestone"], r["p_milestone"], full, lang),
            pick_lang(lang, "Chỉ tiêu 2030", "2030 target"):
                "–" if math.isnan(r["target_2030"]) else sym30 + _fmt(r["target_2030"], ind, lang),
            pick_lang(lang, "Khả năng đạt 2030", "2030 outlook"): _status(r["status_vs_target"], r["p_target_2030"],
                                                                          False, lang),
            pick_lang(lang, "Nguyên nhân, giải pháp", "Causes, solutions"): "; ".join(
                x for x in (r.get("cause") or "", r.get("solution") or "") if x),
        })
    return pd.DataFrame(rows)


def _chart_codes(run: Any, unit: str, catalog: Any, keys: tuple[str, ...], threshold: int, limit: int = 4) -> list[str]:
    t = run.tracking.unit(unit)
    planned = t[t["milestone"].notna() & t["value"].notna()]
    codes = [c for c in keys if c in set(planned["indicator_code"])]
    behind = planned[planned["status_vs_milestone"].isin(["off_track", "at_risk"])]["indicator_code"].tolist()
    for c in behind + planned["indicator_code"].tolist():
        if c not in codes:
            codes.append(c)
    if threshold:
        codes = [c for c in codes if not (c in catalog and catalog[c].sensitive)]
    return codes[:limit]


def show_unit_tracking(rep: Any, tracking_dir: str, period: str) -> None:
    """Section "5. Theo dõi thực hiện <year>" of a unit report (nothing when ``tracking_dir`` is "")."""
    if not tracking_dir:
        return
    from ctxh_plan.present.tracking_chart import plot_tracking, tracking_key

    with collect_messages(rep.notes, f"unit {rep.unit_code}"):
        run = plan_tracking(rep.plan, tracking_dir, period)
    tr = run.tracking
    cat = rep.ds.catalog
    title = pick_lang(rep.lang, f"5. Theo dõi thực hiện {tr.period.year} (kỳ {tr.period})",
                      f"5. Tracking {tr.period.year} (period {tr.period})")
    sub = tr.submissions.table
    me = sub[sub["unit_code"] == rep.unit_code]
    if len(me) and bool(me["received"].iloc[0]):
        sent = me["submitted_on"].iloc[0]
        on_time = me["on_time"].iloc[0]
        line = pick_lang(rep.lang, f"Đơn vị đã gửi báo cáo ngày {sent:%d/%m/%Y}" if sent else "Đơn vị đã gửi báo cáo",
                         f"Report sent on {sent:%d/%m/%Y}" if sent else "Report received")
        ok = str(on_time) != "<NA>" and bool(on_time)
        line += pick_lang(rep.lang, " (đúng hạn)." if ok else " (sau hạn).", " (on time)." if ok else " (late).")
    else:
        line = pick_lang(rep.lang, "Chưa nhận được báo cáo của đơn vị cho kỳ này.",
                         "No report received from the unit for this period.")
    table = unit_tracking_table(run, rep.unit_code, cat, rep.lang, rep.suppress_threshold)
    body = f"<p>{html.escape(line)}</p>"
    if len(table):
        body += styled_table(table, f"tr{rep.unit_code}", "", rep.lang)
    else:
        body += pick_lang(rep.lang, "<p>Đơn vị không có chỉ tiêu trong kế hoạch đã ban hành.</p>",
                          "<p>No indicator of the adopted plan for this unit.</p>")
    others = tr.unit(rep.unit_code)
    others = others[others["milestone"].isna() & others["target_2030"].isna() & others["value"].notna()]
    if len(others):
        c = others["trend"].value_counts()
        from ctxh_plan.vocab import Trend

        parts = ", ".join(f"{Trend(k).label(rep.lang).lower()}: {int(v)}" for k, v in c.items())
        body += "<p>" + html.escape(pick_lang(rep.lang, f"{len(others)} chỉ tiêu khác (không có mốc lộ trình), xu "
                                                        f"hướng so với trung bình 3 năm trước — {parts}.",
                                              f"{len(others)} other indicators (no milestone), trend against the "
                                              f"previous three years — {parts}.")) + "</p>"
    body += notes_html([pick_lang(rep.lang,
                                  "Đánh giá: xác suất năm nay đạt mốc lộ trình theo mô hình dự báo (≥ 80%: đúng lộ "
                                  "trình; < 20%: chậm; ở giữa: có nguy cơ). Ước cả năm theo tỷ lệ 6 tháng/cả năm "
                                  "của đơn vị, nếu không có thì của toàn tỉnh.",
                                  "Status: probability that the year meets its milestone, from the forecast model "
                                  "(≥ 80% on track, < 20% off track, else at risk).")], rep.lang)
    hist_obs = rep.ds.observations
    plan_rows = run.context.plan.for_unit(rep.unit_code).set_index("indicator_code")
    mine = tr.unit(rep.unit_code)
    mine = dict(tuple(mine.groupby("indicator_code", sort=False)))
    own = hist_obs[(hist_obs["unit_code"] == rep.unit_code) & (hist_obs["period"] == "FY")]
    own = dict(tuple(own.groupby("indicator_code", sort=False)))
    charts = []
    for code in _chart_codes(run, rep.unit_code, cat, rep.key_indicators, rep.suppress_threshold):
        row = mine[code].iloc[0].to_dict()
        h = own.get(code, hist_obs.iloc[:0])[["year", "value"]]
        ms = {}
        if code in plan_rows.index:
            pr = plan_rows.loc[code]
            ms = {y: pr[f"milestone_{y}"] for y in range(2026, 2031)}
        kwargs = {"indicator": cat[code], "lang": rep.lang, "illustrative": rep.illustrative}
        chart = rep.plan.charts.chart(tracking_key(h, row, ms, **kwargs), lambda h=h, row=row, ms=ms, kw=kwargs:
                                      plot_tracking(h, row, ms, **kw))
        charts.append(figure_html(chart, _tracking_alt(rep, cat[code], row)))
    show_block(title, body + "".join(charts), rep.illustrative, rep.lang)


def _tracking_alt(rep: Any, ind: Any, row: dict) -> str:
    """Alt text of a tracking chart, in the report's language: what it shows and the year-end estimate."""
    name = post_reform(ind.name(rep.lang)) if rep.lang == "vi" else ind.name(rep.lang)
    year = row.get("milestone_year")
    est = _fmt(row.get("year_end_estimate"), ind, rep.lang)
    ms = _fmt(row.get("milestone"), ind, rep.lang)
    unit = ind.unit(rep.lang)
    return pick_lang(rep.lang,
                     f"Biểu đồ theo dõi {name} của {rep.unit_name}: thực hiện các năm, lộ trình đã ban hành đến 2030, "
                     f"ước cả năm {year}: {est} {unit} (mốc {year}: {ms} {unit}).",
                     f"Tracking chart of {name} for {rep.unit_name}: observed years, adopted milestones to 2030, "
                     f"year-end estimate {year}: {est} {unit} (milestone {year}: {ms} {unit}).")


def tracking_line(run: Any, lang: str = "vi") -> str:
    """One deterministic line: reports received / on time and the status counts (checked by nbval)."""
    tr = run.tracking
    a = tr.submissions.summary()
    t = tr.table
    u = t[(t["unit_code"] != tr.province_code) & t["milestone"].notna()]["status_vs_milestone"].value_counts()
    mark = " [dữ liệu minh họa]" if tr.illustrative else ""
    return (pick_lang(lang, f"Kỳ {tr.period}: {a.get('n_received')}/{a.get('n_expected')} đơn vị đã báo cáo, "
                            f"{a.get('n_on_time')} đúng hạn; mốc lộ trình: ",
                      f"Period {tr.period}: {a.get('n_received')}/{a.get('n_expected')} reported, {a.get('n_on_time')} "
                      f"on time; milestones: ")
            + ", ".join(f"{k} {int(u.get(k, 0))}" for k in ("on_track", "at_risk", "off_track", "no_data")) + mark)


def show_province_tracking(s: Any, tracking_dir: str, period: str) -> None:
    """Sections "5.–7. Theo dõi thực hiện" of the province summary: reports received, the unit × indicator
    status grid against the milestones, the province's own rows."""
    if not tracking_dir:
        return
    import pandas as pd

    with collect_messages(s.notes, "province summary"):
        run = plan_tracking(s.plan, tracking_dir, period)
    tr = run.tracking
    lang = s.lang
    cat = s.ds.catalog
    a = tr.submissions.summary()
    sub = tr.submissions.table
    shown = sub[sub["expected"] == 1][["unit_code", "unit_name", "received", "submitted_on", "on_time", "days_late",
                                       "indicators_filled", "indicators_expected", "note"]].copy()
    shown["received"] = [pick_lang(lang, "có", "yes") if x else pick_lang(lang, "chưa", "no")
                         for x in shown["received"]]
    shown["on_time"] = ["–" if str(x) == "<NA>" else (pick_lang(lang, "có", "yes") if bool(x) else
                                                      pick_lang(lang, "không", "no")) for x in shown["on_time"]]
    shown["submitted_on"] = [x.strftime("%d/%m/%Y") if hasattr(x, "strftime") else "–" for x in shown["submitted_on"]]
    shown["note"] = [str(x).split(" / ")[0 if lang == "vi" else -1] for x in shown["note"]]
    for col in ("days_late", "indicators_filled", "indicators_expected"):  # whole numbers, "–" when none
        shown[col] = ["–" if x is None or (isinstance(x, float) and math.isnan(x)) else str(int(x))
                      for x in shown[col]]
    from ctxh_plan.tracking.output import TRACKING_LABELS

    shown = shown.rename(columns={c: TRACKING_LABELS[c][0 if lang == "vi" else 1] for c in shown.columns
                                  if c in TRACKING_LABELS})
    due = a.get("due")
    head = pick_lang(lang, f"<p>Đã nhận {a.get('n_received')}/{a.get('n_expected')} đơn vị; đúng hạn "
                           f"{a.get('n_on_time')}" + (f" (hạn {due:%d/%m/%Y})" if due else "") + "; chưa gửi: "
                           + html.escape(", ".join(a.get("missing") or []) or "không") + ".</p>",
                     f"<p>Received {a.get('n_received')}/{a.get('n_expected')}; on time {a.get('n_on_time')}; "
                     f"missing: " + html.escape(", ".join(a.get("missing") or []) or "none") + ".</p>")
    show_block(pick_lang(lang, f"5. Theo dõi thực hiện kỳ {tr.period}: tình hình nhận báo cáo",
                         f"5. Tracking {tr.period}: reports received"),
               head + styled_table(shown, "trsub", "", lang), s.illustrative, lang)
    # unit × indicator grid
    t = tr.table
    units_t = t[(t["unit_code"] != tr.province_code) & t["milestone"].notna()]
    codes = [c for c in cat.codes() if c in set(units_t["indicator_code"])]
    grid = units_t.pivot_table(index="unit_code", columns="indicator_code", values="status_vs_milestone",
                               aggfunc="first").reindex(columns=codes)
    names = dict(zip(t["unit_code"], t["unit_name"]))
    order = [u for u in dict.fromkeys(t["unit_code"]) if u in grid.index]
    cells = []
    for u in order:
        tds = "".join(
            f'<td style="background:{_STATUS_COLORS.get(st, "#ffffff")};text-align:center">'
            f'{html.escape(_SYMBOL.get(st, ""))}</td>' if isinstance(st, str) else "<td></td>"
            for st in grid.loc[u])
        cells.append(f"<tr><td>{html.escape(str(names.get(u, u)))}</td>{tds}</tr>")
    heads = "".join(f'<th title="{html.escape(post_reform(cat[c].name(lang)))}">{html.escape(c)}</th>' for c in codes)
    legend = " · ".join(f'<span style="background:{col};padding:0 4px">{_SYMBOL[k]}</span> '
                        f"{html.escape(_status(k, math.nan, False, lang))}" for k, col in _STATUS_COLORS.items())
    grid_html = (f'<p>{legend}</p><table class="dataframe"><thead><tr><th>'
                 f'{html.escape(pick_lang(lang, "Đơn vị", "Unit"))}</th>{heads}</tr></thead>'
                 f'<tbody>{"".join(cells)}</tbody></table>')
    names_list = "; ".join(f"{c}: {post_reform(cat[c].name(lang)) if lang == 'vi' else cat[c].name(lang)}"
                           for c in codes)
    show_block(pick_lang(lang, f"6. Đánh giá so với mốc lộ trình năm {tr.period.year} theo đơn vị và chỉ tiêu",
                         f"6. Status against the {tr.period.year} milestones by unit and indicator"),
               grid_html + notes_html([names_list], lang), s.illustrative, lang)
    # the province's own rows
    pr = pd.DataFrame(unit_tracking_table(run, tr.province_code, cat, lang, s.suppress_threshold))
    if len(pr):
        show_block(pick_lang(lang, "7. Toàn tỉnh so với cùng kỳ và lộ trình (tổng hợp từ các đơn vị)",
                             "7. Province against the same period and the milestones (aggregated)"),
                   styled_table(pr, "trprov", "", lang), s.illustrative, lang)


def province_tracking_figures(run: Any) -> dict[str, Any]:
    """Key figures of the tracking (for the recorded figures JSON)."""
    tr = run.tracking
    a = tr.submissions.summary()
    t = tr.table
    u = t[(t["unit_code"] != tr.province_code) & t["milestone"].notna()]["status_vs_milestone"].value_counts()
    return {"period": str(tr.period), "received": a.get("n_received"), "expected": a.get("n_expected"),
            "on_time": a.get("n_on_time"), "missing": list(a.get("missing") or []),
            "status_counts": {k: int(v) for k, v in sorted(u.items())}}
