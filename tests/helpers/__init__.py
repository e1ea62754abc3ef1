"""Helpers shared by the test rooms, imported by their full name (``from tests.helpers.paths import ROOT``).

``paths``: the project root and the fixture folders; ``evaluate_frames``: small hand-built frames for the
evaluation tests; ``vietnamese_scan``: finds English words and machine paths left in generated documents
(also a script: ``.venv/bin/python tests/helpers/vietnamese_scan.py outputs/latest``).
"""
