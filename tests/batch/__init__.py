"""Tests of ctxh_plan.batch: the papermill batch on kernels and on dask (all in the notebooks marker)."""
