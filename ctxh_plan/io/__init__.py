"""Reading input files and writing outputs atomically."""
from __future__ import annotations

__all__: list[str] = []
