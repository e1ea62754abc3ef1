"""Tests of ctxh_plan.present: Word/Excel appendices, charts, models, suppression, the official language."""
