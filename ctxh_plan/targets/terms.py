"""Fixed vocabularies of target setting (methods, paths, allocation, scenario operations).

They live in :mod:`ctxh_plan.vocab` with the toolkit's other enums; this module keeps the
names importable from the targets package.
"""
from __future__ import annotations

from ctxh_plan.vocab import AllocationMethod, Binding, MilestonePath, ScenarioOperation, TargetMethod

__all__ = ["AllocationMethod", "Binding", "MilestonePath", "ScenarioOperation", "TargetMethod"]
