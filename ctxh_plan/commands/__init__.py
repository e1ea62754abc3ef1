"""One module per CLI verb: ``add_parser(subparsers)`` and ``run(args) -> int``."""
from __future__ import annotations

__all__: list[str] = []
