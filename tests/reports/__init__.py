"""Tests of ctxh_plan.reports: what the unit report and the province summary display (no kernel)."""
