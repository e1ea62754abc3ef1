"""Tests of ctxh_plan.evaluate: methods, evaluation, roll-up."""
