"""Tests of ctxh_plan.rebase: former units onto the units of 1 July 2025."""
