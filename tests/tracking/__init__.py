"""Tests of ctxh_plan.tracking: adopt, forms, collect, track, names, periods; the 2026 tracking data."""
