"""`import ctxh_plan` stays light: no pandas, numpy or pandera on import (deterministic, unlike timing)."""
from __future__ import annotations

import subprocess
import sys

HEAVY = ("pandas", "numpy", "pandera", "openpyxl", "statsmodels", "matplotlib", "scipy", "yaml")


def _loaded_after(code: str) -> set[str]:
    probe = code + "\nimport sys\nprint(' '.join(m for m in " + repr(HEAVY) + " if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120)
    return set(out.stdout.split())


def test_package_import_is_light():
    assert _loaded_after("import ctxh_plan") == set()


def test_data_in_modules_import_light():
    code = ("import ctxh_plan.data.numbers, ctxh_plan.data.privacy, ctxh_plan.io.readers, ctxh_plan.io.problems, "
            "ctxh_plan.io.layout, ctxh_plan.data.validation, ctxh_plan.data.dataset, ctxh_plan.commands.validate")
    assert _loaded_after(code) == set()
