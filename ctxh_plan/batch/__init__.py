"""The batch: one unit report per unit plus the province summary, run as papermill notebooks.

Modules: ``config`` (the batch file and its checks), ``run`` (the run as a whole: run id, resume,
manifest, index), ``export`` (a notebook as the HTML page readers open), ``kernels`` (warm kernels,
parameter injection, namespace reset, signals),
``manifest`` (manifest.json, index.html, package versions), ``nbparams`` (the notebooks' declared
parameters), ``nbstore`` (refresh the outputs nbval checks).
"""
from ctxh_plan.batch.config import BATCH_KEYS, BatchConfig, appendix_files, load_batch_config
from ctxh_plan.batch.export import export_html
from ctxh_plan.batch.run import PROVINCE_KEY, BatchResult, run_batch

__all__ = ["BATCH_KEYS", "PROVINCE_KEY", "BatchConfig", "BatchResult", "appendix_files", "export_html",
           "load_batch_config", "run_batch"]
