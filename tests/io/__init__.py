"""Tests of ctxh_plan.io: atomic writes, readers."""
