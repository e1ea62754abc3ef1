"""Tests of ctxh_plan.data: catalogue, units, numbers, frames, validation, dataset, privacy; the embedded
and national datasets."""
